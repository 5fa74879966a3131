"""The follow-up as JSON for signed-in users: the reports each user may read, version 1.

Unlike the open data in catalog.api this is not public: it needs a session (the same login
as the pages), answers 401 in JSON instead of redirecting to the login page, is never cached
and sends no CORS header. Every report comes through `selectors.reports_for_api`, that is
through `access.reports_visible_to`.

Within v1 fields are only ever added, never renamed or removed.
"""

import re
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from attachments.models import Attachment
from attachments.selectors import by_anchor, report_wide
from catalog.api import board_json
from dialogue.api import with_threads
from dialogue.selectors import threads_of_reports
from followup import selectors
from followup.models import (
    ActivityStatus,
    GoalAssessment,
    IndicatorOutcome,
    Report,
    ReportEvent,
)
from followup.rows import ACTIVITY, GOAL, INDICATOR
from valdprogram.choice_labels import display
from valdprogram.http import AuthenticatedHttpRequest
from valdprogram.indented_json import IndentedJsonResponse

PAGE_SIZE = 50

View = Callable[..., JsonResponse]


def _json(payload: dict[str, Any], status: int = 200) -> JsonResponse:
    return IndentedJsonResponse(payload, status=status)


def _error(detail: str, status: int) -> JsonResponse:
    return _json({"detail": detail}, status=status)


def api_login_required(view: View) -> View:
    """Let LoginRequiredMiddleware through and answer an anonymous request with 401 JSON,
    which a script can act on, instead of a redirect to the login page."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if not request.user.is_authenticated:
            response = _error("Inloggning krävs.", status=401)
            # A 401 must name a way to authenticate (RFC 9110); here it is the session
            # cookie set by the login page.
            response["WWW-Authenticate"] = 'Session realm="valdprogram"'
            return response
        return view(request, *args, **kwargs)

    return wrapped


# --- Parameters ------------------------------------------------------------------------


class BadParameter(Exception):
    """A query parameter that cannot be used; the message is for the user, in Swedish."""


def _filter(reports: QuerySet[Report], params: dict[str, str]) -> QuerySet[Report]:
    """Narrow the reports by the query parameters. An unknown slug matches nothing (an empty
    list); a malformed year or period is an error."""
    if programme := params.get("programme"):
        reports = reports.filter(period__programme__slug=programme)
    if year := params.get("year"):
        if not re.fullmatch(r"[0-9]{4}", year):
            raise BadParameter("Parametern year måste vara ett årtal med fyra siffror, t.ex. 2023.")
        reports = reports.filter(period__year=int(year))
    if period := params.get("period"):
        codes = selectors.period_codes(programme or None)
        if codes and period not in codes:  # an unknown programme matches nothing anyway
            raise BadParameter(f"Parametern period måste vara en av {', '.join(codes)}.")
        reports = reports.filter(period__kind=period)
    if board := params.get("board"):
        reports = reports.filter(board__slug=board)
    return reports


def _page_number(params: dict[str, str]) -> int:
    page = params.get("page") or "1"
    if not re.fullmatch(r"[0-9]{1,9}", page) or int(page) < 1:
        raise BadParameter("Parametern page måste vara ett positivt heltal.")
    return int(page)


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


# --- Shapes ----------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _event_json(event: ReportEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "kind_label": display(event, "kind"),
        "at": _iso(event.at),
        "actor": event.actor.get_username(),
        "on_behalf": event.on_behalf,
        "comment": event.comment,
    }


def _activity_json(row: ActivityStatus, report: Report) -> dict[str, Any]:
    return {
        "activity": row.activity_id,
        # The wording the board reported on, kept at submission; until then the catalog's.
        "text": ACTIVITY.text(row, report),
        "own": row.activity.is_own,
        "progress": row.progress,
        "progress_label": display(row, "progress"),
        "not_applicable_reason": row.not_applicable_reason,
        "assessment": row.assessment,
        "assessment_label": display(row, "assessment"),
        "comment": row.comment,
        "version": row.version,
        "updated_at": _iso(row.updated_at),
    }


def _indicator_json(row: IndicatorOutcome, report: Report) -> dict[str, Any]:
    return {
        "indicator": row.indicator_id,
        "text": INDICATOR.text(row, report),
        "kind": row.indicator.kind,
        "own": row.indicator.is_own,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "share": row.share,
        "answer": row.answer,
        "women_numerator": row.women_numerator,
        "women_denominator": row.women_denominator,
        "men_numerator": row.men_numerator,
        "men_denominator": row.men_denominator,
        # A decimal string ("30.00"), exact as stored, never a binary float.
        "target": str(row.target) if row.target is not None else None,
        "comment": row.comment,
        "version": row.version,
        "updated_at": _iso(row.updated_at),
    }


def _goal_json(row: GoalAssessment, report: Report) -> dict[str, Any]:
    return {
        "goal": row.goal.number,
        "title": GOAL.text(row, report),
        "fulfilment": row.fulfilment,
        "fulfilment_label": display(row, "fulfilment"),
        "analysis": row.analysis,
        "version": row.version,
        "updated_at": _iso(row.updated_at),
    }


def _attachment_json(attachment: Attachment, absolute_uri: Callable[[str], str]) -> dict[str, Any]:
    return {
        "name": attachment.name,
        "size": attachment.size,
        "type": attachment.file_kind.content_type,
        "type_label": attachment.file_kind.label,
        "by": attachment.uploaded_by.get_username(),
        "on_behalf": attachment.on_behalf,
        "at": _iso(attachment.uploaded_at),
        "url": absolute_uri(
            reverse("attachment-download", args=[attachment.report_id, attachment.pk])
        ),
    }


def _with_attachments(
    row: dict[str, Any], files: list[Attachment], absolute_uri: Callable[[str], str]
) -> dict[str, Any]:
    row["attachments"] = [_attachment_json(attachment, absolute_uri) for attachment in files]
    return row


def report_json(report: Report, absolute_uri: Callable[[str], str]) -> dict[str, Any]:
    """One report with its rows, from a report of `selectors.reports_for_api` (rows and
    files prefetched: no queries here); `absolute_uri` makes a path a whole address (the
    request's `build_absolute_uri`, or the site's address in the archive package)."""
    period = report.period
    files = by_anchor(report.attachments.all())
    rows = {
        row.prefix
        for kind in (report.activity_rows, report.indicator_rows, report.goal_rows)
        for row in kind.all()
    }
    return {
        "id": report.pk,
        "url": absolute_uri(reverse("report-detail", args=[report.pk])),
        "programme": period.programme.slug,
        "year": period.year,
        "period": period.kind,
        "period_label": period.label,
        "board": board_json(report.board),
        "state": report.state,
        "state_label": display(report, "state"),
        "reopened": report.reopened,
        "deadline": period.deadline.isoformat(),
        "summary": report.summary,
        "events": [_event_json(event) for event in report.events.all()],
        # Rows come in the report page's order (see selectors.reports_for_api).
        "activities": [
            _with_attachments(_activity_json(row, report), files.get(row.prefix, []), absolute_uri)
            for row in report.activity_rows.all()
        ],
        "indicators": [
            _with_attachments(_indicator_json(row, report), files.get(row.prefix, []), absolute_uri)
            for row in report.indicator_rows.all()
        ],
        "goals": [
            _with_attachments(_goal_json(row, report), files.get(row.prefix, []), absolute_uri)
            for row in report.goal_rows.all()
        ],
        # The report's files as a whole (and any whose row has left the report); each row's
        # are under the row.
        "attachments": [
            _attachment_json(attachment, absolute_uri) for attachment in report_wide(files, rows)
        ],
    }


def reports_json(reports: list[Report], absolute_uri: Callable[[str], str]) -> list[dict[str, Any]]:
    """The reports as the API gives them, each with its comment threads (one query for all
    the reports' threads). The archive package uses this too: one format."""
    threads = threads_of_reports(report.pk for report in reports)
    return [
        with_threads(report_json(report, absolute_uri), report, threads[report.pk])
        for report in reports
    ]


# --- Views -----------------------------------------------------------------------------


@api_login_required
@require_safe
@never_cache
def report_list(request: AuthenticatedHttpRequest) -> JsonResponse:
    """`GET /api/v1/reports/?programme=&year=&period=&board=&page=`: the reports the user
    may read, PAGE_SIZE a page."""
    params = request.GET.dict()
    try:
        reports = _filter(selectors.reports_for_api(request.user), params)
        number = _page_number(params)
    except BadParameter as error:
        return _error(str(error), status=400)
    # A stable order, so that pages neither repeat nor skip a report.
    reports = reports.order_by(
        "period__programme__slug", "period__year", "period__position", "board__name", "pk"
    )
    paginator = Paginator(reports, PAGE_SIZE)
    if number > paginator.num_pages:
        return _error("Sidan finns inte.", status=404)
    page = paginator.page(number)
    return _json(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": _page_url(request, number + 1) if page.has_next() else None,
            "previous": _page_url(request, number - 1) if page.has_previous() else None,
            "results": reports_json(list(page.object_list), request.build_absolute_uri),
        }
    )

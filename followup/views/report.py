"""The report: a board's answer for one period, filled in row by row, submitted, reviewed."""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import TypeVar

from concurrency.api import get_revision_of_object
from concurrency.forms import get_signer
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from attachments.selectors import attachment_index
from attachments.views import upload_form
from catalog.models import Activity, Goal, Indicator
from dialogue.review import since_return
from dialogue.selectors import ThreadView, report_dialogue, threads_of_reports
from followup import access, guard, row_html, selectors, services
from followup.forms import (
    OwnItemForm,
    ReportSummaryForm,
    ReviewForm,
    RowForm,
)
from followup.history import HistoryFilter, report_history
from followup.models import Report, ReportState
from followup.own_items import OWN_MODELS, own_items_in, with_row_in
from followup.rows import Row, RowKind, in_page_order, is_done, kind_by_key
from followup.selectors import GoalSection
from valdprogram.http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class RowView:
    """One row as the report page draws it: the row, its form when it may be written, the
    same item's row in the period before, and how the last save of it went."""

    kind: RowKind
    row: Row
    report: Report
    form: RowForm | None
    previous: Row | None
    saved: bool = False
    conflict: services.StaleRow | None = None
    error: str | None = None
    next_missing: str = ""  # the anchor of the next unfinished row on the page
    only_missing: bool = False  # the page shows only what is missing (?visa=saknas)
    thread: ThreadView | None = None  # its comment thread, drawn beside it (dialogue)
    save_url: str = ""  # where the row's form posts (row_save_urls)

    # What the template draws of every row is worked out here once, in Python (and the
    # heading and the previous answer drawn by followup.row_html): the page has 46 rows.

    @cached_property
    def prefix(self) -> str:
        """The row's element id and its form's prefix: "a12"."""
        return self.row.prefix

    @cached_property
    def heading(self) -> str:
        """The row's heading, as HTML: its number, wording and tags."""
        return row_html.heading(self.kind.key, self.item, self.text, self.report.period.programme)

    @cached_property
    def previous_summary(self) -> str:
        """The period before's answer on one line, as HTML ("" without one)."""
        return row_html.summary(self.previous) if self.previous is not None else ""

    @property
    def text(self) -> str:
        """The activity's or indicator's wording (the goal's title), by the registry's rule."""
        return self.kind.text(self.row, self.report)

    @property
    def item(self) -> Activity | Indicator | Goal:
        return self.kind.item(self.row)

    @property
    def is_done(self) -> bool:
        return is_done(self.row)

    @property
    def lacks(self) -> str:
        """What the row lacks, if it is not filled in: "status och bedömning"."""
        return "" if self.row.is_filled else self.kind.lacks(self.row)


def row_view(
    kind: RowKind,
    row: Row,
    report: Report,
    *,
    writable: bool,
    previous: Row | None,
    form: RowForm | None = None,
    saved: bool = False,
    conflict: services.StaleRow | None = None,
    error: str | None = None,
    next_missing: str = "",
    only_missing: bool = False,
    thread: ThreadView | None = None,
    save_url: Callable[[RowKind, Row], str] | None = None,
) -> RowView:
    """The view of a row, for the whole page and for the row alone. `form` is one that came
    back with errors, shown instead of a fresh one so that nothing typed is lost. `save_url`
    is the page's `row_save_urls`; the row alone reverses its own."""
    if not writable:
        return RowView(kind, row, report, form=None, previous=previous, thread=thread)
    return RowView(
        kind,
        row,
        report,
        form=form or kind.form(instance=row),
        previous=previous,
        saved=saved,
        conflict=conflict,
        error=error,
        next_missing=next_missing,
        only_missing=only_missing,
        thread=thread,
        save_url=(save_url or row_save_urls(report))(kind, row),
    )


def row_save_urls(report: Report) -> Callable[[RowKind, Row], str]:
    """The save URL of each row of the report, by one reverse for the page: the rows' URLs
    differ only in their ends ("…/rad/a/12/")."""
    sample = reverse("report-row-save", args=[report.pk, "k", 0])
    start = sample.removesuffix("k/0/")
    assert start != sample, f"{sample} does not end in the row's kind and id"
    return lambda kind, row: f"{start}{kind.key}/{row.pk}/"


# The page with only what is missing: /rapporter/12/?visa=saknas. Row forms send it along
# as a hidden field, so that a plain-form save comes back to the same view of the page.
SHOW, ONLY_MISSING = "visa", "saknas"
ONLY_MISSING_QUERY = f"{SHOW}={ONLY_MISSING}"


def _only_missing(data: QueryDict) -> bool:
    return data.get(SHOW) == ONLY_MISSING


def _report_url(report: Report, anchor: str = "") -> str:
    url = reverse("report-detail", args=[report.pk])
    return f"{url}#{anchor}" if anchor else url


def _render_report(
    request: HttpRequest,
    report: Report,
    *,
    bound: dict[str, ModelForm] | None = None,
    status: int = 200,
    conflict: services.StaleRow | None = None,
    saved_prefix: str = "",
    only_missing: bool = False,
    row_error: str = "",
    **extra: object,
) -> HttpResponse:
    """The whole report page. `bound` holds forms that came back with errors (keyed by
    prefix), shown in place of fresh ones so that nothing typed is lost. With
    `only_missing`, only the unfinished rows (and the one just saved) are drawn. Reading
    writes nothing: the rows follow the catalog when the catalog changes
    (`reports_sync_for_programme`)."""
    page = selectors.report_page(report)
    writable = report.access.can_write and report.is_open_for_writing
    bound = bound or {}
    completeness = page.completeness
    # Every thread of the report with its comments: one query, however many.
    dialogue = report_dialogue(
        report,
        in_page_order(chain.from_iterable(page.rows.values())),
        may_comment=report.access.can_write,
        threads=threads_of_reports([report.pk])[report.pk],
    )
    save_urls = row_save_urls(report)

    def shown(row: Row) -> bool:
        return not only_missing or not is_done(row) or row.prefix in (saved_prefix, *bound)

    def view(kind: RowKind, row: Row) -> RowView:
        # A row's prefix ("a12") is never the summary's: a form under it is the row's.
        form = bound.get(row.prefix)
        return row_view(
            kind,
            row,
            report,
            writable=writable,
            previous=page.previous_of(kind, row),
            form=form if isinstance(form, RowForm) else None,
            saved=row.prefix == saved_prefix,
            conflict=conflict if row.prefix in bound else None,
            error=(row_error or None) if row.prefix in bound else None,
            next_missing=completeness.next_missing.get(row.prefix, ""),
            only_missing=only_missing,
            thread=dialogue.of(row.prefix),
            save_url=save_urls,
        )

    goals = {goal.number: goal for goal in completeness.goals}
    # The report's files (one query), listed by row and in the panel with the upload form.
    attachments = attachment_index(
        report, writable=writable, rows=in_page_order(chain(*page.rows.values()))
    )
    sections: list[GoalSection[RowView]] = [
        GoalSection(
            section.goal,
            section.title,
            {
                kind: [view(kind, row) for row in of_kind if shown(row)]
                for kind, of_kind in section.rows.items()
            },
            goals.get(section.goal.number),
        )
        for section in page.sections
    ]
    context = {
        "page": page,
        "sections": sections,
        "completeness": completeness,
        "only_missing": only_missing,
        "report": report,
        "access": report.access,
        "writable": writable,
        "summary_form": bound.get("summary") or ReportSummaryForm(instance=report),
        "own_item_form": extra.pop("own_item_form", None)
        or OwnItemForm(programme=report.period.programme),
        "own_items": own_items_in(report, chain.from_iterable(page.rows.values()))
        if writable and report.state == ReportState.DRAFT
        else [],
        "review_form": extra.pop("review_form", None) or ReviewForm(),
        "attachments": attachments,
        "attachment_form": upload_form(attachments),
        "conflict": conflict,
        "dialogue": dialogue,
        "since_return": since_return(report, page.events, dialogue)
        if report.access.can_review
        else None,
        **extra,
    }
    return render(request, "followup/report_detail.html", context, status=status)


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    # After a plain-form save the page lands on the row, which says it was saved.
    return _render_report(
        request,
        report,
        saved_prefix=request.GET.get("sparad", ""),
        only_missing=_only_missing(request.GET),
        # "Kommentera" without JavaScript: the page with that row's new thread open.
        comment_target=request.GET.get("kommentera", ""),
    )


# "Bekräfta raden" sends the row's form with this field: confirm what it took over, unchanged.
CONFIRM = "bekrafta"
CHANGED_NOT_CONFIRMED = (
    "Du har ändrat raden, så den bekräftades inte som oförändrad. Tryck på Spara raden för "
    "att spara ändringarna."
)


@require_POST
def row_save(request: AuthenticatedHttpRequest, pk: int, kind: str, row_pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    try:
        row_kind = kind_by_key(kind)
        row = selectors.report_row(report, row_kind, row_pk)
    except (KeyError, ObjectDoesNotExist):
        raise Http404("Raden finns inte i rapporten.") from None
    form = row_kind.form(request.POST, instance=row)
    conflict = error = None
    if request.POST.get(CONFIRM) and form.has_changed():
        # Confirming says "what came over still holds": with other values in the form, that
        # would store them unasked. Nothing is saved; what was typed stays in the row.
        return _row_refused(request, report, row_kind, row, form, CHANGED_NOT_CONFIRMED)
    if form.is_valid():
        try:
            row = services.row_save(
                form=form, report=report, user=request.user, on_behalf=report.access.on_behalf
            )
        except services.StaleRow as stale:
            conflict = stale
            form = form_after_conflict(form, request, stale.current)
        except services.FollowupError as refused:
            error = str(refused)
    else:
        guard.report_refused(guard.stops_in(form), report=report)
    saved = form.is_bound and not form.errors and conflict is None and error is None
    only_missing = _only_missing(request.POST)
    if request.htmx:
        return _render_row(
            request, report, row_kind, row, form, saved, conflict, error, only_missing
        )
    if saved:
        url = reverse("report-detail", args=[report.pk])
        shown = f"&{ONLY_MISSING_QUERY}" if only_missing else ""
        return redirect(f"{url}?sparad={row.prefix}{shown}#{row.prefix}")
    if error:
        messages.error(request, error)
        return redirect(_report_url(report, row.prefix))
    return _render_report(
        request,
        report,
        bound={form.prefix or "": form},
        status=409 if conflict else 422,
        conflict=conflict,
        only_missing=only_missing,
    )


def _row_refused(
    request: AuthenticatedHttpRequest,
    report: Report,
    kind: RowKind,
    row: Row,
    form: RowForm,
    error: str,
) -> HttpResponse:
    """The row with what was typed and why it was not saved: alone for htmx, else the page."""
    only_missing = _only_missing(request.POST)
    if request.htmx:
        return _render_row(request, report, kind, row, form, False, None, error, only_missing)
    return _render_report(
        request,
        report,
        bound={form.prefix or "": form},
        status=422,
        row_error=error,
        only_missing=only_missing,
    )


@require_POST
def goal_confirm(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """Confirm, unchanged, the rows under a goal that came from the period before."""
    report = access.get_writable_report(request.user, pk)
    try:
        confirmed = services.goal_rows_confirm(
            report=report, goal_number=number, user=request.user, on_behalf=report.access.on_behalf
        )
    except services.FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(_report_url(report))
    goal = f"{report.period.programme.goal_label.lower()} {number}"
    if confirmed:
        rows = "1 rad" if confirmed == 1 else f"{confirmed} rader"
        messages.success(request, f"{rows} under {goal} bekräftade oförändrade.")
    else:
        messages.info(request, f"Inget under {goal} väntade på att bekräftas.")
    url = reverse("report-detail", args=[report.pk])
    shown = f"?{ONLY_MISSING_QUERY}" if _only_missing(request.POST) else ""
    return redirect(f"{url}{shown}#goal-{number}")


FormT = TypeVar("FormT", bound=ModelForm)


def form_after_conflict(form: FormT, request: HttpRequest, current: Model) -> FormT:
    """Keep what the user typed, with the version now stored: saving again is a knowing
    choice to replace the other person's values."""
    data = request.POST.copy()
    data[form.add_prefix("version")] = get_signer().sign(get_revision_of_object(current))
    # A copy: binding the form writes the user's values onto its instance, and the page
    # must show the stored ones beside them.
    fresh = type(form)(data, instance=copy.copy(current))
    fresh.is_valid()
    return fresh


def _render_row(
    request: HttpRequest,
    report: Report,
    kind: RowKind,
    row: Row,
    form: RowForm,
    saved: bool,
    conflict: services.StaleRow | None,
    error: str | None,
    only_missing: bool,
) -> HttpResponse:
    """The row alone, for htmx, with the progress line and the goals' counts swapped out
    of band."""
    completeness = services.report_completeness_now(report)
    view = row_view(
        kind,
        row,
        report,
        writable=True,
        previous=selectors.previous_row(report, kind, row),
        # Once saved, a fresh form carries the new version.
        form=None if saved else form,
        saved=saved,
        conflict=conflict,
        error=error,
        next_missing=completeness.next_missing.get(row.prefix, ""),
        only_missing=only_missing,
    )
    # No "attachments": the row's list of files stays as it is on the page (hx-preserve).
    context = {"report": report, "access": report.access, "writable": True, "row": view}
    template = "followup/report_detail.html"
    html = render_to_string(f"{template}#report-row", context, request=request)
    progress = {"report": report, "completeness": completeness, "oob": True}
    html += render_to_string(f"{template}#progress", progress, request=request)
    html += render_to_string(f"{template}#goal-nav", progress, request=request)
    return HttpResponse(html, status=200 if saved else 409 if conflict else 422)


@require_POST
def summary_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    form = ReportSummaryForm(request.POST, instance=report)
    if form.is_valid():
        try:
            services.report_summary_save(form=form, report=report, user=request.user)
        except services.NoSummary as refused:
            # A tertial report has no summary: refused in place, nothing stored.
            messages.error(request, str(refused))
            return _render_report(request, report, status=422)
        except services.StaleRow as stale:
            form = form_after_conflict(form, request, stale.current)
            return _render_report(
                request, report, bound={"summary": form}, status=409, conflict=stale
            )
        except services.FollowupError as refused:
            messages.error(request, str(refused))
            return redirect(_report_url(report))
        messages.success(request, "Sammanfattningen är sparad.")
        return redirect(_report_url(report, "summary"))
    guard.report_refused(guard.stops_in(form), report=report)
    return _render_report(request, report, bound={"summary": form}, status=422)


@require_POST
def own_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    form = OwnItemForm(request.POST, programme=report.period.programme)
    if not form.is_valid():
        guard.report_refused(guard.stops_in(form), report=report)
        return _render_report(request, report, own_item_form=form, status=422)
    kind = form.cleaned_data["kind"]
    try:
        item = services.own_item_add(
            report=report,
            goal=form.cleaned_data["goal"],
            text=form.cleaned_data["text"],
            indicator_kind=None if kind == "activity" else kind,
        )
    except services.FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(_report_url(report))
    goal = f"{report.period.programme.goal_label.lower()} {item.goal.number}"
    messages.success(request, f"”{item.text[:60]}” är tillagd under {goal}.")
    return redirect(_report_url(report, f"goal-{item.goal.number}"))


@require_POST
def own_item_remove(
    request: AuthenticatedHttpRequest, pk: int, kind: str, item_pk: int
) -> HttpResponse:
    """Remove one of the board's own items from its draft report (kept in the history)."""
    report = access.get_writable_report(request.user, pk)
    model = OWN_MODELS.get(kind)
    item = None
    if model is not None:
        item = model.objects.filter(
            with_row_in(model, report), pk=item_pk, added_by_id=report.board_id
        ).first()
    if item is None:
        raise Http404("Den egna aktiviteten eller indikatorn finns inte i rapporten.")
    try:
        services.own_item_remove(report=report, item=item, user=request.user)
    except services.FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(_report_url(report, "own"))
    messages.success(request, f"”{item.text[:60]}” är borttagen ur rapporten.")
    return redirect(_report_url(report, "own"))


HISTORY_PAGE_SIZE = 50


@require_safe
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to the report, newest first, a page at a time; narrowed to one row
    (`?rad=a12`) or one person (`?vem=<user id>`) from the changes there are."""
    report = access.get_report(request.user, pk)
    changes = report_history(report)
    # The choices are what the history holds, in the order of the changes' first mention.
    rows = dict.fromkeys((change.anchor, change.item) for change in changes if change.anchor)
    people = dict.fromkeys((change.user_id, change.user) for change in changes if change.user_id)
    anchor = request.GET.get("rad", "")
    user_id = _int_or_none(request.GET.get("vem"))
    chosen = HistoryFilter(
        anchor=anchor if any(anchor == a for a, _ in rows) else "",
        user_id=user_id if any(user_id == u for u, _ in people) else None,
    )
    kept = [change for change in changes if chosen.keeps(change)]
    page = Paginator(kept, HISTORY_PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "followup/report_history.html",
        {
            "report": report,
            "changes": page.object_list,
            "page": page,
            "query": query.urlencode(),
            "rows": sorted(rows, key=lambda row: row[1]),
            "people": sorted(people, key=lambda person: person[1]),
            "chosen": chosen,
            "total": len(changes),
            "now": timezone.now(),
        },
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None

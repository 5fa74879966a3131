"""The report: a board's answer for one period, filled in row by row, submitted, reviewed."""

import copy
from typing import TypeVar

from concurrency.api import get_revision_of_object
from concurrency.forms import get_signer
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from followup import access, selectors, services
from followup.forms import (
    ActivityStatusForm,
    GoalAssessmentForm,
    IndicatorOutcomeForm,
    OwnItemForm,
    ReasonForm,
    ReportSummaryForm,
    ReviewForm,
)
from followup.history import report_history
from followup.models import ActivityStatus, GoalAssessment, IndicatorOutcome, Report, ReportRow
from valdprogram.http import AuthenticatedHttpRequest

ROW_FORMS: dict[str, type[ModelForm]] = {
    "a": ActivityStatusForm,
    "i": IndicatorOutcomeForm,
    "g": GoalAssessmentForm,
}


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
    **extra: object,
) -> HttpResponse:
    """The whole report page. `bound` holds forms that came back with errors (keyed by
    prefix), shown in place of fresh ones so that nothing typed is lost."""
    if report.is_open_for_writing:
        services.report_rows_sync(report=report)
    page = selectors.report_page(report)
    writable = report.access.can_write and report.is_open_for_writing
    bound = bound or {}

    def form_for(kind: str, row: ReportRow) -> ModelForm | None:
        if not writable:
            return None
        row.conflict = conflict if row.prefix in bound else None
        row.saved = row.prefix == saved_prefix
        return bound.get(row.prefix) or ROW_FORMS[kind](instance=row)

    for section in page.sections:
        for activity_row in section.activity_rows:
            activity_row.form = form_for("a", activity_row)
            activity_row.previous = page.previous_rows.get(("a", activity_row.activity_id))
        for indicator_row in section.indicator_rows:
            indicator_row.form = form_for("i", indicator_row)
            indicator_row.previous = page.previous_rows.get(("i", indicator_row.indicator_id))
        if section.goal_row is not None:
            goal_row = section.goal_row
            goal_row.form = form_for("g", goal_row)
            goal_row.previous = page.previous_rows.get(("g", goal_row.goal_id))

    context = {
        "page": page,
        "report": report,
        "access": report.access,
        "writable": writable,
        "summary_form": bound.get("summary") or ReportSummaryForm(instance=report),
        "own_item_form": extra.pop("own_item_form", None)
        or OwnItemForm(programme_id=report.period.programme_id),
        "review_form": extra.pop("review_form", None) or ReviewForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReasonForm(),
        "conflict": conflict,
        **extra,
    }
    return render(request, "followup/report_detail.html", context, status=status)


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    # After a plain-form save the page lands on the row, which says it was saved.
    return _render_report(request, report, saved_prefix=request.GET.get("sparad", ""))


@require_POST
def row_save(request: AuthenticatedHttpRequest, pk: int, kind: str, row_pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    try:
        row = selectors.report_row(report, kind, row_pk)
    except (KeyError, ObjectDoesNotExist):
        raise Http404("Raden finns inte i rapporten.") from None
    form = ROW_FORMS[kind](request.POST, instance=row)
    conflict = error = None
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
    saved = form.is_bound and not form.errors and conflict is None and error is None
    if request.htmx:
        return _render_row(request, report, kind, row, form, saved, conflict, error)
    if saved:
        url = reverse("report-detail", args=[report.pk])
        return redirect(f"{url}?sparad={row.prefix}#{row.prefix}")
    if error:
        messages.error(request, error)
        return redirect(_report_url(report, row.prefix))
    return _render_report(
        request,
        report,
        bound={form.prefix or "": form},
        status=409 if conflict else 422,
        conflict=conflict,
    )


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
    kind: str,
    row: ActivityStatus | IndicatorOutcome | GoalAssessment,
    form: ModelForm,
    saved: bool,
    conflict: services.StaleRow | None,
    error: str | None,
) -> HttpResponse:
    """The row alone, for htmx, with the progress line swapped out of band."""
    row.form = ROW_FORMS[kind](instance=row) if saved else form
    row.saved, row.conflict, row.error = saved, conflict, error
    row.previous = selectors.previous_row(report, kind, row)
    context = {"report": report, "access": report.access, "writable": True, "row": row}
    template = "followup/report_detail.html"
    html = render_to_string(f"{template}#report-row", context, request=request)
    html += render_to_string(
        f"{template}#progress",
        {"completeness": services.report_completeness_now(report), "oob": True},
        request=request,
    )
    return HttpResponse(html, status=200 if saved else 409 if conflict else 422)


@require_POST
def summary_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    form = ReportSummaryForm(request.POST, instance=report)
    if form.is_valid():
        try:
            services.report_summary_save(form=form, report=report, user=request.user)
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
    return _render_report(request, report, bound={"summary": form}, status=422)


@require_POST
def own_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    form = OwnItemForm(request.POST, programme_id=report.period.programme_id)
    if not form.is_valid():
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
    messages.success(request, f"”{item.text[:60]}” är tillagd under mål {item.goal.number}.")
    return redirect(_report_url(report, f"goal-{item.goal.number}"))


@require_safe
def history(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    return render(
        request,
        "followup/report_history.html",
        {"report": report, "changes": report_history(report), "now": timezone.now()},
    )

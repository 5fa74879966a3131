"""Submitting a report and the samordnare's review: approve, return, reopen."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dialogue.selectors import dialogue_now
from followup import access, guard, services
from followup.forms import ReopenForm, ReviewForm
from followup.models import Report
from followup.views.confirm import Confirmation, confirm_page
from followup.views.report import _render_report, _report_url
from valdprogram.http import AuthenticatedHttpRequest


def _crumbs(report: Report) -> list[tuple[str, str]]:
    return [
        (reverse("start"), "Start"),
        (_report_url(report), f"{report.board.name}, {report.period.label}"),
    ]


@require_safe
def report_submit_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What "Skicka in" does, asked before it is done."""
    report = access.get_writable_report(request.user, pk)
    error = ""
    try:
        services.ensure_open(report)
    except services.FollowupError as refused:
        error = str(refused)
    completeness = services.report_completeness_now(report)
    consequences = [
        f"Rapporten från {report.board.name} för {report.period.label} skickas till "
        "samordnaren för granskning.",
        "Efter det kan nämnden inte ändra den, om inte samordnaren skickar tillbaka den.",
        "Det som är sparat skickas in: rader du har ändrat men inte sparat följer inte med.",
    ]
    if report.access.on_behalf:
        consequences.append(
            "Du skickar in den för nämndens räkning; det registreras med ditt namn."
        )
    # Incomplete: what is missing, each a link to its row, and no button (the POST would
    # refuse it anyway).
    missing = [(_report_url(report, item.anchor), item.text) for item in completeness.missing]
    missing_intro = (
        f"{completeness.filled} av {completeness.total} delar är ifyllda. Rapporten kan inte "
        "skickas in förrän allt är ifyllt. Det här saknas:"
    )
    label = "Skicka in rapporten" + (" för nämndens räkning" if report.access.on_behalf else "")
    return confirm_page(
        request,
        Confirmation(
            title=f"Skicka in rapporten för {report.period.label}?",
            consequences=consequences,
            # Where the report page shows what is missing, if the submission is refused.
            action=reverse("report-submit", args=[report.pk]) + "#submit",
            button=label,
            back=f"{_report_url(report)}#submit",
            breadcrumbs=_crumbs(report),
            error=error,
            blocked=bool(error),
            missing=missing,
            missing_intro=missing_intro,
        ),
    )


@require_POST
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    try:
        services.report_submit(report=report, user=request.user, on_behalf=report.access.on_behalf)
    except services.IncompleteReport as incomplete:
        return _render_report(request, report, status=422, submit_missing=incomplete.missing)
    except services.FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(_report_url(report))
    messages.success(request, "Rapporten är inskickad till samordnaren.")
    return redirect(_report_url(report))


@require_POST
def report_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_reviewable_report(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        guard.report_refused(guard.stops_in(form), report=report)
        return _render_report(request, report, review_form=form, status=422)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.report_review(
            report=report, user=request.user, approve=approve, comment=form.cleaned_data["comment"]
        )
    except services.FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(_report_url(report))
    done = "Rapporten är godkänd." if approve else "Rapporten är skickad tillbaka till nämnden."
    if not approve and (open_threads := len(dialogue_now(report, may_comment=False).open)):
        done += (
            " 1 tråd är öppen och följer med till nämnden."
            if open_threads == 1
            else f" {open_threads} trådar är öppna och följer med till nämnden."
        )
    messages.success(request, done)
    return redirect(_report_url(report))


def _reopen_confirmation(
    report: Report, form: ReopenForm | None = None, error: str = ""
) -> Confirmation:
    return Confirmation(
        title=f"Öppna rapporten från {report.board.name} igen?",
        consequences=[
            f"{report.period.label} är låst. Just den här rapporten öppnas igen som ett "
            "undantag, och det registreras med ditt namn och skälet.",
            "Rapporten går tillbaka till nämnden som återskickad; nämndens rapportörer kan "
            "ändra den och skicka in den igen.",
            "Den får en egen sista dag: den räknas inte som försenad före den, och "
            "påminnelserna utgår från den.",
            "Undantaget upphör när perioden låses igen.",
        ],
        action=reverse("report-reopen", args=[report.pk]),
        button="Öppna rapporten igen",
        back=f"{_report_url(report)}#reopen",
        breadcrumbs=_crumbs(report),
        form=form or ReopenForm(),
        error=error,
    )


@require_safe
def report_reopen_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_reviewable_report(request.user, pk)
    return confirm_page(request, _reopen_confirmation(report))


@require_POST
def report_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_reviewable_report(request.user, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        guard.report_refused(guard.stops_in(form), report=report)
        return confirm_page(request, _reopen_confirmation(report, form), status=422)
    try:
        services.report_reopen(
            report=report,
            user=request.user,
            comment=form.cleaned_data["comment"],
            deadline=form.cleaned_data["deadline"],
            today=timezone.localdate(),
        )
    except services.FollowupError as refused:
        return confirm_page(request, _reopen_confirmation(report, form, str(refused)), status=422)
    messages.success(
        request,
        "Rapporten är öppnad igen för nämnden, med sista dag "
        f"{form.cleaned_data['deadline']:%Y-%m-%d}.",
    )
    return redirect(_report_url(report))

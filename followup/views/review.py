"""Submitting a report and the samordnare's review: approve, return, reopen."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from followup import access, services
from followup.forms import ReasonForm, ReviewForm
from followup.views.report import _render_report, _report_url
from valdprogram.http import AuthenticatedHttpRequest


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
        return _render_report(request, report, review_form=form, status=422)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.report_review(
            report=report, user=request.user, approve=approve, comment=form.cleaned_data["comment"]
        )
    except services.FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(_report_url(report))
    messages.success(
        request,
        "Rapporten är godkänd." if approve else "Rapporten är skickad tillbaka till nämnden.",
    )
    return redirect(_report_url(report))


@require_POST
def report_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_reviewable_report(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, reopen_form=form, status=422)
    try:
        services.report_reopen(
            report=report, user=request.user, comment=form.cleaned_data["comment"]
        )
    except services.FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(_report_url(report))
    messages.success(request, "Rapporten är öppnad igen för nämnden.")
    return redirect(_report_url(report))

"""A period's reports for its samordnare, and approving several of them at once.

The list (`/perioder/<pk>/rapporter/`) marks the submitted reports with a box each; ticking
some and pressing "Godkänn markerade" asks first, on a confirmation page that lists them
(followup/views/confirm.py), and its POST approves them all or none
(services.reports_approve): a report that has changed state meanwhile is listed with the
reason, and the others are offered again.
"""

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from followup import access, selectors, services
from followup.models import Report, ReportingPeriod, ReportState
from followup.views.confirm import Confirmation, confirm_page
from valdprogram.http import AuthenticatedHttpRequest


class ReportChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Report) -> str:
        return obj.board.name


class BulkApproveForm(forms.Form):
    reports = ReportChoice(
        queryset=Report.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Rapporter som godkänns",
        error_messages={
            "required": "Välj minst en inskickad rapport att godkänna.",
            "invalid_choice": "En av rapporterna finns inte i perioden.",
            "invalid_pk_value": "En av rapporterna finns inte i perioden.",
        },
    )

    def __init__(self, *args: object, reports: QuerySet[Report], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["reports"].queryset = reports  # type: ignore[attr-defined]


@require_safe
def period_reports(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = access.get_coordinated_period(request.user, pk)
    summaries = selectors.period_reports(request.user, period, timezone.localdate())
    return render(
        request,
        "followup/period_reports.html",
        {
            "period": period,
            "summaries": summaries,
            "submitted": sum(s.report.state == ReportState.SUBMITTED for s in summaries),
        },
    )


def _confirmation(
    period: ReportingPeriod, form: BulkApproveForm, count: int, warnings: list[str], error: str = ""
) -> Confirmation:
    back = reverse("period-reports", args=[period.pk])
    return Confirmation(
        title=f"Godkänn {count} rapport{'er' if count != 1 else ''} för {period.label}?",
        consequences=[
            "De markerade rapporterna godkänns, var och en för sig: varje godkännande "
            "registreras i rapportens historik med ditt namn.",
            "Nämndernas rapportörer får en avisering om att rapporten är godkänd.",
            "Om någon av rapporterna har ändrat läge under tiden godkänns ingen, och du får "
            "se vilken och varför.",
        ],
        action=reverse("period-approve", args=[period.pk]),
        button="Godkänn markerade",
        back=back,
        breadcrumbs=[
            (reverse("start"), "Start"),
            (reverse("period-list"), "Perioder"),
            (back, f"Rapporter {period.label}"),
        ],
        form=form,
        warnings=warnings,
        error=error,
        blocked=count == 0,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def period_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: what "Godkänn markerade" will do, for the reports ticked (`?reports=…`), or for
    every submitted one (`?alla=1`); POST: approve them, all or none."""
    period = access.get_coordinated_period(request.user, pk)
    reports = selectors.reports_of_period(request.user, period).select_related("board")
    if request.method != "POST":
        if request.GET.get("alla"):
            picked = list(reports.filter(state=ReportState.SUBMITTED))
        else:
            chosen = BulkApproveForm(request.GET, reports=reports)
            picked = list(chosen.cleaned_data["reports"]) if chosen.is_valid() else []
        return _offer(request, period, reports, picked)
    form = BulkApproveForm(request.POST, reports=reports)
    if not form.is_valid():
        return confirm_page(request, _confirmation(period, form, 0, [], _first_error(form)), 422)
    try:
        approved = services.reports_approve(reports=form.cleaned_data["reports"], user=request.user)
    except services.BulkApproveRefused as refused:
        # Read again: the states as they are now, after the refusal.
        again = reports.filter(pk__in=[report.pk for report in form.cleaned_data["reports"]])
        return _offer(request, period, reports, list(again), error=str(refused), status=409)
    names = ", ".join(report.board.name for report in approved)
    count = len(approved)
    messages.success(
        request,
        f"{count} rapport{'er' if count != 1 else ''} är "
        f"godkänd{'a' if count != 1 else ''}: {names}.",
    )
    return redirect("period-reports", pk=period.pk)


def _offer(
    request: AuthenticatedHttpRequest,
    period: ReportingPeriod,
    reports: QuerySet[Report],
    picked: list[Report],
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The confirmation page for the picked reports: those still submitted are offered
    (ticked), the others are listed with the reason they cannot be approved."""
    approvable = [report for report in picked if report.state == ReportState.SUBMITTED]
    warnings = [
        f"{report.board.name} kan inte godkännas: den är {report.get_state_display().lower()} "
        "nu; bara inskickade rapporter kan godkännas."
        for report in picked
        if report.state != ReportState.SUBMITTED
    ]
    if not picked and not error:
        error = "Välj minst en inskickad rapport att godkänna."
    form = BulkApproveForm(
        initial={"reports": approvable},
        reports=reports.filter(pk__in=[report.pk for report in approvable]),
    )
    confirmation = _confirmation(period, form, len(approvable), warnings, error)
    return confirm_page(request, confirmation, status)


def _first_error(form: forms.Form) -> str:
    return str(next(iter(form.errors.get("reports", [])), "Välj minst en inskickad rapport."))

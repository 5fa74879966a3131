"""Start pages after login, and the samordnare's periods."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from followup import access, selectors, services
from followup.models import PeriodState, ReportingPeriod
from valdprogram.http import AuthenticatedHttpRequest


@require_safe
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "followup/start.html",
        {
            "today": today,
            "my_reports": selectors.my_reports(request.user),
            "coordinator_periods": selectors.coordinator_overview(request.user, today),
            "is_coordinator": access.is_coordinator(request.user),
        },
    )


def _coordinator_periods(request: AuthenticatedHttpRequest) -> QuerySet[ReportingPeriod]:
    """The periods of the programmes the user coordinates; 404 for anyone else."""
    if not access.is_coordinator(request.user):
        raise Http404("Sidan finns inte.")
    return selectors.periods_for_coordinator(request.user)


@require_safe
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    periods = _coordinator_periods(request)
    return render(request, "followup/period_list.html", {"periods": periods})


@require_POST
def period_change(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    period = _coordinator_periods(request).filter(pk=pk).first()
    if period is None:
        raise Http404("Perioden finns inte.")
    if action == "open" and period.state != PeriodState.OPEN:
        created = services.period_open(period=period)
        messages.success(
            request, f"{period.label} är öppen. {created} nya rapporter skapades för nämnderna."
        )
    elif action == "lock" and period.state == PeriodState.OPEN:
        services.period_lock(period=period)
        messages.success(request, f"{period.label} är låst.")
    else:
        messages.error(request, f"{period.label} är redan {period.get_state_display().lower()}.")
    return redirect("period-list")

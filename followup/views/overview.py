"""Start pages after login, and the samordnare's periods."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from followup import access, selectors, services
from followup.models import BoardRole
from followup.views.choice import programme_choice
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
            "earlier_reports": selectors.earlier_reports(request.user),
            # The boards whose reports the user only reads, to say so.
            "read_only_boards": access.boards_of(request.user, BoardRole.READER).order_by("name"),
            "coordinator_periods": selectors.coordinator_overview(request.user, today),
            "is_coordinator": access.is_coordinator(request.user),
        },
    )


@require_safe
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.is_coordinator(request.user):
        raise Http404("Sidan finns inte.")
    choice = programme_choice(request, list(access.coordinated_programmes(request.user)))
    periods = selectors.periods_for_coordinator(request.user)
    if choice.chosen:
        periods = periods.filter(programme=choice.chosen)
    return render(request, "followup/period_list.html", {"periods": periods, "choice": choice})


@require_POST
def period_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    period = access.get_coordinated_period(request.user, pk)
    try:
        if action == "open":
            created = services.period_open(period=period)
            reports = "1 ny rapport" if created == 1 else f"{created} nya rapporter"
            messages.success(request, f"{period.label} är öppen. {reports} skapades för nämnderna.")
        else:
            services.period_lock(period=period)
            messages.success(request, f"{period.label} är låst.")
    except services.FollowupError as refused:
        messages.error(request, str(refused))
    # Back to the programme the samordnare was looking at.
    return redirect(
        reverse("period-list")
        + (f"?program={period.programme.slug}" if request.GET.get("program") else "")
    )

"""The samordnare's view of what the personal-data guard stopped."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from followup import access, guard
from valdprogram.http import AuthenticatedHttpRequest


@require_safe
def guard_stops(request: AuthenticatedHttpRequest) -> HttpResponse:
    programmes = access.coordinated_programmes(request.user).order_by("name")
    # One query for the programmes, one for the stops grouped (guard.stop_summaries).
    summaries = guard.stop_summaries(programmes, access.guard_stops_visible_to(request.user))
    if not summaries:
        raise Http404("Sidan finns inte.")
    return render(
        request,
        "followup/guard_stops.html",
        {"summaries": summaries, "recent_days": guard.RECENT_DAYS},
    )

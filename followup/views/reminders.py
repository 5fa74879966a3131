"""The samordnare's view of the reminders sent for a period."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from followup import selectors
from followup.models import BoardRole, Membership, Reminder, ReportState
from valdprogram.http import AuthenticatedHttpRequest


@require_safe
def period_reminders(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = selectors.periods_for_coordinator(request.user).filter(pk=pk).first()
    if period is None:
        raise Http404("Perioden finns inte.")
    reminders = Reminder.objects.filter(report__period=period).select_related(
        "report__board", "recipient"
    )
    # Rapportörer whom no reminder can reach, for boards that have still to report.
    without_email = (
        Membership.objects.filter(
            role=BoardRole.REPORTER,
            user__is_active=True,
            user__email="",
            board__reports__period=period,
            board__reports__state__in=[ReportState.DRAFT, ReportState.RETURNED],
        )
        .select_related("user", "board")
        .order_by("board__name", "user__username")
    )
    return render(
        request,
        "followup/reminders.html",
        {
            "period": period,
            "reminders": reminders.order_by("report__board__name", "sent_at", "pk"),
            "without_email": without_email,
        },
    )

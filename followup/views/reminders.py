"""The samordnare's view of the reminders sent for a period, and "Påminn nu"."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from followup import access, selectors
from followup.models import BoardRole, Membership, Reminder, Report, ReportState
from followup.reminders import RemindedNow, reminded_today, reminders_now
from followup.services import FollowupError
from notifications.models import NotificationKind, declined_email
from valdprogram.http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class NotYetIn:
    """A report the board has still to send in, and when it was last reminded today."""

    report: Report
    reminded_at: datetime | None
    has_reporters: bool


def already_said(reminded_at: datetime) -> str:
    return f"Nämnden påmindes redan i dag kl {timezone.localtime(reminded_at):%H.%M}."


@require_safe
def period_reminders(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = selectors.periods_for_coordinator(request.user).filter(pk=pk).first()
    if period is None:
        raise Http404("Perioden finns inte.")
    reminders = (
        Reminder.objects.filter(report__period=period)
        .select_related("report__board", "recipient", "sent_by")
        .annotate(
            app_only=Exists(
                declined_email(NotificationKind.REMINDER).filter(user=OuterRef("recipient"))
            )
        )
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
    not_in = Report.objects.filter(Report.open_for_writing(), period=period)
    today = reminded_today(not_in, timezone.localdate())
    with_reporters = set(
        Membership.objects.filter(
            role=BoardRole.REPORTER, user__is_active=True, board__in=not_in.values("board")
        ).values_list("board_id", flat=True)
    )
    waiting = [
        NotYetIn(report, today.get(report.pk), report.board_id in with_reporters)
        for report in not_in.select_related("board", "period").order_by("board__name")
    ]
    return render(
        request,
        "followup/reminders.html",
        {
            "period": period,
            "reminders": reminders.order_by("report__board__name", "sent_at", "pk"),
            "without_email": without_email,
            "waiting": waiting,
            "can_remind_all": any(
                item.reminded_at is None and item.has_reporters for item in waiting
            ),
        },
    )


@require_POST
def period_remind_now(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Påminn nu": one board (`rapport`), or every board that has still to report."""
    period = access.get_coordinated_period(request.user, pk)
    report = None
    if request.POST.get("rapport"):
        report = period.reports.filter(pk=_int(request.POST["rapport"])).first()
        if report is None:
            raise Http404("Rapporten finns inte i perioden.")
    back = reverse("period-reminders", args=[period.pk])
    try:
        done = reminders_now(
            period=period, user=request.user, report=report, today=timezone.localdate()
        )
    except FollowupError as refused:
        messages.error(request, str(refused))
        return redirect(back)
    except IntegrityError:
        # Another samordnare reminded the same board in the same moment.
        messages.error(request, "Nämnden påmindes nyss av någon annan. Se listan nedan.")
        return redirect(back)
    for text, level in _what_happened(done, one=report is not None):
        messages.add_message(request, level, text)
    return redirect(back)


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _what_happened(done: RemindedNow, *, one: bool) -> list[tuple[str, int]]:
    said = []
    if done.reports:
        people = len(done.reminders)
        who = f"{people} rapportör{'er' if people != 1 else ''}"
        if one:
            said.append((f"{done.reports[0].board.name} är påmind ({who}).", messages.SUCCESS))
        else:
            boards = len(done.reports)
            said.append(
                (
                    f"{boards} nämnd{'er' if boards != 1 else ''} är "
                    f"påmind{'a' if boards != 1 else ''} ({who}).",
                    messages.SUCCESS,
                )
            )
    for report, at in done.already:
        text = already_said(at)
        said.append((text if one else f"{report.board.name}: {text}", messages.WARNING))
    for report, person in done.without_email:
        said.append(
            (
                f"{person.get_full_name() or person.get_username()} ({report.board.name}) har "
                "ingen e-postadress och fick ingen påminnelse.",
                messages.WARNING,
            )
        )
    if done.without_reporters:
        names = ", ".join(report.board.name for report in done.without_reporters)
        count = len(done.without_reporters)
        said.append(
            (
                f"{count} nämnd{'er' if count != 1 else ''} har ingen rapportör att påminna: "
                f"{names}.",
                messages.WARNING,
            )
        )
    if not said:
        said.append(("Alla nämnder har skickat in: ingen att påminna.", messages.INFO))
    return said

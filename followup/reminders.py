"""Reminders to the boards' rapportörer about a report's deadline: its own, when it has been
reopened with one, else its period's (`Report.due_date`).

Each report that the board can still write (a draft, or one sent back, in an open period or
reopened in a locked one) gets at most one reminder of each kind per rapportör: a week
before the deadline, on the day, and once when it is overdue. A run
sends only the kind due on its day, so a cron job that missed some days does not send every
earlier kind at once.

A run reads everything it needs in a fixed number of queries, however many boards there are:
the reports, the rapportörer, the reminders already sent and the reports' rows (for what is
missing), one query each.

Order of recording and sending: a reminder is recorded (claimed) first, in its own committed
transaction, and sent after, by the task worker (`send_reminder_mails`, one task per run with
the run's reminders, enqueued when the claim commits), so that a slow or unreachable mail
server holds up neither the cron run nor a web request. The unique constraint on (report,
kind, recipient) makes the claim the single point where two runs can meet, and whoever loses
sends nothing. The task marks each reminder delivered just before handing it over, so a task
run twice sends nothing the second time, and a crash between the marking and the sending skips
a reminder, never sends it twice. If the mail server refuses the connection or a message, the
claims of the messages not yet handed to it are withdrawn, so that the next run tries them
again.

The samordnare can also remind at once ("Påminn nu", `reminders_now`): one board, or every
board that has still to report. Those reminders are recorded and sent the same way, with the
kind `ReminderKind.NOW` and the day, and a board reminded today (by hand or by the daily run)
is not reminded by hand again the same day.

Every reminder recorded is also shown in the app (notifications.events.reminders_recorded);
a rapportör who has said no to reminders by e-mail gets it there only.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from followup.models import (
    BoardRole,
    Membership,
    Reminder,
    ReminderKind,
    Report,
    ReportingPeriod,
    ReportState,
)
from followup.rows import Missing, rows_of_reports
from followup.services import FollowupError, report_completeness
from notifications import events
from notifications.models import NotificationKind, declined_email

WEEK = 7
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def reminder_kind_due(deadline: date, today: date) -> ReminderKind | None:
    """The one kind of reminder due today for a report with this deadline, if any."""
    days_left = (deadline - today).days
    if days_left < 0:
        return ReminderKind.OVERDUE
    if days_left == 0:
        return ReminderKind.DEADLINE
    if days_left <= WEEK:
        return ReminderKind.WEEK_BEFORE
    return None


@dataclass
class DueReminders:
    """What a run would send: unsaved reminders, what each report still lacks, and the
    rapportörer who would have been reminded but have no e-mail address."""

    today: date
    reminders: list[Reminder] = field(default_factory=list)
    missing: dict[int, list[Missing]] = field(default_factory=dict)
    without_email: list[tuple[Report, User]] = field(default_factory=list)


def reminders_due(*, today: date) -> DueReminders:
    """The reminders due today that have not been sent. Reads only."""
    due = DueReminders(today=today)
    not_in = Report.objects.filter(
        Report.open_for_writing(), Report.due("lte", today + timedelta(days=WEEK))
    )
    reports = list(
        not_in.select_related("period__programme", "board").order_by(
            Report.due_date_expression(), "period_id", "board__name"
        )
    )
    if not reports:
        return due
    # The next two read through `not_in` as a subquery, so that their SQL does not grow with
    # the number of reports.
    reporters = _reporters_of(not_in)
    sent = set(
        Reminder.objects.filter(report__in=not_in).values_list("report_id", "kind", "recipient_id")
    )

    for report in reports:
        kind = reminder_kind_due(report.due_date, today)
        if kind is None:
            continue  # not a reminder day for this report's deadline
        for user in reporters[report.board_id]:
            if (report.pk, kind, user.pk) in sent:
                continue
            if not user.email:
                due.without_email.append((report, user))
                continue
            due.reminders.append(
                Reminder(report=report, kind=kind, recipient=user, email=user.email)
            )

    due.missing = _missing_by_report({reminder.report for reminder in due.reminders})
    return due


def _reporters_of(reports: QuerySet[Report]) -> dict[int, list[User]]:
    """The active rapportörer of the reports' boards, by board: one query."""
    reporters: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            board__in=reports.values("board"), role=BoardRole.REPORTER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ):
        reporters[membership.board_id].append(membership.user)
    return reporters


def _missing_by_report(reports: set[Report]) -> dict[int, list[Missing]]:
    """What each report still lacks, in the report page's words: three queries for all."""
    if not reports:
        return {}
    rows = rows_of_reports(report.pk for report in reports)
    return {report.pk: report_completeness(report, rows[report.pk]).missing for report in reports}


def reminders_deliver(due: DueReminders) -> list[Reminder]:
    """Record the reminders and have the task worker send them, once the records are
    committed (see the module's docstring for the order). Returns the reminders this run
    recorded."""
    claimed = _claim(due.reminders)
    _send_after_commit(claimed, due.today)
    return claimed


def _send_after_commit(reminders: list[Reminder], today: date, actor: User | None = None) -> None:
    """Show the recorded reminders in the app, and have the task worker mail them once
    their records are committed."""
    if not reminders:
        return
    events.reminders_recorded(reminders, actor=actor, today=today)
    ids = [reminder.pk for reminder in reminders]
    transaction.on_commit(lambda: send_reminder_mails.enqueue(ids, today.isoformat()))


@task()
def send_reminder_mails(reminder_ids: list[int], today: str) -> int:
    """The task: send the recorded reminders that no run of it has sent yet, in a fixed
    number of queries however many. Returns how many it sent."""
    # Marked in one statement, before anything is sent: of two runs of this task, each
    # reminder is marked by one, stamped with that run's time, and sent by that run only.
    marked_at = timezone.now()
    Reminder.objects.filter(pk__in=reminder_ids, delivered_at=None).update(delivered_at=marked_at)
    reminders = list(
        Reminder.objects.filter(pk__in=reminder_ids, delivered_at=marked_at)
        # Those who have said no to reminders by e-mail have them in the app only.
        .exclude(recipient__in=declined_email(NotificationKind.REMINDER))
        .select_related("report__period__programme", "report__board", "recipient")
        .order_by("pk")
    )
    if not reminders:
        return 0
    due = DueReminders(today=date.fromisoformat(today), reminders=reminders)
    due.missing = _missing_by_report({reminder.report for reminder in reminders})
    site_url = getattr(settings, "SITE_URL", DEFAULT_SITE_URL).rstrip("/")
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_message(reminder, due, site_url, connection) for reminder in reminders]
    handed_over = 0
    try:
        connection.open()
        for message in messages:
            # Counted before sending: a message the server may have taken before failing
            # stays recorded (skipped), so that it is never sent twice.
            handed_over += 1
            message.send()
    except Exception:
        # The claims of the messages never handed over are withdrawn: the next run sends them.
        Reminder.objects.filter(pk__in=[r.pk for r in reminders[handed_over:]]).delete()
        raise
    finally:
        connection.close()
    return handed_over


def reminders_send(*, today: date) -> list[Reminder]:
    """Send (through the task worker) every reminder due today that has not been sent; for
    cron, once a day."""
    return reminders_deliver(reminders_due(today=today))


def _claim(reminders: list[Reminder]) -> list[Reminder]:
    """Record the reminders; return those this run recorded. In one insert, unless another
    run has recorded some of them meanwhile: then one by one, keeping only ours."""
    if not reminders:
        return []
    try:
        with transaction.atomic():
            return Reminder.objects.bulk_create(reminders)
    except IntegrityError:
        pass
    claimed = []
    for reminder in reminders:
        saved, created = Reminder.objects.get_or_create(
            report=reminder.report,
            kind=reminder.kind,
            recipient=reminder.recipient,
            defaults={"email": reminder.email},
        )
        if created:
            claimed.append(saved)
    return claimed


def _message(
    reminder: Reminder, due: DueReminders, site_url: str, connection: BaseEmailBackend
) -> EmailMultiAlternatives:
    report = reminder.report
    context = {
        "reminder": reminder,
        "kind": reminder.kind,
        "recipient": reminder.recipient,
        "report": report,
        "board": report.board,
        "period": report.period,
        "programme": report.period.programme,
        "deadline": report.due_date,
        "days_left": (report.due_date - due.today).days,
        "returned": report.state == ReportState.RETURNED,
        "missing": due.missing.get(report.pk, []),
        "report_url": site_url + reverse("report-detail", args=[report.pk]),
    }
    subject = render_to_string("followup/email/reminder_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("followup/email/reminder.txt", context),
        to=[reminder.email],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("followup/email/reminder.html", context), "text/html"
    )
    return message


# --- "Påminn nu" -------------------------------------------------------------------------


@dataclass
class RemindedNow:
    """What "Påminn nu" did: the reports reminded, and those it left alone."""

    reminders: list[Reminder] = field(default_factory=list)  # recorded, one per rapportör
    reports: list[Report] = field(default_factory=list)  # reminded now
    already: list[tuple[Report, datetime]] = field(default_factory=list)  # reminded today at
    without_email: list[tuple[Report, User]] = field(default_factory=list)
    without_reporters: list[Report] = field(default_factory=list)


def reminded_today(reports: QuerySet[Report], today: date) -> dict[int, datetime]:
    """When each of the reports was last reminded today (by hand or by the daily run), for
    those that were: one query."""
    return dict(
        Reminder.objects.filter(report__in=reports.values("pk"), sent_at__date=today)
        .values("report")
        .annotate(last=Max("sent_at"))
        .values_list("report", "last")
    )


def reminders_now(
    *, period: ReportingPeriod, user: User, report: Report | None = None, today: date
) -> RemindedNow:
    """Remind now, by e-mail and in the app, the rapportörer of every board in the period
    that has still to report (a draft or a returned report it can write), or of the one
    `report`. A board reminded today already is left alone and listed in `already`, with
    the time, so that two samordnare (or a double click) do not remind it twice in a day.
    The reports are locked while this is decided."""
    done = RemindedNow()
    with transaction.atomic():
        reports = Report.objects.filter(Report.open_for_writing(), period=period)
        if report is not None:
            if not reports.filter(pk=report.pk).exists():
                raise FollowupError(
                    "Rapporten är inskickad eller kan inte ändras, så det finns inget att "
                    "påminna om."
                )
            reports = reports.filter(pk=report.pk)
        locked = list(
            reports.select_for_update(of=("self",))
            .select_related("period__programme", "board")
            .order_by("board__name", "pk")
        )
        earlier = reminded_today(reports, today)
        reporters = _reporters_of(reports)
        for candidate in locked:
            if candidate.pk in earlier:
                done.already.append((candidate, earlier[candidate.pk]))
                continue
            people = reporters[candidate.board_id]
            if not people:
                done.without_reporters.append(candidate)
                continue
            reached = False
            for person in people:
                if not person.email:
                    done.without_email.append((candidate, person))
                    continue
                reached = True
                done.reminders.append(
                    Reminder(
                        report=candidate,
                        kind=ReminderKind.NOW,
                        recipient=person,
                        email=person.email,
                        sent_by=user,
                        day=today,
                    )
                )
            if reached:
                done.reports.append(candidate)
        if done.reminders:
            done.reminders = Reminder.objects.bulk_create(done.reminders)
        _send_after_commit(done.reminders, today, actor=user)
    return done

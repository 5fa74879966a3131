"""Every event the app tells people about, from one place: one function per kind, each
deciding who is told and in what words, all going through `_dispatch`.

`_dispatch` writes one `Notification` per recipient (shown under "Aviseringar") and, for the
recipients who want the kind by e-mail and have an address, has the task worker send the mail
once the transaction that made the event commits (`transaction.on_commit`): an event that is
rolled back tells no one. Each event has a key of its own ("report-event:12"), and a
notification is unique per key and recipient, so an event dispatched twice (a signal sent
twice, a retried request) is told once; the mail task marks each mail before it hands it over,
so a task run twice sends it once (notifications.mail).

The reminders keep their own e-mail (followup.reminders: recorded per report, kind and
recipient, with what is missing in the report); `reminders_recorded` adds them to the app.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from hashlib import sha256

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from dialogue.models import Comment, Thread
from followup.models import BoardRole, Reminder, Report, ReportEvent
from notifications.models import Notification, NotificationKind, declined_email


@dataclass(frozen=True)
class Notice:
    """What one event tells: the same words for every recipient."""

    kind: NotificationKind
    key: str
    title: str
    url: str  # a path on this site
    body: str = ""
    report: Report | None = None
    actor: User | None = None


def _name(person: User) -> str:
    return person.get_full_name() or person.get_username()


def _report_url(report: Report) -> str:
    return reverse("report-detail", args=[report.pk])


def _reporters(report: Report) -> QuerySet[User]:
    """The board's rapportörer: they write the report and are told what happens to it."""
    return User.objects.filter(
        is_active=True, memberships__board_id=report.board_id, memberships__role=BoardRole.REPORTER
    )


def _coordinators(report: Report) -> QuerySet[User]:
    """The programme's samordnare: they review the report."""
    return User.objects.filter(
        is_active=True, coordinator_roles__programme_id=report.period.programme_id
    )


def _dispatch(
    deliveries: Iterable[tuple[Notice, Iterable[User]]], *, email: bool = True
) -> list[Notification]:
    """Tell each notice to its recipients, in the app and (with `email`) by e-mail after
    the commit; nobody is told of their own doing. A fixed number of queries however many
    notices: the e-mail choices, one insert, and the task once the transaction commits.
    Returns the notifications built (those already there for a key and recipient are
    skipped by the database)."""
    pairs = [
        (notice, person)
        for notice, people in deliveries
        for person in {person.pk: person for person in people}.values()
        if notice.actor is None or person.pk != notice.actor.pk
    ]
    if not pairs:
        return []
    declined: set[tuple[int, str]] = set()
    if email:
        kinds = {notice.kind for notice, _ in pairs}
        for kind in kinds:
            declined.update(
                (pk, kind) for pk in declined_email(kind).values_list("user", flat=True)
            )
    notifications = [
        Notification(
            recipient=person,
            kind=notice.kind,
            report=notice.report,
            actor=notice.actor,
            title=notice.title[:300],
            body=notice.body,
            url=notice.url,
            key=notice.key,
            email=person.email if email and (person.pk, notice.kind) not in declined else "",
        )
        for notice, person in pairs
    ]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    keys = sorted({n.key for n in notifications if n.email})
    if keys:
        from notifications.mail import send_notification_mails

        transaction.on_commit(lambda: send_notification_mails.enqueue(keys))
    return notifications


def _event_key(event: ReportEvent) -> str:
    return f"report-event:{event.pk}"


# --- The report's life (followup.services) -------------------------------------------


def report_submitted(event: ReportEvent) -> None:
    """A board has submitted its report: its programme's samordnare review it."""
    report = event.report
    body = "Rapporten väntar på din granskning."
    if event.on_behalf:
        body += f" {_name(event.actor)} skickade in den för nämndens räkning."
    notice = Notice(
        kind=NotificationKind.SUBMITTED,
        key=_event_key(event),
        title=f"{report.board.name} har skickat in rapporten för {report.period.label}",
        body=body,
        url=_report_url(report) + "#review",
        report=report,
        actor=event.actor,
    )
    _dispatch([(notice, _coordinators(report))])


def report_returned(event: ReportEvent) -> None:
    """The samordnare has sent the report back: the board's rapportörer complete it."""
    report = event.report
    notice = Notice(
        kind=NotificationKind.RETURNED,
        key=_event_key(event),
        title=f"Rapporten från {report.board.name} för {report.period.label} har skickats "
        "tillbaka för komplettering",
        body=f"Samordnaren skriver: {event.comment}",
        url=_report_url(report),
        report=report,
        actor=event.actor,
    )
    _dispatch([(notice, _reporters(report))])


def report_approved(event: ReportEvent) -> None:
    report = event.report
    notice = Notice(
        kind=NotificationKind.APPROVED,
        key=_event_key(event),
        title=f"Rapporten från {report.board.name} för {report.period.label} är godkänd",
        body=f"Godkänd av {_name(event.actor)}.",
        url=_report_url(report),
        report=report,
        actor=event.actor,
    )
    _dispatch([(notice, _reporters(report))])


def report_reopened(event: ReportEvent) -> None:
    """The report is open again in a locked period, by a deadline of its own."""
    report = event.report
    deadline = f"{report.due_date:%Y-%m-%d}"
    notice = Notice(
        kind=NotificationKind.REOPENED,
        key=_event_key(event),
        title=f"Rapporten från {report.board.name} för {report.period.label} är öppnad igen, "
        f"med sista dag {deadline}",
        body=f"Nämnden kan ändra rapporten och skicka in den igen senast {deadline}. "
        f"Samordnaren skriver: {event.comment}",
        url=_report_url(report),
        report=report,
        actor=event.actor,
    )
    _dispatch([(notice, _reporters(report))])


# --- Reminders (followup.reminders) ----------------------------------------------------


def reminders_recorded(
    reminders: Iterable[Reminder], *, today: date, actor: User | None = None
) -> None:
    """Reminders just recorded (by the daily run, or by the samordnare's "Påminn nu"), in
    the app too, in the words of the mail's subject. Their e-mail is the reminder's own
    (followup.reminders.send_reminder_mails), so none here."""
    deliveries = []
    for reminder in reminders:
        report = reminder.report
        subject = render_to_string(
            "followup/email/reminder_subject.txt",
            {
                "kind": reminder.kind,
                "period": report.period,
                "board": report.board,
                "deadline": report.due_date,
                "days_left": (report.due_date - today).days,
            },
        )
        notice = Notice(
            kind=NotificationKind.REMINDER,
            key=f"reminder:{reminder.pk}",
            title=" ".join(subject.split()),
            body=f"Sista dagen är {report.due_date:%Y-%m-%d}.",
            url=_report_url(report),
            report=report,
            actor=actor,
        )
        deliveries.append((notice, [reminder.recipient]))
    _dispatch(deliveries, email=False)


# --- Comments (dialogue) -----------------------------------------------------------------


def comment_posted(
    *,
    report: Report,
    actor: User,
    recipients: Iterable[User],
    url: str,
    excerpt: str,
    key: str | None = None,
    **_signal: object,
) -> None:
    """A new comment on the report or one of its rows, to the people of its thread.

    Connected to `dialogue.signals.comment_posted`, which is sent as::

        comment_posted.send(
            sender=Comment,
            report=report,            # the report the thread is on
            actor=request.user,       # who wrote the comment (never told of it)
            recipients=people,        # the thread's participants and the board's rapportörer
            url=f"{report_url}#thread-{thread.pk}",  # a path on this site, to the thread
            excerpt=comment.text[:200],
            key=f"comment:{comment.pk}",  # optional; one notification per key and person
        )

    and connected as it is: ``comment_posted.connect(notifications.events.comment_posted)``
    (the signal's own `sender` and `signal` arguments are ignored). Without a key, the url
    and the excerpt make one, so that the same comment sent twice is told once.
    Call it inside the transaction that saves the comment: the mail goes after it commits.
    """
    digest = sha256("\n".join((url, excerpt)).encode()).hexdigest()[:32]
    notice = Notice(
        kind=NotificationKind.COMMENT,
        key=key or f"comment:{digest}",
        title=f"{_name(actor)} har kommenterat rapporten från {report.board.name} för "
        f"{report.period.label}",
        body=excerpt,
        url=url,
        report=report,
        actor=actor,
    )
    _dispatch([(notice, recipients)])


def thread_comment_posted(*, comment: Comment, thread: Thread, **_signal: object) -> None:
    """`dialogue.signals.comment_posted`'s receiver (connected in NotificationsConfig): the
    comment goes to everyone who has written in its thread and to the board's rapportörer;
    its writer is never told (`_dispatch`)."""
    report = thread.report
    # Who wrote in it and still has the report: its board's people, or its samordnare.
    still_there = Q(memberships__board_id=report.board_id) | Q(
        coordinator_roles__programme_id=report.period.programme_id
    )
    participants = User.objects.filter(
        still_there, is_active=True, pk__in=thread.comments.values("author")
    )
    recipients = User.objects.filter(
        Q(pk__in=participants.values("pk")) | Q(pk__in=_reporters(report).values("pk"))
    )
    comment_posted(
        report=report,
        actor=comment.author,
        recipients=recipients,
        url=f"{_report_url(report)}#{thread.anchor}",
        excerpt=comment.text[:200],
        key=f"comment:{comment.pk}",
    )

"""A database seeded for the retention tests: of each kind that `manage.py gallra` prunes,
something past its time and something not, and the counts of every table."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from unittest import mock

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from followup.models import (
    DocumentKind,
    DocumentState,
    GeneratedDocument,
    PeriodState,
    Reminder,
    ReminderKind,
)
from followup.views.excel import PENDING_PREFIX, PENDING_SALT
from notifications.models import Notification, NotificationKind
from tests.followup_data import World

DAY = timedelta(days=1)
# The periods the tests set, each different, so that a kind pruned by another's period shows.
RETENTION = {
    "sessions": 2,
    "excel_imports": 1,
    "login_attempts": 30,
    "login_log": 60,
    "reminders": 90,
    "documents": 1,
    "tasks": 10,
    "notifications": 180,
}
# What one run removes from the seeded database, table by table.
EXPECTED_REMOVED = {
    "sessions.Session": 1,
    "axes.AccessAttempt": 1,
    "axes.AccessAttemptExpiration": 1,  # goes with its attempt
    "axes.AccessFailureLog": 1,
    "axes.AccessLog": 1,
    "followup.Reminder": 1,
    "followup.GeneratedDocument": 2,  # one expired, one failed long ago
    "django_tasks_database.DBTaskResult": 2,  # one succeeded, one failed
    "notifications.Notification": 1,
}
# What the command reports per kind (its labels).
EXPECTED_REPORTED = {
    "Sessioner": 1,
    "Excel-importer som aldrig bekräftades": 1,
    "Misslyckade inloggningar": 2,
    "Inloggningar och utloggningar": 1,
    "Skickade påminnelser (e-post)": 1,
    "Gjorda dokument och deras filer": 2,
    "Avslutade bakgrundsjobb": 2,
    "Aviseringar": 1,
}


def table_counts() -> dict[str, int]:
    """The number of rows in every table the project has (many-to-many tables too)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


def removed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        label: before[label] - after[label] for label in before if before[label] != after[label]
    }


def _session(expires: datetime, **data: object) -> Session:
    store = SessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=expires)
    return Session.objects.get(pk=store.session_key)


def pending_import(at: datetime, report_pk: int) -> dict[str, str]:
    """A pending Excel import as followup.views.excel keeps it, signed at `at`."""
    with mock.patch("django.core.signing.time.time", return_value=at.timestamp()):
        rows = signing.dumps({"user": 1, "report": report_pk, "rows": []}, salt=PENDING_SALT)
    return {"token": "t", "rows": rows}


def _aged(model: type, at: datetime, field: str = "attempt_time", **values: object) -> object:
    row = model.objects.create(**values)
    model.objects.filter(pk=row.pk).update(**{field: at})
    return row


def _axes(model: type, at: datetime, **extra: object) -> object:
    values = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "rapportor"}
    values.update(extra)
    return _aged(model, at, http_accept="*/*", path_info="/konto/logga-in/", **values)


def _task(status: str, finished: datetime | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="followup.documents.jobs.make_document",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=finished,
    )


@dataclass
class Seeded:
    live_session: Session
    young_expired_session: Session
    old_document: GeneratedDocument
    young_document: GeneratedDocument
    old_file: str


def seed(world: World) -> Seeded:
    now = timezone.now()
    report, other = world.report, world.other_report
    # Sessions: expired three days ago (goes), a day ago (kept two days), still alive with
    # one stale and one fresh pending import.
    _session(now - 3 * DAY)
    young_expired = _session(now - DAY)
    live = _session(
        now + DAY,
        **{
            "_auth_user_id": str(world.reporter.pk),
            f"{PENDING_PREFIX}{report.pk}": pending_import(now - 2 * DAY, report.pk),
            f"{PENDING_PREFIX}{other.pk}": pending_import(now - timezone.timedelta(hours=1), 0),
        },
    )
    # django-axes: failed attempts (with a lockout expiration), failures, logins.
    old_attempt = _axes(
        AccessAttempt, now - 31 * DAY, get_data="", post_data="", failures_since_start=5
    )
    AccessAttemptExpiration.objects.create(access_attempt=old_attempt, expires_at=now)
    _axes(
        AccessAttempt,
        now - 29 * DAY,
        username="annan",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    _axes(AccessFailureLog, now - 31 * DAY)
    _axes(AccessFailureLog, now - 29 * DAY)
    _axes(AccessLog, now - 61 * DAY)
    _axes(AccessLog, now - 59 * DAY)
    # Reminders: old on a report the board can no longer write (goes), old on one still
    # open (kept: it stops a second reminder), young on the closed one (kept).
    other.state = "godkand"
    other.save(update_fields=["state"])
    for target, kind, age in (
        (other, ReminderKind.WEEK_BEFORE, 91),
        (report, ReminderKind.WEEK_BEFORE, 91),
        (other, ReminderKind.DEADLINE, 89),
    ):
        _aged(
            Reminder,
            now - age * DAY,
            field="sent_at",
            report=target,
            kind=kind,
            recipient=world.reporter,
            email="rapportor@example.org",
            delivered_at=now - age * DAY,
        )
    assert world.period.state == PeriodState.OPEN
    # Documents: expired two days ago, with its file (goes); expired twelve hours ago (kept
    # a day after expiry); failed three days ago (goes); queued just now (kept).
    old = _document(world, DocumentState.DONE, expires=now - 2 * DAY, content=b"%PDF-1.7 old")
    young = _document(world, DocumentState.DONE, expires=now - DAY / 2, content=b"%PDF-1.7")
    failed = _document(world, DocumentState.FAILED, expires=None)
    GeneratedDocument.objects.filter(pk=failed.pk).update(created_at=now - 3 * DAY)
    _document(world, DocumentState.QUEUED, expires=None)
    # Tasks: finished eleven days ago (goes, both outcomes), nine days ago, and an old one
    # never run (kept: not finished).
    _task(TaskResultStatus.SUCCESSFUL, now - 11 * DAY)
    _task(TaskResultStatus.FAILED, now - 11 * DAY)
    _task(TaskResultStatus.SUCCESSFUL, now - 9 * DAY)
    _task(TaskResultStatus.READY, None)
    # Notifications: made 181 days ago (goes, though unread) and 179 days ago (kept).
    for age in (181, 179):
        _aged(
            Notification,
            now - age * DAY,
            field="created_at",
            recipient=world.reporter,
            kind=NotificationKind.RETURNED,
            title="Rapporten har skickats tillbaka",
            url=f"/rapporter/{report.pk}/",
            key=f"test:{age}",
        )
    return Seeded(
        live_session=live,
        young_expired_session=young_expired,
        old_document=old,
        young_document=young,
        old_file=old.file.name,
    )


def _document(
    world: World, state: str, *, expires: datetime | None, content: bytes = b""
) -> GeneratedDocument:
    job = GeneratedDocument.objects.create(
        programme=world.programme,
        kind=DocumentKind.MIDTERM,
        year=world.period.year,
        state=state,
        filename="halvtid.pdf",
        expires_at=expires,
    )
    if content:
        job.file.save("halvtid.pdf", ContentFile(content), save=True)
    return job

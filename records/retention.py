"""Retention (gallring): what is removed after how long, applied by `manage.py gallra`.

Every kind of data that is pruned is one `Prunable` in `PRUNABLE`, keyed by its entry in
`settings.RETENTION` (days). Adding a kind is one entry here and one in settings; what is
not in the registry is kept (reports, their rows and history, comments, figures, the
catalog, attachments, published documents).

Each kind removes with one filtered delete (or, for files and sessions, per item with a
condition), so a second run, or two at once, removes nothing twice; `run` also holds a lock
(`records.locks.exclusive`) so that two cron runs do not do the work side by side.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import models, transaction
from django.utils import timezone

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Prunable:
    """One kind of data with a retention period: `prune(cutoff, dry_run)` removes (or, in a
    dry run, counts) what is older than `cutoff` and returns how many it removed.
    `minimum` is the fewest days that make sense (0 where nothing in use is lost);
    `available` says whether the kind exists in this installation."""

    key: str
    label: str
    minimum: int
    prune: Callable[[datetime, bool], int]
    available: Callable[[], bool] = lambda: True
    age_from: str = "skapades"  # what the days count from, in the report ("gick ut")


def _delete(queryset: models.QuerySet, dry_run: bool) -> int:
    """Delete the rows (with what cascades from them) and return how many of the
    queryset's own model went."""
    if dry_run:
        return queryset.count()
    with transaction.atomic():
        _, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


# --- The kinds -------------------------------------------------------------------------------


def _database_sessions() -> bool:
    from django.contrib.sessions.backends.db import SessionStore

    engine = import_module(settings.SESSION_ENGINE)
    return issubclass(engine.SessionStore, SessionStore)


def prune_sessions(cutoff: datetime, dry_run: bool) -> int:
    """Sessions that expired before `cutoff`: `clearsessions` with a grace period (0 days is
    exactly `clearsessions`)."""
    return _delete(Session.objects.filter(expire_date__lt=cutoff), dry_run)


def prune_excel_imports(cutoff: datetime, dry_run: bool) -> int:
    """Uploaded Excel files that were previewed but never confirmed. They live only in the
    uploader's session (followup.views.excel: the parsed values, signed with a time), so the
    sessions still alive are read and the pending imports older than `cutoff` removed from
    them; an expired session goes with `sessions`, its imports with it. A session the user
    changes meanwhile is left for the next run (the update compares the old data)."""
    from django.contrib.sessions.backends.db import SessionStore

    from followup.views.excel import PENDING_PREFIX, PENDING_SALT

    max_age = timezone.now() - cutoff
    store = SessionStore()
    removed = 0
    sessions = Session.objects.filter(expire_date__gte=timezone.now()).only("session_data")
    for session in sessions.iterator(chunk_size=500):
        data = store.decode(session.session_data)
        stale = [
            key
            for key, value in data.items()
            if key.startswith(PENDING_PREFIX) and _pending_stale(value, PENDING_SALT, max_age)
        ]
        if not stale:
            continue
        if dry_run:
            removed += len(stale)
            continue
        for key in stale:
            del data[key]
        updated = Session.objects.filter(pk=session.pk, session_data=session.session_data).update(
            session_data=store.encode(data)
        )
        removed += len(stale) if updated else 0
    return removed


def _pending_stale(value: object, salt: str, max_age: timedelta) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("rows"), str):
        return True  # not a pending import this code made: nothing can confirm it
    try:
        signing.loads(value["rows"], salt=salt, max_age=max_age)
    except signing.BadSignature:  # older than the retention, or signed with an old key
        return True
    return False


def prune_login_attempts(cutoff: datetime, dry_run: bool) -> int:
    """django-axes' failed logins: the counters that lock a user out (AccessAttempt, with
    their expirations) and the log of each failure (AccessFailureLog)."""
    from axes.models import AccessAttempt, AccessFailureLog

    return _delete(AccessAttempt.objects.filter(attempt_time__lt=cutoff), dry_run) + _delete(
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff), dry_run
    )


def prune_login_log(cutoff: datetime, dry_run: bool) -> int:
    """django-axes' log of successful logins and their logouts (AccessLog)."""
    from axes.models import AccessLog

    return _delete(AccessLog.objects.filter(attempt_time__lt=cutoff), dry_run)


def prune_reminders(cutoff: datetime, dry_run: bool) -> int:
    """Records of reminder e-mails (followup.Reminder: to whom, which report, when). Only
    of reports the board can no longer write: a record of a report still open is what
    stops its reminder from going out twice."""
    from followup.models import Reminder, Report

    reminders = Reminder.objects.filter(sent_at__lt=cutoff).exclude(
        Report.open_for_writing("report__")
    )
    return _delete(reminders, dry_run)


def prune_documents(cutoff: datetime, dry_run: bool) -> int:
    """Documents made by the task worker (GeneratedDocument and its stored file, the archive
    packages too) that expired before `cutoff`, and failed jobs: the documents' own prune."""
    from followup.documents import jobs

    if dry_run:
        return jobs.expired_documents(cutoff).count()
    return jobs.prune(expired_before=cutoff)


def prune_tasks(cutoff: datetime, dry_run: bool) -> int:
    """django-tasks-db's rows of finished tasks (succeeded or failed); queued and running
    ones are never touched."""
    from django_tasks_db.models import DBTaskResult

    return _delete(DBTaskResult.objects.finished().filter(finished_at__lt=cutoff), dry_run)


def prune_notifications(cutoff: datetime, dry_run: bool) -> int:
    """The in-app notifications (read or not) made before the cutoff; what they told of
    stays in the report's history."""
    from notifications.models import Notification

    return _delete(Notification.objects.filter(created_at__lt=cutoff), dry_run)


PRUNABLE: tuple[Prunable, ...] = (
    Prunable("sessions", "Sessioner", 0, prune_sessions, _database_sessions, "gick ut"),
    # After the sessions: fewer sessions left to read.
    Prunable("excel_imports", "Excel-importer som aldrig bekräftades", 1, prune_excel_imports),
    Prunable("login_attempts", "Misslyckade inloggningar", 1, prune_login_attempts),
    Prunable("login_log", "Inloggningar och utloggningar", 1, prune_login_log),
    Prunable("reminders", "Skickade påminnelser (e-post)", 1, prune_reminders),
    Prunable(
        "documents", "Gjorda dokument och deras filer", 0, prune_documents, age_from="gick ut"
    ),
    Prunable("tasks", "Avslutade bakgrundsjobb", 0, prune_tasks, age_from="blev klara"),
    Prunable("notifications", "Aviseringar", 1, prune_notifications),
)
BY_KEY = {kind.key: kind for kind in PRUNABLE}


@dataclass(frozen=True)
class Outcome:
    kind: Prunable
    days: int
    removed: int | None  # None: the kind does not exist here


def run(*, dry_run: bool = False, now: datetime | None = None) -> list[Outcome]:
    """Apply every retention period (settings.RETENTION) once, kind by kind."""
    now = now or timezone.now()
    outcomes = []
    for kind in PRUNABLE:
        days = settings.RETENTION[kind.key]
        if not kind.available():
            outcomes.append(Outcome(kind, days, None))
            continue
        outcomes.append(Outcome(kind, days, kind.prune(now - days * DAY, dry_run)))
    return outcomes

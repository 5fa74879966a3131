"""Writes to the comment threads: post a comment, resolve a thread, reopen it. Each in one
transaction under the report's row lock, so that two first comments on the same row make
one thread, and a thread cannot be resolved and commented on at once in a muddle."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from dialogue.models import REPORT_TARGET, Comment, Thread
from dialogue.signals import comment_posted
from followup.models import Report
from followup.services import FollowupError


@dataclass(frozen=True)
class Target:
    """What a thread is about: a row (its kind key and primary key) or the report."""

    row_kind: str = ""
    row_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.row_kind}{self.row_id}" if self.row_kind else REPORT_TARGET


REPORT = Target()


def _lock(report: Report) -> None:
    Report.objects.select_for_update().filter(pk=report.pk).first()


def _thread(report: Report, target: Target) -> Thread | None:
    return Thread.objects.filter(
        report=report, row_kind=target.row_kind, row_id=target.row_id
    ).first()


def comment_post(
    *, report: Report, target: Target, user: User, by_coordinator: bool, text: str
) -> Comment:
    """Add a comment to the target's thread, starting the thread with it if there is none.
    A resolved thread takes no comments until it is reopened. `comment_posted` goes out
    once the transaction has committed."""
    if not text.strip():
        raise FollowupError("Skriv en kommentar.")
    with transaction.atomic():
        _lock(report)
        thread = _thread(report, target)
        if thread is None:
            thread = Thread(report=report, row_kind=target.row_kind, row_id=target.row_id)
            thread.full_clean()
            thread.save()
        elif thread.is_resolved:
            raise FollowupError("Tråden är markerad som löst. Öppna den igen för att skriva.")
        comment = Comment(thread=thread, author=user, by_coordinator=by_coordinator, text=text)
        comment.full_clean()
        comment.save()
        transaction.on_commit(
            lambda: comment_posted.send(sender=Comment, comment=comment, thread=thread)
        )
    return comment


def thread_mark(
    *, report: Report, target: Target, user: User, by_coordinator: bool, resolved: bool
) -> Thread:
    """Mark the target's thread resolved (or open again), recorded as an entry of the
    thread. Refused if there is no thread, or it already is so."""
    with transaction.atomic():
        _lock(report)
        thread = _thread(report, target)
        if thread is None:
            raise FollowupError("Det finns ingen tråd här ännu.")
        if thread.is_resolved == resolved:
            raise FollowupError(
                "Tråden är redan markerad som löst." if resolved else "Tråden är redan öppen."
            )
        thread.is_resolved = resolved
        thread.save(update_fields=["is_resolved"])
        kind = Comment.Kind.RESOLVED if resolved else Comment.Kind.REOPENED
        Comment.objects.create(thread=thread, kind=kind, author=user, by_coordinator=by_coordinator)
    return thread

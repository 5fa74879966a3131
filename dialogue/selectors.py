"""Reads of the comment threads: for the report page, the API, the history and the review
panel. Each a fixed number of queries, however many threads and comments there are."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.urls import reverse

from dialogue.models import REPORT_TARGET, Comment, Thread
from followup.models import Report
from followup.rows import Row, in_page_order, kind_of, rows_of_reports

REPORT_NAME = "Rapporten som helhet"


@dataclass
class ThreadView:
    """A thread with its entries (comments and resolve/reopen marks), oldest first."""

    thread: Thread
    entries: list[Comment] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.thread.target

    @property
    def anchor(self) -> str:
        return self.thread.anchor

    @property
    def is_open(self) -> bool:
        return not self.thread.is_resolved

    @property
    def comments(self) -> list[Comment]:
        return [entry for entry in self.entries if entry.kind == Comment.Kind.COMMENT]

    def was_open_at(self, moment: datetime) -> bool:
        """The thread existed at `moment` and was not resolved then."""
        before = [entry for entry in self.entries if entry.at <= moment]
        marks = [entry for entry in before if entry.kind != Comment.Kind.COMMENT]
        return bool(before) and (not marks or marks[-1].kind == Comment.Kind.REOPENED)

    def answers_since(self, moment: datetime) -> list[Comment]:
        """The board's comments (not the samordnare's) after `moment`."""
        return [entry for entry in self.comments if entry.at > moment and not entry.by_coordinator]


def threads_of_reports(report_ids: Iterable[int]) -> dict[int, dict[str, ThreadView]]:
    """Each report's threads by target ("a12", REPORT_TARGET), with their entries: one
    query, however many reports, threads and comments."""
    ids = list(report_ids)
    threads: dict[int, dict[str, ThreadView]] = {pk: {} for pk in ids}
    entries = (
        Comment.objects.filter(thread__report_id__in=ids)
        .select_related("thread", "author")
        .order_by("at", "pk")
    )
    for entry in entries:
        thread = entry.thread
        view = threads[thread.report_id].setdefault(thread.target, ThreadView(thread))
        view.entries.append(entry)
    return threads


@dataclass(frozen=True)
class NamedThread:
    """A thread in a list of threads, with what it is about as the report words it."""

    view: ThreadView
    name: str


@dataclass
class Dialogue:
    """The threads of one report as its page shows them. `may_comment`: the user may
    write in them (followup.access.get_commentable_report)."""

    report: Report
    threads: dict[str, ThreadView]
    rows: list[Row]  # in page order
    may_comment: bool

    @cached_property
    def names(self) -> dict[str, str]:
        """Target → what the thread is about ("Aktivitet: Utbilda …"), in page order: made
        only when threads are listed."""
        return row_names(self.report, self.rows)

    @cached_property
    def threads_url(self) -> str:
        """Where a thread's address is added to make its URL: "/rapporter/12/tradar/"."""
        return reverse("thread-comment", args=[self.report.pk, REPORT_TARGET]).removesuffix(
            f"{REPORT_TARGET}/"
        )

    def of(self, target: str) -> ThreadView | None:
        return self.threads.get(target)

    @property
    def report_thread(self) -> ThreadView | None:
        return self.threads.get(REPORT_TARGET)

    def named(self, views: Iterable[ThreadView]) -> list[NamedThread]:
        """The threads whose row is in the report (a removed own item's is not), in page
        order, the report's own first."""
        candidates = list(views)
        if not candidates:
            return []
        order = {target: index for index, target in enumerate(self.names)}
        shown = [view for view in candidates if view.target in order]
        shown.sort(key=lambda view: order[view.target])
        return [NamedThread(view, self.names[view.target]) for view in shown]

    @cached_property
    def open(self) -> list[NamedThread]:
        return self.named(view for view in self.threads.values() if view.is_open)


def row_names(report: Report, rows: Iterable[Row]) -> dict[str, str]:
    """The report's own thread and each row's, in page order, by target; `rows` in page
    order (as `followup.rows.in_page_order` gives them). No queries: the rows come with
    their items."""
    names = {REPORT_TARGET: REPORT_NAME}
    for row in rows:
        names[row.prefix] = kind_of(row).name(row, report)
    return names


def report_dialogue(
    report: Report, rows: Iterable[Row], *, may_comment: bool, threads: dict[str, ThreadView]
) -> Dialogue:
    return Dialogue(report, threads, list(rows), may_comment)


def dialogue_now(report: Report, *, may_comment: bool) -> Dialogue:
    """The report's dialogue read afresh, for a response to a write: four queries (the
    entries, and the rows of each kind)."""
    rows = in_page_order(rows_of_reports([report.pk])[report.pk])
    threads = threads_of_reports([report.pk])[report.pk]
    return report_dialogue(report, rows, may_comment=may_comment, threads=threads)

"""Reads of a report's attachments for its pages and the API: one query for all of a
report's files (or of a page of reports), however many rows and files there are."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from attachments.models import REPORT_ANCHOR, Attachment
from followup.models import Report
from followup.rows import Row, in_page_order, kind_of, rows_of_reports


def attachments_query() -> QuerySet[Attachment]:
    return Attachment.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")


def attachments_prefetch() -> Prefetch:
    """`report.attachments.all()` for a list of reports, in one query."""
    return Prefetch("attachments", queryset=attachments_query())


@dataclass(frozen=True)
class Target:
    """Where a file can be attached: the report (REPORT_ANCHOR) or a row ("a12")."""

    anchor: str
    label: str


@dataclass
class AttachmentIndex:
    """A report's files by where they sit on its page, and where new ones may go."""

    report: Report
    writable: bool  # files may be added and removed now
    targets: list[Target]
    by_anchor: dict[str, list[Attachment]] = field(default_factory=dict)

    @cached_property
    def list_url(self) -> str:
        """The report's page of files (and its upload form): every row links to it."""
        return reverse("attachment-list", args=[self.report.pk])

    def of(self, anchor: str) -> list[Attachment]:
        return self.by_anchor.get(anchor, [])

    @property
    def whole(self) -> list[Attachment]:
        return report_wide(self.by_anchor, {target.anchor for target in self.targets})

    @property
    def count(self) -> int:
        return sum(len(files) for files in self.by_anchor.values())

    def grouped(self) -> list[tuple[Target, list[Attachment]]]:
        """The rows that have files, in page order, each with its files; the report first."""
        groups = [(self.targets[0], self.whole)] if self.whole else []
        return groups + [(t, self.of(t.anchor)) for t in self.targets[1:] if self.of(t.anchor)]


def by_anchor(attachments: Iterable[Attachment]) -> dict[str, list[Attachment]]:
    grouped: dict[str, list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        grouped[attachment.anchor].append(attachment)
    return dict(grouped)


def report_wide(files: dict[str, list[Attachment]], rows: set[str]) -> list[Attachment]:
    """The files of the report as a whole, and those whose row (not among the anchors
    `rows`) has left the report, a removed own activity: listed with the report, not lost."""
    return [
        attachment
        for anchor, of_anchor in files.items()
        if anchor == REPORT_ANCHOR or anchor not in rows
        for attachment in of_anchor
    ]


def targets(report: Report, rows: Iterable[Row]) -> list[Target]:
    """The report as a whole, then every row in the order given (the page's)."""
    return [Target(REPORT_ANCHOR, "Rapporten som helhet")] + [
        Target(row.prefix, kind_of(row).name(row, report, chars=80)) for row in rows
    ]


def attachment_index(
    report: Report, *, writable: bool, rows: Iterable[Row] | None = None
) -> AttachmentIndex:
    """The report's files (one query) and where files may go: the rows given, in page
    order, or (without them) the report's rows read here (one query per kind)."""
    if rows is None:
        rows = in_page_order(rows_of_reports([report.pk])[report.pk])
    return AttachmentIndex(
        report=report,
        writable=writable,
        targets=targets(report, rows),
        by_anchor=by_anchor(attachments_query().filter(report=report)),
    )

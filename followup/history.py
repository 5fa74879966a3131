"""A report's history as a reader wants it: who changed what, when, from what to what."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, cast

from django.contrib.auth.models import User
from django.db import models

from attachments.models import REPORT_ANCHOR, Attachment
from attachments.uploads import size_text
from followup.models import Report
from followup.numbers import number_text
from followup.rows import ROW_KINDS, Item, RowKind, kind_by_key

# The summary as the history and the review panel name it.
SUMMARY_NAME = "Sammanfattning för nämnden"


@dataclass(frozen=True)
class Change:
    at: datetime
    user: str
    on_behalf: bool
    item: str
    field: str
    old: str
    new: str
    anchor: str = ""  # where on the report page: the row's id ("a12"), "summary", "bilagor"
    user_id: int | None = None  # who, for the history page's filter


@dataclass(frozen=True)
class HistoryFilter:
    """What the history page narrows the changes to: one row (its anchor), one user."""

    anchor: str = ""
    user_id: int | None = None

    def keeps(self, change: Change) -> bool:
        return (not self.anchor or change.anchor == self.anchor) and (
            self.user_id is None or change.user_id == self.user_id
        )


class _HistoryStamped(Protocol):
    _history_user: User
    _history_date: datetime


def history_stamp(obj: models.Model, user: User, at: datetime | None = None) -> None:
    """Who makes the next change to `obj` (and when, if not now), as simple-history reads
    them when it records the change: attributes its untyped API leaves undeclared."""
    stamped = cast(_HistoryStamped, obj)
    stamped._history_user = user
    if at is not None:
        stamped._history_date = at


def display_value(field: models.Field, value: object) -> str:
    """A stored value as a reader reads it, here and in the Excel import's preview: a
    choice by its label, a number with a decimal comma ("12,5", not "12.50")."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, Decimal | int | float) and not field.choices:
        return number_text(value)
    return str(dict(field.flatchoices).get(value, value)) if field.choices else str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChanges:
    """One row (or the summary) that reads differently now than at a moment before."""

    anchor: str  # the row's element id on the report page ("a12"), or "summary"
    item: str
    fields: list[FieldChange]


def changes_since(report: Report, since: datetime) -> list[RowChanges]:
    """Each row of the report (and its summary) whose answers are different now from what
    they were at `since`, with each such field's value then and now: what the samordnare
    looks at first when a returned report comes back. Changes made and undone in between
    do not show; a row added since shows "–" as its value then. Kind by kind, in the order
    of the rows' creation; one query per kind and one for the summary, and the names of the
    changed rows."""
    result: list[RowChanges] = []
    for kind in ROW_KINDS:
        records = kind.model.history.filter(report_id=report.pk).order_by(
            "id", "history_date", "history_id"
        )
        then: dict[int, Any] = {}
        now: dict[int, Any] = {}
        for record in records:
            if record.history_date <= since:
                then[record.id] = record
            now[record.id] = record
        changed = [
            (pk, last, fields)
            for pk, last in now.items()
            if last.history_type != "-"
            and (fields := _differences(kind.model, then.get(pk), last, kind.model.ANSWER_FIELDS))
        ]
        if changed:
            names = _item_names(kind, report, {kind.item_id(last) for _, last, _ in changed})
            result += [
                RowChanges(f"{kind.key}{pk}", names[kind.item_id(last)], fields)
                for pk, last, fields in changed
            ]
    summaries = list(Report.history.filter(id=report.pk).order_by("history_date", "history_id"))
    before = next((r for r in reversed(summaries) if r.history_date <= since), None)
    if summaries and (fields := _differences(Report, before, summaries[-1], ("summary",))):
        result.append(RowChanges("summary", SUMMARY_NAME, fields))
    return result


def _differences(
    model: type[models.Model], then: Any, now: Any, names: tuple[str, ...]
) -> list[FieldChange]:
    """The fields whose value differs between two historical records of a row (`then`
    None: the row did not exist, and only what it has been given counts)."""
    differences = []
    for name in names:
        old = getattr(then, name) if then is not None else None
        new = getattr(now, name)
        if old == new or (then is None and new in (None, "")):
            continue
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)  # an answer field, not a relation
        label = str(field.verbose_name).capitalize()
        differences.append(FieldChange(label, display_value(field, old), display_value(field, new)))
    return differences


def _item_names(kind: RowKind, report: Report, item_ids: set[int]) -> dict[int, str]:
    """Each item's row named as the report page words it; an item whose row has gone (the
    board lost the commitment while writing) by the catalog's wording, and a removed own
    item, gone from the catalog too, by its last historical record."""
    rows = kind.model.objects.filter(report=report).select_related(kind.item_field)
    names = {kind.item_id(row): kind.name(row, report, chars=90) for row in rows}
    if gone := item_ids - names.keys():
        # The item field is a ForeignKey to the kind's catalog model.
        item_model = cast(type[Item], kind.model._meta.get_field(kind.item_field).related_model)
        items = item_model.objects.in_bulk(gone)
        for pk in gone - items.keys():
            record = item_model.history.filter(id=pk).latest("history_date", "history_id")
            items[pk] = record.instance
        for pk, item in items.items():
            names[pk] = kind.name(kind.model(**{kind.item_field: item}), report, chars=90)
    return names


# A historical record's class is made by simple-history at run time, unknown to the checker.
def user_of(record: Any) -> str:
    user = record.history_user
    return (user.get_full_name() or user.username) if user else "Systemet"


def _removal(record: Any, item: str, anchor: str) -> Change:
    return Change(
        at=record.history_date,
        user=user_of(record),
        on_behalf=False,
        item=item,
        field="Raden",
        old="i rapporten",
        new="borttagen",
        anchor=anchor,
        user_id=record.history_user_id,
    )


def record_changes(
    records: list[Any],
    fields: tuple[str, ...],
    model: type[models.Model],
    label_of: Callable[[Any], str],
    *,
    anchor_of: Callable[[Any], str] = lambda record: "",
    removal: Callable[[Any, str], Change] | None = None,
    creation: Callable[[Any, str], Change] | None = None,
) -> list[Change]:
    """Compare each historical record (ordered by row, then time) with the one before it
    for the same row. A removal is told by `removal`; a creation only with `creation` (a
    report's rows are made by the system, not changed by a user)."""
    changes = []
    before: dict[int, object] = {}
    for record in records:
        previous = before.get(record.id)
        before[record.id] = record
        if record.history_type == "-":
            # The row left the report: a board removed its own item, or the catalog changed.
            item = label_of(record)
            changes.append(
                removal(record, item) if removal else _removal(record, item, anchor_of(record))
            )
            continue
        if previous is None:
            if creation is not None and record.history_type == "+":
                changes.append(creation(record, label_of(record)))
            continue  # the row's creation, not a user's change
        for name in fields:
            old, new = getattr(previous, name), getattr(record, name)
            if old != new:
                field = model._meta.get_field(name)
                assert isinstance(field, models.Field)  # an answer field, not a relation
                changes.append(
                    Change(
                        at=record.history_date,
                        user=user_of(record),
                        on_behalf=getattr(record, "updated_on_behalf", False),
                        item=label_of(record),
                        field=str(field.verbose_name).capitalize(),
                        old=display_value(field, old),
                        new=display_value(field, new),
                        anchor=anchor_of(record),
                        user_id=record.history_user_id,
                    )
                )
    return changes


def report_history(report: Report) -> list[Change]:
    """Every change to the report's rows and summary, and every entry of its comment
    threads, newest first."""
    # The threads' entries (the dialogue app builds on this module, so it is asked here).
    from dialogue.history import thread_changes

    changes: list[Change] = thread_changes(report)
    for kind in ROW_KINDS:
        records = list(
            kind.model.history.filter(report_id=report.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        if not records:
            continue
        names = _item_names(kind, report, {kind.item_id(record) for record in records})

        def label_of(record: Any, names: dict[int, str] = names, kind: RowKind = kind) -> str:
            return names[kind.item_id(record)]

        # A row confirmed unchanged from the period before shows as its mark going.
        fields = (*kind.model.ANSWER_FIELDS, "carried_over")

        def anchor_of(record: Any, kind: RowKind = kind) -> str:
            return f"{kind.key}{record.id}"

        changes += record_changes(records, fields, kind.model, label_of, anchor_of=anchor_of)
    summary_records = list(
        Report.history.filter(id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes += record_changes(
        summary_records,
        ("summary",),
        Report,
        lambda record: "Sammanfattning för nämnden",
        anchor_of=lambda record: "summary",
    )
    changes += attachment_changes(report)
    return sorted(changes, key=lambda change: change.at, reverse=True)


def attachment_changes(report: Report) -> list[Change]:
    """Each file attached to the report or one of its rows, and each removed, with who and
    when: the name and size stay in the history after the file has gone."""
    records = list(
        Attachment.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    wanted: dict[str, set[int]] = {}
    for record in records:
        if record.row_kind:
            wanted.setdefault(record.row_kind, set()).add(record.row_id)
    names = {}
    for key, ids in wanted.items():
        kind = kind_by_key(key)
        for row in kind.model.objects.filter(report=report, pk__in=ids).select_related(
            kind.goal_path
        ):
            names[row.prefix] = kind.name(row, report, chars=90)
    changes = []
    for record in records:
        if record.history_type == "~":
            continue  # attachments are added and removed, never changed
        anchor = f"{record.row_kind}{record.row_id}" if record.row_kind else REPORT_ANCHOR
        item = (
            "Rapporten som helhet" if not record.row_kind else names.get(anchor, "En borttagen rad")
        )
        shown = f"{record.name} ({size_text(record.size)})"
        added = record.history_type == "+"
        changes.append(
            Change(
                at=record.history_date,
                user=user_of(record),
                on_behalf=record.on_behalf and added,
                item=item,
                field="Bilaga",
                old="–" if added else shown,
                new=shown if added else "borttagen",
                anchor=anchor,
                user_id=record.history_user_id,
            )
        )
    return changes

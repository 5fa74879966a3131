"""A report's history as a reader wants it: who changed what, when, from what to what."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.text import Truncator

from catalog.models import Activity, Goal, Indicator
from followup.models import ActivityStatus, GoalAssessment, IndicatorOutcome, Report


@dataclass(frozen=True)
class Change:
    at: datetime
    user: str
    on_behalf: bool
    item: str
    field: str
    old: str
    new: str


# Row model, and its catalog item's model and field.
_TRACKED = (
    (ActivityStatus, Activity, "activity"),
    (IndicatorOutcome, Indicator, "indicator"),
    (GoalAssessment, Goal, "goal"),
)


def display_value(field: models.Field, value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    return str(dict(field.flatchoices).get(value, value)) if field.choices else str(value)


def _item_label(item: Activity | Indicator | Goal) -> str:
    if isinstance(item, Goal):
        return f"Mål {item.number}: måluppfyllelse"
    prefix = "Aktivitet" if isinstance(item, Activity) else "Indikator"
    return f"{prefix}: {Truncator(item.text).chars(90)}"


def _changes(
    records: list,
    fields: tuple[str, ...],
    model: type[models.Model],
    label_of: Callable[[Any], str],
) -> list[Change]:
    """Compare each historical record with the one before it for the same row."""
    changes = []
    before: dict[int, object] = {}
    for record in records:
        previous = before.get(record.id)
        before[record.id] = record
        if previous is None:
            continue  # the row's creation, not a user's change
        for name in fields:
            old, new = getattr(previous, name), getattr(record, name)
            if old != new:
                field = model._meta.get_field(name)
                assert isinstance(field, models.Field)  # an answer field, not a relation
                changes.append(
                    Change(
                        at=record.history_date,
                        user=record.history_user.get_full_name() or record.history_user.username
                        if record.history_user
                        else "Systemet",
                        on_behalf=getattr(record, "updated_on_behalf", False),
                        item=label_of(record),
                        field=str(field.verbose_name).capitalize(),
                        old=display_value(field, old),
                        new=display_value(field, new),
                    )
                )
    return changes


def report_history(report: Report) -> list[Change]:
    """Every change to the report's rows and summary, newest first."""
    changes: list[Change] = []
    for row_model, item_model, item_field in _TRACKED:
        records = list(
            row_model.history.filter(report_id=report.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        items = item_model.objects.in_bulk({getattr(r, f"{item_field}_id") for r in records})

        def label_of(record: Any, items: dict = items, item_field: str = item_field) -> str:
            return _item_label(items[getattr(record, f"{item_field}_id")])

        changes += _changes(records, row_model.ANSWER_FIELDS, row_model, label_of)
    summary_records = list(
        Report.history.filter(id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes += _changes(
        summary_records, ("summary",), Report, lambda record: "Sammanfattning för nämnden"
    )
    return sorted(changes, key=lambda change: change.at, reverse=True)

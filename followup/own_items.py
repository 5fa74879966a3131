"""The board's own activities and indicators in a report, as the report page lists them for
removal (the writes are in `services.own_item_add` and `services.own_item_remove`)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from catalog.models import Activity, Indicator
from followup.models import Report
from followup.rows import Row, kind_of

# The kinds of own item as the removal URL names them.
OWN_MODELS: dict[str, type[Activity] | type[Indicator]] = {
    "aktivitet": Activity,
    "indikator": Indicator,
}


def with_row_in(model: type[Activity] | type[Indicator], report: Report) -> Q:
    """Items of `model` that have a row in the report."""
    return Q(statuses__report=report) if model is Activity else Q(outcomes__report=report)


@dataclass(frozen=True)
class OwnItem:
    kind: str  # a key of OWN_MODELS
    pk: int
    goal_number: int
    text: str


def own_items_in(report: Report, rows: Iterable[Row]) -> list[OwnItem]:
    """The board's own items among the report's rows (read with their items and goals, as
    the report page reads them), by goal and position: no query of their own."""
    kinds: dict[type, str] = {model: kind for kind, model in OWN_MODELS.items()}
    items = []
    for row in rows:
        item = kind_of(row).item(row)
        kind = kinds.get(type(item))
        if isinstance(item, Activity | Indicator) and kind and item.added_by_id == report.board_id:
            items.append(
                OwnItem(kind=kind, pk=item.pk, goal_number=item.goal.number, text=item.text)
            )
    return sorted(items, key=lambda item: (item.goal_number, item.kind, item.pk))

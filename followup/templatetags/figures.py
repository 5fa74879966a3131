"""The roll-up's wording in templates, for figures as objects (the dashboard) and as the
JSON-ready dicts of `rollup.year_figures` (the samlad uppföljning, also when frozen before a
field was kept): the words come from `rollup.Completeness` and `rollup.Value`, never from the
template."""

from typing import Any

from django import template

from followup import rollup
from followup.models import IndicatorOutcome

register = template.Library()


@register.filter
def completeness(value: rollup.Completeness | dict[str, Any], words: str = "rapporterat") -> str:
    """ "2 av 23 `words`", or "ej öppnad" for a period that was never opened."""
    if not isinstance(value, rollup.Completeness):
        value = rollup.Completeness.from_dict(value)
    return value.describe(words)


@register.filter
def board_value(row: IndicatorOutcome) -> rollup.Value | None:
    """One board's value of an indicator (`rollup.row_value`): None while its report is not
    in or the value was not given, so that the page shows it as missing."""
    return rollup.row_value(row)


@register.filter
def part(indicator: dict[str, Any], which: str) -> str:
    """An indicator's women's or men's part (`which`: "women" or "men") with what it rests
    on: "41 av 51 (80,4 %) — från 2 av 3 nämnder"."""
    return rollup.part_text(indicator, which)

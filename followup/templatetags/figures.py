"""The roll-up's wording in templates, for figures as objects (the dashboard) and as the
JSON-ready dicts of `rollup.year_figures` (the samlad uppföljning, also when frozen before a
field was kept): the words come from `rollup.Completeness` and `rollup.Value`, never from the
template."""

from typing import Any

from django import template

from catalog.models import IndicatorKind
from followup import rollup
from followup.models import IndicatorOutcome
from followup.numbers import percent_text, target_text

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


@register.filter
def percent(value: float | None, places: int = 1) -> str:
    """A share in per cent, its sign tied to the number (`numbers.percent_text`)."""
    return percent_text(value, places)


@register.filter
def target(value: str | None, kind: str) -> str:
    """A target of the figures with its unit (`numbers.target_text`): "62,5 %", "12"."""
    return target_text(value, share=kind == IndicatorKind.SHARE)

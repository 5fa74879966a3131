"""Small numbers on public pages and in open data (DESIGN.md, "Publishing").

The indicators count people who have been subjected to or have used violence, in one
district: a small count could point at a person. So, on public pages and in open data only
(the internal pages keep the exact figures):

- a count or numerator from 1 to THRESHOLD - 1 (settings.PUBLIC_SUPPRESSION_THRESHOLD, 5) is
  shown as "färre än 5"; 0 is shown as 0;
- so is a share whose numerator or denominator is that small;
- a total is hidden too when exactly one of its parts is hidden (women/men, or the boards
  whose values are shown beside it), so that the hidden part cannot be found by subtraction.
  When two or more parts are hidden the total shows: it no longer gives any one of them.

Yes/no indicators count boards answering "ja", and the activity counts count activities:
neither is about people, and both are shown as they are.

In JSON a number is a cell: `{"value": 12, "suppressed": false, "display": "12"}`, or
`{"value": null, "suppressed": true, "display": "färre än 5"}` when hidden.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from catalog.models import IndicatorKind
from followup.numbers import number_text
from followup.rollup import percent_text

MISSING = "saknas"

# A part's (numerator, denominator); the denominator None for a count.
Part = tuple[int | None, int | None]


def threshold() -> int:
    return settings.PUBLIC_SUPPRESSION_THRESHOLD


def hidden_text() -> str:
    return f"färre än {threshold()}"


def rule_text() -> str:
    """The rule in a sentence, for the pages and the API's documentation."""
    return (
        f"Små tal skyddas: ett antal eller en täljare från 1 till {threshold() - 1} visas som "
        f"”{hidden_text()}”, liksom en andel vars täljare eller nämnare är så liten. En summa "
        "döljs också när exakt en av dess delar (kvinnor och män, eller nämnderna) är dold, så "
        "att den dolda delen inte kan räknas fram. 0 visas som 0. Regeln gäller indikatorernas "
        "värden; antal aktiviteter och ja/nej-svar visas som de är."
    )


def is_small(number: int | None) -> bool:
    return number is not None and 0 < number < threshold()


def one_hidden(parts: Sequence[int | None]) -> bool:
    """Exactly one of the parts is hidden: the total would give it away."""
    return sum(1 for part in parts if is_small(part)) == 1


@dataclass(frozen=True)
class Cell:
    """One number as the public sees it."""

    value: int | float | None
    suppressed: bool
    display: str

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "suppressed": self.suppressed, "display": self.display}


def _hidden() -> Cell:
    return Cell(None, True, hidden_text())


def count(number: int | None, *, groups: Sequence[Sequence[int | None]] = ()) -> Cell:
    """A count or numerator; hidden when small, or when exactly one part of any of `groups`
    (the parts shown beside it that add up to it) is."""
    if number is None:
        return Cell(None, False, MISSING)
    if is_small(number) or any(one_hidden(group) for group in groups):
        return _hidden()
    return Cell(number, False, number_text(number))


def share(numerator: Cell, denominator: Cell) -> Cell:
    """A share in per cent of two cells already decided: hidden when either is."""
    if numerator.suppressed or denominator.suppressed:
        return _hidden()
    if numerator.value is None or not denominator.value:
        return Cell(None, False, "–" if numerator.value is not None else MISSING)
    percent = round(100 * numerator.value / denominator.value, 1)
    return Cell(percent, False, percent_text(percent))


def value(
    kind: str,
    numerator: int | None,
    denominator: int | None,
    *,
    parts: Sequence[Sequence[Part]] = (),
) -> dict[str, Any]:
    """An indicator's value as the public sees it, JSON-ready: `numerator`, `denominator`
    and `share` cells (None where the kind has none), `suppressed` if anything is hidden,
    and `display`, the value in words. `parts` are groups of (numerator, denominator) shown
    beside it that add up to it: the women's and men's parts, the boards' values."""
    if kind == IndicatorKind.YES_NO:
        # Boards answering ja: not about people.
        top = Cell(numerator, False, MISSING if numerator is None else number_text(numerator))
        bottom = Cell(denominator, False, number_text(denominator, MISSING))
        display = MISSING if numerator is None else f"{top.display} av {bottom.display} ja"
        return _value_json(top, bottom, None, display)
    top = count(numerator, groups=[[part[0] for part in group] for group in parts])
    if kind == IndicatorKind.COUNT:
        return _value_json(top, None, None, top.display)
    bottom = count(denominator, groups=[[part[1] for part in group] for group in parts])
    percent = share(top, bottom)
    if numerator is None:
        display = MISSING
    elif percent.suppressed:
        display = hidden_text()
    else:
        display = f"{top.display} av {bottom.display} ({percent.display})"
    return _value_json(top, bottom, percent, display)


def _value_json(
    numerator: Cell, denominator: Cell | None, percent: Cell | None, display: str
) -> dict[str, Any]:
    cells = [cell for cell in (numerator, denominator, percent) if cell is not None]
    return {
        "numerator": numerator.as_json(),
        "denominator": denominator.as_json() if denominator else None,
        "share": percent.as_json() if percent else None,
        "suppressed": any(cell.suppressed for cell in cells),
        "display": display,
    }


def chart_number(public: dict[str, Any]) -> float | None:
    """What a chart draws for a public value: the share, else the count; None when hidden
    or missing (the chart then writes the value's `display` in the gap)."""
    cell = public["share"] or public["numerator"]
    return None if cell["value"] is None else float(cell["value"])

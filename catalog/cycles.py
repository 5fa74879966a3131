"""Reporting cycles as a catalog document states them (`"cycle"`, JSON-ready), and the one
Stockholm's programme has, which is also every programme's default.

A step is `{"code", "name", "opens", "deadline", "annual"}`; its place in the list is its
order in the year; `opens` and `deadline` are `[years after the programme year, month, day]`,
the usual dates a period is created with (the samordnare may move them per period).
"""

from datetime import date
from typing import Any

CycleSpec = list[dict[str, Any]]

# Stockholm: T1 covers January–April, T2 January–August, VB the whole year (reported early
# the next year). The API's `period` values are these codes.
STOCKHOLM_CYCLE: CycleSpec = [
    {"code": "T1", "name": "Tertialrapport 1", "opens": [0, 5, 2], "deadline": [0, 5, 20]},
    {"code": "T2", "name": "Tertialrapport 2", "opens": [0, 9, 1], "deadline": [0, 9, 20]},
    {
        "code": "VB",
        "name": "Verksamhetsberättelse",
        "opens": [1, 1, 10],
        "deadline": [1, 2, 10],
        "annual": True,
    },
]

# Södertälje: "Nämnder och bolagsstyrelser har … ansvar för att … följa upp de delar som rör
# deras verksamheter i delårsbokslut och årsberättelser" (Ansvar, genomförande och
# uppföljning). The plan gives no dates; these follow the municipality's accounts: the
# delårsbokslut covers January–August and is written in September, the årsberättelse the
# whole year, early the next year.
SODERTALJE_CYCLE: CycleSpec = [
    {"code": "DB", "name": "Delårsbokslut", "opens": [0, 9, 1], "deadline": [0, 9, 25]},
    {
        "code": "AB",
        "name": "Årsberättelse",
        "opens": [1, 1, 8],
        "deadline": [1, 2, 5],
        "annual": True,
    },
]


class CycleError(ValueError):
    pass


def cycle_check(cycle: CycleSpec) -> None:
    """A cycle has at least one step, distinct codes of at most ten characters, valid dates
    with the deadline on or after the opening, and exactly one annual report."""
    if not cycle:
        raise CycleError("Rapportcykeln har inga perioder.")
    codes = [step["code"] for step in cycle]
    if len(set(codes)) != len(codes) or any(not code or len(code) > 10 for code in codes):
        raise CycleError(f"Rapportcykelns koder måste vara olika och högst tio tecken: {codes}.")
    if sum(bool(step.get("annual")) for step in cycle) != 1:
        raise CycleError("Rapportcykeln måste ha precis en årsrapport.")
    for step in cycle:
        try:
            opens, due = step_dates(step, 2000)
        except (TypeError, ValueError):
            raise CycleError(f"Ogiltigt datum i rapportcykelns ”{step['code']}”.") from None
        if due < opens:
            raise CycleError(f"”{step['code']}” har sista dag före öppningen.")


def step_dates(step: dict[str, Any], year: int) -> tuple[date, date]:
    """When a step of the cycle usually opens and is due in the programme year `year`."""
    (open_offset, open_month, open_day), (due_offset, due_month, due_day) = (
        step["opens"],
        step["deadline"],
    )
    return (
        date(year + open_offset, open_month, open_day),
        date(year + due_offset, due_month, due_day),
    )

"""The samlad uppföljning as a workbook, from the same figures the page shows (frozen once
the document is final)."""

import tempfile
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import Workbook

from followup.excel.city import write_sheet
from followup.models import CityFollowup, CityFollowupGoal


def city_followup_filename(followup: CityFollowup) -> str:
    return f"samlad-uppfoljning-{followup.programme.slug}-{followup.year}.xlsx"


def city_followup_workbook(
    followup: CityFollowup, figures: dict[str, Any], parts: list[CityFollowupGoal]
) -> IO[bytes]:
    """Summary, goals, indicators, per-board values and the boards' analyses, one sheet each,
    as an open temporary file at its start."""
    narratives = {part.goal.number: part.narrative for part in parts}
    workbook = Workbook(write_only=True)
    sheets = [
        ("Sammanfattning", [("Uppgift", 34), ("Värde", 100)], _summary(followup, figures)),
        ("Mål", _GOAL_COLUMNS, _goals(figures, narratives)),
        ("Indikatorer", _INDICATOR_COLUMNS, _indicators(figures)),
        ("Per nämnd", _BOARD_COLUMNS, _board_values(figures)),
        ("Analyser", [("Mål", 8), ("Nämnd", 36), ("Måluppfyllelse", 18), ("Analys", 100)],
         _analyses(figures)),
    ]  # fmt: skip
    for title, columns, rows in sheets:
        write_sheet(workbook.create_sheet(title), columns, rows)
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    workbook.save(file)
    file.seek(0)
    return file


def _summary(followup: CityFollowup, figures: dict[str, Any]) -> Iterator[list[object]]:
    completeness = figures["completeness"]
    yield ["Program", followup.programme.name]
    yield ["År", followup.year]
    yield ["Underlag", figures["period_label"]]
    yield ["Läge", followup.get_state_display()]
    yield ["Nämnder som rapporterat", completeness["reported"]]
    yield ["Nämnder som ska rapportera", completeness["expected"]]
    yield ["Samlad bedömning", followup.narrative]


_GOAL_COLUMNS = [
    ("Mål", 8),
    ("Rubrik", 50),
    ("Aktivitetsrader rapporterade", 16),
    ("Enligt plan", 12),
    ("Delvis enligt plan", 12),
    ("Ej enligt plan", 12),
    ("Helt uppfyllt", 12),
    ("Delvis uppfyllt", 12),
    ("Ej uppfyllt", 12),
    ("Samordnarens bedömning", 80),
]


def _count(buckets: dict[str, Any], key: str) -> int:
    return buckets.get(key, {}).get("count", 0)


def _goals(figures: dict[str, Any], narratives: dict[int, str]) -> Iterator[list[object]]:
    for goal in figures["goals"]:
        assessment = goal["activities"]["by_assessment"]
        fulfilment = goal["fulfilment"]["by_fulfilment"]
        yield [
            goal["number"],
            goal["title"],
            goal["activities"]["completeness"]["reported"],
            _count(assessment, "enligt_plan"),
            _count(assessment, "delvis_enligt_plan"),
            _count(assessment, "ej_enligt_plan"),
            _count(fulfilment, "helt"),
            _count(fulfilment, "delvis"),
            _count(fulfilment, "ej"),
            narratives.get(goal["number"], ""),
        ]


_INDICATOR_COLUMNS = [
    ("Mål", 8),
    ("Indikator", 70),
    ("Typ", 10),
    ("Värde", 10),
    ("Täljare", 10),
    ("Nämnare", 10),
    ("Hela staden", 24),
    ("Kvinnor/flickor", 24),
    ("Män/pojkar", 24),
    ("Nämnder som rapporterat", 14),
    ("Nämnder som ska rapportera", 14),
]


def _indicators(figures: dict[str, Any]) -> Iterator[list[object]]:
    for goal in figures["goals"]:
        for indicator in goal["indicators"]:
            value = indicator["value"]
            yield [
                goal["number"],
                indicator["text"],
                indicator["kind"],
                value["value"],
                value["numerator"],
                value["denominator"],
                value["text"],
                indicator["women"]["text"] if indicator["women"]["boards"] else "",
                indicator["men"]["text"] if indicator["men"]["boards"] else "",
                indicator["completeness"]["reported"],
                indicator["completeness"]["expected"],
            ]


_BOARD_COLUMNS = [
    ("Mål", 8),
    ("Indikator", 60),
    ("Nämnd", 36),
    ("Utfall", 24),
    ("Målvärde", 10),
    ("Kommentar", 80),
]


def _board_values(figures: dict[str, Any]) -> Iterator[list[object]]:
    for goal in figures["goals"]:
        for indicator in goal["indicators"]:
            for entry in indicator["boards"]:
                yield [
                    goal["number"],
                    indicator["text"],
                    entry["board"],
                    entry["value"]["text"] if entry["value"] else "saknas",
                    entry["target"] or "",
                    entry["comment"] or "",
                ]


def _analyses(figures: dict[str, Any]) -> Iterator[list[object]]:
    for goal in figures["goals"]:
        for bucket in goal["fulfilment"]["by_fulfilment"].values():
            for row in bucket["rows"]:
                yield [goal["number"], row["board"], bucket["label"], row.get("analysis", "")]

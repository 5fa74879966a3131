"""The samlad uppföljning as a workbook, from the same figures the page shows (frozen once
the document is final), in the roll-up's own words (`rollup.Completeness`,
`rollup.part_text`): a period never opened reads "ej öppnad", a women's or men's part says
how many boards it rests on."""

import tempfile
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import Workbook

from catalog.models import IndicatorKind
from followup.excel.city import write_sheet
from followup.models import CityFollowup, CityFollowupGoal
from followup.rollup import NOT_OPENED, Completeness, part_text


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
        ("Egna indikatorer", _OWN_COLUMNS, _own_indicators(figures)),
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
    completeness = Completeness.from_dict(figures["completeness"])
    yield ["Program", followup.programme.name]
    yield ["År", followup.year]
    yield ["Underlag", figures["period_label"]]
    yield ["Läge", followup.get_state_display()]
    reported, expected = _reported(completeness)
    yield ["Nämnder som rapporterat", reported]
    yield ["Nämnder som ska rapportera", expected]
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


def _reported(completeness: Completeness) -> list[object]:
    """Reported and expected as two numbers, or "ej öppnad" (never "0" of "23")."""
    if not completeness.opened:
        return [NOT_OPENED, ""]
    return [completeness.reported, completeness.expected]


def _count(buckets: dict[str, Any], key: str) -> int:
    return buckets.get(key, {}).get("count", 0)


def _goals(figures: dict[str, Any], narratives: dict[int, str]) -> Iterator[list[object]]:
    for goal in figures["goals"]:
        assessment = goal["activities"]["by_assessment"]
        fulfilment = goal["fulfilment"]["by_fulfilment"]
        yield [
            goal["number"],
            goal["title"],
            _reported(Completeness.from_dict(goal["activities"]["completeness"]))[0],
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
    ("Kvinnor/flickor", 40),
    ("Män/pojkar", 40),
    ("Nämnder som rapporterat", 14),
    ("Nämnder som ska rapportera", 14),
]


def _kind_label(kind: str) -> str:
    """ "Andel", "Antal", "Ja/nej": the kind as the catalog names it, not its key."""
    return dict(IndicatorKind.choices).get(kind, kind)


def _indicators(figures: dict[str, Any]) -> Iterator[list[object]]:
    for goal in figures["goals"]:
        for indicator in goal["indicators"]:
            value = indicator["value"]
            yield [
                goal["number"],
                indicator["text"],
                _kind_label(indicator["kind"]),
                value["value"],
                value["numerator"],
                value["denominator"],
                value["text"],
                part_text(indicator, "women"),
                part_text(indicator, "men"),
                *_reported(Completeness.from_dict(indicator["completeness"])),
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


_OWN_COLUMNS = [
    ("Nämnd", 36),
    ("Mål", 8),
    ("Indikator", 60),
    ("Utfall", 24),
    ("Målvärde", 10),
    ("Kommentar", 80),
]


def _own_indicators(figures: dict[str, Any]) -> Iterator[list[object]]:
    """The boards' own indicators, each board's value: never summed for the city."""
    for row in figures.get("own_indicators", []):  # figures frozen before they were kept
        yield [
            row["board"],
            row["goal"],
            row["text"],
            row["value"]["text"] if row["value"] else "saknas",
            row["target"] or "",
            row["comment"] or "",
        ]


def _analyses(figures: dict[str, Any]) -> Iterator[list[object]]:
    for goal in figures["goals"]:
        for bucket in goal["fulfilment"]["by_fulfilment"].values():
            for row in bucket["rows"]:
                yield [goal["number"], row["board"], bucket["label"], row.get("analysis", "")]

"""A programme year's reports as one workbook, for analysis in Excel or BI tools.

Streamed as it is written (`followup.excel.stream`): the download starts at once, memory
stays flat and the queries stay three (one per sheet, read in chunks) however many boards,
periods and rows there are.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, cast

from django.db import models
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import DimensionHolder

from catalog.models import BoardKind, IndicatorKind, Programme
from followup.excel.cells import set_value
from followup.excel.stream import stream_workbook
from followup.models import (
    ActivityStatus,
    Assessment,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    Progress,
    ReportState,
)
from followup.rows import wording

CHUNK_SIZE = 2000
_COMMON = ["Nämnd", "Typ av nämnd", "År", "Period", "Rapportens läge"]
_COMMON_WIDTHS = [36, 18, 6, 8, 14]
# Read as plain values, not model instances: at a city's scale of rows that is most of the time.
_COMMON_FIELDS = (
    "report__board__name",
    "report__board__kind",
    "report__period__year",
    "report__period__kind",
    "report__state",
)
_LABELS = {
    field: dict(choices.choices)
    for field, choices in (
        ("board_kind", BoardKind),
        ("state", ReportState),
        ("progress", Progress),
        ("assessment", Assessment),
        ("fulfilment", Fulfilment),
        ("indicator_kind", IndicatorKind),
    )
}


def _label(field: str, value: str) -> str:
    return str(_LABELS[field].get(value, value))


def _common(values: tuple) -> list[object]:
    board, kind, year, period, state = values[: len(_COMMON_FIELDS)]
    return [board, _label("board_kind", kind), year, period, _label("state", state)]


def _rows(
    model: type[models.Model], programme: Programme, year: int, *fields: str, order: tuple
) -> Iterator:
    return (
        model._default_manager.filter(
            report__period__programme=programme, report__period__year=year
        )
        .order_by("report__period__position", "report__board__name", *order, "pk")
        .values_list(*_COMMON_FIELDS, *fields)
        .iterator(chunk_size=CHUNK_SIZE)
    )


def _activity_rows(programme: Programme, year: int) -> Iterator[list[object]]:
    for values in _rows(
        ActivityStatus,
        programme,
        year,
        "activity__goal__number",
        "activity__number",
        "activity_text",
        "activity__text",
        "activity__added_by_id",
        "progress",
        "not_applicable_reason",
        "assessment",
        "comment",
        order=("activity__goal__number", "activity__position"),
    ):
        goal, number, snapshot, text, own, progress, reason, assessment, comment = values[5:]
        yield [
            *_common(values),
            goal,
            number,
            wording(values[4], snapshot, text),
            "Ja" if own else "Nej",
            _label("progress", progress),
            reason,
            _label("assessment", assessment),
            comment,
        ]


def _share(kind: str, numerator: int | None, denominator: int | None) -> float | None:
    if kind != IndicatorKind.SHARE or not denominator or numerator is None:
        return None
    return round(100 * numerator / denominator, 1)


def _indicator_rows(programme: Programme, year: int) -> Iterator[list[object]]:
    for values in _rows(
        IndicatorOutcome,
        programme,
        year,
        "indicator__goal__number",
        "indicator_text",
        "indicator__text",
        "indicator__kind",
        "indicator__added_by_id",
        *IndicatorOutcome.ANSWER_FIELDS,  # numbers, answer, women's and men's, target, comment
        order=("indicator__goal__number", "indicator__position"),
    ):
        goal, snapshot, text, kind, own, numerator, denominator, answer, *sexes = values[5:]
        *sexes, target, comment = sexes  # women's and men's numbers, then target and comment
        yield [
            *_common(values),
            goal,
            wording(values[4], snapshot, text),
            _label("indicator_kind", kind),
            "Ja" if own else "Nej",
            numerator,
            denominator,
            _share(kind, numerator, denominator),
            {True: "Ja", False: "Nej"}.get(answer),
            *sexes,
            target,
            comment,
        ]


def _goal_rows(programme: Programme, year: int) -> Iterator[list[object]]:
    for values in _rows(
        GoalAssessment,
        programme,
        year,
        "goal__number",
        "goal_title",
        "goal__title",
        "fulfilment",
        "analysis",
        order=("goal__number",),
    ):
        goal, snapshot, title, fulfilment, analysis = values[5:]
        yield [
            *_common(values),
            goal,
            wording(values[4], snapshot, title),
            _label("fulfilment", fulfilment),
            analysis,
        ]


# Sheet title, its headers and widths after the common ones, and its rows.
_SHEETS: tuple[tuple[str, list[tuple[str, int]], Callable], ...] = (
    (
        "Aktiviteter",
        [
            ("Mål", 6),
            ("Nummer", 8),
            ("Aktivitet", 60),
            ("Egen", 6),
            ("Status", 16),
            ("Skäl till ”Ej aktuell”", 30),
            ("Bedömning", 18),
            ("Kommentar", 60),
        ],
        _activity_rows,
    ),
    (
        "Indikatorer",
        [
            ("Mål", 6),
            ("Indikator", 60),
            ("Typ", 8),
            ("Egen", 6),
            ("Antal", 8),
            ("Av totalt", 8),
            ("Andel (%)", 8),
            ("Svar", 6),
            ("Antal kvinnor/flickor", 10),
            ("Av totalt kvinnor/flickor", 10),
            ("Antal män/pojkar", 10),
            ("Av totalt män/pojkar", 10),
            ("Målvärde", 10),
            ("Kommentar", 60),
        ],
        _indicator_rows,
    ),
    (
        "Måluppfyllelse",
        [("Mål", 6), ("Målets rubrik", 50), ("Måluppfyllelse", 16), ("Analys", 80)],
        _goal_rows,
    ),
)


def city_export_filename(programme: Programme, year: int) -> str:
    return f"{programme.slug}-{year}.xlsx"


def city_export(programme: Programme, year: int) -> Iterator[bytes]:
    """The year's activity statuses, indicator outcomes and goal assessments of every board,
    one row per board, period and item, as the chunks of an .xlsx file."""
    common = list(zip(_COMMON, _COMMON_WIDTHS, strict=True))
    # The programme's own words: Södertälje's sheets say "Åtgärder", "Fokusområde".
    words = {
        "Mål": programme.goal_label,
        "Målets rubrik": f"{programme.goal_definite}s rubrik",
        "Aktivitet": programme.activity_label,
        "Aktiviteter": programme.activity_label_plural,
    }
    return stream_workbook(
        [
            (
                words.get(title, title),
                [*common, *((words.get(header, header), width) for header, width in columns)],
                rows(programme, year),
            )
            for title, columns, rows in _SHEETS
        ]
    )


class _Dimensioned(Protocol):
    # WriteOnlyWorksheet has them (it shares Worksheet._setup); its stubs do not say so.
    column_dimensions: DimensionHolder


def write_sheet(
    sheet: WriteOnlyWorksheet, headers: list[tuple[str, int]], rows: Iterable[list[object]]
) -> None:
    # Widths and the frozen header must be set before the first row is written.
    for index, (_, width) in enumerate(headers, start=1):
        cast(_Dimensioned, sheet).column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header, _ in headers:
        cell = set_value(WriteOnlyCell(sheet), header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in rows:
        sheet.append([_cell(sheet, value) for value in values])


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    # Only text needs a cell of its own (to be kept as text); numbers go in as they are.
    return set_value(WriteOnlyCell(sheet), value) if isinstance(value, str) else value

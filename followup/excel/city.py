"""A programme year's reports as one workbook, for analysis in Excel or BI tools.

Streamed as it is written (`followup.excel.stream`): the download starts at once, memory
stays flat and the queries stay three (one per sheet, read in chunks) however many boards,
periods and rows there are.
"""

from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from catalog.models import Programme
from followup.excel.cells import set_value
from followup.excel.stream import stream_workbook
from followup.models import ActivityStatus, GoalAssessment, IndicatorOutcome

CHUNK_SIZE = 2000
_COMMON = ["Nämnd", "Typ av nämnd", "År", "Period", "Rapportens läge"]
_COMMON_WIDTHS = [36, 18, 6, 8, 14]


def _common(row: ActivityStatus | IndicatorOutcome | GoalAssessment) -> list[object]:
    report = row.report
    return [
        report.board.name,
        report.board.get_kind_display(),
        report.period.year,
        report.period.kind,
        report.get_state_display(),
    ]


def _rows(model: type, programme: Programme, year: int, *related: str) -> QuerySet:
    return model.objects.filter(
        report__period__programme=programme, report__period__year=year
    ).select_related("report__board", "report__period", *related)


def _activity_rows(programme: Programme, year: int) -> Iterator[list[object]]:
    rows = _rows(ActivityStatus, programme, year, "activity__goal").order_by(
        "report__period__kind",
        "report__board__name",
        "activity__goal__number",
        "activity__position",
        "pk",
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            *_common(row),
            row.activity.goal.number,
            row.activity.number,
            row.activity_text or row.activity.text,
            "Ja" if row.activity.added_by_id else "Nej",
            row.get_progress_display(),
            row.not_applicable_reason,
            row.get_assessment_display(),
            row.comment,
        ]


def _indicator_rows(programme: Programme, year: int) -> Iterator[list[object]]:
    rows = _rows(IndicatorOutcome, programme, year, "indicator__goal").order_by(
        "report__period__kind",
        "report__board__name",
        "indicator__goal__number",
        "indicator__position",
        "pk",
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            *_common(row),
            row.indicator.goal.number,
            row.indicator_text or row.indicator.text,
            row.indicator.get_kind_display(),
            "Ja" if row.indicator.added_by_id else "Nej",
            row.numerator,
            row.denominator,
            round(row.share, 1) if row.share is not None else None,
            {True: "Ja", False: "Nej"}.get(row.answer),
            row.women_numerator,
            row.women_denominator,
            row.men_numerator,
            row.men_denominator,
            row.target,
            row.comment,
        ]


def _goal_rows(programme: Programme, year: int) -> Iterator[list[object]]:
    rows = _rows(GoalAssessment, programme, year, "goal").order_by(
        "report__period__kind", "report__board__name", "goal__number", "pk"
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            *_common(row),
            row.goal.number,
            row.goal_title or row.goal.title,
            row.get_fulfilment_display(),
            row.analysis,
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
    return stream_workbook(
        [(title, [*common, *columns], rows(programme, year)) for title, columns, rows in _SHEETS]
    )


def write_sheet(
    sheet: WriteOnlyWorksheet, headers: list[tuple[str, int]], rows: Iterable[list[object]]
) -> None:
    # Widths and the frozen header must be set before the first row is written.
    for index, (_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
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

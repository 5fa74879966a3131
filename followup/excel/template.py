"""A board's report for a period as a workbook to fill in and upload again."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from followup import selectors
from followup.excel.cells import set_value
from followup.excel.layout import (
    ACTIVITIES,
    GOALS,
    INDICATORS,
    META_SHEET,
    TEMPLATE_FORMAT,
    Column,
    Row,
    SheetSpec,
)
from followup.models import PRIVACY_HINT, Report
from followup.selectors import ReportPage

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def template_filename(report: Report) -> str:
    return f"{report.board.slug}-{report.period.year}-{report.period.kind}.xlsx"


def report_template(report: Report) -> bytes:
    """The report's rows as a workbook: the answers editable, everything else locked, the
    rows' ids and versions hidden, so that an upload can be matched and checked."""
    page = selectors.report_page(report)
    workbook = Workbook()
    first = workbook.active
    assert isinstance(first, Worksheet)  # a new workbook opens with one plain sheet
    specs = [ACTIVITIES, INDICATORS] + ([GOALS] if report.period.is_annual else [])
    _instructions(first, report, [spec.title_for(report.period.programme) for spec in specs])
    for spec in specs:
        _data_sheet(workbook.create_sheet(spec.title_for(report.period.programme)), spec, page)
    _metadata(workbook.create_sheet(META_SHEET), report)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(sheet: Worksheet, report: Report, titles: list[str]) -> None:
    sheet.title = "Instruktioner"
    period = report.period
    sheets = ", ".join(titles[:-1]) + " och " + titles[-1]
    lines = [
        (f"{report.board.name} – {period.label}", True),
        (f"{period.programme.name}. Sista dag för rapporten: {period.deadline:%Y-%m-%d}.", False),
        ("", False),
        ("Så fyller du i mallen", True),
        # The columns are named, not only their colour (white to fill in, grey locked).
        (
            f"Fyll i svaren på bladen {sheets}: kolumnerna till höger om dem som beskriver "
            "raden, till exempel Status, Bedömning, Antal och Kommentar. Deras celler är vita.",
            False,
        ),
        (
            f"Kolumnerna som beskriver raden ({period.programme.goal_label.lower()}, "
            f"{period.programme.activity_label.lower()}, indikator, typ) är grå och låsta. "
            "Lägg inte till, ta "
            "inte bort och flytta inte rader, och ändra inte de dolda kolumnerna: de talar om "
            "vilken rad i rapporten som är vilken.",
            False,
        ),
        ("Skriv värden, inte formler: celler med formler tas inte emot.", False),
        (
            "Ladda upp den ifyllda filen på rapportens sida. Du ser då rad för rad vad som "
            "ändras innan något sparas. Har någon ändrat en rad efter att du hämtade mallen "
            "får du veta det, och hämtar då en ny mall.",
            False,
        ),
        ("", False),
        ("Skalor", True),
        ("Status: Ej påbörjad, Påbörjad, Pågår löpande, Genomförd, Ej aktuell.", False),
        ("Ange skäl när status är Ej aktuell.", False),
        ("Bedömning: Enligt plan, Delvis enligt plan, Ej enligt plan.", False),
        (
            "Indikatorer: för en andel anges antal och av totalt, för ett antal bara antal, "
            "för ett påstående Ja eller Nej. Uppdelning på kvinnor/flickor och män/pojkar är "
            "frivillig. Målvärdet är nämndens mål för året.",
            False,
        ),
    ]
    if period.is_annual:
        lines.append(("Måluppfyllelse: Helt uppfyllt, Delvis uppfyllt, Ej uppfyllt.", False))
    lines += [("", False), ("Integritet", True), (PRIVACY_HINT, False)]
    for number, (text, bold) in enumerate(lines, start=1):
        cell = set_value(sheet.cell(row=number, column=1), text)
        cell.alignment = WRAP
        if bold:
            cell.font = HEADER_FONT
    sheet.column_dimensions["A"].width = 100
    sheet.protection.sheet = True


def _data_sheet(sheet: Worksheet, spec: SheetSpec, page: ReportPage) -> None:
    rows = page.rows[spec.kind]
    for index, header in enumerate(spec.headers_for(page.report.period.programme), start=1):
        cell = set_value(sheet.cell(row=1, column=index), header)
        cell.font = HEADER_FONT
        cell.alignment = WRAP
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            cell = set_value(sheet.cell(row=number, column=index), _cell_value(column, row, page))
            cell.alignment = WRAP
            if column.field and column.applies(row):
                cell.protection = UNLOCKED
            else:
                cell.fill = LOCKED_FILL
        for offset, value in enumerate((row.pk, spec.kind.key, row.version)):
            set_value(sheet.cell(row=number, column=spec.id_column + offset), value)

    last = max(len(rows) + 1, 2)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if validation := _validation(column):
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    for offset in range(len(spec.id_headers)):
        sheet.column_dimensions[get_column_letter(spec.id_column + offset)].hidden = True
    sheet.freeze_panes = "A2"
    protection = sheet.protection
    protection.sheet = True
    # Row heights and column widths may change, so long comments can be read.
    protection.formatColumns = False
    protection.formatRows = False


def _cell_value(column: Column, row: Row, page: ReportPage) -> object:
    if column.value is not None:
        return column.value(row, page)
    value = getattr(row, column.field)
    if column.kind in ("choice", "bool"):
        return dict(column.choices).get(str(value).lower() if column.kind == "bool" else value)
    return value


def _validation(column: Column) -> DataValidation | None:
    if not column.field:
        return None
    if column.choices:
        labels = ",".join(label for _, label in column.choices)
        validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
        validation.error = f"Välj ett av värdena i listan: {labels.replace(',', ', ')}."
    elif column.kind in ("int", "decimal"):
        validation = DataValidation(
            type="whole" if column.kind == "int" else "decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
        )
        validation.error = (
            "Skriv ett heltal, 0 eller större." if column.kind == "int" else "Skriv ett tal."
        )
    else:
        return None
    validation.errorTitle = column.header
    validation.showErrorMessage = True
    return validation


def _metadata(sheet: Worksheet, report: Report) -> None:
    """What the upload is matched against. Very hidden: not even Excel's "Unhide" shows it."""
    period = report.period
    for number, pair in enumerate(
        (
            ("format", TEMPLATE_FORMAT),
            ("rapport", report.pk),
            ("nämnd", report.board.slug),
            ("år", period.year),
            ("period", period.kind),
            ("program", period.programme.slug),
        ),
        start=1,
    ):
        for index, value in enumerate(pair, start=1):
            set_value(sheet.cell(row=number, column=index), value)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True

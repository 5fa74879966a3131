"""Reading a filled report template back: parse safely, validate every row with the row
forms, show what would change, and apply it all at once through the form's save path.

Nothing is written until `import_apply`, and that writes every row or none.
"""

import copy
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from io import BytesIO
from typing import cast

from concurrency.forms import get_signer
from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.forms import ModelForm
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from catalog.models import Board
from followup import guard, services
from followup.excel import checks
from followup.excel.checks import NOT_A_WORKBOOK, ImportRefused, Problems, grouped, where
from followup.excel.layout import (
    ACTIVITIES,
    GOALS,
    INDICATORS,
    META_SHEET,
    SHEETS,
    TEMPLATE_FORMAT,
    Column,
    Row,
    SheetSpec,
)
from followup.history import display_value
from followup.models import Report, ReportingPeriod
from followup.numbers import parse_decimal
from followup.rows import kind_of

logger = logging.getLogger(__name__)

MAX_ROWS_PER_SHEET = 20_000
# The metadata sheet holds a handful of keys; a longer one is not from here.
MAX_METADATA_ROWS = 100
NOT_A_TEMPLATE = (
    "Filen är inte en mall för en rapport härifrån: bladet {sheet} saknas. "
    "Hämta mallen på rapportens sida och fyll i den."
)


def max_upload_bytes() -> int:
    return settings.EXCEL_UPLOAD_MAX_BYTES


@dataclass(frozen=True)
class ParsedRow:
    """One filled row of the file: where it was, which report row it is, the version it
    was exported with, and its answers as form data (field name → text)."""

    sheet: str
    line: int
    kind: str
    pk: int
    version: int
    data: dict[str, str]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class RowChange:
    parsed: ParsedRow
    row: Row
    form: ModelForm
    fields: list[FieldChange]
    item: str  # the row's wording, "Utbilda …", "Mål 3: Ett …"


# --- Reading the file -------------------------------------------------------------------


def upload_read(*, report: Report, file: UploadedFile) -> tuple[list[ParsedRow], list[RowChange]]:
    """Read and check an uploaded template for the report. Returns the rows of the file that
    change something, and the changes; raises ImportRefused with every problem found."""
    _ensure_importable(report)
    limit = max_upload_bytes()
    if file.size is None or file.size > limit:
        raise ImportRefused(
            [f"Filen är för stor. Den får vara högst {limit // 1024} kB."], status=413
        )
    content = file.read(limit + 1)
    if (problem := checks.file_problem(content)) is not None:
        raise ImportRefused([problem])
    problems = Problems()
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=False)
        try:
            parsed = _parse(workbook, report, problems)
        finally:
            workbook.close()
    except ImportRefused:
        raise
    except Exception:
        # A damaged or hostile file can fail anywhere in openpyxl's reading.
        logger.warning("Unreadable Excel upload for report %s", report.pk, exc_info=True)
        raise ImportRefused([NOT_A_WORKBOOK]) from None
    # Every row is checked, also when some cells could not be read, so that one upload
    # shows everything there is to correct.
    changes = rows_check(report=report, parsed=parsed, problems=problems)
    return [change.parsed for change in changes], changes


def import_preview(*, report: Report, parsed: list[ParsedRow]) -> list[RowChange]:
    """What a pending import would change now; ImportRefused if it no longer can."""
    _ensure_importable(report)
    return rows_check(report=report, parsed=parsed)


def _ensure_importable(report: Report) -> None:
    try:
        services.ensure_open(report)
    except services.FollowupError as refused:
        raise ImportRefused([str(refused)], status=409) from None


def _rows(sheet: ReadOnlyWorksheet, width: int, last: int) -> Iterator[tuple[int, tuple]]:
    """The sheet's rows up to row `last`, each as exactly `width` cells. Both bounds are
    given to openpyxl because it otherwise pads every row to the sheet's declared size,
    and a file may declare 16,384 columns and a million rows."""
    # A read-only sheet's iter_rows is Worksheet's own function (openpyxl assigns it), which
    # types-openpyxl declares for a Worksheet alone.
    rows = cast(Worksheet, sheet).iter_rows(min_row=1, max_row=last, max_col=width)
    yield from enumerate(rows, start=1)


def _formulas(sheet: str, line: int, cells: tuple, problems: Problems) -> None:
    for index, cell in enumerate(cells, start=1):
        if cell.data_type == "f":
            problems.add(
                sheet,
                line,
                get_column_letter(index),
                "Cellen innehåller en formel. Skriv in värdet i stället för en formel.",
            )


def _parse(workbook: Workbook, report: Report, problems: Problems) -> list[ParsedRow]:
    """The file's filled rows of the report; the problems found reading them go to
    `problems`. A row the file cannot be trusted to identify is left out whole."""
    _check_metadata(workbook, report)
    programme = report.period.programme
    specs = []
    for spec in [ACTIVITIES, INDICATORS] + ([GOALS] if report.period.is_annual else []):
        # The sheet in the programme's words; a template made before the sheets took them
        # has the general name, and is read all the same.
        names = (spec.title_for(programme), spec.title)
        name = next((name for name in names if name in workbook.sheetnames), None)
        if name is None:
            raise ImportRefused([NOT_A_TEMPLATE.format(sheet=names[0])])
        specs.append(replace(spec, title=name))
    rows: list[ParsedRow] = []
    for spec in specs:
        # The report's rows, so that a file naming rows of other reports, or many copies
        # of one row, costs one message a row and nothing more.
        known = set(spec.model.objects.filter(report=report).values_list("pk", flat=True))
        seen: set[int] = set()
        headers = spec.headers_for(report.period.programme)
        width = len(headers)
        for line, cells in _rows(workbook[spec.title], width, MAX_ROWS_PER_SHEET + 1):
            values = [cell.value for cell in cells]
            if line == 1:
                if [str(value or "") for value in values] != headers:
                    problems.add(
                        spec.title, 1, "", "Kolumnerna stämmer inte med mallen. Hämta en ny mall."
                    )
                    break
                continue
            if all(value is None or value == "" for value in values):
                continue
            if line > MAX_ROWS_PER_SHEET:
                problems.add(
                    spec.title,
                    line,
                    "",
                    f"Bladet har fler än {grouped(MAX_ROWS_PER_SHEET)} rader; bara mallens "
                    "rader läses.",
                )
                break
            identity = _identity(spec, line, values, known, seen, problems)
            if identity is None:
                continue
            # Formulas first: a formula is the problem of its cell, not that it is no number.
            _formulas(spec.title, line, cells, problems)
            data = _answers(spec, line, values, problems)
            rows.append(ParsedRow(spec.title, line, spec.row_kind, *identity, data))
    return rows


def _check_metadata(workbook: Workbook, report: Report) -> None:
    if META_SHEET not in workbook.sheetnames:
        raise ImportRefused([NOT_A_TEMPLATE.format(sheet=META_SHEET)])
    meta: dict[str, tuple[int, object]] = {}
    formulas = Problems()
    for line, cells in _rows(workbook[META_SHEET], 2, MAX_METADATA_ROWS):
        _formulas(META_SHEET, line, cells, formulas)
        key, value = (cell.value for cell in cells)
        meta[str(key)] = (line, value)
    formulas.raise_any()

    def value_of(key: str) -> object:
        return meta.get(key, (1, None))[1]

    def at(key: str) -> str:
        return where(META_SHEET, meta.get(key, (1, None))[0], "B")

    period = report.period
    if value_of("format") != TEMPLATE_FORMAT:
        raise ImportRefused([at("format") + ": Mallen är av en äldre sort. Hämta en ny mall."])
    board_slug = value_of("nämnd")
    if board_slug != report.board.slug:
        other = Board.objects.filter(slug=str(board_slug)).first()
        name = other.name if other else "en annan nämnd"
        raise ImportRefused(
            [at("nämnd") + f": Filen är mallen för {name}, inte för {report.board.name}."]
        )
    year, kind = value_of("år"), value_of("period")
    if (year, kind) != (period.year, period.kind) or value_of("program") != (period.programme.slug):
        other_period = (
            ReportingPeriod.objects.filter(
                programme__slug=str(value_of("program")), year=year, kind=str(kind)
            ).first()
            if isinstance(year, int)
            else None
        )
        label = other_period.label if other_period else "en annan period"
        raise ImportRefused(
            [at("period") + f": Filen är mallen för {label}, inte för {period.label}."]
        )
    if value_of("rapport") != report.pk:
        raise ImportRefused([at("rapport") + ": Filen hör till en annan rapport."])


ROW_NOT_IN_REPORT = "Raden finns inte i den här rapporten. Hämta en ny mall för rapporten."


def _identity(
    spec: SheetSpec,
    line: int,
    values: list[object],
    known: set[int],
    seen: set[int],
    problems: Problems,
) -> tuple[int, int] | None:
    """The row's id and version from the hidden columns, if it is a row of the report not
    met before in the file (`seen` gains it); otherwise None, and the problem is told."""
    pk, kind, version = values[spec.id_column - 1 : spec.id_column + 2]
    if not (isinstance(pk, int) and isinstance(version, int) and kind == spec.row_kind):
        message = (
            "Raden saknar sitt id från mallen. Lägg inte till rader och ändra inte de dolda"
            " kolumnerna; hämta en ny mall om det behövs."
        )
    elif pk not in known:
        message = ROW_NOT_IN_REPORT
    elif pk in seen:
        message = "Raden finns två gånger i filen."
    else:
        seen.add(pk)
        return pk, version
    problems.add(spec.title, line, get_column_letter(spec.id_column), message)
    return None


def _answers(
    spec: SheetSpec, line: int, values: list[object], problems: Problems
) -> dict[str, str]:
    """The row's answer cells as the page's form would post them."""
    data = {}
    for index, column in enumerate(spec.columns, start=1):
        if not column.field:
            continue
        try:
            data[column.field] = _form_value(column, values[index - 1])
        except ValueError as problem:
            problems.add(spec.title, line, get_column_letter(index), str(problem))
    return data


def _form_value(column: Column, value: object) -> str:
    """A cell's value as the page's form would post it."""
    if isinstance(value, str):
        value = value.strip()
    empty = value is None or value == ""
    match column.kind:
        case "choice":
            if empty:
                return ""
            by_label = {label.casefold(): code for code, label in column.choices}
            if (code := by_label.get(str(value).casefold())) is None:
                labels = ", ".join(label for _, label in column.choices)
                raise ValueError(f"Välj ett av värdena i listan: {labels}.")
            return code
        case "bool":
            if empty:
                return "unknown"
            if isinstance(value, bool):
                return "true" if value else "false"
            answer = {"ja": "true", "nej": "false"}.get(str(value).casefold())
            if answer is None:
                raise ValueError("Skriv Ja eller Nej.")
            return answer
        case "int" | "decimal":
            if empty:
                return ""
            if isinstance(value, bool):
                raise ValueError("Skriv ett tal.")
            if isinstance(value, int | float | Decimal):
                # A number cell, written out in full for the form (never "1e-05").
                return format(parse_decimal(value), "f")
            # Text as typed, "1 200" or "12,5": the sheet form reads it as the page's does.
            return str(value)
        case _:
            if empty:
                return ""
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)


# --- Checking against the report ---------------------------------------------------------


def _current_rows(report: Report, parsed: list[ParsedRow]) -> dict[tuple[str, int], Row]:
    """The report's rows the file names, in one query per kind."""
    rows: dict[tuple[str, int], Row] = {}
    for kind, spec in SHEETS.items():
        pks = [row.pk for row in parsed if row.kind == kind]
        if not pks:
            continue
        # Who saved a row last is named when the upload would overwrite it.
        queryset = spec.kind.rows().filter(report=report, pk__in=pks).select_related("updated_by")
        rows.update({(kind, row.pk): row for row in queryset})
    return rows


def _same(old: object, new: object) -> bool:
    # Line breaks come back from the file as "\n" whatever the browser saved.
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n") == new.replace("\r\n", "\n")
    return old == new


def rows_check(
    *, report: Report, parsed: list[ParsedRow], problems: Problems | None = None
) -> list[RowChange]:
    """Validate every parsed row against the report's row as it is now, with the row's
    form. Returns the rows that change something; raises ImportRefused with every problem,
    these and those already in `problems` (found reading the file)."""
    problems = Problems() if problems is None else problems
    current = _current_rows(report, parsed)
    signer = get_signer()
    changes: list[RowChange] = []
    for parsed_row in parsed:
        spec = SHEETS[parsed_row.kind]
        sheet, line = parsed_row.sheet, parsed_row.line
        row = current.get((parsed_row.kind, parsed_row.pk))
        if row is None:
            problems.add(sheet, line, get_column_letter(spec.id_column), ROW_NOT_IN_REPORT)
            continue
        if row.version != parsed_row.version:
            by = ""
            if row.updated_by is not None:
                by = f" av {row.updated_by.get_full_name() or row.updated_by.get_username()}"
            problems.add(
                sheet,
                line,
                "",
                f"Raden har ändrats{by} efter att mallen hämtades. "
                "Hämta en ny mall, så att ingen annans ändring skrivs över.",
                about=_item(row, report),
            )
            continue
        prefix = row.prefix
        data = {f"{prefix}-{name}": value for name, value in parsed_row.data.items()}
        data[f"{prefix}-version"] = signer.sign(parsed_row.version)
        # A copy: binding writes the new values onto the instance, and the old are wanted.
        form = spec.kind.sheet_form(data, instance=copy.copy(row))
        if not form.is_valid():
            problems.guard_stops += guard.stops_in(form)
            for name, messages in form.errors.items():
                column = spec.letters.get(name, "") if name != NON_FIELD_ERRORS else ""
                for message in messages:
                    problems.add(sheet, line, column, str(message))
            continue
        fields = [
            FieldChange(
                label=str(field.verbose_name).capitalize(),
                old=display_value(field, getattr(row, name)),
                new=display_value(field, getattr(form.instance, name)),
            )
            for name in spec.model.ANSWER_FIELDS
            if not _same(getattr(row, name), getattr(form.instance, name))
            # An answer field, never a relation.
            for field in [cast(models.Field, spec.model._meta.get_field(name))]
        ]
        if fields:
            item = spec.kind.title(row, report, chars=120)
            changes.append(RowChange(parsed_row, row, form, fields, item))
    problems.raise_any()
    return changes


def _item(row: Row, report: Report) -> str:
    return f"”{kind_of(row).title(row, report, chars=60)}”"


# --- Applying ----------------------------------------------------------------------------


def import_apply(*, report: Report, parsed: list[ParsedRow], user: User, on_behalf: bool) -> int:
    """Apply a checked import: all its rows or none, each saved as the form saves it (with
    its history), after checking again, with the report locked, that nothing has changed
    since the preview. Returns the number of rows changed."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("period").get(pk=report.pk)
        _ensure_importable(locked)
        changes = rows_check(report=locked, parsed=parsed)
        for change in changes:
            try:
                services.row_save(form=change.form, report=locked, user=user, on_behalf=on_behalf)
            except services.StaleRow:
                raise ImportRefused(
                    [
                        f"{where(change.parsed.sheet, change.parsed.line)} "
                        f"({_item(change.row, locked)}): "
                        "Raden ändrades medan ändringarna sparades. Ingenting är ändrat; "
                        "ladda upp filen igen."
                    ],
                    status=409,
                ) from None
    return len(changes)


def parsed_from_dicts(items: list[dict]) -> list[ParsedRow]:
    return [ParsedRow(**item) for item in items]


class ExcelUploadForm(forms.Form):
    file = forms.FileField(
        label="Ifylld mall (.xlsx)",
        # An empty file is told as such by checks.file_problem, not as no file at all.
        allow_empty_file=True,
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

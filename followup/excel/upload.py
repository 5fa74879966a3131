"""Reading a filled report template back: parse safely, validate every row with the row
forms, show what would change, and apply it all at once through the form's save path.

Nothing is written until `import_apply`, and that writes every row or none.
"""

import copy
import logging
import zipfile
from dataclasses import asdict, dataclass
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
from django.utils.text import Truncator
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from catalog.models import Board
from followup import services
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
from followup.forms import ActivityStatusForm, GoalAssessmentForm, IndicatorOutcomeForm
from followup.history import display_value
from followup.models import ActivityStatus, IndicatorOutcome, PeriodKind, Report

logger = logging.getLogger(__name__)

# A workbook is a zip archive: a small file can unpack to a great deal. Stockholm's
# template unpacks to well under a megabyte.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS_PER_SHEET = 20_000
NOT_A_WORKBOOK = (
    "Filen är inte en Excel-arbetsbok (.xlsx) som går att läsa. Spara den som "
    "Excel-arbetsbok och försök igen."
)
NOT_A_TEMPLATE = (
    "Filen är inte en mall för en rapport härifrån: bladet {sheet} saknas. "
    "Hämta mallen på rapportens sida och fyll i den."
)


def max_upload_bytes() -> int:
    return settings.EXCEL_UPLOAD_MAX_BYTES


class ImportRefused(Exception):
    """The upload cannot be applied; `errors` says why, in Swedish, naming sheet, row and
    column where there is one."""

    def __init__(self, errors: list[str], status: int = 422) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
        self.status = status


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

    @property
    def item(self) -> str:
        row = self.row
        if isinstance(row, ActivityStatus):
            return Truncator(row.activity.text).chars(120)
        if isinstance(row, IndicatorOutcome):
            return Truncator(row.indicator.text).chars(120)
        return f"Mål {row.goal.number}: {row.goal.title}"


def _at(sheet: str, line: int, column: str = "") -> str:
    return f"{sheet}, rad {line}" + (f", kolumn {column}" if column else "")


# --- Forms ------------------------------------------------------------------------------


class _IndicatorImportForm(IndicatorOutcomeForm):
    """The indicator form, keeping each error on its field: the page moves errors on
    fields it does not show to the top of the row, but a sheet has a column for each."""

    def _post_clean(self) -> None:
        # A hook of Django's ModelForm that django-stubs does not declare.
        super(IndicatorOutcomeForm, self)._post_clean()  # type: ignore[misc]


_FORMS: dict[str, type[ModelForm]] = {
    "a": ActivityStatusForm,
    "i": _IndicatorImportForm,
    "g": GoalAssessmentForm,
}


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
    workbook = _open(file.read(limit + 1))
    try:
        parsed, errors = _parse(workbook, report)
    except ImportRefused:
        raise
    except Exception:
        # A damaged or hostile file can fail anywhere in openpyxl's reading.
        logger.warning("Unreadable Excel upload for report %s", report.pk, exc_info=True)
        raise ImportRefused([NOT_A_WORKBOOK]) from None
    finally:
        workbook.close()
    # Every row is checked, also when some cells could not be read, so that one upload
    # shows everything there is to correct.
    try:
        changes = rows_check(report=report, parsed=parsed)
    except ImportRefused as refused:
        errors += refused.errors
    if errors:
        raise ImportRefused(errors)
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


def _open(content: bytes) -> Workbook:
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportRefused(["Filen är för stor uppackad för att vara en mall."])
        return load_workbook(BytesIO(content), read_only=True, data_only=False)
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused([NOT_A_WORKBOOK]) from None


def _cells(sheet, width: int):
    """The sheet's rows, each padded (or cut) to `width` values, with the formulas found
    anywhere in the row as errors."""
    for line, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
        formulas = [
            _at(sheet.title, line, get_column_letter(index))
            + ": Cellen innehåller en formel. Skriv in värdet i stället för en formel."
            for index, cell in enumerate(cells, start=1)
            if cell.data_type == "f"
        ]
        values = [cell.value for cell in cells][:width]
        values += [None] * (width - len(values))
        yield line, values, formulas


def _parse(workbook: Workbook, report: Report) -> tuple[list[ParsedRow], list[str]]:
    """The file's filled rows, and the errors found reading them."""
    _check_metadata(workbook, report)
    specs = [ACTIVITIES, INDICATORS] + ([GOALS] if report.period.is_annual else [])
    errors: list[str] = []
    rows: list[ParsedRow] = []
    seen: set[tuple[str, int]] = set()
    for spec in specs:
        if spec.title not in workbook.sheetnames:
            errors.append(NOT_A_TEMPLATE.format(sheet=spec.title))
            continue
        for line, values, formulas in _cells(workbook[spec.title], len(spec.headers)):
            errors += formulas
            if line == 1:
                if [str(value or "") for value in values] != spec.headers:
                    errors.append(
                        _at(spec.title, 1)
                        + ": Kolumnerna stämmer inte med mallen. Hämta en ny mall."
                    )
                    break
                continue
            if line > MAX_ROWS_PER_SHEET:
                errors.append(_at(spec.title, line) + ": Bladet har för många rader.")
                break
            if all(value is None or value == "" for value in values):
                continue
            row = _parse_row(spec, line, values, errors)
            if row is None:
                continue
            if (row.kind, row.pk) in seen:
                errors.append(
                    _at(spec.title, line, get_column_letter(spec.id_column))
                    + ": Raden finns två gånger i filen."
                )
            seen.add((row.kind, row.pk))
            rows.append(row)
    return rows, errors


def _check_metadata(workbook: Workbook, report: Report) -> None:
    if META_SHEET not in workbook.sheetnames:
        raise ImportRefused([NOT_A_TEMPLATE.format(sheet=META_SHEET)])
    meta: dict[str, tuple[int, object]] = {}
    for line, (key, value), formulas in _cells(workbook[META_SHEET], 2):
        if formulas:
            raise ImportRefused(formulas)
        meta[str(key)] = (line, value)

    def value_of(key: str) -> object:
        return meta.get(key, (1, None))[1]

    def at(key: str) -> str:
        return _at(META_SHEET, meta.get(key, (1, None))[0], "B")

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
        label = f"{PeriodKind(kind).label} {year}" if kind in PeriodKind.values else "en annan"
        raise ImportRefused(
            [at("period") + f": Filen är mallen för {label}, inte för {period.label}."]
        )
    if value_of("rapport") != report.pk:
        raise ImportRefused([at("rapport") + ": Filen hör till en annan rapport."])


def _parse_row(
    spec: SheetSpec, line: int, values: list[object], errors: list[str]
) -> ParsedRow | None:
    pk, kind, version = values[spec.id_column - 1 : spec.id_column + 2]
    if not (isinstance(pk, int) and isinstance(version, int) and kind == spec.row_kind):
        errors.append(
            _at(spec.title, line, get_column_letter(spec.id_column))
            + ": Raden saknar sitt id från mallen. Lägg inte till rader och ändra inte de dolda"
            " kolumnerna; hämta en ny mall om det behövs."
        )
        return None
    data = {}
    for index, column in enumerate(spec.columns, start=1):
        if not column.field:
            continue
        try:
            data[column.field] = _form_value(column, values[index - 1])
        except ValueError as problem:
            errors.append(f"{_at(spec.title, line, get_column_letter(index))}: {problem}")
    return ParsedRow(spec.title, line, spec.row_kind, pk, version, data)


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
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            # Typed as text in Swedish style: "1 200", "12,5".
            return str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        case _:
            if empty:
                return ""
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)


# --- Checking against the report ---------------------------------------------------------


def _current_rows(report: Report, parsed: list[ParsedRow]) -> dict[tuple[str, int], Row]:
    """The report's rows the file names, in one query per kind."""
    related = {"a": ("activity__goal",), "i": ("indicator__goal",), "g": ("goal",)}
    rows: dict[tuple[str, int], Row] = {}
    for kind, spec in SHEETS.items():
        pks = [row.pk for row in parsed if row.kind == kind]
        if not pks:
            continue
        queryset = spec.model.objects.filter(report=report, pk__in=pks).select_related(
            "updated_by", *related[kind]
        )
        rows.update({(kind, row.pk): row for row in queryset})
    return rows


def _same(old: object, new: object) -> bool:
    # Line breaks come back from the file as "\n" whatever the browser saved.
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n") == new.replace("\r\n", "\n")
    return old == new


def rows_check(*, report: Report, parsed: list[ParsedRow]) -> list[RowChange]:
    """Validate every parsed row against the report's row as it is now, with the row's
    form. Returns the rows that change something; raises ImportRefused with every error."""
    current = _current_rows(report, parsed)
    signer = get_signer()
    errors: list[str] = []
    changes: list[RowChange] = []
    for parsed_row in parsed:
        spec = SHEETS[parsed_row.kind]
        where = _at(parsed_row.sheet, parsed_row.line)
        row = current.get((parsed_row.kind, parsed_row.pk))
        if row is None:
            errors.append(
                _at(parsed_row.sheet, parsed_row.line, get_column_letter(spec.id_column))
                + ": Raden finns inte i den här rapporten. Hämta en ny mall för rapporten."
            )
            continue
        if row.version != parsed_row.version:
            by = ""
            if row.updated_by is not None:
                by = f" av {row.updated_by.get_full_name() or row.updated_by.get_username()}"
            errors.append(
                f"{where} ({_item(row)}): Raden har ändrats{by} efter att mallen hämtades. "
                "Hämta en ny mall, så att ingen annans ändring skrivs över."
            )
            continue
        prefix = row.prefix
        data = {f"{prefix}-{name}": value for name, value in parsed_row.data.items()}
        data[f"{prefix}-version"] = signer.sign(parsed_row.version)
        # A copy: binding writes the new values onto the instance, and the old are wanted.
        form = _FORMS[parsed_row.kind](data, instance=copy.copy(row))
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = spec.letters.get(name, "") if name != NON_FIELD_ERRORS else ""
                errors += [
                    f"{_at(parsed_row.sheet, parsed_row.line, column)}: {m}" for m in messages
                ]
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
            changes.append(RowChange(parsed_row, row, form, fields))
    if errors:
        raise ImportRefused(errors)
    return changes


def _item(row: Row) -> str:
    text = (
        row.activity.text
        if isinstance(row, ActivityStatus)
        else row.indicator.text
        if isinstance(row, IndicatorOutcome)
        else f"mål {row.goal.number}"
    )
    return f"”{Truncator(text).chars(60)}”"


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
                        f"{_at(change.parsed.sheet, change.parsed.line)} ({_item(change.row)}): "
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
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

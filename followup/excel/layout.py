"""The report template's sheets and columns, shared by the export and the import."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from followup.forms import field_applies
from followup.models import Assessment, Fulfilment, IndicatorOutcome, Progress
from followup.rows import ACTIVITY, GOAL, INDICATOR, Row, RowKind

if TYPE_CHECKING:
    from catalog.models import Programme
    from followup.selectors import ReportPage

META_SHEET = "Metadata"
TEMPLATE_FORMAT = 1
# Spreadsheet programs run text beginning with these as a formula (OWASP "CSV injection");
# tab and carriage return are on OWASP's list because some programs strip them first.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
YES_NO = (("true", "Ja"), ("false", "Nej"))


def safe_text(value: str) -> str:
    """Text as a cell may hold it: without the control characters the format forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def needs_quote(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


@dataclass(frozen=True)
class Column:
    """A column of a template sheet. Columns with a `field` are the answers (unlocked);
    the others describe the row and are locked."""

    header: str
    width: int
    # What a structure column shows of a row, on the report's page (selectors.report_page).
    value: Callable[[Row, "ReportPage"], object] | None = None
    field: str = ""  # the answer field the column holds
    kind: str = "text"  # text, choice, bool, int or decimal
    choices: tuple[tuple[str, str], ...] = ()

    def applies(self, row: Row) -> bool:
        """Whether the row is answered in this column (a count has no denominator)."""
        if isinstance(row, IndicatorOutcome) and self.field:
            return field_applies(self.field, row.indicator.kind)
        return True


@dataclass(frozen=True)
class SheetSpec:
    title: str
    kind: RowKind
    columns: tuple[Column, ...]
    # Hidden at the end, so that the letters the user sees start at A.
    id_headers: tuple[str, ...] = ("Rad-id", "Radtyp", "Version")
    letters: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for index, column in enumerate(self.columns, start=1):
            if column.field:
                self.letters[column.field] = get_column_letter(index)

    @property
    def row_kind(self) -> str:
        return self.kind.key

    @property
    def model(self) -> type[Row]:
        return self.kind.model

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns] + list(self.id_headers)

    def headers_for(self, programme: "Programme") -> list[str]:
        """The headers in the programme's own words: "Fokusområde" and "Åtgärd" for
        Södertälje where Stockholm's say "Mål" and "Aktivitet"."""
        words = {"Mål": programme.goal_label, "Aktivitet": programme.activity_label}
        return [words.get(header, header) for header in self.headers]

    def title_for(self, programme: "Programme") -> str:
        """The sheet's name in the programme's own words: "Åtgärder" and "Fokusområden" for
        Södertälje where Stockholm's are "Aktiviteter" and "Mål"."""
        words = {"Aktiviteter": programme.activity_label_plural, "Mål": programme.goal_label_plural}
        return words.get(self.title, self.title)

    @property
    def id_column(self) -> int:
        """1-based index of the first hidden column (the row id)."""
        return len(self.columns) + 1


def _goal_column(kind: RowKind) -> Callable[[Row, "ReportPage"], str]:
    """The goal a row sits under, "3. Ett …", titled as the report page titles it."""

    def value(row: Row, page: "ReportPage") -> str:
        goal = kind.goal(row)
        return f"{goal.number}. {page.goal_title(goal)}"

    return value


def _text_column(kind: RowKind) -> Callable[[Row, "ReportPage"], str]:
    """The activity's or indicator's wording, by the wording rule (followup.rows)."""
    return lambda row, page: kind.text(row, page.report)


def _answer(name: str, header: str, width: int, kind: str = "text", choices=()) -> Column:
    return Column(header, width, field=name, kind=kind, choices=tuple(choices))


ACTIVITIES = SheetSpec(
    title="Aktiviteter",
    kind=ACTIVITY,
    columns=(
        Column("Mål", 30, value=_goal_column(ACTIVITY)),
        Column("Aktivitet", 60, value=_text_column(ACTIVITY)),
        _answer("progress", "Status", 18, "choice", Progress.choices),
        _answer("not_applicable_reason", "Skäl till ”Ej aktuell”", 30),
        _answer("assessment", "Bedömning", 20, "choice", Assessment.choices),
        _answer("comment", "Kommentar", 60),
    ),
)


def _indicator_kind(row: Row, page: "ReportPage") -> str:
    assert isinstance(row, IndicatorOutcome)  # the indicator sheet's rows only
    return row.indicator.get_kind_display()


INDICATORS = SheetSpec(
    title="Indikatorer",
    kind=INDICATOR,
    columns=(
        Column("Mål", 30, value=_goal_column(INDICATOR)),
        Column("Indikator", 60, value=_text_column(INDICATOR)),
        Column("Typ", 10, value=_indicator_kind),
        _answer("numerator", "Antal", 10, "int"),
        _answer("denominator", "Av totalt", 10, "int"),
        _answer("answer", "Svar (Ja/Nej)", 12, "bool", YES_NO),
        _answer("women_numerator", "Antal kvinnor/flickor", 12, "int"),
        _answer("women_denominator", "Av totalt kvinnor/flickor", 12, "int"),
        _answer("men_numerator", "Antal män/pojkar", 12, "int"),
        _answer("men_denominator", "Av totalt män/pojkar", 12, "int"),
        _answer("target", "Målvärde för året", 12, "decimal"),
        _answer("comment", "Kommentar", 60),
    ),
)

GOALS = SheetSpec(
    title="Mål",
    kind=GOAL,
    columns=(
        Column("Mål", 50, value=_goal_column(GOAL)),
        _answer("fulfilment", "Måluppfyllelse", 18, "choice", Fulfilment.choices),
        _answer("analysis", "Analys", 80),
    ),
)

SHEETS = {spec.row_kind: spec for spec in (ACTIVITIES, INDICATORS, GOALS)}

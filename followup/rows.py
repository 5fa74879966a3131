"""The three kinds of report row, each described once: an activity's status ("a"), an
indicator's outcome ("i") and, in the annual report only, a goal's assessment ("g").

Everything that differs between the kinds lives in its `RowKind` here: the model and its
form, the catalog item the row answers for, the order of the rows on the page, the label,
which wording the row shows, when a row counts as filled in, what a new row carries over from
the period before, and how the list of what is missing names an unfilled row. Pages, the API,
the Excel template and upload, reminders, the history and the demo all read it from here.

The wording rule, the same on the page, in the API and in Excel (`RowKind.text`):

    A row shows the wording of its activity or indicator (or the title of its goal) that the
    board reported on, kept on the row when the report was submitted, as long as the report is
    submitted or approved. While the report is being written (a draft, or returned to the
    board, also when reopened in a locked period), it shows the catalog's current wording: that
    is what the board answers to, and what will be kept when it submits again. A submitted row
    with nothing kept (made before wording was kept) shows the catalog's wording too.

The one-letter keys are the models' `ROW_KIND`: they appear in URLs and element ids and must
not change.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.text import Truncator
from django.utils.translation import get_language

from catalog.models import Activity, Goal, Indicator
from followup.forms import (
    ActivityStatusForm,
    GoalAssessmentForm,
    IndicatorOutcomeForm,
    IndicatorOutcomeSheetForm,
    RowForm,
)
from followup.models import (
    EDITABLE_STATES,
    ActivityStatus,
    GoalAssessment,
    IndicatorOutcome,
    Progress,
    Report,
)

Row = ActivityStatus | IndicatorOutcome | GoalAssessment
Item = Activity | Indicator | Goal


@lru_cache(maxsize=2048)
def _cut(text: str, chars: int, language: str | None) -> str:
    # Truncator.chars, remembered: the same catalog wordings are cut for every page that
    # lists rows (the report page's list of rows to attach a file to is the whole report).
    return Truncator(text).chars(chars)


def wording(state: str, kept: str, live: str) -> str:
    """The module's wording rule on plain values, for exports that read values rather than
    rows: `state` is the report's, `kept` the row's snapshot, `live` the catalog's wording."""
    return kept if kept and state not in EDITABLE_STATES else live


# eq=False: each kind exists once, compared and hashed (as a dict key) by identity.
@dataclass(frozen=True, eq=False)
class RowKind:
    model: type[Row]
    form: type[RowForm]  # the page's form for a row
    sheet_form: type[RowForm]  # the form an uploaded Excel row is checked with
    item_field: str  # the row's catalog item: "activity", "indicator", "goal"
    label: str  # the kind in the interface: "Aktivitet"
    snapshot_field: str  # the item's wording as kept at submission
    wording_field: str  # the item's wording in the catalog: "text", "title"
    goal_path: str  # from the row to the goal it sits under
    order: tuple[str | OrderBy, ...]  # the rows in the order the report page shows them
    # What a new row takes over from the same item's row in the period before. What
    # describes the work carries over; the judgements the period asks for (assessment,
    # outcome, fulfilment) are made anew, so that no report can be sent in unchanged.
    carried: tuple[str, ...]
    lacks: Callable[[Row], str]  # what an unfilled row lacks, for the missing list
    annual_only: bool = False  # only in the annual report, compared with the year before

    @property
    def key(self) -> str:
        """The kind in URLs, element ids and the Excel template: "a", "i" or "g"."""
        return self.model.ROW_KIND

    @property
    def related_name(self) -> str:
        """A report's rows of the kind: `report.activity_rows`."""
        related_name = self.model._meta.get_field("report").remote_field.related_name
        assert related_name is not None  # every kind's ForeignKey to the report names it
        return related_name

    @property
    def is_goal(self) -> bool:
        """A goal's own row: the item is the goal itself, numbered rather than worded."""
        return self.item_field == "goal"

    def rows(self, *, goals: bool = True) -> QuerySet[Row]:
        """All rows of the kind, in page order, with their items and goals (not who saved
        them last: no page of rows shows it, and a user per row was a fifth of the
        report page's reading). Without `goals`, with their items only: the reports API
        lists a thousand rows a page and names no goal but a goal row's own."""
        related = self.goal_path if goals else self.item_field
        return self.model.objects.select_related(related).order_by(*self.order)

    def in_report(self, report: Report) -> bool:
        """Whether the report can have rows of the kind: a goal's only in the annual report
        (its rows are made only there, followup.services.report_rows_sync)."""
        return report.period.is_annual or not self.annual_only

    def filled(self) -> Q:
        """The row is filled in: `is_filled`, in the database."""
        return self.model.filled()

    def done(self) -> Q:
        """`is_done`, in the database."""
        return self.filled() & Q(carried_over=False)

    def item(self, row: Row) -> Item:
        return getattr(row, self.item_field)

    def item_id(self, row: Row) -> int:
        return getattr(row, f"{self.item_field}_id")

    def goal(self, row: Row) -> Goal:
        item = self.item(row)
        return item if isinstance(item, Goal) else item.goal

    def live_text(self, row: Row) -> str:
        """The catalog's current wording of the row's item."""
        return getattr(self.item(row), self.wording_field)

    def text(self, row: Row, report: Report) -> str:
        """The wording the row shows, by the module's rule; `report` is the row's report."""
        return wording(report.state, getattr(row, self.snapshot_field), self.live_text(row))

    def keep_wording(self, rows: list[Row]) -> None:
        """Keep on each row the wording it is being submitted with."""
        for row in rows:
            setattr(row, self.snapshot_field, self.live_text(row))
        # The kind's rows as one type, so that they can go to its model's bulk_update.
        queryset: QuerySet[Row] = self.model.objects.all()
        queryset.bulk_update(rows, [self.snapshot_field])

    def title(self, row: Row, report: Report, chars: int | None = 80) -> str:
        """The row's wording cut to `chars` (None: whole), after "Mål 3:" for a goal's row."""
        text = self.text(row, report)
        if chars is not None:
            text = _cut(text, chars, get_language())
        return f"{self.label_in(report)} {self.goal(row).number}: {text}" if self.is_goal else text

    def label_in(self, report: Report) -> str:
        """The kind's name in the report's programme ("Åtgärd" where Stockholm says "Aktivitet")."""
        programme = report.period.programme
        if self.is_goal:
            return programme.goal_label
        return programme.activity_label if self.key == "a" else self.label

    def name(self, row: Row, report: Report, chars: int | None = 80) -> str:
        """The row in a list that mixes kinds: "Aktivitet: Utbilda …", "Mål 3: Ett …"."""
        title = self.title(row, report, chars)
        return title if self.is_goal else f"{self.label_in(report)}: {title}"

    def missing(self, row: Row, report: Report, chars: int | None = 80) -> str:
        """An unfinished row (not `is_done`) in the list of what the report still lacks,
        with its goal: "Mål 2 · Aktivitet: Utbilda … – bedömning saknas"."""
        name = self.name(row, report, chars)
        if not self.is_goal:
            name = f"{report.period.programme.goal_label} {self.goal(row).number} · {name}"
        if row.is_filled:  # filled, but carried over and not yet seen
            return f"{name} – från förra perioden, bekräfta eller ändra"
        return f"{name} – {self.lacks(row)} saknas"

    def carried_over(self, previous: Row | None) -> dict[str, object]:
        """The values a new row starts from, given the item's row in the period before."""
        if previous is None:
            return {}
        values: dict[str, object] = {name: getattr(previous, name) for name in self.carried}
        # Whatever came along is marked for the board to confirm or change.
        values["carried_over"] = any(value not in (None, "") for value in values.values())
        return values


def is_done(row: Row) -> bool:
    """The row needs nothing more before the report can be sent in: it is filled in, and
    what it took over from the period before has been seen (saved or confirmed)."""
    return row.is_filled and not row.carried_over


@dataclass(frozen=True)
class Missing:
    """One entry in the list of what a report lacks: its text and the page's anchor of the
    row (or part) it names."""

    text: str
    anchor: str

    def __str__(self) -> str:
        return self.text


def missing_rows(rows: Iterable[Row], report: Report) -> list[Missing]:
    """The unfinished rows (not `is_done`) of a report, in the given order. Each names its
    row cut to 80 characters, or whole where two cut names would read the same."""
    unfinished = [row for row in rows if not is_done(row)]
    cut = [kind_of(row).missing(row, report) for row in unfinished]
    repeated = {text for text, count in Counter(cut).items() if count > 1}
    return [
        Missing(
            kind_of(row).missing(row, report, chars=None) if text in repeated else text,
            row.prefix,
        )
        for row, text in zip(unfinished, cut, strict=True)
    ]


def _lacks_activity(row: Row) -> str:
    assert isinstance(row, ActivityStatus)  # the activity kind's rows only
    if row.progress == Progress.NOT_APPLICABLE:
        # "Ej aktuell" needs its reason, not an assessment (ActivityStatus.is_filled).
        return "skäl till ”Ej aktuell”"
    return " och ".join(
        name
        for name, value in (("status", row.progress), ("bedömning", row.assessment))
        if not value
    )


ACTIVITY = RowKind(
    model=ActivityStatus,
    form=ActivityStatusForm,
    sheet_form=ActivityStatusForm,
    item_field="activity",
    label="Aktivitet",
    snapshot_field="activity_text",
    wording_field="text",
    goal_path="activity__goal",
    # By goal, the programme's items before the board's own, each in its list's order.
    order=(
        "activity__goal__number",
        F("activity__added_by").asc(nulls_first=True),
        "activity__position",
    ),
    carried=("progress", "not_applicable_reason", "comment"),
    lacks=_lacks_activity,
)

INDICATOR = RowKind(
    model=IndicatorOutcome,
    form=IndicatorOutcomeForm,
    sheet_form=IndicatorOutcomeSheetForm,
    item_field="indicator",
    label="Indikator",
    snapshot_field="indicator_text",
    wording_field="text",
    goal_path="indicator__goal",
    order=(
        "indicator__goal__number",
        F("indicator__added_by").asc(nulls_first=True),
        "indicator__position",
    ),
    carried=("target",),
    lacks=lambda row: "utfall",
)

GOAL = RowKind(
    model=GoalAssessment,
    form=GoalAssessmentForm,
    sheet_form=GoalAssessmentForm,
    item_field="goal",
    label="Mål",
    snapshot_field="goal_title",
    wording_field="title",
    goal_path="goal",
    order=("goal__number",),
    carried=("analysis",),
    lacks=lambda row: "måluppfyllelse och analys",
    annual_only=True,
)

# In the order a goal's section of the report shows them.
ROW_KINDS = (ACTIVITY, INDICATOR, GOAL)
_BY_KEY = {kind.key: kind for kind in ROW_KINDS}
_BY_MODEL: dict[type, RowKind] = {kind.model: kind for kind in ROW_KINDS}


def kind_by_key(key: str) -> RowKind:
    """The kind a URL or an uploaded row names; KeyError for anything else."""
    return _BY_KEY[key]


def kind_of(row: Row) -> RowKind:
    return _BY_MODEL[type(row)]


def rows_of_reports(report_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each report's rows, kind by kind (activities, indicators, goals), each kind in page
    order: one query per kind, however many reports."""
    ids = list(report_ids)
    rows: dict[int, list[Row]] = {pk: [] for pk in ids}
    for kind in ROW_KINDS:
        for row in kind.rows().filter(report_id__in=ids):
            rows[row.report_id].append(row)
    return rows


def rows_of_report(report: Report) -> list[Row]:
    """One report's rows, as `rows_of_reports` gives them, without a query for the kind it
    cannot have (a tertial report's goals)."""
    return [
        row
        for kind in ROW_KINDS
        if kind.in_report(report)
        for row in kind.rows().filter(report=report)
    ]


def in_page_order(rows: Iterable[Row]) -> list[Row]:
    """Rows of one report as its page shows them: goal by goal, and within a goal the
    activities, the indicators, then the goal's assessment. `rows` must come kind by kind,
    each in page order (as `rows_of_reports` gives them)."""
    return sorted(rows, key=lambda row: kind_of(row).goal(row).number)

"""The city-wide figures: who has reported, how the activities stand, what the indicators add
up to, what is off track and what changed. This is the one engine behind every place that
shows them: the dashboard and the rows behind its numbers, the samlad uppföljning (page,
workbook, PDF and the figures it freezes, `year_figures`), the halvtidsrapport (its per-year
counts and indicator values) and the styrkort's latest status (`latest_reported`).

Rules (DESIGN.md, "Roll-up rules"): a report counts when it is submitted or approved
(`followup.models.reported`). A share is Σ numerators / Σ denominators over the boards that
reported it, never the mean of their percentages; counts are summed; a board that has not
reported is missing, never zero; a period that was never opened is "ej öppnad", never
"0 av 23". Every aggregate carries its completeness, and a women's or men's part says how
many of the boards behind the indicator it rests on. A board's own indicators are never
summed across the city: one board's indicator has no city-wide value; they are listed apart
with their values.

Everything is counted and summed in the database (GROUP BY), so that a roll-up costs the
same few queries and about the same time whether the city has twenty boards or two thousand,
and one year or ten. The rows behind a number are fetched only when someone asks for them, a
page at a time: `Scope.activity_rows`, `Scope.indicator_rows` and the other row queries below.

An activity that is "Ej aktuell" has a reason instead of an assessment
(`ActivityStatus.is_filled`): it counts among the statuses, but is left out of the
assessments altogether (`ASSESSED`), so that it is neither "Ej angivet" nor, with an
assessment left from before, on or off track.

The dashboard is for city-wide readers; the caller checks `access.city_wide_programmes`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, cast

from django.db.models import (
    CharField,
    Choices,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models import Value as SqlValue
from django.db.models.functions import Coalesce, Concat, RowNumber

from catalog.models import (
    Activity,
    Board,
    BoardKind,
    Goal,
    Indicator,
    IndicatorKind,
    IndicatorResponsibility,
    PreventionLevel,
    Programme,
    programme_item,
)
from catalog.selectors import catalog_changed_at
from followup.models import (
    REPORTED_STATES,
    ActivityStatus,
    Assessment,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    PeriodState,
    Progress,
    Report,
    ReportingPeriod,
    ReportState,
    reported,
)
from followup.numbers import number_text, percent_text

__all__ = ["percent_text"]  # where the documents and views have always found it

NOT_STARTED = "ej_paborjad"  # an expected board without a report in the period
OVERDUE = "forsenad"  # a board whose report is overdue (`Report.is_overdue`)
NOT_OPENED = "ej öppnad"  # how a period that was never opened reads, wherever it is shown
MISSING_SHOWN = 30  # boards named on the dashboard; the rest are a click away
TOP = 10  # boards and activities with the most "Ej enligt plan"
# Boards drawn in the dashboard's matrix: every one up to this many (Stockholm's 23), beyond
# it those most off track, with a link to every board's row a page at a time.
MATRIX_SHOWN = 25
PAIR_SEPARATOR = "|"  # between a row's progress and assessment in one value (never in them)

# The kinds of board a reader can filter by; the city's board and its companies go together.
BOARD_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stadsdelsnamnder": ("Stadsdelsnämnder", (BoardKind.STADSDELSNAMND,)),
    "facknamnder": ("Facknämnder", (BoardKind.FACKNAMND,)),
    "bolag": ("Bolag och kommunstyrelsen", (BoardKind.BOLAG, BoardKind.KOMMUNSTYRELSE)),
}


# The activity rows that have an assessment to count: every one but "Ej aktuell".
ASSESSED = ~Q(progress=Progress.NOT_APPLICABLE)


class ReportOfBoard(TypedDict):
    report_pk: int | None
    report_state: str
    report_deadline: date | None
    report_reopened: bool


class Before(TypedDict):
    before_progress: str
    before_assessment: str


class BeforePair(TypedDict):
    before: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # What Scope.board_states and Scope.changed_rows annotate.
    BoardWithReport = WithAnnotations[Board, ReportOfBoard]
    ChangedRow = WithAnnotations[ActivityStatus, Before]
    RowWithPrevious = WithAnnotations[ActivityStatus, BeforePair]


def is_opened(period: ReportingPeriod) -> bool:
    """Whether the period has ever been opened: before that nobody is asked to report, so
    its figures read "ej öppnad" rather than "0 av 23"."""
    return period.state != PeriodState.NOT_OPEN


@dataclass(frozen=True)
class Completeness:
    """Reports (or rows) reported against those expected. `opened` is False for a period
    that was never opened: nothing is missing yet, and it says so instead of "0 av 23"."""

    reported: int
    expected: int
    opened: bool = True

    @property
    def percent(self) -> float | None:
        if not self.opened or not self.expected:
            return None
        return 100 * self.reported / self.expected

    @property
    def fraction(self) -> str:
        """The fraction as "2 av 23", or "ej öppnad"."""
        if not self.opened:
            return NOT_OPENED
        return f"{number_text(self.reported)} av {number_text(self.expected)}"

    def describe(self, words: str = "rapporterat") -> str:
        """The fraction followed by `words` ("2 av 23 rapporterat"), or "ej öppnad". Of one
        board the words are in the singular: "1 nämnd", "0 av 1 nämnd har rapporterat"."""
        if not self.opened:
            return NOT_OPENED
        words = boards_word(words, self.expected)
        if self.reported == self.expected == 1 and words.startswith("nämnd"):
            return f"1 {words}"
        return f"{self.fraction} {words}"

    @property
    def text(self) -> str:
        """The fraction as "2 av 23 rapporterat", or "ej öppnad"."""
        return self.describe()

    def as_dict(self) -> dict[str, Any]:
        return {"reported": self.reported, "expected": self.expected, "opened": self.opened}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Completeness":
        """From `as_dict`; figures frozen before `opened` was kept were of opened periods."""
        return cls(data["reported"], data["expected"], data.get("opened", True))


def boards_word(words: str, count: int) -> str:
    """ "nämnder …" in the singular when `count` is one: "1 nämnd", never "1 nämnder"."""
    if count == 1 and words.startswith("nämnder"):
        return "nämnd" + words.removeprefix("nämnder")
    return words


@dataclass
class BoardState:
    """One expected board's report in the period: its state, or not started."""

    board: Board
    report: Report | None
    overdue: bool

    @property
    def state_label(self) -> str:
        return self.report.get_state_display() if self.report else "Ej påbörjad"


@dataclass(frozen=True)
class Value:
    """An indicator's value over some boards. For a share `numerator`/`denominator`; for a
    count `numerator` alone; for yes/no `numerator` is the number of ja and `denominator` the
    number of answers. `boards` is how many boards it was made from; 0 means missing.

    A women's or men's part also knows `of_boards`, the boards that reported the indicator
    at all, so that it can say what it rests on: "från 2 av 3 nämnder"."""

    kind: str
    numerator: int = 0
    denominator: int = 0
    boards: int = 0
    of_boards: int | None = None

    @property
    def missing(self) -> bool:
        return self.boards == 0

    @property
    def number(self) -> float | None:
        """What a chart draws: the share in per cent, the count, or the share of ja."""
        if self.missing:
            return None
        if self.kind == IndicatorKind.COUNT:
            return float(self.numerator)
        return 100 * self.numerator / self.denominator if self.denominator else None

    @property
    def text(self) -> str:
        if self.missing:
            return "saknas"
        numerator, denominator = number_text(self.numerator), number_text(self.denominator)
        if self.kind == IndicatorKind.COUNT:
            return numerator
        if self.kind == IndicatorKind.YES_NO:
            return f"{numerator} av {denominator} ja"
        return f"{numerator} av {denominator} ({percent_text(self.number)})"

    @property
    def basis_text(self) -> str:
        """What a women's or men's part rests on: "från 2 av 3 nämnder", "från 1 nämnd"."""
        basis = Completeness(self.boards, self.of_boards or 0)
        return f"från {basis.describe('nämnder')}"

    @property
    def part_text(self) -> str:
        """A women's or men's part with its basis: "41 av 51 (80,4 %) — från 2 av 3
        nämnder"; only "saknas" when no board reported the indicator at all, and "–" for a
        yes/no indicator, which has no such parts."""
        if self.kind == IndicatorKind.YES_NO:
            return "–"
        if not self.of_boards:
            return "saknas"
        return f"{self.text} — {self.basis_text}"

    def as_dict(self) -> dict[str, Any]:
        data = {
            "numerator": self.numerator if not self.missing else None,
            "denominator": self.denominator
            if not self.missing and self.kind != IndicatorKind.COUNT
            else None,
            "boards": self.boards,
            "value": None if self.number is None else round(self.number, 1),
            "text": self.text,
        }
        if self.of_boards is not None:
            data["of_boards"] = self.of_boards
            data["part_text"] = self.part_text
        return data


def part_text(indicator: dict[str, Any], part: str) -> str:
    """The women's or men's part (`part` "women" or "men") of an indicator of `year_figures`,
    with its basis, also for figures frozen before the basis was kept."""
    data = indicator[part]
    if "part_text" in data:
        return data["part_text"]
    return Value(
        indicator["kind"],
        data["numerator"] or 0,
        data["denominator"] or 0,
        data["boards"],
        of_boards=indicator["value"]["boards"],
    ).part_text


# --- Counting rows of a scale, in SQL ------------------------------------------------------


@dataclass
class Tally:
    """How the rows of one scale stand somewhere (a goal in a period): the reported rows per
    value of the scale, and every row, reported or not (the rows expected)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rows: int = 0

    @property
    def reported(self) -> int:
        return sum(self.counts.values())

    def completeness(self, opened: bool = True) -> Completeness:
        return Completeness(self.reported, self.rows, opened)

    def buckets(self, choices: type[Choices], *, blank: bool | None = None) -> list["Bucket"]:
        """One bucket per value of the scale. A reported row left blank (a report sent in
        before a field became required) is counted too, as "Ej angivet", so that the
        buckets add up to the rows reported; `blank` forces that bucket on or off (so that
        several years line up)."""
        total = self.reported
        buckets = [
            Bucket(key=value, label=label, count=self.counts.get(value, 0), total=total)
            for value, label in choices.choices
        ]
        if blank if blank is not None else bool(self.counts.get("")):
            buckets.append(
                Bucket(key="", label="Ej angivet", count=self.counts.get("", 0), total=total)
            )
        return buckets

    @staticmethod
    def merged(tallies: Iterable["Tally"]) -> "Tally":
        result = Tally()
        for tally in tallies:
            result.rows += tally.rows
            for key, n in tally.counts.items():
                result.counts[key] += n
        return result


TallyKey = tuple[int, int]  # (goal id, period id)


def activity_tallies(
    rows: QuerySet[ActivityStatus],
) -> tuple[dict[TallyKey, Tally], dict[TallyKey, Tally]]:
    """The activity rows per goal and period, by status and by assessment ("Ej aktuell"
    rows by status only, see `ASSESSED`). One query."""
    progress: dict[TallyKey, Tally] = defaultdict(Tally)
    assessment: dict[TallyKey, Tally] = defaultdict(Tally)
    for goal_id, period_id, progress_key, assessment_key, n_reported, n_rows in (
        rows.values_list("activity__goal_id", "report__period_id", "progress", "assessment")
        .annotate(n_reported=Count("pk", filter=reported()), n_rows=Count("pk"))
        .order_by()
    ):
        scales = [(progress, progress_key)]
        if progress_key != Progress.NOT_APPLICABLE:
            scales.append((assessment, assessment_key))
        for tallies, key in scales:
            tally = tallies[(goal_id, period_id)]
            tally.rows += n_rows
            if n_reported:
                tally.counts[key] += n_reported
    return progress, assessment


def fulfilment_tallies(rows: QuerySet[GoalAssessment]) -> dict[TallyKey, Tally]:
    """The boards' fulfilment of each goal per period. One query."""
    fulfilment: dict[TallyKey, Tally] = defaultdict(Tally)
    for goal_id, period_id, key, n_reported, n_rows in (
        rows.values_list("goal_id", "report__period_id", "fulfilment")
        .annotate(n_reported=Count("pk", filter=reported()), n_rows=Count("pk"))
        .order_by()
    ):
        tally = fulfilment[(goal_id, period_id)]
        tally.rows += n_rows
        if n_reported:
            tally.counts[key] += n_reported
    return fulfilment


# --- Indicator values, summed in SQL -----------------------------------------------------


def _value_sums(prefix: str = "") -> dict[str, Any]:
    """Aggregates for `Value`: the number of boards and the sums over the reported rows that
    give the value (or its women's/men's part)."""
    given = reported() & IndicatorOutcome.filled(prefix)
    numbers = given & ~Q(indicator__kind=IndicatorKind.YES_NO)
    sums = {
        f"{prefix}boards": Count("pk", filter=given),
        f"{prefix}part": Coalesce(Sum(f"{prefix}numerator", filter=numbers), 0),
        f"{prefix}whole": Coalesce(Sum(f"{prefix}denominator", filter=numbers), 0),
    }
    if not prefix:  # yes/no answers count as ja of answers
        sums["ja"] = Count("pk", filter=given & Q(answer=True))
    return sums


def _value(kind: str, sums: dict[str, Any] | None, prefix: str = "") -> Value:
    """The value (or with `prefix` the women's or men's part) from `_value_sums`."""
    of_boards = (sums["boards"] if sums else 0) if prefix else None
    if not sums or (prefix and kind == IndicatorKind.YES_NO):
        return Value(kind, of_boards=of_boards)
    if kind == IndicatorKind.YES_NO:
        return Value(kind, sums["ja"], sums["boards"], sums["boards"])
    return Value(
        kind,
        sums[f"{prefix}part"],
        sums[f"{prefix}whole"],
        sums[f"{prefix}boards"],
        of_boards=of_boards,
    )


def row_value(row: IndicatorOutcome) -> Value | None:
    """One board's value, or None when its report is not in or the value was not given."""
    if not row.report.is_reported or not row.is_filled:
        return None
    kind = row.indicator.kind
    if kind == IndicatorKind.YES_NO:
        return Value(kind, int(bool(row.answer)), 1, 1)
    return Value(kind, row.numerator or 0, row.denominator or 0, 1)


# --- The figures ------------------------------------------------------------------------


@dataclass
class Bucket:
    """One value of a scale (e.g. "Ej enligt plan") and how many reported rows have it."""

    key: str
    label: str
    count: int
    total: int

    @property
    def share(self) -> float | None:
        return 100 * self.count / self.total if self.total else None

    @property
    def share_text(self) -> str:
        return percent_text(self.share)


@dataclass
class TrendPoint:
    period: ReportingPeriod | None  # None: no such period for the year
    year: int
    value: Value
    completeness: Completeness


@dataclass
class IndicatorFigure:
    indicator: Indicator
    value: Value
    women: Value
    men: Value
    completeness: Completeness
    trend: list[TrendPoint] = field(default_factory=list)


@dataclass
class GoalFigure:
    goal: Goal
    activity_completeness: Completeness
    by_progress: list[Bucket]
    by_assessment: list[Bucket]
    indicators: list[IndicatorFigure]
    # Annual reports only: the boards' fulfilment of the goal.
    fulfilment_completeness: Completeness | None = None
    by_fulfilment: list[Bucket] = field(default_factory=list)


@dataclass
class StateCount:
    key: str
    label: str
    count: int


@dataclass
class Ranked:
    """A board or an activity and how many of its reported rows are "Ej enligt plan"."""

    pk: int
    name: str
    count: int


@dataclass
class Transition:
    """How many activities went from one assessment (or status) to another."""

    scale: str  # "bedomning" or "status"
    before: str
    before_label: str
    after: str
    after_label: str
    count: int


@dataclass
class Rollup:
    programme: Programme
    period: ReportingPeriod
    previous: ReportingPeriod | None
    scope: "Scope"
    completeness: Completeness
    states: list[StateCount]
    overdue: int  # reports not in whose due date has passed (`Report.is_overdue`)
    missing: list[BoardState]  # the first MISSING_SHOWN of them, by name
    missing_count: int
    waiting: list[BoardState]  # submitted, to be reviewed: the first MISSING_SHOWN, by name
    waiting_count: int
    matrix: "Matrix | None"  # None in `figures_only`
    goals: list[GoalFigure]
    off_track: int
    off_track_boards: list[Ranked]
    off_track_activities: list[Ranked]
    transitions: list[Transition]
    changes: int
    own_indicator_rows: int
    programme_goals: list[Goal]  # all of them, whatever the filter
    has_prevention_levels: bool = False  # some activity of the programme has a level


def programme_periods(programme: Programme) -> list[ReportingPeriod]:
    """The programme's periods in the order of its cycle, year by year (T1, T2, VB)."""
    return list(ReportingPeriod.objects.filter(programme=programme).order_by("year", "position"))


def cycle_choices(periods: Iterable[ReportingPeriod]) -> list[tuple[str, str]]:
    """The programme's cycle as (code, name) choices, in its order, from its periods: what a
    reader picks a period of the year by."""
    steps = {p.kind: (p.position, p.name) for p in periods}
    return [(code, name) for code, (_, name) in sorted(steps.items(), key=lambda s: s[1])]


def default_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The latest open or locked period; failing that, the first one."""
    started = [p for p in periods if is_opened(p)]
    if started:
        return started[-1]
    return periods[0] if periods else None


def _label(choices: type[Choices], key: str) -> str:
    return dict(choices.choices).get(key, "Ej angivet")


@dataclass(frozen=True)
class Scope:
    """What a roll-up covers: one period of a programme, optionally one goal and one group
    of boards (a key of BOARD_GROUPS). Every query of the roll-up and of the rows behind it
    starts here, so the filters are applied the same way everywhere. Queries over several
    periods (a trend, the halvtidsrapport's years) take the periods' ids."""

    programme: Programme
    period: ReportingPeriod
    previous: ReportingPeriod | None
    goal_number: int | None = None
    board_group: str | None = None
    periods: tuple[ReportingPeriod, ...] = ()  # all of the programme's, for the trend
    prevention_level: str | None = None  # a PreventionLevel: only its activities

    @property
    def kinds(self) -> tuple[str, ...] | None:
        return BOARD_GROUPS[self.board_group][1] if self.board_group else None

    def in_group(self, queryset: QuerySet, board: str = "report__board__") -> QuerySet:
        """`queryset` narrowed to the group's boards; `board` is the path to the board."""
        kinds = self.kinds
        return queryset if kinds is None else queryset.filter(**{f"{board}kind__in": kinds})

    def goal_filter(self, path: str) -> Q:
        condition = Q(**{f"{path}programme": self.programme})
        if self.goal_number is not None:
            condition &= Q(**{f"{path}number": self.goal_number})
        return condition

    def reports(self, periods: list[int] | None = None) -> QuerySet[Report]:
        return self.in_group(
            Report.objects.filter(period__in=periods or [self.period.pk]), "board__"
        )

    @cached_property
    def has_reports(self) -> bool:
        return self.reports().exists()

    def responsible_boards(self) -> QuerySet[Board]:
        """The boards of the group that the programme makes responsible for something
        (`Board.objects.responsible_in`): the catalog's answer, whatever the period."""
        return self.in_group(Board.objects.responsible_in(self.programme), "")

    def expected_boards(self) -> QuerySet[Board]:
        """The boards expected to report in the period: every board with a report in it.
        Before the period is opened (or while no board of the group has a report in it),
        the boards the programme makes responsible (`responsible_boards`).

        This differs from `Board.objects.responsible_in` once the period is open: a board
        given its first commitment after the period opened has no report in it and is not
        expected there, and a board that lost its commitments keeps the report it has."""
        if is_opened(self.period) and self.has_reports:
            in_period = Report.objects.filter(period=self.period, board=OuterRef("pk"))
            boards = self.in_group(Board.objects.filter(Exists(in_period)), "")
        else:
            boards = self.responsible_boards()
        return boards.order_by("name")

    def board_states(
        self, state: str | None = None, today: date | None = None
    ) -> "QuerySet[BoardWithReport]":
        """The expected boards with their report's id and state in the period (`report_pk`,
        `report_state`), optionally only those in `state` (a ReportState, NOT_STARTED,
        "saknas" for every board that has not reported, or OVERDUE for those whose report
        is overdue on `today`)."""
        report = Report.objects.filter(period=self.period, board=OuterRef("pk"))
        if state == OVERDUE:
            overdue = report.filter(Report.overdue(today or date.today()))
            return self.board_states().filter(Exists(overdue))
        boards = self.expected_boards().annotate(
            report_pk=Subquery(report.values("pk")[:1]),
            report_state=Coalesce(Subquery(report.values("state")[:1]), SqlValue(NOT_STARTED)),
            report_deadline=Subquery(report.values("deadline")[:1]),
            report_reopened=Coalesce(Subquery(report.values("reopened")[:1]), SqlValue(False)),
        )
        if state == "saknas":
            return boards.exclude(report_state__in=REPORTED_STATES)
        return boards.filter(report_state=state) if state else boards

    def activity_rows(self, periods: list[int] | None = None) -> QuerySet[ActivityStatus]:
        """Every activity row of the period (or of `periods`), any state, within the scope."""
        rows = ActivityStatus.objects.filter(
            self.goal_filter("activity__goal__"),
            report__period__in=periods or [self.period.pk],
        )
        if self.prevention_level:
            rows = rows.filter(activity__prevention_level=self.prevention_level)
        return self.in_group(rows)

    def goal_rows(self, periods: list[int] | None = None) -> QuerySet[GoalAssessment]:
        return self.in_group(
            GoalAssessment.objects.filter(
                self.goal_filter("goal__"), report__period__in=periods or [self.period.pk]
            )
        )

    def indicator_rows(self, periods: list[int] | None = None) -> QuerySet[IndicatorOutcome]:
        return self.in_group(
            IndicatorOutcome.objects.filter(
                self.goal_filter("indicator__goal__"),
                report__period__in=periods or [self.period.pk],
            )
        )

    def changed_rows(self) -> "QuerySet[ChangedRow]":
        """Reported activity rows whose status or assessment differs from the same board's
        reported row for the same activity in the previous period, annotated with the
        previous values (`before_progress`, `before_assessment`)."""
        if self.previous is None:
            # No rows, so none without the annotations.
            return cast("QuerySet[ChangedRow]", ActivityStatus.objects.none())
        return self.rows_with_previous().exclude(
            before_progress=F("progress"), before_assessment=F("assessment")
        )

    def rows_with_previous(self) -> "QuerySet[ChangedRow]":
        """The reported activity rows that have a row in the previous period (the same
        board's row for the same activity, in its report if that counts: submitted or
        approved), with its values (`before_progress`, `before_assessment`).
        `changed_rows` keeps those that differ; `rows_with_previous_pair` counts them.

        The previous row is joined (the board's report in the previous period, and its row
        for the activity: one of each, by the unique constraints) rather than read by a
        subquery per value: SQLite evaluated the subquery again for each condition on the
        values, four to six lookups a row (the changed rows' page at a hundred times
        Stockholm's boards 212 -> 60 ms)."""
        previous = "report__board__reports__"
        rows = self.activity_rows().filter(reported())
        # In one filter() call, so that the conditions and the values are of one join.
        return rows.filter(
            reported(previous),
            **{f"{previous}period": self.previous},
            **{f"{previous}activity_rows__activity": F("activity")},
        ).annotate(
            before_progress=F(f"{previous}activity_rows__progress"),
            before_assessment=F(f"{previous}activity_rows__assessment"),
        )

    def rows_with_previous_pair(self) -> "QuerySet[RowWithPrevious]":
        """As `rows_with_previous` but with both previous values in one, `before`
        ("progress|assessment"), for the counts."""
        previous = "report__board__reports__activity_rows__"
        return self.rows_with_previous().annotate(
            before=Concat(
                F(f"{previous}progress"),
                SqlValue(PAIR_SEPARATOR),
                F(f"{previous}assessment"),
                output_field=CharField(),
            )
        )


def make_scope(
    programme: Programme,
    year: int,
    kind: str | None,
    *,
    goal_number: int | None = None,
    board_group: str | None = None,
    periods: list[ReportingPeriod] | None = None,
    prevention_level: str | None = None,
) -> Scope:
    """The scope of the programme's period `kind` of `year`; with `kind` None, of the
    year's annual report in the programme's cycle. Raises ReportingPeriod.DoesNotExist."""
    if periods is None:
        periods = programme_periods(programme)
    period = next(
        (
            p
            for p in periods
            if p.year == year and (p.is_annual if kind is None else p.kind == kind)
        ),
        None,
    )
    if period is None:
        raise ReportingPeriod.DoesNotExist(f"{kind or 'årsrapport'} {year}")
    index = periods.index(period)
    return Scope(
        programme=programme,
        period=period,
        previous=periods[index - 1] if index > 0 else None,
        goal_number=goal_number,
        board_group=board_group if board_group in BOARD_GROUPS else None,
        periods=tuple(periods),
        prevention_level=prevention_level if prevention_level in PreventionLevel.values else None,
    )


# --- What the figures rest on ------------------------------------------------------------


def figures_stamp(periods: Iterable[ReportingPeriod], read: Iterable[int]) -> str:
    """A stamp of what figures counted from the reports of the periods `read` (their ids)
    rest on, which changes whenever one of the figures would: for keeping them in the cache
    until then. It is the catalog's last change (goals, items, boards and who answers for
    what: `catalog_changed_at`), the programme's `periods` as they stand, and the reports of
    `read`: how many in each state, the newest change, the sum of their versions, and how
    many are reopened or have a deadline of their own (which locking a period clears
    without saving the reports).

    The rows need nothing of their own. The figures count the values of the reports that
    count (`reported`) and of the others only their rows; a report's values change only
    while it is being written, and leaving that state saves it; and rows come and go only
    with a change of the catalog, a period or a report, in the same transaction. Two
    queries, the second reading the reports of `read` only."""
    reports = Report.objects.filter(period_id__in=list(read)).aggregate(
        changed=Max("updated_at"),
        versions=Sum("version"),
        reopened=Count("pk", filter=Q(reopened=True)),
        deadlines=Count("deadline"),
        **{state: Count("pk", filter=Q(state=state)) for state in ReportState.values},
    )
    state = [
        tuple(getattr(period, f.attname) for f in period._meta.concrete_fields)
        for period in periods
    ]
    return f"{catalog_changed_at()} {reports} {state}"


# --- Who has reported ---------------------------------------------------------------------


@dataclass
class ReportCounts:
    """The reports of some periods by state, and the completeness of each period."""

    states: dict[int, dict[str, int]]  # period id -> state -> reports
    completeness: dict[int, Completeness]  # period id -> reports reported of expected

    def has_reports(self, period: ReportingPeriod) -> bool:
        return bool(self.states.get(period.pk))


def report_counts(scope: Scope, periods: list[ReportingPeriod]) -> ReportCounts:
    """How many reports of the scope's boards are in each of `periods`, by state, and each
    period's completeness: reported (submitted or approved) of expected. A period's expected
    reports are its reports; before it is opened, or while none of the boards has a report
    in it, the boards the programme makes responsible (as `Scope.expected_boards`).

    One query, and one more (the responsible boards) only if some period needs it."""
    states: dict[int, dict[str, int]] = defaultdict(dict)
    for period_id, state, n in (
        scope.reports([p.pk for p in periods])
        .values_list("period_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        states[period_id][state] = n
    responsible: int | None = None
    completeness = {}
    for period in periods:
        counts = states.get(period.pk, {})
        reports = sum(counts.values())
        if is_opened(period) and reports:
            expected = reports
        else:
            if responsible is None:
                responsible = scope.responsible_boards().count()
            expected = max(responsible, reports)
        completeness[period.pk] = Completeness(
            sum(counts.get(state, 0) for state in REPORTED_STATES), expected, is_opened(period)
        )
    return ReportCounts(states=states, completeness=completeness)


def board_state(board: "BoardWithReport", period: ReportingPeriod, today: date) -> BoardState:
    """A board of `Scope.board_states` with its report, overdue by the report's own rule."""
    if not board.report_pk:
        return BoardState(board=board, report=None, overdue=False)
    report = Report(
        pk=board.report_pk,
        board=board,
        period=period,
        state=board.report_state,
        deadline=board.report_deadline,
        reopened=board.report_reopened,
    )
    return BoardState(board=board, report=report, overdue=report.is_overdue(today))


# --- Goals × boards: where the city is off track -------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """One board's reported activity rows under one goal, by assessment (`ASSESSED`)."""

    goal_number: int
    on_track: int = 0
    partly: int = 0
    off_track: int = 0

    @property
    def assessed(self) -> int:
        return self.on_track + self.partly + self.off_track

    def plus(self, other: "MatrixCell") -> "MatrixCell":
        return MatrixCell(
            self.goal_number,
            self.on_track + other.on_track,
            self.partly + other.partly,
            self.off_track + other.off_track,
        )

    @property
    def text(self) -> str:
        """The cell in words, for screen readers and the link's name."""
        if not self.assessed:
            return "inga bedömda aktiviteter"  # the matrix says it in the programme's words
        return (
            f"{self.on_track} enligt plan, {self.partly} delvis enligt plan, "
            f"{self.off_track} ej enligt plan"
        )


@dataclass(frozen=True)
class MatrixRow:
    board: BoardState
    cells: list[MatrixCell]  # one per goal of the matrix, in its order

    @property
    def reported(self) -> bool:
        return self.board.report is not None and self.board.report.is_reported

    @property
    def off_track(self) -> int:
        return sum(cell.off_track for cell in self.cells)


@dataclass(frozen=True)
class Matrix:
    """The assessments of the period's reported activity rows, goals × expected boards:
    what the dashboard's first screen shows of where the city is off track."""

    goals: list[Goal]
    rows: list[MatrixRow]  # the boards shown (`matrix_boards`, or a page of them all)
    totals: list[MatrixCell]  # per goal, over every board
    boards: int = 0  # every expected board, shown or not

    @property
    def partial(self) -> bool:
        """Whether some expected boards are left out (beyond MATRIX_SHOWN)."""
        return len(self.rows) < self.boards

    @property
    def off_track(self) -> int:
        return sum(cell.off_track for cell in self.totals)


_MATRIX_FIELDS = {
    Assessment.ON_TRACK: "on_track",
    Assessment.PARTLY: "partly",
    Assessment.OFF_TRACK: "off_track",
}


def assessment_matrix(
    scope: Scope,
    goals: list[Goal],
    boards: list[BoardState],
    totals: list[MatrixCell] | None = None,
    expected: int | None = None,
) -> Matrix:
    """Goals × `boards` (some of the expected boards, `Scope.board_states`) in the scope's
    period: per cell the reported activity rows by assessment ("Ej aktuell" left out, as
    everywhere). `totals` are those over every board (the sums of the rows' cells if not
    given), of `expected` boards (len(boards) if not given). One query whatever the number
    of boards and goals (GROUP BY board, goal, assessment, for `boards` only)."""
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for board_id, goal_id, value, n in (
        scope.activity_rows()
        .filter(
            reported(),
            ASSESSED,
            assessment__in=list(_MATRIX_FIELDS),
            report__board__in=[board.board.pk for board in boards],
        )
        .values_list("report__board_id", "activity__goal_id", "assessment")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(board_id, goal_id)][_MATRIX_FIELDS[value]] = n
    rows = [
        MatrixRow(
            board=board,
            cells=[
                MatrixCell(goal.number, **counts.get((board.board.pk, goal.pk), {}))
                for goal in goals
            ],
        )
        for board in boards
    ]
    if totals is None:
        totals = [MatrixCell(goal.number) for goal in goals]
        for row in rows:
            totals = [total.plus(cell) for total, cell in zip(totals, row.cells, strict=True)]
    return Matrix(
        goals=goals,
        rows=rows,
        totals=totals,
        boards=len(boards) if expected is None else expected,
    )


def _matrix_total(goal_number: int, tally: Tally) -> MatrixCell:
    """A goal's cell over every board, from its tally of assessments (the same rows)."""
    return MatrixCell(
        goal_number, **{name: tally.counts[value] for value, name in _MATRIX_FIELDS.items()}
    )


def boards_off_track(scope: Scope) -> list[tuple[int, str, int, int]]:
    """The boards with reported rows "Ej enligt plan" or "Delvis enligt plan": (board id,
    name, how many of each), the most off track first, then by name. One query."""
    return list(
        scope.activity_rows()
        .filter(reported(), ASSESSED, assessment__in=[Assessment.OFF_TRACK, Assessment.PARTLY])
        .values_list("report__board_id", "report__board__name")
        .annotate(
            off=Count("pk", filter=Q(assessment=Assessment.OFF_TRACK)),
            partly=Count("pk", filter=Q(assessment=Assessment.PARTLY)),
        )
        .order_by("-off", "report__board__name")
    )


def matrix_boards(
    scope: Scope, expected: int, off_track: list[tuple[int, str, int, int]]
) -> list["BoardWithReport"]:
    """The boards of the dashboard's matrix, of `expected`: every expected board by name up
    to MATRIX_SHOWN; beyond that the MATRIX_SHOWN of `off_track` (`boards_off_track`) with
    the most rows "Ej enligt plan", then "Delvis enligt plan", then by name. One query at
    any number of boards."""
    boards = scope.board_states()
    if expected <= MATRIX_SHOWN:
        return list(boards)
    # A stable sort: the database's order by name stays within equal counts.
    ranked = sorted(off_track, key=lambda board: (-board[2], -board[3]))[:MATRIX_SHOWN]
    chosen = {board.pk: board for board in boards.filter(pk__in=[pk for pk, *_ in ranked])}
    return [chosen[pk] for pk, *_ in ranked if pk in chosen]


# --- The roll-up of a period ----------------------------------------------------------------


def period_rollup(
    programme: Programme,
    year: int,
    kind: str | None,
    *,
    goal_number: int | None = None,
    board_group: str | None = None,
    today: date | None = None,
    periods: list[ReportingPeriod] | None = None,
    figures_only: bool = False,
    prevention_level: str | None = None,
) -> Rollup:
    """The roll-up of the programme's period `kind` of `year` (None: the year's annual
    report), optionally for one goal and
    one group of boards (a key of BOARD_GROUPS). Raises ReportingPeriod.DoesNotExist.
    `figures_only` leaves out what only the dashboard shows (the boards missing, the
    activities off track, the changes, the boards' own indicators).

    A constant number of queries (about a dozen), each of them an aggregate or bounded."""
    today = today or date.today()
    scope = make_scope(
        programme,
        year,
        kind,
        goal_number=goal_number,
        board_group=board_group,
        periods=periods,
        prevention_level=prevention_level,
    )
    period = scope.period
    trend_periods = _trend_periods(scope)

    # Who has reported, in this period and in those of the trend: one query.
    counts = report_counts(scope, list({p.pk: p for p in [period, *trend_periods]}.values()))
    by_state = counts.states.get(period.pk, {})
    completeness = counts.completeness[period.pk]
    # Boards without a report only exist before the period is opened (or while nobody of
    # the group has one).
    not_started = max(completeness.expected - sum(by_state.values()), 0)
    states = [StateCount(NOT_STARTED, "Ej påbörjad", not_started)] + [
        StateCount(value, label, by_state.get(value, 0)) for value, label in ReportState.choices
    ]
    # Before the period is opened nobody has been asked to report: nobody is missing yet.
    missing_count = completeness.expected - completeness.reported if completeness.opened else 0
    # The boards named on the first screen, a bounded query each: the first MISSING_SHOWN
    # missing and waiting for review, by name, and the boards of the matrix.
    waiting_count = by_state.get(ReportState.SUBMITTED, 0)
    missing: list[BoardState] = []
    waiting: list[BoardState] = []
    boards: list[BoardState] = []
    overdue_count = 0
    off_track_boards: list[tuple[int, str, int, int]] = []
    if not figures_only:
        if missing_count:
            missing = [
                board_state(b, period, today) for b in scope.board_states("saknas")[:MISSING_SHOWN]
            ]
        if waiting_count:
            waiting = [
                board_state(b, period, today)
                for b in scope.board_states(ReportState.SUBMITTED)[:MISSING_SHOWN]
            ]
        off_track_boards = boards_off_track(scope)
        boards = [
            board_state(b, period, today)
            for b in matrix_boards(scope, completeness.expected, off_track_boards)
        ]
        overdue_count = (
            scope.reports()
            .filter(Report.overdue(today), board__in=scope.expected_boards().order_by())
            .count()
        )

    # Whether the goal has activities marked with a prevention level (Södertälje's measures),
    # in the same query: the dashboard then offers the level as a filter.
    levelled = Activity.objects.filter(goal=OuterRef("pk")).exclude(prevention_level="")
    annotated = list(
        Goal.objects.filter(programme=programme)
        .annotate(has_levels=Exists(levelled))
        .order_by("number")
    )
    has_prevention_levels = any(goal.has_levels for goal in annotated)
    programme_goals: list[Goal] = list(annotated)
    goals = [goal for goal in programme_goals if goal_number in (None, goal.number)]

    progress, assessment = activity_tallies(scope.activity_rows())
    fulfilment = fulfilment_tallies(scope.goal_rows()) if period.is_annual else {}
    indicators = indicator_figures(scope, trend_periods, counts)
    opened = is_opened(period)
    goal_figures = []
    for goal in goals:
        key = (goal.pk, period.pk)
        figure = GoalFigure(
            goal=goal,
            activity_completeness=progress[key].completeness(opened),
            by_progress=progress[key].buckets(Progress),
            by_assessment=assessment[key].buckets(Assessment),
            indicators=[item for item in indicators if item.indicator.goal_id == goal.pk],
        )
        if period.is_annual:
            figure.fulfilment_completeness = fulfilment[key].completeness(opened)
            figure.by_fulfilment = fulfilment[key].buckets(Fulfilment)
        goal_figures.append(figure)

    off_track = scope.activity_rows().filter(reported(), ASSESSED, assessment=Assessment.OFF_TRACK)
    if figures_only:
        off_track = off_track.none()
    transitions, changes = ([], 0) if figures_only else _transitions(scope)
    return Rollup(
        programme=programme,
        period=period,
        previous=scope.previous,
        scope=scope,
        completeness=completeness,
        states=states,
        overdue=overdue_count,
        missing=missing,
        missing_count=missing_count,
        waiting=waiting,
        waiting_count=waiting_count,
        matrix=None
        if figures_only
        else assessment_matrix(
            scope,
            goals,
            boards,
            totals=[_matrix_total(goal.number, assessment[(goal.pk, period.pk)]) for goal in goals],
            expected=completeness.expected,
        ),
        goals=goal_figures,
        off_track=sum(assessment[(g.pk, period.pk)].counts[Assessment.OFF_TRACK] for g in goals),
        off_track_boards=[Ranked(pk, name, n) for pk, name, n, _ in off_track_boards if n][:TOP],
        off_track_activities=[
            Ranked(pk, text, n)
            for pk, text, n in off_track.values_list("activity_id", "activity__text")
            .annotate(n=Count("pk"))
            .order_by("-n", "activity__goal__number", "activity__position")[:TOP]
        ],
        transitions=transitions,
        changes=changes,
        own_indicator_rows=0 if figures_only else own_indicator_rows(scope).count(),
        programme_goals=programme_goals,
        has_prevention_levels=has_prevention_levels,
    )


def rollup_stamp(scope: Scope) -> str:
    """`figures_stamp` of what `period_rollup` reads for the scope: the reports of its
    period, of the period before (the changes) and of the trend's periods. Two queries."""
    read = {scope.period.pk, *(p.pk for p in _trend_periods(scope))}
    if scope.previous is not None:
        read.add(scope.previous.pk)
    return figures_stamp(scope.periods, sorted(read))


def _transitions(scope: Scope) -> tuple[list[Transition], int]:
    """Changes of assessment and of status since the previous period, counted per pair,
    and how many activity rows changed at all."""
    if scope.previous is None:
        return [], 0
    # Grouped over every reported row with a row in the previous period, the unchanged
    # ones left out here rather than in SQL (as `Scope.changed_rows` does): a group per
    # pair of values rather than a condition per row.
    counts = (
        scope.rows_with_previous_pair()
        .values_list("before", "assessment", "progress")
        .annotate(n=Count("pk"))
        .order_by()
    )
    pairs: dict[tuple[str, str, str], int] = defaultdict(int)
    changed = 0
    for before, after_assessment, after_progress, n in counts:
        before_progress, before_assessment = before.split(PAIR_SEPARATOR)
        if (before_progress, before_assessment) == (after_progress, after_assessment):
            continue
        changed += n
        if before_assessment != after_assessment:
            pairs[("bedomning", before_assessment, after_assessment)] += n
        if before_progress != after_progress:
            pairs[("status", before_progress, after_progress)] += n
    choices: dict[str, type[Choices]] = {"bedomning": Assessment, "status": Progress}
    transitions = [
        Transition(
            scale,
            before,
            _label(choices[scale], before),
            after,
            _label(choices[scale], after),
            n,
        )
        for (scale, before, after), n in sorted(pairs.items(), key=lambda item: -item[1])
    ]
    return transitions, changed


def _trend_periods(scope: Scope) -> list[ReportingPeriod]:
    """The programme's periods of the scope's kind, one per year: what a trend is drawn of."""
    return [p for p in scope.periods if p.kind == scope.period.kind]


def indicator_figures(
    scope: Scope,
    periods: list[ReportingPeriod],
    counts: ReportCounts,
    years: Iterable[int] | None = None,
) -> list[IndicatorFigure]:
    """The programme's indicators in the scope: the value in the scope's period, and the
    trend over `years` (the programme's, by default) from `periods` (one per year; a year
    without one is a point without a period). `counts` must cover the scope's period and
    `periods` (`report_counts`). Boards' own indicators are never among them: one board's
    indicator has no city-wide value (`own_indicator_rows` lists them).

    Three queries: the responsible boards per indicator, the sums, the indicators."""
    by_year = {p.year: p for p in periods}
    wanted = list({p.pk for p in [scope.period, *periods]})
    responsibilities = IndicatorResponsibility.objects.filter(
        programme_item("indicator__"), scope.goal_filter("indicator__goal__")
    )
    responsible = dict(
        scope.in_group(responsibilities, "board__")
        .values_list("indicator_id")
        .annotate(n=Count("board", distinct=True))
        .order_by()
    )
    sums: dict[tuple[int, int], dict[str, Any]] = {}
    for entry in (
        scope.indicator_rows(wanted)
        .filter(programme_item("indicator__"))
        .values("indicator_id", "report__period_id")
        .annotate(rows=Count("pk"), **_value_sums(), **_value_sums("women_"), **_value_sums("men_"))
        .order_by()
    ):
        sums[(entry["indicator_id"], entry["report__period_id"])] = dict(entry)
    shown = set(responsible) | {indicator_id for indicator_id, _ in sums}
    figures = []
    for indicator in Indicator.objects.filter(pk__in=shown).order_by(
        "goal__number", "position", "pk"
    ):

        def at(p: ReportingPeriod, indicator: Indicator = indicator) -> tuple:
            entry = sums.get((indicator.pk, p.pk))
            value = _value(indicator.kind, entry)
            if not is_opened(p):
                completeness = Completeness(0, responsible.get(indicator.pk, 0), opened=False)
            elif counts.has_reports(p):
                completeness = Completeness(value.boards, entry["rows"] if entry else 0)
            else:
                completeness = Completeness(value.boards, responsible.get(indicator.pk, 0))
            return entry, value, completeness

        entry, value, completeness = at(scope.period)
        figure = IndicatorFigure(
            indicator=indicator,
            value=value,
            women=_value(indicator.kind, entry, "women_"),
            men=_value(indicator.kind, entry, "men_"),
            completeness=completeness,
        )
        for year in scope.programme.years if years is None else years:
            trend_period = by_year.get(year)
            if trend_period is None:
                figure.trend.append(
                    TrendPoint(None, year, Value(indicator.kind), Completeness(0, 0))
                )
                continue
            _, year_value, year_completeness = at(trend_period)
            figure.trend.append(TrendPoint(trend_period, year, year_value, year_completeness))
        figures.append(figure)
    return figures


# --- The rows behind a number -----------------------------------------------------------


def activity_rows_behind(
    scope: Scope,
    *,
    progress: str | None = None,
    assessment: str | None = None,
    board: int | None = None,
    activity: int | None = None,
) -> QuerySet[ActivityStatus]:
    """The reported activity rows behind a count of the dashboard, by board and activity."""
    rows = scope.activity_rows().filter(reported())
    if progress is not None:
        rows = rows.filter(progress=progress)
    if assessment is not None:
        rows = rows.filter(ASSESSED, assessment=assessment)
    if board is not None:
        rows = rows.filter(report__board=board)
    if activity is not None:
        rows = rows.filter(activity=activity)
    return rows.select_related("report__board", "activity__goal").order_by(
        "report__board__name",
        "report__board_id",
        "activity__goal__number",
        "activity__position",
        "pk",
    )


def goal_rows_behind(scope: Scope, fulfilment: str | None = None) -> QuerySet[GoalAssessment]:
    rows = scope.goal_rows().filter(reported())
    if fulfilment is not None:
        rows = rows.filter(fulfilment=fulfilment)
    return rows.select_related("report__board", "goal").order_by(
        "goal__number", "report__board__name"
    )


def indicator_rows_behind(scope: Scope, indicator: int) -> QuerySet[IndicatorOutcome]:
    """Every board's row for one programme indicator in the period, reported or not (those
    not reported show as missing)."""
    return (
        scope.indicator_rows()
        .filter(programme_item("indicator__"), indicator=indicator)
        .select_related("report__board", "indicator")
        .order_by("report__board__name")
    )


def own_indicator_rows(scope: Scope) -> QuerySet[IndicatorOutcome]:
    """The boards' own indicators in reported reports: each board's value, never summed."""
    return (
        scope.indicator_rows()
        .filter(reported())
        .exclude(programme_item("indicator__"))
        .select_related("report__board", "indicator__goal")
        .order_by(
            "report__board__name",
            "report__board_id",
            "indicator__goal__number",
            "indicator__position",
            "pk",
        )
    )


def changed_rows_behind(
    scope: Scope, *, scale: str | None = None, before: str | None = None, after: str | None = None
) -> "QuerySet[ChangedRow]":
    rows = scope.changed_rows()
    if scale == "bedomning":
        rows = rows.exclude(before_assessment=F("assessment"))
        if before is not None and after is not None:
            rows = rows.filter(before_assessment=before, assessment=after)
    elif scale == "status":
        rows = rows.exclude(before_progress=F("progress"))
        if before is not None and after is not None:
            rows = rows.filter(before_progress=before, progress=after)
    return rows.select_related("report__board", "activity__goal").order_by(
        "report__board__name",
        "report__board_id",
        "activity__goal__number",
        "activity__position",
        "pk",
    )


# --- A board's latest status (the styrkort) --------------------------------------------------


ReportRowT = TypeVar("ReportRowT", ActivityStatus, IndicatorOutcome, GoalAssessment)


def _latest_ranked(rows: QuerySet[ReportRowT], partition: list[str]) -> QuerySet[ReportRowT]:
    """Of `rows`, the latest filled row (the row model's `filled()`) from a report that
    counts (submitted or approved), never a draft, within each `partition`."""
    ranked = rows.filter(reported(), rows.model.filled()).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F(name) for name in partition],
            order_by=[F("report__period__year").desc(), F("report__period__position").desc()],
        )
    )
    return ranked.filter(rank=1)


def latest_reported(rows: QuerySet[ReportRowT], item_field: str) -> dict[int, ReportRowT]:
    """Per item (`item_field`: "activity_id", "indicator_id", "goal_id"), the latest filled
    row among `rows` from a report that counts. One query; `rows` are one board's rows of
    one kind."""
    return {getattr(row, item_field): row for row in _latest_ranked(rows, [item_field])}


def latest_reported_by_board(
    rows: QuerySet[ReportRowT], item_field: str
) -> dict[tuple[int, int], ReportRowT]:
    """`latest_reported` for the rows of many boards at once, keyed by (board id, item id).
    One query, however many boards."""
    latest = _latest_ranked(rows, ["report__board_id", item_field])
    return {(row.report.board_id, getattr(row, item_field)): row for row in latest}


def latest_report(board: Board, programme: Programme) -> Report | None:
    """The board's latest report in the programme that counts (submitted or approved)."""
    return latest_reports([board.pk], programme).get(board.pk)


def latest_reports(board_ids: Iterable[int], programme: Programme) -> dict[int, Report]:
    """Each board's latest report in the programme that counts (submitted or approved), by
    board id; a board without one is left out. One query."""
    ranked = Report.objects.filter(
        reported(""), board__in=list(board_ids), period__programme=programme
    ).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("board_id")],
            order_by=[F("period__year").desc(), F("period__position").desc()],
        )
    )
    return {report.board_id: report for report in ranked.filter(rank=1).select_related("period")}


# --- The samlad uppföljning's figures ----------------------------------------------------


def _board_value(row: IndicatorOutcome) -> dict[str, Any]:
    """One board's row of an indicator as the samlad uppföljning quotes it."""
    value = row_value(row)
    return {
        "board": row.report.board.name,
        "board_slug": row.report.board.slug,
        "value": value.as_dict() if value else None,
        "target": None if row.target is None or value is None else str(row.target),
        "comment": row.comment if value else "",
    }


def year_figures(programme: Programme, year: int) -> dict[str, Any]:
    """The figures of the year's annual report in the programme's cycle (Stockholm's VB),
    JSON-ready: the samlad uppföljning freezes this dict when it becomes final. Only str,
    int, float, None, lists and dicts. Raises ReportingPeriod.DoesNotExist if the year has
    no annual period.

    Beside the aggregates it keeps what the document quotes: every board's value and
    comment per indicator, the boards' own indicators with their values (never summed), and
    every board's goal assessment and analysis. The activity rows behind the counts are not
    copied; the dashboard lists them for the period."""
    rollup = period_rollup(programme, year, None, figures_only=True)
    scope = rollup.scope
    boards = [
        {
            "board": board.name,
            "board_slug": board.slug,
            "state": str(board.report_state),
            "reported": board.report_state in REPORTED_STATES,
        }
        for board in scope.board_states()
    ]
    values: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        scope.indicator_rows()
        .filter(programme_item("indicator__"))
        .select_related("report__board", "indicator")
        .order_by("report__board__name")
    ):
        values[row.indicator_id].append(_board_value(row))
    own = [
        {
            "goal": row.indicator.goal.number,
            "text": row.indicator.text,
            "kind": str(row.indicator.kind),
            **_board_value(row),
        }
        for row in own_indicator_rows(scope)
    ]
    analyses: dict[tuple[int, str], list[dict[str, str]]] = defaultdict(list)
    for goal_row in goal_rows_behind(scope):
        analyses[(goal_row.goal_id, goal_row.fulfilment)].append(
            {
                "board": goal_row.report.board.name,
                "board_slug": goal_row.report.board.slug,
                "analysis": goal_row.analysis,
            }
        )

    def bucket(item: Bucket, rows: list[dict[str, str]] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": item.label,
            "count": item.count,
            "share": None if item.share is None else round(item.share, 1),
        }
        if rows is not None:
            data["rows"] = rows
        return data

    return {
        "programme": programme.slug,
        "year": year,
        "period": str(rollup.period.kind),
        "period_label": rollup.period.label,
        "period_state": str(rollup.period.state),
        "completeness": rollup.completeness.as_dict(),
        "boards": boards,
        "goals": [
            {
                "number": figure.goal.number,
                "title": figure.goal.title,
                "activities": {
                    "completeness": figure.activity_completeness.as_dict(),
                    "by_progress": {str(b.key): bucket(b) for b in figure.by_progress},
                    "by_assessment": {str(b.key): bucket(b) for b in figure.by_assessment},
                },
                "indicators": [
                    {
                        "id": item.indicator.pk,
                        "text": item.indicator.text,
                        "kind": str(item.indicator.kind),
                        "own": False,
                        "value": item.value.as_dict(),
                        "women": item.women.as_dict(),
                        "men": item.men.as_dict(),
                        "completeness": item.completeness.as_dict(),
                        "boards": values[item.indicator.pk],
                    }
                    for item in figure.indicators
                ],
                "fulfilment": {
                    "completeness": figure.fulfilment_completeness.as_dict()
                    if figure.fulfilment_completeness
                    else {"reported": 0, "expected": 0},
                    "by_fulfilment": {
                        str(b.key): bucket(b, analyses[(figure.goal.pk, b.key)])
                        for b in figure.by_fulfilment
                    },
                },
            }
            for figure in rollup.goals
        ],
        "own_indicators": own,
    }

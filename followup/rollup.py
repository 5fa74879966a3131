"""The city-wide roll-up of a period: who has reported, how the activities stand, what the
indicators add up to, what is off track and what changed.

Rules (DESIGN.md, "Roll-up rules"): a report counts as reported when it is submitted or
approved. A share is Σ numerators / Σ denominators over the boards that reported it, never the
mean of their percentages; counts are summed; a board that has not reported is missing,
never zero. Every aggregate carries its completeness.

Everything is counted and summed in the database (GROUP BY), so that a roll-up costs the
same few queries and about the same time whether the city has twenty boards or two thousand.
The rows behind a number are fetched only when someone asks for them, a page at a time:
`Scope.activity_rows`, `Scope.indicator_rows` and the other row queries below.

The dashboard is for city-wide readers; the caller checks `access.city_wide_programmes`.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models import Value as SqlValue
from django.db.models.enums import ChoicesType
from django.db.models.functions import Coalesce

from catalog.models import (
    Board,
    BoardKind,
    Goal,
    Indicator,
    IndicatorKind,
    IndicatorResponsibility,
    Programme,
)
from followup.models import (
    ActivityStatus,
    Assessment,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    PeriodKind,
    PeriodState,
    Progress,
    Report,
    ReportingPeriod,
    ReportState,
)

REPORTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
NOT_STARTED = "ej_paborjad"  # an expected board without a report in the period
MISSING_SHOWN = 30  # boards named on the dashboard; the rest are a click away
TOP = 10  # boards and activities with the most "Ej enligt plan"

# The kinds of board a reader can filter by; the city's board and its companies go together.
BOARD_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stadsdelsnamnder": ("Stadsdelsnämnder", (BoardKind.STADSDELSNAMND,)),
    "facknamnder": ("Facknämnder", (BoardKind.FACKNAMND,)),
    "bolag": ("Bolag och kommunstyrelsen", (BoardKind.BOLAG, BoardKind.KOMMUNSTYRELSE)),
}

REPORTED = Q(report__state__in=REPORTED_STATES)


class ReportOfBoard(TypedDict):
    report_pk: int | None
    report_state: str


class Before(TypedDict):
    before_progress: str
    before_assessment: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # What board_states and changed_rows annotate.
    BoardWithReport = WithAnnotations[Board, ReportOfBoard]
    ChangedRow = WithAnnotations[ActivityStatus, Before]


def percent_text(value: float | None) -> str:
    """A percentage the Swedish way: "89,2 %"; "–" when there is none."""
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


@dataclass(frozen=True)
class Completeness:
    """Reports (or rows) reported against those expected."""

    reported: int
    expected: int

    @property
    def percent(self) -> float | None:
        return 100 * self.reported / self.expected if self.expected else None

    @property
    def text(self) -> str:
        return f"{self.reported} av {self.expected} rapporterat"

    def as_dict(self) -> dict[str, int]:
        return {"reported": self.reported, "expected": self.expected}


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
    number of answers. `boards` is how many boards it was made from; 0 means missing."""

    kind: str
    numerator: int = 0
    denominator: int = 0
    boards: int = 0

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
        if self.kind == IndicatorKind.COUNT:
            return str(self.numerator)
        if self.kind == IndicatorKind.YES_NO:
            return f"{self.numerator} av {self.denominator} ja"
        return f"{self.numerator} av {self.denominator} ({percent_text(self.number)})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "numerator": self.numerator if not self.missing else None,
            "denominator": self.denominator
            if not self.missing and self.kind != IndicatorKind.COUNT
            else None,
            "boards": self.boards,
            "value": None if self.number is None else round(self.number, 1),
            "text": self.text,
        }


# --- Indicator values, summed in SQL -----------------------------------------------------


def _valid(prefix: str = "") -> Q:
    """A row that gives the indicator's value (or its women's/men's part): a share needs
    both numbers, a count its number, yes/no an answer (and has no women/men split)."""
    share = Q(
        indicator__kind=IndicatorKind.SHARE,
        **{f"{prefix}numerator__isnull": False, f"{prefix}denominator__isnull": False},
    )
    count = Q(indicator__kind=IndicatorKind.COUNT, **{f"{prefix}numerator__isnull": False})
    return share | count


YES_NO = Q(indicator__kind=IndicatorKind.YES_NO, answer__isnull=False)


def _value_sums(prefix: str = "") -> dict[str, Any]:
    """Aggregates for `Value`: the number of boards and the sums over the reported rows."""
    valid = REPORTED & _valid(prefix)
    sums = {
        f"{prefix}boards": Count("pk", filter=valid),
        f"{prefix}part": Coalesce(Sum(f"{prefix}numerator", filter=valid), 0),
        f"{prefix}whole": Coalesce(Sum(f"{prefix}denominator", filter=valid), 0),
    }
    if not prefix:  # yes/no answers count as ja of answers
        answered = REPORTED & YES_NO
        sums["boards"] = Count("pk", filter=valid | answered)
        sums["ja"] = Count("pk", filter=answered & Q(answer=True))
        sums["answers"] = Count("pk", filter=answered)
    return sums


def _value(kind: str, sums: Mapping[str, Any] | None, prefix: str = "") -> Value:
    if not sums:
        return Value(kind)
    if kind == IndicatorKind.YES_NO:
        if prefix:
            return Value(kind)
        return Value(kind, sums["ja"], sums["answers"], sums["boards"])
    return Value(
        kind,
        sums[f"{prefix}part"],
        sums[f"{prefix}whole"],
        sums[f"{prefix}boards"],
    )


def row_value(row: IndicatorOutcome) -> Value | None:
    """One board's value, or None when its report is not in or the value was not given."""
    if row.report.state not in REPORTED_STATES:
        return None
    kind = row.indicator.kind
    if kind == IndicatorKind.YES_NO:
        return None if row.answer is None else Value(kind, int(row.answer), 1, 1)
    if row.numerator is None or (kind == IndicatorKind.SHARE and row.denominator is None):
        return None
    return Value(kind, row.numerator, row.denominator or 0, 1)


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


def _buckets(counts: dict[str, int], choices: ChoicesType) -> list[Bucket]:
    total = sum(counts.values())
    buckets = [
        Bucket(key=value, label=str(label), count=counts.get(value, 0), total=total)
        for value, label in choices.choices
    ]
    # A reported row left blank (a report sent in before a field became required) is
    # counted too, so that the buckets add up to the rows reported.
    if counts.get(""):
        buckets.append(Bucket(key="", label="Ej angivet", count=counts[""], total=total))
    return buckets


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
    overdue: int
    missing: list[BoardState]  # the first MISSING_SHOWN of them, by name
    missing_count: int
    goals: list[GoalFigure]
    off_track: int
    off_track_boards: list[Ranked]
    off_track_activities: list[Ranked]
    transitions: list[Transition]
    changes: int
    own_indicator_rows: int
    programme_goals: list[Goal]  # all of them, whatever the filter


def programme_periods(programme: Programme) -> list[ReportingPeriod]:
    """The programme's periods in the order of the year (T1, T2, VB)."""
    return list(ReportingPeriod.objects.filter(programme=programme).order_by("year", "kind"))


def default_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The latest open or locked period; failing that, the first one."""
    started = [p for p in periods if p.state != PeriodState.NOT_OPEN]
    if started:
        return started[-1]
    return periods[0] if periods else None


def _label(choices: ChoicesType, key: str) -> str:
    return dict(choices.choices).get(key, "Ej angivet")


@dataclass(frozen=True)
class Scope:
    """What a roll-up covers: one period of a programme, optionally one goal and one group
    of boards (a key of BOARD_GROUPS). Every query of the roll-up and of the rows behind it
    starts here, so the filters are applied the same way everywhere."""

    programme: Programme
    period: ReportingPeriod
    previous: ReportingPeriod | None
    goal_number: int | None = None
    board_group: str | None = None
    periods: tuple[ReportingPeriod, ...] = ()  # all of the programme's, for the trend

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

    def expected_boards(self) -> QuerySet[Board]:
        """Every board with a report in the period; before the period is opened (or while
        nobody has a report), every board with commitments in the programme."""
        in_period = Report.objects.filter(period=self.period, board=OuterRef("pk"))
        boards = Board.objects.filter(Exists(in_period))
        if self.period.state == PeriodState.NOT_OPEN or not self.has_reports:
            boards = Board.objects.filter(
                Q(Exists(in_period))
                | Q(activity_roles__activity__goal__programme=self.programme)
                | Q(indicator_roles__indicator__goal__programme=self.programme)
            ).distinct()
        return self.in_group(boards, "").order_by("name")

    def board_states(self, state: str | None = None) -> "QuerySet[BoardWithReport]":
        """The expected boards with their report's id and state in the period (`report_pk`,
        `report_state`), optionally only those in `state` (a ReportState, NOT_STARTED, or
        "saknas" for every board that has not reported)."""
        report = Report.objects.filter(period=self.period, board=OuterRef("pk"))
        boards = self.expected_boards().annotate(
            report_pk=Subquery(report.values("pk")[:1]),
            report_state=Coalesce(Subquery(report.values("state")[:1]), SqlValue(NOT_STARTED)),
        )
        if state == "saknas":
            return boards.exclude(report_state__in=REPORTED_STATES)
        return boards.filter(report_state=state) if state else boards

    def activity_rows(self, period: ReportingPeriod | None = None) -> QuerySet[ActivityStatus]:
        """Every activity row of the period (any state) within the scope."""
        return self.in_group(
            ActivityStatus.objects.filter(
                self.goal_filter("activity__goal__"), report__period=period or self.period
            )
        )

    def goal_rows(self) -> QuerySet[GoalAssessment]:
        return self.in_group(
            GoalAssessment.objects.filter(self.goal_filter("goal__"), report__period=self.period)
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
        before = ActivityStatus.objects.filter(
            REPORTED,
            report__period=self.previous,
            report__board=OuterRef("report__board"),
            activity=OuterRef("activity"),
        )
        return (
            self.activity_rows()
            .filter(REPORTED)
            .annotate(
                before_progress=Subquery(before.values("progress")[:1]),
                before_assessment=Subquery(before.values("assessment")[:1]),
            )
            .filter(before_progress__isnull=False)
            .exclude(before_progress=F("progress"), before_assessment=F("assessment"))
        )


def make_scope(
    programme: Programme,
    year: int,
    kind: str,
    *,
    goal_number: int | None = None,
    board_group: str | None = None,
    periods: list[ReportingPeriod] | None = None,
) -> Scope:
    """The scope of the programme's period `kind` of `year`. Raises
    ReportingPeriod.DoesNotExist."""
    if periods is None:
        periods = programme_periods(programme)
    period = next((p for p in periods if p.year == year and p.kind == kind), None)
    if period is None:
        raise ReportingPeriod.DoesNotExist(f"{kind} {year}")
    index = periods.index(period)
    return Scope(
        programme=programme,
        period=period,
        previous=periods[index - 1] if index > 0 else None,
        goal_number=goal_number,
        board_group=board_group if board_group in BOARD_GROUPS else None,
        periods=tuple(periods),
    )


def period_rollup(
    programme: Programme,
    year: int,
    kind: str,
    *,
    goal_number: int | None = None,
    board_group: str | None = None,
    today: date | None = None,
    periods: list[ReportingPeriod] | None = None,
    figures_only: bool = False,
) -> Rollup:
    """The roll-up of the programme's period `kind` of `year`, optionally for one goal and
    one group of boards (a key of BOARD_GROUPS). Raises ReportingPeriod.DoesNotExist.
    `figures_only` leaves out what only the dashboard shows (the boards missing, the
    activities off track, the changes, the boards' own indicators).

    A constant number of queries (about a dozen), each of them an aggregate or bounded."""
    today = today or date.today()
    scope = make_scope(
        programme, year, kind, goal_number=goal_number, board_group=board_group, periods=periods
    )
    period = scope.period

    # Who has reported. Boards without a report only exist before the period is opened
    # (or for a board given commitments since).
    by_state = dict(scope.reports().values_list("state").annotate(n=Count("pk")).order_by())
    not_started = scope.board_states(NOT_STARTED).count()
    expected = sum(by_state.values()) + not_started
    reported = sum(by_state.get(state, 0) for state in REPORTED_STATES)
    states = [StateCount(NOT_STARTED, "Ej påbörjad", not_started)] + [
        StateCount(value, label, by_state.get(value, 0)) for value, label in ReportState.choices
    ]
    overdue = period.is_overdue(today)
    unreported: Iterable[BoardWithReport] = (
        () if figures_only else scope.board_states("saknas")[:MISSING_SHOWN]
    )
    missing = [
        BoardState(
            board=board,
            report=Report(pk=board.report_pk, board=board, period=period, state=board.report_state)
            if board.report_pk
            else None,
            overdue=overdue,
        )
        for board in unreported
    ]

    programme_goals = list(Goal.objects.filter(programme=programme).order_by("number"))
    goals = [goal for goal in programme_goals if goal_number in (None, goal.number)]

    activity_counts = (
        scope.activity_rows()
        .values_list("activity__goal_id", "progress", "assessment")
        .annotate(reported=Count("pk", filter=REPORTED), rows=Count("pk"))
        .order_by()
    )
    progress: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    assessment: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    activity_rows: dict[int, int] = defaultdict(int)
    for goal_id, progress_key, assessment_key, n_reported, n_rows in activity_counts:
        activity_rows[goal_id] += n_rows
        if n_reported:
            progress[goal_id][progress_key] += n_reported
            assessment[goal_id][assessment_key] += n_reported

    fulfilment: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    goal_rows: dict[int, int] = defaultdict(int)
    if period.is_annual:
        for goal_id, key, n_reported, n_rows in (
            scope.goal_rows()
            .values_list("goal_id", "fulfilment")
            .annotate(reported=Count("pk", filter=REPORTED), rows=Count("pk"))
            .order_by()
        ):
            goal_rows[goal_id] += n_rows
            if n_reported:
                fulfilment[goal_id][key] += n_reported

    indicators = _indicator_figures(scope)
    goal_figures = []
    for goal in goals:
        figure = GoalFigure(
            goal=goal,
            activity_completeness=Completeness(
                sum(progress[goal.pk].values()), activity_rows[goal.pk]
            ),
            by_progress=_buckets(progress[goal.pk], Progress),
            by_assessment=_buckets(assessment[goal.pk], Assessment),
            indicators=[item for item in indicators if item.indicator.goal_id == goal.pk],
        )
        if period.is_annual:
            figure.fulfilment_completeness = Completeness(
                sum(fulfilment[goal.pk].values()), goal_rows[goal.pk]
            )
            figure.by_fulfilment = _buckets(fulfilment[goal.pk], Fulfilment)
        goal_figures.append(figure)

    off_track = scope.activity_rows().filter(REPORTED, assessment=Assessment.OFF_TRACK)
    if figures_only:
        off_track = off_track.none()
    transitions, changes = ([], 0) if figures_only else _transitions(scope)
    return Rollup(
        programme=programme,
        period=period,
        previous=scope.previous,
        scope=scope,
        completeness=Completeness(reported=reported, expected=expected),
        states=states,
        overdue=expected - reported if overdue else 0,
        missing=missing,
        missing_count=expected - reported,
        goals=goal_figures,
        off_track=sum(counts[Assessment.OFF_TRACK] for counts in assessment.values()),
        off_track_boards=[
            Ranked(pk, name, n)
            for pk, name, n in off_track.values_list("report__board_id", "report__board__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "report__board__name")[:TOP]
        ],
        off_track_activities=[
            Ranked(pk, text, n)
            for pk, text, n in off_track.values_list("activity_id", "activity__text")
            .annotate(n=Count("pk"))
            .order_by("-n", "activity__goal__number", "activity__position")[:TOP]
        ],
        transitions=transitions,
        changes=changes,
        own_indicator_rows=0
        if figures_only
        else scope.indicator_rows().filter(REPORTED, indicator__added_by__isnull=False).count(),
        programme_goals=programme_goals,
    )


def _transitions(scope: Scope) -> tuple[list[Transition], int]:
    """Changes of assessment and of status since the previous period, counted per pair,
    and how many activity rows changed at all."""
    if scope.previous is None:
        return [], 0
    counts = (
        scope.changed_rows()
        .values_list("before_assessment", "assessment", "before_progress", "progress")
        .annotate(n=Count("pk"))
        .order_by()
    )
    pairs: dict[tuple[str, str, str], int] = defaultdict(int)
    changed = 0
    for before_assessment, after_assessment, before_progress, after_progress, n in counts:
        changed += n
        if before_assessment != after_assessment:
            pairs[("bedomning", before_assessment, after_assessment)] += n
        if before_progress != after_progress:
            pairs[("status", before_progress, after_progress)] += n
    choices = {"bedomning": Assessment, "status": Progress}
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


def _indicator_figures(scope: Scope) -> list[IndicatorFigure]:
    """The programme's indicators in the scope: value in the period, and over the years.
    Boards' own indicators are not summed across the city; they are counted apart."""
    trend_periods = {p.year: p for p in scope.periods if p.kind == scope.period.kind}
    wanted = [p.pk for p in trend_periods.values()]
    responsibilities = IndicatorResponsibility.objects.filter(
        scope.goal_filter("indicator__goal__")
    )
    responsible = dict(
        scope.in_group(responsibilities, "board__")
        .values_list("indicator_id")
        .annotate(n=Count("board", distinct=True))
        .order_by()
    )
    reports_in = dict(
        scope.reports(wanted).values_list("period_id").annotate(n=Count("pk")).order_by()
    )
    sums: dict[tuple[int, int], Mapping[str, Any]] = {}
    for entry in (
        scope.indicator_rows(wanted)
        .filter(indicator__added_by__isnull=True)
        .values("indicator_id", "report__period_id")
        .annotate(rows=Count("pk"), **_value_sums(), **_value_sums("women_"), **_value_sums("men_"))
        .order_by()
    ):
        sums[(entry["indicator_id"], entry["report__period_id"])] = entry
    shown = set(responsible) | {indicator_id for indicator_id, _ in sums}
    figures = []
    for indicator in Indicator.objects.filter(pk__in=shown).order_by(
        "goal__number", "position", "pk"
    ):

        def at(p: ReportingPeriod, indicator: Indicator = indicator) -> tuple:
            entry = sums.get((indicator.pk, p.pk))
            value = _value(indicator.kind, entry)
            if reports_in.get(p.pk):
                expected = entry["rows"] if entry else 0
            else:
                expected = responsible.get(indicator.pk, 0)
            return entry, value, Completeness(value.boards, expected)

        entry, value, completeness = at(scope.period)
        figure = IndicatorFigure(
            indicator=indicator,
            value=value,
            women=_value(indicator.kind, entry, "women_"),
            men=_value(indicator.kind, entry, "men_"),
            completeness=completeness,
        )
        for year in scope.programme.years:
            trend_period = trend_periods.get(year)
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
    rows = scope.activity_rows().filter(REPORTED)
    if progress is not None:
        rows = rows.filter(progress=progress)
    if assessment is not None:
        rows = rows.filter(assessment=assessment)
    if board is not None:
        rows = rows.filter(report__board=board)
    if activity is not None:
        rows = rows.filter(activity=activity)
    return rows.select_related("report__board", "activity__goal").order_by(
        "report__board__name", "activity__goal__number", "activity__position", "pk"
    )


def goal_rows_behind(scope: Scope, fulfilment: str | None = None) -> QuerySet[GoalAssessment]:
    rows = scope.goal_rows().filter(REPORTED)
    if fulfilment is not None:
        rows = rows.filter(fulfilment=fulfilment)
    return rows.select_related("report__board", "goal").order_by(
        "goal__number", "report__board__name"
    )


def indicator_rows_behind(scope: Scope, indicator: int) -> QuerySet[IndicatorOutcome]:
    """Every board's row for one indicator in the period, reported or not (those not
    reported show as missing)."""
    return (
        scope.indicator_rows()
        .filter(indicator=indicator)
        .select_related("report__board", "indicator")
        .order_by("report__board__name")
    )


def own_indicator_rows(scope: Scope) -> QuerySet[IndicatorOutcome]:
    return (
        scope.indicator_rows()
        .filter(REPORTED, indicator__added_by__isnull=False)
        .select_related("report__board", "indicator__goal")
        .order_by("report__board__name", "indicator__goal__number", "indicator__position")
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
        "report__board__name", "activity__goal__number", "activity__position"
    )


# --- The samlad uppföljning's figures ----------------------------------------------------


def year_figures(programme: Programme, year: int) -> dict[str, Any]:
    """The figures of the year's verksamhetsberättelse (VB), JSON-ready: the samlad
    uppföljning freezes this dict when it becomes final. Only str, int, float, None, lists
    and dicts. Raises ReportingPeriod.DoesNotExist if the year has no VB period.

    Beside the aggregates it keeps what the document quotes: every board's value and
    comment per indicator and every board's goal assessment and analysis. The activity rows
    behind the counts are not copied; the dashboard lists them for the period."""
    rollup = period_rollup(programme, year, PeriodKind.VB, figures_only=True)
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
        .filter(indicator__added_by__isnull=True)
        .select_related("report__board", "indicator")
        .order_by("report__board__name")
    ):
        value = row_value(row)
        values[row.indicator_id].append(
            {
                "board": row.report.board.name,
                "board_slug": row.report.board.slug,
                "value": value.as_dict() if value else None,
                "target": None if row.target is None or value is None else str(row.target),
                "comment": row.comment if value else "",
            }
        )
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
    }

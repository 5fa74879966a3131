"""The city-wide roll-up of a period: who has reported, how the activities stand, what the
indicators add up to, what is off track and what changed. Plain functions over a few queries.

Rules (DESIGN.md, "Roll-up rules"): a report counts as reported when it is submitted or
approved. A share is Σ numerators / Σ denominators over the boards that reported it, never the
mean of their percentages; counts are summed; a board that has not reported is missing (None),
never zero. Every aggregate carries its completeness and the rows it was made from.

The dashboard is for city-wide readers; the caller checks `access.city_wide_programmes`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
from followup.services import boards_with_commitments

REPORTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
NOT_STARTED = "ej_paborjad"  # an expected board without a report in the period

# The kinds of board a reader can filter by; the city's board and its companies go together.
BOARD_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stadsdelsnamnder": ("Stadsdelsnämnder", (BoardKind.STADSDELSNAMND,)),
    "facknamnder": ("Facknämnder", (BoardKind.FACKNAMND,)),
    "bolag": ("Bolag och kommunstyrelsen", (BoardKind.BOLAG, BoardKind.KOMMUNSTYRELSE)),
}


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
    def state(self) -> str:
        return self.report.state if self.report else NOT_STARTED

    @property
    def state_label(self) -> str:
        return self.report.get_state_display() if self.report else "Ej påbörjad"

    @property
    def reported(self) -> bool:
        return self.report is not None and self.report.state in REPORTED_STATES


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


def _sum(kind: str, parts: list[tuple[int, int | None]]) -> Value:
    return Value(
        kind=kind,
        numerator=sum(part for part, _ in parts),
        denominator=sum(whole or 0 for _, whole in parts),
        boards=len(parts),
    )


def _parts(kind: str, rows: list[IndicatorOutcome], prefix: str = "") -> list[tuple[int, int]]:
    """(numerator, denominator) of each row that gave the value (or its women's/men's part)."""
    parts = []
    for row in rows:
        if kind == IndicatorKind.YES_NO:
            if not prefix and row.answer is not None:
                parts.append((int(row.answer), 1))
            continue
        part = getattr(row, f"{prefix}numerator")
        whole = getattr(row, f"{prefix}denominator")
        if part is None or (kind == IndicatorKind.SHARE and whole is None):
            continue
        parts.append((part, whole))
    return parts


@dataclass
class BoardValue:
    board: Board
    row: IndicatorOutcome | None  # None: the board has not reported (missing, not zero)
    value: Value | None

    @property
    def comment(self) -> str:
        return self.row.comment if self.row else ""


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
    boards: list[BoardValue]
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def missing_boards(self) -> list[Board]:
        return [entry.board for entry in self.boards if entry.row is None]


@dataclass
class Bucket:
    """One value of a scale (e.g. "Ej enligt plan") and the rows behind its count."""

    key: str
    label: str
    rows: list[Any]
    total: int

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def share(self) -> float | None:
        return 100 * self.count / self.total if self.total else None

    @property
    def share_text(self) -> str:
        return percent_text(self.share)


def _buckets(rows: list[Any], attribute: str, choices: type) -> list[Bucket]:
    by_key: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_key[getattr(row, attribute)].append(row)
    buckets = [
        Bucket(key=value, label=label, rows=by_key.get(value, []), total=len(rows))
        for value, label in choices.choices
    ]
    # A reported row left blank (a report sent in before a field became required) is
    # counted too, so that the buckets add up to the rows reported.
    if by_key.get(""):
        buckets.append(Bucket(key="", label="Ej angivet", rows=by_key[""], total=len(rows)))
    return buckets


@dataclass
class GoalFigure:
    goal: Goal
    activity_completeness: Completeness
    by_progress: list[Bucket]
    by_assessment: list[Bucket]
    indicators: list[IndicatorFigure]
    # Annual reports only: the boards' fulfilment of the goal, with their analyses.
    fulfilment_completeness: Completeness | None = None
    by_fulfilment: list[Bucket] = field(default_factory=list)


@dataclass
class Change:
    board: Board
    row: ActivityStatus
    previous: ActivityStatus

    @property
    def assessment_changed(self) -> bool:
        return self.row.assessment != self.previous.assessment

    @property
    def progress_changed(self) -> bool:
        return self.row.progress != self.previous.progress


@dataclass
class Rollup:
    programme: Programme
    period: ReportingPeriod
    previous: ReportingPeriod | None
    boards: list[BoardState]
    completeness: Completeness
    goals: list[GoalFigure]
    off_track: list[ActivityStatus]
    changes: list[Change]
    programme_goals: list[Goal]  # all of them, whatever the filter

    @property
    def missing(self) -> list[BoardState]:
        return [entry for entry in self.boards if not entry.reported]


def programme_periods(programme: Programme) -> list[ReportingPeriod]:
    """The programme's periods in the order of the year (T1, T2, VB)."""
    return list(ReportingPeriod.objects.filter(programme=programme).order_by("year", "kind"))


def _board_kinds(board_group: str | None) -> tuple[str, ...] | None:
    if board_group is None:
        return None
    return BOARD_GROUPS[board_group][1]


def period_rollup(
    programme: Programme,
    year: int,
    kind: str,
    *,
    goal_number: int | None = None,
    board_group: str | None = None,
    today: date | None = None,
    periods: list[ReportingPeriod] | None = None,
) -> Rollup:
    """The roll-up of the programme's period `kind` of `year`, optionally for one goal and
    one group of boards (a key of BOARD_GROUPS). Raises ReportingPeriod.DoesNotExist.

    Queries: the programme's periods (unless given), reports of the period, the one before
    and the same period of every year, the boards with commitments (only for a period not yet
    opened), goals, indicator responsibilities, activity rows of the period and the one
    before, indicator rows of the period in every year, and goal rows (annual reports only).
    """
    today = today or date.today()
    if periods is None:
        periods = programme_periods(programme)
    period = next((p for p in periods if p.year == year and p.kind == kind), None)
    if period is None:
        raise ReportingPeriod.DoesNotExist(f"{kind} {year}")
    index = periods.index(period)
    previous = periods[index - 1] if index > 0 else None
    trend_periods = {p.year: p for p in periods if p.kind == kind}
    kinds = _board_kinds(board_group)

    def in_group(board: Board) -> bool:
        return kinds is None or board.kind in kinds

    wanted = [p.pk for p in trend_periods.values()] + ([previous.pk] if previous else [])
    reports = [
        report
        for report in Report.objects.filter(period__in=wanted)
        .select_related("board")
        .order_by("board__name")
        if in_group(report.board)
    ]
    reports_by_period: dict[int, list[Report]] = defaultdict(list)
    for report in reports:
        reports_by_period[report.period_id].append(report)

    # Who is expected: every board with a report in the period, and, before the period has
    # been opened, every board with commitments.
    period_reports = {report.board_id: report for report in reports_by_period[period.pk]}
    boards = [report.board for report in period_reports.values()]
    if period.state == PeriodState.NOT_OPEN or not period_reports:
        boards += [
            board
            for board in boards_with_commitments(programme)
            if in_group(board) and board.pk not in period_reports
        ]
    boards.sort(key=lambda board: board.name)
    board_states = [
        BoardState(
            board=board,
            report=period_reports.get(board.pk),
            overdue=period.is_overdue(today)
            and (board.pk not in period_reports or not _reported(period_reports[board.pk])),
        )
        for board in boards
    ]

    programme_goals = list(Goal.objects.filter(programme=programme).order_by("number"))
    goals = [goal for goal in programme_goals if goal_number in (None, goal.number)]
    goal_ids = {goal.pk for goal in goals}

    responsibilities = [
        responsibility
        for responsibility in IndicatorResponsibility.objects.filter(
            indicator__goal__in=goal_ids
        ).select_related("indicator", "board")
        if in_group(responsibility.board)
    ]

    activity_rows = [
        row
        for row in ActivityStatus.objects.filter(
            report__period__in=[period.pk] + ([previous.pk] if previous else []),
            activity__goal__in=goal_ids,
        )
        .select_related("activity", "report__board")
        .order_by("report__board__name", "activity__position", "pk")
        if in_group(row.report.board)
    ]
    indicator_rows = [
        row
        for row in IndicatorOutcome.objects.filter(
            report__period__in=[p.pk for p in trend_periods.values()],
            indicator__goal__in=goal_ids,
        )
        .select_related("indicator", "report__board")
        .order_by("report__board__name", "pk")
        if in_group(row.report.board)
    ]
    goal_rows: list[GoalAssessment] = []
    if period.is_annual:
        goal_rows = [
            row
            for row in GoalAssessment.objects.filter(report__period=period, goal__in=goal_ids)
            .select_related("report__board")
            .order_by("report__board__name")
            if in_group(row.report.board)
        ]

    current_activity_rows = [row for row in activity_rows if row.report.period_id == period.pk]
    goal_figures = [
        _goal_figure(
            goal,
            [row for row in current_activity_rows if row.activity.goal_id == goal.pk],
            [row for row in goal_rows if row.goal_id == goal.pk],
            _indicator_figures(
                goal,
                period,
                trend_periods,
                programme,
                responsibilities,
                indicator_rows,
                reports_by_period,
            ),
            annual=period.is_annual,
        )
        for goal in goals
    ]

    reported_now = [row for row in current_activity_rows if _reported(row.report)]
    off_track = [row for row in reported_now if row.assessment == Assessment.OFF_TRACK]
    changes = []
    if previous is not None:
        before = {
            (row.report.board_id, row.activity_id): row
            for row in activity_rows
            if row.report.period_id == previous.pk and _reported(row.report)
        }
        for row in reported_now:
            earlier = before.get((row.report.board_id, row.activity_id))
            if earlier and (
                earlier.assessment != row.assessment or earlier.progress != row.progress
            ):
                changes.append(Change(board=row.report.board, row=row, previous=earlier))

    return Rollup(
        programme=programme,
        period=period,
        previous=previous,
        boards=board_states,
        completeness=Completeness(
            reported=sum(entry.reported for entry in board_states), expected=len(board_states)
        ),
        goals=goal_figures,
        off_track=off_track,
        changes=changes,
        programme_goals=programme_goals,
    )


def _reported(report: Report) -> bool:
    return report.state in REPORTED_STATES


def _goal_figure(
    goal: Goal,
    activity_rows: list[ActivityStatus],
    goal_rows: list[GoalAssessment],
    indicators: list[IndicatorFigure],
    *,
    annual: bool,
) -> GoalFigure:
    reported = [row for row in activity_rows if _reported(row.report)]
    figure = GoalFigure(
        goal=goal,
        activity_completeness=Completeness(reported=len(reported), expected=len(activity_rows)),
        by_progress=_buckets(reported, "progress", Progress),
        by_assessment=_buckets(reported, "assessment", Assessment),
        indicators=indicators,
    )
    if annual:
        reported_goals = [row for row in goal_rows if _reported(row.report)]
        figure.fulfilment_completeness = Completeness(
            reported=len(reported_goals), expected=len(goal_rows)
        )
        figure.by_fulfilment = _buckets(reported_goals, "fulfilment", Fulfilment)
    return figure


def _indicator_figures(
    goal: Goal,
    period: ReportingPeriod,
    trend_periods: dict[int, ReportingPeriod],
    programme: Programme,
    responsibilities: list[IndicatorResponsibility],
    indicator_rows: list[IndicatorOutcome],
    reports_by_period: dict[int, list[Report]],
) -> list[IndicatorFigure]:
    """Each indicator of the goal: its value in the period, per board, and over the years."""
    indicators: dict[int, Indicator] = {}
    responsible: dict[int, list[Board]] = defaultdict(list)
    for responsibility in responsibilities:
        if responsibility.indicator.goal_id == goal.pk:
            indicators.setdefault(responsibility.indicator_id, responsibility.indicator)
            responsible[responsibility.indicator_id].append(responsibility.board)
    rows_by: dict[tuple[int, int], list[IndicatorOutcome]] = defaultdict(list)
    for row in indicator_rows:
        if row.indicator.goal_id == goal.pk:
            indicators.setdefault(row.indicator_id, row.indicator)
            rows_by[(row.indicator_id, row.report.period_id)].append(row)

    figures = []
    for indicator in sorted(
        indicators.values(), key=lambda i: (i.added_by_id is not None, i.position, i.pk)
    ):

        def at(p: ReportingPeriod, indicator: Indicator = indicator) -> tuple:
            rows = rows_by.get((indicator.pk, p.pk), [])
            if reports_by_period.get(p.pk):
                expected = sorted((row.report.board for row in rows), key=lambda b: b.name)
            else:
                expected = sorted(responsible[indicator.pk], key=lambda b: b.name)
            reported = {
                row.report.board_id: row
                for row in rows
                if _reported(row.report) and _parts(indicator.kind, [row])
            }
            return expected, reported

        expected, reported = at(period)
        rows = list(reported.values())
        figure = IndicatorFigure(
            indicator=indicator,
            value=_sum(indicator.kind, _parts(indicator.kind, rows)),
            women=_sum(indicator.kind, _parts(indicator.kind, rows, "women_")),
            men=_sum(indicator.kind, _parts(indicator.kind, rows, "men_")),
            completeness=Completeness(reported=len(reported), expected=len(expected)),
            boards=[
                BoardValue(
                    board=board,
                    row=reported.get(board.pk),
                    value=_sum(indicator.kind, _parts(indicator.kind, [reported[board.pk]]))
                    if board.pk in reported
                    else None,
                )
                for board in expected
            ],
        )
        for year in programme.years:
            trend_period = trend_periods.get(year)
            if trend_period is None:
                figure.trend.append(
                    TrendPoint(None, year, Value(indicator.kind), Completeness(0, 0))
                )
                continue
            if trend_period.pk == period.pk:
                value, completeness = figure.value, figure.completeness
            else:
                year_expected, year_reported = at(trend_period)
                value = _sum(indicator.kind, _parts(indicator.kind, list(year_reported.values())))
                completeness = Completeness(len(year_reported), len(year_expected))
            figure.trend.append(TrendPoint(trend_period, year, value, completeness))
        figures.append(figure)
    return figures


# --- The samlad uppföljning's figures ----------------------------------------------------


def _bucket_dict(bucket: Bucket, text: Callable[[Any], dict[str, str]]) -> dict[str, Any]:
    return {
        "label": bucket.label,
        "count": bucket.count,
        "share": None if bucket.share is None else round(bucket.share, 1),
        "rows": [
            {"board": row.report.board.name, "board_slug": row.report.board.slug, **text(row)}
            for row in bucket.rows
        ],
    }


def year_figures(programme: Programme, year: int) -> dict[str, Any]:
    """The figures of the year's verksamhetsberättelse (VB), JSON-ready: the samlad
    uppföljning freezes this dict when it becomes final. Only str, int, float, None, lists
    and dicts. Raises ReportingPeriod.DoesNotExist if the year has no VB period."""
    rollup = period_rollup(programme, year, PeriodKind.VB)

    def activity_text(row: ActivityStatus) -> dict[str, str]:
        return {"activity": row.activity.text, "comment": row.comment}

    def goal_text(row: GoalAssessment) -> dict[str, str]:
        return {"analysis": row.analysis}

    return {
        "programme": programme.slug,
        "year": year,
        "period": str(rollup.period.kind),
        "period_label": rollup.period.label,
        "period_state": str(rollup.period.state),
        "completeness": rollup.completeness.as_dict(),
        "boards": [
            {
                "board": entry.board.name,
                "board_slug": entry.board.slug,
                "state": str(entry.state),
                "reported": entry.reported,
            }
            for entry in rollup.boards
        ],
        "goals": [
            {
                "number": figure.goal.number,
                "title": figure.goal.title,
                "activities": {
                    "completeness": figure.activity_completeness.as_dict(),
                    "by_progress": {
                        str(bucket.key): _bucket_dict(bucket, activity_text)
                        for bucket in figure.by_progress
                    },
                    "by_assessment": {
                        str(bucket.key): _bucket_dict(bucket, activity_text)
                        for bucket in figure.by_assessment
                    },
                },
                "indicators": [
                    {
                        "text": item.indicator.text,
                        "kind": str(item.indicator.kind),
                        "own": item.indicator.added_by_id is not None,
                        "value": item.value.as_dict(),
                        "women": item.women.as_dict(),
                        "men": item.men.as_dict(),
                        "completeness": item.completeness.as_dict(),
                        "boards": [
                            {
                                "board": entry.board.name,
                                "board_slug": entry.board.slug,
                                "value": entry.value.as_dict() if entry.value else None,
                                "target": None
                                if entry.row is None or entry.row.target is None
                                else str(entry.row.target),
                                "comment": entry.comment,
                            }
                            for entry in item.boards
                        ],
                    }
                    for item in figure.indicators
                ],
                "fulfilment": {
                    "completeness": figure.fulfilment_completeness.as_dict()
                    if figure.fulfilment_completeness
                    else {"reported": 0, "expected": 0},
                    "by_fulfilment": {
                        str(bucket.key): _bucket_dict(bucket, goal_text)
                        for bucket in figure.by_fulfilment
                    },
                },
            }
            for figure in rollup.goals
        ],
    }


def default_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The latest open or locked period; failing that, the first one."""
    started = [p for p in periods if p.state != PeriodState.NOT_OPEN]
    if started:
        return started[-1]
    return periods[0] if periods else None

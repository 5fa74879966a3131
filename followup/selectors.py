"""Reads of the follow-up that pages and the API share, each a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from catalog.models import Goal, IndicatorKind
from followup.access import coordinated_programmes, reports_visible_to
from followup.models import (
    ActivityStatus,
    GoalAssessment,
    IndicatorOutcome,
    PeriodState,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
)
from followup.services import Completeness, previous_report, report_completeness


@dataclass
class GoalSection:
    goal: Goal
    activity_rows: list[ActivityStatus] = field(default_factory=list)
    indicator_rows: list[IndicatorOutcome] = field(default_factory=list)
    goal_row: GoalAssessment | None = None


@dataclass
class ReportPage:
    report: Report
    sections: list[GoalSection]
    previous: Report | None
    previous_rows: dict[tuple[str, int], ActivityStatus | IndicatorOutcome | GoalAssessment]
    completeness: Completeness
    events: list[ReportEvent]


def _activity_rows() -> QuerySet[ActivityStatus]:
    """Rows in the order the report shows them: by goal, the programme's items before the
    board's own, each in its list's order."""
    return ActivityStatus.objects.select_related("activity__goal", "updated_by").order_by(
        "activity__goal__number",
        F("activity__added_by").asc(nulls_first=True),
        "activity__position",
    )


def _indicator_rows() -> QuerySet[IndicatorOutcome]:
    return IndicatorOutcome.objects.select_related("indicator__goal", "updated_by").order_by(
        "indicator__goal__number",
        F("indicator__added_by").asc(nulls_first=True),
        "indicator__position",
    )


def _goal_rows() -> QuerySet[GoalAssessment]:
    return GoalAssessment.objects.select_related("goal", "updated_by").order_by("goal__number")


_ROWS: dict[
    str,
    Callable[[], QuerySet[ActivityStatus] | QuerySet[IndicatorOutcome] | QuerySet[GoalAssessment]],
] = {"a": _activity_rows, "i": _indicator_rows, "g": _goal_rows}


def report_page(report: Report) -> ReportPage:
    """Everything the report page shows: rows grouped by goal, the previous period's
    answers beside them, how complete the report is and what has happened to it."""
    activity_rows = list(_activity_rows().filter(report=report))
    indicator_rows = list(_indicator_rows().filter(report=report))
    goal_rows = list(_goal_rows().filter(report=report))

    sections: dict[int, GoalSection] = {}

    def section(goal: Goal) -> GoalSection:
        return sections.setdefault(goal.pk, GoalSection(goal=goal))

    for activity_row in activity_rows:
        section(activity_row.activity.goal).activity_rows.append(activity_row)
    for indicator_row in indicator_rows:
        section(indicator_row.indicator.goal).indicator_rows.append(indicator_row)
    for goal_row in goal_rows:
        section(goal_row.goal).goal_row = goal_row

    previous = previous_report(report)
    previous_rows: dict = {}
    if previous is not None:
        previous_rows.update({("a", row.activity_id): row for row in previous.activity_rows.all()})
        previous_rows.update(
            {
                ("i", row.indicator_id): row
                for row in previous.indicator_rows.select_related("indicator")
            }
        )
    # Goal fulfilment is only assessed in annual reports: compare with the year before's.
    if goal_rows and (previous_annual := previous_report(report, annual=True)):
        previous_rows.update({("g", row.goal_id): row for row in previous_annual.goal_rows.all()})

    return ReportPage(
        report=report,
        sections=sorted(sections.values(), key=lambda s: s.goal.number),
        previous=previous,
        previous_rows=previous_rows,
        completeness=report_completeness(report, activity_rows, indicator_rows, goal_rows),
        events=list(report.events.select_related("actor")),
    )


def report_row(
    report: Report, kind: str, pk: int
) -> ActivityStatus | IndicatorOutcome | GoalAssessment:
    """One row of the report, or DoesNotExist: a row id from another report (a forged
    form) is not found here."""
    return _ROWS[kind]().filter(report=report).get(pk=pk)


_ITEM_FIELDS = {"a": "activity_id", "i": "indicator_id", "g": "goal_id"}


def previous_row(
    report: Report, kind: str, row: ActivityStatus | IndicatorOutcome | GoalAssessment
) -> ActivityStatus | IndicatorOutcome | GoalAssessment | None:
    """The same item's row in the board's report for the period before, if any."""
    previous = previous_report(report, annual=kind == "g")
    if previous is None:
        return None
    item_field = _ITEM_FIELDS[kind]
    return (
        type(row).objects.filter(report=previous, **{item_field: getattr(row, item_field)}).first()
    )


# --- Start pages -----------------------------------------------------------------------


@dataclass
class ReportSummary:
    report: Report
    filled: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100


def _row_count(
    model: type[ActivityStatus] | type[IndicatorOutcome] | type[GoalAssessment],
    condition: Q | None = None,
) -> Coalesce:
    rows = model._default_manager.filter(report=OuterRef("pk"))
    if condition is not None:
        rows = rows.filter(condition)
    counted = rows.order_by().values("report").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


# Mirror `is_filled` on the row models, in the database, so that listing a thousand reports
# costs one query.
_ACTIVITY_FILLED = ~Q(progress="") & ~Q(assessment="")
_INDICATOR_FILLED = (
    Q(indicator__kind=IndicatorKind.SHARE, numerator__isnull=False, denominator__isnull=False)
    | Q(indicator__kind=IndicatorKind.COUNT, numerator__isnull=False)
    | Q(indicator__kind=IndicatorKind.YES_NO, answer__isnull=False)
)
_GOAL_FILLED = ~Q(fulfilment="") & ~Q(analysis="")


class _FillCounts(TypedDict):
    activities_total: int
    activities_filled: int
    indicators_total: int
    indicators_filled: int
    goals_total: int
    goals_filled: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _with_fill_counts(
    reports: QuerySet[Report],
) -> "QuerySet[WithAnnotations[Report, _FillCounts]]":
    return reports.annotate(
        activities_total=_row_count(ActivityStatus),
        activities_filled=_row_count(ActivityStatus, _ACTIVITY_FILLED),
        indicators_total=_row_count(IndicatorOutcome),
        indicators_filled=_row_count(IndicatorOutcome, _INDICATOR_FILLED),
        goals_total=_row_count(GoalAssessment),
        goals_filled=_row_count(GoalAssessment, _GOAL_FILLED),
    )


def _summaries(reports: QuerySet[Report]) -> list[ReportSummary]:
    summaries = []
    for report in _with_fill_counts(reports).select_related("period__programme", "board"):
        annual = report.period.is_annual
        summary_filled = int(annual and bool(report.summary.strip()))
        summaries.append(
            ReportSummary(
                report=report,
                filled=report.activities_filled
                + report.indicators_filled
                + report.goals_filled
                + summary_filled,
                total=report.activities_total
                + report.indicators_total
                + report.goals_total
                + int(annual),
            )
        )
    return summaries


def my_reports(user: User) -> list[ReportSummary]:
    """A rapportör's or läsare's reports in open periods, and reopened ones."""
    reports = reports_visible_to(user).filter(
        Q(user_role__isnull=False),
        Q(period__state=PeriodState.OPEN) | Q(reopened=True),
    )
    return _summaries(reports.order_by("period__deadline", "board__name"))


@dataclass
class CoordinatorPeriod:
    period: ReportingPeriod
    by_state: dict[str, list[ReportSummary]]
    overdue: list[ReportSummary]

    @property
    def count(self) -> int:
        return sum(len(reports) for reports in self.by_state.values())


def coordinator_overview(user: User, today: date) -> list[CoordinatorPeriod]:
    """For each open period of the user's programmes, its reports by state and the
    overdue ones (not submitted, deadline passed)."""
    periods = list(
        ReportingPeriod.objects.filter(
            programme__in=coordinated_programmes(user), state=PeriodState.OPEN
        ).select_related("programme")
    )
    reports = reports_visible_to(user).filter(period__in=periods).order_by("board__name")
    by_period: dict[int, CoordinatorPeriod] = {
        period.pk: CoordinatorPeriod(
            period=period, by_state={state: [] for state in ReportState.values}, overdue=[]
        )
        for period in periods
    }
    for summary in _summaries(reports):
        entry = by_period[summary.report.period_id]
        entry.by_state[summary.report.state].append(summary)
        if summary.report.state in (ReportState.DRAFT, ReportState.RETURNED) and (
            summary.report.period.is_overdue(today)
        ):
            entry.overdue.append(summary)
    return list(by_period.values())


def periods_for_coordinator(user: User) -> QuerySet[ReportingPeriod]:
    return (
        ReportingPeriod.objects.filter(programme__in=coordinated_programmes(user))
        .select_related("programme")
        .annotate(
            report_count=Count("reports"),
            submitted_count=Count(
                "reports",
                filter=Q(reports__state__in=[ReportState.SUBMITTED, ReportState.APPROVED]),
            ),
        )
        .order_by("programme", "-year", "-kind")
    )


def reports_for_api(user: User) -> QuerySet[Report]:
    return (
        reports_visible_to(user)
        .select_related("period__programme", "board")
        .prefetch_related(
            Prefetch("activity_rows", queryset=_activity_rows()),
            Prefetch("indicator_rows", queryset=_indicator_rows()),
            Prefetch("goal_rows", queryset=_goal_rows()),
            Prefetch("events", queryset=ReportEvent.objects.select_related("actor")),
        )
    )

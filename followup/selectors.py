"""Reads of the follow-up that pages and the API share, each a fixed number of queries."""

from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Generic, TypeVar

from django.contrib.auth.models import User
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from attachments.selectors import attachments_prefetch
from catalog.models import Goal
from followup.access import coordinated_programmes, reports_visible_to
from followup.models import (
    PeriodState,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
    reported,
)
from followup.rows import ACTIVITY, GOAL, INDICATOR, ROW_KINDS, Row, RowKind
from followup.services import (
    Completeness,
    GoalCompleteness,
    previous_report,
    previous_reports,
    report_completeness,
)

T = TypeVar("T")


@dataclass
class GoalSection(Generic[T]):
    """One goal's part of the report: its rows by kind (model rows here; the page's view
    objects in followup.views.report), and the goal's title as the report shows it: in an
    annual report, by the wording rule of the goal's own row (followup.rows); elsewhere the
    catalog's."""

    goal: Goal
    title: str
    rows: dict[RowKind, list[T]]
    completeness: GoalCompleteness | None = None  # on the page's sections

    @property
    def carried_over(self) -> int:
        """The section's rows still holding what they took over from the period before."""
        return self.completeness.carried_over if self.completeness else 0

    @property
    def activity_rows(self) -> list[T]:
        return self.rows[ACTIVITY]

    @property
    def indicator_rows(self) -> list[T]:
        return self.rows[INDICATOR]

    @property
    def goal_row(self) -> T | None:
        return next(iter(self.rows[GOAL]), None)


@dataclass
class ReportPage:
    report: Report
    rows: dict[RowKind, list[Row]]  # each kind's rows in page order
    sections: list[GoalSection[Row]]
    previous: Report | None
    # The previous period's rows of the items the report has, by kind and item (goals: the
    # year before's annual report).
    previous_rows: dict[tuple[RowKind, int], Row]
    completeness: Completeness
    events: list[ReportEvent]

    def goal_title(self, goal: Goal) -> str:
        """The goal's title as the report shows it (see GoalSection.title)."""
        return next(
            (section.title for section in self.sections if section.goal.pk == goal.pk),
            goal.title,
        )

    def previous_of(self, kind: RowKind, row: Row) -> Row | None:
        """The same item's row in the period before, if any."""
        return self.previous_rows.get((kind, kind.item_id(row)))


def report_page(report: Report) -> ReportPage:
    """Everything the report page shows: rows grouped by goal, the previous period's
    answers beside them, how complete the report is and what has happened to it."""
    # No query for the goals' rows of a tertial report, which has none.
    rows: dict[RowKind, list[Row]] = {
        kind: list(kind.rows().filter(report=report)) if kind.in_report(report) else []
        for kind in ROW_KINDS
    }

    sections: dict[int, GoalSection[Row]] = {}
    for kind in ROW_KINDS:
        for row in rows[kind]:
            goal = kind.goal(row)
            if goal.pk not in sections:
                sections[goal.pk] = GoalSection(goal, goal.title, {k: [] for k in ROW_KINDS})
            sections[goal.pk].rows[kind].append(row)
            if kind is GOAL:
                # In the annual report the goal's row keeps the title the board reported on.
                sections[goal.pk].title = GOAL.text(row, report)

    previous_rows: dict[tuple[RowKind, int], Row] = {}
    previous = previous_report(report)
    # Goal fulfilment is only assessed in annual reports: compare with the year before's.
    previous_annual = previous_report(report, annual=True) if rows[GOAL] else None
    for kind in ROW_KINDS:
        earlier = previous_annual if kind.annual_only else previous
        if earlier is None:
            continue
        # Only the items the report has now are compared with, and each is read already:
        # the earlier row gets the same one (an indicator's kind says how its answer reads).
        items = {kind.item_id(row): kind.item(row) for row in rows[kind]}
        for row in kind.model.objects.filter(report=earlier):
            item = items.get(kind.item_id(row))
            if item is not None:
                setattr(row, kind.item_field, item)
                previous_rows[kind, kind.item_id(row)] = row

    return ReportPage(
        report=report,
        rows=rows,
        sections=sorted(sections.values(), key=lambda section: section.goal.number),
        previous=previous,
        previous_rows=previous_rows,
        completeness=report_completeness(report, chain.from_iterable(rows.values())),
        events=list(report.events.select_related("actor")),
    )


def report_row(report: Report, kind: RowKind, pk: int) -> Row:
    """One row of the report, or DoesNotExist: a row id from another report (a forged
    form) is not found here."""
    return kind.rows().filter(report=report).get(pk=pk)


def previous_row(report: Report, kind: RowKind, row: Row) -> Row | None:
    """The same item's row in the board's report for the period before, if any: one query."""
    return kind.model.objects.filter(
        report__in=previous_reports(report, annual=kind.annual_only),
        **{f"{kind.item_field}_id": kind.item_id(row)},
    ).first()


# --- Start pages -----------------------------------------------------------------------


@dataclass
class ReportSummary:
    report: Report
    filled: int
    total: int
    overdue: bool = False  # `Report.is_overdue` on the day the page was drawn

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100


def _counted(rows: QuerySet, outer: str, condition: Q | None = None) -> Coalesce:
    """How many of `rows` point at the outer query's row through `outer` (and meet
    `condition`), as a subquery: a join of them all grouped by the outer query's columns
    would sort every one."""
    rows = rows.filter(**{outer: OuterRef("pk")})
    if condition is not None:
        rows = rows.filter(condition)
    counted = rows.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _row_count(model: type[Row], condition: Q | None = None) -> Coalesce:
    return _counted(model.objects.all(), "report", condition)


def _with_fill_counts(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Each report's rows and filled rows, by kind ("a_total", "a_filled", …)."""
    counts = {}
    for kind in ROW_KINDS:
        counts[f"{kind.key}_total"] = _row_count(kind.model)
        counts[f"{kind.key}_filled"] = _row_count(kind.model, kind.done())
    return reports.annotate(**counts)


def _summaries(reports: QuerySet[Report], today: date | None = None) -> list[ReportSummary]:
    """The reports with how much of each is filled; with `today`, whether it is overdue."""
    summaries = []
    for report in _with_fill_counts(reports).select_related("period__programme", "board"):
        annual = report.period.is_annual
        summary_filled = int(annual and bool(report.summary.strip()))
        filled = sum(getattr(report, f"{kind.key}_filled") for kind in ROW_KINDS)
        total = sum(getattr(report, f"{kind.key}_total") for kind in ROW_KINDS)
        summaries.append(
            ReportSummary(
                report=report,
                filled=filled + summary_filled,
                total=total + int(annual),
                overdue=today is not None and report.is_overdue(today),
            )
        )
    return summaries


def my_reports(user: User, today: date | None = None) -> list[ReportSummary]:
    """A rapportör's or läsare's reports in open periods, and reopened ones, the first due
    first."""
    reports = reports_visible_to(user).filter(
        Q(user_role__isnull=False),
        Q(period__state=PeriodState.OPEN) | Q(reopened=True),
    )
    return _summaries(reports.order_by(Report.due_date_expression(), "board__name"), today)


@dataclass
class ReportYear:
    year: int
    reports: list[Report]  # each with the user's standing (`user_role`)


def earlier_reports(user: User) -> list[ReportYear]:
    """The reports of the boards the user reports for or reads that are no longer being
    written (period locked or not yet open, and not reopened), newest year first: one
    query."""
    reports = (
        reports_visible_to(user)
        .filter(user_role__isnull=False)
        .exclude(Q(period__state=PeriodState.OPEN) | Q(reopened=True))
        .select_related("period__programme", "board")
        .order_by("-period__year", "-period__position", "board__name")
    )
    years: dict[int, ReportYear] = {}
    for report in reports:
        year = report.period.year
        years.setdefault(year, ReportYear(year, [])).reports.append(report)
    return list(years.values())


# Reports named per state (and overdue) on the samordnare's start page; the rest are counted,
# with a link to them all a page at a time (`/oversikt/rader/`). Stockholm's 23 all fit.
OVERVIEW_SHOWN = 25


@dataclass
class ReportGroup:
    """Some reports of a period: how many, and the first OVERVIEW_SHOWN by board."""

    count: int
    shown: list[ReportSummary]

    @property
    def more(self) -> bool:
        return self.count > len(self.shown)


@dataclass
class CoordinatorPeriod:
    period: ReportingPeriod
    by_state: dict[str, ReportGroup]
    overdue: ReportGroup
    rows_url: str = ""  # the dashboard's list of the period's boards (`lage=` to add)

    @property
    def count(self) -> int:
        return sum(group.count for group in self.by_state.values())


def coordinator_overview(user: User, today: date) -> list[CoordinatorPeriod]:
    """For each open period of the user's programmes, its reports by state and the
    overdue ones (not submitted, deadline passed): counted, and the first OVERVIEW_SHOWN of
    each by board named. Three queries whatever the number of boards."""
    periods = list(
        ReportingPeriod.objects.filter(
            programme__in=coordinated_programmes(user), state=PeriodState.OPEN
        ).select_related("programme")
    )
    reports = reports_visible_to(user).filter(period__in=periods)
    overdue = Report.overdue(today)
    by_period: dict[int, CoordinatorPeriod] = {
        period.pk: CoordinatorPeriod(
            period=period,
            by_state={state: ReportGroup(0, []) for state in ReportState.values},
            overdue=ReportGroup(0, []),
        )
        for period in periods
    }
    for period_id, state, n, n_overdue in (
        reports.values_list("period_id", "state")
        .annotate(n=Count("pk"), n_overdue=Count("pk", filter=overdue))
        .order_by()
    ):
        by_period[period_id].by_state[state].count = n
        by_period[period_id].overdue.count += n_overdue

    def first(partition: list[str], queryset: QuerySet[Report]) -> Q:
        # The reports first by board in each partition, before their fill counts are asked.
        rank = Window(RowNumber(), partition_by=partition, order_by=[F("board__name"), F("pk")])
        ranked = queryset.annotate(rank=rank).filter(rank__lte=OVERVIEW_SHOWN).values("pk")
        return Q(pk__in=ranked)

    # The first of each state and the first overdue, in one query, by board as ranked.
    shown = Report.objects.filter(
        first(["period", "state"], reports) | first(["period"], reports.filter(overdue))
    ).order_by("board__name", "pk")
    for summary in _summaries(shown, today):
        entry = by_period[summary.report.period_id]
        for group, belongs in (
            (entry.by_state[summary.report.state], True),
            (entry.overdue, summary.overdue),
        ):
            if belongs and len(group.shown) < OVERVIEW_SHOWN:
                group.shown.append(summary)
    return list(by_period.values())


def reopened_reports(user: User, today: date) -> list[ReportSummary]:
    """The reports of the user's programmes open as a controlled exception in a locked
    period (reopened, or returned after the period was locked), the first due first."""
    reports = reports_visible_to(user).filter(
        period__programme__in=coordinated_programmes(user),
        period__state=PeriodState.LOCKED,
        reopened=True,
    )
    return _summaries(reports.order_by(Report.due_date_expression(), "board__name"), today)


def reports_of_period(user: User, period: ReportingPeriod) -> QuerySet[Report]:
    """Every report of the period the user may read, by board."""
    return reports_visible_to(user).filter(period=period).order_by("board__name")


def period_reports(user: User, period: ReportingPeriod, today: date) -> list[ReportSummary]:
    """The period's reports (`reports_of_period`) with how much of each is filled."""
    return _summaries(reports_of_period(user, period), today)


def periods_for_coordinator(user: User) -> QuerySet[ReportingPeriod]:
    """The periods of the user's programmes, each with `report_count` and `reported_count`
    (its reports submitted or approved: "inskickade eller godkända")."""
    return (
        ReportingPeriod.objects.filter(programme__in=coordinated_programmes(user))
        .select_related("programme")
        .annotate(
            report_count=_counted(Report.objects.all(), "period"),
            reported_count=_counted(Report.objects.all(), "period", reported("")),
        )
        .order_by("programme", "-year", "-position")
    )


@dataclass(frozen=True)
class PeriodReportCounts:
    total: int
    reported: int  # submitted or approved


def period_report_counts(period: ReportingPeriod) -> PeriodReportCounts:
    counts = period.reports.aggregate(total=Count("pk"), reported=Count("pk", filter=reported("")))
    return PeriodReportCounts(total=counts["total"], reported=counts["reported"])


def with_api_rows(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports with what `api.report_json` reads: rows, events, files, period and board."""
    return reports.select_related("period__programme", "board").prefetch_related(
        *(Prefetch(kind.related_name, queryset=kind.rows(goals=False)) for kind in ROW_KINDS),
        Prefetch("events", queryset=ReportEvent.objects.select_related("actor")),
        attachments_prefetch(),
    )


def reports_for_api(user: User) -> QuerySet[Report]:
    return with_api_rows(reports_visible_to(user))


def period_codes(programme_slug: str | None = None) -> list[str]:
    """The codes of the periods there are (of one programme's, with a slug), in the order of
    each programme's cycle, programme by programme as they were added; one query."""
    periods = ReportingPeriod.objects.order_by("programme_id", "position")
    if programme_slug is not None:
        periods = periods.filter(programme__slug=programme_slug)
    return list(dict.fromkeys(periods.values_list("kind", flat=True)))

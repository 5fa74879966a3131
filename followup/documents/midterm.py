"""What the halvtidsrapport (mid-term report) shows, gathered from the data.

The implementation plan promises a "halvvägsrapport" around the middle of the programme
period, "för att mer fördjupat följa upp arbetet och belysa eventuella behov av mer stöd från
socialförvaltningen". It follows the programme from its first year up to the chosen one
through the boards' verksamhetsberättelser (VB): how the activities have moved, how the
boards judge their fulfilment of each goal, where the indicators are heading, what the boards
themselves write, and where more support is needed. Beside the figures stand the samordnare's
own sections (`MidtermSection`), written in the app before the document is rendered.

Every figure comes from the city-wide engine (`followup.rollup`), the same that counts the
dashboard and the samlad uppföljning: the reports per year (`report_counts`), the activity
and goal rows per goal and year (`activity_tallies`, `fulfilment_tallies`) and the
indicators' values and trends (`indicator_figures`). Here they are only arranged year by year.
The document costs the same thirteen queries whether the city has twenty boards or two
thousand, and whatever the number of years:

1. the programme's periods; 2. the reports per VB period and state (and the responsible
boards, only for a year not opened or without reports);
3. the goals, 4. their prerequisites;
5. the indicators' responsible boards, 6. their values summed per indicator and year,
7. the indicators;
8. activity rows counted per goal, year, status and assessment;
9. goal rows counted per goal, year and fulfilment;
10. the boards with the most "Ej enligt plan" (a bounded number);
11. the activities no board has got past "Ej påbörjad";
12. a bounded number of the boards' analyses per goal (a window function);
13. the samordnare's sections.

Roll-up rules (DESIGN.md, kept by the engine): a report counts when it is submitted or
approved; a share is Σ numerators / Σ denominators over the boards that reported it; counts
are summed; a board or year that has not reported is missing, never zero, and a year whose
period was never opened reads "ej öppnad". The boards' own activities count in the activity
figures (they are part of the boards' work under the goal), but their own indicators do not:
one board's indicator has no city-wide value.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Choices, Count, F, Q, Window
from django.db.models.functions import Length, RowNumber
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from catalog.models import (
    Activity,
    Goal,
    Indicator,
    IndicatorKind,
    Prerequisite,
    Programme,
    annual_plural,
)
from followup.charts import Bar, trend_chart
from followup.documents.pdf import chart_for_print
from followup.models import (
    PREREQUISITE_SYMBOLS,
    ActivityStatus,
    Assessment,
    Fulfilment,
    GoalAssessment,
    MidtermSection,
    MidtermSectionKind,
    PrerequisiteState,
    Progress,
    ReportingPeriod,
    reported,
)
from followup.rollup import (
    ASSESSED,
    Bucket,
    Completeness,
    IndicatorFigure,
    ReportCounts,
    Scope,
    Tally,
    TallyKey,
    TrendPoint,
    activity_tallies,
    figures_stamp,
    fulfilment_tallies,
    indicator_figures,
    is_opened,
    percent_text,
    programme_periods,
    report_counts,
)

# The figures kept in the cache per change of their data (`_figures_key`): raise the
# revision when a release changes what they hold; a day's timeout lets old ones go.
FIGURES_REVISION = 1
FIGURES_CACHE_SECONDS = 24 * 3600
TOP_BOARDS = 5  # boards named under "where more support is needed"
EXCERPTS_PER_LEVEL = 2  # analyses quoted per goal and level of fulfilment
EXCERPT_FETCH = 4  # fetched per level, so that boards repeating each other can be skipped
EXCERPT_LENGTH = 450  # characters quoted from one analysis

# Past "Ej påbörjad": the activity has got going somewhere.
STARTED = (Progress.STARTED, Progress.ONGOING, Progress.DONE)


def middle_year(programme: Programme) -> int:
    """The programme's middle year: 2023 for 2021–2025, 2025 for 2024–2027."""
    years = programme.years
    return years[(len(years) - 1) // 2]


@dataclass(frozen=True)
class YearColumn:
    """One year of the document: its verksamhetsberättelse and how many boards sent it in."""

    year: int
    period: ReportingPeriod | None  # None: the year has no VB period
    completeness: Completeness  # reports reported of those expected

    @property
    def period_pk(self) -> int:
        """The VB period's id, for a year that has one (every year with data)."""
        assert self.period is not None
        return self.period.pk

    @property
    def has_data(self) -> bool:
        return self.completeness.reported > 0


@dataclass(frozen=True)
class Distribution:
    """A year's reported rows over a scale; `completeness` is rows reported of rows expected
    (rows in reports not yet sent in are expected but not counted)."""

    column: YearColumn
    counts: list[Bucket]
    completeness: Completeness

    @property
    def missing(self) -> bool:
        return self.completeness.reported == 0

    def count(self, key: str) -> int:
        return sum(entry.count for entry in self.counts if entry.key == key)

    @property
    def started_share(self) -> float | None:
        """Of the activities that apply ("Ej aktuell" left out), the share past "Ej
        påbörjad": what the charts draw."""
        applicable = self.completeness.reported - self.count(Progress.NOT_APPLICABLE)
        started = sum(self.count(key) for key in STARTED)
        return 100 * started / applicable if applicable else None


@dataclass
class IndicatorTrend:
    """An indicator year by year (the engine's trend: value, and boards that gave a value of
    boards expected to), with its chart."""

    indicator: Indicator
    points: list[TrendPoint]
    chart: SafeString


@dataclass(frozen=True)
class PrerequisiteView:
    prerequisite: Prerequisite
    state: str  # a PrerequisiteState, or "" when the samordnare has not judged it

    @property
    def label(self) -> str:
        return PrerequisiteState(self.state).label if self.state else "Ej bedömd"

    @property
    def symbol(self) -> str:
        return PREREQUISITE_SYMBOLS.get(self.state, "–")


@dataclass(frozen=True)
class Excerpt:
    board: str
    fulfilment: str
    fulfilment_label: str
    text: str


@dataclass
class GoalPart:
    goal: Goal
    prerequisites: list[PrerequisiteView]
    section: MidtermSection | None
    progress: list[Distribution]  # one per year
    assessment: list[Distribution]
    fulfilment: list[Distribution]
    indicators: list[IndicatorTrend]
    excerpts: list[Excerpt]
    progress_chart: SafeString
    basis_index: int | None  # the year the document's "now" is, as an index of the years

    @property
    def anchor(self) -> str:
        return f"mal-{self.goal.number}"

    @property
    def progress_now(self) -> Distribution | None:
        return None if self.basis_index is None else self.progress[self.basis_index]

    @property
    def fulfilment_now(self) -> Distribution | None:
        return None if self.basis_index is None else self.fulfilment[self.basis_index]


@dataclass(frozen=True)
class BoardOffTrack:
    """A board with activities "Ej enligt plan" in the latest year, and its earlier years
    (None where it had not reported)."""

    board: str
    off_track: int
    rows: int
    by_year: list[int | None]


@dataclass(frozen=True)
class NotStarted:
    """A programme activity no board has got past "Ej påbörjad" in the latest year."""

    activity: Activity
    not_started: int  # boards reporting "Ej påbörjad"
    reported: int  # boards reporting on it at all


@dataclass
class MidtermDocument:
    programme: Programme
    year: int
    columns: list[YearColumn]
    basis: YearColumn | None  # the latest year with a verksamhetsberättelse sent in
    goals: list[GoalPart]
    progress: list[Distribution]  # all goals together, per year
    assessment: list[Distribution]
    fulfilment: list[Distribution]
    progress_chart: SafeString
    top_boards: list[BoardOffTrack]
    not_started: list[NotStarted]
    sections: dict[str, MidtermSection] = field(default_factory=dict)
    generated_on: date = field(default_factory=date.today)
    annual_name: str = "Verksamhetsberättelse"  # the programme's annual period
    has_indicators: bool = True  # the programme has indicators of its own
    # A final halvtidsrapport has its figures frozen (followup.final); until then every page
    # says "Utkast".
    final: bool = False

    @property
    def unwritten(self) -> list[str]:
        """The samordnare's sections not yet written, in the document's order: named once,
        at the start, instead of under every empty heading."""
        label = self.programme.goal_label
        sections = [("Sammanfattning", self.summary_section)]
        sections += [(f"{label} {part.goal.number}", part.section) for part in self.goals]
        sections += [
            ("Där mer stöd behövs", self.support_section),
            ("Inför programperiodens andra hälft", self.next_section),
        ]
        return [name for name, section in sections if not (section and section.text.strip())]

    @property
    def annual_plural(self) -> str:
        """ "verksamhetsberättelser", "årsberättelser"."""
        return annual_plural(self.annual_name)

    @property
    def annual_definite(self) -> str:
        """ "verksamhetsberättelserna", "årsberättelserna"."""
        return annual_plural(self.annual_name, definite=True)

    @property
    def first_year(self) -> int:
        return self.programme.start_year

    @property
    def title(self) -> str:
        return f"Halvtidsrapport {self.year}"

    @property
    def summary_rows(self) -> list[dict]:
        """The key figures year by year, for the summary's table."""
        rows = []
        for column, progress, assessment, fulfilment in zip(
            self.columns, self.progress, self.assessment, self.fulfilment, strict=True
        ):
            off_track = assessment.count(Assessment.OFF_TRACK)
            reported = assessment.completeness.reported
            rows.append(
                {
                    "column": column,
                    "progress": progress,
                    "started": percent_text(progress.started_share),
                    "off_track": off_track,
                    "off_track_share": percent_text(
                        100 * off_track / reported if reported else None
                    ),
                    "fulfilment": fulfilment,
                    "full": fulfilment.count(Fulfilment.FULL),
                }
            )
        return rows

    @property
    def summary_section(self) -> MidtermSection | None:
        return self.sections.get(MidtermSectionKind.SUMMARY)

    @property
    def support_section(self) -> MidtermSection | None:
        return self.sections.get(MidtermSectionKind.SUPPORT)

    @property
    def next_section(self) -> MidtermSection | None:
        return self.sections.get(MidtermSectionKind.NEXT)


# --- Building it -------------------------------------------------------------------------


def midterm_document(
    programme: Programme, year: int, *, for_print: bool = False
) -> MidtermDocument:
    """Everything the halvtidsrapport for `year` shows, from the programme's first year up to
    `year`. The caller checks that the user may read the programme and that `year` is one
    of its years. `for_print` sets the charts in the PDF's fonts.

    The figures are computed once per change of what they are read from (`_figures_key`)
    and kept in the cache: at a hundred times Stockholm they read every board's reports of
    every year. The samordnare's sections are read fresh each time."""
    periods = programme_periods(programme)
    key = _figures_key(programme, year, periods, for_print=for_print)
    document: MidtermDocument | None = cache.get(key)
    if document is None:
        document = _figures(programme, year, periods, for_print=for_print)
        cache.set(key, document, timeout=FIGURES_CACHE_SECONDS)
    sections = {
        section.key: section
        for section in MidtermSection.objects.filter(
            report__programme=programme, report__year=year
        ).select_related("goal", "updated_by", "report")
    }
    goals = []
    for part in document.goals:
        section = sections.get(part.anchor)
        states = section.prerequisite_states if section else {}
        prerequisites = [
            PrerequisiteView(item, _state(states.get(str(item.pk))))
            for item in part.goal.prerequisites.all()
        ]
        goals.append(replace(part, section=section, prerequisites=prerequisites))
    return replace(
        document,
        goals=goals,
        sections=sections,
        generated_on=date.today(),
        # Made final only once every section is written: the sections' report tells.
        final=any(section.report.is_final for section in sections.values()),
    )


def _figures_key(
    programme: Programme, year: int, periods: list[ReportingPeriod], *, for_print: bool
) -> str:
    """What the figures of the halvtidsrapport for `year` are read from: the catalog, the
    programme's periods and its VB reports up to `year` (`figures_stamp`). Two queries."""
    annual = [p.pk for p in periods if p.is_annual and p.year <= year]
    source = (
        f"{FIGURES_REVISION} {programme.pk} {year} {for_print} {figures_stamp(periods, annual)}"
    )
    return "midterm-figures:" + hashlib.sha256(source.encode()).hexdigest()


def _figures(
    programme: Programme, year: int, periods: list[ReportingPeriod], *, for_print: bool
) -> MidtermDocument:
    """The document without the samordnare's sections (`midterm_document` adds them)."""
    finish: Callable[[SafeString], SafeString] = chart_for_print if for_print else _same
    years = range(programme.start_year, year + 1)
    by_year = {p.year: p for p in periods if p.is_annual and p.year in years}
    vb_periods = list(by_year.values())
    period_ids = [period.pk for period in vb_periods]
    # The engine counts within a scope; the year's VB period (or the latest before it)
    # anchors it, and every query below covers all of `vb_periods`.
    anchor = by_year.get(year) or (vb_periods[-1] if vb_periods else None)
    scope = (
        Scope(programme=programme, period=anchor, previous=None, periods=tuple(periods))
        if anchor
        else None
    )
    counts = report_counts(scope, vb_periods) if scope else ReportCounts({}, {})
    columns = [
        YearColumn(
            year=each,
            period=by_year.get(each),
            completeness=counts.completeness[by_year[each].pk]
            if each in by_year
            else Completeness(0, 0),
        )
        for each in years
    ]
    with_data = [column for column in columns if column.has_data]
    basis = with_data[-1] if with_data else None
    basis_index = columns.index(basis) if basis else None

    goals = list(
        Goal.objects.filter(programme=programme)
        .annotate(indicator_count=Count("indicators", filter=Q(indicators__added_by__isnull=True)))
        .order_by("number")
        .prefetch_related("prerequisites")
    )
    indicators: list[IndicatorFigure] = []
    progress_tallies: dict[TallyKey, Tally] = {}
    assessment_tallies: dict[TallyKey, Tally] = {}
    fulfilment_counts: dict[TallyKey, Tally] = {}
    if scope is not None:
        indicators = indicator_figures(scope, vb_periods, counts, years=years)
        progress_tallies, assessment_tallies = activity_tallies(scope.activity_rows(period_ids))
        fulfilment_counts = fulfilment_tallies(scope.goal_rows(period_ids))
    top_boards: list[BoardOffTrack] = []
    not_started: list[NotStarted] = []
    excerpts: dict[int, list[Excerpt]] = {}
    if basis is not None:
        top_boards = _top_boards(columns, basis)
        not_started = _not_started(programme, basis)
        excerpts = _excerpts(basis)

    def distributions(
        tallies: dict[TallyKey, Tally], goal_ids: Iterable[int], scale: type
    ) -> list[Distribution]:
        ids = set(goal_ids)
        # "Ej angivet" is a column of every year or of none, so that the years line up.
        blank = any(tally.counts.get("") for (goal, _), tally in tallies.items() if goal in ids)
        return [_distribution(column, tallies, ids, scale, blank=blank) for column in columns]

    parts = []
    for goal in goals:
        progress = distributions(progress_tallies, [goal.pk], Progress)
        parts.append(
            GoalPart(
                goal=goal,
                prerequisites=[],  # with the sections, by midterm_document
                section=None,
                progress=progress,
                assessment=distributions(assessment_tallies, [goal.pk], Assessment),
                fulfilment=distributions(fulfilment_counts, [goal.pk], Fulfilment),
                indicators=[
                    _indicator_trend(figure, finish)
                    for figure in indicators
                    if figure.indicator.goal_id == goal.pk
                ],
                excerpts=excerpts.get(goal.pk, []),
                progress_chart=finish(
                    _progress_chart(
                        f"mal-{goal.number}-status",
                        f"{programme.goal_label} {goal.number}: andel av "
                        f"{programme.activities_definite} som har kommit igång år för år",
                        progress,
                    )
                ),
                basis_index=basis_index,
            )
        )
    goal_ids = [goal.pk for goal in goals]
    progress = distributions(progress_tallies, goal_ids, Progress)
    return MidtermDocument(
        programme=programme,
        year=year,
        columns=columns,
        basis=basis,
        goals=parts,
        progress=progress,
        assessment=distributions(assessment_tallies, goal_ids, Assessment),
        fulfilment=distributions(fulfilment_counts, goal_ids, Fulfilment),
        progress_chart=finish(
            _progress_chart(
                "hela-programmet-status",
                f"Hela programmet: andel av {programme.activities_definite} "
                "som har kommit igång, år för år",
                progress,
            )
        ),
        top_boards=top_boards,
        not_started=not_started,
        annual_name=next(
            (period.name for period in periods if period.is_annual), "Verksamhetsberättelse"
        ),
        has_indicators=any(goal.indicator_count for goal in goals),
    )


def _state(value: object) -> str:
    """A stored judgement of a prerequisite, or "" if it is not one (any more)."""
    return value if value in PrerequisiteState.values else ""


def _distribution(
    column: YearColumn,
    tallies: dict[TallyKey, Tally],
    goal_ids: set[int],
    scale: type[Choices],
    *,
    blank: bool,
) -> Distribution:
    """One year of the goals' rows over a scale, from the engine's tallies."""
    period = column.period
    keys = [] if period is None else [(goal_id, period.pk) for goal_id in goal_ids]
    tally = Tally.merged(tallies[key] for key in keys if key in tallies)
    return Distribution(
        column=column,
        counts=tally.buckets(scale, blank=blank),
        completeness=tally.completeness(period is None or is_opened(period)),
    )


def _same(svg: SafeString) -> SafeString:
    return svg


def _indicator_trend(
    figure: IndicatorFigure, finish: Callable[[SafeString], SafeString]
) -> IndicatorTrend:
    indicator, points = figure.indicator, figure.trend
    count = indicator.kind == IndicatorKind.COUNT
    chart = trend_chart(
        chart_id=f"indikator-{indicator.pk}",
        title=f"Utveckling år för år: {indicator.text}",
        desc="; ".join(f"{point.year}: {point.value.text}" for point in points),
        points=[
            Bar(
                str(point.year),
                point.value.number,
                point.value.text if count else percent_text(point.value.number),
            )
            for point in points
        ],
        max_value=None if count else 100,
    )
    return IndicatorTrend(indicator=indicator, points=points, chart=finish(chart))


def _progress_chart(chart_id: str, title: str, progress: list[Distribution]) -> SafeString:
    return trend_chart(
        chart_id=chart_id,
        title=title,
        desc="; ".join(
            f"{entry.column.year}: "
            + ("saknas" if entry.missing else percent_text(entry.started_share))
            for entry in progress
        ),
        points=[
            Bar(
                str(entry.column.year),
                None if entry.missing else entry.started_share,
                percent_text(entry.started_share),
            )
            for entry in progress
        ],
        max_value=100,
    )


def _top_boards(columns: list[YearColumn], basis: YearColumn) -> list[BoardOffTrack]:
    """The boards with the most activities "Ej enligt plan" in the latest year, with their
    count in each earlier year (missing where the board had not reported)."""
    periods = [column.period for column in columns if column.period is not None]
    off_track = ASSESSED & Q(assessment=Assessment.OFF_TRACK)
    annotations = {}
    for period in periods:
        in_period = Q(report__period_id=period.pk)
        annotations[f"off_{period.pk}"] = Count("pk", filter=in_period & off_track)
        annotations[f"rows_{period.pk}"] = Count("pk", filter=in_period)
    now = basis.period_pk
    # The keys of the per-year counts are made here, so the type checker cannot know them.
    rows: Iterable[Mapping[str, Any]] = (
        ActivityStatus.objects.filter(reported(), report__period__in=[p.pk for p in periods])
        .values("report__board_id", "report__board__name")
        .annotate(**annotations)
        .filter(**{f"off_{now}__gt": 0})
        .order_by(f"-off_{now}", "report__board__name")[:TOP_BOARDS]
    )
    return [
        BoardOffTrack(
            board=row["report__board__name"],
            off_track=row[f"off_{now}"],
            rows=row[f"rows_{now}"],
            by_year=[
                row[f"off_{column.period.pk}"]
                if column.period is not None and row[f"rows_{column.period.pk}"]
                else None
                for column in columns
            ],
        )
        for row in rows
    ]


def _not_started(programme: Programme, basis: YearColumn) -> list[NotStarted]:
    """The programme's activities that boards reported on in the latest year, none of them
    past "Ej påbörjad" (and at least one "Ej påbörjad": an activity every board found "Ej
    aktuell" needs no support to start)."""
    # Filtering before annotating joins only the latest year's reported rows, and the
    # counts are made over that one join.
    activities = (
        Activity.objects.in_programme()
        .filter(
            reported("statuses__report__"),
            goal__programme=programme,
            statuses__report__period_id=basis.period_pk,
        )
        .annotate(
            reported=Count("statuses"),
            started=Count("statuses", filter=Q(statuses__progress__in=STARTED)),
            not_started=Count("statuses", filter=Q(statuses__progress=Progress.NOT_STARTED)),
        )
        .filter(started=0, not_started__gt=0)
        .select_related("goal")
        .order_by("goal__number", "position")
    )
    return [
        NotStarted(activity=activity, not_started=activity.not_started, reported=activity.reported)
        for activity in activities
    ]


def _excerpts(basis: YearColumn) -> dict[int, list[Excerpt]]:
    """A few of the boards' analyses of each goal in the latest year: per level of
    fulfilment the fullest ones, a board's text quoted once even if others wrote the same."""
    rows = (
        GoalAssessment.objects.filter(reported(), report__period_id=basis.period_pk)
        .exclude(analysis="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("goal_id"), F("fulfilment")],
                order_by=[Length("analysis").desc(), F("report__board__name").asc()],
            )
        )
        .filter(rank__lte=EXCERPT_FETCH)
        .values("goal_id", "fulfilment", "analysis", "report__board__name")
        .order_by("goal_id", "fulfilment", "rank")
    )
    labels = dict(Fulfilment.choices)
    order = {key: index for index, key in enumerate(Fulfilment.values)}
    chosen: dict[int, list[Excerpt]] = defaultdict(list)
    seen: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in rows:
        level = (row["goal_id"], row["fulfilment"])
        text = " ".join(row["analysis"].split())
        if text in seen[level] or len(seen[level]) >= EXCERPTS_PER_LEVEL:
            continue
        seen[level].add(text)
        chosen[row["goal_id"]].append(
            Excerpt(
                board=row["report__board__name"],
                fulfilment=row["fulfilment"],
                fulfilment_label=labels.get(row["fulfilment"], "Ej angivet"),
                text=Truncator(text).chars(EXCERPT_LENGTH),
            )
        )
    for excerpts in chosen.values():
        excerpts.sort(key=lambda excerpt: order.get(excerpt.fulfilment, len(order)))
    return chosen


# --- Frozen when final -------------------------------------------------------------------


def _distribution_json(entry: Distribution) -> dict[str, Any]:
    return {
        "year": entry.column.year,
        "completeness": entry.completeness.as_dict(),
        "counts": {
            bucket.key: {"label": bucket.label, "count": bucket.count} for bucket in entry.counts
        },
    }


def midterm_figures(document: MidtermDocument) -> dict[str, Any]:
    """The document's figures, JSON-ready: what a final halvtidsrapport freezes
    (`followup.final`) and what its publication shows. Only aggregates: no board's name or
    text (the boards' analyses quoted in the document stay in its PDF)."""
    return {
        "programme": document.programme.slug,
        "year": document.year,
        "first_year": document.first_year,
        "annual_name": document.annual_name,
        "years": [
            {"year": column.year, "completeness": column.completeness.as_dict()}
            for column in document.columns
        ],
        "goals": [
            {
                "number": part.goal.number,
                "title": part.goal.title,
                "prerequisites": [
                    {"text": view.prerequisite.text, "state": view.state, "label": view.label}
                    for view in part.prerequisites
                ],
                "progress": [_distribution_json(entry) for entry in part.progress],
                "assessment": [_distribution_json(entry) for entry in part.assessment],
                "fulfilment": [_distribution_json(entry) for entry in part.fulfilment],
                "indicators": [
                    {
                        "id": trend.indicator.pk,
                        "text": trend.indicator.text,
                        "kind": str(trend.indicator.kind),
                        "trend": [
                            {
                                "year": point.year,
                                "value": point.value.as_dict(),
                                "completeness": point.completeness.as_dict(),
                            }
                            for point in trend.points
                        ],
                    }
                    for trend in part.indicators
                ],
            }
            for part in document.goals
        ],
    }

"""The city-wide dashboard: the state of a whole period, for samordnare and city-wide readers.

The dashboard shows counts and sums only; every number links to the rows behind it
(`dashboard_rows`), a page at a time, loaded in place with htmx or opened as a page of its
own without JavaScript. Both cost the same few queries whatever the number of boards.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TypeVar, cast, overload
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from catalog.models import Goal, IndicatorKind, PreventionLevel, Programme
from followup import access, rollup
from followup.charts import Bar, bar_chart, trend_chart
from followup.models import (
    ASSESSMENT_SYMBOLS,
    Assessment,
    Fulfilment,
    Progress,
    ReportState,
)
from valdprogram.http import AuthenticatedHttpRequest

ROWS_PER_PAGE = 50
PROGRESS_LABELS = dict(Progress.choices)
ASSESSMENT_LABELS = dict(Assessment.choices)
BLANK = "-"  # in a link: the rows where the scale was left blank ("Ej angivet")
# The figures kept in the cache per change of their data (`_figures`): raise the revision
# when a release changes what they hold; a day's timeout lets old ones go.
Kept = TypeVar("Kept")

FIGURES_REVISION = 1
FIGURES_CACHE_SECONDS = 24 * 3600


@dataclass
class GoalView:
    figure: rollup.GoalFigure
    progress_chart: str
    assessment_chart: str
    indicators: list["IndicatorView"]


@dataclass
class IndicatorView:
    figure: rollup.IndicatorFigure
    trend_chart: str


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _distribution(
    chart_id: str, title: str, buckets: list[rollup.Bucket], programme: Programme
) -> str:
    total = buckets[0].total if buckets else 0
    return bar_chart(
        chart_id=chart_id,
        title=title,
        desc=f"Fördelning av {total} rapporterade {programme.activity_label_plural.lower()}: "
        + "; ".join(f"{b.label} {b.count} ({b.share_text})" for b in buckets),
        bars=[Bar(b.label, b.count, f"{b.count} ({b.share_text})") for b in buckets],
        max_value=total or 1,
    )


def _trend(figure: rollup.IndicatorFigure) -> str:
    share_like = figure.indicator.kind != IndicatorKind.COUNT
    return trend_chart(
        chart_id=f"i{figure.indicator.pk}-trend",
        title=f"Utveckling över åren: {figure.indicator.text}",
        desc="; ".join(f"{p.year}: {p.value.text}" for p in figure.trend),
        points=[
            Bar(
                str(p.year),
                p.value.number,
                rollup.percent_text(p.value.number) if share_like else p.value.text,
            )
            for p in figure.trend
        ],
        max_value=100 if share_like else None,
    )


def _goal_view(figure: rollup.GoalFigure, programme: Programme) -> GoalView:
    number = figure.goal.number
    return GoalView(
        figure=figure,
        progress_chart=_distribution(
            f"g{number}-progress", "Status", figure.by_progress, programme
        ),
        assessment_chart=_distribution(
            f"g{number}-assessment", "Bedömning", figure.by_assessment, programme
        ),
        indicators=[IndicatorView(item, _trend(item)) for item in figure.indicators],
    )


@dataclass
class Selection:
    """What the reader chose: programme, period, goal and kind of board."""

    programmes: list[Programme]
    programme: Programme
    scope: rollup.Scope

    @property
    def query(self) -> str:
        """The selection as a query string, for the links to the rows behind a number."""
        scope = self.scope
        params = {"program": self.programme.slug, "ar": scope.period.year}
        params["period"] = scope.period.kind
        if scope.goal_number is not None:
            params["mal"] = scope.goal_number
        if scope.board_group:
            params["namnder"] = scope.board_group
        if scope.prevention_level:
            params["niva"] = scope.prevention_level
        return urlencode(params)


def _selection(request: HttpRequest) -> Selection:
    """The reader's selection from the query string; 404 for a reader of no programme."""
    programmes: list[Programme] = list(access.city_wide_programmes(request.user))
    if not programmes:
        raise Http404("Sidan finns inte.")
    programme = next((p for p in programmes if p.slug == request.GET.get("program")), None)
    programme = programme or programmes[0]
    periods = rollup.programme_periods(programme)
    period = next(
        (
            p
            for p in periods
            if p.year == _int(request.GET.get("ar")) and p.kind == request.GET.get("period")
        ),
        None,
    ) or rollup.default_period(periods)
    if period is None:
        raise Http404("Programmet har inga perioder.")
    scope = rollup.make_scope(
        programme,
        period.year,
        period.kind,
        goal_number=_int(request.GET.get("mal")),
        board_group=request.GET.get("namnder"),
        periods=periods,
        prevention_level=request.GET.get("niva"),
    )
    return Selection(programmes=programmes, programme=programme, scope=scope)


@dataclass
class Figures:
    """What the dashboard shows of a selection: the roll-up and each goal's charts."""

    rollup: rollup.Rollup
    goals: list[GoalView]


def _figures(selection: Selection, today: date) -> Figures:
    """The selection's figures, computed once per change of what they are read from
    (`rollup.rollup_stamp`, and `today` for what is overdue) and kept in the cache: at a
    hundred times Stockholm they count hundreds of thousands of rows."""
    scope = selection.scope

    def count() -> Figures:
        counted = rollup.period_rollup(
            selection.programme,
            scope.period.year,
            scope.period.kind,
            goal_number=scope.goal_number,
            board_group=scope.board_group,
            today=today,
            periods=list(scope.periods),
            prevention_level=scope.prevention_level,
        )
        goals = [_goal_view(figure, selection.programme) for figure in counted.goals]
        return Figures(rollup=counted, goals=goals)

    chosen = f"{scope.period.pk} {scope.goal_number} {scope.board_group} {scope.prevention_level}"
    return _kept("dashboard-figures", scope, f"{chosen} {today}", count)


def _kept(name: str, scope: rollup.Scope, chosen: str, compute: Callable[[], Kept]) -> Kept:
    """What `compute` returns for what is `chosen`, kept in the cache until what the scope's
    roll-up reads changes (`rollup.rollup_stamp`): the dashboard's figures and the counts of
    the rows behind them, which at a hundred times Stockholm read hundreds of thousands of
    rows."""
    source = f"{FIGURES_REVISION} {chosen} {rollup.rollup_stamp(scope)}"
    key = f"{name}:{hashlib.sha256(source.encode()).hexdigest()}"
    kept: Kept | None = cache.get(key)
    if kept is None:
        kept = compute()
        cache.set(key, kept, timeout=FIGURES_CACHE_SECONDS)
    return kept


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    scope = selection.scope
    figures = _figures(selection, timezone.localdate())
    return render(
        request,
        "followup/dashboard.html",
        {
            "programmes": selection.programmes,
            "programme": selection.programme,
            "years": sorted({p.year for p in scope.periods}),
            "period_kinds": rollup.cycle_choices(scope.periods),
            "board_groups": [(key, label) for key, (label, _) in rollup.BOARD_GROUPS.items()],
            "selected_group": scope.board_group or "",
            # Offered where the programme marks its activities with a prevention level.
            "levels": PreventionLevel.choices if figures.rollup.has_prevention_levels else [],
            "selected_level": scope.prevention_level or "",
            "rollup": figures.rollup,
            "goals": figures.goals,
            "query": selection.query,
            "rows_url": reverse("dashboard-rows"),
        },
    )


# --- The rows behind a number -------------------------------------------------------------


def _choice(
    params: QueryDict, name: str, choices: type[models.TextChoices] | list[str]
) -> str | None:
    """A scale value from the query string: None when absent, "" for BLANK; 404 when it is
    not a value of the scale (a hand-edited link should not silently show something else)."""
    value = params.get(name)
    if value is None:
        return None
    if value == BLANK:
        return ""
    allowed = choices if isinstance(choices, list) else choices.values
    if value not in allowed:
        raise Http404("Okänt urval.")
    return value


class ByReport:
    """Rows ordered by their report's board (name, then id) first, paged without sorting
    them all: one query counts each report's rows in that order (the page count, and where
    each report's rows begin), another reads the rows of the page's reports only. At a
    hundred times Stockholm a link can stand for ten thousand rows; sorting them all for
    each page of fifty was most of the page's time. For `Paginator`, which asks `count()`
    and a slice."""

    def __init__(self, rows: QuerySet, scope: rollup.Scope) -> None:
        self.rows = rows  # ordered by "report__board__name", "report__board_id", then any
        self.scope = scope  # what the rows are read from: reported rows of its periods
        self.ordered = rows.ordered

    @cached_property
    def _reports(self) -> list[tuple[int, int]]:
        """(report id, rows) in the rows' order; counted once per change of what they are
        read from (`rollup.rollup_stamp`, as the dashboard's figures: the rows are of
        reported reports only) and kept in the cache, since at a hundred times Stockholm
        the count reads every row behind the number."""
        counts = (
            self.rows.values("report_id")
            .annotate(n=Count("pk"))
            .order_by("report__board__name", "report__board_id")
            .values_list("report_id", "n")
        )
        sql, params = counts.query.sql_with_params()
        return _kept("dashboard-rows", self.scope, f"{sql} {params!r}", lambda: list(counts))

    def count(self) -> int:
        return sum(n for _, n in self._reports)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[models.Model]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> models.Model: ...
    @overload
    def __getitem__(self, index: slice) -> list[models.Model]: ...
    def __getitem__(self, index: int | slice) -> models.Model | list[models.Model]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        reports: list[int] = []
        first = end = 0  # where the first chosen report's rows begin; where the last end
        for report, n in self._reports:
            if end + n > start and (stop is None or end < stop):
                first = first if reports else end
                reports.append(report)
            end += n
        if not reports:
            return []
        rows = self.rows.filter(report__in=reports)
        return list(rows[start - first : None if stop is None else stop - first])


@dataclass
class Rows:
    kind: str  # which table the template draws
    title: str
    page: Page
    matrix: rollup.Matrix | None = None  # "matris": the page's boards × the goals


def _rows(scope: rollup.Scope, params: QueryDict) -> Rows:
    """The rows the link asked for (`visa`), a page at a time."""
    shown = params.get("visa")
    rows: QuerySet | ByReport  # of boards or of one kind of row, as the table asks
    if shown == "namnder":
        states = [rollup.NOT_STARTED, rollup.OVERDUE, "saknas", *ReportState.values]
        state = _choice(params, "lage", states)
        title = {
            None: "Alla nämnder",
            "saknas": "Nämnder som inte har rapporterat",
            rollup.NOT_STARTED: "Ej påbörjad",
            rollup.OVERDUE: "Försenade nämnder",
        }.get(state) or f"Nämnder: {ReportState(cast(str, state)).label.lower()}"
        rows = scope.board_states(state or None, timezone.localdate())
    elif shown == "aktiviteter":
        progress = _choice(params, "status", Progress)
        assessment = _choice(params, "bedomning", Assessment)
        rows = ByReport(
            rollup.activity_rows_behind(
                scope,
                progress=progress,
                assessment=assessment,
                board=_int(params.get("namnd")),
                activity=_int(params.get("aktivitet")),
            ),
            scope,
        )
        labels = [
            PROGRESS_LABELS.get(progress, "Ej angivet") if progress is not None else "",
            ASSESSMENT_LABELS.get(assessment, "Ej angivet") if assessment is not None else "",
        ]
        title = scope.programme.activity_label_plural + "".join(
            f": {label.lower()}" for label in labels if label
        )
    elif shown == "maluppfyllelse":
        fulfilment = _choice(params, "uppfyllelse", Fulfilment)
        rows = rollup.goal_rows_behind(scope, fulfilment)
        title = "Måluppfyllelse" + (
            f": {dict(Fulfilment.choices).get(fulfilment, 'Ej angivet').lower()}"
            if fulfilment is not None
            else ""
        )
    elif shown == "indikator" and (indicator := _int(params.get("indikator"))):
        rows = rollup.indicator_rows_behind(scope, indicator)
        title = "Indikatorns utfall per nämnd"
    elif shown == "matris":
        rows = scope.board_states()
        title = f"Bedömningar per {scope.programme.goal_label.lower()} och nämnd"
    elif shown == "egna-indikatorer":
        rows = ByReport(rollup.own_indicator_rows(scope), scope)
        title = "Nämndernas egna indikatorer"
    elif shown == "forandringar":
        scale = _choice(params, "skala", ["bedomning", "status"])
        values = Assessment if scale == "bedomning" else Progress
        rows = ByReport(
            rollup.changed_rows_behind(
                scope,
                scale=scale,
                before=_choice(params, "fran", values),
                after=_choice(params, "till", values),
            ),
            scope,
        )
        title = f"Förändringar sedan {scope.previous.label}" if scope.previous else "Förändringar"
    else:
        raise Http404("Okänt urval.")
    paginator = Paginator(rows, ROWS_PER_PAGE)
    page = paginator.get_page(params.get("sida"))
    if shown != "matris":
        return Rows(kind=shown, title=title, page=page)
    today = timezone.localdate()
    goals = list(Goal.objects.filter(scope.goal_filter("")).order_by("number"))
    page_boards = cast("list[rollup.BoardWithReport]", page.object_list)
    boards = [rollup.board_state(board, scope.period, today) for board in page_boards]
    matrix = rollup.assessment_matrix(scope, goals, boards, totals=[], expected=paginator.count)
    return Rows(kind=shown, title=title, page=page, matrix=matrix)


@require_safe
def dashboard_rows(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rows behind one number of the dashboard: in place (htmx) or as a page."""
    selection = _selection(request)
    rows = _rows(selection.scope, request.GET)
    for row in rows.page:
        if rows.kind == "forandringar":
            row.before_progress_label = PROGRESS_LABELS.get(row.before_progress, "–")
            row.before_assessment_label = " ".join(
                filter(
                    None,
                    [
                        ASSESSMENT_SYMBOLS.get(row.before_assessment),
                        ASSESSMENT_LABELS.get(row.before_assessment, "–"),
                    ],
                )
            )
    page_query = request.GET.copy()
    page_query.pop("sida", None)
    template = "followup/dashboard_rows.html"
    if request.htmx and not request.htmx.boosted:
        template += "#rows"
    return render(
        request,
        template,
        {
            "programme": selection.programme,
            "scope": selection.scope,
            "rows": rows,
            "page_query": page_query.urlencode(),
            "dashboard_query": selection.query,
            "query": selection.query,  # for the matrix's links (`rows_href`)
            "target": request.htmx.target if request.htmx else "",
            "report_states": ReportState.choices,
        },
    )

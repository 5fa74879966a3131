"""The city-wide dashboard: the state of a whole period, for samordnare and city-wide readers."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from catalog.models import IndicatorKind, Programme
from followup import access, rollup
from followup.charts import Bar, bar_chart, trend_chart
from followup.models import PeriodKind


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


def _distribution(chart_id: str, title: str, buckets: list[rollup.Bucket]) -> str:
    total = buckets[0].total if buckets else 0
    return bar_chart(
        chart_id=chart_id,
        title=title,
        desc=f"Fördelning av {total} rapporterade aktiviteter: "
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


def _goal_view(figure: rollup.GoalFigure) -> GoalView:
    number = figure.goal.number
    return GoalView(
        figure=figure,
        progress_chart=_distribution(f"g{number}-progress", "Status", figure.by_progress),
        assessment_chart=_distribution(f"g{number}-assessment", "Bedömning", figure.by_assessment),
        indicators=[IndicatorView(item, _trend(item)) for item in figure.indicators],
    )


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
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
    board_group = request.GET.get("namnder")
    board_group = board_group if board_group in rollup.BOARD_GROUPS else None
    figures = rollup.period_rollup(
        programme,
        period.year,
        period.kind,
        goal_number=_int(request.GET.get("mal")),
        board_group=board_group,
        today=timezone.localdate(),
        periods=periods,
    )
    return render(
        request,
        "followup/dashboard.html",
        {
            "programmes": programmes,
            "programme": programme,
            "years": sorted({p.year for p in periods}),
            "period_kinds": PeriodKind.choices,
            "board_groups": [(key, label) for key, (label, _) in rollup.BOARD_GROUPS.items()],
            "selected_group": board_group or "",
            "rollup": figures,
            "goals": [_goal_view(figure) for figure in figures.goals],
        },
    )

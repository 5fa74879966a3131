"""Reads of the catalog that pages and the API share.

Every function returns a queryset whose related rows are prefetched, so that rendering a
programme, a goal or a board costs the same few queries however large the catalog is.
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    Goal,
    Indicator,
    IndicatorResponsibility,
    Programme,
)


def _responsibilities(model: type[ActivityResponsibility | IndicatorResponsibility]) -> Prefetch:
    return Prefetch(
        "responsibilities",
        queryset=model._default_manager.select_related("board").order_by("board__name"),
    )


def _activities(queryset: QuerySet[Activity] | None = None) -> Prefetch:
    queryset = Activity.objects.in_programme() if queryset is None else queryset
    return Prefetch(
        "activities", queryset=queryset.prefetch_related(_responsibilities(ActivityResponsibility))
    )


def _indicators(queryset: QuerySet[Indicator] | None = None) -> Prefetch:
    queryset = Indicator.objects.in_programme() if queryset is None else queryset
    return Prefetch(
        "indicators",
        queryset=queryset.prefetch_related(_responsibilities(IndicatorResponsibility)),
    )


def programmes() -> QuerySet[Programme]:
    return Programme.objects.annotate(goal_count=Count("goals"))


def programme_with_goals(slug: str) -> QuerySet[Programme]:
    """The programme and its goals with how many of each kind of item hangs under them."""
    goals = Goal.objects.annotate(
        prerequisite_count=Count("prerequisites", distinct=True),
        activity_count=Count(
            "activities", filter=Q(activities__added_by__isnull=True), distinct=True
        ),
        indicator_count=Count(
            "indicators", filter=Q(indicators__added_by__isnull=True), distinct=True
        ),
    )
    return Programme.objects.filter(slug=slug).prefetch_related(Prefetch("goals", queryset=goals))


def programme_catalog(slug: str) -> QuerySet[Programme]:
    """The whole tree of one programme: goals, prerequisites, activities, indicators, boards."""
    goals = Goal.objects.prefetch_related("prerequisites", _activities(), _indicators())
    return Programme.objects.filter(slug=slug).prefetch_related(Prefetch("goals", queryset=goals))


def goal_in_programme(programme_slug: str, number: int) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(programme__slug=programme_slug, number=number)
        .select_related("programme")
        .prefetch_related("prerequisites", _activities(), _indicators())
    )


def boards_with_commitments(programme: Programme) -> QuerySet[Board]:
    """Boards responsible for anything in the programme, with their number of commitments."""
    in_programme_activities = Q(
        activity_roles__activity__goal__programme=programme,
        activity_roles__activity__added_by__isnull=True,
    )
    in_programme_indicators = Q(
        indicator_roles__indicator__goal__programme=programme,
        indicator_roles__indicator__added_by__isnull=True,
    )
    return (
        Board.objects.annotate(
            activity_count=Count("activity_roles", filter=in_programme_activities, distinct=True),
            indicator_count=Count("indicator_roles", filter=in_programme_indicators, distinct=True),
        )
        .filter(Q(activity_count__gt=0) | Q(indicator_count__gt=0))
        .order_by("name")
    )


def goals_with_board_commitments(programme: Programme, board: Board) -> QuerySet[Goal]:
    """The goals under which the board has commitments, each with only the board's own
    activities and indicators."""
    activities = Activity.objects.in_programme().filter(responsibilities__board=board)
    indicators = Indicator.objects.in_programme().filter(responsibilities__board=board)
    return (
        Goal.objects.filter(programme=programme)
        .filter(Q(activities__in=activities) | Q(indicators__in=indicators))
        .distinct()
        # The page names the other responsible boards in the programme's own words
        # (responsible_text), so the boards themselves are not fetched: a district board's
        # page stays the same size however many boards share an activity.
        .prefetch_related(
            "prerequisites",
            Prefetch("activities", queryset=activities),
            Prefetch("indicators", queryset=indicators),
        )
    )

"""Reads of the catalog that pages and the API share.

Every function returns a queryset whose related rows are prefetched, so that rendering a
programme, a goal or a board costs the same few queries however large the catalog is.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from catalog.cycles import STOCKHOLM_CYCLE
from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardGroup,
    BoardKind,
    Goal,
    Indicator,
    IndicatorResponsibility,
    PeriodDefinition,
    Prerequisite,
    Programme,
    Responsibility,
    ResponsibilityRole,
    programme_item,
)

Kept = TypeVar("Kept")

CATALOG_MODELS = (
    Programme,
    Goal,
    Prerequisite,
    Activity,
    Indicator,
    ActivityResponsibility,
    IndicatorResponsibility,
    Board,
    BoardGroup,
)

# An item's responsible boards a page names in place when there are no more than this many
# (every item at Stockholm's size); beyond, it counts them by group and links to the paged
# list, so that a goal's page is the same size whether a group has thirteen boards or
# thirteen hundred.
INLINE_BOARDS = 25


def _responsibilities(model: type[ActivityResponsibility | IndicatorResponsibility]) -> Prefetch:
    return Prefetch(
        "responsibilities",
        queryset=model.objects.select_related("board").order_by("board__name", "pk"),
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


def catalog_changed_at() -> datetime | None:
    """When any catalog last changed: the newest entry in the catalog models' histories,
    which the loader and the admin write with every change (and deletion). One query; each
    part reads the end of an index."""
    tables = [model.history.model._meta.db_table for model in CATALOG_MODELS]
    newest = " UNION ALL ".join(
        # Table names from the models, never from a request.
        f"SELECT MAX(history_date) AS changed FROM {connection.ops.quote_name(table)}"  # noqa: S608
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(changed) FROM ({newest}) AS newest")  # noqa: S608
        (changed,) = cursor.fetchone()
    if isinstance(changed, str):  # SQLite hands back the text it stores, in UTC
        changed = datetime.fromisoformat(changed)
    if changed is not None and timezone.is_naive(changed):
        changed = timezone.make_aware(changed, UTC)
    return changed


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
    in_programme = Indicator.objects.filter(
        goal__programme=OuterRef("programme"), added_by__isnull=True
    )
    return (
        Goal.objects.filter(programme__slug=programme_slug, number=number)
        .select_related("programme")
        .annotate(programme_has_indicators=Exists(in_programme))
    )


@dataclass(frozen=True)
class GroupCount:
    """How many of an item's responsible boards belong to a group ("stadsdelsnämnderna")."""

    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class Responsible:
    """Who answers for one activity or indicator, as a page shows it: its boards by name
    (with their role) if there are no more than INLINE_BOARDS, else none, how many there are
    in all, and how many of them are in each group of boards."""

    item: Activity | Indicator
    boards: list[Responsibility]
    count: int
    groups: list[GroupCount]

    @property
    def named(self) -> bool:
        """Whether the boards are named in place (else the page links to their list)."""
        return self.count <= INLINE_BOARDS

    @property
    def co_responsible(self) -> list[Responsibility]:
        """The co-responsible boards named in place, shown apart from the responsible ones."""
        return [r for r in self.boards if r.role == ResponsibilityRole.CO_RESPONSIBLE]


def _responsible(
    items: QuerySet,
    model: type[ActivityResponsibility | IndicatorResponsibility],
    item_field: str,
) -> list[Responsible]:
    """The items with their boards (for those with no more than INLINE_BOARDS) and their
    group counts: three queries, each reading an item's responsibilities without sorting
    them unless it names them, whatever the number of boards."""
    counted = items.annotate(responsible_count=Count("responsibilities"))
    few = counted.filter(responsible_count__lte=INLINE_BOARDS).values("pk")
    named = (
        model.objects.filter(**{f"{item_field}__in": few})
        .select_related("board")
        .order_by("board__name", "pk")
    )
    listed = list(
        counted.prefetch_related(
            Prefetch("responsibilities", queryset=named, to_attr="named_responsibilities")
        )
    )
    groups: dict[int, list[GroupCount]] = {}
    for item_id, name, slug, count in (
        model.objects.filter(**{f"{item_field}__in": [item.pk for item in listed]})
        .values_list(item_field, "board__groups__name", "board__groups__slug")
        .annotate(n=Count("pk"))
        .order_by(item_field, "board__groups__name")
    ):
        if slug is not None:  # None: the boards in no group
            groups.setdefault(item_id, []).append(GroupCount(name, slug, count))
    return [
        Responsible(
            item=item,
            boards=item.named_responsibilities,
            count=item.responsible_count,
            groups=groups.get(item.pk, []),
        )
        for item in listed
    ]


def goal_responsible(goal: Goal) -> tuple[list[Responsible], list[Responsible]]:
    """The goal's activities and indicators with who is responsible, computed once per
    catalog change (`catalog_changed_at`) and kept in the cache: counting a goal's boards
    by group reads every responsibility of its items, thousands at a region's size."""
    return kept_per_catalog_change(
        f"goal-responsible:{goal.pk}", lambda: (goal_activities(goal), goal_indicators(goal))
    )


def kept_per_catalog_change(name: str, compute: Callable[[], Kept]) -> Kept:
    """What `compute` returns, kept in the cache under `name` until the catalog next changes
    (`catalog_changed_at`, one query): then computed anew."""
    changed = catalog_changed_at()
    key = f"{name}:{changed.isoformat() if changed else ''}"
    kept = cache.get(key)
    if kept is None:
        kept = compute()
        cache.set(key, kept, timeout=None)
    return kept


def goal_activities(goal: Goal) -> list[Responsible]:
    """The goal's programme activities in order, each with who is responsible."""
    items = Activity.objects.in_programme().filter(goal=goal).order_by("position")
    return _responsible(items, ActivityResponsibility, "activity")


def goal_indicators(goal: Goal) -> list[Responsible]:
    items = Indicator.objects.in_programme().filter(goal=goal).order_by("position")
    return _responsible(items, IndicatorResponsibility, "indicator")


def responsible_boards(
    item: Activity | Indicator, group: str | None = None
) -> QuerySet[Responsibility]:
    """Every board responsible for the item (in the group, if one is named), by name."""
    responsibilities = item.responsibilities.select_related("board").order_by("board__name", "pk")
    if group:
        responsibilities = responsibilities.filter(board__groups__slug=group)
    return responsibilities


def responsible_board_ids(programme: Programme) -> list[int]:
    """The boards the programme makes responsible (`Board.objects.responsible_in`), as pks in
    the catalog's order: by kind as `BoardKind` declares them, then by name. Computed once per
    catalog change and kept in the cache: which boards report is read from every board's
    responsibilities (70,000 at a hundred times Stockholm), so a page of them would not stay
    the same size however many boards."""
    kind_order = Case(
        *(When(kind=kind, then=Value(index)) for index, kind in enumerate(BoardKind.values)),
        default=Value(len(BoardKind.values)),
    )
    return kept_per_catalog_change(
        f"responsible-boards:{programme.pk}",
        lambda: list(
            Board.objects.responsible_in(programme)
            .order_by(kind_order, "name")
            .values_list("pk", flat=True)
        ),
    )


def boards_with_counts(programme: Programme, pks: list[int]) -> dict[int, Board]:
    """The boards of `pks` by pk, each with its number of the programme's activities and
    indicators (`activity_count`, `indicator_count`; boards' own items aside)."""
    counted: QuerySet[Board] = Board.objects.annotate(
        activity_count=_commitment_count(ActivityResponsibility, "activity", programme),
        indicator_count=_commitment_count(IndicatorResponsibility, "indicator", programme),
    )
    return counted.in_bulk(pks)


def _commitment_count(
    model: type[ActivityResponsibility | IndicatorResponsibility], item: str, programme: Programme
) -> Subquery:
    """The board's number of the programme's own items of one kind, counted per board (a
    subquery reads one board's responsibilities; a join of both kinds multiplies them)."""
    responsibilities = model.objects.filter(
        programme_item(f"{item}__"), board=OuterRef("pk"), **{f"{item}__goal__programme": programme}
    )
    return Subquery(
        responsibilities.order_by().annotate(count=Func("pk", function="COUNT")).values("count")
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


def cycle_of(programme: Programme) -> list[PeriodDefinition]:
    """The programme's reporting cycle in order; Stockholm's (unsaved) for a programme made
    without a catalog document that names one."""
    steps = list(programme.cycle.all())
    if steps:
        return steps
    return [
        PeriodDefinition(
            programme=programme,
            code=step["code"],
            name=step["name"],
            position=position,
            opens_year_offset=step["opens"][0],
            opens_month=step["opens"][1],
            opens_day=step["opens"][2],
            deadline_year_offset=step["deadline"][0],
            deadline_month=step["deadline"][1],
            deadline_day=step["deadline"][2],
            is_annual=bool(step.get("annual")),
        )
        for position, step in enumerate(STOCKHOLM_CYCLE, start=1)
    ]

"""A board's styrkort: its commitments under the programme, goal by goal, and (for those who
may read the board's reports) the latest status it has reported.

Two variants from one function (`styrkort_build`):

- commitments only (`with_status=False`): the catalog's public content, for the start of a
  programme and for anyone;
- with status: for each activity the latest progress and assessment the board has reported,
  for each indicator the latest outcome and target, for each goal the latest fulfilment; only
  from reports sent in or approved, never a draft, and only rows that are filled in: the
  city-wide engine's `rollup.latest_reported`, with the same rules as every other figure.
  The board's own activities and indicators (which are not in the public catalog) are listed
  too.

A styrkort costs the same few queries however many boards share its activities and however
many periods the board has reported: the other responsible boards are counted per kind in the
database (`_others`), and only the latest reported row per item is fetched.

Every board the programme makes responsible (`Board.objects.responsible_in`) has a styrkort.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zipfile import ZIP_STORED, ZipFile, ZipInfo

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from catalog.models import (
    BOARD_KIND_PLURALS,
    Activity,
    ActivityResponsibility,
    Board,
    BoardKind,
    Goal,
    Indicator,
    IndicatorResponsibility,
    Programme,
    ResponsibilityRole,
    programme_item,
)
from followup.documents.pdf import render_pdf
from followup.models import ActivityStatus, GoalAssessment, IndicatorOutcome, Report
from followup.rollup import latest_report, latest_reported
from followup.streaming import ChunkBuffer

TEMPLATE = "documents/styrkort.html"
# Up to this many other boards of one kind are named; more are counted ("12 stadsdelsnämnder"),
# so that an activity shared by every district board takes a line, not a paragraph.
NAMED_PER_KIND = 3


@dataclass
class Commitment:
    """An activity or indicator of the board, with who else answers for it and, in the
    status variant, the latest row the board reported for it."""

    item: Activity | Indicator
    role: str  # the board's own role: ansvarig or medansvarig
    others: str  # "Socialnämnden och 12 stadsdelsnämnder", "" when the board is alone
    latest: ActivityStatus | IndicatorOutcome | None = None

    @property
    def co_responsible(self) -> bool:
        return self.role == ResponsibilityRole.CO_RESPONSIBLE


@dataclass
class GoalCard:
    goal: Goal
    activities: list[Commitment] = field(default_factory=list)
    indicators: list[Commitment] = field(default_factory=list)
    fulfilment: GoalAssessment | None = None  # the latest annual report's


@dataclass
class Styrkort:
    programme: Programme
    board: Board
    goals: list[GoalCard]
    with_status: bool
    latest_report: Report | None  # the latest report sent in or approved, if any

    @property
    def title(self) -> str:
        return f"Styrkort {self.board.name}"

    @property
    def filename(self) -> str:
        return styrkort_filename(self.board, with_status=self.with_status)

    def context(self) -> dict[str, Any]:
        return {
            "card": self,
            "programme": self.programme,
            "board": self.board,
            "title": self.title,
            "organisation": self.programme.organisation,
            "description": f"{self.board.name}s åtaganden i {self.programme.name}",
            "generated_on": timezone.localdate(),
        }


def styrkort_filename(board: Board, *, with_status: bool) -> str:
    variant = "" if with_status else "-ataganden"
    return f"styrkort-{board.slug}{variant}.pdf"


def _join(parts: list[str]) -> str:
    """A list the Swedish way: "A, B och C"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _others(responsibilities: QuerySet, item_field: str, board: Board) -> dict[int, str]:
    """For each item, the other responsible boards in words: named when few of a kind,
    counted when many. One query, at most NAMED_PER_KIND rows per item and kind."""
    partition = [F(item_field), F("board__kind")]
    rows = (
        responsibilities.exclude(board=board)
        .annotate(
            rank=Window(RowNumber(), partition_by=partition, order_by=F("board__name").asc()),
            of_kind=Window(Count("pk"), partition_by=partition),
        )
        .filter(rank__lte=NAMED_PER_KIND)
        .values_list(item_field, "board__kind", "board__name", "role", "of_kind")
        .order_by(item_field, "board__name")
    )
    by_item: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[tuple[int, str], int] = {}
    for item_id, kind, name, role, of_kind in rows:
        suffix = " (medansvarig)" if role == ResponsibilityRole.CO_RESPONSIBLE else ""
        by_item[item_id][kind].append(name + suffix)
        counts[(item_id, kind)] = of_kind
    texts = {}
    for item_id, kinds in by_item.items():
        parts: list[str] = []
        for kind in BoardKind.values:  # in the catalog's order: kommunstyrelsen first
            names = kinds.get(kind)
            if not names:
                continue
            if counts[(item_id, kind)] > NAMED_PER_KIND:
                parts.append(f"{counts[(item_id, kind)]} {BOARD_KIND_PLURALS[kind].lower()}")
            else:
                parts.extend(names)
        texts[item_id] = _join(parts)
    return texts


def _commitments(
    model: type[Activity] | type[Indicator], programme: Programme, board: Board, *, own: bool
) -> QuerySet:
    """The board's activities or indicators in the programme, with the board's role."""
    responsibility = ActivityResponsibility if model is Activity else IndicatorResponsibility
    item_field = "activity" if model is Activity else "indicator"
    items = model.objects.filter(goal__programme=programme)
    mine = Q(responsibilities__board=board) & programme_item()
    if own:
        mine |= Q(added_by=board)
    return (
        items.filter(mine)
        .distinct()
        .annotate(
            board_role=Subquery(
                responsibility.objects.filter(**{item_field: OuterRef("pk")}, board=board).values(
                    "role"
                )[:1]
            )
        )
        .order_by("goal__number", F("added_by").asc(nulls_first=True), "position", "pk")
    )


def styrkort_build(programme: Programme, board: Board, *, with_status: bool) -> Styrkort:
    """The board's styrkort. The caller decides who may see `with_status`
    (`access.status_boards`)."""
    activities = list(_commitments(Activity, programme, board, own=with_status))
    indicators = list(_commitments(Indicator, programme, board, own=with_status))
    goal_ids = {item.goal_id for item in activities} | {item.goal_id for item in indicators}
    goals = (
        Goal.objects.filter(pk__in=goal_ids)
        .order_by("number")
        .prefetch_related(Prefetch("prerequisites"))
    )
    cards = {goal.pk: GoalCard(goal=goal) for goal in goals}

    activity_others = _others(
        ActivityResponsibility.objects.filter(activity__in=[a.pk for a in activities]),
        "activity_id",
        board,
    )
    indicator_others = _others(
        IndicatorResponsibility.objects.filter(indicator__in=[i.pk for i in indicators]),
        "indicator_id",
        board,
    )

    latest_activity: dict[int, ActivityStatus] = {}
    latest_indicator: dict[int, IndicatorOutcome] = {}
    latest_goal: dict[int, GoalAssessment] = {}
    last_report = None
    if with_status:
        mine = {"report__board": board, "report__period__programme": programme}
        latest_activity = latest_reported(
            ActivityStatus.objects.filter(**mine).select_related("report__period"), "activity_id"
        )
        latest_indicator = latest_reported(
            IndicatorOutcome.objects.filter(**mine).select_related("report__period", "indicator"),
            "indicator_id",
        )
        latest_goal = latest_reported(
            GoalAssessment.objects.filter(**mine).select_related("report__period"), "goal_id"
        )
        last_report = latest_report(board, programme)

    for item in activities:
        cards[item.goal_id].activities.append(
            Commitment(
                item=item,
                role=item.board_role or ResponsibilityRole.RESPONSIBLE,
                others=activity_others.get(item.pk, ""),
                latest=latest_activity.get(item.pk),
            )
        )
    for item in indicators:
        cards[item.goal_id].indicators.append(
            Commitment(
                item=item,
                role=item.board_role or ResponsibilityRole.RESPONSIBLE,
                others=indicator_others.get(item.pk, ""),
                latest=latest_indicator.get(item.pk),
            )
        )
    for card in cards.values():
        card.fulfilment = latest_goal.get(card.goal.pk)
    return Styrkort(
        programme=programme,
        board=board,
        goals=list(cards.values()),
        with_status=with_status,
        latest_report=last_report,
    )


def styrkort_pdf(card: Styrkort) -> bytes:
    return render_pdf(TEMPLATE, card.context())


def zip_filename(programme: Programme, *, with_status: bool) -> str:
    variant = "" if with_status else "-ataganden"
    return f"styrkort-{programme.slug}{variant}.zip"


def styrkort_zip_chunks(programme: Programme, *, with_status: bool) -> Iterator[bytes]:
    """A ZIP of every board's styrkort, produced one board at a time: at most one PDF is
    held in memory, and the download starts with the first board."""
    sink = ChunkBuffer()
    with ZipFile(sink, mode="w", compression=ZIP_STORED) as archive:
        for board in Board.objects.responsible_in(programme):
            pdf = styrkort_pdf(styrkort_build(programme, board, with_status=with_status))
            info = ZipInfo(
                styrkort_filename(board, with_status=with_status),
                date_time=timezone.localtime().timetuple()[:6],
            )
            # PDFs are already compressed inside; storing them costs no size and saves time.
            archive.writestr(info, pdf, compress_type=ZIP_STORED)
            yield sink.take()
    yield sink.take()

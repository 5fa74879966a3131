"""A board's styrkort: its commitments under the programme, goal by goal, and (for those who
may read the board's reports) the latest status it has reported.

Two variants from one function (`styrkort_build`):

- commitments only (`with_status=False`): the catalog's public content, for the start of a
  programme and for anyone;
- with status: for each activity the latest progress and assessment the board has reported,
  for each indicator the latest outcome and target, for each goal the latest fulfilment; only
  from reports sent in or approved, never a draft, and only rows that are filled in: the
  city-wide engine's `rollup.latest_reported_by_board`, with the same rules as every other
  figure. The board's own activities and indicators (which are not in the public catalog)
  are listed too. This variant opens with a summary (`GoalCard.summary`): per goal the
  activities by assessment, each indicator against its target, and the goal's fulfilment.

Every board's styrkort comes from one dataset (`styrkort_cards`): the same dozen queries
for one board or for all of them (the ZIP of every board's styrkort), whatever the number of
boards sharing an activity and of periods reported. The other responsible boards are counted
per kind in the database, only a few of each kind fetched by name (`_Others`, for the
commitments card, which lists them), and only the latest reported row per board and item.

Every board the programme makes responsible (`Board.objects.responsible_in`) has a styrkort.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zipfile import ZIP_STORED, ZipFile, ZipInfo

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
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
    PreventionLevel,
    Programme,
    ResponsibilityRole,
)
from followup.documents.issuer import document_issuer
from followup.documents.parallel import pdfs_from_html
from followup.documents.pdf import html_to_pdf
from followup.models import (
    ASSESSMENT_SYMBOLS,
    ActivityStatus,
    Assessment,
    GoalAssessment,
    IndicatorOutcome,
    Progress,
    Report,
)
from followup.rollup import latest_reported_by_board, latest_reports
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


@dataclass(frozen=True)
class AssessmentCount:
    """How many of a goal's activities stand at one assessment, for the summary."""

    key: str  # an Assessment, "ej_aktuell" or "" (not reported)
    label: str
    symbol: str
    count: int


NOT_REPORTED = ""
NOT_APPLICABLE = "ej_aktuell"


@dataclass
class GoalCard:
    goal: Goal
    activities: list[Commitment] = field(default_factory=list)
    indicators: list[Commitment] = field(default_factory=list)
    fulfilment: GoalAssessment | None = None  # the latest annual report's

    @property
    def assessment_counts(self) -> list[AssessmentCount]:
        """The goal's activities by their latest assessment, the scale's order first, then
        "Ej aktuell" and not reported; only the values that occur."""
        counts: dict[str, int] = defaultdict(int)
        for entry in self.activities:
            latest = entry.latest
            if not isinstance(latest, ActivityStatus):
                counts[NOT_REPORTED] += 1
            elif latest.progress == Progress.NOT_APPLICABLE:
                counts[NOT_APPLICABLE] += 1
            else:
                counts[latest.assessment or NOT_REPORTED] += 1
        scale = [(key, label, ASSESSMENT_SYMBOLS[key]) for key, label in Assessment.choices] + [
            (NOT_APPLICABLE, "Ej aktuell", "–"),
            (NOT_REPORTED, "Ej rapporterad", "○"),
        ]
        return [
            AssessmentCount(key, label, symbol, counts[key])
            for key, label, symbol in scale
            if counts.get(key)
        ]


@dataclass
class Styrkort:
    programme: Programme
    board: Board
    goals: list[GoalCard]
    with_status: bool
    latest_report: Report | None  # the latest report sent in or approved, if any
    level: str = ""  # only the activities of this prevention level (PreventionLevel), or all

    @property
    def level_label(self) -> str:
        return PreventionLevel(self.level).label if self.level else ""

    @property
    def title(self) -> str:
        level = f", {self.level_label.lower()} prevention" if self.level else ""
        return f"Styrkort {self.board.name}{level} · {self.programme.short_name}"

    @property
    def filename(self) -> str:
        name = styrkort_filename(self.board, with_status=self.with_status)
        return name.replace(".pdf", f"-{self.level}.pdf") if self.level else name

    @property
    def has_indicators(self) -> bool:
        return any(card.indicators for card in self.goals)

    def context(self) -> dict[str, Any]:
        return {
            "card": self,
            "programme": self.programme,
            "board": self.board,
            "title": self.title,
            "organisation": self.programme.organisation,
            "issuer": document_issuer(self.programme),
            "description": f"{self.board.name}s åtaganden i {self.programme.name}",
            "generated_on": timezone.localdate(),
        }


def styrkort_filename(board: Board, *, with_status: bool) -> str:
    variant = "" if with_status else "-ataganden"
    return f"styrkort-{board.slug}{variant}.pdf"


def _join(parts: list[str]) -> str:
    """A list the Swedish way: "A, B och C"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


class _Others:
    """Who else answers for each item, for any one of its boards: per item and kind of
    board, the first NAMED_PER_KIND + 1 boards by name (one more, so that the board itself
    can be left out) and how many there are. One query for every item of the programme."""

    named: dict[int, dict[str, list[tuple[int, str]]]]
    counts: dict[tuple[int, str], int]

    @classmethod
    def none(cls) -> "_Others":
        """No other boards for any item: "" for each."""
        others = cls.__new__(cls)
        others.named, others.counts = {}, {}
        return others

    def __init__(self, responsibilities: QuerySet, item_field: str) -> None:
        partition = [F(item_field), F("board__kind")]
        rows = (
            responsibilities.annotate(
                rank=Window(RowNumber(), partition_by=partition, order_by=F("board__name").asc()),
                of_kind=Window(Count("pk"), partition_by=partition),
            )
            .filter(rank__lte=NAMED_PER_KIND + 1)
            .values_list(item_field, "board__kind", "board_id", "board__name", "role", "of_kind")
            .order_by(item_field, "board__name")
        )
        self.named: dict[int, dict[str, list[tuple[int, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.counts: dict[tuple[int, str], int] = {}
        for item_id, kind, board_id, name, role, of_kind in rows:
            suffix = " (medansvarig)" if role == ResponsibilityRole.CO_RESPONSIBLE else ""
            self.named[item_id][kind].append((board_id, name + suffix))
            self.counts[(item_id, kind)] = of_kind

    def text(self, item_id: int, board: Board, *, responsible: bool) -> str:
        """The other boards in words, named when few of a kind, counted when many; "" when
        the board is alone. `responsible`: whether the board itself is among them."""
        parts: list[str] = []
        kinds = self.named.get(item_id, {})
        for kind in BoardKind.values:  # in the catalog's order: kommunstyrelsen first
            names = [name for board_id, name in kinds.get(kind, []) if board_id != board.pk]
            count = self.counts.get((item_id, kind), 0)
            if responsible and kind == board.kind:
                count -= 1
            if count <= 0:
                continue
            if count > NAMED_PER_KIND:
                parts.append(f"{count} {BOARD_KIND_PLURALS[kind].lower()}")
            else:
                parts.extend(names[:count])
        return _join(parts) if parts else ""


@dataclass
class _Roles:
    """Which items each board answers for, and in what role."""

    activity: dict[int, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    indicator: dict[int, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))


def _roles(programme: Programme, board_ids: list[int]) -> _Roles:
    """The boards' roles for the programme's items. Two queries."""
    roles = _Roles()
    for model, item_field, by_board in (
        (ActivityResponsibility, "activity_id", roles.activity),
        (IndicatorResponsibility, "indicator_id", roles.indicator),
    ):
        goal_path = (
            "activity__goal__programme"
            if model is ActivityResponsibility
            else ("indicator__goal__programme")
        )
        for board_id, item_id, role in model.objects.filter(
            **{goal_path: programme}, board__in=board_ids
        ).values_list("board_id", item_field, "role"):
            by_board[board_id][item_id] = role
    return roles


def styrkort_cards(
    programme: Programme, boards: Iterable[Board], *, with_status: bool, level: str = ""
) -> Iterator[Styrkort]:
    """The styrkort of each of `boards`, in their order, from one dataset fetched up front:
    the same queries for one board as for every board of the programme. The caller decides
    who may see `with_status` (`access.status_boards`). With a `level`, only the activities
    of that prevention level (indicators have none and are all kept)."""
    boards = list(boards)
    board_ids = [board.pk for board in boards]
    roles = _roles(programme, board_ids)
    mine = Q(added_by__isnull=True)
    if with_status:  # a board's own items are follow-up data, not the public catalog
        mine |= Q(added_by__in=board_ids)
    order = ("goal__number", F("added_by").asc(nulls_first=True), "position", "pk")
    of_level = Q(prevention_level=level) if level else Q()
    activities = list(
        Activity.objects.filter(mine, of_level, goal__programme=programme).order_by(*order)
    )
    indicators = list(Indicator.objects.filter(mine, goal__programme=programme).order_by(*order))
    goals = {
        goal.pk: goal
        for goal in Goal.objects.filter(programme=programme)
        .order_by("number")
        .prefetch_related(Prefetch("prerequisites"))
    }
    # Who else answers for each item is the commitments card's column; the status card
    # leaves it out (it keeps to three pages with its summary), so it is not fetched.
    activity_others = indicator_others = _Others.none()
    if not with_status:
        activity_others = _Others(
            ActivityResponsibility.objects.filter(activity__goal__programme=programme),
            "activity_id",
        )
        indicator_others = _Others(
            IndicatorResponsibility.objects.filter(indicator__goal__programme=programme),
            "indicator_id",
        )

    latest_activity: dict[tuple[int, int], ActivityStatus] = {}
    latest_indicator: dict[tuple[int, int], IndicatorOutcome] = {}
    latest_goal: dict[tuple[int, int], GoalAssessment] = {}
    last_reports: dict[int, Report] = {}
    if with_status:
        theirs = {"report__board__in": board_ids, "report__period__programme": programme}
        latest_activity = latest_reported_by_board(
            ActivityStatus.objects.filter(**theirs).select_related("report__period"),
            "activity_id",
        )
        latest_indicator = latest_reported_by_board(
            IndicatorOutcome.objects.filter(**theirs).select_related("report__period", "indicator"),
            "indicator_id",
        )
        latest_goal = latest_reported_by_board(
            GoalAssessment.objects.filter(**theirs).select_related("report__period"), "goal_id"
        )
        last_reports = latest_reports(board_ids, programme)

    def commitments(
        items: list[Activity] | list[Indicator],
        board: Board,
        board_roles: dict[int, str],
        others: _Others,
        latest: dict[tuple[int, int], Any],
    ) -> Iterator[Commitment]:
        for item in items:
            role = board_roles.get(item.pk)
            if role is None and item.added_by_id != board.pk:
                continue
            yield Commitment(
                item=item,
                role=role or ResponsibilityRole.RESPONSIBLE,
                others=others.text(item.pk, board, responsible=role is not None),
                latest=latest.get((board.pk, item.pk)),
            )

    for board in boards:
        cards: dict[int, GoalCard] = {}
        for entry in commitments(
            activities, board, roles.activity[board.pk], activity_others, latest_activity
        ):
            goal_id = entry.item.goal_id
            cards.setdefault(goal_id, GoalCard(goal=goals[goal_id])).activities.append(entry)
        for entry in commitments(
            indicators, board, roles.indicator[board.pk], indicator_others, latest_indicator
        ):
            goal_id = entry.item.goal_id
            cards.setdefault(goal_id, GoalCard(goal=goals[goal_id])).indicators.append(entry)
        for goal_id, card in cards.items():
            card.fulfilment = latest_goal.get((board.pk, goal_id))
        yield Styrkort(
            programme=programme,
            board=board,
            goals=sorted(cards.values(), key=lambda card: card.goal.number),
            with_status=with_status,
            latest_report=last_reports.get(board.pk),
            level=level,
        )


def styrkort_build(
    programme: Programme, board: Board, *, with_status: bool, level: str = ""
) -> Styrkort:
    """The board's styrkort (of one prevention level's activities, with `level`). The caller
    decides who may see `with_status` (`access.status_boards`)."""
    return next(styrkort_cards(programme, [board], with_status=with_status, level=level))


def styrkort_html(card: Styrkort) -> str:
    return render_to_string(TEMPLATE, card.context())


def styrkort_pdf(card: Styrkort) -> bytes:
    return html_to_pdf(styrkort_html(card))


def zip_filename(programme: Programme, *, with_status: bool) -> str:
    variant = "" if with_status else "-ataganden"
    return f"styrkort-{programme.slug}{variant}.zip"


def styrkort_zip_chunks(programme: Programme, *, with_status: bool) -> Iterator[bytes]:
    """A ZIP of every board's styrkort, from one dataset (`styrkort_cards`), one chunk per
    board and then the archive's directory. The HTML is made here, board by board; the
    PDFs in worker processes (`parallel.pdfs_from_html`), a few boards at a time, so that
    only a few PDFs are held in memory."""
    sink = ChunkBuffer()
    with ZipFile(sink, mode="w", compression=ZIP_STORED) as archive:
        boards = list(Board.objects.responsible_in(programme))
        cards = list(styrkort_cards(programme, boards, with_status=with_status))
        pdfs = pdfs_from_html((styrkort_html(card) for card in cards), count=len(cards))
        for card, pdf in zip(cards, pdfs, strict=True):
            info = ZipInfo(
                card.filename,
                date_time=timezone.localtime().timetuple()[:6],
            )
            # PDFs are already compressed inside; storing them costs no size and saves time.
            archive.writestr(info, pdf, compress_type=ZIP_STORED)
            yield sink.take()
    yield sink.take()

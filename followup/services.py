"""Writes of the follow-up: opening periods, saving rows, submitting and reviewing reports.

Each function checks the state it needs inside its own transaction, with the report row
locked, so that a save racing a submit cannot slip into a submitted report.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from concurrency.exceptions import RecordModifiedError
from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import Max, Q, QuerySet, Subquery
from django.forms import ModelForm
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    Goal,
    Indicator,
    IndicatorKind,
    IndicatorResponsibility,
    Programme,
    reports_on,
)
from catalog.selectors import cycle_of
from followup.history import history_stamp
from followup.models import (
    EDITABLE_STATES,
    ActivityStatus,
    GoalAssessment,
    IndicatorOutcome,
    PeriodKind,
    PeriodState,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
)
from followup.own_items import with_row_in
from followup.rows import (
    GOAL,
    ROW_KINDS,
    Missing,
    Row,
    in_page_order,
    is_done,
    kind_of,
    missing_rows,
    rows_of_report,
    rows_of_reports,
)
from notifications import events


class FollowupError(Exception):
    """A request that the report's or period's state does not allow; the message is for
    the user, in Swedish."""


# The version a row with a version check has when it is created. A document drawn on a page
# before its draft exists (samlad uppföljning, halvtidsrapport) carries it in its forms, so
# that they save onto the draft the first save creates, and are refused as stale if someone
# else has saved in between.
CREATED_VERSION = 1


class StaleRow(FollowupError):
    # The row as now stored: a report's row, the report (its summary), a samlad uppföljning
    # or one of its goals, a section of the halvtidsrapport; each has a concurrency version.
    def __init__(self, current: models.Model) -> None:
        super().__init__(
            "Någon annan har sparat raden efter att du öppnade den. Det som nu är sparat visas "
            "nedan; dina ändringar finns kvar i formuläret. Spara igen för att ersätta."
        )
        self.current = current


class IncompleteReport(FollowupError):
    def __init__(self, missing: list[Missing]) -> None:
        super().__init__("Rapporten är inte komplett och kan inte skickas in ännu.")
        self.missing = missing


# --- Periods ---------------------------------------------------------------------------


def periods_create(*, programme: Programme) -> list[ReportingPeriod]:
    """Create the periods of the programme's own cycle (T1, T2 and VB for Stockholm; the
    delårsbokslut and the årsberättelse for Södertälje) for every year that lacks them, on
    the cycle's usual dates (idempotent)."""
    created = []
    cycle = cycle_of(programme)
    for year in programme.years:
        for step in cycle:
            opens_on, deadline = step.dates(year)
            period, was_created = ReportingPeriod.objects.get_or_create(
                programme=programme,
                year=year,
                kind=step.code,
                defaults={
                    "name": step.name,
                    "position": step.position,
                    "is_annual": step.is_annual,
                    "opens_on": opens_on,
                    "deadline": deadline,
                },
            )
            if was_created:
                created.append(period)
    return created


def _reports_create(period: ReportingPeriod) -> int:
    """Give every board with commitments that lacks one its report in the period."""
    existing = set(period.reports.values_list("board_id", flat=True))
    new_reports = bulk_create_with_history(
        [
            Report(period=period, board=board)
            for board in Board.objects.responsible_in(period.programme)
            if board.pk not in existing
        ],
        Report,
    )
    return len(new_reports)


class AlreadyOpen(FollowupError):
    def __init__(self, period: ReportingPeriod) -> None:
        super().__init__(f"{period.label} är redan öppen.")


class DeadlinePassed(FollowupError):
    """Opening a period whose deadline has passed: every report would be overdue at once,
    so the samordnare is asked for a new deadline first."""

    def __init__(self, period: ReportingPeriod) -> None:
        super().__init__(
            f"Sista dagen för {period.label} ({period.deadline:%Y-%m-%d}) har redan passerat. "
            "Ange en ny sista dag när du öppnar perioden."
        )


def _check_deadline(period: ReportingPeriod, deadline: date, today: date) -> None:
    if deadline < today:
        raise FollowupError("Sista dagen kan inte vara ett datum som redan har passerat.")
    if deadline < period.opens_on:
        raise FollowupError(
            f"Sista dagen kan inte vara före dagen perioden öppnar ({period.opens_on:%Y-%m-%d})."
        )


def period_deadline_set(*, period: ReportingPeriod, deadline: date, today: date) -> None:
    """Set or move the deadline of a period that is not locked. Reports with a deadline of
    their own keep it."""
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.state == PeriodState.LOCKED:
            raise FollowupError(
                f"{locked.label} är låst. Ange en ny sista dag när du öppnar den igen."
            )
        _check_deadline(locked, deadline, today)
        locked.deadline = deadline
        locked.save()
    period.deadline = locked.deadline


def period_open(
    *, period: ReportingPeriod, today: date | None = None, deadline: date | None = None
) -> int:
    """Open the period (with `deadline`, a new one) and give every board with commitments
    its report, with a row for each commitment. Returns how many reports were created. A
    period whose deadline is before `today` is not opened without a new one
    (`DeadlinePassed`); without `today` (loading past years: the demo, tests) the deadline
    is not checked.
    The state is checked with the period locked, so that of several samordnare pressing
    "Öppna" at once only one opens it; the others are told it is already open."""
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.state == PeriodState.OPEN:
            raise AlreadyOpen(locked)
        if today is not None:
            # Opened early: it opens today (the deadline may be before the planned opening).
            locked.opens_on = min(locked.opens_on, today)
        if deadline is not None:
            if today is not None:
                _check_deadline(locked, deadline, today)
            locked.deadline = deadline
        if today is not None and locked.deadline_passed(today):
            raise DeadlinePassed(locked)
        locked.state = PeriodState.OPEN
        locked.save()
        created = _reports_create(locked)
        # Reports from an earlier opening follow the catalog again, like the new ones.
        for report in locked.reports.select_related("period"):
            report_rows_sync(report=report)
    period.state, period.deadline, period.opens_on = locked.state, locked.deadline, locked.opens_on
    return created


def period_lock(*, period: ReportingPeriod) -> None:
    """Lock the period after review. Locking a locked period again ends the controlled
    exceptions (reports reopened in it) without locking it anew."""
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.state == PeriodState.NOT_OPEN:
            raise FollowupError(f"{locked.label} är inte öppnad ännu.")
        if locked.state == PeriodState.OPEN:
            locked.state = PeriodState.LOCKED
            locked.save()
        # A controlled exception ends when the period is locked again, and its own deadline
        # with it.
        locked.reports.filter(Q(reopened=True) | Q(deadline__isnull=False)).update(
            reopened=False, deadline=None
        )
    period.state = locked.state


def _previous_periods(period: ReportingPeriod) -> QuerySet[ReportingPeriod]:
    return (
        ReportingPeriod.objects.filter(programme_id=period.programme_id)
        .filter(Q(year__lt=period.year) | Q(year=period.year, position__lt=period.position))
        .order_by("-year", "-position")
    )


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return _previous_periods(period).first()


def _earlier_reports(report: Report, *, annual: bool) -> QuerySet[Report]:
    """The board's reports in the period before (or the year before's annual period), the
    one `previous_report` is first."""
    if annual:
        earlier = Report.objects.filter(
            period__programme_id=report.period.programme_id,
            period__year=report.period.year - 1,
            period__is_annual=True,
            board_id=report.board_id,
        )
    else:
        earlier = Report.objects.filter(
            period=Subquery(_previous_periods(report.period).values("pk")[:1]),
            board_id=report.board_id,
        )
    # The one .first() would give (a board has one report a period).
    return earlier.order_by("pk")


def previous_reports(report: Report, *, annual: bool = False) -> QuerySet[Report]:
    """`previous_report` as a query of at most that one report, to read with what is read
    from it (the same item's row: one query instead of three)."""
    return Report.objects.filter(pk__in=_earlier_reports(report, annual=annual).values("pk")[:1])


def previous_report(report: Report, *, annual: bool = False) -> Report | None:
    """The board's report for the period before; with `annual`, for the year before's
    annual report (goal fulfilment is only assessed there). The query without the wrapper
    `previous_reports` needs as a subquery: a third less to build."""
    return _earlier_reports(report, annual=annual).first()


# --- Rows ------------------------------------------------------------------------------


def _board_items(report: Report) -> tuple[list[int], list[int], list[int]]:
    """Ids of the activities, indicators and goals the board answers for in the period."""
    programme_id = report.period.programme_id
    activity_ids = list(
        ActivityResponsibility.objects.filter(
            reports_on("", "activity"),
            board_id=report.board_id,
            activity__goal__programme_id=programme_id,
        ).values_list("activity_id", flat=True)
    )
    indicator_ids = list(
        IndicatorResponsibility.objects.filter(
            reports_on("", "indicator"),
            board_id=report.board_id,
            indicator__goal__programme_id=programme_id,
        ).values_list("indicator_id", flat=True)
    )
    goal_ids = []
    if GOAL.in_report(report):
        goal_ids = list(
            Goal.objects.filter(Q(activities__in=activity_ids) | Q(indicators__in=indicator_ids))
            .distinct()
            .values_list("pk", flat=True)
        )
    return activity_ids, indicator_ids, goal_ids


def report_rows_sync(*, report: Report) -> None:
    """Give a report being written in an open period exactly one row per commitment the
    board has now: rows for new commitments start from the previous period's answers, rows
    for lost ones go. Submitted and approved reports, and reports reopened in a locked
    period, keep the rows they were made from.

    Called when what a board answers for changes (the catalog loader, the admin, a board's
    own items, a period opening, a report returned), never when a report is read."""
    if report.state not in EDITABLE_STATES or report.period.state != PeriodState.OPEN:
        return
    wanted_ids = dict(zip(("activity", "indicator", "goal"), _board_items(report), strict=True))
    for kind in ROW_KINDS:
        model, item_field = kind.model, kind.item_field
        rows = model.objects.filter(report=report)
        have = set(rows.values_list(f"{item_field}_id", flat=True))
        wanted = set(wanted_ids[item_field])
        if lost := have - wanted:
            rows.filter(**{f"{item_field}_id__in": lost}).delete()
        missing = wanted - have
        if not missing:
            continue
        previous = previous_report(report, annual=kind.annual_only)
        earlier = {}
        if previous is not None:
            earlier = {
                getattr(row, f"{item_field}_id"): row
                for row in model.objects.filter(
                    report=previous, **{f"{item_field}_id__in": missing}
                )
            }
        # With history, so that the first change a user makes shows what it replaced.
        bulk_create_with_history(
            [
                model(
                    report=report,
                    **{f"{item_field}_id": item_id},
                    **kind.carried_over(earlier.get(item_id)),
                )
                for item_id in sorted(missing)
            ],
            model,
        )


def reports_sync_for_programme(*, programme: Programme, board: Board | None = None) -> None:
    """Bring the programme's open periods in line with its catalog, inside the caller's
    transaction: every board with commitments has its report, and every report being
    written has exactly one row per commitment (`report_rows_sync`). With `board`, only that
    board's reports (its own items changed; no report to create). The open periods and the
    reports are locked, so that a sync racing another, a submit or a row save waits for it
    instead of colliding."""
    with transaction.atomic():
        if board is None:
            for period in ReportingPeriod.objects.select_for_update().filter(
                programme=programme, state=PeriodState.OPEN
            ):
                _reports_create(period)
        reports = Report.objects.select_for_update().filter(
            period__programme=programme, period__state=PeriodState.OPEN, state__in=EDITABLE_STATES
        )
        if board is not None:
            reports = reports.filter(board=board)
        for report in reports.select_related("period").order_by("pk"):
            report_rows_sync(report=report)


def _lock_report(report: Report) -> Report:
    """Re-read the report with its row locked, so that its state cannot change under us."""
    return Report.objects.select_for_update().select_related("period").get(pk=report.pk)


def ensure_open(report: Report) -> None:
    if report.state not in EDITABLE_STATES:
        raise FollowupError(
            f"Rapporten är {report.get_state_display().lower()} och kan inte ändras."
        )
    if not report.is_open_for_writing:
        raise FollowupError(
            f"Perioden {report.period.label} är {report.period.get_state_display().lower()}"
            " och kan inte ändras."
        )


def row_save(
    *, form: ModelForm, report: Report, user: User, on_behalf: bool
) -> ActivityStatus | IndicatorOutcome | GoalAssessment:
    """Save a validated row form, refusing a stale version or a closed report."""
    with transaction.atomic():
        ensure_open(_lock_report(report))
        row = form.save(commit=False)
        # Saved, so seen: what came from the period before is the board's answer now.
        row.carried_over = False
        row.updated_by = user
        row.updated_on_behalf = on_behalf
        row.updated_at = timezone.now()
        try:
            with transaction.atomic():
                row.save()
        except RecordModifiedError:
            raise StaleRow(type(row).objects.get(pk=row.pk)) from None
    return row


def goal_rows_confirm(*, report: Report, goal_number: int, user: User, on_behalf: bool) -> int:
    """Confirm, unchanged, every row under the goal that still holds what it took over from
    the period before (saved by no one since); the number of rows confirmed. Each is
    recorded in the history with who confirmed it."""
    with transaction.atomic():
        ensure_open(_lock_report(report))
        now = timezone.now()
        confirmed = 0
        for kind in ROW_KINDS:
            for row in kind.model.objects.filter(
                report=report, carried_over=True, **{f"{kind.goal_path}__number": goal_number}
            ):
                row.carried_over = False
                row.updated_by = user
                row.updated_on_behalf = on_behalf
                row.updated_at = now
                row.save()
                confirmed += 1
    return confirmed


class NoSummary(FollowupError):
    def __init__(self, annual_name: str) -> None:
        # "Verksamhetsberättelse" → "verksamhetsberättelsen", "Årsberättelse" → "årsberättelsen".
        name = annual_name.lower()
        definite = name + "n" if name.endswith("e") else name
        super().__init__(f"Bara {definite} har en sammanfattning för nämnden.")


def report_summary_save(*, form: ModelForm, report: Report, user: User) -> Report:
    """Save the board's summary, which only the annual report (Stockholm's VB) has."""
    with transaction.atomic():
        locked = _lock_report(report)
        ensure_open(locked)
        if not locked.period.is_annual:
            annual = locked.period.programme.cycle.filter(is_annual=True).first()
            raise NoSummary(annual.name if annual else PeriodKind.VB.label)
        try:
            with transaction.atomic():
                return form.save()
        except RecordModifiedError:
            raise StaleRow(Report.objects.get(pk=report.pk)) from None


# --- Completeness, submission and review ---------------------------------------------


@dataclass(frozen=True)
class GoalCompleteness:
    """One goal's part of the report: how many of its rows are done (`is_done`)."""

    number: int
    done: int
    total: int
    carried_over: int  # rows still holding what they took over, neither saved nor confirmed


@dataclass(frozen=True)
class Completeness:
    filled: int  # rows done (`is_done`), and the summary if written
    total: int
    missing: list[Missing]  # in page order
    goals: list[GoalCompleteness]  # by goal number
    # For each row, the anchor of the next unfinished row after it on the page (from the
    # top again after the last); none when no other row is unfinished.
    next_missing: dict[str, str]

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def first_missing(self) -> Missing | None:
        return next(iter(self.missing), None)


def report_completeness(report: Report, rows: Iterable[Row]) -> Completeness:
    """How much of the report is done, and what is missing, in the page's words; `rows`
    are the report's rows (with their items) kind by kind, each in page order, as
    `rows_of_reports` gives them."""
    rows = in_page_order(rows)
    missing = missing_rows(rows, report)
    total = len(rows)
    goals: dict[int, GoalCompleteness] = {}
    for row in rows:
        number = kind_of(row).goal(row).number
        counted = goals.get(number, GoalCompleteness(number, 0, 0, 0))
        goals[number] = GoalCompleteness(
            number,
            counted.done + is_done(row),
            counted.total + 1,
            counted.carried_over + row.carried_over,
        )
    # The unfinished rows' places on the page, in order.
    unfinished = [index for index, row in enumerate(rows) if not is_done(row)]
    next_missing = {}
    for index, row in enumerate(rows):
        later = bisect_right(unfinished, index)
        if later < len(unfinished):
            next_missing[row.prefix] = rows[unfinished[later]].prefix
        elif unfinished and unfinished[0] != index:
            next_missing[row.prefix] = rows[unfinished[0]].prefix
    if report.period.is_annual:
        total += 1
        if not report.summary.strip():
            missing.append(Missing("Sammanfattning för nämnden saknas", "summary"))
    return Completeness(
        filled=total - len(missing),
        total=total,
        missing=missing,
        goals=list(goals.values()),
        next_missing=next_missing,
    )


def report_completeness_now(report: Report) -> Completeness:
    return report_completeness(report, rows_of_report(report))


def report_submit(*, report: Report, user: User, on_behalf: bool) -> Report:
    with transaction.atomic():
        locked = _lock_report(report)
        ensure_open(locked)
        rows = rows_of_reports([locked.pk])[locked.pk]
        completeness = report_completeness(locked, rows)
        if not completeness.is_complete:
            raise IncompleteReport(completeness.missing)
        # Keep the wording the board reported on, whatever the catalog says later.
        for kind in ROW_KINDS:
            kind.keep_wording([row for row in rows if kind_of(row) is kind])
        locked.state = ReportState.SUBMITTED
        locked.save()
        events.report_submitted(
            ReportEvent.objects.create(
                report=locked, kind=ReportEvent.Kind.SUBMITTED, actor=user, on_behalf=on_behalf
            )
        )
    return locked


NOT_REVIEWABLE = "Bara inskickade rapporter kan granskas."


def _review(locked: Report, *, user: User, approve: bool, comment: str) -> None:
    """Approve or return a report already locked and checked to be submitted."""
    locked.state = ReportState.APPROVED if approve else ReportState.RETURNED
    # Returning a report in a locked period lets the board change it: the same
    # controlled exception as reopening, recorded by the event below.
    locked.reopened = not approve and locked.period.state == PeriodState.LOCKED
    locked.save()
    # Back with the board in an open period: its rows follow the catalog again.
    report_rows_sync(report=locked)
    event = ReportEvent.objects.create(
        report=locked,
        kind=ReportEvent.Kind.APPROVED if approve else ReportEvent.Kind.RETURNED,
        actor=user,
        comment=comment.strip(),
    )
    (events.report_approved if approve else events.report_returned)(event)


def report_review(*, report: Report, user: User, approve: bool, comment: str) -> Report:
    """Approve a submitted report, or return it to the board with a comment."""
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state != ReportState.SUBMITTED:
            raise FollowupError(NOT_REVIEWABLE)
        if not approve and not comment.strip():
            raise FollowupError("Skriv vad nämnden behöver komplettera när du skickar tillbaka.")
        _review(locked, user=user, approve=approve, comment=comment)
    return locked


@dataclass(frozen=True)
class Unapprovable:
    report: Report
    reason: str  # in Swedish, for the samordnare


class BulkApproveRefused(FollowupError):
    """Some of the reports chosen cannot be approved now; none was."""

    def __init__(self, refused: list[Unapprovable]) -> None:
        super().__init__(
            "Ingen rapport har godkänts, eftersom "
            + ("en av dem" if len(refused) == 1 else f"{len(refused)} av dem")
            + " inte kan godkännas just nu."
        )
        self.refused = refused


def reports_approve(*, reports: Iterable[Report], user: User) -> list[Report]:
    """Approve several submitted reports at once, each with its own event (and its own
    notifications and history), all or nothing: the reports are locked in one order (by id,
    so that two such runs cannot deadlock) and every one is checked before any is changed;
    if one has changed state meanwhile, none is approved (`BulkApproveRefused` lists why)."""
    with transaction.atomic():
        locked = list(
            Report.objects.select_for_update(of=("self",))
            .select_related("period__programme", "board")
            .filter(pk__in=[report.pk for report in reports])
            .order_by("pk")
        )
        refused = [
            Unapprovable(
                report,
                f"Den är {report.get_state_display().lower()} nu; bara inskickade rapporter "
                "kan godkännas.",
            )
            for report in locked
            if report.state != ReportState.SUBMITTED
        ]
        if refused:
            raise BulkApproveRefused(refused)
        for report in locked:
            _review(report, user=user, approve=True, comment="")
    return locked


def report_reopen(
    *, report: Report, user: User, comment: str, deadline: date, today: date
) -> Report:
    """Let one board change its report although the period is locked (recorded), by a
    deadline of its own: the period's has passed."""
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.period.state != PeriodState.LOCKED:
            raise FollowupError("Bara rapporter i låsta perioder behöver öppnas igen.")
        if locked.is_open_for_writing:
            raise FollowupError("Rapporten är redan öppen för nämnden.")
        if not comment.strip():
            raise FollowupError("Skriv varför rapporten öppnas igen.")
        if deadline < today:
            raise FollowupError("Sista dagen kan inte vara ett datum som redan har passerat.")
        locked.reopened = True
        locked.deadline = deadline
        locked.state = ReportState.RETURNED
        locked.save()
        events.report_reopened(
            ReportEvent.objects.create(
                report=locked, kind=ReportEvent.Kind.REOPENED, actor=user, comment=comment.strip()
            )
        )
    return locked


# --- The board's own activities and indicators ---------------------------------------


def own_item_add(
    *,
    report: Report,
    goal: Goal,
    text: str,
    indicator_kind: str | None = None,
) -> Activity | Indicator:
    """Add an activity (or, with `indicator_kind`, an indicator) of the board's own under a
    goal of the programme, and a row for it in the report. The same item added again to the
    same report (a double click, a form sent twice) is the one already there: the check is
    made with the report locked, so that two sends at once cannot both create it."""
    with transaction.atomic():
        locked = _lock_report(report)
        ensure_open(locked)
        if goal.programme_id != locked.period.programme_id:
            raise FollowupError("Målet hör inte till programmet.")
        board = locked.board
        model = Activity if indicator_kind is None else Indicator
        extra = {} if indicator_kind is None else {"kind": IndicatorKind(indicator_kind)}
        row_model = ActivityStatus if indicator_kind is None else IndicatorOutcome
        item_field = str(model._meta.model_name)  # "activity" or "indicator"
        same = model.objects.filter(
            with_row_in(model, locked), goal=goal, added_by=board, text=text.strip(), **extra
        ).first()
        if same is not None:
            return same
        position = (
            model.objects.filter(goal=goal).aggregate(Max("position"))["position__max"] or 0
        ) + 1
        item = model(
            goal=goal,
            position=position,
            text=text.strip(),
            responsible_text=board.name,
            added_by=board,
            **extra,
        )
        item.full_clean()
        item.save()
        item.responsibilities.create(board=board)
        # This report's row even if it is open only as an exception in a locked period (which
        # the sync leaves alone); the board's other open reports get theirs from the sync.
        row_model.objects.create(report=locked, **{item_field: item})
        reports_sync_for_programme(programme=locked.period.programme, board=board)
    return item


def own_item_remove(*, report: Report, item: Activity | Indicator, user: User) -> bool:
    """Remove one of the board's own items from its draft report: the report's row goes, the
    board stops answering for the item, and the item itself goes unless another report still
    holds a row for it (that report's history needs it). Each deletion is kept in the history
    with who and when. Returns whether the item itself was deleted."""
    with transaction.atomic():
        locked = _lock_report(report)
        ensure_open(locked)
        if locked.state != ReportState.DRAFT:
            raise FollowupError(
                "Egna aktiviteter och indikatorer kan bara tas bort medan rapporten är ett utkast."
            )
        if item.added_by_id != locked.board_id:
            raise FollowupError("Bara nämndens egna aktiviteter och indikatorer kan tas bort.")
        item_field = str(item._meta.model_name)  # "activity" or "indicator"
        row_model = ActivityStatus if isinstance(item, Activity) else IndicatorOutcome
        row = row_model.objects.filter(report=locked, **{item_field: item}).first()
        if row is None:
            raise FollowupError("Raden finns inte i rapporten.")
        history_stamp(row, user)
        row.delete()
        for responsibility in item.responsibilities.filter(board_id=locked.board_id):
            history_stamp(responsibility, user)
            responsibility.delete()
        # The board's other reports being written lose the row too.
        reports_sync_for_programme(programme=locked.period.programme, board=locked.board)
        if row_model.objects.filter(**{item_field: item}).exists():
            return False
        history_stamp(item, user)
        item.delete()
    return True

"""Writes of the follow-up: opening periods, saving rows, submitting and reviewing reports.

Each function checks the state it needs inside its own transaction, with the report row
locked, so that a save racing a submit cannot slip into a submitted report.
"""

from dataclasses import dataclass
from datetime import date

from concurrency.exceptions import RecordModifiedError
from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import Max, Q
from django.forms import ModelForm
from django.utils import timezone
from django.utils.text import Truncator
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
)
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


class FollowupError(Exception):
    """A request that the report's or period's state does not allow; the message is for
    the user, in Swedish."""


class StaleRow(FollowupError):
    def __init__(self, current: models.Model) -> None:
        super().__init__(
            "Någon annan har sparat raden efter att du öppnade den. Det som nu är sparat visas "
            "nedan; dina ändringar finns kvar i formuläret. Spara igen för att ersätta."
        )
        self.current = current


class IncompleteReport(FollowupError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__("Rapporten är inte komplett och kan inte skickas in ännu.")
        self.missing = missing


# --- Periods ---------------------------------------------------------------------------

# When each period opens and is due, relative to its programme year: T1 covers January–April,
# T2 January–August, VB the whole year (reported early the next year).
DEFAULT_PERIOD_DATES = {
    PeriodKind.T1: ((0, 5, 2), (0, 5, 20)),
    PeriodKind.T2: ((0, 9, 1), (0, 9, 20)),
    PeriodKind.VB: ((1, 1, 10), (1, 2, 10)),
}


def periods_create(*, programme: Programme) -> list[ReportingPeriod]:
    """Create the programme's T1, T2 and VB for every year that lacks them (idempotent)."""
    created = []
    for year in programme.years:
        for kind, (
            (open_offset, open_month, open_day),
            (due_offset, due_month, due_day),
        ) in DEFAULT_PERIOD_DATES.items():
            period, was_created = ReportingPeriod.objects.get_or_create(
                programme=programme,
                year=year,
                kind=kind,
                defaults={
                    "opens_on": date(year + open_offset, open_month, open_day),
                    "deadline": date(year + due_offset, due_month, due_day),
                },
            )
            if was_created:
                created.append(period)
    return created


def boards_with_commitments(programme: Programme) -> list[Board]:
    return list(
        Board.objects.filter(
            Q(activity_roles__activity__goal__programme=programme)
            | Q(indicator_roles__indicator__goal__programme=programme)
        )
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def period_open(*, period: ReportingPeriod) -> int:
    """Open the period and give every board with commitments its report. Returns how many
    reports were created."""
    period.state = PeriodState.OPEN
    period.save()
    existing = set(period.reports.values_list("board_id", flat=True))
    new_reports = bulk_create_with_history(
        [
            Report(period=period, board=board)
            for board in boards_with_commitments(period.programme)
            if board.pk not in existing
        ],
        Report,
    )
    for report in new_reports:
        report_rows_sync(report=report)
    return len(new_reports)


@transaction.atomic
def period_lock(*, period: ReportingPeriod) -> None:
    period.state = PeriodState.LOCKED
    period.save()
    # A controlled exception ends when the period is locked again.
    period.reports.filter(reopened=True).update(reopened=False)


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(programme_id=period.programme_id)
        .filter(Q(year__lt=period.year) | Q(year=period.year, kind__lt=period.kind))
        .order_by("-year", "-kind")
        .first()
    )


def previous_report(report: Report, *, annual: bool = False) -> Report | None:
    """The board's report for the period before; with `annual`, for the year before's
    verksamhetsberättelse (goal fulfilment is only assessed there)."""
    if annual:
        return Report.objects.filter(
            period__programme_id=report.period.programme_id,
            period__year=report.period.year - 1,
            period__kind=PeriodKind.VB,
            board_id=report.board_id,
        ).first()
    period = previous_period(report.period)
    if period is None:
        return None
    return Report.objects.filter(period=period, board_id=report.board_id).first()


# --- Rows ------------------------------------------------------------------------------


def _board_items(report: Report) -> tuple[list[int], list[int], list[int]]:
    """Ids of the activities, indicators and goals the board answers for in the period."""
    programme_id = report.period.programme_id
    activity_ids = list(
        ActivityResponsibility.objects.filter(
            board_id=report.board_id, activity__goal__programme_id=programme_id
        ).values_list("activity_id", flat=True)
    )
    indicator_ids = list(
        IndicatorResponsibility.objects.filter(
            board_id=report.board_id, indicator__goal__programme_id=programme_id
        ).values_list("indicator_id", flat=True)
    )
    goal_ids = []
    if report.period.is_annual:
        goal_ids = list(
            Goal.objects.filter(Q(activities__in=activity_ids) | Q(indicators__in=indicator_ids))
            .distinct()
            .values_list("pk", flat=True)
        )
    return activity_ids, indicator_ids, goal_ids


# (row model, the field naming its catalog item, the fields a new row takes from the
# previous period's row). What describes the work carries over; the judgements the period
# asks for (assessment, outcome, fulfilment) are made anew, so that no report can be sent
# in unchanged.
_ROW_KINDS = (
    (ActivityStatus, "activity", ("progress", "not_applicable_reason", "comment")),
    (IndicatorOutcome, "indicator", ("target",)),
    (GoalAssessment, "goal", ("analysis",)),
)


def report_rows_sync(*, report: Report) -> None:
    """Give a report being written in an open period exactly one row per commitment the
    board has now: rows for new commitments start from the previous period's answers, rows
    for lost ones go. Submitted and approved reports, and reports reopened in a locked
    period, keep the rows they were made from."""
    if report.state not in EDITABLE_STATES or report.period.state != PeriodState.OPEN:
        return
    wanted_ids = dict(zip(("activity", "indicator", "goal"), _board_items(report), strict=True))
    for model, item_field, carried in _ROW_KINDS:
        rows = model.objects.filter(report=report)
        have = set(rows.values_list(f"{item_field}_id", flat=True))
        wanted = set(wanted_ids[item_field])
        if lost := have - wanted:
            rows.filter(**{f"{item_field}_id__in": lost}).delete()
        missing = wanted - have
        if not missing:
            continue
        previous = previous_report(report, annual=model is GoalAssessment)
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
                    **{
                        field: getattr(earlier[item_id], field)
                        for field in carried
                        if item_id in earlier
                    },
                )
                for item_id in sorted(missing)
            ],
            model,
        )


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
        row.updated_by = user
        row.updated_on_behalf = on_behalf
        row.updated_at = timezone.now()
        try:
            with transaction.atomic():
                row.save()
        except RecordModifiedError:
            raise StaleRow(type(row).objects.get(pk=row.pk)) from None
    return row


def report_summary_save(*, form: ModelForm, report: Report, user: User) -> Report:
    with transaction.atomic():
        ensure_open(_lock_report(report))
        try:
            with transaction.atomic():
                return form.save()
        except RecordModifiedError:
            raise StaleRow(Report.objects.get(pk=report.pk)) from None


# --- Completeness, submission and review ---------------------------------------------


@dataclass(frozen=True)
class Completeness:
    filled: int
    total: int
    missing: list[str]

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100

    @property
    def is_complete(self) -> bool:
        return self.filled == self.total


def report_completeness(
    report: Report,
    activity_rows: list[ActivityStatus],
    indicator_rows: list[IndicatorOutcome],
    goal_rows: list[GoalAssessment],
) -> Completeness:
    """How much of the report is filled, and what is missing, in the page's words."""
    missing = [
        f"Aktivitet: {Truncator(row.activity.text).chars(80)} – {_missing_activity_part(row)}"
        for row in activity_rows
        if not row.is_filled
    ]
    missing += [
        f"Indikator: {Truncator(row.indicator.text).chars(80)} – utfall saknas"
        for row in indicator_rows
        if not row.is_filled
    ]
    missing += [
        f"Mål {row.goal.number}: måluppfyllelse och analys saknas"
        for row in goal_rows
        if not row.is_filled
    ]
    total = len(activity_rows) + len(indicator_rows) + len(goal_rows)
    if report.period.is_annual:
        total += 1
        if not report.summary.strip():
            missing.append("Sammanfattning för nämnden saknas")
    return Completeness(filled=total - len(missing), total=total, missing=missing)


def _missing_activity_part(row: ActivityStatus) -> str:
    parts = [
        name
        for name, value in (("status", row.progress), ("bedömning", row.assessment))
        if not value
    ]
    return " och ".join(parts) + " saknas"


def _report_rows(
    report: Report,
) -> tuple[list[ActivityStatus], list[IndicatorOutcome], list[GoalAssessment]]:
    return (
        list(report.activity_rows.select_related("activity")),
        list(report.indicator_rows.select_related("indicator")),
        list(report.goal_rows.select_related("goal")),
    )


def report_completeness_now(report: Report) -> Completeness:
    return report_completeness(report, *_report_rows(report))


def report_submit(*, report: Report, user: User, on_behalf: bool) -> Report:
    with transaction.atomic():
        locked = _lock_report(report)
        ensure_open(locked)
        activity_rows, indicator_rows, goal_rows = _report_rows(locked)
        completeness = report_completeness(locked, activity_rows, indicator_rows, goal_rows)
        if not completeness.is_complete:
            raise IncompleteReport(completeness.missing)
        # Keep the wording the board reported on, whatever the catalog says later.
        for status in activity_rows:
            status.activity_text = status.activity.text
        for outcome in indicator_rows:
            outcome.indicator_text = outcome.indicator.text
        for assessment in goal_rows:
            assessment.goal_title = assessment.goal.title
        ActivityStatus.objects.bulk_update(activity_rows, ["activity_text"])
        IndicatorOutcome.objects.bulk_update(indicator_rows, ["indicator_text"])
        GoalAssessment.objects.bulk_update(goal_rows, ["goal_title"])
        locked.state = ReportState.SUBMITTED
        locked.save()
        ReportEvent.objects.create(
            report=locked, kind=ReportEvent.Kind.SUBMITTED, actor=user, on_behalf=on_behalf
        )
    return locked


def report_review(*, report: Report, user: User, approve: bool, comment: str) -> Report:
    """Approve a submitted report, or return it to the board with a comment."""
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state != ReportState.SUBMITTED:
            raise FollowupError("Bara inskickade rapporter kan granskas.")
        if not approve and not comment.strip():
            raise FollowupError("Skriv vad nämnden behöver komplettera när du skickar tillbaka.")
        locked.state = ReportState.APPROVED if approve else ReportState.RETURNED
        # Returning a report in a locked period lets the board change it: the same
        # controlled exception as reopening, recorded by the event below.
        locked.reopened = not approve and locked.period.state == PeriodState.LOCKED
        locked.save()
        ReportEvent.objects.create(
            report=locked,
            kind=ReportEvent.Kind.APPROVED if approve else ReportEvent.Kind.RETURNED,
            actor=user,
            comment=comment.strip(),
        )
    return locked


def report_reopen(*, report: Report, user: User, comment: str) -> Report:
    """Let one board change its report although the period is locked (recorded)."""
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.period.state != PeriodState.LOCKED:
            raise FollowupError("Bara rapporter i låsta perioder behöver öppnas igen.")
        if locked.is_open_for_writing:
            raise FollowupError("Rapporten är redan öppen för nämnden.")
        if not comment.strip():
            raise FollowupError("Skriv varför rapporten öppnas igen.")
        locked.reopened = True
        locked.state = ReportState.RETURNED
        locked.save()
        ReportEvent.objects.create(
            report=locked, kind=ReportEvent.Kind.REOPENED, actor=user, comment=comment.strip()
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
    goal of the programme, and a row for it in the report."""
    with transaction.atomic():
        locked = _lock_report(report)
        ensure_open(locked)
        if goal.programme_id != locked.period.programme_id:
            raise FollowupError("Målet hör inte till programmet.")
        board = locked.board
        model = Activity if indicator_kind is None else Indicator
        extra = {} if indicator_kind is None else {"kind": IndicatorKind(indicator_kind)}
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
        row_model = ActivityStatus if indicator_kind is None else IndicatorOutcome
        row_model.objects.create(report=locked, **{str(model._meta.model_name): item})
    return item

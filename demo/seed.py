"""Demo data: five lived-in years of Stockholm's programme, for `make run` and the benchmark.

The demo replays the follow-up the way it is lived. The samordnare opens each period
(`period_open`, so reports and rows are created and carried over the real way), the boards'
rapportörer fill in their rows, submit, the samordnare approves or returns, periods are locked,
a report is now and then reopened. Submissions, reviews, reopenings, locks and own items go
through the services; only the filling in of rows is written in bulk, leaving what `row_save`
leaves (who, when, on whose behalf, a new version, a history record).

Replaying five years needs the years' dates: while it runs, `timezone.now` is the demo's clock,
so events, history and timestamps carry the day they happened in the story.

Demo users all have the password "demo", so they may exist only where settings.DEMO_MODE is on.
All text is organisational and aggregated, never about individuals.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from types import SimpleNamespace
from typing import cast
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.db.models import Count, F
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalog.models import Board, Goal, IndicatorKind, Programme
from demo.copies import copies_create
from followup.history import history_stamp
from followup.models import (
    ActivityStatus,
    Assessment,
    BoardRole,
    CityReader,
    Coordinator,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    Membership,
    PeriodKind,
    PeriodState,
    Progress,
    Report,
    ReportingPeriod,
)
from followup.rows import ROW_KINDS, Row, in_page_order, is_done, rows_of_reports
from followup.services import (
    own_item_add,
    period_lock,
    period_open,
    periods_create,
    report_reopen,
    report_review,
    report_submit,
)

PROGRAMME_SLUG = "stockholm-2021-2025"
# Södertälje's plan gets a demo of its own cycle when its catalog is loaded too: its boards'
# people, a samordnare of its own, and its delårsbokslut open now.
SODERTALJE_SLUG = "sodertalje-fri-fran-vald-2024-2027"
SODERTALJE_COORDINATOR = "samordnare-sodertalje"
# A controller who works for both municipalities: reports for Södertälje's socialnämnd and
# reads Stockholm's: one person may hold roles in the boards of both.
TWO_CITIES_USERNAME = "rapportor-tva-kommuner"
TWO_CITIES_ROLES = (
    ("sodertalje-socialnamnden", BoardRole.REPORTER),
    ("socialnamnden", BoardRole.READER),
)
DEFAULT_SEED = 2021
DEMO_PASSWORD = "demo"  # noqa: S105 (known on purpose; demo mode only)
STOCKHOLM = ZoneInfo("Europe/Stockholm")

ADMIN_USERNAME = "admin"
COORDINATOR_USERNAME = "samordnare"
REPORTER_PREFIX = "rapportor-"
READER_PREFIX = "lasare-"
# The housing companies' controller also reports for a sister company: a user may belong to
# several boards.
SHARED_REPORTER = ("ab-familjebostader", "ab-stockholmshem")
# The board whose logins the README names gets a half-filled draft in the open period, so that
# logging in as its rapportör shows work to do.
FEATURED_BOARD = "rinkeby-kista-stadsdelsnamnd"
OWN_ITEMS_BOARD = "skarholmens-stadsdelsnamnd"
OWN_ITEMS_PERIOD = (2021, PeriodKind.T2)
OWN_ACTIVITY = (
    "Erbjuda föräldraträffar om barns rätt till en uppväxt fri från våld, i samverkan med "
    "lokala föreningar i stadsdelsområdet."
)
OWN_INDICATOR = "Antal föräldraträffar om våldsförebyggande arbete som genomförts i stadsdelen."
# One report in each of these periods is reopened after the lock, corrected and approved again.
REOPENED_IN = {(2022, PeriodKind.VB), (2023, PeriodKind.T2)}
BATCH_SIZE = 250


class DemoError(Exception):
    """Why the demo cannot be seeded here; the message is for the user, in Swedish."""


@dataclass(frozen=True)
class PeriodCount:
    period: ReportingPeriod
    states: dict[str, int]


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    users: int = 0
    boards: int = 0
    copies: int = 0
    periods: list[PeriodCount] = field(default_factory=list)
    activity_rows: int = 0
    indicator_rows: int = 0
    goal_rows: int = 0


def demo_mode() -> bool:
    return settings.DEMO_MODE


def city_reader_username(coordinator: str) -> str:
    """The demo's city-wide reader beside its samordnare: stadslasare(-sodertalje)."""
    return coordinator.replace("samordnare", "stadslasare", 1)


def demo_usernames(boards: Sequence[Board], coordinator: str = COORDINATOR_USERNAME) -> list[str]:
    return [ADMIN_USERNAME, coordinator, city_reader_username(coordinator)] + [
        f"{prefix}{board.slug}" for board in boards for prefix in (REPORTER_PREFIX, READER_PREFIX)
    ]


def demo_exists(programme: Programme, coordinator: str = COORDINATOR_USERNAME) -> bool:
    """Whether the database already has reports or any of the demo's users: then seeding
    would clash with what is there (or give a real account the demo password)."""
    boards = list(Board.objects.responsible_in(programme))
    return (
        Report.objects.filter(period__programme=programme).exists()
        or User.objects.filter(username__in=demo_usernames(boards, coordinator)).exists()
    )


def demo_seed(*, scale: int = 1, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Seed the demo, all or nothing; a database that already has reports or demo users is
    left alone (`created` is then False). `scale` adds N−1 copies of every board with
    commitments, for the benchmark."""
    if not demo_mode():
        raise DemoError(
            "Demodata läggs bara in i demoläge (DEMO_MODE). Demoanvändarna har kända lösenord "
            "och får aldrig finnas i produktion."
        )
    if scale < 1:
        raise DemoError("Skalan måste vara minst 1.")
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    if programme is None:
        raise DemoError(
            f"Programmet {PROGRAMME_SLUG} finns inte. Läs först in det med "
            "”manage.py load_programme”."
        )
    second = Programme.objects.filter(slug=SODERTALJE_SLUG).first()
    clock = _Clock()
    with transaction.atomic():
        if demo_exists(programme) or (second and demo_exists(second, SODERTALJE_COORDINATOR)):
            return DemoSummary(created=False)
        with _replaying(clock):
            _seed(programme, clock=clock, seed=seed)
            if second is not None:
                _seed(second, clock=clock, seed=seed, coordinator=SODERTALJE_COORDINATOR)
                _two_cities_person(clock)
        if scale > 1:
            copies_create(programme, scale=scale)
        # With a benchmark's copies the samlad uppföljning is made final but not published:
        # publishing makes its PDF, which quotes every copy.
        _results_publish(programme, publish=scale == 1)
        _notifications_settle()
    return _summary(programme)


def _notifications_settle() -> None:
    """The replayed years told their events as they happened: what is older than a month
    has been read, and none of the history is mailed now (the mail task skips a
    notification already handed over)."""
    from notifications.models import Notification

    month_ago = timezone.now() - timedelta(days=30)
    Notification.objects.update(emailed_at=F("created_at"))
    Notification.objects.filter(created_at__lt=month_ago).update(read_at=F("created_at"))


# The year whose samlad uppföljning the demo makes final and publishes, so that the public
# results pages (issue 13) have something to show.
PUBLISHED_YEAR = 2024
PUBLISHED_NARRATIVE = (
    "Arbetet enligt programmet har fortsatt under året. De flesta aktiviteter pågår enligt "
    "plan; nämnderna behöver mer stöd där arbetet ännu inte har kommit igång."
)


def _results_publish(programme: Programme, *, publish: bool) -> None:
    """Stockholm's samlad uppföljning of PUBLISHED_YEAR, written by the samordnare, made
    final and (if `publish`) published, when that year's verksamhetsberättelse is locked."""
    from followup.city import city_followup_draft_create, city_followup_finalise
    from publishing.models import PublicationKind
    from publishing.services import publication_publish

    locked = ReportingPeriod.objects.filter(
        programme=programme, year=PUBLISHED_YEAR, is_annual=True, state=PeriodState.LOCKED
    )
    if not locked.exists():
        return
    coordinator = User.objects.get(username=COORDINATOR_USERNAME)
    followup = city_followup_draft_create(programme=programme, year=PUBLISHED_YEAR)
    followup.narrative = PUBLISHED_NARRATIVE
    followup.save()
    for part in followup.goals.select_related("goal"):
        part.narrative = (
            f"Nämnderna rapporterar att arbetet mot {programme.goal_label.lower()} "
            f"{part.goal.number} går framåt, men inte överallt i samma takt."
        )
        part.save()
    city_followup_finalise(followup=followup, user=coordinator)
    if not publish:
        return
    publication_publish(
        programme=programme,
        kind=PublicationKind.CITY_FOLLOWUP,
        year=PUBLISHED_YEAR,
        user=coordinator,
        make_missing_pdf=True,  # no task worker while seeding
    )


def demo_summary_of_second() -> "DemoSummary | None":
    """The demo's summary for Södertälje's plan, when it is loaded."""
    second = Programme.objects.filter(slug=SODERTALJE_SLUG).first()
    return _summary(second, SODERTALJE_COORDINATOR) if second else None


def _two_cities_person(clock: "_Clock") -> None:
    boards = {b.slug: b for b in Board.objects.filter(slug__in=[s for s, _ in TWO_CITIES_ROLES])}
    if len(boards) != len(TWO_CITIES_ROLES):
        return
    admin = User.objects.get(username=ADMIN_USERNAME)
    clock.act(admin, clock.now)
    person = User(
        username=TWO_CITIES_USERNAME,
        first_name="Mira",
        last_name="Lindqvist",
        password=admin.password,
    )
    person.save()
    bulk_create_with_history(
        [Membership(user=person, board=boards[slug], role=role) for slug, role in TWO_CITIES_ROLES],
        Membership,
    )


# --- The clock -------------------------------------------------------------------------


class _Clock:
    """The demo's `timezone.now`. The services, auto_now fields and simple_history stamp what
    they write with it; the actor is recorded the way HistoryRequestMiddleware records the
    user of a request."""

    def __init__(self) -> None:
        self.real_now = timezone.now()
        self.now = self.real_now

    def __call__(self) -> datetime:
        return self.now

    def act(self, user: User | None, at: datetime) -> None:
        """From here on, writes are `user`'s, at `at`."""
        if at > self.real_now:
            raise ValueError(f"The demo may not write the future ({at:%Y-%m-%d %H:%M}).")
        self.now = at
        HistoricalRecords.context.request = SimpleNamespace(user=user)


@contextmanager
def _replaying(clock: _Clock) -> Iterator[None]:
    with mock.patch.object(timezone, "now", clock):
        try:
            yield
        finally:
            with suppress(AttributeError):
                del HistoricalRecords.context.request


# --- Randomness and moments ----------------------------------------------------------


def _rng(seed: int, *key: object) -> random.Random:
    """A generator of its own for each thing drawn, so that the draws for one board do not
    depend on how many others there are (copies) or in which order they come."""
    return random.Random(":".join(str(part) for part in (seed, *key)))


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    """A moment in working hours (08–17, Stockholm) on a weekday from `first` to `last`."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)] or [first]
    day = rng.choice([day for day in days if day.weekday() < 5] or days)
    return datetime.combine(day, time(8), tzinfo=STOCKHOLM) + timedelta(
        minutes=rng.randrange(9 * 60)
    )


def _moments(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` moments in order between `start` and `end`: a rapportör working down a report."""
    span = max((end - start).total_seconds(), 60.0)
    return [
        start + timedelta(seconds=s) for s in sorted(rng.uniform(0, span) for _ in range(count))
    ]


def _day(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


# --- Seeding ---------------------------------------------------------------------------


@dataclass
class _Demo:
    programme: Programme
    clock: _Clock
    seed: int
    today: date
    coordinator: User
    # Board pk → its rapportörer. Copies have none: the samordnare writes for them.
    reporters: dict[int, list[User]]
    profiles: dict[tuple, "_IndicatorProfile"] = field(default_factory=dict)


def _current(periods: list[ReportingPeriod], today: date) -> ReportingPeriod:
    """The period open now: the latest first period of a year (T1, the delårsbokslut) that
    would usually have opened by today, so that every period before it lies in the past."""
    firsts = [p for p in periods if p.position == periods[0].position]
    return next((p for p in reversed(firsts) if p.opens_on <= today), periods[0])


def _seed(
    programme: Programme,
    *,
    clock: _Clock,
    seed: int,
    coordinator: str = COORDINATOR_USERNAME,
) -> None:
    periods_create(programme=programme)
    periods = list(ReportingPeriod.objects.filter(programme=programme).order_by("year", "position"))
    today = timezone.localdate(clock.real_now, STOCKHOLM)
    current = _current(periods, today)
    boards = list(Board.objects.responsible_in(programme))
    # Stockholm's draws keep the keys they had before there was a second programme.
    key: tuple[str, ...] = () if coordinator == COORDINATOR_USERNAME else (programme.slug,)
    joined_at = _moment(
        _rng(seed, "start", *key),
        periods[0].opens_on - timedelta(days=30),
        periods[0].opens_on - timedelta(days=20),
    )
    coordinator_user, reporters = _users_create(
        boards,
        programme=programme,
        clock=clock,
        seed=seed,
        at=joined_at,
        coordinator=coordinator,
        key=key,
    )
    demo = _Demo(
        programme=programme,
        clock=clock,
        seed=seed,
        today=today,
        coordinator=coordinator_user,
        reporters=reporters,
    )
    for period in periods[: periods.index(current) + 1]:
        _period_replay(demo, period, is_current=period == current)


def _users_create(
    boards: Sequence[Board],
    *,
    programme: Programme,
    clock: _Clock,
    seed: int,
    at: datetime,
    coordinator: str,
    key: tuple[str, ...],
) -> tuple[User, dict[int, list[User]]]:
    """The admin (once), the programme's samordnare, and a rapportör and a läsare for every
    board, with realistic Swedish names drawn from the seed."""
    names = iter(
        _rng(seed, "namn", *key).sample(
            [(first, last) for first in FIRST_NAMES for last in LAST_NAMES], 2 + 2 * len(boards)
        )
    )
    clock.act(None, at)  # the users joined when the programme started
    # Password hashing is slow on purpose; one hash of "demo" serves every demo user.
    admin = User(username=ADMIN_USERNAME, is_staff=True, is_superuser=True)
    admin.set_password(DEMO_PASSWORD)

    def person(username: str) -> User:
        first, last = next(names)
        return User(username=username, first_name=first, last_name=last, password=admin.password)

    admin.first_name, admin.last_name = next(names)
    coordinator_user = person(coordinator)
    # A city-wide reader (the city's leadership): named outside the draw, so that adding them
    # left every other demo name as it was.
    city_reader = User(
        username=city_reader_username(coordinator),
        first_name="Karin",
        last_name="Holm",
        password=admin.password,
    )
    people = {
        board.pk: (person(REPORTER_PREFIX + board.slug), person(READER_PREFIX + board.slug))
        for board in boards
    }
    existing_admin = User.objects.filter(username=ADMIN_USERNAME).first()
    clock.act(existing_admin or admin, at)
    User.objects.bulk_create(
        ([] if existing_admin else [admin])
        + [coordinator_user, city_reader, *(user for pair in people.values() for user in pair)]
    )
    bulk_create_with_history([Coordinator(user=coordinator_user, programme=programme)], Coordinator)
    bulk_create_with_history([CityReader(user=city_reader, programme=programme)], CityReader)
    memberships = [
        Membership(user=user, board_id=board_pk, role=role)
        for board_pk, pair in people.items()
        for user, role in zip(pair, (BoardRole.REPORTER, BoardRole.READER), strict=True)
    ]
    reporters = {board_pk: [reporter] for board_pk, (reporter, _) in people.items()}
    by_slug = {board.slug: board.pk for board in boards}
    if all(slug in by_slug for slug in SHARED_REPORTER):
        shared, other = (by_slug[slug] for slug in SHARED_REPORTER)
        memberships.append(
            Membership(user=people[shared][0], board_id=other, role=BoardRole.REPORTER)
        )
        reporters[other].append(people[shared][0])
    bulk_create_with_history(memberships, Membership)
    return coordinator_user, reporters


# --- One period ------------------------------------------------------------------------


class _Story(StrEnum):
    # In a past period: every report ends approved, by one road or another.
    ON_TIME = "on_time"
    LATE = "late"  # submitted after the deadline
    ON_BEHALF = "on_behalf"  # the rapportör was away; the samordnare finished and submitted
    RETURNED_ONCE = "returned_once"  # returned with a comment, corrected, approved
    REOPENED = "reopened"  # approved, reopened after the lock, corrected, approved again
    # In the open period:
    APPROVED = "approved"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    HALF_FILLED = "half_filled"
    UNTOUCHED = "untouched"


# The share of a period's reports that each story gets; the rest get the default.
PAST_STORIES = ((_Story.RETURNED_ONCE, 0.10), (_Story.LATE, 0.12), (_Story.ON_BEHALF, 0.05))
OPEN_STORIES = (
    (_Story.RETURNED, 0.13),
    (_Story.SUBMITTED, 0.20),
    (_Story.HALF_FILLED, 0.25),
    (_Story.UNTOUCHED, 0.10),
)


class _Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    CORRECT = "correct"
    REOPEN = "reopen"
    LOCK = "lock"


@dataclass(frozen=True)
class _Step:
    at: datetime
    action: _Action
    actor: User
    report: Report | None = None
    on_behalf: bool = False
    comment: str = ""


@dataclass
class _Plan:
    """What happens to one report in the period: who fills it in, when, how much, and then
    which steps follow."""

    report: Report
    story: _Story
    writer: User
    on_behalf: bool
    fill_from: datetime | None = None
    fill_until: datetime | None = None
    fill_share: float = 1.0
    steps: list[_Step] = field(default_factory=list)


def _period_replay(demo: _Demo, period: ReportingPeriod, *, is_current: bool) -> None:
    if is_current:
        # The demo always has a period open now, with its deadline ahead.
        period.opens_on = demo.today - timedelta(days=20)
        period.deadline = demo.today + timedelta(days=10)
    opened_at = datetime.combine(period.opens_on, time(8, 5), tzinfo=STOCKHOLM)
    demo.clock.act(demo.coordinator, opened_at)
    if is_current:
        period.full_clean()
        period.save()
    period_open(period=period)
    if (period.year, period.kind) == OWN_ITEMS_PERIOD:
        _own_items_add(demo, period, at=opened_at + timedelta(days=2, hours=3))

    reports = list(period.reports.select_related("board").order_by("board__slug"))
    stories = _stories(demo, period, reports, is_current=is_current)
    plans = [
        _plan(demo, period, report, stories[report.pk], is_current=is_current) for report in reports
    ]
    _rows_fill(demo, period, plans)

    steps = [step for plan in plans for step in plan.steps]
    if not is_current:
        lock_at = _moment(
            _rng(demo.seed, "lock", period),
            _day(max(step.at for step in steps)) + timedelta(days=1),
            _day(max(step.at for step in steps)) + timedelta(days=4),
        )
        steps.append(_Step(at=lock_at, action=_Action.LOCK, actor=demo.coordinator))
        for plan in plans:
            if plan.story == _Story.REOPENED:
                steps += _reopen_steps(demo, plan, lock_at)
    for step in sorted(steps, key=lambda step: step.at):
        _step_do(demo, period, step)


def _stories(
    demo: _Demo, period: ReportingPeriod, reports: list[Report], *, is_current: bool
) -> dict[int, _Story]:
    """Deal the stories out over the period's reports: a share of them each, at least one."""
    rng = _rng(demo.seed, "stories", period)
    stories: dict[int, _Story] = {}
    if is_current:
        stories = {r.pk: _Story.HALF_FILLED for r in reports if r.board.slug == FEATURED_BOARD}
    shuffled = [report for report in reports if report.pk not in stories]
    rng.shuffle(shuffled)
    for story, share in OPEN_STORIES if is_current else PAST_STORIES:
        wanted = max(0, max(1, round(share * len(reports))) - Counter(stories.values())[story])
        for report in shuffled[:wanted]:
            stories[report.pk] = story
        shuffled = shuffled[wanted:]
    default = _Story.APPROVED if is_current else _Story.ON_TIME
    for report in shuffled:
        stories[report.pk] = default
    if (period.year, period.kind) in REOPENED_IN and shuffled:
        stories[shuffled[-1].pk] = _Story.REOPENED
    return stories


def _plan(
    demo: _Demo, period: ReportingPeriod, report: Report, story: _Story, *, is_current: bool
) -> _Plan:
    """Lay out the report's story in time: filled in before it is submitted, reviewed after."""
    rng = _rng(demo.seed, "plan", period, report.board.slug)
    reporters = demo.reporters.get(report.board_id)
    writer = rng.choice(reporters) if reporters else demo.coordinator
    on_behalf = not reporters
    plan = _Plan(report=report, story=story, writer=writer, on_behalf=on_behalf)
    coordinator = demo.coordinator
    opens, deadline = period.opens_on, period.deadline
    # In the open period everything has happened by yesterday.
    last = demo.today - timedelta(days=1) if is_current else deadline + timedelta(days=40)

    def days_after(moment: datetime, low: int, high: int) -> datetime:
        return _moment(
            rng,
            _day(moment) + timedelta(days=low),
            min(_day(moment) + timedelta(days=high), last),
        )

    if story == _Story.UNTOUCHED:
        return plan
    if story == _Story.HALF_FILLED:
        plan.fill_from = _moment(rng, opens + timedelta(days=1), last)
        plan.fill_until = plan.fill_from + timedelta(minutes=rng.randint(40, 150))
        plan.fill_share = rng.uniform(0.35, 0.65)
        return plan

    if story == _Story.LATE:
        submit_at = _moment(rng, deadline + timedelta(days=1), deadline + timedelta(days=12))
    elif is_current:
        latest = last - timedelta(days=1 if story == _Story.SUBMITTED else 5)
        submit_at = _moment(rng, opens + timedelta(days=3), latest)
    else:
        submit_at = _moment(
            rng, max(opens + timedelta(days=3), deadline - timedelta(days=9)), deadline
        )
    # The rapportör fills the report in at one sitting, on the day or a few days before.
    plan.fill_from = _moment(rng, max(opens, _day(submit_at) - timedelta(days=3)), _day(submit_at))
    if plan.fill_from > submit_at - timedelta(minutes=30):
        plan.fill_from = submit_at - timedelta(minutes=rng.randint(45, 180))
    plan.fill_until = min(
        plan.fill_from + timedelta(minutes=rng.randint(40, 150)),
        submit_at - timedelta(minutes=rng.randint(5, 20)),
    )
    submitter_behalf = story == _Story.ON_BEHALF or on_behalf
    plan.steps.append(
        _Step(
            at=submit_at,
            action=_Action.SUBMIT,
            actor=coordinator if submitter_behalf else writer,
            report=report,
            on_behalf=submitter_behalf,
        )
    )
    if story == _Story.SUBMITTED:
        return plan
    if story in (_Story.RETURNED, _Story.RETURNED_ONCE):
        returned_at = days_after(submit_at, 1, 4)
        plan.steps.append(
            _Step(
                at=returned_at,
                action=_Action.RETURN,
                actor=coordinator,
                report=report,
                comment=rng.choice(
                    RETURN_COMMENTS + (RETURN_COMMENTS_ANNUAL if period.is_annual else [])
                ),
            )
        )
        if story == _Story.RETURNED:
            return plan
        corrected_at = days_after(returned_at, 1, 3)
        submit_at = corrected_at + timedelta(minutes=rng.randint(10, 90))
        plan.steps += [
            _Step(corrected_at, _Action.CORRECT, writer, report, on_behalf=on_behalf),
            _Step(submit_at, _Action.SUBMIT, writer, report, on_behalf=on_behalf),
        ]
    plan.steps.append(_Step(days_after(submit_at, 1, 6), _Action.APPROVE, coordinator, report))
    return plan


def _reopen_steps(demo: _Demo, plan: _Plan, lock_at: datetime) -> list[_Step]:
    rng = _rng(demo.seed, "reopen", plan.report.period, plan.report.board.slug)
    reopened_at = _moment(
        rng, _day(lock_at) + timedelta(days=5), _day(lock_at) + timedelta(days=20)
    )
    corrected_at = _moment(
        rng, _day(reopened_at) + timedelta(days=1), _day(reopened_at) + timedelta(days=3)
    )
    submit_at = corrected_at + timedelta(minutes=rng.randint(10, 60))
    approve_at = _moment(
        rng, _day(submit_at) + timedelta(days=1), _day(submit_at) + timedelta(days=3)
    )
    report, writer, behalf = plan.report, plan.writer, plan.on_behalf
    return [
        _Step(
            reopened_at,
            _Action.REOPEN,
            demo.coordinator,
            report,
            comment=rng.choice(REOPEN_COMMENTS),
        ),
        _Step(corrected_at, _Action.CORRECT, writer, report, on_behalf=behalf),
        _Step(submit_at, _Action.SUBMIT, writer, report, on_behalf=behalf),
        _Step(approve_at, _Action.APPROVE, demo.coordinator, report),
    ]


def _step_do(demo: _Demo, period: ReportingPeriod, step: _Step) -> None:
    demo.clock.act(step.actor, step.at)
    if step.action == _Action.LOCK:
        period_lock(period=period)
        return
    report = step.report
    assert report is not None  # every step but the lock is about a report
    match step.action:
        case _Action.SUBMIT:
            report_submit(report=report, user=step.actor, on_behalf=step.on_behalf)
        case _Action.APPROVE:
            report_review(report=report, user=step.actor, approve=True, comment="")
        case _Action.RETURN:
            report_review(report=report, user=step.actor, approve=False, comment=step.comment)
        case _Action.REOPEN:
            reopened_on = step.at.date()
            report_reopen(
                report=report,
                user=step.actor,
                comment=step.comment,
                deadline=reopened_on + timedelta(days=14),
                today=reopened_on,
            )
        case _Action.CORRECT:
            _rows_correct(demo, step, report)


def _own_items_add(demo: _Demo, period: ReportingPeriod, at: datetime) -> None:
    """An activity and an indicator of a district board's own, so that own items show."""
    report = period.reports.filter(board__slug=OWN_ITEMS_BOARD).first()
    if report is None:
        return
    reporter = demo.reporters[report.board_id][0]
    goal = Goal.objects.get(programme=demo.programme, number=1)
    demo.clock.act(reporter, at)
    own_item_add(report=report, goal=goal, text=OWN_ACTIVITY)
    demo.clock.act(reporter, at + timedelta(minutes=7))
    own_item_add(report=report, goal=goal, text=OWN_INDICATOR, indicator_kind=IndicatorKind.COUNT)


# --- Rows ------------------------------------------------------------------------------

# What every save stamps, besides the fields a rapportör fills in (ANSWER_FIELDS).
_STAMP_FIELDS = ("updated_by", "updated_on_behalf", "updated_at", "version", "carried_over")
# T1 covers January–April and T2 January–August: counts so far in the year.


def _year_so_far(period: ReportingPeriod) -> float:
    """How much of the year a period's counts cover: up to the month it opens (T1 January–
    April, T2 and the delårsbokslut January–August), the whole year in the annual report."""
    return 1.0 if period.is_annual else (period.opens_on.month - 1) / 12


# Indicators about people, for which a split by women and men makes sense.
_SPLITTABLE = ("individer", "personer", "våldsutövare", "unga ")


def _rows_of(reports: models.QuerySet[Report]) -> dict[int, list[Row]]:
    """Each report's rows in the order of its page: goal by goal, activities, indicators and
    the goal's assessment."""
    return {
        pk: in_page_order(rows)
        for pk, rows in rows_of_reports(reports.values_list("pk", flat=True)).items()
    }


def _rows_fill(demo: _Demo, period: ReportingPeriod, plans: list[_Plan]) -> None:
    rows_of = _rows_of(period.reports.all())
    changed: list[Row] = []
    summaries = []
    for plan in plans:
        if plan.fill_from is None or plan.fill_until is None:
            continue
        rng = _rng(demo.seed, "fill", period, plan.report.board.slug)
        rows = rows_of.get(plan.report.pk, [])
        if plan.fill_share < 1:
            rows = [row for row in rows if rng.random() < plan.fill_share]
        # A samordnare finishing a report for an absent rapportör does the last third.
        handover = len(rows) * 2 // 3 if plan.story == _Story.ON_BEHALF else len(rows)
        moments = _moments(rng, plan.fill_from, plan.fill_until, len(rows))
        for index, (row, at) in enumerate(zip(rows, moments, strict=True)):
            _answer(demo, row, rng, period, plan.report.board)
            if index < handover:
                _stamp(row, plan.writer, at, on_behalf=plan.on_behalf)
            else:
                _stamp(row, demo.coordinator, at, on_behalf=True)
            changed.append(row)
        if period.is_annual and plan.fill_share == 1:
            report = plan.report
            report.summary = _summary_text(rng)
            history_stamp(
                report,
                demo.coordinator if handover < len(rows) else plan.writer,
                plan.fill_until,
            )
            summaries.append(report)
    _rows_save(changed)
    if summaries:
        bulk_update_with_history(summaries, Report, ["summary"], batch_size=BATCH_SIZE)


def _rows_correct(demo: _Demo, step: _Step, report: Report) -> None:
    """After a return or a reopening: the board fills in anything missing (a reopened report
    gets rows for commitments added since) and mends a row or two."""
    period = report.period
    rng = _rng(demo.seed, "correct", period, report.board.slug, step.at.isoformat())
    rows = _rows_of(Report.objects.filter(pk=report.pk)).get(report.pk, [])
    mended = [row for row in rows if not is_done(row)]
    for row in mended:
        _answer(demo, row, rng, period, report.board)
    activities = [
        row
        for row in rows
        if isinstance(row, ActivityStatus)
        and row.progress != Progress.NOT_APPLICABLE
        and row not in mended
    ]
    for row in rng.sample(activities, min(len(activities), rng.randint(1, 2))):
        row.comment = f"{row.comment} {rng.choice(CORRECTIONS)}".strip()
        mended.append(row)
    outcomes = [
        row
        for row in rows
        if isinstance(row, IndicatorOutcome)
        and row.indicator.kind != IndicatorKind.YES_NO
        and row.numerator is not None
        and row.women_numerator is None
        and row not in mended
    ]
    if outcomes and rng.random() < 0.5:
        row = rng.choice(outcomes)
        ceiling = row.denominator if row.denominator is not None else 150
        row.numerator = min(ceiling, (row.numerator or 0) + rng.randint(1, 3))  # not None: above
        row.comment = "Utfallet har rättats efter en ny avstämning av underlaget."
        mended.append(row)
    for index, row in enumerate(mended):
        row.clean()
        _stamp(row, step.actor, step.at + timedelta(seconds=5 * index), on_behalf=step.on_behalf)
    _rows_save(mended)


def _rows_save(rows: list[Row]) -> None:
    """Write filled-in rows the way `row_save` leaves them, with their history, in bulk."""
    for model in (kind.model for kind in ROW_KINDS):
        fields = model.ANSWER_FIELDS
        of_model = [row for row in rows if type(row) is model]
        if of_model:
            _update_many(model, of_model, [*fields, *_STAMP_FIELDS])
            model.history.bulk_history_create(of_model, update=True, batch_size=BATCH_SIZE)


def _update_many(
    model: type[models.Model], objs: Sequence[models.Model], fields: list[str]
) -> None:
    """What `bulk_update` does, as one parameterised UPDATE per row sent with executemany:
    `bulk_update` builds a CASE expression per field and row, which for the demo's tens of
    thousands of rows costs most of the run."""
    quote = connection.ops.quote_name
    # Answer and stamp fields: never relations, always with a column.
    columns = [cast(models.Field, model._meta.get_field(name)) for name in fields]
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
    pk = model._meta.pk
    assert pk is not None  # a concrete model
    # Only the model's own table and column names go into the text; values are parameters.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(str(pk.column))} = %s"
    )
    params = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _stamp(row: Row, user: User, at: datetime, *, on_behalf: bool) -> None:
    row.carried_over = False  # saved, so seen (as `row_save` leaves it)
    row.updated_by = user
    row.updated_on_behalf = on_behalf
    row.updated_at = at
    row.version += 1
    history_stamp(row, user, at)


def _answer(
    demo: _Demo, row: Row, rng: random.Random, period: ReportingPeriod, board: Board
) -> None:
    """Fill the row in as the board would this period, starting from what it carries over."""
    year_index = period.year - demo.programme.start_year
    if isinstance(row, ActivityStatus):
        _activity_answer(row, rng, year_index)
    elif isinstance(row, IndicatorOutcome):
        _indicator_answer(row, rng, _profile(demo, board, row), period, year_index)
    else:
        _goal_answer(row, rng, year_index)
    row.clean()


# Progress moves forward over the periods; each kind of progress has its chances of moving on.
_FIRST_PROGRESS = (
    (Progress.NOT_STARTED, 35),
    (Progress.STARTED, 35),
    (Progress.ONGOING, 26),
    (Progress.NOT_APPLICABLE, 4),
)
_NEXT_PROGRESS: dict[str, tuple[tuple[Progress, int], ...]] = {
    Progress.NOT_STARTED: ((Progress.STARTED, 30), (Progress.NOT_APPLICABLE, 1)),
    Progress.STARTED: ((Progress.ONGOING, 18), (Progress.DONE, 8)),
    Progress.ONGOING: ((Progress.DONE, 3),),
}


def _activity_answer(row: ActivityStatus, rng: random.Random, year_index: int) -> None:
    before = row.progress
    if not before:
        choices: list[str] = [value for value, _ in _FIRST_PROGRESS]
        weights: tuple[int, ...] = tuple(weight for _, weight in _FIRST_PROGRESS)
        progress = rng.choices(choices, weights)[0]
    else:
        progress = before
        roll = rng.uniform(0, 100)
        for candidate, chance in _NEXT_PROGRESS.get(before, ()):
            if roll < chance:
                progress = candidate
                break
            roll -= chance
    row.progress = progress
    if progress == Progress.NOT_APPLICABLE:
        row.not_applicable_reason = row.not_applicable_reason or rng.choice(NOT_APPLICABLE_REASONS)
        row.assessment = Assessment.ON_TRACK
        row.comment = ""
        return
    row.not_applicable_reason = ""
    if progress == Progress.DONE:
        row.assessment = Assessment.ON_TRACK
        if before != Progress.DONE or not row.comment:
            row.comment = rng.choice(COMPLETED_COMMENTS)
        return
    if not row.assessment or rng.random() > 0.6:
        if progress == Progress.NOT_STARTED:
            weights = (70, 25, 5) if year_index == 0 else (30, 40, 30)
        else:
            weights = (78, 17, 5)
        row.assessment = rng.choices(
            (Assessment.ON_TRACK, Assessment.PARTLY, Assessment.OFF_TRACK), weights
        )[0]
    if progress == Progress.NOT_STARTED:
        row.comment = rng.choice(NOT_STARTED_COMMENTS)
    else:
        row.comment = f"{rng.choice(DONE_SENTENCES)} {rng.choice(NEXT_SENTENCES)}"


@dataclass(frozen=True)
class _IndicatorProfile:
    """How one board's outcomes of one indicator behave over the years."""

    size: int  # a share's usual denominator, or a count's yearly level
    start: float  # a share's level in the first year
    gain: float  # how much it improves a year
    yes_from: int  # the year a yes/no indicator turns to yes
    split: bool  # also reported for women and men
    has_target: bool


def _profile(demo: _Demo, board: Board, row: IndicatorOutcome) -> _IndicatorProfile:
    indicator = row.indicator
    key = (board.pk, indicator.pk)
    if key not in demo.profiles:
        rng = _rng(
            demo.seed,
            "indikator",
            board.slug,
            indicator.goal.number,
            indicator.is_own,
            indicator.position,
        )
        if indicator.kind == IndicatorKind.SHARE:
            # Denominators differ a lot: a few units in one board, hundreds in another.
            size = round(math.exp(rng.uniform(math.log(3), math.log(400))))
        else:
            size = round(math.exp(rng.uniform(0, math.log(121)))) - 1
        demo.profiles[key] = _IndicatorProfile(
            size=size,
            start=rng.uniform(0.15, 0.65),
            gain=rng.uniform(0.02, 0.12),
            yes_from=demo.programme.start_year + rng.choice((0, 0, 1, 1, 2, 3, 9)),
            split=indicator.kind != IndicatorKind.YES_NO
            and any(word in indicator.text.lower() for word in _SPLITTABLE)
            and rng.random() < 0.6,
            has_target=indicator.kind != IndicatorKind.YES_NO and rng.random() < 0.7,
        )
    return demo.profiles[key]


def _indicator_answer(
    row: IndicatorOutcome,
    rng: random.Random,
    profile: _IndicatorProfile,
    period: ReportingPeriod,
    year_index: int,
) -> None:
    kind = row.indicator.kind
    for name in IndicatorOutcome.ANSWER_FIELDS:
        if name not in ("target", "comment"):
            setattr(row, name, None)
    if kind == IndicatorKind.YES_NO:
        row.answer = period.year >= profile.yes_from
    elif kind == IndicatorKind.SHARE:
        denominator = max(1, round(profile.size * rng.uniform(0.9, 1.1)))
        level = profile.start + profile.gain * year_index + rng.uniform(-0.05, 0.05)
        row.denominator = denominator
        row.numerator = round(denominator * min(0.98, max(0.0, level)))
        if profile.split and denominator >= 2:
            women = round(denominator * rng.uniform(0.4, 0.65))
            row.women_denominator, row.men_denominator = women, denominator - women
            row.women_numerator = min(women, round(row.numerator * women / denominator))
            row.men_numerator = row.numerator - row.women_numerator
            if row.men_numerator > row.men_denominator:
                row.men_numerator = row.men_denominator
                row.women_numerator = row.numerator - row.men_denominator
    else:
        yearly = profile.size * (1 + profile.gain * year_index)
        so_far = yearly * _year_so_far(period) * rng.uniform(0.85, 1.15)
        row.numerator = min(150, max(0, round(so_far)))
        if profile.split:
            row.women_numerator = round(row.numerator * rng.uniform(0.3, 0.7))
            row.men_numerator = row.numerator - row.women_numerator
    # The board sets its target for the year in its first period (T1); the rest carry it over.
    if profile.has_target and (period.position == 1 or row.target is None):
        if kind == IndicatorKind.SHARE:
            level = profile.start + profile.gain * year_index + 0.1
            row.target = Decimal(min(100, 5 * round(20 * level)))
        else:
            row.target = Decimal(round(profile.size * (1 + profile.gain * year_index) * 1.1))
    row.comment = rng.choice(INDICATOR_COMMENTS) if rng.random() < 0.35 else ""


def _goal_answer(row: GoalAssessment, rng: random.Random, year_index: int) -> None:
    full = 0.10 + 0.10 * year_index
    none = max(0.03, 0.15 - 0.03 * year_index)
    row.fulfilment = rng.choices(
        (Fulfilment.FULL, Fulfilment.PARTLY, Fulfilment.NONE), (full, 1 - full - none, none)
    )[0]
    row.analysis = rng.choice(GOAL_ANALYSES[row.fulfilment])


def _summary_text(rng: random.Random) -> str:
    return " ".join(rng.choice(part) for part in SUMMARY_PARTS)


# --- Summary ---------------------------------------------------------------------------


def _summary(programme: Programme, coordinator: str = COORDINATOR_USERNAME) -> DemoSummary:
    boards = list(Board.objects.responsible_in(programme))
    states: dict[int, dict[str, int]] = defaultdict(dict)
    for period_id, state, count in (
        Report.objects.filter(period__programme=programme)
        .order_by()
        .values_list("period", "state")
        .annotate(count=Count("pk"))
    ):
        states[period_id][state] = count
    periods = ReportingPeriod.objects.filter(pk__in=states)
    in_programme = {"report__period__programme": programme}
    return DemoSummary(
        created=True,
        users=User.objects.filter(username__in=demo_usernames(boards, coordinator)).count(),
        boards=len(boards),
        copies=sum(" (kopia " in board.name for board in boards),
        periods=[PeriodCount(period=period, states=states[period.pk]) for period in periods],
        activity_rows=ActivityStatus.objects.filter(**in_programme).count(),
        indicator_rows=IndicatorOutcome.objects.filter(**in_programme).count(),
        goal_rows=GoalAssessment.objects.filter(**in_programme).count(),
    )


# --- Words -----------------------------------------------------------------------------
# What boards write about their work: organisational and aggregated, never about a person.

FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Ingrid", "Malin",
    "Sofia", "Johanna", "Linnea", "Elin", "Helena", "Cecilia", "Ida", "Amira", "Leila", "Fatima",
    "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Mikael", "Peter", "Fredrik", "Daniel",
    "Jonas", "Mattias", "Oskar", "Ahmed", "Ali", "Niklas", "Henrik", "Gustav", "Magnus", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Lindberg", "Lindström", "Lindqvist", "Berg", "Bergström", "Lundberg", "Lundqvist", "Lind",
    "Sandberg", "Holm", "Ek", "Sjöberg", "Wallin", "Engström", "Forsberg", "Mohammadi",
    "Hassan", "Yilmaz", "Nordin", "Björk", "Åberg", "Öberg", "Strand", "Hedlund", "Abdi",
)  # fmt: skip

DONE_SENTENCES = [
    "Samtliga enhetschefer har gått igenom rutinen för frågor om våld på en ledningsträff.",
    "Två utbildningstillfällen om våld i nära relationer har genomförts för medarbetare.",
    "En arbetsgrupp med representanter för socialtjänst, förskola och fritid träffas varje månad.",
    "Förvaltningen har tagit fram en lokal handlingsplan som har förankrats i ledningsgruppen.",
    "Informationsmaterial på flera språk har tagits fram och spridits till verksamheterna.",
    "Samverkan med lokalpolisområdet har formaliserats i en gemensam överenskommelse.",
    "Metodstödjare har utsetts på varje enhet och fått en introduktion i uppdraget.",
    "Förvaltningen har kartlagt vilka enheter som ännu inte ställer frågor om våld.",
    "Utbildning om hedersrelaterat våld och förtryck har erbjudits alla nyanställda handläggare.",
    "En webbutbildning om våld i nära relationer ingår nu i introduktionen för nya medarbetare.",
    "Föräldraskapsstödsprogrammet har erbjudits i tre grupper under perioden.",
    "Arbetet har följts upp på ledningsgruppens möten varje månad.",
    "Rutinen för orosanmälan har reviderats och kompletterats med ett avsnitt om våld.",
    "Nätverksträffar med det lokala civilsamhället har hållits vid två tillfällen.",
    "Uppdraget har förts in i förvaltningens verksamhetsplan med tydligt utsedda ansvariga.",
    "Förvaltningen har deltagit i stadens gemensamma nätverk för våldsförebyggande arbete.",
    "En enkät till enheterna har följt upp hur arbetssättet fungerar i praktiken.",
    "Det finns nu kontaktpersoner för frågor om våld på samtliga enheter.",
    "Samarbetet med Relationsvåldscentrum har fördjupats genom gemensamma metoddagar.",
    "Medarbetare har fått handledning i att ställa frågor om våld i mötet med målgruppen.",
    "Stöd för bedömning av skyddsbehov har införts i handläggningen.",
    "Ett samverkansmöte med skolor och fritidsgårdar i området har genomförts.",
    "Kunskapsstöd från Länsstyrelsen och Socialstyrelsen har spridits till verksamheterna.",
    "En informationskampanj om stöd vid våld i nära relationer har genomförts i området.",
    "Informationen om stöd vid våld på stadens webbplats har uppdaterats.",
    "Förvaltningen har genomfört en egenkontroll av hur rutinerna följs.",
    "Chefer har fått en halvdagsutbildning om sitt ansvar i det våldsförebyggande arbetet.",
    "Samverkan med bostadsbolagen om tidig upptäckt av våld har inletts.",
    "Personal inom äldreomsorgen har fått utbildning om våld mot äldre.",
    "Införandet av den standardiserade bedömningsmetoden har fortsatt enligt tidsplanen.",
]
NEXT_SENTENCES = [
    "Under nästa period sprids arbetssättet till de enheter som återstår.",
    "Härnäst följs upp hur rutinen används i det dagliga arbetet.",
    "Nästa steg är att utvärdera insatsen tillsammans med verksamheterna.",
    "Ytterligare ett utbildningstillfälle genomförs under hösten.",
    "Arbetsgruppen tar fram ett förslag på hur arbetet kan bli en del av ordinarie verksamhet.",
    "Resultatet följs upp i verksamhetsberättelsen.",
    "Härnäst samlas metodstödjarna för erfarenhetsutbyte.",
    "Nästa period riktas arbetet särskilt till verksamheter som möter äldre.",
    "Materialet översätts till fler språk under året.",
    "En plan för fortsatt kompetensutveckling tas fram under kommande period.",
    "Under nästa tertial följs andelen utbildade medarbetare upp per enhet.",
    "Samverkansöverenskommelsen utvärderas och revideras vid behov.",
    "Arbetet fortsätter enligt den lokala handlingsplanen.",
    "Härnäst tas rutinen upp på samtliga arbetsplatsträffar.",
    "Relationsvåldscentrum bjuds in till en gemensam temadag under nästa period.",
    "En ny enkät till enheterna genomförs i slutet av året.",
    "Nästa steg är att föra in frågorna i det ordinarie dokumentationsstödet.",
    "Förvaltningen söker utvecklingsmedel för att kunna utöka insatsen.",
    "Arbetet samordnas med stadens övriga arbete för trygghet i området.",
    "Under kommande period ses introduktionen för nyanställda över.",
    "Resultaten redovisas för nämnden i samband med verksamhetsberättelsen.",
    "Fler föräldragrupper startas, även på andra språk än svenska.",
    "Arbetet följs även fortsättningsvis upp på ledningsgruppens möten.",
    "Utbildningen erbjuds även personal hos utförare på entreprenad.",
    "Nästa period prioriteras samverkan med skolorna i området.",
    "En plan tas fram för att nå de enheter som ännu inte har deltagit.",
    "Kontaktpersonernas uppdrag följs upp under året.",
    "Arbetet med stödmaterial för chefer fortsätter.",
    "Erfarenheterna sprids till övriga förvaltningar i stadens nätverk.",
    "Utöver det löpande arbetet planeras inga ytterligare åtgärder.",
]
NOT_STARTED_COMMENTS = [
    "Arbetet har ännu inte påbörjats på grund av vakanser i ledningen.",
    "Aktiviteten har skjutits upp i väntan på stadens gemensamma stödmaterial.",
    "Planering pågår, men inga åtgärder har genomförts under perioden.",
    "Arbetet har prioriterats ned under perioden på grund av hög arbetsbelastning.",
    "Aktiviteten startar när den nya samordnartjänsten är tillsatt.",
    "Förvaltningen inväntar besked om finansiering innan arbetet kan starta.",
    "Aktiviteten är planerad att starta under nästa tertial.",
    "Arbetet har försenats av en omorganisation inom förvaltningen.",
]
COMPLETED_COMMENTS = [
    "Aktiviteten är genomförd och ingår nu i ordinarie verksamhet.",
    "Samtliga planerade utbildningstillfällen är genomförda.",
    "Rutinen är beslutad och införd på alla enheter.",
    "Insatsen är genomförd och har utvärderats med gott resultat.",
    "Aktiviteten är slutförd; uppföljningen sker i den ordinarie egenkontrollen.",
    "Arbetet är klart och resultatet har redovisats för nämnden.",
]
NOT_APPLICABLE_REASONS = [
    "Nämnden har ingen verksamhet som möter målgruppen.",
    "Uppdraget har flyttats till en annan nämnd efter en omorganisation.",
    "Verksamheten bedrivs inte längre i nämndens regi.",
    "Insatsen ges i stadens gemensamma verksamhet och följs upp av socialnämnden.",
    "Aktiviteten ligger utanför nämndens uppdrag enligt stadens budget för året.",
]
CORRECTIONS = [
    "Komplettering: arbetet har under perioden omfattat samtliga enheter.",
    "Komplettering: förseningen beror på vakanser; arbetet återupptas nästa period.",
    "Komplettering: underlaget har kontrollerats och uppgifterna är rättade.",
    "Komplettering: bedömningen har setts över tillsammans med ledningsgruppen.",
    "Komplettering: nästa steg är beslutat och har en ansvarig chef.",
]
INDICATOR_COMMENTS = [
    "Underlaget bygger på enhetschefernas svar i den årliga enkäten.",
    "Ökningen förklaras av att fler enheter har infört frågor om våld.",
    "Uppgiften är hämtad ur verksamhetssystemet och avser året hittills.",
    "Antalet varierar mellan perioderna och bör tolkas försiktigt.",
    "Utfallet är lägre än målvärdet; arbetet förstärks under nästa period.",
    "Målvärdet är uppnått.",
    "Nivån ligger i linje med föregående år.",
    "Alla enheter har ännu inte rapporterat; utfallet kan justeras i verksamhetsberättelsen.",
    "Minskningen beror delvis på färre nya ärenden under perioden.",
    "Fler enheter ingår i underlaget än tidigare år, vilket påverkar jämförelsen.",
    "Utfallet har tagits fram tillsammans med Relationsvåldscentrum.",
    "Andelen har ökat sedan utbildningsinsatsen genomfördes.",
    "Uppdelningen på kön redovisas där verksamhetssystemet medger det.",
    "Det låga antalet gör att utfallet kan variera kraftigt mellan perioderna.",
    "Redovisningen avser enheter i egen regi.",
    "Utfallet är preliminärt och stäms av inför verksamhetsberättelsen.",
    "Enheterna har följt upp kunskapsläget genom egenkontroll.",
    "Ingen förändring jämfört med föregående period.",
    "Arbetet med att ta fram ett säkrare underlag fortsätter.",
    "Målvärdet har höjts jämfört med förra året.",
]
GOAL_ANALYSES = {
    Fulfilment.FULL: [
        "De planerade aktiviteterna är genomförda och indikatorerna utvecklas positivt.",
        "Arbetssätten är införda och följs upp systematiskt i verksamheterna.",
        "Aktiviteterna är genomförda eller pågår löpande, och utfallen når nämndens målvärden.",
        "Arbetet är väl förankrat i verksamheterna och ingår i den ordinarie uppföljningen.",
        "Nämnden når sina målvärden och samverkan med berörda aktörer fungerar väl.",
    ],
    Fulfilment.PARTLY: [
        "Flera aktiviteter går enligt plan men några har försenats, och indikatorerna når inte "
        "helt upp till målvärdena.",
        "Arbetet har kommit igång i de flesta verksamheter men behöver spridas till fler enheter.",
        "Utvecklingen går åt rätt håll, men kunskapsnivån varierar fortfarande mellan enheterna.",
        "Rutinerna finns på plats men används ännu inte systematiskt i alla verksamheter.",
        "En stor del av det planerade arbetet är genomfört; resten prioriteras nästa år.",
        "Samverkan har utvecklats under året, men uppföljningen behöver bli mer systematisk.",
    ],
    Fulfilment.NONE: [
        "Flera aktiviteter har inte kunnat starta på grund av brist på resurser.",
        "Arbetet har försenats av omorganisation och vakanser, och indikatorerna visar ingen "
        "förbättring.",
        "Nämnden har inte nått sina målvärden; en åtgärdsplan tas fram i början av nästa år.",
        "Förutsättningarna för arbetet har saknats under året.",
    ],
}
SUMMARY_PARTS = [
    [
        "Nämnden har under året fortsatt arbetet enligt programmet mot våld.",
        "Året har präglats av ett fortsatt fokus på kompetensutveckling och rutiner.",
        "Arbetet med programmet har under året i huvudsak gått enligt plan.",
        "Nämnden har under året stärkt sitt våldsförebyggande arbete.",
        "Under året har flera aktiviteter gått från planering till genomförande.",
    ],
    [
        "Störst framsteg har gjorts i arbetet med att upptäcka våld, där fler verksamheter nu "
        "ställer frågor om våld.",
        "Samverkan med Relationsvåldscentrum och polisen har utvecklats.",
        "Utbildningarna har nått en större andel av medarbetarna än föregående år.",
        "Några aktiviteter har försenats på grund av vakanser, vilket påverkar måluppfyllelsen.",
        "Uppföljningen visar att kunskapsnivån fortfarande varierar mellan enheterna.",
    ],
    [
        "Nästa år prioriteras att sprida arbetssätten till samtliga enheter.",
        "Nämnden fortsätter att följa arbetet i verksamhetsplanen.",
        "Nästa år ligger fokus på att följa upp vad insatserna leder till.",
        "Rutinerna ses över nästa år i samverkan med socialförvaltningen.",
        "Arbetet fortsätter med särskilt fokus på barn och unga.",
    ],
]
RETURN_COMMENTS = [
    "Kommentarerna på flera aktiviteter är desamma som förra perioden. Beskriv vad som har "
    "gjorts under perioden.",
    "Indikatorutfallen saknar kommentar trots en stor förändring sedan förra året. Komplettera "
    "gärna med en förklaring.",
    "Bedömningen ”Enligt plan” stämmer inte med att aktiviteten inte har påbörjats. Se över "
    "bedömningen.",
    "Nämnaren för andelen verkar avse hela förvaltningen snarare än enheterna. Kontrollera "
    "underlaget.",
    "Utfallet avviker kraftigt från föregående tertial. Kontrollera att rätt period har använts.",
    "Komplettera med vad som planeras härnäst för de aktiviteter som är försenade.",
    "Rapporten innehåller en formulering som kan peka ut enskilda. Skriv om den på en mer "
    "övergripande nivå.",
    "Ange vilken enhet som ansvarar för nästa steg i de aktiviteter som pågår.",
]
RETURN_COMMENTS_ANNUAL = [
    "Sammanfattningen behöver kompletteras med nämndens egen analys av måluppfyllelsen.",
    "Analysen av måluppfyllelsen behöver utvecklas: vad förklarar bedömningen?",
]
REOPEN_COMMENTS = [
    "Nämnden har upptäckt ett fel i indikatorutfallen och behöver rätta rapporten.",
    "Utfallet för en indikator behöver rättas efter att underlaget stämts av.",
    "Öppnas igen på nämndens begäran för att komplettera analysen.",
]

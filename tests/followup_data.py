"""A world for the follow-up tests: a catalog, its periods, one open period with reports,
and a user in each role. The catalog is Stockholm's (loaded once per session) or, where the
catalog does not matter, the small synthetic one (`build_small_world`)."""

from dataclasses import dataclass

from django.contrib.auth.models import User

from catalog.models import Board, Programme
from catalog.services import programme_load
from followup.models import BoardRole, Coordinator, Membership, Report, ReportingPeriod
from followup.services import period_open, periods_create
from tests.catalog_data import SMALL_DISTRICT, SMALL_OTHER, small_data, stockholm

DISTRICT = "rinkeby-kista-stadsdelsnamnd"
OTHER = "farsta-stadsdelsnamnd"


@dataclass
class World:
    programme: Programme
    period: ReportingPeriod
    report: Report
    other_report: Report
    reporter: User
    reader: User
    other_reporter: User
    coordinator: User


def user(username: str, **memberships: str) -> User:
    person = User.objects.create_user(username, password="lösenord-för-test-1", first_name=username)
    for board_slug, role in memberships.items():
        Membership.objects.create(user=person, board=Board.objects.get(slug=board_slug), role=role)
    return person


def build_world(
    year: int = 2023,
    kind: str = "T1",
    *,
    programme: Programme | None = None,
    district: str = DISTRICT,
    other: str = OTHER,
) -> World:
    """Open the period of Stockholm's programme (or of `programme`, with its two boards
    `district` and `other`) and give each role a user."""
    programme = programme or stockholm()
    periods_create(programme=programme)
    period = ReportingPeriod.objects.get(programme=programme, year=year, kind=kind)
    period_open(period=period)
    coordinator = user("samordnare")
    Coordinator.objects.create(user=coordinator, programme=programme)
    return World(
        programme=programme,
        period=period,
        report=Report.objects.get(period=period, board__slug=district),
        other_report=Report.objects.get(period=period, board__slug=other),
        reporter=user("rapportor", **{district: BoardRole.REPORTER}),
        reader=user("lasare", **{district: BoardRole.READER}),
        other_reporter=user("annan", **{other: BoardRole.REPORTER}),
        coordinator=coordinator,
    )


def build_small_world(year: int = 2023, kind: str = "T1") -> World:
    """The same world on the small synthetic catalog (tests.catalog_data.small_data)."""
    programme, _ = programme_load(data=small_data())
    return build_world(year, kind, programme=programme, district=SMALL_DISTRICT, other=SMALL_OTHER)


def fill_report(report: Report) -> None:
    """Fill every row of the report with valid answers, as a rapportör would."""
    from catalog.models import IndicatorKind
    from followup.models import Assessment, Fulfilment, Progress

    # Each row saved, so none still waits to be confirmed from the period before.
    report.activity_rows.update(
        progress=Progress.ONGOING,
        assessment=Assessment.ON_TRACK,
        comment="Arbetet pågår.",
        carried_over=False,
    )
    for row in report.indicator_rows.select_related("indicator"):
        if row.indicator.kind == IndicatorKind.YES_NO:
            row.answer = True
        else:
            row.numerator = 3
            row.denominator = 4 if row.indicator.kind == IndicatorKind.SHARE else None
        row.carried_over = False
        row.save()
    report.goal_rows.update(
        fulfilment=Fulfilment.PARTLY, analysis="Delvis på plats.", carried_over=False
    )
    if report.period.is_annual:
        report.summary = "Året i korthet."
        report.save()


def add_own_items(report: Report, count: int) -> None:
    """Give the report `count` own activities and as many own indicators under goal 1."""
    from followup.services import own_item_add

    goal = report.period.programme.goals.get(number=1)
    for n in range(count):
        own_item_add(report=report, goal=goal, text=f"Egen aktivitet {n}")
        own_item_add(report=report, goal=goal, text=f"Egen indikator {n}", indicator_kind="count")

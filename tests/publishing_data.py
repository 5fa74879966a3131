"""A world with a final samlad uppföljning 2023 (two district boards reported), ready to
publish, for the publishing tests."""

from dataclasses import dataclass

from django.contrib.auth.models import User

from followup.city import city_followup_draft_create, city_followup_finalise
from followup.models import CityFollowup, CityReader, IndicatorOutcome
from followup.services import report_review, report_submit
from tests.followup_data import World, build_world, fill_report, user

SLUG = "stockholm-2021-2025"
YEAR = 2023


@dataclass
class PublishingWorld:
    world: World
    analyst: User  # a city-wide reader: reads, never publishes
    followup: CityFollowup


def write_narratives(followup: CityFollowup, text: str = "Arbetet går framåt.") -> None:
    followup.narrative = text
    followup.save()
    followup.goals.update(narrative=f"{text} Per mål.")


def publishing_world(*, one_board_large: bool = True) -> PublishingWorld:
    """Both district boards report 3 of 4 on every share and 3 on every count; with
    `one_board_large` the other board reports 10 of 20 and 10, so that exactly one board's
    value is small and the city-wide total must be hidden too."""
    world = build_world(year=YEAR, kind="VB")
    for report, reporter in (
        (world.report, world.reporter),
        (world.other_report, world.other_reporter),
    ):
        fill_report(report)
        if one_board_large and report == world.other_report:
            for row in IndicatorOutcome.objects.filter(report=report).select_related("indicator"):
                if row.indicator.kind != "yes_no":
                    row.numerator = 10
                    row.denominator = 20 if row.indicator.kind == "share" else None
                    row.save()
        report_submit(report=report, user=reporter, on_behalf=False)
        report_review(report=report, user=world.coordinator, approve=True, comment="")
    analyst = user("analytiker")
    CityReader.objects.create(user=analyst, programme=world.programme)
    followup = city_followup_draft_create(programme=world.programme, year=YEAR)
    write_narratives(followup)
    followup = city_followup_finalise(followup=followup, user=world.coordinator)
    return PublishingWorld(world=world, analyst=analyst, followup=followup)

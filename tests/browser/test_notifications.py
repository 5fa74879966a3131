"""Notifications, "Påminn nu" and bulk approval in Chromium (issue 11, points 2–4): the
rapportör submits, the samordnare sees it under "Aviseringar" in the header, opens it and
lands on the report; the samordnare reminds a board and is told when it was reminded;
approves several reports at once after a page that lists them. Every new page type is
checked with axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from followup.models import Report, ReportState
from notifications.models import Notification
from tests.browser.test_report import BOARD, PERIOD, log_in, log_in_elsewhere
from tests.document_jobs import IMMEDIATE_TASKS
from tests.followup_data import World, build_world, fill_report

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None, settings) -> World:
    settings.TASKS = IMMEDIATE_TASKS
    world = build_world()
    for person, address in (
        (world.reporter, "rapportor@example.se"),
        (world.other_reporter, "annan@example.se"),
        (world.coordinator, "samordnare@example.se"),
    ):
        person.email = address
        person.save()
    fill_report(world.report)
    return world


def header_link(page: Page):
    return page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name=re.compile("^Aviseringar")
    )


def test_the_samordnare_is_told_of_a_submitted_report_and_opens_it(
    page: Page, new_context, world: World, assert_accessible
) -> None:
    log_in(page, "rapportor")
    page.goto(f"/rapporter/{world.report.pk}/skicka-in/bekrafta/")
    page.get_by_role("button", name="Skicka in rapporten").click()
    expect(page.get_by_text("Rapporten är inskickad till samordnaren.")).to_be_visible()
    # The rapportör is not told of their own doing.
    expect(header_link(page)).to_have_text("Aviseringar")

    coordinator = log_in_elsewhere(new_context, "samordnare")
    expect(header_link(coordinator)).to_have_text("Aviseringar 1 olästa")
    header_link(coordinator).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Aviseringar")
    expect(coordinator.get_by_text("1 oläst.")).to_be_visible()
    assert_accessible(coordinator)
    title = f"{BOARD} har skickat in rapporten för {PERIOD}"
    coordinator.get_by_role("button", name=title).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"{BOARD} {PERIOD}")
    expect(header_link(coordinator)).to_have_text("Aviseringar")
    assert Notification.objects.get().read_at is not None
    # And by e-mail, after the commit, with the link.
    [message] = mail.outbox
    assert message.to == ["samordnare@example.se"]
    assert f"/rapporter/{world.report.pk}/#review" in message.body

    # Choosing what comes by e-mail.
    coordinator.goto("/aviseringar/")
    coordinator.get_by_role("link", name="Välj vilka aviseringar du också får med e-post").click()
    assert_accessible(coordinator)
    coordinator.get_by_label("En rapport har skickats in (till samordnaren)").uncheck()
    coordinator.get_by_role("button", name="Spara").click()
    expect(coordinator.get_by_role("status")).to_contain_text("Dina val av e-post är sparade.")
    expect(
        coordinator.get_by_label("En rapport har skickats in (till samordnaren)")
    ).not_to_be_checked()


def test_the_samordnare_reminds_a_board_now_and_approves_several_at_once(
    page: Page, world: World, assert_accessible
) -> None:
    log_in(page, "samordnare")
    page.goto(f"/perioder/{world.period.pk}/paminnelser/")
    page.get_by_role("button", name=f"Påminn nu {BOARD}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{BOARD} är påmind (1 rapportör).")
    row = page.get_by_role("row", name=re.compile(BOARD)).first
    expect(row).to_contain_text("Nämnden påmindes redan i dag kl")
    expect(page.get_by_role("button", name=f"Påminn nu {BOARD}")).to_have_count(0)
    assert_accessible(page)
    assert [m.to for m in mail.outbox] == [["rapportor@example.se"]]

    # Three reports in; approve them from the period's list, after a page that lists them.
    reports = list(Report.objects.filter(period=world.period).order_by("board__name")[:3])
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(state=ReportState.SUBMITTED)
    page.goto("/perioder/")
    page.get_by_role("link", name=f"Rapporter {PERIOD}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapporter för {PERIOD}")
    assert_accessible(page)
    for report in reports:
        page.get_by_label(f"Markera {report.board.name}").check()
    page.get_by_role("button", name="Godkänn markerade…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Godkänn 3 rapporter för {PERIOD}?")
    for report in reports:
        expect(page.get_by_label(report.board.name)).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn markerade").click()
    expect(page.get_by_role("status")).to_contain_text("3 rapporter är godkända")
    assert set(
        Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("state", flat=True)
    ) == {ReportState.APPROVED}
    expect(page.get_by_label(f"Markera {reports[0].board.name}")).to_have_count(0)

"""The city-wide dashboard, used the way the samordnare uses it: open it from the menu,
choose another period and a filter, open the boards behind a number. Checked with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from followup.models import ActivityStatus, Assessment, Progress, ReportState
from tests.browser.test_report import log_in, log_in_elsewhere
from tests.followup_data import DISTRICT, World, build_world
from tests.test_rollup import activity_rows, outcome, set_state

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    world = build_world()
    outcome(DISTRICT, 2, 0).update(numerator=1, denominator=2)
    row = activity_rows(DISTRICT).first()
    ActivityStatus.objects.filter(pk=row.pk).update(
        progress=Progress.STARTED, assessment=Assessment.OFF_TRACK, comment="Resurser saknas."
    )
    set_state(DISTRICT, ReportState.SUBMITTED)
    return world


def test_coordinator_reads_the_dashboard_changes_period_and_filter_and_opens_a_number(
    page: Page, world: World, assert_accessible
) -> None:
    log_in(page, "samordnare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Översikt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tertialrapport 1 2023")
    assert_accessible(page)

    # The boards and comments behind "Ej enligt plan" in goal 1, loaded in place.
    goal = page.get_by_role("region", name="Mål 1", exact=False).first
    expect(goal.get_by_text("Resurser saknas.")).to_have_count(0)
    goal.get_by_role("link", name="visa raderna bakom ej enligt plan").click()
    expect(goal.get_by_text("Resurser saknas.")).to_be_visible()
    expect(goal.get_by_role("link", name="Rinkeby-Kista stadsdelsnämnd")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/oversikt/$"))  # still on the dashboard
    assert_accessible(page)
    # The same rows as a page of their own (what the link opens without JavaScript).
    link = goal.get_by_role("link", name="visa raderna bakom ej enligt plan")
    page.goto(link.get_attribute("href"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aktiviteter: ej enligt plan")
    assert_accessible(page)
    page.go_back()

    # Another period, and only the district boards, for one goal.
    page.get_by_role("combobox", name="År").select_option("2022")
    page.get_by_role("combobox", name="Period").select_option("VB")
    page.get_by_role("combobox", name="Nämnder").select_option(label="Stadsdelsnämnder")
    page.get_by_role("combobox", name="Mål").select_option(label="Mål 2")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verksamhetsberättelse 2022")
    # VB 2022 was never opened: it says so, never "0 av 13".
    expect(page.get_by_role("heading", level=2, name="Rapportering")).to_contain_text("ej öppnad")
    expect(page.get_by_role("heading", level=2, name="Mål 1", exact=False)).to_have_count(0)
    assert_accessible(page)

    # Back to T1 2023: the trend behind an indicator, as a table.
    page.get_by_role("combobox", name="År").select_option("2023")
    page.get_by_role("combobox", name="Period").select_option("T1")
    page.get_by_role("button", name="Visa").click()
    trend = page.get_by_text("Visa utvecklingen som tabell").first
    trend.click()
    expect(page.get_by_role("cell", name="1 av 2 (50,0 %)").first).to_be_visible()
    assert_accessible(page)


def test_without_javascript_a_number_opens_its_rows_as_a_page(new_context, world: World) -> None:
    page = log_in_elsewhere(new_context, "samordnare", java_script_enabled=False)
    page.goto("/oversikt/")
    goal = page.get_by_role("region", name="Mål 1", exact=False).first
    goal.get_by_role("link", name="visa raderna bakom ej enligt plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aktiviteter: ej enligt plan")
    expect(page.get_by_role("cell", name="Resurser saknas.")).to_be_visible()
    page.get_by_role("link", name="← Tillbaka till översikten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tertialrapport 1 2023")

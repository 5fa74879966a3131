"""The halvtidsrapport as the samordnare writes it: from the samlad uppföljning's list to the
page where the sections are written (with htmx, and without JavaScript), then the preview a
reader would see. Checked with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from followup.services import report_review, report_submit
from tests.browser.test_report import log_in, log_in_elsewhere
from tests.followup_data import World, build_world, fill_report

pytestmark = pytest.mark.browser

EDIT = re.compile(r"/halvtid/stockholm-2021-2025/2023/(\?.*)?(#.*)?$")


@pytest.fixture
def world(transactional_db: None) -> World:
    world = build_world(year=2023, kind="VB")
    fill_report(world.report)
    report_submit(report=world.report, user=world.reporter, on_behalf=False)
    report_review(report=world.report, user=world.coordinator, approve=True, comment="")
    return world


def test_coordinator_writes_a_section_and_previews_the_report(
    page: Page, world: World, assert_accessible
) -> None:
    log_in(page, "samordnare")
    page.goto("/samlad/")
    page.get_by_role("link", name="Halvtidsrapport").click()
    expect(page).to_have_url(EDIT)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Halvtidsrapport 2023")
    expect(page.get_by_text("1 av 23 nämnder har skickat in")).to_be_visible()
    assert_accessible(page)

    summary = page.locator("#sammanfattning")
    summary.get_by_role("textbox", name="Sammanfattning").fill(
        "Halvvägs in har de flesta nämnder kommit igång."
    )
    summary.get_by_role("button", name="Spara sammanfattning").click()
    expect(page.locator("#sammanfattning").get_by_text("✔ Sparat")).to_be_visible()
    expect(page).to_have_url(EDIT)  # swapped in place, no reload

    goal = page.locator("#mal-1")
    goal.get_by_label("Kunskap finns om universella våldsförebyggande metoder").select_option(
        label="✔ På plats"
    )
    goal.get_by_role("textbox", name="Mål 1: vad är på plats och vad saknas").fill(
        "Kunskapen finns, samverkan med civilsamhället saknas."
    )
    goal.get_by_role("button", name="Spara mål 1").click()
    expect(page.locator("#mal-1").get_by_text("✔ Sparat")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Förhandsgranska rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Halvtidsrapport 2023")
    expect(page.get_by_text("Halvvägs in har de flesta nämnder kommit igång.")).to_be_visible()
    expect(
        page.get_by_text("Kunskapen finns, samverkan med civilsamhället saknas.")
    ).to_be_visible()
    prerequisites = page.locator("#mal-1").get_by_role("table").first
    expect(prerequisites).to_contain_text("På plats")
    expect(page.get_by_role("heading", name="Där mer stöd behövs")).to_be_visible()
    expect(page.get_by_role("link", name="Ladda ner som PDF")).to_have_attribute(
        "href", "/halvtid/stockholm-2021-2025/2023.pdf"
    )
    assert_accessible(page)


def test_a_section_saves_without_javascript_and_a_stale_one_is_refused(
    new_context, world: World, allow_response
) -> None:
    allow_response("POST", r"/halvtid/[^/]+/\d+/spara/[^/]+/", 409)
    page = log_in_elsewhere(new_context, "samordnare", java_script_enabled=False)
    page.goto("/halvtid/stockholm-2021-2025/2023/")
    # Someone else opens the same page and saves the section first.
    other = log_in_elsewhere(new_context, "samordnare", java_script_enabled=False)
    other.goto("/halvtid/stockholm-2021-2025/2023/")
    other.locator("#stod").get_by_role("textbox").fill("Skrivet av en kollega.")
    other.locator("#stod").get_by_role("button", name="Spara där mer stöd behövs").click()
    expect(other.locator("#stod").get_by_text("✔ Sparat")).to_be_visible()

    support = page.locator("#stod")
    support.get_by_role("textbox").fill("Mitt eget utkast.")
    support.get_by_role("button", name="Spara där mer stöd behövs").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Någon annan har sparat avsnittet")
    expect(alert).to_contain_text("Skrivet av en kollega.")
    expect(page.locator("#stod").get_by_role("textbox")).to_have_value("Mitt eget utkast.")

    # Saving again is a knowing choice to replace the colleague's text.
    page.locator("#stod").get_by_role("button", name="Spara där mer stöd behövs").click()
    expect(page.locator("#stod").get_by_text("✔ Sparat")).to_be_visible()
    expect(page.locator("#stod").get_by_role("textbox")).to_have_value("Mitt eget utkast.")

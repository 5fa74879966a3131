"""The samlad uppföljning as the samordnare writes it: from the start page to a final
document. Checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from followup.services import report_review, report_submit
from tests.browser.test_report import log_in
from tests.followup_data import World, build_world, fill_report

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    world = build_world(year=2023, kind="VB")
    fill_report(world.report)
    report_submit(report=world.report, user=world.reporter, on_behalf=False)
    report_review(report=world.report, user=world.coordinator, approve=True, comment="")
    return world


def test_coordinator_writes_the_narratives_and_makes_the_document_final(
    page: Page, world: World, assert_accessible
) -> None:
    log_in(page, "samordnare")
    page.get_by_role("link", name="Samlad uppföljning").click()
    page.get_by_role("link", name="2023").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samlad uppföljning 2023")
    expect(page.get_by_text("1 av 23 nämnder har rapporterat")).to_be_visible()
    assert_accessible(page)

    # "Gör slutlig" asks on a page of its own, which first says what is still to write.
    page.get_by_role("link", name="Gör den samlade uppföljningen slutlig…").click()
    expect(page.get_by_text("Skriv först: Samlad bedömning för hela programmet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka").click()

    page.get_by_role("textbox", name="Samlad bedömning").fill("Staden har kommit en bit på väg.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Texten är sparad.")).to_be_visible()
    for number in range(1, 8):
        section = page.locator(f"#mal{number}")
        section.get_by_role("textbox", name="Bedömning").fill(f"Mål {number}: arbetet pågår.")
        section.get_by_role("button", name=f"Spara bedömningen för mål {number}").click()
    page.get_by_role("link", name="Gör den samlade uppföljningen slutlig…").click()
    expect(page.get_by_text("Det går inte att ångra.")).to_be_visible()
    page.get_by_role("button", name="Gör den samlade uppföljningen slutlig").click()
    expect(page.get_by_text("Den samlade uppföljningen är slutlig.")).to_be_visible()
    expect(page.get_by_text("Staden har kommit en bit på väg.")).to_be_visible()
    expect(page.get_by_role("button", name="Spara", exact=True)).to_have_count(0)
    assert_accessible(page)

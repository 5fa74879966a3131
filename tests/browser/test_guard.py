"""The guard against personal data, as a rapportör meets it and the samordnare counts it."""

import pytest
from playwright.sync_api import Page, expect

from followup.models import GuardStop
from tests.browser.test_report import (
    MOBILE,
    activity,
    assert_no_sideways_scroll,
    log_in,
    open_report,
)
from tests.followup_data import World, build_world

pytestmark = pytest.mark.browser

PERSONNUMMER = "811218-9876"  # Skatteverket's test number, no one's


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def test_a_personnummer_in_a_comment_is_refused_in_place_and_counted(
    page: Page, world: World, new_context, assert_accessible
) -> None:
    log_in(page, "rapportor")
    open_report(page)
    row = activity(page)
    row.get_by_label("Status", exact=True).select_option(label="Pågår löpande")
    row.get_by_label("✔ Enligt plan", exact=True).check()
    comment = row.get_by_label("Kommentar")
    typed = f"Stödsamtal med kvinnan ({PERSONNUMMER}) och hennes barn."
    comment.fill(typed)
    row.get_by_role("button", name="Spara raden").click()
    expect(row).to_contain_text(f"Texten verkar innehålla ett personnummer (”{PERSONNUMMER}”).")
    expect(row).to_contain_text("aldrig uppgifter om enskilda personer")
    expect(comment).to_have_value(typed)  # nothing typed is lost
    assert_accessible(page)
    saved = world.report.activity_rows.get(pk=world.report.activity_rows.first().pk)
    assert saved.comment == ""

    comment.fill("Stödsamtal med 14 kvinnor och deras barn, 2024-05-12 till 2024-06-30.")
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    assert GuardStop.objects.count() == 1

    # The samordnare sees that the guard stopped something, also on a phone.
    coordinator = new_context(viewport=MOBILE).new_page()
    log_in(coordinator, "samordnare")
    coordinator.get_by_role("link", name="Skydd mot personuppgifter").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Skydd mot personuppgifter")
    expect(coordinator.get_by_text("Stoppat 1 gång,")).to_be_visible()
    kinds = coordinator.get_by_role("table", name="Vad som hittades")
    expect(kinds.get_by_role("row", name="Personnummer")).to_contain_text("1")
    expect(coordinator.get_by_role("main")).not_to_contain_text(PERSONNUMMER)
    assert_accessible(coordinator)
    assert_no_sideways_scroll(coordinator)

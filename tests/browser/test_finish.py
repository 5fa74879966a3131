"""Finishing a report made from the period before, the way a rapportör does it in Chromium:
confirm what was carried over (one row, then a whole goal), show only what is missing, jump
to the next empty row, and follow the list of what is missing after a refused submission.
Every page reached is checked with axe (WCAG 2.1 A and AA)."""

import re

import pytest
from playwright.sync_api import Page, expect

from followup.models import Progress, Report, ReportingPeriod
from followup.rows import ACTIVITY
from followup.services import period_lock, period_open, report_submit
from tests.browser.test_report import BOARD, assert_same_document, log_in
from tests.followup_data import DISTRICT, World, build_world, fill_report

pytestmark = pytest.mark.browser

NEXT_PERIOD = "Tertialrapport 2 2023"


@pytest.fixture
def world(transactional_db: None) -> World:
    """T1 2023 filled in (its first activity "Ej aktuell"), sent in and locked; T2 open."""
    world = build_world()
    fill_report(world.report)
    first = world.report.activity_rows.get(activity__goal__number=1, activity__position=1)
    first.progress, first.assessment = Progress.NOT_APPLICABLE, ""
    first.not_applicable_reason = "Skolorna i området har ett eget program."
    first.save()
    report_submit(report=world.report, user=world.reporter, on_behalf=False)
    period_lock(period=world.period)
    period_open(period=ReportingPeriod.objects.get(programme=world.programme, year=2023, kind="T2"))
    return world


def next_report() -> Report:
    return Report.objects.get(period__year=2023, period__kind="T2", board__slug=DISTRICT)


def goal_link(page: Page, number: int):
    nav = page.get_by_role("navigation", name="Mål i rapporten")
    return nav.get_by_role("link", name=re.compile(rf"^Mål {number} · "))


def test_rapportor_confirms_carried_over_rows_filters_and_follows_what_is_missing(
    page: Page, new_context, world: World, assert_accessible, allow_response
) -> None:
    log_in(page, "rapportor")
    expect(page.get_by_role("banner")).to_contain_text("rapportor")
    earlier = page.get_by_role("region", name="Tidigare rapporter")
    expect(earlier.get_by_role("heading", name="2023")).to_be_visible()
    expect(
        earlier.get_by_role("listitem").filter(has_text="Tertialrapport 1 2023")
    ).to_contain_text("Inskickad")
    assert_accessible(page)

    mine = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Nämnd"))
    mine.get_by_role("link", name=BOARD).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{BOARD} {NEXT_PERIOD}")
    assert_accessible(page)

    report = next_report()
    goal_1 = list(ACTIVITY.rows().filter(report=report, activity__goal__number=1))
    goal_1_total = len(goal_1) + report.indicator_rows.filter(indicator__goal__number=1).count()
    expect(goal_link(page, 1)).to_have_text(f"Mål 1 · 0 av {goal_1_total}")
    report_url = page.url
    page.evaluate("window.__sameDocument = true")

    # One row, confirmed as it came: "Ej aktuell" with its reason needs nothing more.
    carried = page.locator(f"#{goal_1[0].prefix}")
    expect(carried).to_contain_text("↺ Från förra perioden — bekräfta eller ändra")
    carried.get_by_role("button", name="Bekräfta raden").click()
    expect(carried.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(carried).to_contain_text("✔ Ifylld")
    # The button clicked is gone; the keyboard stays in the row.
    expect(carried.get_by_role("button", name="Spara raden")).to_be_focused()
    expect(carried).not_to_contain_text("Från förra perioden —")
    expect(goal_link(page, 1)).to_have_text(f"Mål 1 · 1 av {goal_1_total}")
    assert_same_document(page, report_url)
    assert not report.activity_rows.get(pk=goal_1[0].pk).carried_over

    # Changed, then "Bekräfta raden": nothing is saved, the text stays, Spara raden saves it.
    allow_response("POST", r"/rapporter/\d+/rad/a/\d+/", 422)
    changed = page.locator(f"#{goal_1[1].prefix}")
    changed.get_by_label("Kommentar").fill("Ändrad innan den bekräftades.")
    changed.get_by_role("button", name="Bekräfta raden").click()
    expect(changed.get_by_role("status")).to_contain_text("bekräftades inte som oförändrad")
    expect(changed.get_by_label("Kommentar")).to_have_value("Ändrad innan den bekräftades.")
    assert report.activity_rows.get(pk=goal_1[1].pk).carried_over
    changed.get_by_role("button", name="Spara raden").click()
    expect(changed.get_by_role("status")).to_contain_text("✔ Sparat")
    assert report.activity_rows.get(pk=goal_1[1].pk).comment == "Ändrad innan den bekräftades."

    # A whole goal at once: its rows keep their words and lose the mark.
    goal_2 = page.get_by_role("region", name=re.compile(r"^Mål 2 "))
    goal_2.get_by_role("button", name="Bekräfta alla oförändrade rader under mål 2").click()
    expect(page.get_by_role("status").filter(has_text="under mål 2 bekräftade")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#goal-2$"))
    goal_2 = page.get_by_role("region", name=re.compile(r"^Mål 2 "))
    expect(goal_2.get_by_text("Från förra perioden —")).to_have_count(0)
    expect(goal_2.get_by_role("button", name=re.compile("^Bekräfta alla"))).to_have_count(0)
    assert not report.activity_rows.filter(activity__goal__number=2, carried_over=True).exists()
    assert report.activity_rows.filter(activity__goal__number=3, carried_over=True).exists()
    assert_accessible(page)

    # Only what is missing: the confirmed "Ej aktuell" row is gone from the page.
    page.get_by_role("link", name="Visa bara det som saknas").click()
    expect(page).to_have_url(re.compile(r"\?visa=saknas$"))
    expect(page.get_by_text("Visar bara det som saknas.")).to_be_visible()
    expect(page.locator(f"#{goal_1[0].prefix}")).to_have_count(0)
    second = page.locator(f"#{goal_1[1].prefix}")
    expect(second).to_contain_text("○ Saknas: bedömning")
    assert_accessible(page)

    # "Nästa tomma rad" goes on to the next row that is not done.
    second.get_by_role("link", name="Nästa tomma rad").click()
    expect(page).to_have_url(re.compile(rf"#{goal_1[2].prefix}$"))
    expect(page.locator(f"#{goal_1[2].prefix}")).to_be_in_viewport()

    # Too early: every missing row is a link to it, named with its goal.
    # The page that asks says what is missing and offers no button.
    page.get_by_role("link", name="Visa alla rader").click()
    page.get_by_role("link", name="Skicka in rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Skicka in rapporten")
    expect(page.get_by_role("button", name="Skicka in rapporten")).to_have_count(0)
    missing = page.get_by_role("alert").filter(has_text="Det här saknas")
    expect(missing).to_be_in_viewport()
    first = missing.get_by_role("link").first
    expect(first).to_have_text(re.compile(r"^Mål 1 · Aktivitet: .* – bedömning saknas$"))
    carried_goal_3 = missing.get_by_role("link", name=re.compile(r"^Mål 3 · Aktivitet: ")).first
    expect(carried_goal_3).to_be_visible()
    assert_accessible(page)
    first.click()
    expect(page).to_have_url(re.compile(rf"#{goal_1[1].prefix}$"))
    expect(page.locator(f"#{goal_1[1].prefix}")).to_be_in_viewport()

    # A läsare of the board reads the same report, told so, and is offered nothing to fill.
    reader = new_context().new_page()
    log_in(reader, "lasare")
    expect(reader.get_by_role("note")).to_contain_text(f"Du har läsbehörighet för {BOARD}")
    assert_accessible(reader)
    reader.get_by_role("link", name=BOARD).first.click()
    expect(reader.get_by_role("note").filter(has_text="Du har läsbehörighet")).to_be_visible()
    expect(reader.get_by_role("link", name=re.compile("Excel-mall"))).to_have_count(0)
    expect(reader.get_by_role("button", name="Bekräfta raden")).to_have_count(0)
    assert_accessible(reader)


def test_filter_and_goal_confirmation_work_without_javascript(new_context, world: World) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "rapportor")
    mine = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Nämnd"))
    mine.get_by_role("link", name=BOARD).click()
    page.get_by_role("link", name="Visa bara det som saknas").click()
    expect(page).to_have_url(re.compile(r"\?visa=saknas$"))
    goal_3 = page.get_by_role("region", name=re.compile(r"^Mål 3 "))
    goal_3.get_by_role("button", name="Bekräfta alla oförändrade rader under mål 3").click()
    # Back on the filtered page, at the goal, with the rows still missing their assessment.
    expect(page).to_have_url(re.compile(r"\?visa=saknas#goal-3$"))
    expect(
        page.get_by_text(re.compile(r"rader? under mål 3 bekräftade oförändrade\."))
    ).to_be_visible()
    goal_3 = page.get_by_role("region", name=re.compile(r"^Mål 3 "))
    expect(goal_3.get_by_text("○ Saknas: bedömning").first).to_be_visible()
    expect(goal_3.get_by_text("Från förra perioden —")).to_have_count(0)
    assert (
        not next_report().activity_rows.filter(activity__goal__number=3, carried_over=True).exists()
    )

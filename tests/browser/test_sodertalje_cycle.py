"""Södertälje's own reporting cycle in Chromium, side by side with Stockholm's: the
samordnare picks Södertälje's plan, opens its delårsbokslut, a board reports and submits,
and the dashboard and the board's styrkort show it. Every page is checked with axe."""

import io
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from catalog.models import Programme
from followup.models import BoardRole, Coordinator, ReportState
from followup.services import periods_create
from tests.browser.test_report import log_in
from tests.catalog_data import load_sodertalje, stockholm
from tests.followup_data import user

pytestmark = pytest.mark.browser

BOARD = "Överförmyndarnämnden"
BOARD_SLUG = "sodertalje-overformyndarnamnden"
PERIOD = "Delårsbokslut 2024"


@pytest.fixture
def sodertalje(transactional_db: None) -> Programme:
    programme = load_sodertalje()
    periods_create(programme=programme)
    periods_create(programme=stockholm())
    # One samordnare for both programmes: the pages let them choose.
    coordinator = user("samordnare")
    Coordinator.objects.create(user=coordinator, programme=programme)
    Coordinator.objects.create(user=coordinator, programme=stockholm())
    user("rapportor", **{BOARD_SLUG: BoardRole.REPORTER})
    return programme


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_a_whole_delarsbokslut(
    page: Page, new_context, sodertalje: Programme, assert_accessible
) -> None:
    # Opening a period makes 14 reports and their rows: more than a click's time on a busy CI.
    page.context.set_default_timeout(20_000)
    # The samordnare chooses Södertälje's plan among the periods and opens its delårsbokslut.
    log_in(page, "samordnare")
    page.get_by_role("link", name="Perioder").first.click()
    expect(page.get_by_role("row", name=re.compile("Tertialrapport 1 2021"))).to_have_count(1)
    page.get_by_role("combobox", name="Program").select_option(value=sodertalje.slug)
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("row", name=re.compile("Tertialrapport"))).to_have_count(0)
    periods = page.get_by_role("row", name=re.compile(r"^(Delårsbokslut|Årsberättelse) 20"))
    expect(periods).to_have_count(8)  # two a year, 2024–2027
    assert_accessible(page)
    page.get_by_role("link", name=f"Öppna… {PERIOD}", exact=True).click()
    # Its usual deadline is long past: the page that asks first wants a new one.
    assert_accessible(page)
    page.get_by_label("Ny sista dag").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Öppna perioden").click()
    expect(page.get_by_role("status")).to_contain_text(f"{PERIOD} är öppen, med sista dag")
    expect(page.get_by_role("status")).to_contain_text("14 nya rapporter skapades")
    # Still on Södertälje's periods.
    expect(page.get_by_role("row", name=re.compile("Tertialrapport"))).to_have_count(0)
    row = page.get_by_role("row", name=re.compile(f"^{PERIOD}"))
    expect(row).to_contain_text("Öppen")
    assert_accessible(page)

    # The board's rapportör reports on its two measures, in the plan's own words, and submits.
    reporter = new_context().new_page()
    reporter.context.set_default_timeout(20_000)
    log_in(reporter, "rapportor")
    reporter.get_by_role("link", name=BOARD).first.click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text(f"{BOARD} {PERIOD}")
    expect(reporter.get_by_text("Ifyllt: 0 av 2")).to_be_visible()
    assert_accessible(reporter)
    for index, (progress, comment) in enumerate(
        (("Pågår löpande", "Rutinen för gode män är ny."), ("Genomförd", "Utbildningen är klar."))
    ):
        row = reporter.locator("article.report-row").nth(index)
        row.get_by_label("Status", exact=True).select_option(label=progress)
        row.get_by_label("✔ Enligt plan", exact=True).check()
        row.get_by_label("Kommentar").fill(comment)
        row.get_by_role("button", name="Spara raden").click()
        expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(reporter.get_by_text("Ifyllt: 2 av 2")).to_be_visible()
    reporter.get_by_role("link", name="Skicka in rapporten").click()
    reporter.get_by_role("button", name="Skicka in rapporten").click()  # on the page that asks
    expect(reporter.get_by_role("status").filter(has_text="Rapporten är inskickad")).to_be_visible()
    assert sodertalje.periods.get(kind="DB", year=2024).reports.get(
        board__slug=BOARD_SLUG
    ).state == (ReportState.SUBMITTED)
    assert_accessible(reporter)

    # The dashboard, for Södertälje's delårsbokslut, counts it.
    page.goto(f"/oversikt/?program={sodertalje.slug}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Fri från våld 2024–2027, {PERIOD}"
    )
    period = page.get_by_role("combobox", name="Period")
    expect(period.get_by_role("option")).to_have_text(["Delårsbokslut", "Årsberättelse"])
    expect(page.get_by_role("heading", level=2, name="Rapportering")).to_contain_text("1 av 14")
    expect(page.get_by_role("combobox", name="Fokusområde")).to_be_visible()
    assert_accessible(page)

    # The board's styrkort (PDF) shows the statuses it reported, under the delårsbokslut.
    response = reporter.request.get(f"/program/{sodertalje.slug}/namnder/{BOARD_SLUG}/styrkort.pdf")
    assert response.status == 200
    text = pdf_text(response.body())
    assert f"senast {PERIOD} (inskickad)" in text
    assert "Pågår löpande" in text and "Genomförd" in text
    assert "Fokusområde" in text

"""The published results as a person without an account reads them: from the programme's
page to the published year, a goal's figures, a board's styrkort and the PDF; small numbers
read "färre än 5"; every page passes axe and does not scroll sideways on a 320 px phone."""

from unittest import mock

import pytest
from playwright.sync_api import Page, expect
from weasyprint import HTML

from publishing.models import PublicationKind
from publishing.services import publication_publish
from tests.browser.test_small_screens import phone_problems
from tests.publishing_data import YEAR, publishing_world

pytestmark = pytest.mark.browser

PROGRAMME_NAME = (
    "Stockholms stads program mot våld i nära relationer, hedersrelaterat våld och förtryck, "
    "prostitution, människohandel för sexuella ändamål samt sexuellt våld oberoende relation "
    "2021-2025"
)
DISTRICT = "Rinkeby-Kista stadsdelsnämnd"
PHONE = {"width": 320, "height": 640}


@pytest.fixture
def published(transactional_db: None, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    data = publishing_world()
    with mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7 publicerad"):
        publication_publish(
            programme=data.world.programme,
            kind=PublicationKind.CITY_FOLLOWUP,
            year=YEAR,
            user=data.world.coordinator,
            make_missing_pdf=True,
        )


@pytest.mark.usefixtures("published")
def test_anonymous_reader_finds_the_published_results(
    page: Page, new_context, assert_accessible, axe_violations
) -> None:
    page.goto("/")
    page.get_by_role("link", name=PROGRAMME_NAME, exact=True).click()
    page.get_by_role("link", name="Resultat", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resultat")
    assert_accessible(page)
    page.get_by_role("link", name=f"{YEAR} Samlad uppföljning {YEAR}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Resultat {YEAR}")
    expect(page.get_by_text("Små tal:").first).to_be_visible()

    # A goal's figures: its activities' assessment as a chart with a table, its indicators.
    page.get_by_role("navigation", name="Innehåll").get_by_role("link", name="Mål 2").click()
    goal = page.get_by_role("region", name="Mål 2", exact=False).first
    expect(goal.get_by_role("table", name="Bedömning, mål 2")).to_contain_text("Enligt plan")
    expect(goal.get_by_role("img").first).to_be_visible()
    expect(goal.get_by_text("färre än 5").first).to_be_visible()
    assert_accessible(page)
    year_url = page.url.split("#")[0]

    # The PDF link answers with the published PDF.
    pdf = page.get_by_role("link", name=f"Samlad uppföljning {YEAR} (PDF)")
    response = page.request.get(pdf.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"

    # A board's styrkort as published.
    page.get_by_role("link", name=DISTRICT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Styrkort {DISTRICT}")
    expect(page.get_by_text("Pågår löpande").first).to_be_visible()
    expect(page.get_by_text("färre än 5").first).to_be_visible()
    assert_accessible(page)
    board_url = page.url

    # On a 320 px phone nothing scrolls sideways, and axe still finds nothing. (The pages
    # load no script for a reader without an account: they work without JavaScript.)
    phone = new_context(viewport=PHONE).new_page()
    for url in (year_url, board_url):
        phone.goto(url)
        assert phone_problems(phone, axe_violations) == [], url


@pytest.mark.usefixtures("published")
def test_an_unpublished_year_is_not_found(page: Page, allow_response) -> None:
    allow_response("GET", f"/program/stockholm-2021-2025/resultat/{YEAR - 1}/", 404)
    response = page.goto(f"/program/stockholm-2021-2025/resultat/{YEAR - 1}/")
    assert response is not None and response.status == 404


@pytest.mark.usefixtures("published")
def test_the_results_work_without_javascript(new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/program/stockholm-2021-2025/resultat/{YEAR}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Resultat {YEAR}")
    page.get_by_role("link", name=DISTRICT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Styrkort {DISTRICT}")

"""The pages the law requires, reached the way a visitor reaches them: the footer's link from
every kind of page (start, catalog, login, report, 404) to the accessibility statement, and on
to Om tjänsten and back; both checked with axe, at a desktop and a 320 px wide screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_report import log_in, open_report
from tests.followup_data import World, build_world

pytestmark = pytest.mark.browser

STATEMENT = "Tillgänglighetsredogörelse"
NARROW = {"width": 320, "height": 640}


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def follow_footer_to_statement(page: Page) -> None:
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name=STATEMENT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tillgänglighet för Programuppföljning"
    )


def test_the_statement_is_one_click_from_every_kind_of_page(
    page: Page, world: World, assert_accessible, allow_response
) -> None:
    allow_response("GET", r"/finns-inte/", 404)
    for path in ("/", "/program/stockholm-2021-2025/", "/konto/logga-in/", "/finns-inte/"):
        page.goto(path)
        follow_footer_to_statement(page)
    assert_accessible(page)
    # What the law asks for, as a visitor reads it.
    expect(page.get_by_text("delvis förenlig", exact=True)).to_be_visible()
    expect(
        page.get_by_role("link", name="Anmäl bristande tillgänglighet till Digg")
    ).to_have_attribute("href", "https://www.digg.se/tdosanmalan")
    expect(
        page.get_by_role(
            "region", name="Rapportera brister i tjänstens tillgänglighet"
        ).get_by_role("link", name="socialforvaltningen@stockholm.se")
    ).to_have_attribute(
        "href",
        "mailto:socialforvaltningen@stockholm.se?subject=Tillg%C3%A4nglighet%20i%20Programuppf%C3%B6ljning",
    )

    page.get_by_role("main").get_by_role("link", name="Om tjänsten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Om tjänsten")
    expect(page.get_by_role("table", name="Kakor som tjänsten använder")).to_contain_text(
        "csrftoken"
    )
    assert_accessible(page)

    # Signed in: from the start page and from a report.
    log_in(page, "rapportor")
    follow_footer_to_statement(page)
    page.go_back()
    open_report(page)
    follow_footer_to_statement(page)


def test_the_law_pages_fit_a_narrow_screen(new_context, world: World, assert_accessible) -> None:
    page = new_context(viewport=NARROW).new_page()
    for path in ("/tillganglighet/", "/om-tjansten/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        assert_accessible(page)


def test_the_statement_is_reached_by_keyboard_alone(page: Page, world: World) -> None:
    page.goto("/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == STATEMENT:
            break
    else:
        pytest.fail("Tab never reached the footer's link to the accessibility statement")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tillgänglighet för Programuppföljning"
    )

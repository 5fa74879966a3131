"""Nothing typed is lost (issue 10, point 3), and the error pages (point 8), in Chromium.

The session runs out in the middle of typing, the server fails or cannot be reached, the
user sends a whole-page form with other rows unsaved: each time the text stays where it was
typed, the page says what happened in the row, and the same save works afterwards.
"""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from followup.models import ActivityStatus, ReportState
from tests.browser.conftest import BrowserProblems
from tests.browser.test_report import PASSWORD, activity, log_in, open_report
from tests.followup_data import World, build_world, fill_report

pytestmark = pytest.mark.browser

ROW_SAVE = r"/rapporter/\d+/rad/[aig]/\d+/"
TEXT = "Tre samråd med skolorna är genomförda under våren."


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def stored_comment(world: World, page: Page, index: int = 0) -> str:
    prefix = activity(page, index=index).get_attribute("id") or ""
    return ActivityStatus.objects.get(pk=int(prefix[1:]), report=world.report).comment


def type_comment(page: Page, text: str = TEXT, index: int = 0) -> None:
    activity(page, index=index).get_by_label("Kommentar").fill(text)


def forget_failed_requests(problems: BrowserProblems, pattern: str) -> None:
    """Chromium logs an aborted request, and htmx a request without an answer, as console
    errors; here they are the point of the test."""
    htmx = ("htmx:sendError", "htmx:timeout", "htmx:afterRequest")
    problems.console = [
        (text, url)
        for text, url in problems.console
        if not (
            (text.startswith("Failed to load resource: net::") and re.search(pattern, url))
            or text.startswith(htmx)
        )
    ]


def test_a_save_after_the_session_ran_out_keeps_the_text_and_works_after_login(
    page: Page, world: World, allow_response, assert_accessible
) -> None:
    allow_response("POST", ROW_SAVE, 401)
    log_in(page, "rapportor")
    open_report(page)
    report_url = page.url
    row = activity(page)
    type_comment(page)
    expect(row.get_by_text("Ändrat – inte sparat")).to_be_visible()

    # The session ends (the cookie is gone, as after a timeout or a logout elsewhere).
    context = page.context
    kept = [cookie for cookie in context.cookies() if cookie["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)

    row.get_by_role("button", name="Spara raden").click()
    alert = row.get_by_role("alert")
    expect(alert).to_contain_text("Du har blivit utloggad, så det här sparades inte.")
    expect(alert).to_contain_text("Det du skrev finns kvar här.")
    expect(row.get_by_label("Kommentar")).to_have_value(TEXT)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Logga in")
    assert page.url == report_url
    assert_accessible(page)

    # Login in a new tab, which then shows the report itself (never the POST-only URL).
    with context.expect_page() as opened:
        alert.get_by_role("link", name="Logga in i en ny flik").click()
    login = opened.value
    login.get_by_label("Användarnamn").fill("rapportor")
    login.get_by_label("Lösenord").fill(PASSWORD)
    login.get_by_role("button", name="Logga in").click()
    expect(login.get_by_role("heading", level=1)).to_contain_text("Rinkeby-Kista")
    assert login.url == report_url
    login.close()

    # Back in the first tab, the same save now works: its CSRF token is refreshed.
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(row.get_by_role("alert")).to_have_count(0)
    expect(row.get_by_text("Ändrat – inte sparat")).to_have_count(0)
    assert stored_comment(world, page) == TEXT


def test_a_server_error_or_no_answer_is_said_in_the_row_and_the_text_stays(
    page: Page, world: World, allow_response, browser_problems: BrowserProblems
) -> None:
    allow_response("POST", ROW_SAVE, 500)
    log_in(page, "rapportor")
    open_report(page)
    row = activity(page)
    type_comment(page)

    def fail(route: Route) -> None:
        route.fulfill(status=500, content_type="text/html", body="<h1>Internal</h1>")

    page.route(re.compile(ROW_SAVE), fail)
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("alert")).to_contain_text("ett fel uppstod hos servern (felkod 500)")
    expect(row.get_by_label("Kommentar")).to_have_value(TEXT)
    expect(row.get_by_text("Internal")).to_have_count(0)

    page.unroute(re.compile(ROW_SAVE))
    page.route(re.compile(ROW_SAVE), lambda route: route.abort("internetdisconnected"))
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("alert")).to_contain_text("servern gick inte att nå")
    expect(row.get_by_label("Kommentar")).to_have_value(TEXT)

    # No answer at all: htmx gives up after its timeout (shortened here).
    page.unroute(re.compile(ROW_SAVE))
    page.evaluate("htmx.config.timeout = 300")
    page.route(re.compile(ROW_SAVE), lambda route: None)  # never answered
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("alert")).to_contain_text("Servern svarade inte i tid")
    expect(row.get_by_label("Kommentar")).to_have_value(TEXT)
    assert stored_comment(world, page) == ""
    forget_failed_requests(browser_problems, ROW_SAVE)

    page.unroute(re.compile(ROW_SAVE))
    page.evaluate("htmx.config.timeout = 30000")
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(row.get_by_role("alert")).to_have_count(0)
    assert stored_comment(world, page) == TEXT


def test_skicka_in_with_unsaved_text_stops_saves_it_and_then_submits(
    page: Page, world: World, assert_accessible
) -> None:
    fill_report(world.report)
    log_in(page, "rapportor")
    open_report(page)
    report_url = page.url
    type_comment(page, TEXT, index=0)
    type_comment(page, "Andra raden, inte heller sparad.", index=1)
    titles = [activity(page, index=i).get_by_role("heading").inner_text() for i in (0, 1)]

    page.get_by_role("link", name="Skicka in rapporten").click()
    stop = page.get_by_role("alert").filter(has_text="Det här skickades inte")
    expect(stop).to_contain_text("2 delar av sidan har ändringar som inte är sparade")
    expect(stop.get_by_role("link")).to_have_text(titles)
    assert page.url == report_url
    world.report.refresh_from_db()
    assert world.report.state == ReportState.DRAFT
    assert_accessible(page)

    # One click saves both rows in place, then sends the report.
    stop.get_by_role("button", name="Spara ändringarna och fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Skicka in rapporten")
    page.get_by_role("button", name="Skicka in rapporten").click()  # on the page that asks
    expect(page.get_by_text("Rapporten är inskickad till samordnaren.")).to_be_visible()
    world.report.refresh_from_db()
    assert world.report.state == ReportState.SUBMITTED
    comments = set(world.report.activity_rows.values_list("comment", flat=True))
    assert {TEXT, "Andra raden, inte heller sparad."} <= comments


def test_a_whole_page_form_warns_and_leaving_asks_first(page: Page, world: World) -> None:
    log_in(page, "rapportor")
    open_report(page)
    report_url = page.url
    type_comment(page)
    own = page.get_by_role("region", name="Egna aktiviteter och indikatorer")
    own.get_by_label("Under mål").select_option(index=1)
    own.get_by_label("Text", exact=True).fill("Egen aktivitet som prövas")
    own.get_by_role("button", name="Lägg till").click()
    stop = own.get_by_role("alert")
    expect(stop).to_contain_text("en del av sidan har ändringar som inte är sparade")
    expect(stop.get_by_role("link")).to_have_count(1)
    assert page.url == report_url

    # Leaving by a link asks the browser's question; staying keeps the text.
    dialogs: list[str] = []

    def stay(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("navigation", name="Brödsmulor").get_by_role("link", name="Start").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url == report_url
    expect(activity(page).get_by_label("Kommentar")).to_have_value(TEXT)

    # Going on knowingly: the own item is added, the unsaved comment is dropped by choice.
    page.remove_listener("dialog", stay)
    stop.get_by_role("button", name="Fortsätt utan ändringarna").click()
    expect(page.get_by_text("är tillagd under mål")).to_be_visible()
    assert dialogs == ["beforeunload"]


def test_error_pages_are_swedish_in_the_sites_layout(
    page: Page, world: World, allow_response, assert_accessible
) -> None:
    allow_response("GET", r"/finns-inte/", 404)
    allow_response("POST", ROW_SAVE, 403)
    log_in(page, "lasare")
    page.goto("/finns-inte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name="Mina rapporter").first).to_be_visible()
    assert_accessible(page)

    # A läsare sending a row anyway (a form from before the role changed) is told why.
    row = world.report.activity_rows.first()
    assert row is not None
    page.goto(f"/rapporter/{world.report.pk}/")
    page.evaluate(
        """([url, token]) => {
            const form = document.createElement("form");
            form.method = "post"; form.action = url;
            const field = document.createElement("input");
            field.type = "hidden"; field.name = "csrfmiddlewaretoken"; field.value = token;
            form.appendChild(field); document.body.appendChild(form); form.submit();
        }""",
        [
            f"/rapporter/{world.report.pk}/rad/a/{row.pk}/",
            next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken"),
        ],
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har inte behörighet")
    expect(page.get_by_text("Du kan läsa men inte ändra rapporten.")).to_be_visible()
    expect(page.get_by_role("link", name="Tillbaka till sidan du kom från")).to_be_visible()
    assert_accessible(page)


def test_samlad_uppfoljning_section_save_warns_about_another_unsaved_section(
    page: Page, transactional_db: None, assert_accessible
) -> None:
    from followup.models import CityFollowupGoal

    build_world(year=2023, kind="VB")
    log_in(page, "samordnare")
    page.get_by_role("link", name="Samlad uppföljning").click()
    page.get_by_role("link", name="2023").click()
    first, second = page.locator("#mal1"), page.locator("#mal2")
    first.get_by_role("textbox", name="Bedömning").fill("Mål 1: inte sparat ännu.")
    expect(first.get_by_text("Ändrat – inte sparat")).to_be_visible()
    second.get_by_role("textbox", name="Bedömning").fill("Mål 2: sparas nu.")
    second.get_by_role("button", name="Spara bedömningen för mål 2").click()

    stop = second.get_by_role("alert")
    expect(stop).to_contain_text("en del av sidan har ändringar som inte är sparade")
    expect(stop.get_by_role("link")).to_have_text([re.compile(r"^Mål 1 ")])
    assert_accessible(page)
    assert not CityFollowupGoal.objects.filter(narrative__startswith="Mål").exists()

    # One click saves the first section in the background, then the second as asked.
    stop.get_by_role("button", name="Spara ändringarna och fortsätt").click()
    expect(page.get_by_text("Texten är sparad.")).to_be_visible()
    narratives = CityFollowupGoal.objects.order_by("goal__number").values_list(
        "narrative", flat=True
    )
    assert [text for text in narratives if text] == [
        "Mål 1: inte sparat ännu.",
        "Mål 2: sparas nu.",
    ]
    expect(page.locator("#mal1").get_by_role("textbox", name="Bedömning")).to_have_value(
        "Mål 1: inte sparat ännu."
    )
    expect(page.get_by_text("Ändrat – inte sparat")).to_have_count(0)

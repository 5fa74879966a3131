"""A board's report, used the way a rapportör and the samordnare use it.

People log in through the login form and move by the links, labels and buttons they see;
rows save in place with htmx (and as plain forms without JavaScript). Every page reached
is checked with axe against WCAG 2.1 A and AA. The database is touched directly only to
set the scene or to skip typing that the test is not about.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.followup_data import World, build_world, fill_report

pytestmark = pytest.mark.browser

PASSWORD = "lösenord-för-test-1"
MOBILE = {"width": 390, "height": 844}
BOARD = "Rinkeby-Kista stadsdelsnämnd"
PERIOD = "Tertialrapport 1 2023"
SUBMIT_PATH = r"/rapporter/\d+/skicka-in/"
REVIEW_PATH = r"/rapporter/\d+/granska/"
NOT_MARKED = "window.__sameDocument"


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def log_in(page: Page, username: str) -> None:
    """Log in from the start page's menu, as a person would, and land on "Mina rapporter"."""
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Logga in").click()
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina rapporter")


def log_in_elsewhere(new_context, username: str, **options: object) -> Page:
    """Another person, in a browser of their own."""
    context: BrowserContext = new_context(**options)
    page = context.new_page()
    log_in(page, username)
    return page


def open_report(page: Page) -> None:
    page.get_by_role("link", name=BOARD).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{BOARD} {PERIOD}")


def goal(page: Page, number: int) -> Locator:
    return page.get_by_role("region", name=re.compile(rf"^Mål {number} "))


def activity(page: Page, goal_number: int = 1, index: int = 0) -> Locator:
    """An activity row of the report, found as the reader finds it: under its goal."""
    return goal(page, goal_number).get_by_role("article").nth(index)


def row_named(page: Page, text: str) -> Locator:
    return page.get_by_role("article", name=re.compile("^" + re.escape(text)))


def report_state(page: Page) -> Locator:
    return page.get_by_role("paragraph").filter(has_text=re.compile(r"^Rapportens läge: "))


def mark_document(page: Page) -> None:
    """Set a marker on window: it survives only as long as the page is not reloaded."""
    page.evaluate(f"{NOT_MARKED} = true")


def assert_same_document(page: Page, url: str) -> None:
    assert page.evaluate(f"{NOT_MARKED} === true"), "the page was reloaded"
    assert page.url == url


def test_rapportor_fills_in_and_submits_a_tertial_report(
    page: Page, world: World, assert_accessible, allow_response
) -> None:
    log_in(page, "rapportor")
    mine = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Nämnd"))
    expect(mine.get_by_role("row").filter(has_text=BOARD)).to_contain_text(PERIOD)
    open_report(page)
    expect(report_state(page)).to_have_text("Rapportens läge: Utkast")
    assert_accessible(page)

    report = world.report
    total = report.activity_rows.count() + report.indicator_rows.count()
    progress = page.get_by_text(re.compile(r"^Ifyllt: \d+ av \d+$"))
    expect(progress).to_have_text(f"Ifyllt: 0 av {total}")
    report_url = page.url
    mark_document(page)

    # One activity, filled in and saved on its own, in place.
    first = activity(page)
    first.get_by_label("Status", exact=True).select_option(label="Pågår löpande")
    first.get_by_label("✔ Enligt plan", exact=True).check()
    first.get_by_label("Kommentar").fill("Två föräldragrupper har startat i Rinkeby.")
    first.get_by_role("button", name="Spara raden").click()
    expect(first.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(progress).to_have_text(f"Ifyllt: 1 av {total}")
    assert_same_document(page, report_url)
    saved = report.activity_rows.get(progress="pagar_lopande")
    assert (saved.assessment, saved.comment) == (
        "enligt_plan",
        "Två föräldragrupper har startat i Rinkeby.",
    )

    # "Ej aktuell" needs a reason: the error shows in the row, nothing typed is lost.
    second = activity(page, index=1)
    second.get_by_label("Status", exact=True).select_option(label="Ej aktuell")
    second.get_by_label("Kommentar").fill("Ingen skola i området har programmet.")
    second.get_by_role("button", name="Spara raden").click()
    expect(second.get_by_role("status")).to_have_text(
        "⚠ Raden sparades inte. Rätta det som är markerat."
    )
    reason = second.get_by_label("Skäl till ”Ej aktuell”")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("⚠ Ange varför aktiviteten inte är aktuell.")
    expect(second.get_by_label("Kommentar")).to_have_value("Ingen skola i området har programmet.")
    expect(second.get_by_label("Status", exact=True)).to_have_value("ej_aktuell")
    expect(progress).to_have_text(f"Ifyllt: 1 av {total}")
    assert_same_document(page, report_url)

    # A share: the part cannot be larger than the whole.
    share = report.indicator_rows.filter(indicator__kind="share").select_related("indicator")
    indicator = row_named(page, share.order_by("indicator__goal__number", "pk")[0].indicator.text)
    indicator.get_by_label("Antal", exact=True).fill("5")
    indicator.get_by_label("Av totalt", exact=True).fill("3")
    indicator.get_by_role("button", name="Spara raden").click()
    expect(indicator.get_by_text("Antalet kan inte vara större än totalt.")).to_be_visible()
    expect(indicator.get_by_label("Antal", exact=True)).to_have_value("5")
    indicator.get_by_label("Antal", exact=True).fill("3")
    indicator.get_by_label("Av totalt", exact=True).fill("5")
    indicator.get_by_role("button", name="Spara raden").click()
    expect(indicator.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(indicator.get_by_text("Antalet kan inte vara större än totalt.")).to_have_count(0)
    expect(progress).to_have_text(f"Ifyllt: 2 av {total}")
    assert_same_document(page, report_url)
    assert_accessible(page)  # with the "Ej aktuell" row still showing its error

    # Submitting too early: the page that asks says what is missing, and has no button.
    page.get_by_role("link", name="Skicka in rapporten").click()
    # First the page stops: the "Ej aktuell" row holds text that is not saved.
    unsaved = page.get_by_role("alert").filter(has_text="Det här skickades inte")
    expect(unsaved.get_by_role("link")).to_have_count(1)
    unsaved.get_by_role("button", name="Fortsätt utan ändringarna").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Skicka in rapporten")
    expect(page.get_by_role("button", name="Skicka in rapporten")).to_have_count(0)
    missing = page.get_by_role("alert").filter(has_text="Det här saknas")
    expect(missing).to_be_in_viewport()
    expect(missing.get_by_role("listitem")).to_have_count(total - 2)
    expect(missing).to_contain_text("status och bedömning saknas")
    expect(missing).to_contain_text("utfall saknas")
    assert_accessible(page)

    # The rest is typing the test is not about.
    fill_report(report)
    page.goto(report_url)
    expect(progress).to_have_text(f"Ifyllt: {total} av {total}")
    page.get_by_role("link", name="Skicka in rapporten").click()
    page.get_by_role("button", name="Skicka in rapporten").click()  # on the page that asks
    sent = page.get_by_role("status").filter(has_text="Rapporten är inskickad till samordnaren.")
    expect(sent).to_be_visible()
    expect(report_state(page)).to_have_text("Rapportens läge: Inskickad")
    expect(page.get_by_role("button", name="Spara raden")).to_have_count(0)
    expect(page.get_by_role("link", name="Skicka in rapporten")).to_have_count(0)
    assert_accessible(page)


def test_a_row_saves_without_javascript(new_context, world: World) -> None:
    page = log_in_elsewhere(new_context, "rapportor", java_script_enabled=False)
    open_report(page)
    row = activity(page, index=2)
    row_id = row.get_attribute("id")

    # A mistake: the whole page comes back (422) at the row, with the error and the input.
    row.get_by_label("Status", exact=True).select_option(label="Ej aktuell")
    row.get_by_label("Kommentar").fill("Kampanjen görs av Socialförvaltningen.")
    row.get_by_role("button", name="Spara raden").click()
    expect(page).to_have_url(re.compile(rf"/rad/a/\d+/#{row_id}$"))
    expect(row.get_by_text("Ange varför aktiviteten inte är aktuell.")).to_be_in_viewport()
    expect(row.get_by_label("Kommentar")).to_have_value("Kampanjen görs av Socialförvaltningen.")

    row.get_by_label("Skäl till ”Ej aktuell”").fill("Kampanjen drivs centralt.")
    row.get_by_role("button", name="Spara raden").click()
    expect(page).to_have_url(
        re.compile(rf"/rapporter/{world.report.pk}/\?sparad={row_id}#{row_id}$")
    )
    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(row).to_be_in_viewport()
    expect(row.get_by_label("Status", exact=True)).to_have_value("ej_aktuell")
    expect(row.get_by_label("Skäl till ”Ej aktuell”")).to_have_value("Kampanjen drivs centralt.")
    assert world.report.activity_rows.filter(not_applicable_reason="Kampanjen drivs centralt.")


def test_samordnare_returns_a_submitted_report(
    page: Page, new_context, world: World, assert_accessible, allow_response
) -> None:
    from followup import services

    fill_report(world.report)
    services.report_submit(report=world.report, user=world.reporter, on_behalf=False)

    log_in(page, "samordnare")
    period = page.get_by_role("region", name=re.compile(f"^{PERIOD}"))
    submitted = period.get_by_role("heading", name=re.compile(r"Inskickad 1$"))
    expect(submitted).to_be_visible()
    submitted.locator("xpath=following-sibling::ul[1]").get_by_role("link", name=BOARD).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{BOARD} {PERIOD}")
    review = page.get_by_role("region", name="Granska")
    expect(review).to_be_visible()
    assert_accessible(page)

    # Sending it back needs a word to the board.
    allow_response("POST", REVIEW_PATH, 422)
    review.get_by_label("Skicka tillbaka").check()
    review.get_by_role("button", name="Spara beslutet").click()
    comment = review.get_by_label("Kommentar till nämnden")
    expect(review.get_by_text("Skriv vad nämnden behöver komplettera.")).to_be_in_viewport()
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(review.get_by_label("Skicka tillbaka")).to_be_checked()
    assert_accessible(page)

    comment.fill("Komplettera indikatorn om krisstöd med antal familjer.")
    review.get_by_role("button", name="Spara beslutet").click()
    returned = "Rapporten är skickad tillbaka till nämnden."
    expect(page.get_by_role("status").filter(has_text=returned)).to_be_visible()
    expect(report_state(page)).to_have_text("Rapportens läge: Återskickad")
    expect(page.get_by_role("region", name="Granska")).to_have_count(0)

    # The rapportör sees why, and can write again.
    reporter = log_in_elsewhere(new_context, "rapportor")
    expect(reporter.get_by_role("row").filter(has_text=BOARD)).to_contain_text("Återskickad")
    open_report(reporter)
    notice = reporter.get_by_role("note").filter(has_text="Skickad tillbaka av samordnaren")
    expect(notice).to_contain_text("Komplettera indikatorn om krisstöd med antal familjer.")
    row = activity(reporter)
    row.get_by_label("Kommentar").fill("Kompletterat med antal familjer.")
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(reporter.get_by_role("link", name="Skicka in rapporten")).to_be_visible()


def test_two_people_save_the_same_row(
    page: Page, new_context, world: World, assert_accessible
) -> None:
    log_in(page, "rapportor")
    open_report(page)
    coordinator = log_in_elsewhere(new_context, "samordnare")
    coordinator.goto(page.url)
    expect(coordinator.get_by_role("note")).to_contain_text("för nämndens räkning")

    mine, theirs = activity(page), activity(coordinator)
    mine.get_by_label("Status", exact=True).select_option(label="Påbörjad")
    mine.get_by_label("Kommentar").fill("Från rapportören.")
    theirs.get_by_label("Status", exact=True).select_option(label="Genomförd")
    theirs.get_by_label("Kommentar").fill("Från samordnaren.")

    mine.get_by_role("button", name="Spara raden").click()
    expect(mine.get_by_role("status")).to_contain_text("✔ Sparat")
    theirs.get_by_role("button", name="Spara raden").click()

    conflict = theirs.get_by_role("alert")
    expect(conflict).to_contain_text("Någon annan har sparat raden efter att du öppnade den.")
    expect(conflict).to_contain_text("Sparat nu av rapportor")
    expect(conflict.get_by_role("definition")).to_have_text(["Påbörjad", "–", "Från rapportören."])
    expect(theirs.get_by_label("Status", exact=True)).to_have_value("genomford")
    expect(theirs.get_by_label("Kommentar")).to_have_value("Från samordnaren.")
    assert world.report.activity_rows.filter(comment="Från rapportören.").exists()
    assert_accessible(coordinator)

    # Saving again is a knowing choice to replace the other person's values.
    theirs.get_by_role("button", name="Spara raden").click()
    expect(theirs.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(theirs.get_by_role("alert")).to_have_count(0)
    assert world.report.activity_rows.filter(comment="Från samordnaren.").exists()


FOCUS_STYLE = """element => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    return {outline, shadow: style.boxShadow !== "none"};
}"""


def focused(page: Page) -> Locator:
    return page.locator("*:focus")


def assert_focus_visible(page: Page) -> None:
    style = focused(page).evaluate(FOCUS_STYLE)
    assert style["outline"] or style["shadow"], "the focused element has no visible focus style"


def test_a_row_by_keyboard(page: Page, world: World) -> None:
    log_in(page, "rapportor")
    open_report(page)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused(timeout=1_000)
    assert_focus_visible(page)

    row = activity(page)
    status = row.get_by_label("Status", exact=True)
    for _ in range(40):
        page.keyboard.press("Tab")
        if status.evaluate("element => element === document.activeElement"):
            break
    expect(status).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Tab")
    on_track = row.get_by_label("✔ Enligt plan", exact=True)
    expect(on_track).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(on_track).to_be_checked()
    # The reason for "Ej aktuell" is hidden while another status is chosen: out of the way.
    page.keyboard.press("Tab")
    expect(row.get_by_label("Kommentar")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type("Skrivet med tangentbordet.")
    page.keyboard.press("Tab")
    save = row.get_by_role("button", name="Spara raden")
    expect(save).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    # Focus comes back to the (new) button, which is described by the row's status.
    expect(save).to_be_focused()
    expect(save).to_have_accessible_description(re.compile(r"^✔ Sparat \d\d:\d\d$"))
    saved = world.report.activity_rows.get(comment="Skrivet med tangentbordet.")
    assert saved.assessment == "enligt_plan"


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow} px wider than a {MOBILE['width']} px screen"


def test_overview_pages_are_accessible(
    page: Page, new_context, world: World, assert_accessible
) -> None:
    """The start pages, the period list and the history: axe, and on a phone they fit."""
    log_in(page, "rapportor")
    assert_accessible(page)

    coordinator = log_in_elsewhere(new_context, "samordnare", viewport=MOBILE)
    expect(coordinator.get_by_role("region", name=re.compile(f"^{PERIOD}"))).to_be_visible()
    assert_accessible(coordinator)
    assert_no_sideways_scroll(coordinator)

    coordinator.get_by_role("link", name="Perioder", exact=True).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Perioder")
    open_period = coordinator.get_by_role("row").filter(has_text=PERIOD)
    expect(open_period).to_contain_text("Öppen")
    expect(open_period).to_contain_text("20 maj 2023")
    assert_accessible(coordinator)
    assert_no_sideways_scroll(coordinator)

    open_report(page)
    first = activity(page)
    first.get_by_label("Status", exact=True).select_option(label="Påbörjad")
    first.get_by_role("button", name="Spara raden").click()
    expect(first.get_by_role("status")).to_contain_text("✔ Sparat")
    page.get_by_role("link", name="Alla ändringar i rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändringar i rapporten")
    changes = page.get_by_role("table").get_by_role("row").filter(has_text="Påbörjad")
    expect(changes).to_have_count(1)
    expect(changes).to_contain_text("rapportor")
    assert_accessible(page)
    page.set_viewport_size(MOBILE)
    assert_no_sideways_scroll(page)


def share_row(page: Page, world: World) -> tuple[Locator, "IndicatorOutcome"]:  # noqa: F821
    """The report's first share indicator, as the page shows it, and its row."""
    row = (
        world.report.indicator_rows.filter(indicator__kind="share")
        .select_related("indicator")
        .order_by("indicator__goal__number", "indicator__position")
        .first()
    )
    return row_named(page, row.indicator.text), row


def test_a_decimal_comma_typed_in_a_swedish_browser_is_kept(page: Page, world: World) -> None:
    log_in(page, "rapportor")
    open_report(page)
    indicator, row = share_row(page, world)
    target = indicator.get_by_label("Nämndens målvärde för året (%)")
    # A number input would have made this 625; a share's target is a percentage.
    expect(target).to_have_attribute("inputmode", "decimal")
    target.fill("625")
    indicator.get_by_role("button", name="Spara raden").click()
    expect(
        indicator.get_by_text("Målvärdet är en andel i procent och kan vara högst 100.")
    ).to_be_visible()
    expect(target).to_have_value("625")
    row.refresh_from_db()
    assert row.target is None

    target.fill("62,5")
    indicator.get_by_label("Antal", exact=True).fill("1 028")
    indicator.get_by_label("Av totalt", exact=True).fill("2 000")
    indicator.get_by_role("button", name="Spara raden").click()
    expect(indicator.get_by_role("status")).to_contain_text("✔ Sparat")
    row.refresh_from_db()
    assert (row.target, row.numerator, row.denominator) == (Decimal("62.5"), 1028, 2000)
    expect(target).to_have_value("62,5")
    page.reload()
    expect(indicator.get_by_label("Nämndens målvärde för året (%)")).to_have_value("62,5")
    expect(indicator).to_contain_text("(%)")


def test_the_reason_for_ej_aktuell_shows_only_for_that_status(page: Page, world: World) -> None:
    log_in(page, "rapportor")
    open_report(page)
    row = activity(page)
    status = row.get_by_label("Status", exact=True)
    reason = row.get_by_label("Skäl till ”Ej aktuell”")
    expect(reason).to_be_hidden()
    status.select_option(label="Ej aktuell")
    expect(reason).to_be_visible()
    status.select_option(label="Påbörjad")
    expect(reason).to_be_hidden()

    # A row swapped in by htmx works the same: here one sent back for its missing reason.
    status.select_option(label="Ej aktuell")
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("status")).to_contain_text("Raden sparades inte")
    expect(reason).to_be_visible()
    reason.fill("Ingen skola i området.")
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(reason).to_be_visible()
    status.select_option(label="Genomförd")
    expect(reason).to_be_hidden()

    # Saved as "Ej aktuell" with its reason, the row counts as filled without an assessment.
    expect(page.get_by_text(re.compile(r"^Ifyllt: 1 av \d+$"))).to_be_visible()
    page.reload()
    expect(activity(page).get_by_label("Skäl till ”Ej aktuell”")).to_be_visible()

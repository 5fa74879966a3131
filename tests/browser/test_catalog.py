"""The public catalog pages and the login page, used the way a person would use them.

Navigation is by clicking links and buttons found by their accessible names, so a test
breaks when a page stops saying what a reader (or a screen reader) needs, not when a URL
changes. Every page visited is also checked with axe against WCAG 2.1 A and AA.
"""

import json
import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "stockholm-2021-2025.json"
CATALOG = json.loads(FIXTURE.read_text(encoding="utf-8"))
PROGRAMME_NAME = CATALOG["programme"]["name"]
VISION = CATALOG["programme"]["vision"]
GOAL_TITLES = {goal["number"]: goal["title"] for goal in CATALOG["goals"]}
DISTRICT = "Rinkeby-Kista stadsdelsnämnd"
DISTRICT_SLUG = "rinkeby-kista-stadsdelsnamnd"
MOBILE = {"width": 390, "height": 844}


def goal_heading(number: int) -> str:
    return f"Mål {number} {GOAL_TITLES[number]}"


def goals_of_board(slug: str) -> list[int]:
    """The goals under which the fixture makes this board (or a group it belongs to)
    responsible for something: those are the sections its page must show."""
    names = {slug} | {group["slug"] for group in CATALOG["board_groups"] if slug in group["boards"]}
    return [
        goal["number"]
        for goal in CATALOG["goals"]
        if any(
            names & {*item["responsible"], *item.get("co_responsible", [])}
            for item in goal["activities"] + goal["indicators"]
        )
    ]


def open_programme(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name=PROGRAMME_NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME_NAME)


@pytest.mark.usefixtures("catalog")
def test_programme_and_goal(page: Page, assert_accessible) -> None:
    open_programme(page)
    expect(page).to_have_title(re.compile(r"^Program mot våld 2021–2025 – "))
    expect(page.get_by_role("region", name="Vision")).to_contain_text(VISION)

    goal_links = page.get_by_role("region", name="Mål", exact=True).get_by_role("link")
    expect(goal_links).to_have_text([goal_heading(number) for number in range(1, 8)])
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Mål 4 ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(goal_heading(4))
    breadcrumbs = page.get_by_role("navigation", name="Brödsmulor")
    expect(breadcrumbs.locator("[aria-current=page]")).to_have_text("Mål 4")

    prerequisites = page.get_by_role(
        "region", name="För att nå dit behöver följande vara på plats"
    ).get_by_role("listitem")
    expect(prerequisites).to_have_count(2)
    expect(prerequisites.first).to_contain_text("Medarbetare i staden har kunskap")
    expect(prerequisites.last).to_contain_text("Staden samverkar med polis, åklagare")

    indicators = page.get_by_role("table", name="Indikatorer för mål 4")
    expect(indicators.get_by_role("columnheader")).to_have_text(["Indikator", "Typ", "Ansvariga"])
    indicator_rows = indicators.locator("tbody").get_by_role("row")
    expect(indicator_rows).to_have_count(2)
    for row in indicator_rows.all():
        expect(row.get_by_role("cell").nth(2)).to_contain_text("Stadsdelsnämnderna")

    activities = page.get_by_role("table", name="Aktiviteter för mål 4")
    expect(activities.get_by_role("columnheader")).to_have_text(["Aktivitet", "Ansvariga nämnder"])
    expect(activities.locator("tbody").get_by_role("row")).to_have_count(10)
    row = activities.get_by_role("row").filter(
        has_text="Genomföra strukturerade hot- och riskbedömningar"
    )
    responsible = row.get_by_role("cell").nth(1)
    expect(responsible).to_contain_text("Socialnämnden och stadsdelsnämnderna")

    # Socialnämnden and the thirteen district boards each report on their own; the list
    # of them is folded away until asked for.
    details = responsible.locator("details")
    district_link = details.get_by_role("link", name=DISTRICT)
    expect(details).not_to_have_attribute("open", "")
    expect(district_link).to_be_hidden()
    details.get_by_text("14 rapporterande enheter").click()
    expect(details).to_have_attribute("open", "")
    expect(district_link).to_be_visible()
    # Every board, and the district boards as their group with a link to the list of them.
    expect(details.get_by_role("listitem")).to_have_count(14)
    expect(details.get_by_role("link", name="Stadsdelsnämnderna (13)")).to_be_visible()
    assert_accessible(page)

    district_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DISTRICT)


@pytest.mark.usefixtures("catalog")
def test_boards(page: Page, assert_accessible) -> None:
    open_programme(page)
    page.get_by_role("link", name="Ansvariga nämnder och bolagsstyrelser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ansvariga nämnder och bolagsstyrelser"
    )
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_have_text(
        ["Kommunstyrelsen", "Facknämnder", "Stadsdelsnämnder", "Bolagsstyrelser"]
    )
    districts = page.get_by_role("table", name="Stadsdelsnämnder och antal åtaganden")
    expect(districts.locator("tbody").get_by_role("row")).to_have_count(13)
    expect(
        page.get_by_role("table", name="Bolagsstyrelser och antal åtaganden").get_by_role("link")
    ).to_have_text(["AB Familjebostäder", "AB Stockholmshem", "AB Svenska Bostäder"])
    assert_accessible(page)

    districts.get_by_role("link", name=DISTRICT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DISTRICT)
    expect(main.locator(".meta").first).to_have_text(
        "Stadsdelsnämnd · åtaganden i Program mot våld 2021–2025, Stockholms stad"
    )
    expect(page.get_by_role("navigation", name="Brödsmulor").get_by_role("link")).to_have_text(
        ["Program", "Program mot våld 2021–2025", "Nämnder och bolagsstyrelser"]
    )

    # Its commitments, grouped by goal in goal order, and only its own.
    expected_goals = goals_of_board(DISTRICT_SLUG)
    assert expected_goals, "the fixture gives the district boards no commitments"
    expect(main.get_by_role("heading", level=2).filter(has_text=re.compile(r"^Mål "))).to_have_text(
        [goal_heading(number) for number in expected_goals]
    )
    goal_4 = page.get_by_role("region", name=goal_heading(4))
    expect(goal_4).to_contain_text("Erbjuda insatser och stöd till våldsutsatta barn och unga")
    expect(goal_4).to_contain_text("Ansvariga: Stadsdelsnämnderna")
    expect(goal_4).not_to_contain_text("Ta fram ett utbildningspaket")  # Socialnämnden's alone
    assert_accessible(page)


@pytest.mark.usefixtures("transactional_db")
def test_login_page(page: Page, assert_accessible, django_user_model) -> None:
    django_user_model.objects.create_user("samordnare", password="ett-riktigt-losenord-42")
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    assert_accessible(page)

    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill("fel-losenord")
    page.get_by_role("button", name="Logga in").click()

    expect(page).to_have_url(re.compile(r"/konto/logga-in/$"))
    expect(page.get_by_role("alert")).to_contain_text("Ange ett korrekt användarnamn och lösenord")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Användarnamn")).to_have_value("samordnare")
    expect(page.get_by_label("Lösenord")).to_be_visible()
    assert_accessible(page)


@pytest.mark.usefixtures("transactional_db")
@pytest.mark.parametrize(
    "path",
    ["/", "/konto/logga-in/"],
    ids=["start", "login"],
)
def test_skip_link_is_first_and_moves_focus_to_main(page: Page, path: str) -> None:
    page.goto(path)
    # A person presses Tab after the page has been drawn (and autofocus has run), not
    # within the same millisecond as the load event.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip_link).to_be_focused(timeout=1_000)
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))


@pytest.mark.usefixtures("catalog")
def test_every_public_page(page: Page, live_server, axe_violations) -> None:
    """Follow every link from the start page (not the JSON API, not the admin) and check
    each page on a 390 px wide phone: it answers 200, is marked Swedish, has exactly one h1,
    does not scroll sideways, and passes axe (with every <details> open)."""
    page.set_viewport_size(MOBILE)
    origin = urlsplit(live_server.url).netloc
    queue, seen, problems = [f"{live_server.url}/"], set(), []
    # Each item's list of responsible boards has the same template: visit one of them
    # whole and one of a group, not every item's.
    responsible_lists: set[bool] = set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        path = urlsplit(url).path
        if response is None or response.status != 200:
            problems.append(f"{path}: HTTP {response and response.status}")
            continue
        if (lang := page.locator("html").get_attribute("lang")) != "sv":
            problems.append(f'{path}: <html lang="{lang}">, not "sv"')
        if (h1s := page.locator("h1").count()) != 1:
            problems.append(f"{path}: {h1s} h1 elements")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{path}: {overflow} px wider than a {MOBILE['width']} px screen")
        page.eval_on_selector_all("details", "all => all.forEach(d => { d.open = true; })")
        if violations := axe_violations(page):
            problems.append(f"{path}: {violations}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href).url
            parts = urlsplit(href)
            if (
                parts.netloc == origin
                and not parts.path.startswith(("/api/", "/admin/"))
                and not parts.path.endswith(".pdf")  # documents: tests/test_documents.py
            ):
                if parts.path.endswith("/ansvariga/"):
                    if bool(parts.query) in responsible_lists:
                        continue
                    responsible_lists.add(bool(parts.query))
                queue.append(href)

    paths = {urlsplit(url).path for url in seen if "/ansvariga/" not in url}
    # The start page, the programme, 7 goals, the board list, 23 boards, the programme's
    # results (none published here), the login page and its "Glömt lösenordet?" page, the
    # accessibility statement and "Om tjänsten", and two lists of an item's responsible boards.
    assert len(paths) == 38, sorted(paths)
    assert responsible_lists == {False, True}
    assert not problems, "\n".join(problems)

"""Every page type on a phone 320 px wide (WCAG 2.1 1.4.10, reflow), as each role sees it.

One browser context per role, logged in once, walks that role's pages at 320 × 640 and
collects what it finds before failing, so that one run names every page that breaks:

- the page never scrolls sideways (a wide table scrolls inside its own region instead);
- axe finds no WCAG 2.1 A/AA violation at this width;
- the text inside the charts is drawn at least 11 px high (an SVG scales its text down with it).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.models import Activity
from followup.models import (
    Assessment,
    CityReader,
    DocumentKind,
    DocumentState,
    GeneratedDocument,
)
from followup.services import report_review, report_submit
from tests.browser.conftest import BrowserProblems
from tests.browser.test_import import fill_first_activity
from tests.browser.test_report import PASSWORD
from tests.followup_data import DISTRICT, build_world, fill_report, user

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
SLUG = "stockholm-2021-2025"
SMALLEST_CHART_TEXT = 11  # px, as drawn
LONG_COMMENT = "Samverkansöverenskommelsen med bostadsbolagen utvärderas och revideras vid behov."

# Elements that stick out past the right edge of the window, outermost first: the element
# itself is wider than the window, its parent is not. A scrolling region is not followed into.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const scrolls = (element) =>
    ["auto", "scroll", "hidden"].includes(getComputedStyle(element).overflowX);
  const visit = (element) => {
    for (const child of element.children) {
      const box = child.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0) {
        const name = child.tagName.toLowerCase() + (child.id ? "#" + child.id : "")
          + (child.classList.length ? "." + [...child.classList].join(".") : "");
        found.push(`${name} (right edge at ${Math.round(box.right)} px)`);
      } else if (!scrolls(child)) {
        visit(child);
      }
    }
  };
  visit(document.body);
  return found.slice(0, 5);
}"""

# The height each chart text is drawn at: its font size times the SVG's scale on screen.
CHART_TEXT_SIZES = """() => [...document.querySelectorAll("svg.chart text")]
  .filter((text) => text.getClientRects().length > 0)
  .map((text) => {
    const matrix = text.getScreenCTM();
    return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(matrix.a, matrix.b);
  })"""


@dataclass
class PhoneWorld:
    """Stockholm's verksamhetsberättelse 2023: the district's report submitted and approved
    (read-only, with every value shown), the other board's a draft its rapportör edits."""

    report: int
    other_report: int
    period: int
    document: int
    responsible: int


@pytest.fixture
def phone_world(transactional_db: None) -> PhoneWorld:
    world = build_world(year=2023, kind="VB")
    fill_report(world.report)
    # A long Swedish compound in a comment: shown read-only, it once made the page 477 px
    # wide. The row is "Ej enligt plan", so the dashboard lists its board and activity
    # (Implementera och sprida föräldraskapsstödsprogram …) among those off track.
    world.report.activity_rows.filter(
        pk=world.report.activity_rows.order_by("pk").values("pk")[:1]
    ).update(assessment=Assessment.OFF_TRACK, comment=LONG_COMMENT)
    report_submit(report=world.report, user=world.reporter, on_behalf=False)
    report_review(report=world.report, user=world.coordinator, approve=True, comment="")
    CityReader.objects.create(user=user("stadslasare"), programme=world.programme)
    document = GeneratedDocument.objects.create(
        programme=world.programme,
        kind=DocumentKind.MIDTERM,
        year=2023,
        state=DocumentState.QUEUED,
        filename="halvtidsrapport.pdf",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    activity = Activity.objects.filter(goal__programme=world.programme, goal__number=1).first()
    return PhoneWorld(
        report=world.report.pk,
        other_report=world.other_report.pk,
        period=world.period.pk,
        document=document.pk,
        responsible=activity.pk,
    )


def excel_preview(page: Page, world: PhoneWorld, tmp_path: Path) -> None:
    """Upload a filled template from the report page, as the rapportör does."""
    page.goto(f"/rapporter/{world.other_report}/")
    excel = page.get_by_role("region", name="Excel")
    with page.expect_download() as download:
        excel.get_by_role("link", name="Hämta rapporten som Excel-mall").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    fill_first_activity(path)
    excel.get_by_label("Ifylld mall (.xlsx)").set_input_files(path)
    excel.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Förhandsgranska Excel-filen")


def excel_errors(page: Page, world: PhoneWorld, tmp_path: Path) -> None:
    page.goto(f"/rapporter/{world.other_report}/")
    path = tmp_path / "inte-en-mall.xlsx"
    path.write_text("Nämnd;Status\n", encoding="utf-8")
    excel = page.get_by_role("region", name="Excel")
    excel.get_by_label("Ifylld mall (.xlsx)").set_input_files(path)
    excel.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Filen kunde inte läsas in")


def dashboard_rows(page: Page, world: PhoneWorld, tmp_path: Path) -> None:
    """The rows behind one of the dashboard's numbers, as the page a link opens."""
    page.goto("/oversikt/")
    link = page.locator("a[href^='/oversikt/rader/']").first
    page.goto(link.get_attribute("href"))


Step = str | Callable[[Page, PhoneWorld, Path], None]

# What each role opens, in the order a person would: a path (with {report}, {period} … from
# PhoneWorld) or a walk through the page's own controls.
PAGES: dict[str, list[tuple[str, Step]]] = {
    "anonym": [
        ("programlistan", "/"),
        ("programmet", f"/program/{SLUG}/"),
        ("ett mål", f"/program/{SLUG}/mal/1/"),
        ("ansvariga nämnder", f"/program/{SLUG}/mal/1/aktiviteter/{{responsible}}/ansvariga/"),
        ("nämnderna", f"/program/{SLUG}/namnder/"),
        ("en nämnd", f"/program/{SLUG}/namnder/{DISTRICT}/"),
        ("inloggningen", "/konto/logga-in/"),
        ("sidan finns inte", "/finns-inte/"),
    ],
    "rapportor": [
        ("startsidan", "/start/"),
        ("inskickad rapport", "/rapporter/{report}/"),
        ("historiken", "/rapporter/{report}/historik/"),
    ],
    "annan": [
        ("startsidan", "/start/"),
        ("rapporten att fylla i", "/rapporter/{other_report}/"),
        ("Excel-förhandsgranskningen", excel_preview),
        ("Excel-filen som inte kunde läsas", excel_errors),
        ("bilagorna", "/rapporter/{other_report}/bilagor/"),
    ],
    "lasare": [
        ("startsidan", "/start/"),
        ("rapporten att läsa", "/rapporter/{report}/"),
    ],
    "samordnare": [
        ("startsidan", "/start/"),
        ("rapporten att granska", "/rapporter/{report}/"),
        ("översikten", "/oversikt/"),
        ("raderna bakom en siffra", dashboard_rows),
        ("perioderna", "/perioder/"),
        ("påminnelserna", "/perioder/{period}/paminnelser/"),
        ("samlade uppföljningar", "/samlad/"),
        ("samlad uppföljning", f"/samlad/{SLUG}/2023/"),
        ("halvtidsrapporten", f"/halvtid/{SLUG}/2023/"),
        ("halvtidsrapportens förhandsgranskning", f"/halvtid/{SLUG}/2023/forhandsgranska/"),
        ("styrkorten", "/styrkort/"),
        ("ett dokument som görs", "/dokument/{document}/"),
        ("sökningen", "/sok/?q=Samverkans%C3%B6verenskommelsen"),
    ],
    "stadslasare": [
        ("startsidan", "/start/"),
        ("översikten", "/oversikt/"),
        ("samlad uppföljning", f"/samlad/{SLUG}/2023/"),
    ],
}


def log_in(page: Page, username: str) -> None:
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).not_to_have_url("/konto/logga-in/")


def phone_problems(page: Page, axe_violations: Callable[[Page], str]) -> list[str]:
    problems = []
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1] + 1:
        culprits = "; ".join(page.evaluate(OVERFLOWING))
        problems.append(f"scrolls sideways: {widths[0]} px wide in {widths[1]} ({culprits})")
    sizes = page.evaluate(CHART_TEXT_SIZES)
    if sizes and min(sizes) < SMALLEST_CHART_TEXT:
        problems.append(f"chart text drawn {min(sizes):.1f} px high (at least 11)")
    if report := axe_violations(page):
        problems.append(report)
    return problems


@pytest.mark.parametrize("role", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(
    role: str,
    phone_world: PhoneWorld,
    new_context,
    axe_violations,
    allow_response,
    browser_problems: BrowserProblems,
    tmp_path: Path,
) -> None:
    allow_response("GET", "/finns-inte/", 404)
    allow_response("POST", r"/rapporter/\d+/excel/", 422)
    page = new_context(viewport=PHONE).new_page()
    if role != "anonym":
        log_in(page, role)
    values = vars(phone_world)
    found = []
    for name, step in PAGES[role]:
        if isinstance(step, str):
            page.goto(step.format(**values))
        else:
            step(page, phone_world, tmp_path)
        problems = phone_problems(page, axe_violations)
        found += [f"{name} ({page.url}): {problem}" for problem in problems]
    # A 404 page without the site's layout names no icon, so Chromium asks for /favicon.ico
    # on its own (not as a request of the page, which allow_response could excuse).
    browser_problems.console = [
        (text, url) for text, url in browser_problems.console if not url.endswith("/favicon.ico")
    ]
    assert not found, f"At 320 px, as {role}:\n" + "\n".join(found)

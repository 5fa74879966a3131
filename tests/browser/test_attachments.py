"""Attachments and search in Chromium (issue 11, points 6 and 7): a rapportör attaches a PDF
to a row and sees it listed, a page renamed to .png is refused in place; the samordnare
searches a word across the boards' comments and follows the hit to its row. Every page
type is checked with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from attachments.models import Attachment
from tests import attachment_files as files
from tests.browser.test_report import BOARD, activity, log_in, open_report
from tests.followup_data import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = str(tmp_path)
    return build_world()


def test_rapportor_attaches_a_pdf_to_a_row_and_sees_it_listed(
    page: Page, world: World, assert_accessible, allow_response
) -> None:
    allow_response("POST", r"/rapporter/\d+/bilagor/ladda-upp/", 422)
    log_in(page, "rapportor")
    open_report(page)
    row = activity(page)
    row.get_by_role("link", name="Bifoga en fil till raden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilagor")
    assert_accessible(page)
    panel = page.get_by_role("region", name="Bilagor")
    # The row the link came from is chosen already.
    expect(panel.get_by_label("Bifoga till")).not_to_have_value("bilagor")

    panel.get_by_label("Fil").set_input_files(
        {"name": "sida.png", "mimeType": "image/png", "buffer": files.html()}
    )
    panel.get_by_role("button", name="Bifoga filen").click()
    expect(page.get_by_role("alert")).to_contain_text("Filen är en webbsida")
    assert Attachment.objects.count() == 0

    panel = page.get_by_role("region", name="Bilagor")
    panel.get_by_label("Bifoga till").select_option(index=1)  # the first row
    panel.get_by_label("Fil").set_input_files(
        {"name": "Nämndens rutin.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}
    )
    panel.get_by_role("button", name="Bifoga filen").click()
    expect(page.get_by_role("status").filter(has_text="är bifogad")).to_have_text(
        "✔ ”Nämndens rutin.pdf” är bifogad till raden."
    )
    assert_accessible(page)

    page.get_by_role("link", name="Tillbaka till rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(BOARD)
    link = activity(page).get_by_role("link", name="Nämndens rutin.pdf", exact=True)
    expect(link).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Nämndens_rutin.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read() == files.pdf()

    # Saving the row in place (htmx) keeps its list of files.
    row = activity(page)
    row.get_by_label("Status", exact=True).select_option(label="Pågår löpande")
    row.get_by_role("button", name="Spara raden").click()
    expect(row.get_by_role("status")).to_contain_text("✔ Sparat")
    expect(
        activity(page).get_by_role("link", name="Nämndens rutin.pdf", exact=True)
    ).to_be_visible()


def test_attaching_on_the_report_page_itself_with_htmx(page: Page, world: World) -> None:
    log_in(page, "rapportor")
    open_report(page)
    panel = page.get_by_role("region", name="Bilagor")
    panel.get_by_label("Bifoga till").select_option(label="Rapporten som helhet")
    panel.get_by_label("Fil").set_input_files(
        {"name": "affisch.png", "mimeType": "image/png", "buffer": files.png()}
    )
    url = page.url
    panel.get_by_role("button", name="Bifoga filen").click()
    panel = page.get_by_role("region", name="Bilagor")
    expect(panel.get_by_role("link", name="affisch.png", exact=True)).to_be_visible()
    assert page.url == url  # swapped in place


def test_samordnare_searches_a_word_and_follows_the_hit(
    page: Page, world: World, assert_accessible
) -> None:
    row = world.other_report.activity_rows.order_by("pk")[2]
    row.comment = "Samverkan med polisen om hedersrelaterat våld har utvecklats."
    row.save()
    log_in(page, "samordnare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Sök").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sök i nämndernas text")
    assert_accessible(page)
    page.get_by_label("Sök efter").fill("polisen")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("1 träff"))).to_be_visible()
    hit = page.get_by_role("list", name=re.compile("träff")).get_by_role("listitem")
    expect(hit.locator("mark")).to_have_text("polisen")
    assert_accessible(page)
    hit.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/rapporter/{world.other_report.pk}/#{row.prefix}$"))
    expect(page.locator(f"#{row.prefix}")).to_be_in_viewport()
    expect(page.locator(f"#{row.prefix}")).to_contain_text("Samverkan med polisen")


def test_a_file_too_big_is_refused_in_place(
    page: Page, world: World, settings, allow_response
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000
    allow_response("POST", r"/rapporter/\d+/bilagor/ladda-upp/", 413)
    log_in(page, "rapportor")
    open_report(page)
    panel = page.get_by_role("region", name="Bilagor")
    panel.get_by_label("Fil").set_input_files(
        {"name": "stor.pdf", "mimeType": "application/pdf", "buffer": files.pdf() + bytes(5000)}
    )
    panel.get_by_role("button", name="Bifoga filen").click()
    expect(page.get_by_role("alert")).to_contain_text("Filen är för stor")
    assert Attachment.objects.count() == 0

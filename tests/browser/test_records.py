"""The samordnare's records page (issue 14): the audit export from its form, with a bad date
told in place, and the archive package from the button to the download."""

import csv
import io
import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_document_jobs import make_while_polled
from tests.browser.test_report import MOBILE, assert_no_sideways_scroll, log_in
from tests.document_jobs import DUMMY_TASKS
from tests.followup_data import World, build_small_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None, settings, tmp_path) -> World:
    settings.TASKS = DUMMY_TASKS
    settings.MEDIA_ROOT = str(tmp_path)
    return build_small_world(year=2023, kind="VB")


def test_the_audit_export_from_the_form_with_a_bad_date_told_in_place(
    page: Page, world: World, assert_accessible, new_context
) -> None:
    log_in(page, "samordnare")
    page.get_by_role("link", name="Arkiv och granskning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arkiv och granskning")
    assert_accessible(page)

    page.get_by_label("Från och med").fill("2023-02-01")
    page.get_by_label("Till och med").fill("2023-01-01")
    page.get_by_role("button", name="Hämta förteckningen").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sista dagen kan inte vara före den första.")
    expect(page.get_by_label("Till och med")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("Från och med").fill("2000-01-01")
    page.get_by_label("Till och med").fill("2004-12-31")
    with page.expect_download() as download:
        page.get_by_role("button", name="Hämta förteckningen").click()
    assert download.value.suggested_filename.startswith("granskning-")
    with open(download.value.path(), encoding="utf-8-sig") as file:
        header = next(csv.reader(file, delimiter=";"))
    assert header[:3] == ["Tidpunkt", "Användare", "Område"]

    phone = new_context(viewport=MOBILE).new_page()
    log_in(phone, "samordnare")
    phone.goto("/arkiv-och-granskning/")
    assert_no_sideways_scroll(phone)


def test_the_archive_package_from_the_button_to_the_download(
    page: Page, world: World, assert_accessible
) -> None:
    log_in(page, "samordnare")
    page.goto("/arkiv-och-granskning/")
    page.get_by_role("link", name="Arkivpaket 2023").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arkivpaket för e-arkivet (ZIP) 2023")
    assert_accessible(page)
    page.get_by_role("button", name="Gör dokumentet").click()
    expect(page.get_by_text("I kö, väntar på att göras")).to_be_visible()
    assert_accessible(page)

    make_while_polled()  # what the worker would do

    name = f"arkiv-{world.programme.slug}-2023.zip"
    link = page.get_by_role("link", name=f"Ladda ner {name}")
    expect(link).to_be_visible(timeout=10000)
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == name
    with open(download.value.path(), "rb") as file:
        package = zipfile.ZipFile(io.BytesIO(file.read()))
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["year"] == 2023
    assert {entry["path"] for entry in manifest["files"]} | {
        "manifest.json",
        "manifest.csv",
    } == set(package.namelist())

"""A rapportör reports through Excel: downloads the template from the report page, fills it
in (openpyxl standing in for Excel), uploads it, checks the preview and confirms."""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.test_report import BOARD, PERIOD, activity, log_in, open_report
from tests.followup_data import World, build_world

pytestmark = pytest.mark.browser

COMMENT = "Samverkan med polisen om trygghetsvandringar."


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def fill_first_activity(path: Path) -> None:
    """What the rapportör types in Excel: the first activity's status, assessment, comment."""
    workbook = load_workbook(path)
    sheet = workbook["Aktiviteter"]
    headers = [cell.value for cell in sheet[1]]
    for header, value in (
        ("Status", "Pågår löpande"),
        ("Bedömning", "Ej enligt plan"),
        ("Kommentar", COMMENT),
    ):
        sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    workbook.save(path)


def test_rapportor_uploads_a_filled_template_previews_and_confirms(
    page: Page, world: World, assert_accessible, tmp_path: Path
) -> None:
    log_in(page, "rapportor")
    open_report(page)
    excel = page.get_by_role("region", name="Excel")
    assert_accessible(page)

    with page.expect_download() as download:
        excel.get_by_role("link", name="Hämta rapporten som Excel-mall").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "rinkeby-kista-stadsdelsnamnd-2023-T1.xlsx"
    fill_first_activity(path)

    excel.get_by_label("Ifylld mall (.xlsx)").set_input_files(path)
    excel.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Förhandsgranska Excel-filen")
    expect(page.get_by_text("Filen ändrar 1 rad.")).to_be_visible()
    changes = page.get_by_role("table")
    for field, old, new in (
        ("Status", "–", "Pågår löpande"),
        ("Bedömning", "–", "Ej enligt plan"),
        ("Kommentar", "–", COMMENT),
    ):
        cells = changes.get_by_role("row", name=field).get_by_role("cell")
        expect(cells).to_have_text([old, new])
    assert_accessible(page)
    assert world.report.activity_rows.filter(comment=COMMENT).count() == 0

    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{BOARD} {PERIOD}")
    expect(page.get_by_text("Ändringarna från Excel-filen är sparade (1 rad).")).to_be_visible()
    first = activity(page)
    expect(first.get_by_label("Status", exact=True)).to_have_value("pagar_lopande")
    expect(first.get_by_label("✖ Ej enligt plan", exact=True)).to_be_checked()
    expect(first.get_by_label("Kommentar")).to_have_value(COMMENT)
    assert_accessible(page)


def test_a_refused_file_says_why_and_offers_the_upload_again(
    page: Page, world: World, assert_accessible, allow_response, tmp_path: Path
) -> None:
    allow_response("POST", r"/rapporter/\d+/excel/", 422)
    log_in(page, "rapportor")
    open_report(page)
    path = tmp_path / "inte-en-mall.xlsx"
    path.write_text("Nämnd;Status\n", encoding="utf-8")
    excel = page.get_by_role("region", name="Excel")
    excel.get_by_label("Ifylld mall (.xlsx)").set_input_files(path)
    excel.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Filen kunde inte läsas in")
    expect(page.get_by_role("alert")).to_contain_text("Filen är inte en Excel-arbetsbok")
    expect(page.get_by_label("Ifylld mall (.xlsx)")).to_be_visible()
    assert_accessible(page)

"""A long document from the click to the download (issue 12, point 2): the halvtidsrapport
PDF asked for with the button, its progress page polled with htmx, then the file.

The live server runs in this process, so the task is not left to a worker process: the
dummy backend records the enqueued task and the test runs the job itself (`jobs.make`) while
the page is open. That way the page is seen in the queue first and then changes to done by
its own polling, without a reload: the part the browser is needed for. The worker itself is
tested in tests/test_document_jobs.py (a real `db_worker` run)."""

import time
from typing import Any

import pytest
from django.db import OperationalError, connection
from playwright.sync_api import Page, expect

from followup.documents import jobs
from followup.models import GeneratedDocument
from tests.browser.test_report import log_in
from tests.document_jobs import DUMMY_TASKS
from tests.followup_data import World, build_world

pytestmark = pytest.mark.browser


def _again_when_locked(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    for _ in range(100):
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.02)
    return execute(sql, params, many, context)


def make_while_polled() -> None:
    """Make the one queued job here, as the worker would, while the page polls it. The test
    database is SQLite's in-memory one, shared with the live server's thread; its shared
    cache locks a table while a poll reads it, and a write then fails at once instead of
    waiting (a file database, as in production, waits): such a write is made again."""
    with connection.execute_wrapper(_again_when_locked):
        jobs.make(GeneratedDocument.objects.get())


@pytest.fixture
def world(transactional_db: None, settings, tmp_path) -> World:
    settings.TASKS = DUMMY_TASKS
    settings.MEDIA_ROOT = str(tmp_path)
    return build_world(year=2023, kind="VB")


def test_halvtidsrapport_from_the_button_to_the_download(
    page: Page, world: World, assert_accessible
) -> None:
    log_in(page, "samordnare")
    page.goto("/halvtid/stockholm-2021-2025/2023/forhandsgranska/")
    page.get_by_role("link", name="Ladda ner som PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Halvtidsrapport (PDF) 2023")
    assert_accessible(page)
    page.get_by_role("button", name="Gör dokumentet").click()

    expect(page.get_by_text("I kö, väntar på att göras")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page)
    url = page.url

    make_while_polled()  # what the worker would do

    link = page.get_by_role("link", name="Ladda ner halvtidsrapport-stockholm-2021-2025-2023.pdf")
    expect(link).to_be_visible(timeout=5000)  # by htmx polling, no reload
    assert page.url == url
    expect(page.get_by_text("Sparas till")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "halvtidsrapport-stockholm-2021-2025-2023.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

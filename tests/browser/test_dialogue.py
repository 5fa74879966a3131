"""Comment threads on a report, used as the samordnare and the rapportör use them (issue 11,
points 1 and 5): the samordnare comments on a row and returns the report, the rapportör
answers, resolves the thread, changes the row and submits again, and the samordnare sees
first what changed. With htmx, and as a plain form without JavaScript; axe on each state."""

import re

import pytest
from playwright.sync_api import Page, expect

from followup import services
from followup.rows import ACTIVITY
from tests.browser.test_report import BOARD, PERIOD, log_in, log_in_elsewhere, report_state
from tests.followup_data import World, build_world, fill_report

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    world = build_world()
    fill_report(world.report)
    # Saved once more as a model, so that the row's history holds what it was submitted with
    # (fill_report writes past the history).
    first = ACTIVITY.rows().filter(report=world.report).first()
    assert first is not None
    first.save()
    services.report_submit(report=world.report, user=world.reporter, on_behalf=False)
    return world


def open_report(page: Page, world: World) -> None:
    page.goto(f"/rapporter/{world.report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{BOARD} {PERIOD}")


def test_samordnare_comments_rapportor_answers_and_resolves(
    page: Page, new_context, world: World, assert_accessible
) -> None:
    row = ACTIVITY.rows().filter(report=world.report).first()
    assert row is not None
    thread = page.locator(f"#thread-{row.prefix}")

    # The live server's first page (templates compiled, catalog read) may take longer than
    # the 5 s each step is given when the machine is busy.
    page.goto("/", timeout=30_000)
    log_in(page, "samordnare")
    open_report(page, world)
    # A row without a thread offers only a small "Kommentera".
    thread.get_by_role("link", name=re.compile("^Kommentera")).click()
    expect(thread.get_by_label("Ny kommentar")).to_be_focused()
    thread.get_by_label("Ny kommentar").fill("Stämmer statusen? Beskriv gärna vad som återstår.")
    page.evaluate("window.__sameDocument = true")
    thread.get_by_role("button", name="Skicka kommentaren").click()
    conversation = thread.get_by_role("region", name=re.compile("^Kommentarer om "))
    expect(conversation).to_contain_text("Stämmer statusen?")
    expect(conversation).to_contain_text("● Öppen tråd")
    expect(conversation.get_by_text("Samordnare", exact=True)).to_be_visible()
    expect(page.get_by_text("1 öppen tråd")).to_be_visible()  # the head, out of band
    assert page.evaluate("window.__sameDocument === true"), "posted in place, not reloaded"
    assert_accessible(page)

    # The review panel is reached from the head and lists the open thread.
    page.get_by_role("link", name="Till granskningen").click()
    review = page.get_by_role("region", name="Granska")
    expect(review).to_contain_text("1 tråd är öppen")
    review.get_by_label("Skicka tillbaka").check()
    review.get_by_label("Kommentar till nämnden").fill("Se tråden vid aktiviteten.")
    review.get_by_role("button", name="Spara beslutet").click()
    expect(
        page.get_by_role("status").filter(has_text="1 tråd är öppen och följer med")
    ).to_be_visible()

    # The rapportör is led from the head to the thread, answers and resolves it.
    reporter = log_in_elsewhere(new_context, "rapportor")
    open_report(reporter, world)
    notice = reporter.get_by_role("note").filter(has_text="Skickad tillbaka av samordnaren")
    expect(notice).to_contain_text("1 tråd väntar på svar")
    reporter.get_by_text("1 öppen tråd").click()
    reporter.locator(".open-threads").get_by_role("link").click()
    answer_thread = reporter.locator(f"#thread-{row.prefix}")
    expect(answer_thread).to_be_in_viewport()
    answer_thread.get_by_label("Svara").fill("Allt är genomfört sedan april.")
    answer_thread.get_by_role("button", name="Skicka kommentaren").click()
    expect(answer_thread).to_contain_text("Allt är genomfört sedan april.")
    expect(answer_thread.get_by_role("status")).to_contain_text("Kommentaren är sparad.")
    answer_thread.get_by_role("button", name="Markera som löst").click()
    expect(answer_thread).to_contain_text("✔ Löst")
    expect(answer_thread).to_contain_text("markerad som löst")
    expect(reporter.get_by_text("Inga öppna trådar.")).to_be_visible()
    expect(answer_thread.get_by_role("button", name="Öppna tråden igen")).to_be_visible()
    assert_accessible(reporter)

    # The row changes, and the report goes in again.
    article = reporter.locator(f"#{row.prefix}")
    article.get_by_label("Status", exact=True).select_option(label="Genomförd")
    article.get_by_role("button", name="Spara raden").click()
    expect(article.get_by_role("status")).to_contain_text("✔ Sparat")
    reporter.get_by_role("link", name="Skicka in rapporten").click()
    reporter.get_by_role("button", name="Skicka in rapporten").click()
    expect(report_state(reporter)).to_have_text("Rapportens läge: Inskickad")

    # The samordnare sees first what changed since the return, and the answered thread.
    open_report(page, world)
    page.get_by_role("link", name="Till granskningen").click()
    since = page.get_by_role("region", name=re.compile("^Ändrat sedan rapporten skickades"))
    expect(since).to_be_in_viewport()
    expect(since).to_contain_text("Status: före: Pågår löpande → nu: Genomförd")
    expect(since).to_contain_text("✔ Besvarad:")
    assert_accessible(page)


def test_a_comment_posts_without_javascript(new_context, world: World, allow_response) -> None:
    row = ACTIVITY.rows().filter(report=world.report).first()
    assert row is not None
    page = log_in_elsewhere(new_context, "rapportor", java_script_enabled=False)
    open_report(page, world)
    thread = page.locator(f"#thread-{row.prefix}")
    thread.get_by_role("link", name=re.compile("^Kommentera")).click()
    # Refused in place with the reason, what was typed kept.
    allow_response("POST", r"/rapporter/\d+/tradar/a\d+/", 422)
    thread.get_by_label("Ny kommentar").fill("Mejla anna@example.se")
    thread.get_by_role("button", name="Skicka kommentaren").click()
    thread = page.locator(f"#thread-{row.prefix}")
    expect(thread).to_contain_text("e-postadress")
    expect(thread.get_by_label("Ny kommentar")).to_have_value("Mejla anna@example.se")
    thread.get_by_label("Ny kommentar").fill("Vi har frågat förvaltningen.")
    thread.get_by_role("button", name="Skicka kommentaren").click()
    expect(page.get_by_role("status").filter(has_text="Kommentaren är sparad.")).to_be_visible()
    expect(page.locator(f"#thread-{row.prefix}")).to_contain_text("Vi har frågat förvaltningen.")

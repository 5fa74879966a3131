"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against live_server."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home, and the network here is closed.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an asyncio event loop in the test thread, and Django
    refuses ORM calls (including the flush after each transactional test) from a thread with
    a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is safe here: the loop only
    drives the browser, and the ORM calls are ordinary blocking code.

    Package-scoped and autouse, so it is set before any database fixture of a browser test
    and stays until the last flush. Not set at import time: that would leak into every test
    of the session (this file is imported even under -m "not browser") and into the
    subprocesses they start, and `manage.py check --deploy` fails with it set (async.E001)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser() -> Iterator["playwright.sync_api.Browser"]:  # noqa: F821
    """One Chromium for all the browser tests (they all live in this package), stopped when
    they are done rather than at the end of the session: while Playwright runs, it marks its
    event loop as running in the main thread, and the rest of the suite runs without
    DJANGO_ALLOW_ASYNC_UNSAFE. Fails (never skips) when Chromium is missing: a silently
    skipped browser suite would hide a broken CI image."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests need Debian's "
            "Chromium (apt-get install chromium); `playwright install` is not used here.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def catalog(transactional_db: None) -> None:
    """The Stockholm programme, loaded into the test database the way load_programme does."""
    from django.conf import settings

    from catalog.services import programme_load

    path = Path(settings.BASE_DIR) / "fixtures" / "stockholm-2021-2025.json"
    programme_load(data=json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture
def page(browser, live_server) -> Iterator["playwright.sync_api.Page"]:  # noqa: F821
    """A fresh context and page per test, pointed at live_server. The test fails if the
    page logs a JavaScript error or a request fails (a CSP block, a missing stylesheet)."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="sv-SE")
    context.set_default_timeout(5_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def on_response(response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_report(violations: list[dict]) -> str:
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) found by axe:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def axe_violations(axe):
    """Run axe (its bundled axe-core, no network) with the WCAG 2.1 A and AA rules on the
    page as it is now; return a readable report of the violations, or "" if there are none."""

    def run(page) -> str:
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_21_AA},
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        return _axe_report(violations) if violations else ""

    return run


@pytest.fixture
def assert_accessible(axe_violations):
    """Fail with rule id, impact, help and the failing nodes if axe finds a WCAG 2.1 A/AA
    violation on the page as it is now."""

    def check(page) -> None:
        report = axe_violations(page)
        assert not report, f"{page.url}\n{report}"

    return check

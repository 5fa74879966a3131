"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against live_server."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

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
    """The Stockholm programme, committed where live_server's thread can read it. The session
    loaded it (tests/conftest.py) and puts it back after every transactional test."""


@dataclass(frozen=True)
class ExpectedResponse:
    """An HTTP error status that is the page's answer, not a fault: a form sent back with
    its errors (422) or a row someone else saved first (409)."""

    method: str
    path: re.Pattern[str]
    statuses: frozenset[int]

    def matches(self, method: str, url: str, status: int) -> bool:
        return (
            method == self.method
            and status in self.statuses
            and self.path.fullmatch(urlsplit(url).path) is not None
        )


# A row of a report saved with htmx or as a plain form: the server answers a failed
# validation with 422 and a conflict with 409, with the row (or page) to show.
ROW_SAVE = ExpectedResponse(
    "POST", re.compile(r"/rapporter/\d+/rad/[aig]/\d+/"), frozenset({409, 422})
)
# Chromium logs every 4xx/5xx answer as a console error with the resource as its location.
FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")
# htmx logs an error status it was told to treat as an error (base.html's responseHandling).
HTMX_ERROR = re.compile(r"^Response Status Error Code (\d+) from (\S+),")


@dataclass
class BrowserProblems:
    """What the pages of one test logged or received, judged when the test is done (a
    console message and the response it is about may arrive in either order)."""

    expected: list[ExpectedResponse] = field(default_factory=lambda: [ROW_SAVE])
    errors: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    responses: list[tuple[str, str, int]] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("response", self._on_response)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            # A form's action may carry a #fragment; the response's URL never does.
            url = urldefrag(message.location.get("url", "")).url
            self.console.append((message.text, url))

    def _on_response(self, response) -> None:
        if response.status >= 400:
            url = urldefrag(response.url).url
            self.responses.append((response.request.method, url, response.status))

    def report(self) -> list[str]:
        excused: set[tuple[str, int]] = set()
        problems = list(self.errors)
        for method, url, status in self.responses:
            if any(expected.matches(method, url, status) for expected in self.expected):
                excused.add((url, status))
            else:
                problems.append(f"HTTP {status}: {method} {url}")
        for text, url in self.console:
            failed = FAILED_LOAD.match(text)
            if failed and (url, int(failed.group(1))) in excused:
                continue
            htmx = HTMX_ERROR.match(text)
            if htmx and any(
                urlsplit(excused_url).path == htmx.group(2) and status == int(htmx.group(1))
                for excused_url, status in excused
            ):
                continue
            problems.append(f"console error: {text} ({url})")
        return problems


@pytest.fixture
def browser_problems() -> Iterator[BrowserProblems]:
    """Collects problems from every page a test opens; the test fails on any of them."""
    problems = BrowserProblems()
    yield problems
    found = problems.report()
    assert not found, "The browser reported problems:\n" + "\n".join(found)


@pytest.fixture
def allow_response(browser_problems: BrowserProblems) -> Callable[..., None]:
    r"""Declare an HTTP error status as the expected answer in this test, e.g.
    allow_response("POST", r"/rapporter/\d+/skicka-in/", 422) for a refused submission.
    Everything not declared (and not a row save's 409/422) still fails the test."""

    def allow(method: str, path: str, *statuses: int) -> None:
        browser_problems.expected.append(
            ExpectedResponse(method, re.compile(path), frozenset(statuses))
        )

    return allow


@pytest.fixture
def new_context(
    browser, live_server, browser_problems: BrowserProblems
) -> Iterator[Callable[..., "playwright.sync_api.BrowserContext"]]:  # noqa: F821
    """Open another browser context (another person, or a browser without JavaScript)
    pointed at live_server; its pages are watched like `page`. Closed after the test."""
    contexts = []

    def open_context(**options: object):
        settings = {"viewport": DESKTOP, "locale": "sv-SE", **options}
        context = browser.new_context(base_url=live_server.url, **settings)
        context.set_default_timeout(5_000)
        context.on("page", browser_problems.watch)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> "playwright.sync_api.Page":  # noqa: F821
    """A fresh context and page per test, pointed at live_server. The test fails if the
    page logs a JavaScript error or a request fails (a CSP block, a missing stylesheet),
    except for the answers a test expects (see ExpectedResponse and allow_response)."""
    return new_context().new_page()


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

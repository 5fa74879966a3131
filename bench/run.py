"""Benchmark the pages under gunicorn: latency per page over HTTP, SQL queries per page,
the long documents as tasks, and a load run of many users at once on two servers
(bench/load.py).

    make bench
    make bench BENCH_ARGS="--scale 100 --reuse"    # after `make bench`: each page against 1×
    .venv/bin/python bench/run.py --warmup 20 --requests 200 --match api
    .venv/bin/python bench/run.py --load-only --reporters 60 --readers 10 --duration 65
    .venv/bin/python bench/run.py --match offer --no-load --documents samlad-pdf
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/valdprogram make bench

Prepares its own database (SQLite in bench/out/; with a PostgreSQL DATABASE_URL, a database
`valdprogram_bench` on that server, never the one named), starts gunicorn on 127.0.0.1 with
the repository's gunicorn.conf.py and production-like settings, times sequential requests to
every page in PAGES, counts each page's queries in-process with Django's test client, prints a
table, has a task worker make the long documents (`document_tasks`), runs the load and stops
gunicorn. The last column of the table is the time to the response's head: for a streamed
download, when it starts. Latency is shown next to the trivial /healthz view's so that runs on
different machines compare. Last comes a summary of issue 12's goals at the run's scale, each
with the run's figure and ✔ or ✖ (`Summary`), and what the run did not measure and why.
"""

import argparse
import contextlib
import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import load

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"
PROGRAMME = "/program/stockholm-2021-2025"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    # Fetch logged in as this demo user (over HTTP and in-process).
    user: str | None = None
    # POST a save of the report row at `path` (as htmx does), a new version each time.
    row_save: bool = False
    # GET again with the ETag of a first answer (If-None-Match), as a client revalidating
    # its copy does: the answer must be 304 Not Modified.
    revalidate: bool = False
    # Issue 12's goal for the page, if it has one: its median as a multiple of healthz's,
    # its median in ms, or its first byte in ms (a streamed download).
    goal_ratio: float | None = None
    goal_ms: float | None = None
    goal_first_ms: float | None = None
    # The goal is stated for Stockholm's size (1) or for a hundred times it (100); None: at
    # every scale. The closing summary lists a goal in the runs at its scale.
    goal_scale: int | None = None

    @property
    def is_html(self) -> bool:
        """A page a person reads in the browser (issue 12's point 5: within 2× of its time at
        1× at a hundred times the boards), not the API, a download or the baseline."""
        return (
            self is not BASELINE
            and not self.path.startswith("/api/")
            and self.goal_first_ms is None
            and not self.path.endswith((".pdf", ".zip", ".xlsx", "/excel/"))
        )

    @property
    def status(self) -> int:
        return 304 if self.revalidate else 200

    @property
    def has_goal(self) -> bool:
        return any(goal is not None for goal in (self.goal_ratio, self.goal_ms, self.goal_first_ms))

    @property
    def goal_label(self) -> str:
        """The page's goal ("≤ 25× healthz"); the page must have one."""
        if self.goal_ratio is not None:
            return f"≤ {self.goal_ratio:g}× healthz"
        if self.goal_ms is not None:
            return f"≤ {self.goal_ms:g} ms"
        return f"1st byte ≤ {self.goal_first_ms:g} ms"

    def goal_applies(self, scale: int) -> bool:
        """Whether the page's goal is one of a run at `scale` (any scale above 1 stands for
        a hundred times Stockholm's)."""
        return self.has_goal and (self.goal_scale is None or (self.goal_scale == 1) == (scale == 1))

    def verdict(self, median: float, baseline: float, first: float) -> tuple[str, bool]:
        """This run's figure for the page's goal and whether it met it."""
        if self.goal_ratio is not None:
            ratio = median / baseline
            return f"{ratio:.1f}× ({median:.1f} ms)", ratio <= self.goal_ratio
        if self.goal_ms is not None:
            return f"{median:.0f} ms", median <= self.goal_ms
        assert self.goal_first_ms is not None  # the page has a goal
        return f"{first:.0f} ms", first <= self.goal_first_ms

    def goal(self, median: float, baseline: float, first: float) -> str:
        """The goal and whether this run met it ("≤ 25× healthz ✔"), or "" without a goal."""
        if not self.has_goal:
            return ""
        return f"{self.goal_label} {_mark(self.verdict(median, baseline, first)[1])}"


def _mark(met: bool | None) -> str:
    return "✔" if met else "–" if met is None else "✖"


@dataclass
class Summary:
    """Issue 12's goals at the run's scale, each with the run's figure and whether it was
    met, printed last: the run's verdict in one place. What the run did not measure is
    listed with the reason; figures without a goal at this scale are shown as information."""

    scale: int
    rows: list[tuple[str, str, bool | None]] = field(default_factory=list)

    def add(self, goal: str, figure: str, met: bool | None) -> None:
        self.rows.append((goal, figure, met))

    def skip(self, goal: str, why: str) -> None:
        self.add(goal, f"not measured: {why}", None)

    def print(self) -> None:
        size = "Stockholm's size" if self.scale == 1 else f"{self.scale}× Stockholm"
        print(f"\nsummary: issue 12's goals at {size}")
        width = max((len(goal) for goal, _, _ in self.rows), default=4)
        print(f"met  {'goal':<{width}}  this run")
        for goal, figure, met in self.rows:
            print(f" {_mark(met)}   {goal:<{width}}  {figure}")
        verdicts = [met for _, _, met in self.rows if met is not None]
        unmeasured = sum(1 for _, figure, _ in self.rows if figure.startswith("not measured"))
        print(
            f"{sum(verdicts)} of {len(verdicts)} goals met"
            + (f", {unmeasured} not measured" if unmeasured else "")
            + f"; all goals met: {'yes' if all(verdicts) and not unmeasured else 'no'}",
            flush=True,
        )


BASELINE = Page("healthz (baseline)", "/healthz")
REPORTER = "rapportor-rinkeby-kista-stadsdelsnamnd"
COORDINATOR = "samordnare"

# Add pages here; pages that need the demo data's ids go in data_pages().
PAGES = [
    BASELINE,
    Page("start", "/"),
    Page("programme", f"{PROGRAMME}/"),
    *(Page(f"goal {number}", f"{PROGRAMME}/mal/{number}/") for number in range(1, 8)),
    Page("boards", f"{PROGRAMME}/namnder/"),
    Page("board", f"{PROGRAMME}/namnder/rinkeby-kista-stadsdelsnamnd/"),
    Page("api programmes", "/api/v1/programmes/"),
    Page("api programme", "/api/v1/programmes/stockholm-2021-2025/"),
    Page("api programme (304)", "/api/v1/programmes/stockholm-2021-2025/", revalidate=True),
    Page("api boards", "/api/v1/boards/"),
]


def data_pages() -> list[Page]:
    """The follow-up pages, for the district board's report in the open period."""
    from followup.models import PeriodState, Report

    report = Report.objects.get(
        period__state=PeriodState.OPEN, board__slug="rinkeby-kista-stadsdelsnamnd"
    )
    row = report.activity_rows.order_by("pk").first()
    return [
        Page("my reports (rapportör)", "/start/", REPORTER),
        Page("overview (samordnare)", "/start/", COORDINATOR),
        Page("periods (samordnare)", "/perioder/", COORDINATOR),
        Page("report (rapportör)", f"/rapporter/{report.pk}/", REPORTER, goal_ratio=25),
        Page("report history", f"/rapporter/{report.pk}/historik/", REPORTER),
        Page(
            "row save (htmx)",
            f"/rapporter/{report.pk}/rad/a/{row.pk}/",
            REPORTER,
            row_save=True,
            goal_ratio=15,
        ),
        Page("api reports (samordnare)", "/api/v1/reports/?period=T1&year=2025", COORDINATOR),
        Page("dashboard (samordnare)", "/oversikt/", COORDINATOR),
        Page(
            "dashboard filtered",
            "/oversikt/?ar=2025&period=T1&mal=2&namnder=stadsdelsnamnder",
            COORDINATOR,
        ),
        Page("dashboard VB 2024", "/oversikt/?ar=2024&period=VB", COORDINATOR),
        Page(
            "dashboard rows: boards missing",
            "/oversikt/rader/?ar=2025&period=T1&visa=namnder&lage=saknas",
            COORDINATOR,
        ),
        Page(
            "dashboard rows: on track, goal 2",
            "/oversikt/rader/?ar=2024&period=VB&visa=aktiviteter&mal=2&bedomning=enligt_plan",
            COORDINATOR,
        ),
        Page(
            "dashboard rows: changes",
            "/oversikt/rader/?ar=2025&period=T1&visa=forandringar",
            COORDINATOR,
        ),
        Page(
            "dashboard rows: matrix", "/oversikt/rader/?ar=2024&period=VB&visa=matris", COORDINATOR
        ),
        Page("samlad uppföljning 2024", "/samlad/stockholm-2021-2025/2024/", COORDINATOR),
        Page("report excel template", f"/rapporter/{report.pk}/excel/", REPORTER),
        Page(
            "city export 2024 (xlsx)",
            "/oversikt/export/stockholm-2021-2025/2024.xlsx",
            COORDINATOR,
            goal_first_ms=200,
            goal_scale=100,
        ),
        *document_pages(),
    ]


def document_pages() -> list[Page]:
    """The documents (issue 5): a district board's styrkort PDF, made in the request; the
    pages that offer the long documents (made by the task worker since issue 12, timed by
    `document_tasks`); the halvtidsrapport's HTML preview. `document_memory` measures the
    styrkort's peak memory."""
    return [
        Page(
            "styrkort district board (pdf)",
            f"{PROGRAMME}/namnder/rinkeby-kista-stadsdelsnamnd/styrkort.pdf",
            REPORTER,
            goal_ms=250,
            goal_scale=1,
        ),
        Page("styrkort all boards (offer)", f"{PROGRAMME}/styrkort-status.zip", COORDINATOR),
        Page("samlad 2024 pdf (offer)", "/samlad/stockholm-2021-2025/2024.pdf", COORDINATOR),
        Page("halvtid 2023 pdf (offer)", "/halvtid/stockholm-2021-2025/2023.pdf", COORDINATOR),
        Page(
            "halvtidsrapport 2023 preview",
            "/halvtid/stockholm-2021-2025/2023/forhandsgranska/",
            COORDINATOR,
        ),
    ]


def document_memory(pages: list[Page], cookies: dict[str, str]) -> None:
    """Peak memory of making a document in the request, in-process: what Python allocates
    (tracemalloc) while the page is rendered, from a warm start. Pango's and cairo's own
    allocations in C are not traced, so this is a floor, not the worker's whole footprint."""
    import tracemalloc

    from django.test import Client

    documents = {page.path for page in document_pages() if page.path.endswith("styrkort.pdf")}
    measured = [page for page in pages if page.path in documents]
    if not measured:
        return
    print("\npeak Python memory while rendering (tracemalloc, in-process, after one warm-up)")
    for page in measured:
        client = Client(SERVER_NAME=HOST)
        client.cookies[session_cookie_name()] = cookies[page.user]
        for trace in (False, True):
            if trace:
                tracemalloc.start()
            response = client.get(page.path)
            size = len(response.content)
            if trace:
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
        print(f"{page.name:<32}  {peak / 2**20:>7.1f} MB  ({size / 2**10:.0f} kB)", flush=True)


# While the task worker makes the ZIP of every styrkort at scale, these pages are asked for a
# few times a second (issue 12, point 6: the ZIP "finishes as a task while the pages stay
# responsive"), and for RESPONSIVE_IDLE seconds before, the worker idle, to compare with.
RESPONSIVE_PAGES = ("healthz (baseline)", "report (rapportör)", "goal 1")
RESPONSIVE_EVERY = 0.3  # seconds between two requests to one page
RESPONSIVE_IDLE = 20.0
PROGRESS_EVERY = 60.0  # seconds between two lines of a long document's progress
RESPONSIVE_GOAL = (
    f"pages answer while the ZIPs are made (healthz p99 ≤ {load.HEALTHZ_P99_GOAL_MS} ms, "
    f"p95 ≤ {load.P95_GOAL_MS} ms, 0 errors)"
)
LOAD_GOALS = (
    f"0 errors, healthz p99 ≤ {load.HEALTHZ_P99_GOAL_MS} ms, p95 ≤ {load.P95_GOAL_MS} ms a kind"
)


Document = tuple[str, int | None, float | None]  # kind, year, goal in seconds


def long_documents(scale: int) -> list[Document]:
    """The documents made by the task worker, each of a kind, of a year (or none), with
    issue 12's goal in seconds at Stockholm's size (or none)."""
    from followup.models import DocumentKind

    documents: list[Document] = [
        (DocumentKind.STYRKORT_STATUS, None, 4.0),
        (DocumentKind.STYRKORT_COMMITMENTS, None, 4.0),
        (DocumentKind.CITY_FOLLOWUP, 2024, 1.5),
        (DocumentKind.MIDTERM, 2023, 1.0),
    ]
    if scale > 1:  # the city export is a task above CITY_EXPORT_STREAM_BOARDS boards
        documents.append((DocumentKind.CITY_EXPORT, 2024, None))
    return documents


def chosen_documents(scale: int, kinds: list[str] | None) -> list[Document]:
    """The long documents of `kinds` (`--documents`), or all of them."""
    documents = long_documents(scale)
    unknown = set(kinds or []) - {kind for kind, _, _ in documents}
    if unknown:
        known = " ".join(kind for kind, _, _ in documents)
        raise SystemExit(f"--documents: no {' '.join(sorted(unknown))} at this scale; {known}")
    return [document for document in documents if not kinds or document[0] in kinds]


def document_goal(kind: str, goal: float | None, scale: int) -> str | None:
    """The summary's line for a long document's goal at `scale`, or None if it has none
    there: at Stockholm's size its time, at scale that every board's ZIP is made at all."""
    from followup.documents.jobs import STYRKORT_KINDS
    from followup.models import DocumentKind

    label = DocumentKind(kind).label
    if scale == 1:
        return None if goal is None else f"{label} ≤ {goal:g} s as a task"
    return f"{label} of every board finishes as a task" if kind in STYRKORT_KINDS else None


def skip_documents(scale: int, kinds: set[str], why: str, summary: Summary) -> None:
    """The goals of the long documents of `kinds`, not measured for the reason `why`."""
    from followup.documents.jobs import STYRKORT_KINDS

    for kind, _, goal in long_documents(scale):
        line = document_goal(kind, goal, scale)
        if kind in kinds and line:
            summary.skip(line, why)
    if scale > 1 and set(STYRKORT_KINDS) <= kinds:
        summary.skip(RESPONSIVE_GOAL, why)


def document_tasks(scale: int, port: int, documents: list[Document], summary: Summary) -> None:
    """The long documents as a user gets them: each asked for (`documents.jobs.
    document_request`, which queues the task) and made by a `manage.py db_worker` started
    here with the benchmark's settings at the README's unit's priority (`Nice=10`), one
    document at a time. Prints the time from queued to done, and of it the time the worker
    spent making the document (the goals of issue 12 are for that, at Stockholm's size),
    and the worker's peak memory while making it (its PDF processes aside). At scale, the
    `RESPONSIVE_PAGES` are asked for over HTTP while each ZIP is made."""
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    from catalog.models import Programme
    from followup.documents import jobs
    from followup.models import DocumentKind, DocumentState

    media = Path(tempfile.mkdtemp(prefix="bench-media-"))
    # Where this process finds the worker's files; through override_settings, so that the
    # default storage, which keeps its folder once it has been used, follows.
    media_root = override_settings(MEDIA_ROOT=str(media))
    media_root.enable()
    programme = Programme.objects.get(slug="stockholm-2021-2025")
    coordinator = get_user_model().objects.get(username=COORDINATOR)
    log = OUT / "db_worker.log"
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval=0.1"]
    with log.open("wb") as log_file:
        worker = subprocess.Popen(  # noqa: S603
            ["nice", "-n", "10", *command],  # noqa: S607
            cwd=ROOT,
            env={**os.environ, "MEDIA_ROOT": str(media)},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    zips = [kind for kind, _, _ in documents if kind in jobs.STYRKORT_KINDS]
    sampled = [
        (page.name, page.path, login_session(page.user) if page.user else None)
        for page in PAGES + data_pages()
        if scale > 1 and zips and page.name in RESPONSIVE_PAGES
    ]
    idle, during = load.Results(), load.Results()
    try:
        if sampled:
            print(
                f"\n{', '.join(name for name, _, _ in sampled)} asked for every "
                f"{RESPONSIVE_EVERY:g} s each: {RESPONSIVE_IDLE:g} s with the worker idle, "
                "then while it makes each ZIP",
                flush=True,
            )
            with load.Sampler(request, port, sampled, RESPONSIVE_EVERY, idle):
                time.sleep(RESPONSIVE_IDLE)
        print(
            "\nlong documents as tasks (asked for, made by manage.py db_worker at nice 10, "
            "one at a time)"
        )
        print(f"{'document':<40} {'queued→done':>11} {'making':>8} {'worker peak':>11}")
        for kind, year, goal in documents:
            label, line = DocumentKind(kind).label, document_goal(kind, goal, scale)
            jobs.jobs_for(kind, programme, year).delete()  # a reused one would take no time
            _reset_peak_memory(worker.pid)
            job = jobs.document_request(kind=kind, programme=programme, year=year, user=coordinator)
            asked = sampled if kind in jobs.STYRKORT_KINDS else []
            with load.Sampler(request, port, asked, RESPONSIVE_EVERY, during):
                wait_for(job, worker, log)
            peak = _peak_memory(worker.pid)
            if job.state == DocumentState.FAILED:
                print(f"{label:<40} failed: {job.error}", flush=True)
                summary.add(line or f"{label} as a task", f"failed: {job.error}", False)
                continue
            assert job.started_at and job.finished_at  # a finished job has both
            queued = (job.finished_at - job.created_at).total_seconds()
            making = (job.finished_at - job.started_at).total_seconds()
            memory = f"{peak:.0f} MB" if peak is not None else "–"
            # The times' goals are for Stockholm's size; at a larger scale the time is shown.
            verdict = ""
            if scale == 1 and goal is not None:
                verdict = f"  goal ≤ {goal:g} s {_mark(making <= goal)}"
                summary.add(f"{line}", f"{making:.2f} s", making <= goal)
            elif line:  # a ZIP at scale
                boards = f"{job.progress_done} of {job.progress_total} boards"
                summary.add(line, f"done: {boards} in {making:.0f} s", True)
            else:
                figure = f"{making:.1f} s, {memory}"
                summary.add(f"{label} as a task (no goal at this scale)", figure, None)
            print(
                f"{label:<40} {queued:>9.2f} s {making:>6.2f} s {memory:>11}  "
                f"({job.file.size / 2**10:.0f} kB, {job.progress_total} steps){verdict}",
                flush=True,
            )
            job.file.delete(save=False)
            job.delete()
    finally:
        media_root.disable()
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        shutil.rmtree(media, ignore_errors=True)
    if scale == 1:
        print("(the pages are asked for while a ZIP is made at --scale 100: here it takes seconds)")
    elif sampled:
        print_responsive(idle, during, summary)


def wait_for(job: Any, worker: subprocess.Popen[bytes], log: Path) -> None:
    """Until the worker has made the document (`GeneratedDocument` `job`) or failed; a long
    one prints its progress now and then."""
    from followup.models import DocumentState

    started = shown = time.monotonic()
    while job.state not in (DocumentState.DONE, DocumentState.FAILED):
        if worker.poll() is not None:
            raise SystemExit(f"db_worker exited with {worker.returncode}:\n{log.read_text()}")
        time.sleep(0.05)
        job.refresh_from_db()
        if time.monotonic() - shown >= PROGRESS_EVERY:
            shown = time.monotonic()
            print(
                f"  … {job.progress_done} of {job.progress_total} after {shown - started:.0f} s",
                flush=True,
            )


def _reset_peak_memory(pid: int) -> None:
    """Start the process's peak resident memory (VmHWM) afresh (Linux)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def _peak_memory(pid: int) -> float | None:
    """The process's peak resident memory in MB since it was last reset, if known (Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**10
    return None


def print_responsive(idle: load.Results, during: load.Results, summary: Summary) -> None:
    """The sampled pages' p50/p95 with the worker idle and while it made the ZIPs, and the
    verdict: no errors, healthz's p99 within point 3's goal and every page's p95 within the
    load run's goal (point 7)."""
    print("\npages while the ZIPs were made, against the worker idle (ms)")
    print(
        f"{'page':<20}  {'idle p50':>8}  {'p95':>7}  {'making p50':>10}  {'p95':>7}  "
        f"{'p99':>7}  {'requests':>8}  {'errors':>6}"
    )
    figures, met = [], True
    for kind in RESPONSIVE_PAGES:
        timings = during.timings.get(kind, [])
        errors = len(during.errors.get(kind, [])) + len(idle.errors.get(kind, []))
        if not timings:
            continue
        before = idle.timings.get(kind) or [float("nan")]
        idle50, idle95 = (load.percentile(before, q) for q in (0.5, 0.95))
        p50, p95, p99 = (load.percentile(timings, q) for q in (0.5, 0.95, 0.99))
        print(
            f"{kind:<20}  {idle50:>8.1f}  {idle95:>7.1f}  {p50:>10.1f}  {p95:>7.1f}  "
            f"{p99:>7.1f}  {len(timings):>8}  {errors:>6}",
            flush=True,
        )
        if kind == BASELINE.name:
            met = met and p99 <= load.HEALTHZ_P99_GOAL_MS
            figures.append(f"healthz p99 {p99:.0f} ms")
        else:
            met = met and p95 <= load.P95_GOAL_MS
            figures.append(f"{kind} p95 {p95:.0f} ms")
        met = met and not errors
    failed = sum(len(errors) for errors in during.errors.values())
    summary.add(RESPONSIVE_GOAL, f"{', '.join(figures)}, {failed} errors", met and bool(figures))


def login_session(username: str) -> str:
    """Log the (demo) user in and return the session cookie's value."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[session_cookie_name()].value


class RowSaver:
    """Builds the form data of one activity row's save, version after version: the bench
    process shares gunicorn's SECRET_KEY, so it signs the versions as the page would."""

    CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters, as Django's secret

    def __init__(self, path: str) -> None:
        from followup.models import ActivityStatus

        row_pk = int(path.rstrip("/").rsplit("/", 1)[1])
        self.path = path
        self.prefix = f"a{row_pk}"
        self.version = ActivityStatus.objects.get(pk=row_pk).version
        self.turn = 0

    def next_body(self) -> dict[str, str]:
        from concurrency.forms import get_signer

        self.turn += 1
        progress = ("paborjad", "pagar_lopande")[self.turn % 2]
        body = {
            f"{self.prefix}-version": get_signer().sign(self.version),
            f"{self.prefix}-progress": progress,
            f"{self.prefix}-assessment": "enligt_plan",
            f"{self.prefix}-comment": f"Benchmark, sparning {self.turn}.",
            f"{self.prefix}-not_applicable_reason": "",
        }
        self.version += 1
        return body

    def headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.CSRF, "HX-Request": "true"}

    def cookie(self) -> str:
        return f"csrftoken={self.CSRF}"


def session_cookie_name() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per page")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--match", default="", help="only pages whose name or path contains this")
    parser.add_argument(
        "--scale", type=int, default=1, help="demo data: N times Stockholm's boards and reports"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run at this scale (bench/out/bench-scaleN.sqlite3)",
    )
    parser.add_argument(
        "--timeout", type=int, default=120, help="seconds a request may take (client, gunicorn)"
    )
    parser.add_argument(
        "--no-documents",
        action="store_true",
        help="skip the long documents as tasks (at --scale 100 each ZIP takes minutes)",
    )
    parser.add_argument(
        "--documents",
        nargs="+",
        metavar="KIND",
        help="only these long documents (their DocumentKind: styrkort-status styrkort-ataganden "
        "samlad-pdf halvtid-pdf stadsexport-xlsx)",
    )
    load = parser.add_argument_group("load run (bench/load.py)")
    load.add_argument("--no-load", action="store_true", help="skip the load run")
    load.add_argument("--load-only", action="store_true", help="only the load run")
    load.add_argument("--reporters", type=int, default=60, help="rapportörer saving rows")
    load.add_argument("--readers", type=int, default=10, help="readers of the city's pages")
    load.add_argument("--duration", type=float, default=65, help="seconds of load")
    load.add_argument("--think", type=float, default=2.0, help="seconds between a user's requests")
    args = parser.parse_args()
    if args.warmup < 0 or not 1 <= args.requests <= 100_000:
        parser.error("need --warmup >= 0 and 1 <= --requests <= 100000")
    if args.no_load and args.load_only:
        parser.error("--no-load and --load-only exclude each other")
    return args


def bench_database(scale: int, reuse: bool) -> str:
    """The benchmark's own database URL for the demo data at `scale`: a SQLite file in
    bench/out/ (bench-scale1.sqlite3, bench-scale100.sqlite3), or, when DATABASE_URL points at
    PostgreSQL, `valdprogram_bench` (`valdprogram_bench_scale100`) on that server; made afresh
    unless `reuse`. One per scale, so that runs at two scales compare without seeding again."""
    from urllib.parse import urlsplit, urlunsplit

    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        database = OUT / f"bench-scale{scale}.sqlite3"
        if not reuse or not database.exists():
            for path in OUT.glob(f"{database.name}*"):
                path.unlink()
        return f"sqlite:///{database}"
    import psycopg

    name = "valdprogram_bench" if scale == 1 else f"valdprogram_bench_scale{scale}"
    parts = urlsplit(given)
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and not reuse:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not reuse:
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def has_demo_data() -> bool:
    from followup.models import Report

    return Report.objects.exists()


def configure(static_root: Path, scale: int, reuse: bool) -> None:
    """Production-like settings for this process and gunicorn, then Django itself, and the
    demo data (unless `reuse` and a database from an earlier run is there)."""
    OUT.mkdir(parents=True, exist_ok=True)
    database = bench_database(scale, reuse)
    os.environ.pop("BEHIND_TLS_PROXY", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(static_root),
        DATABASE_URL=database,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",  # plain HTTP: there is no TLS in front
        LOG_LEVEL="WARNING",
        DEMO_MODE="1",
    )
    sys.path.insert(0, str(ROOT))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if reuse and has_demo_data():
        print("Reusing the demo data of an earlier run", flush=True)
        return
    call_command("load_programme", stdout=io.StringIO())
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, stdout=io.StringIO())
    print(f"Demo data at scale {scale} in {time.perf_counter() - started:.0f} s", flush=True)


def count_queries(pages: list[Page], cookies: dict[str, str]) -> dict[Page, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        client = Client(SERVER_NAME=HOST)
        if page.user:
            client.cookies[session_cookie_name()] = cookies[page.user]
        connection.ensure_connection()  # so that no page is charged for opening it
        with CaptureQueriesContext(connection) as captured:
            if page.row_save:
                saver = RowSaver(page.path)
                response = client.post(page.path, saver.next_body(), headers={"HX-Request": "true"})
            elif page.revalidate:
                etag = client.get(page.path).headers.get("ETag", "")
                captured.initial_queries = len(connection.queries_log)  # count the 304 only
                response = client.get(page.path, headers={"If-None-Match": etag})
            else:
                response = client.get(page.path)
            if response.streaming:
                b"".join(response.streaming_content)
        if response.status_code != page.status:
            raise SystemExit(
                f"{page.path} answered {response.status_code} in-process, not {page.status}"
            )
        counts[page] = len(captured)
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, timeout: int, log: Path) -> subprocess.Popen[bytes]:
    """gunicorn with the repository's configuration, as in production, without access log."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--config={ROOT / 'gunicorn.conf.py'}",
        f"--chdir={ROOT}",
        "valdprogram.wsgi:application",
    ]
    env = {
        **os.environ,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_TIMEOUT": str(timeout),
        # BENCH_ACCESS_LOG=1 keeps each server's access log (with ms per request) in bench/out/.
        "GUNICORN_ACCESS_LOG": str(log.with_suffix(".access.log"))
        if os.environ.get("BENCH_ACCESS_LOG")
        else "",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    with log.open("wb") as log_file:
        return subprocess.Popen(  # noqa: S603
            command, stdout=log_file, stderr=subprocess.STDOUT, env=env
        )


TIMEOUT = 120  # seconds; set from --timeout


def request(
    port: int,
    path: str,
    cookie: str | None,
    saver: RowSaver | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, float, float]:
    """One request on its own connection; returns the status and the times (ms) to the last
    byte and to the response's head (for a streamed download: when it starts)."""
    cookies = [f"{session_cookie_name()}={cookie}"] if cookie else []
    headers, body, method = dict(headers or {}), None, "GET"
    if saver is not None:
        method = "POST"
        cookies.append(saver.cookie())
        headers.update(saver.headers())
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(saver.next_body())
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    started = time.perf_counter()
    connection = HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        first = time.perf_counter()
        response.read()
    finally:
        connection.close()
    return response.status, (time.perf_counter() - started) * 1000, (first - started) * 1000


def etag(port: int, path: str, cookie: str | None) -> str:
    """The ETag of the page's answer now: what a client revalidates with."""
    connection = HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        headers = {"Cookie": f"{session_cookie_name()}={cookie}"} if cookie else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    value = response.getheader("ETag")
    if response.status != 200 or not value:
        raise SystemExit(f"{path} answered {response.status} without an ETag")
    if not response.getheader("Last-Modified"):
        raise SystemExit(f"{path} answered without Last-Modified")
    return value


def wait_until_up(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if request(port, BASELINE.path, None)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


def measure(
    port: int, page: Page, cookies: dict[str, str], warmup: int, requests: int
) -> list[float]:
    """Times (ms) of the measured requests: to the last byte, and to the first."""
    timings, firsts = [], []
    saver = RowSaver(page.path) if page.row_save else None
    cookie = cookies.get(page.user or "")
    headers = {"If-None-Match": etag(port, page.path, cookie)} if page.revalidate else None
    for i in range(warmup + requests):
        status, ms, first = request(port, page.path, cookie, saver, headers)
        if status != page.status:
            raise SystemExit(f"{page.path} answered {status} over HTTP, not {page.status}")
        if i >= warmup:
            timings.append(ms)
            firsts.append(first)
    return timings, firsts


def print_header(name_width: int, path_width: int, scaled: bool) -> None:
    versus = f"  {'vs 1×':>6}" if scaled else ""
    print(
        f"{'page':<{name_width}}  {'path':<{path_width}}  "
        f"{'median ms':>9}  {'p95 ms':>7}  {'× healthz':>9}{versus}  {'queries':>7}  "
        f"{'1st byte ms':>11}  goal (issue 12)",
        flush=True,
    )


def print_row(
    page: Page,
    median: float,
    high: float,
    baseline: float,
    queries: int,
    first: float,
    widths: tuple[int, int],
    at_one: float | None,
) -> float | None:
    """One page's figures; with `at_one` (the page's median as a multiple of healthz at
    scale 1, from an earlier run), how many times that it takes at this scale (returned),
    and for an HTML page point 5's goal: within 2×."""
    name_width, path_width = widths
    goals = [page.goal(median, baseline, first)]
    versus, growth = "", None
    if at_one is not None:
        growth = (median / baseline) / at_one
        versus = f"  {growth:>5.1f}×"
        if page.is_html:
            goals.append(f"≤ 2× its 1× {_mark(growth <= SCALE_GROWTH_GOAL)}")
    elif SCALED:  # no figure at scale 1 for this page
        versus = f"  {'–':>6}"
    print(
        f"{page.name:<{name_width}}  {page.path:<{path_width}}  "
        f"{median:>9.2f}  {high:>7.2f}  {median / baseline:>9.1f}{versus}  {queries:>7}  "
        f"{first:>11.2f}  {'; '.join(goal for goal in goals if goal)}",
        flush=True,
    )
    return growth


# Issue 12, point 5: at a hundred times the boards, every HTML page within 2× its time at 1×
# (compared as multiples of healthz's median in each run, so that machines compare).
SCALE_GROWTH_GOAL = 2.0
SCALED = False  # set when the run is at a scale above 1


def results_file(scale: int) -> Path:
    """Where a run keeps its pages' medians as multiples of healthz, for a later run at
    another scale to compare with."""
    return OUT / f"pages-scale{scale}.json"


def main() -> None:
    args = parse_args()

    def selected(page: Page) -> bool:
        return page is BASELINE or args.match in page.name or args.match in page.path

    # Stop gunicorn on `kill` as on Ctrl-C: both unwind through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    OUT.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    servers: list[subprocess.Popen[bytes]] = []
    began = time.monotonic()
    try:
        print("Preparing the benchmark's database and static files ...", flush=True)
        global TIMEOUT
        TIMEOUT = args.timeout
        configure(static_root, args.scale, args.reuse)
        from django.db import connection

        database = f"{connection.vendor}, demo data at scale {args.scale}"
        documents = chosen_documents(args.scale, args.documents)

        def serve() -> int:
            port = free_port()
            log = OUT / f"gunicorn-{len(servers) + 1}.log"
            servers.append(start_gunicorn(port, args.workers, args.timeout, log))
            wait_until_up(servers[-1], port, log)
            return port

        port = serve()
        print(
            f"gunicorn on {HOST}:{port} (gunicorn.conf.py), {args.workers} workers, DEBUG=0, "
            f"{database}",
            flush=True,
        )
        summary = Summary(args.scale)
        every_page = PAGES + data_pages()
        pages = [page for page in every_page if selected(page)]
        if args.load_only:
            summary.skip("the pages' goals", "--load-only")
        else:
            for page in every_page:
                if page not in pages and page.goal_applies(args.scale):
                    summary.skip(f"{page.name} {page.goal_label}", f"--match {args.match!r}")
            measure_pages(pages, port, args, summary)
        every_kind = {kind for kind, _, _ in long_documents(args.scale)}
        if why := documents_skipped(args, pages):
            skip_documents(args.scale, every_kind, why, summary)
        else:
            skip_documents(
                args.scale, every_kind - {kind for kind, _, _ in documents}, "--documents", summary
            )
            document_tasks(args.scale, port, documents, summary)
        if args.no_load:
            if args.scale == 1:
                summary.skip(f"load: {LOAD_GOALS}", "--no-load")
        else:
            ports = [port, serve()]
            results = load.run_load(
                request,
                ports,
                load.rapportorer(args.reporters, login_session, RowSaver),
                readers=args.readers,
                duration=args.duration,
                think=args.think,
                coordinator_cookie=login_session(COORDINATOR),
                server_pids=[server.pid for server in servers],
            )
            verdicts = load.print_results(
                results,
                reporters=args.reporters,
                readers=args.readers,
                duration=args.duration,
                database=database,
            )
            users = f"{args.reporters} rapportörer + {args.readers} readers"
            for goal, figure, met in verdicts:
                if args.scale == 1:
                    summary.add(f"{goal} ({users})", figure, met)
                else:  # the load's goals are for Stockholm's size
                    summary.add(f"{goal} ({users}; no goal at this scale)", figure, None)
        summary.print()
        print(f"the run took {time.monotonic() - began:.0f} s", flush=True)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(static_root, ignore_errors=True)


def documents_skipped(args: argparse.Namespace, pages: list[Page]) -> str:
    """Why the run does not make the long documents, or "" if it does."""
    if args.no_documents:
        return "--no-documents"
    if args.load_only:
        return "--load-only"
    if not any("(offer)" in page.name for page in pages):
        return f"--match {args.match!r} selects no page that offers one"
    return ""


def measure_pages(pages: list[Page], port: int, args: argparse.Namespace, summary: Summary) -> None:
    """Sequential requests to every page, one row each as it is measured: a slow page late in
    the list costs nothing already measured. The baseline comes first."""
    cookies = {page.user: login_session(page.user) for page in pages if page.user}
    queries = count_queries(pages, cookies)
    print(
        f"per page {args.warmup} warm-up + {args.requests} measured sequential requests\n",
        flush=True,
    )
    global SCALED
    SCALED = args.scale > 1
    at_one: dict[str, float] = {}
    if SCALED:
        if results_file(1).exists():
            at_one = json.loads(results_file(1).read_text())
            print(f"'vs 1×': compared with {results_file(1).relative_to(ROOT)}", flush=True)
        else:
            print("No run at scale 1 to compare with: run `make bench` first.", flush=True)
    widths = (max(len(page.name) for page in pages), max(len(page.path) for page in pages))
    print_header(*widths, scaled=SCALED)
    baseline = 0.0
    ratios: dict[str, float] = {}
    growths: dict[str, float] = {}  # the HTML pages' multiples of their time at 1×
    for page in pages:
        timings, firsts = measure(port, page, cookies, args.warmup, args.requests)
        median = statistics.median(timings)
        baseline = baseline or median
        first = statistics.median(firsts)
        ratios[page.name] = median / baseline
        row = (median, load.percentile(timings, 0.95), baseline, queries[page], first)
        growth = print_row(page, *row, widths, at_one.get(page.name))
        if growth is not None and page.is_html:
            growths[page.name] = growth
        if page.goal_applies(args.scale):
            summary.add(f"{page.name} {page.goal_label}", *page.verdict(median, baseline, first))
    if SCALED:
        html_goal = f"every HTML page ≤ {SCALE_GROWTH_GOAL:g}× its time at 1×"
        if not at_one:
            summary.skip(html_goal, f"no run at scale 1 ({results_file(1).relative_to(ROOT)})")
        elif not growths:
            summary.skip(html_goal, f"--match {args.match!r} selects no HTML page")
        else:
            over = [
                f"{name} {growth:.1f}×"
                for name, growth in growths.items()
                if growth > SCALE_GROWTH_GOAL
            ]
            within = f"{len(growths) - len(over)} of {len(growths)} within"
            summary.add(
                html_goal,
                "; over: ".join([within, ", ".join(over)] if over else [within]),
                not over,
            )
    # Kept for a run at another scale; a partial run (--match) adds to what is there.
    kept = results_file(args.scale)
    earlier = json.loads(kept.read_text()) if kept.exists() else {}
    kept.write_text(json.dumps({**earlier, **ratios}, indent=1, ensure_ascii=False))
    document_memory(pages, cookies)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted; gunicorn stopped.")

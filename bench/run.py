"""Benchmark the pages under gunicorn: latency per page over HTTP, SQL queries per page.

    make bench
    .venv/bin/python bench/run.py --warmup 20 --requests 200 --match api

Prepares its own SQLite database in bench/out/, starts gunicorn on 127.0.0.1 with
production-like settings, times sequential requests to every page in PAGES, counts each
page's queries in-process with Django's test client, prints a table and stops gunicorn.
Latency is shown next to the trivial /healthz view's so that runs on different machines compare.
"""

import argparse
import io
import math
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
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"
PROGRAMME = "/program/stockholm-2021-2025"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    # Fetch with the session cookie from login_session() (over HTTP and in-process).
    login: bool = False


BASELINE = Page("healthz (baseline)", "/healthz")

# Add pages here. Pages behind login: Page("...", "/...", login=True).
PAGES = [
    BASELINE,
    Page("start", "/"),
    Page("programme", f"{PROGRAMME}/"),
    *(Page(f"goal {number}", f"{PROGRAMME}/mal/{number}/") for number in range(1, 8)),
    Page("boards", f"{PROGRAMME}/namnder/"),
    Page("board", f"{PROGRAMME}/namnder/rinkeby-kista-stadsdelsnamnd/"),
    Page("api programmes", "/api/v1/programmes/"),
    Page("api programme", "/api/v1/programmes/stockholm-2021-2025/"),
    Page("api boards", "/api/v1/boards/"),
]


def login_session(username: str = "bench") -> str:
    """Create (or reuse) a user, log it in and return the session cookie's value.

    Pages that need a role or boards should give them to the user here.
    """
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username=username)
    client = Client()
    client.force_login(user)
    return client.cookies[session_cookie_name()].value


def session_cookie_name() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per page")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--match", default="", help="only pages whose name or path contains this")
    args = parser.parse_args()
    if args.warmup < 0 or not 1 <= args.requests <= 100_000:
        parser.error("need --warmup >= 0 and 1 <= --requests <= 100000")
    return args


def configure(static_root: Path) -> None:
    """Production-like settings for this process and gunicorn, then Django itself."""
    database = OUT / "bench.sqlite3"
    for path in OUT.glob("bench.sqlite3*"):
        path.unlink()
    os.environ.pop("BEHIND_TLS_PROXY", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(static_root),
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",  # plain HTTP: there is no TLS in front
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_programme", stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)


def count_queries(pages: list[Page], cookie: str | None) -> dict[Page, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous, logged_in = Client(SERVER_NAME=HOST), Client(SERVER_NAME=HOST)
    if cookie:
        logged_in.cookies[session_cookie_name()] = cookie
    counts = {}
    for page in pages:
        connection.ensure_connection()  # so that no page is charged for opening it
        with CaptureQueriesContext(connection) as captured:
            response = (logged_in if page.login else anonymous).get(page.path)
        if response.status_code != 200:
            raise SystemExit(f"{page.path} answered {response.status_code} in-process, not 200")
        counts[page] = len(captured)
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "valdprogram.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--chdir={ROOT}",
        "--log-level=warning",
    ]
    with log.open("wb") as log_file:
        return subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603


def get(port: int, path: str, cookie: str | None) -> tuple[int, float]:
    """One request on its own connection; returns the status and the time to the last byte."""
    headers = {"Cookie": f"{session_cookie_name()}={cookie}"} if cookie else {}
    started = time.perf_counter()
    connection = HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, (time.perf_counter() - started) * 1000


def wait_until_up(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if get(port, BASELINE.path, None)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


def measure(port: int, page: Page, cookie: str | None, warmup: int, requests: int) -> list[float]:
    timings = []
    for i in range(warmup + requests):
        status, ms = get(port, page.path, cookie if page.login else None)
        if status != 200:
            raise SystemExit(f"{page.path} answered {status} over HTTP, not 200")
        if i >= warmup:
            timings.append(ms)
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def print_table(rows: list[tuple[Page, float, float, int]], baseline: float) -> None:
    name_width = max(len(page.name) for page, *_ in rows)
    path_width = max(len(page.path) for page, *_ in rows)
    print(
        f"{'page':<{name_width}}  {'path':<{path_width}}  "
        f"{'median ms':>9}  {'p95 ms':>7}  {'× healthz':>9}  {'queries':>7}"
    )
    for page, median, high, queries in rows:
        print(
            f"{page.name:<{name_width}}  {page.path:<{path_width}}  "
            f"{median:>9.2f}  {high:>7.2f}  {median / baseline:>9.1f}  {queries:>7}"
        )


def main() -> None:
    args = parse_args()
    pages = [
        page
        for page in PAGES
        if page is BASELINE or args.match in page.name or args.match in page.path
    ]
    # Stop gunicorn on `kill` as on Ctrl-C: both unwind through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    OUT.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    server = None
    try:
        print("Preparing bench/out/bench.sqlite3 and static files ...", flush=True)
        configure(static_root)
        cookie = login_session() if any(page.login for page in pages) else None
        queries = count_queries(pages, cookie)

        port = free_port()
        log = OUT / "gunicorn.log"
        server = start_gunicorn(port, args.workers, log)
        wait_until_up(server, port, log)
        print(
            f"gunicorn on {HOST}:{port}, {args.workers} workers, DEBUG=0, SQLite; "
            f"per page {args.warmup} warm-up + {args.requests} measured sequential requests\n",
            flush=True,
        )
        rows = []
        for page in pages:
            timings = measure(port, page, cookie, args.warmup, args.requests)
            rows.append((page, statistics.median(timings), p95(timings), queries[page]))
        print_table(rows, baseline=next(row[1] for row in rows if row[0] is BASELINE))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted; gunicorn stopped.")

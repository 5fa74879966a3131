"""The load run of `make bench`: many users at once on two app servers.

N rapportörer fill in their reports (open the report page now and then, save a row every
few seconds, each on a row of its own so that no save conflicts) and M readers read the
dashboard, the samlad uppföljning and the reports API, all at the same time, spread over two
gunicorn servers started with the repository's gunicorn.conf.py, as a load balancer would.
Beside them a prober asks each server's /healthz ten times a second, as a load balancer
does: its p99 shows whether health checks queue behind slow pages.

Every user is a thread of this process with its own connections; a user waits a random
think time (around --think seconds) between requests, as people do. Prints p50/p95/p99 per
kind of request next to healthz's and the goals of issue 12.
"""

import math
import os
import random
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# bench/run.py's `request(port, path, cookie, saver)`: (status, ms to last byte, ms to head).
Fetch = Callable[..., tuple[int, float, float]]

# Goals (issue 12): no errors; p95 within these milliseconds.
P95_GOAL_MS = 300
HEALTHZ_P99_GOAL_MS = 50
PROGRAMME = "stockholm-2021-2025"


def _ticks_of(pid: int, *, descendants: bool = True) -> int:
    """CPU ticks (user + system) a process (and its descendants) has used, from /proc."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        children = {
            int(child)
            for task in os.listdir(f"/proc/{pid}/task")
            for child in open(f"/proc/{pid}/task/{task}/children").read().split()  # noqa: SIM115
        }
    except OSError:  # gone, or no /proc
        return 0
    own = int(fields[11]) + int(fields[12])
    return own + sum(_ticks_of(child) for child in children) if descendants else own


def _machine_ticks() -> int:
    """CPU ticks every process of the machine has used (busy, not idle), from /proc/stat."""
    try:
        values = [int(value) for value in open("/proc/stat").readline().split()[1:]]  # noqa: SIM115
    except OSError:
        return 0
    # All but idle and iowait; guest time is already counted in user time.
    return sum(values[:8]) - values[3] - values[4]


@dataclass(frozen=True)
class CpuUse:
    """Cores busy on average during the load: the servers, this process (the users), and
    everything else on the machine, which on a quiet machine is close to nothing."""

    servers: float
    generator: float
    others: float

    @classmethod
    def measure(
        cls, server_pids: list[int], seconds: float, before: tuple[int, int, int]
    ) -> "CpuUse":
        servers, generator, machine = (
            now - then for now, then in zip(cls.ticks(server_pids), before, strict=True)
        )
        per_second = os.sysconf("SC_CLK_TCK") * seconds
        return cls(
            servers / per_second,
            generator / per_second,
            max(0, machine - servers - generator) / per_second,
        )

    @staticmethod
    def ticks(server_pids: list[int]) -> tuple[int, int, int]:
        servers = sum(_ticks_of(pid) for pid in server_pids)
        # The servers are this process's children: its own ticks only.
        return servers, _ticks_of(os.getpid(), descendants=False), _machine_ticks()


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    cpu: CpuUse | None = None

    def record(self, kind: str, status: int | None, ms: float, detail: str = "") -> None:
        with self.lock:
            if status == 200:
                self.timings[kind].append(ms)
            else:
                self.errors[kind].append(detail or f"HTTP {status}")


@dataclass(frozen=True)
class Rapportor:
    cookie: str
    report_path: str
    saver: Any  # bench/run.py's RowSaver for the user's row


def rapportorer(
    count: int, login: Callable[[str], str], saver: Callable[[str], Any]
) -> list[Rapportor]:
    """`count` rapportörer, each on an activity row of its own in an editable report of the
    open period: the first row of every report first, then the second of each, and so on.
    Only the boards with a demo rapportör: at a larger scale the copies of the boards have
    none, and the load's users are Stockholm's, among more data."""
    from django.contrib.auth import get_user_model

    from demo.seed import REPORTER_PREFIX
    from followup.models import EDITABLE_STATES, PeriodState, Report

    usernames = get_user_model().objects.filter(username__startswith=REPORTER_PREFIX)
    slugs = [
        name.removeprefix(REPORTER_PREFIX) for name in usernames.values_list("username", flat=True)
    ]
    reports = list(
        Report.objects.filter(
            period__state=PeriodState.OPEN, state__in=EDITABLE_STATES, board__slug__in=slugs
        )
        .select_related("board")
        .order_by("board__name")
    )
    rows = {
        report.pk: list(report.activity_rows.order_by("pk").values_list("pk", flat=True))
        for report in reports
    }
    longest = max((len(pks) for pks in rows.values()), default=0)
    places = [
        (report, rows[report.pk][turn])
        for turn in range(longest)
        for report in reports
        if turn < len(rows[report.pk])
    ]
    if len(places) < count:
        raise SystemExit(f"The open period has {len(places)} editable activity rows, not {count}.")
    cookies: dict[str, str] = {}
    users = []
    for report, row_pk in places[:count]:
        username = f"rapportor-{report.board.slug}"
        cookie = cookies.get(username) or cookies.setdefault(username, login(username))
        path = f"/rapporter/{report.pk}/rad/a/{row_pk}/"
        users.append(Rapportor(cookie, f"/rapporter/{report.pk}/", saver(path)))
    return users


READER_PAGES = [
    ("dashboard", "/oversikt/"),
    ("samlad page", f"/samlad/{PROGRAMME}/2024/"),
    ("reports API", "/api/v1/reports/?period=T1&year=2025"),
]


def _think(think: float, rng: random.Random) -> float:
    return rng.uniform(0.5 * think, 1.5 * think)


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile: the smallest value with at least q of them at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _timed(
    fetch: Fetch,
    results: Results,
    kind: str,
    port: int,
    path: str,
    cookie: str | None,
    saver: Any = None,
) -> None:
    try:
        status, ms, _ = fetch(port, path, cookie, saver)
    except OSError as failure:
        results.record(kind, None, 0.0, f"{type(failure).__name__}: {failure}")
        return
    results.record(kind, status, ms)


def run_load(
    fetch: Fetch,
    ports: list[int],
    users: list[Rapportor],
    *,
    readers: int,
    duration: float,
    think: float,
    coordinator_cookie: str,
    server_pids: list[int],
) -> Results:
    """Run the rapportörer and `readers` against `ports` (round robin) for `duration`
    seconds; `server_pids` are the servers' processes, whose CPU is measured."""
    results = Results()
    started, cpu_before = time.monotonic(), CpuUse.ticks(server_pids)
    stop = time.monotonic() + duration
    threads = []

    def rapportor_loop(index: int, user: Rapportor) -> None:
        rng = random.Random(index)
        time.sleep(rng.uniform(0, think))  # users don't start in step
        # Nor do they open their report at the same turn: without this every user's page
        # fell in the same few seconds, every fifth turn, a burst no real day has.
        turn = rng.randrange(5)
        while time.monotonic() < stop:
            port = ports[(index + turn) % len(ports)]
            if turn % 5 == 0:  # now and then the whole page, as after a refresh
                _timed(fetch, results, "report page", port, user.report_path, user.cookie)
            else:
                path = user.saver.path
                _timed(fetch, results, "row save", port, path, user.cookie, user.saver)
            turn += 1
            time.sleep(_think(think, rng))

    def reader_loop(index: int) -> None:
        rng = random.Random(1000 + index)
        time.sleep(rng.uniform(0, think))
        turn = 0
        while time.monotonic() < stop:
            kind, path = READER_PAGES[(index + turn) % len(READER_PAGES)]
            port = ports[(index + turn) % len(ports)]
            _timed(fetch, results, kind, port, path, coordinator_cookie)
            turn += 1
            time.sleep(_think(think, rng))

    def prober() -> None:
        turn = 0
        while time.monotonic() < stop:
            _timed(fetch, results, "healthz", ports[turn % len(ports)], "/healthz", None)
            turn += 1
            time.sleep(0.1)

    for index, user in enumerate(users):
        threads.append(threading.Thread(target=rapportor_loop, args=(index, user)))
    for index in range(readers):
        threads.append(threading.Thread(target=reader_loop, args=(index,)))
    threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.cpu = CpuUse.measure(server_pids, time.monotonic() - started, cpu_before)
    return results


class Sampler:
    """A few pages asked for over and over, each by a thread of its own every `every`
    seconds, until the `with` block ends: how quickly they answer while something else runs
    (bench/run.py: while the task worker makes the ZIP of every styrkort). Each page is
    (kind, path, session cookie); the times go into `results` by kind.

        with Sampler(fetch, port, [("healthz", "/healthz", None)], 0.3, results):
            ...
        results.timings["healthz"]
    """

    def __init__(
        self,
        fetch: Fetch,
        port: int,
        pages: list[tuple[str, str, str | None]],
        every: float,
        results: Results,
    ) -> None:
        self.results = results
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.ask, args=(fetch, port, page, every)) for page in pages
        ]

    def ask(self, fetch: Fetch, port: int, page: tuple[str, str, str | None], every: float) -> None:
        kind, path, cookie = page
        while not self.stop.is_set():
            _timed(fetch, self.results, kind, port, path, cookie)
            self.stop.wait(every)

    def __enter__(self) -> "Sampler":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


# A goal, the run's figure for it and whether it was met: a line of bench/run.py's summary.
Verdict = tuple[str, str, bool]


def print_results(
    results: Results, *, reporters: int, readers: int, duration: float, database: str
) -> list[Verdict]:
    """The table; returns each goal with its figure and whether it was met."""
    healthz = results.timings.get("healthz") or [float("nan")]
    base = statistics.median(healthz)
    print(
        f"\nload: {reporters} rapportörer + {readers} readers for {duration:.0f} s on two "
        f"gunicorn servers (gunicorn.conf.py), {database}"
    )
    print(
        f"{'kind':<12}  {'requests':>8}  {'errors':>6}  {'p50 ms':>7}  {'p95 ms':>7}  "
        f"{'p99 ms':>7}  {'p95 × healthz':>13}  goal"
    )
    verdicts: list[Verdict] = []
    kinds = ["healthz", "report page", "row save", *(kind for kind, _ in READER_PAGES)]
    for kind in kinds:
        timings = results.timings.get(kind, [])
        errors = results.errors.get(kind, [])
        if not timings:
            print(f"{kind:<12}  {0:>8}  {len(errors):>6}  (no successful request)")
            verdicts.append((f"load: {kind}", "no successful request", False))
            continue
        p50, p95, p99 = (percentile(timings, q) for q in (0.50, 0.95, 0.99))
        if kind == "healthz":
            goal, figure = f"p99 ≤ {HEALTHZ_P99_GOAL_MS} ms", p99
            ok = p99 <= HEALTHZ_P99_GOAL_MS
        else:
            goal, figure, ok = f"p95 ≤ {P95_GOAL_MS} ms", p95, p95 <= P95_GOAL_MS
        verdicts.append((f"load: {kind} {goal}", f"{figure:.1f} ms", ok))
        ok = ok and not errors
        print(
            f"{kind:<12}  {len(timings) + len(errors):>8}  {len(errors):>6}  {p50:>7.1f}  "
            f"{p95:>7.1f}  {p99:>7.1f}  {p95 / base:>13.1f}  {goal} {'✔' if ok else '✖'}"
        )
    failed = sum(len(errors) for errors in results.errors.values())
    requests = failed + sum(len(timings) for timings in results.timings.values())
    verdicts.append(("load: 0 errors", f"{failed} of {requests} requests", not failed))
    for kind, kind_errors in results.errors.items():
        sample = "; ".join(sorted(set(kind_errors))[:3])
        print(f"  {kind}: {len(kind_errors)} errors, e.g. {sample}")
    if results.cpu:
        cpu = results.cpu
        print(
            f"cores busy on average (of {os.cpu_count()}): servers {cpu.servers:.2f}, "
            f"the users (this process) {cpu.generator:.2f}, other processes {cpu.others:.2f}"
            + (" — the machine was not quiet" if cpu.others > 0.2 else "")
        )
    met = all(ok for _, _, ok in verdicts)
    print(f"all goals met: {'yes' if met else 'no'}", flush=True)
    return verdicts

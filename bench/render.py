"""Pages rendered in-process, for profiling and for comparing scales: CPU time (the best of
many renders, which a busy machine disturbs least), queries and, with --profile, where the
time goes.

    .venv/bin/python bench/render.py                      # the rapportör's report page
    .venv/bin/python bench/render.py --page "row save"    # any page of bench/run.py by name
    .venv/bin/python bench/render.py --profile | head -60
    .venv/bin/python bench/render.py --all --renders 20 --scale 100   # every page

Uses bench/run.py's database for --scale (bench/out/bench-scaleN.sqlite3, or
valdprogram_bench(_scaleN) with a PostgreSQL DATABASE_URL), making it with the demo data at
that scale unless it is there already. --all measures every page of bench/run.py but the
documents made in the request (bench/documents.py times those), each as a multiple of
/healthz's time in the same process; it keeps the figures in bench/out/render-scaleN.json and
shows each page against the figure at scale 1 when there is one.
"""

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="report (rapportör)", help="a page name in bench/run.py")
    parser.add_argument("--all", action="store_true", help="every page (see above)")
    parser.add_argument("--match", default="", help="with --all: pages whose name contains this")
    parser.add_argument("--renders", type=int, default=200, help="measured renders")
    parser.add_argument("--scale", type=int, default=1, help="the demo data's scale")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()

    run.configure(Path(tempfile.mkdtemp(prefix="bench-static-")), args.scale, reuse=True)
    pages = {page.name: page for page in run.PAGES + run.data_pages()}
    if args.all:
        measure_all(
            [page for name, page in pages.items() if args.match in name and measured(page)],
            args.renders,
            args.scale,
        )
        return
    page = pages.get(args.page)
    if page is None:
        sys.exit(f"No page {args.page!r}; one of: {', '.join(pages)}")
    render, size, queries = renderer(page)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.renders):
            render()
        profiler.disable()
        profiler.dump_stats(str(run.OUT / "render.prof"))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return

    times = cpu_times(render, args.renders)
    print(
        f"{page.name}: {size / 1024:.0f} kB, {queries} queries, CPU ms per render "
        f"best {min(times):.2f}, p10 {statistics.quantiles(times, n=10)[0]:.2f}, "
        f"median {statistics.median(times):.2f} ({args.renders} renders)"
    )


def measured(page: run.Page) -> bool:
    """All pages but the documents made in the request (seconds each; bench/documents.py)."""
    return not page.path.endswith(".pdf") or "(offer)" in page.name


def renderer(page: run.Page) -> tuple[Callable[[], int], int, int]:
    """A function that renders the page once (returning its size), warmed up, with the page's
    size and its queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=run.HOST)
    if page.user:
        client.cookies[run.session_cookie_name()] = run.login_session(page.user)
    saver = run.RowSaver(page.path) if page.row_save else None
    headers: dict[str, str] = {}
    if page.revalidate:
        headers["If-None-Match"] = client.get(page.path).headers.get("ETag", "")

    def render() -> int:
        if saver is not None:
            response = client.post(page.path, saver.next_body(), headers={"HX-Request": "true"})
        else:
            response = client.get(page.path, headers=headers)
        if response.status_code != page.status:
            sys.exit(f"{page.path} answered {response.status_code}")
        return len(response.content if not response.streaming else b"".join(response))

    for _ in range(3):  # templates compiled, caches warm, connection open
        size = render()
    with CaptureQueriesContext(connection) as queries:
        render()
    return render, size, len(queries)


def cpu_times(render: Callable[[], object], renders: int) -> list[float]:
    times = []
    for _ in range(renders):
        started = time.process_time()
        render()
        times.append((time.process_time() - started) * 1000)
    return times


def results_file(scale: int) -> Path:
    return run.OUT / f"render-scale{scale}.json"


def measure_all(pages: list[run.Page], renders: int, scale: int) -> None:
    """Every page's best CPU time as a multiple of /healthz's, against scale 1's figure."""
    at_one = (
        json.loads(results_file(1).read_text()) if scale > 1 and results_file(1).exists() else {}
    )
    kept = results_file(scale)
    figures: dict[str, dict[str, float]] = json.loads(kept.read_text()) if kept.exists() else {}
    width = max(len(page.name) for page in pages)
    versus = f"  {'vs 1×':>6}" if at_one else ""
    print(f"scale {scale}, CPU ms best of {renders} renders in-process (Django test client)")
    print(f"{'page':<{width}}  {'best ms':>8}  {'× healthz':>9}{versus}  {'queries':>7}  {'kB':>6}")
    baseline = min(cpu_times(renderer(run.BASELINE)[0], max(renders, 50)))
    for page in [run.BASELINE, *(page for page in pages if page is not run.BASELINE)]:
        render, size, queries = renderer(page)
        best = baseline if page is run.BASELINE else min(cpu_times(render, renders))
        ratio = best / baseline
        figures[page.name] = {"ms": best, "ratio": ratio, "queries": queries}
        row = f"{page.name:<{width}}  {best:>8.2f}  {ratio:>9.1f}"
        if at_one:
            one = at_one.get(page.name)
            growth = f"{ratio / one['ratio']:>5.1f}×" if one else "–"
            mark = ""
            if one and page.is_html:
                mark = " ✔" if ratio / one["ratio"] <= run.SCALE_GROWTH_GOAL else " ✖"
            row += f"  {growth:>6}{mark:2}"
        print(f"{row}  {queries:>7}  {size / 1024:>6.0f}", flush=True)
    kept.write_text(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

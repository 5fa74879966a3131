"""One page rendered in-process, for profiling: its CPU time (the best of many renders, which
a busy machine disturbs least), its queries and, with --profile, where the time goes.

    .venv/bin/python bench/render.py                      # the rapportör's report page
    .venv/bin/python bench/render.py --page "row save"    # any page of bench/run.py by name
    .venv/bin/python bench/render.py --profile | head -60

Uses bench/run.py's database (bench/out/, or valdprogram_bench with a PostgreSQL
DATABASE_URL), making it with the demo data at --scale unless it is there already.
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="report (rapportör)", help="a page name in bench/run.py")
    parser.add_argument("--renders", type=int, default=200, help="measured renders")
    parser.add_argument("--scale", type=int, default=1, help="demo data if it must be made")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()

    run.configure(Path(tempfile.mkdtemp(prefix="bench-static-")), args.scale, reuse=True)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = {page.name: page for page in run.PAGES + run.data_pages()}
    page = pages.get(args.page)
    if page is None:
        sys.exit(f"No page {args.page!r}; one of: {', '.join(pages)}")
    client = Client(SERVER_NAME=run.HOST)
    if page.user:
        client.cookies[run.session_cookie_name()] = run.login_session(page.user)
    saver = run.RowSaver(page.path) if page.row_save else None

    def render() -> int:
        if saver is not None:
            response = client.post(page.path, saver.next_body(), headers={"HX-Request": "true"})
        else:
            response = client.get(page.path)
        if response.status_code != 200:
            sys.exit(f"{page.path} answered {response.status_code}")
        return len(response.content if not response.streaming else b"".join(response))

    for _ in range(5):  # templates compiled, caches warm, connection open
        size = render()
    with CaptureQueriesContext(connection) as queries:
        render()

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

    times = []
    for _ in range(args.renders):
        started = time.process_time()
        render()
        times.append((time.process_time() - started) * 1000)
    print(
        f"{page.name}: {size / 1024:.0f} kB, {len(queries)} queries, CPU ms per render "
        f"best {min(times):.2f}, p10 {statistics.quantiles(times, n=10)[0]:.2f}, "
        f"median {statistics.median(times):.2f} ({args.renders} renders)"
    )


if __name__ == "__main__":
    main()

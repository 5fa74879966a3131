"""How long the documents take to make, on a machine others share (issue 12, point 6).

    DATABASE_URL=sqlite:////tmp/docs.sqlite3 .venv/bin/python -m bench.documents [--runs 5]
        [--profile styrkort|zip|samlad|halvtid]

On a database with the demo data (`manage.py seed_demo`). Each document is made `--runs`
times in this process (after one warm-up) and the median (and the best) is printed next to a
fixed piece of pure-Python work (the baseline) timed in the same run, so that two runs on a
busy machine can be compared by their ratios; CPU time includes the ZIP's worker processes.
`--profile` runs one document under cProfile and prints where its time goes.
"""

import argparse
import cProfile
import os
import pstats
import resource
import statistics
import tempfile
import time
from collections.abc import Callable

import django


def baseline() -> None:
    """A fixed amount of interpreted work, about what a few ms of layout is made of."""
    total = 0
    for i in range(300_000):
        total += (i * 7) % 13
    assert total > 0


def documents() -> dict[str, tuple[Callable[[], object], float]]:
    from django.conf import settings

    from catalog.models import Board, Programme
    from followup.documents import jobs
    from followup.documents.styrkort import styrkort_build, styrkort_pdf
    from followup.models import DocumentKind, GeneratedDocument

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="docs-bench-")
    programme = Programme.objects.get(slug="stockholm-2021-2025")
    board = Board.objects.get(slug="rinkeby-kista-stadsdelsnamnd")

    def job(kind: str, year: int | None) -> Callable[[], object]:
        def make() -> None:
            document = GeneratedDocument.objects.create(
                programme=programme,
                kind=kind,
                year=year,
                filename=jobs.document_filename(kind, programme, year),
            )
            jobs.make(document)
            document.file.delete(save=False)
            document.delete()

        return make

    return {
        "styrkort": (
            lambda: styrkort_pdf(styrkort_build(programme, board, with_status=True)),
            0.25,
        ),
        "zip": (job(DocumentKind.STYRKORT_STATUS, None), 4.0),
        "samlad": (job(DocumentKind.CITY_FOLLOWUP, 2024), 1.5),
        "halvtid": (job(DocumentKind.MIDTERM, 2023), 1.0),
    }


def cpu_time() -> float:
    """The CPU time of this process and of its finished children (the ZIP's PDF workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(work: Callable[[], object], runs: int) -> tuple[float, float, float, float, float]:
    """The median wall-clock time and the median CPU time (this process's and its worker
    processes'), then the best of each, and the best CPU time of this process alone, in
    seconds: on a machine others share, the CPU time is what compares from one run to the
    next. Where a document is made in two processes at once (the samlad uppföljning and the
    halvtidsrapport, split.py), the longer of the two (this one, or the rest: all less this)
    is about its time on an idle machine."""
    work()  # warm-up: the print stylesheet, fonts, templates
    walls, cpus, own = [], [], []
    for _ in range(runs):
        wall, cpu, here = time.perf_counter(), cpu_time(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_time() - cpu)
        own.append(time.process_time() - here)
    return statistics.median(walls), statistics.median(cpus), min(walls), min(cpus), min(own)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", choices=["styrkort", "zip", "samlad", "halvtid"])
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valdprogram.settings")
    django.setup()
    docs = documents()
    if args.profile:
        work = docs[args.profile][0]
        work()
        profiler = cProfile.Profile()
        profiler.enable()
        work()
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        return
    base_wall, base_cpu, *_ = timed(baseline, args.runs)
    print(f"{'baseline':<10} {base_wall * 1000:>8.1f} ms wall {base_cpu * 1000:>8.1f} ms cpu")
    for name, (work, goal) in docs.items():
        if args.only and name not in args.only:
            continue
        wall, cpu, best_wall, best_cpu, best_own = timed(work, args.runs)
        print(
            f"{name:<10} {wall * 1000:>8.1f} ms wall {cpu * 1000:>8.1f} ms cpu  "
            f"{cpu / base_cpu:>6.1f}× baseline cpu  (goal {goal * 1000:.0f} ms; "
            f"best {best_wall * 1000:.1f} ms wall, {best_cpu * 1000:.1f} ms cpu, "
            f"{best_own * 1000:.1f} ms of it in this process)",
            flush=True,
        )
    wall, cpu, *_ = timed(baseline, args.runs)
    print(f"{'baseline':<10} {wall * 1000:>8.1f} ms wall {cpu * 1000:>8.1f} ms cpu (again)")


if __name__ == "__main__":
    main()

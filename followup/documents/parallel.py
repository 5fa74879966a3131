"""PDFs from HTML in worker processes, for the documents made many at a time (issue 12, point 6).

The ZIP of every board's styrkort is 23 PDFs at Stockholm's size (2,300 at a hundred
times), each WeasyPrint layout that holds one core; one process renders them one after
another. `pdfs_from_html` hands them to `settings.DOCUMENT_RENDER_PROCESSES` worker
processes (by default one per core) and gives the PDFs back in the order of their HTML,
each as soon as it and those before it are done, so that the caller can write the ZIP and
its progress as before:

    for pdf in pdfs_from_html(html for card in cards):
        ...

The HTML is made by the caller, in its own process, which has the database; a worker only
runs `pdf.html_to_pdf` on a string, with the same restricted URL fetcher (nothing but the
app's static files and the city's logo). The workers are forked from the caller, so they
start at once with the print stylesheet and fonts already loaded; each refuses any database
query (`_refuse_queries`), and none is ever made there, since all it is given is text.

At most `2 × processes` documents are waiting or being made at a time: the HTML of the
next boards is made while the workers render, and memory stays bounded at any number of
boards. With one process, one document, or where processes cannot be forked safely (not
POSIX, another thread running here, or the pool will not start), the PDFs are made here, in
this process, one by one; a worker that dies mid-way (killed, out of memory) has its
documents made here too.
"""

import gc
import logging
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from django.conf import settings
from django.db import connections

from followup.documents.pdf import html_to_pdf

logger = logging.getLogger(__name__)


class DatabaseRefused(RuntimeError):
    """A PDF worker process tried to use the database."""


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise DatabaseRefused("En PDF-process får inte använda databasen.")


def _refuse_queries() -> None:
    """In a worker: every database connection it inherited refuses to run a query or to
    connect anew. The parent's connections are left as they are (closing one here would
    close it for the parent too)."""
    for connection in connections.all():
        connection.execute_wrappers.append(_refuse)
        connection.connect = _refuse  # type: ignore[method-assign]


def start_worker() -> None:
    """In a forked render process: no database, the usual signals, the inherited objects frozen."""
    _refuse_queries()
    # Stopped like any process (the task worker's graceful-shutdown handlers are its own):
    # the parent then makes what is left itself.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What was inherited stays alive for the worker's life; the collector need not walk it.
    gc.freeze()


def _in_this_process(htmls: Iterable[str]) -> Iterator[bytes]:
    for html in htmls:
        yield html_to_pdf(html)


def forking_is_safe() -> bool:
    """Whether this process can fork render processes: POSIX, and no other thread.

    A fork copies only this thread: a lock another thread holds (in Pango, fontconfig, a
    logging handler) would stay held in the child for ever. `db_worker` has one thread; with
    DEBUG it reloads on code changes from a second one, and a threaded web server may run the
    task in a request (the immediate backend): those render here."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _pool(processes: int) -> ProcessPoolExecutor | None:
    if not forking_is_safe():
        return None
    try:
        return ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=start_worker,
        )
    except (OSError, ValueError, NotImplementedError) as error:
        logger.warning("PDFs are made in this process: no worker processes (%s).", error)
        return None


def pdfs_from_html(
    htmls: Iterable[str], *, processes: int | None = None, count: int | None = None
) -> Iterator[bytes]:
    """The PDF of each HTML document, in their order, made in `processes` worker processes
    (by default `settings.DOCUMENT_RENDER_PROCESSES`) when there is more than one of them
    and more than one document (`count`, when known)."""
    processes = settings.DOCUMENT_RENDER_PROCESSES if processes is None else processes
    if processes <= 1 or (count is not None and count <= 1):
        yield from _in_this_process(htmls)
        return
    pool = _pool(processes)
    if pool is None:
        yield from _in_this_process(htmls)
        return
    yield from _in_workers(pool, iter(htmls), window=2 * processes)


def _in_workers(pool: ProcessPoolExecutor, htmls: Iterator[str], *, window: int) -> Iterator[bytes]:
    pending: deque[tuple[str, Future[bytes] | None]] = deque()
    broken = False  # a worker died: what is left is made here

    def stop_using_workers() -> None:
        nonlocal broken
        if not broken:
            logger.warning("PDF worker processes stopped or did not start; made in this process.")
        broken = True

    def submit(html: str) -> Future[bytes] | None:
        if not broken:
            try:
                return pool.submit(html_to_pdf, html)
            except (BrokenProcessPool, OSError):  # OSError: the first submit forks them
                stop_using_workers()
        return None

    def first_done() -> bytes:
        html, future = pending.popleft()
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                stop_using_workers()
        return html_to_pdf(html)

    try:
        for html in htmls:
            pending.append((html, submit(html)))
            if len(pending) >= window:
                yield first_done()
        while pending:
            yield first_done()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

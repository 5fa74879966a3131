"""The ZIP of every board's styrkort with its PDFs made in worker processes
(followup/documents/parallel.py): the same members, in the same order, as PDFs a reader
opens, as when made in one process; the workers never reach the database; and where no
worker can be started, the PDFs are still made."""

import os
from concurrent.futures import ProcessPoolExecutor
from io import BytesIO
from unittest import mock
from zipfile import ZipFile

from django.test import TestCase, override_settings
from pypdf import PdfReader

from catalog.models import Board
from followup.documents import parallel
from followup.documents.parallel import DatabaseRefused, pdfs_from_html
from followup.documents.styrkort import styrkort_zip_chunks
from followup.models import Coordinator
from tests.catalog_data import sodertalje_data
from tests.followup_data import user

HTML = (
    '<html lang="sv"><head><title>Prov {n}</title></head><body><h1>Dokument {n}</h1></body></html>'
)


def count_boards() -> int:
    """Run in a worker: a database query."""
    return Board.objects.count()


def worker_pid(html: str) -> int:
    return os.getpid()


def zip_members(**settings: int) -> list[tuple[str, str]]:
    """The ZIP's member names and each member's text, with the given settings."""
    from catalog.models import Programme

    programme = Programme.objects.get(slug="sodertalje-fri-fran-vald-2024-2027")
    with override_settings(**settings):
        content = b"".join(styrkort_zip_chunks(programme, with_status=True))
    archive = ZipFile(BytesIO(content))
    members = []
    for name in archive.namelist():
        reader = PdfReader(BytesIO(archive.read(name)))
        members.append((name, "".join(page.extract_text() for page in reader.pages)))
    return members


class ParallelZipTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from catalog.services import programme_load

        cls.programme, _ = programme_load(data=sodertalje_data())
        Coordinator.objects.create(user=user("samordnare"), programme=cls.programme)

    def setUp(self) -> None:
        # The test run's OpenID provider (tests/oidc.py) waits in a thread of its own once an
        # SSO test has started it; as `db_worker`, this process is otherwise single-threaded.
        # The test of a threaded process patches this again.
        only_thread = mock.patch.object(parallel.threading, "active_count", lambda: 1)
        only_thread.start()
        self.addCleanup(only_thread.stop)

    def test_a_zip_made_in_worker_processes_holds_what_one_made_here_holds(self) -> None:
        started: list[int] = []
        original = parallel._pool

        def spy(processes: int) -> ProcessPoolExecutor | None:
            started.append(processes)
            return original(processes)

        with mock.patch.object(parallel, "_pool", spy):
            in_workers = zip_members(DOCUMENT_RENDER_PROCESSES=2)
        self.assertEqual(started, [2])  # the workers' way, really
        here = zip_members(DOCUMENT_RENDER_PROCESSES=1)
        self.assertEqual(len(in_workers), Board.objects.responsible_in(self.programme).count())
        self.assertEqual([name for name, _ in in_workers], [name for name, _ in here])
        self.assertEqual(in_workers, here)
        for name, text in in_workers:
            self.assertIn("Styrkort för", text, name)

    def test_the_pdfs_come_back_in_order_from_more_than_one_process(self) -> None:
        htmls = [HTML.format(n=n) for n in range(7)]
        pdfs = list(pdfs_from_html(htmls, processes=2))
        titles = [PdfReader(BytesIO(pdf)).metadata.title for pdf in pdfs]
        self.assertEqual(titles, [f"Prov {n}" for n in range(7)])

    def test_a_worker_refuses_the_database(self) -> None:
        self.assertGreater(count_boards(), 0)
        pool = parallel._pool(1)
        assert pool is not None
        with pool:
            self.assertNotEqual(pool.submit(worker_pid, "").result(), os.getpid())
            with self.assertRaises(DatabaseRefused):
                pool.submit(count_boards).result()
        self.assertGreater(count_boards(), 0)  # this process's connection still works

    def test_without_worker_processes_the_pdfs_are_made_here(self) -> None:
        htmls = [HTML.format(n=n) for n in range(3)]
        with (
            mock.patch.object(parallel.multiprocessing, "get_all_start_methods", lambda: []),
            mock.patch.object(parallel, "ProcessPoolExecutor", side_effect=AssertionError),
        ):
            pdfs = list(pdfs_from_html(htmls, processes=2))
        self.assertEqual(len(pdfs), 3)
        self.assertTrue(all(pdf.startswith(b"%PDF") for pdf in pdfs))

    def test_when_a_worker_dies_the_rest_are_made_here(self) -> None:
        htmls = [HTML.format(n=n) for n in range(5)]
        with (
            mock.patch.object(parallel, "start_worker", lambda: os._exit(3)),
            self.assertLogs("followup.documents.parallel", "WARNING"),
        ):
            pdfs = list(pdfs_from_html(htmls, processes=2))
        titles = [PdfReader(BytesIO(pdf)).metadata.title for pdf in pdfs]
        self.assertEqual(titles, [f"Prov {n}" for n in range(5)])

    def test_a_process_with_other_threads_makes_the_pdfs_itself(self) -> None:
        htmls = [HTML.format(n=n) for n in range(2)]
        with (
            mock.patch.object(parallel.threading, "active_count", lambda: 2),
            mock.patch.object(parallel, "ProcessPoolExecutor", side_effect=AssertionError),
        ):
            pdfs = list(pdfs_from_html(htmls, processes=2))
        self.assertEqual(len(pdfs), 2)

    def test_when_no_worker_can_be_forked_the_pdfs_are_made_here(self) -> None:
        htmls = [HTML.format(n=n) for n in range(3)]
        with (
            mock.patch("multiprocessing.popen_fork.os.fork", side_effect=OSError("no")),
            self.assertLogs("followup.documents.parallel", "WARNING"),
        ):
            pdfs = list(pdfs_from_html(htmls, processes=2))
        titles = [PdfReader(BytesIO(pdf)).metadata.title for pdf in pdfs]
        self.assertEqual(titles, [f"Prov {n}" for n in range(3)])

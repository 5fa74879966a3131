"""Long documents made by the task worker (issue 12, point 2): from the button to the file,
joining a job being made, reusing a final samlad uppföljning's PDF, access, failure and
retry, progress, expiry. Most tests run the task with the immediate backend (or record it
with the dummy backend); one runs a real `db_worker` on the database backend."""

from collections.abc import Iterable, Iterator
from datetime import timedelta
from io import BytesIO, StringIO
from typing import IO
from unittest import mock
from zipfile import ZipFile

from django.core.management import call_command
from django.db.models import F
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from catalog.models import Board
from followup.city import city_followup_draft_create, city_followup_finalise
from followup.documents import jobs
from followup.models import (
    CityFollowup,
    CityReader,
    Coordinator,
    DocumentKind,
    DocumentState,
    GeneratedDocument,
    PeriodKind,
    ReportingPeriod,
)
from tests.catalog_data import sodertalje_data
from tests.document_jobs import DUMMY_TASKS, MEDIA_ROOT, ask, job_pk, made_document, media
from tests.followup_data import build_world, user
from tests.test_documents import pdf_text
from tests.test_reads_never_write import writes_caught

SLUG = "stockholm-2021-2025"


def fake_pdf(job: GeneratedDocument, out: IO[bytes], progress: jobs.Progress) -> None:
    """A maker that takes no time: the flow is what these tests are about."""
    progress(1, 1)
    out.write(b"%PDF-1.7 fake")


def broken(job: GeneratedDocument, out: IO[bytes], progress: jobs.Progress) -> None:
    progress(0, 3)
    raise RuntimeError("WeasyPrint gav upp")


@media
class RealWorkerTests(TransactionTestCase):
    """The database backend and a real worker run, on a programme of two boards. Outside a
    test transaction: the worker closes the database connection between tasks, as it
    should, which on PostgreSQL would end a TestCase's transaction."""

    def setUp(self) -> None:
        from catalog.services import programme_load

        self.programme, _ = programme_load(data=sodertalje_data())
        self.coordinator = user("samordnare")
        Coordinator.objects.create(user=self.coordinator, programme=self.programme)

    def test_from_the_button_to_a_zip_of_every_boards_styrkort(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("styrkort-zip", args=[self.programme.slug, "status"])
        offer = self.client.get(url)
        self.assertContains(offer, "Gör dokumentet")
        asked = self.client.post(url)  # enqueued when the request's transaction commits
        job_url = asked["Location"]
        self.assertEqual(DBTaskResult.objects.count(), 1)  # queued in the database
        self.assertContains(self.client.get(job_url), "I kö")

        call_command(
            "db_worker",
            "--max-tasks",
            "1",
            "--interval",
            "0",
            "--no-startup-delay",
            "--no-reload",
            stdout=StringIO(),
            stderr=StringIO(),
        )

        job = GeneratedDocument.objects.get(pk=job_pk(asked))
        self.assertEqual(job.state, DocumentState.DONE)
        boards = Board.objects.responsible_in(self.programme)
        self.assertEqual((job.progress_done, job.progress_total), (len(boards), len(boards)))
        page = self.client.get(job_url)
        download = reverse("document-download", args=[job.pk])
        self.assertContains(page, download)
        self.assertContains(page, "Sparas till")
        response = self.client.get(download)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("styrkort-sodertalje", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("no-store", response["Cache-Control"])
        archive = ZipFile(BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(
            sorted(archive.namelist()), sorted(f"styrkort-{board.slug}.pdf" for board in boards)
        )
        text = pdf_text(archive.read("styrkort-sodertalje-socialnamnden.pdf"))
        self.assertIn("Styrkort för Socialnämnden", text)


@media
class DocumentJobTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from catalog.services import programme_load

        cls.world = build_world(year=2023, kind="VB")
        cls.city_reader = user("stadslasare")
        CityReader.objects.create(user=cls.city_reader, programme=cls.world.programme)
        other, _ = programme_load(data=sodertalje_data())
        cls.other_reader = user("annan-lasare")
        CityReader.objects.create(user=cls.other_reader, programme=other)

    def pdf_url(self) -> str:
        return reverse("city-followup-pdf", args=[SLUG, 2023])

    def urls(self) -> list[str]:
        return [
            reverse("styrkort-zip", args=[SLUG, "status"]),
            reverse("styrkort-zip", args=[SLUG, "ataganden"]),
            self.pdf_url(),
            reverse("midterm-pdf", args=[SLUG, 2023]),
        ]

    def test_get_of_every_document_url_offers_a_button_and_creates_nothing(self) -> None:
        self.client.force_login(self.world.coordinator)
        for url in self.urls():
            with writes_caught() as writes:
                response = self.client.get(url)
            self.assertContains(response, f'<form method="post" action="{url}">', html=False)
            self.assertContains(response, "Gör dokumentet")
            self.assertEqual(writes, [], url)
        self.assertFalse(GeneratedDocument.objects.exists())

    @override_settings(TASKS=DUMMY_TASKS)
    def test_asking_twice_joins_the_job_being_made(self) -> None:
        self.client.force_login(self.world.coordinator)
        url = reverse("styrkort-zip", args=[SLUG, "status"])
        with self.captureOnCommitCallbacks(execute=True):
            first = self.client.post(url)
        GeneratedDocument.objects.update(state=DocumentState.RUNNING, started_at=timezone.now())
        self.client.force_login(self.city_reader)
        with self.captureOnCommitCallbacks(execute=True):
            second = self.client.post(url)
        self.assertEqual(job_pk(first), job_pk(second))
        self.assertEqual(GeneratedDocument.objects.count(), 1)
        self.assertEqual(len(task_backends["default"].results), 1)
        # The offer page sends a later visitor to the running job.
        self.assertContains(self.client.get(url), reverse("document-job", args=[job_pk(first)]))
        # The other variant is another document.
        with self.captureOnCommitCallbacks(execute=True):
            other = self.client.post(reverse("styrkort-zip", args=[SLUG, "ataganden"]))
        self.assertNotEqual(job_pk(other), job_pk(first))

    def test_a_final_samlad_uppfoljning_is_made_once_until_its_figures_change(self) -> None:
        followup = city_followup_draft_create(programme=self.world.programme, year=2023)
        CityFollowup.objects.filter(pk=followup.pk).update(narrative="Året i korthet.")
        followup.goals.update(narrative="Bedömning av målet.")
        followup.refresh_from_db()
        self.client.force_login(self.world.coordinator)
        with mock.patch.dict(jobs.MAKERS, {DocumentKind.CITY_FOLLOWUP: fake_pdf}):
            draft = ask(self, self.client, self.pdf_url())
            again = ask(self, self.client, self.pdf_url())
            self.assertNotEqual(job_pk(draft), job_pk(again))  # a draft's figures are live
            city_followup_finalise(followup=followup, user=self.world.coordinator)
            final = ask(self, self.client, self.pdf_url())
            reused = ask(self, self.client, self.pdf_url())
            self.assertEqual(job_pk(final), job_pk(reused))
            page = self.client.get(reverse("document-job", args=[job_pk(final)]))
            self.assertContains(page, "den slutliga versionen")
            # Reopened and finalised again: other figures, a new document.
            CityFollowup.objects.filter(pk=followup.pk).update(version=F("version") + 1)
            changed = ask(self, self.client, self.pdf_url())
        self.assertNotEqual(job_pk(changed), job_pk(final))
        self.assertEqual(GeneratedDocument.objects.count(), 4)

    def test_only_the_programmes_city_wide_readers_see_the_job_and_the_file(self) -> None:
        self.client.force_login(self.world.coordinator)
        with mock.patch.dict(jobs.MAKERS, {DocumentKind.MIDTERM: fake_pdf}):
            asked = ask(self, self.client, reverse("midterm-pdf", args=[SLUG, 2023]))
        job_url = reverse("document-job", args=[job_pk(asked)])
        file_url = reverse("document-download", args=[job_pk(asked)])
        self.client.force_login(self.city_reader)
        self.assertEqual(self.client.get(file_url).status_code, 200)
        for person in (self.other_reader, self.world.reporter):
            self.client.force_login(person)
            for url in (job_url, file_url):
                self.assertEqual(self.client.get(url).status_code, 404, (person, url))
            # Nor may they ask for one.
            self.assertEqual(self.client.post(self.pdf_url()).status_code, 404)
        # Anonymous visitors are sent to log in, as everywhere outside the public pages.
        self.client.logout()
        for url in (job_url, file_url):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("login"), response["Location"])
        self.assertEqual(GeneratedDocument.objects.count(), 1)

    def test_a_failed_job_says_so_and_can_be_tried_again(self) -> None:
        self.client.force_login(self.world.coordinator)
        url = reverse("midterm-pdf", args=[SLUG, 2023])
        with mock.patch.dict(jobs.MAKERS, {DocumentKind.MIDTERM: broken}):
            failed = ask(self, self.client, url)
        job = GeneratedDocument.objects.get(pk=job_pk(failed))
        self.assertEqual(job.state, DocumentState.FAILED)
        self.assertIn("WeasyPrint gav upp", job.error)
        page = self.client.get(failed["Location"])
        self.assertContains(page, "Dokumentet kunde inte göras")
        self.assertContains(page, "Försök igen")
        self.assertNotContains(page, "WeasyPrint")  # the cause is for the log, not the reader
        self.assertNotContains(page, 'hx-trigger="every 1s"')
        self.assertEqual(
            self.client.get(reverse("document-download", args=[job.pk])).status_code, 404
        )
        with mock.patch.dict(jobs.MAKERS, {DocumentKind.MIDTERM: fake_pdf}):
            retried = ask(self, self.client, url)
        self.assertNotEqual(job_pk(retried), job.pk)
        self.assertContains(self.client.get(retried["Location"]), "Ladda ner")

    def test_the_offer_links_the_latest_document_and_says_when_the_data_has_changed(self) -> None:
        self.client.force_login(self.world.coordinator)
        url = reverse("midterm-pdf", args=[SLUG, 2023])
        with mock.patch.dict(jobs.MAKERS, {DocumentKind.MIDTERM: fake_pdf}):
            asked = ask(self, self.client, url)
        offer = self.client.get(url)
        self.assertContains(offer, reverse("document-download", args=[job_pk(asked)]))
        self.assertContains(offer, "Gör ett nytt")
        self.assertNotContains(offer, "Uppgifterna har ändrats")
        self.world.report.save()  # a report changes after the document was made
        self.assertContains(self.client.get(url), "Uppgifterna har ändrats sedan dess")

    def test_a_task_run_twice_makes_the_document_once(self) -> None:
        self.client.force_login(self.world.coordinator)
        with mock.patch.dict(jobs.MAKERS, {DocumentKind.MIDTERM: fake_pdf}):
            asked = ask(self, self.client, reverse("midterm-pdf", args=[SLUG, 2023]))
            job = GeneratedDocument.objects.get(pk=job_pk(asked))
            with mock.patch.object(jobs, "make") as make:
                jobs.make_document.call(job.pk)
        make.assert_not_called()
        job.refresh_from_db()
        self.assertEqual(job.state, DocumentState.DONE)

    def test_progress_counts_boards_as_they_are_done(self) -> None:
        self.client.force_login(self.world.coordinator)
        seen: list[tuple[int, int]] = []

        def pdfs(htmls: Iterable[str], **kwargs: object) -> Iterator[bytes]:
            # The PDFs as the worker processes hand them back, one board after another.
            for _ in htmls:
                job = GeneratedDocument.objects.get()
                seen.append((job.progress_done, job.progress_total))
                yield b"%PDF-1.7 fake"

        with mock.patch("followup.documents.styrkort.pdfs_from_html", pdfs):
            asked = ask(self, self.client, reverse("styrkort-zip", args=[SLUG, "ataganden"]))
        total = Board.objects.responsible_in(self.world.programme).count()
        self.assertEqual(seen, [(done, total) for done in range(total)])
        job = GeneratedDocument.objects.get(pk=job_pk(asked))
        self.assertEqual((job.progress_done, job.state), (total, DocumentState.DONE))

    @override_settings(TASKS=DUMMY_TASKS)
    def test_the_job_page_shows_progress_and_polls_until_done(self) -> None:
        self.client.force_login(self.world.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            asked = self.client.post(reverse("styrkort-zip", args=[SLUG, "status"]))
        GeneratedDocument.objects.update(
            state=DocumentState.RUNNING, progress_done=12, progress_total=23
        )
        page = self.client.get(asked["Location"])
        self.assertContains(page, "12 av 23 nämnder klara")
        self.assertContains(page, '<progress id="document-progress" max="23" value="12">')
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, '<meta http-equiv="refresh" content="3">')
        part = self.client.get(asked["Location"], headers={"HX-Request": "true"})
        self.assertContains(part, "12 av 23 nämnder klara")
        self.assertNotContains(part, "<h1>")
        GeneratedDocument.objects.update(state=DocumentState.DONE, finished_at=timezone.now())
        done = self.client.get(asked["Location"], headers={"HX-Request": "true"})
        self.assertNotContains(done, "hx-trigger")

    def test_an_expired_document_is_gone_and_pruned(self) -> None:
        self.client.force_login(self.world.coordinator)
        with mock.patch.dict(jobs.MAKERS, {DocumentKind.MIDTERM: fake_pdf}):
            asked = ask(self, self.client, reverse("midterm-pdf", args=[SLUG, 2023]))
        job = GeneratedDocument.objects.get(pk=job_pk(asked))
        self.assertTrue(job.file.storage.exists(job.file.name))
        self.assertGreater(job.expires_at, timezone.now() + timedelta(hours=23))
        GeneratedDocument.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        self.assertEqual(
            self.client.get(reverse("document-download", args=[job.pk])).status_code, 404
        )
        self.assertContains(self.client.get(asked["Location"]), "har tagits bort")
        out = StringIO()
        call_command("prune_documents", stdout=out)
        self.assertIn("1 dokument borttagna", out.getvalue())
        self.assertFalse(GeneratedDocument.objects.exists())
        self.assertFalse(job.file.storage.exists(job.file.name))

    @override_settings(TASKS=DUMMY_TASKS)
    def test_a_job_its_worker_lost_is_not_joined_and_is_failed_by_prune(self) -> None:
        self.client.force_login(self.world.coordinator)
        url = reverse("styrkort-zip", args=[SLUG, "status"])
        with self.captureOnCommitCallbacks(execute=True):
            lost = self.client.post(url)
        GeneratedDocument.objects.update(
            state=DocumentState.RUNNING, started_at=timezone.now() - timedelta(hours=3)
        )
        with self.captureOnCommitCallbacks(execute=True):
            fresh = self.client.post(url)
        self.assertNotEqual(job_pk(fresh), job_pk(lost))
        call_command("prune_documents", stdout=StringIO())
        self.assertContains(self.client.get(lost["Location"]), "Försök igen")

    def test_a_year_without_a_verksamhetsberattelse_is_404(self) -> None:
        self.client.force_login(self.world.coordinator)
        ReportingPeriod.objects.filter(
            programme=self.world.programme, year=2025, kind=PeriodKind.VB
        ).delete()
        url = reverse("city-followup-pdf", args=[SLUG, 2025])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertFalse(GeneratedDocument.objects.exists())

    def test_the_whole_flow_with_the_real_pdf(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = made_document(self, self.client, reverse("midterm-pdf", args=[SLUG, 2023]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("Halvtidsrapport 2023", pdf_text(response.content))
        self.assertTrue(MEDIA_ROOT)

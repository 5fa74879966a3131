"""Attachments as evidence (issue 11, point 6): a rapportör attaches files to a row or to the
report while it can be written; the type is told from the content; a refused file leaves
nothing behind; files go out only through the download view, to those who may read the
report; listed on the report, in the API and in the history; removed by the board."""

import os
import shutil
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attachments.models import Attachment
from followup.models import CityReader, ReportState
from tests import attachment_files as files
from tests.followup_data import build_world, user
from tests.test_report_rows import activity_post

MB = 1024 * 1024


class AttachmentTestCase(TestCase):
    """The follow-up world (an open verksamhetsberättelse) and a storage of its own."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="VB")
        cls.report = cls.world.report
        cls.row = cls.report.activity_rows.order_by("pk").first()
        cls.city_reader = user("stadslasare")
        CityReader.objects.create(user=cls.city_reader, programme=cls.world.programme)

    def setUp(self) -> None:
        self.media = tempfile.mkdtemp(prefix="valdprogram-bilagor-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        storage = override_settings(MEDIA_ROOT=self.media)
        storage.enable()
        self.addCleanup(storage.disable)
        self.client.force_login(self.world.reporter)

    def stored_files(self) -> list[str]:
        return [name for _, _, names in os.walk(self.media) for name in names]

    def upload(
        self,
        name: str,
        content: bytes,
        target: str = "bilagor",
        client: Client | None = None,
        report_pk: int | None = None,
        **extra: str,
    ):
        return (client or self.client).post(
            reverse("attachment-upload", args=[report_pk or self.report.pk]),
            {"bilaga-target": target, "bilaga-file": SimpleUploadedFile(name, content)},
            **extra,
        )

    def attach(
        self, name: str = "rutin.pdf", content: bytes | None = None, target: str = "bilagor"
    ):
        response = self.upload(name, content if content is not None else files.pdf(), target)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return Attachment.objects.latest("pk")


class AcceptedTests(AttachmentTestCase):
    def test_rapportor_attaches_a_pdf_to_a_row_and_sees_it_under_the_row(self) -> None:
        response = self.upload("Nämndens rutin.pdf", files.pdf(), target=self.row.prefix)
        self.assertRedirects(
            response,
            f"{reverse('report-detail', args=[self.report.pk])}#{self.row.prefix}",
            fetch_redirect_response=False,
        )
        attachment = Attachment.objects.get()
        self.assertEqual(
            (attachment.name, attachment.kind, attachment.row_kind, attachment.row_id),
            ("Nämndens rutin.pdf", "pdf", "a", self.row.pk),
        )
        self.assertEqual(attachment.uploaded_by, self.world.reporter)
        # Stored under a random name: nothing of the user's name is in the path.
        self.assertRegex(attachment.file.name, rf"^bilagor/{self.report.pk}/[0-9a-f]{{32}}\.pdf$")
        self.assertEqual(len(self.stored_files()), 1)
        page = self.client.get(reverse("report-detail", args=[self.report.pk])).content.decode()
        row_html = page[page.index(f'id="{self.row.prefix}"') :]
        row_html = row_html[: row_html.index("</article>")]
        download = reverse("attachment-download", args=[self.report.pk, attachment.pk])
        self.assertIn(f'href="{download}"', row_html)
        self.assertIn("Nämndens rutin.pdf", row_html)

    def test_every_kind_taken_is_attached(self) -> None:
        made = {
            "a.pdf": ("pdf", files.pdf()),
            "a.png": ("png", files.png()),
            "a.jpg": ("jpeg", files.jpeg()),
            "a.JPEG": ("jpeg", files.jpeg()),
            "a.docx": ("docx", files.docx()),
            "a.xlsx": ("xlsx", files.xlsx()),
            "a.odt": ("odt", files.odt()),
            "a.ods": ("ods", files.ods()),
        }
        for name, (kind, content) in made.items():
            with self.subTest(name):
                self.assertEqual(self.attach(name, content).kind, kind)
        self.assertEqual(len(self.stored_files()), len(made))

    def test_a_path_in_the_name_is_cut_and_markup_is_shown_as_text(self) -> None:
        attachment = self.attach("../../etc/<b>plan 2023.pdf")
        self.assertEqual(attachment.name, "<b>plan 2023.pdf")
        page = self.client.get(reverse("attachment-list", args=[self.report.pk])).content.decode()
        self.assertIn("&lt;b&gt;plan 2023.pdf", page)
        self.assertNotIn("<b>plan", page)
        download = self.client.get(
            reverse("attachment-download", args=[self.report.pk, attachment.pk])
        )
        self.assertEqual(download["Content-Disposition"], 'attachment; filename="bplan_2023.pdf"')

    def test_samordnare_attaches_for_the_board_and_it_says_so(self) -> None:
        self.client.force_login(self.world.coordinator)
        attachment = self.attach()
        self.assertTrue(attachment.on_behalf)
        page = self.client.get(reverse("report-detail", args=[self.report.pk])).content.decode()
        self.assertIn("(för nämndens räkning)", page)


class RefusedTests(AttachmentTestCase):
    def assert_refused(self, response, status: int, message: str) -> None:
        self.assertEqual(response.status_code, status)
        self.assertIn(message, response.content.decode())
        self.assertIn("Ingenting sparades.", response.content.decode())
        self.assertEqual(Attachment.objects.count(), 0)
        self.assertEqual(Attachment.history.count(), 0)
        self.assertEqual(self.stored_files(), [])

    def test_content_that_is_not_what_the_name_says_is_refused_and_nothing_stored(self) -> None:
        cases = {
            "program.pdf": (files.exe(), "Filen är ett program"),
            "sida.png": (files.html(), "Filen är en webbsida eller SVG-bild"),
            "bild.png": (files.svg(), "Filen är en webbsida eller SVG-bild"),
            "bild.svg": (files.svg(), "Filer av typen .svg tas inte emot"),
            "program.exe": (files.exe(), "Filer av typen .exe tas inte emot"),
            "makron.docx": (files.docm(), "Filen innehåller makron"),
            "presentation.odt": (files.odp(), "av en annan sort än text eller kalkylblad"),
            "gammal.doc": (files.doc(), "Äldre Word-filer (.doc) tas inte emot"),
            "gammal.docx": (files.doc(), "äldre Office-format"),
            "tabell.xlsx": (files.docx(), "Filen heter .xlsx men innehållet är ett Word-dokument"),
            "bild.pdf": (files.png(), "Filen heter .pdf men innehållet är en PNG-bild"),
            "trasig.docx": (b"PK\x03\x04" + b"\0" * 200, "Filen är skadad"),
            "bomb.xlsx": (files.zip_bomb(), "en så kallad zip-bomb"),
            "tom.pdf": (b"", "Filen är tom (0 byte)"),
        }
        for name, (content, message) in cases.items():
            with self.subTest(name):
                self.assert_refused(self.upload(name, content), 422, message)

    def test_a_file_one_byte_over_ten_megabytes_is_refused_as_it_arrives(self) -> None:
        content = files.pdf() + b"\0" * (10 * MB + 1 - len(files.pdf()))
        response = self.upload("stor.pdf", content)
        self.assert_refused(response, 413, "Filen är för stor. En bilaga får vara högst 10,0 MB.")

    def test_a_file_of_exactly_ten_megabytes_is_taken(self) -> None:
        content = files.pdf() + b"\0" * (10 * MB - len(files.pdf()))
        self.assertEqual(self.attach("stor.pdf", content).size, 10 * MB)

    @override_settings(ATTACHMENT_MAX_BYTES=1000)
    def test_a_request_declaring_more_than_the_limit_is_refused_unread(self) -> None:
        # Far past the limit and the form's overhead: refused on its Content-Length.
        content = files.pdf() + b"\0" * (200 * 1024)
        response = self.upload("stor.pdf", content)
        self.assert_refused(response, 413, "Filen är för stor. En bilaga får vara högst 1 kB.")

    @override_settings(ATTACHMENT_REPORT_MAX_BYTES=20 * 1024)
    def test_the_reports_files_together_stay_within_their_limit(self) -> None:
        self.attach("a.pdf", files.pdf() + b"\0" * (15 * 1024))
        response = self.upload("b.pdf", files.pdf() + b"\0" * (10 * 1024))
        self.assertEqual(response.status_code, 422)
        self.assertIn(
            "Rapportens bilagor får tillsammans vara högst 20 kB", response.content.decode()
        )
        self.assertEqual(Attachment.objects.count(), 1)
        self.assertEqual(len(self.stored_files()), 1)

    def test_no_file_chosen_is_told_in_place(self) -> None:
        response = self.client.post(
            reverse("attachment-upload", args=[self.report.pk]), {"bilaga-target": "bilagor"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("Välj en fil att bifoga.", response.content.decode())

    def test_a_row_of_another_report_is_refused(self) -> None:
        other_row = self.world.other_report.activity_rows.first()
        response = self.upload("rutin.pdf", files.pdf(), target=other_row.prefix)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Attachment.objects.count(), 0)
        self.assertEqual(self.stored_files(), [])

    def test_a_submitted_report_takes_no_files(self) -> None:
        type(self.report).objects.filter(pk=self.report.pk).update(state=ReportState.SUBMITTED)
        self.assert_refused(self.upload("rutin.pdf", files.pdf()), 422, "Rapporten är inskickad")


class AccessTests(AttachmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.attachment = self.attach("rutin.pdf")
        self.download = reverse("attachment-download", args=[self.report.pk, self.attachment.pk])

    def client_for(self, person) -> Client:
        client = Client()
        client.force_login(person)
        return client

    def test_download_is_an_attachment_never_sniffed_nor_cached(self) -> None:
        response = self.client.get(self.download)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="rutin.pdf"')
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(b"".join(response.streaming_content), files.pdf())

    def test_everyone_who_reads_the_report_downloads_the_file(self) -> None:
        readers = {
            "läsare": self.world.reader,
            "samordnare": self.world.coordinator,
            "stadsövergripande läsare": self.city_reader,
        }
        for role, person in readers.items():
            with self.subTest(role):
                self.assertEqual(self.client_for(person).get(self.download).status_code, 200)

    def test_another_board_gets_404_for_the_files_and_their_pages(self) -> None:
        other = self.client_for(self.world.other_reporter)
        urls = [
            self.download,
            reverse("attachment-list", args=[self.report.pk]),
            reverse("attachment-remove", args=[self.report.pk, self.attachment.pk]),
        ]
        for url in urls:
            with self.subTest(url):
                self.assertEqual(other.get(url).status_code, 404)
        self.assertEqual(other.post(urls[2]).status_code, 404)
        response = self.upload("rutin.pdf", files.pdf(), client=other)
        self.assertEqual(response.status_code, 404)
        # Nor through a report of its own: the file belongs to the report in its path.
        own_report_url = reverse(
            "attachment-download", args=[self.world.other_report.pk, self.attachment.pk]
        )
        self.assertEqual(other.get(own_report_url).status_code, 404)
        self.assertEqual(Attachment.objects.count(), 1)

    def test_reader_cannot_attach_or_remove(self) -> None:
        reader = self.client_for(self.world.reader)
        self.assertEqual(self.upload("b.pdf", files.pdf(), client=reader).status_code, 403)
        remove = reverse("attachment-remove", args=[self.report.pk, self.attachment.pk])
        self.assertEqual(reader.post(remove).status_code, 403)
        self.assertEqual(Attachment.objects.count(), 1)
        self.assertEqual(len(self.stored_files()), 1)
        page = reader.get(reverse("report-detail", args=[self.report.pk])).content.decode()
        self.assertIn("rutin.pdf", page)
        self.assertNotIn("Bifoga filen", page)
        self.assertNotIn("Ta bort<span", page)

    def test_anonymous_is_sent_to_log_in_and_gets_no_file(self) -> None:
        response = Client().get(self.download)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_the_stored_file_has_no_public_url(self) -> None:
        self.assertEqual(self.client.get(f"/media/{self.attachment.file.name}").status_code, 404)

    def test_a_file_gone_from_storage_answers_404(self) -> None:
        self.attachment.file.storage.delete(self.attachment.file.name)
        self.assertEqual(self.client.get(self.download).status_code, 404)


class RemoveTests(AttachmentTestCase):
    def test_board_removes_a_file_after_confirming_and_the_history_keeps_it(self) -> None:
        attachment = self.attach("rutin.pdf", target=self.row.prefix)
        remove = reverse("attachment-remove", args=[self.report.pk, attachment.pk])
        confirm = self.client.get(remove)
        self.assertContains(confirm, "Ta bort ”rutin.pdf”?")
        self.assertContains(confirm, "Ta bort bilagan")
        self.assertEqual(Attachment.objects.count(), 1)  # asking removes nothing
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(remove)
        self.assertRedirects(
            response,
            f"{reverse('report-detail', args=[self.report.pk])}#{self.row.prefix}",
            fetch_redirect_response=False,
        )
        self.assertEqual(Attachment.objects.count(), 0)
        self.assertEqual(self.stored_files(), [])
        history = self.client.get(reverse("report-history", args=[self.report.pk]))
        text = history.content.decode()
        self.assertEqual(text.count("Bilaga</td>"), 2)
        self.assertIn("borttagen", text)
        self.assertIn(f'#{self.row.prefix}"', text)

    def test_a_submitted_reports_files_stay(self) -> None:
        attachment = self.attach()
        type(self.report).objects.filter(pk=self.report.pk).update(state=ReportState.SUBMITTED)
        remove = reverse("attachment-remove", args=[self.report.pk, attachment.pk])
        self.assertNotContains(self.client.get(remove), "Ta bort bilagan</button>")
        response = self.client.post(remove)
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Rapporten är inskickad", status_code=422)
        self.assertEqual(Attachment.objects.count(), 1)
        self.assertEqual(len(self.stored_files()), 1)


class HtmxTests(AttachmentTestCase):
    def test_htmx_upload_swaps_the_panel_and_the_rows_list(self) -> None:
        report_page = "http://testserver" + reverse("report-detail", args=[self.report.pk])
        response = self.upload(
            "rutin.pdf",
            files.pdf(),
            target=self.row.prefix,
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL=report_page,
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<section aria-labelledby="bilagor-title"'))
        self.assertIn("✔ ”rutin.pdf” är bifogad till raden.", html)
        self.assertIn(f'id="{self.row.prefix}-bilagor" hx-swap-oob="true"', html)

    def test_a_row_saved_with_htmx_keeps_its_files_on_the_page(self) -> None:
        self.attach("rutin.pdf", target=self.row.prefix)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(
                reverse("report-row-save", args=[self.report.pk, "a", self.row.pk]),
                activity_post(self.row, progress="pagar_lopande"),
                HTTP_HX_REQUEST="true",
            )
        self.assertEqual(response.status_code, 200)
        # htmx keeps the list already on the page; the save reads no files.
        self.assertIn(
            f'<div class="row-files" id="{self.row.prefix}-bilagor" hx-preserve></div>',
            response.content.decode(),
        )
        self.assertFalse(any("attachments_attachment" in q["sql"] for q in queries))

    def test_htmx_refusal_is_told_in_the_panel(self) -> None:
        response = self.upload("sida.png", files.html(), HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 422)
        self.assertIn("Filen är en webbsida", response.content.decode())
        self.assertNotIn("<html", response.content.decode())

    def test_an_upload_without_the_csrf_token_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.world.reporter)
        response = self.upload("rutin.pdf", files.pdf(), client=client, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Attachment.objects.count(), 0)
        self.assertEqual(self.stored_files(), [])
        # With the token in the header, as htmx sends it (hx-headers on <body>).
        client.get(reverse("report-detail", args=[self.report.pk]))
        token = client.cookies["csrftoken"].value
        response = self.upload(
            "rutin.pdf", files.pdf(), client=client, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Attachment.objects.count(), 1)


class ListedTests(AttachmentTestCase):
    def page_queries(self, url: str, client: Client | None = None) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = (client or self.client).get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_report_page_and_api_cost_the_same_queries_however_many_files(self) -> None:
        page = reverse("report-detail", args=[self.report.pk])
        api = f"{reverse('api-report-list')}?board={self.report.board.slug}"
        self.attach("a.pdf")
        one = self.page_queries(page), self.page_queries(api)
        rows = list(self.report.activity_rows.order_by("pk")[:3]) + list(
            self.report.goal_rows.order_by("pk")[:2]
        )
        for row in rows:
            self.attach(f"{row.prefix}.png", files.png(), target=row.prefix)
        # One query reads all of a report's files, on the page and in the API.
        self.assertEqual((self.page_queries(page), self.page_queries(api)), one)

    def test_the_api_lists_each_rows_files_and_the_reports(self) -> None:
        whole = self.attach("verksamhetsberattelse.pdf")
        self.attach("affisch.png", files.png(), target=self.row.prefix)
        response = self.client.get(reverse("api-report-list"), {"board": self.report.board.slug})
        report = next(r for r in response.json()["results"] if r["id"] == self.report.pk)
        self.assertEqual(
            report["attachments"],
            [
                {
                    "name": "verksamhetsberattelse.pdf",
                    "size": len(files.pdf()),
                    "type": "application/pdf",
                    "type_label": "PDF",
                    "by": "rapportor",
                    "on_behalf": False,
                    "at": whole.uploaded_at.isoformat(),
                    "url": "http://testserver"
                    + reverse("attachment-download", args=[self.report.pk, whole.pk]),
                }
            ],
        )
        row = next(a for a in report["activities"] if a["activity"] == self.row.activity_id)
        self.assertEqual([a["name"] for a in row["attachments"]], ["affisch.png"])
        self.assertEqual(row["attachments"][0]["type"], "image/png")
        others = [a for a in report["activities"] if a["activity"] != self.row.activity_id]
        self.assertTrue(all(a["attachments"] == [] for a in others))

    def test_the_attachments_page_groups_files_by_row_and_preselects_a_row(self) -> None:
        self.attach("helhet.pdf")
        self.attach("rad.png", files.png(), target=self.row.prefix)
        url = reverse("attachment-list", args=[self.report.pk])
        page = self.client.get(f"{url}?rad={self.row.prefix}").content.decode()
        self.assertIn("Rapporten som helhet", page)
        self.assertLess(page.index("helhet.pdf"), page.index("rad.png"))
        self.assertIn(f'<option value="{self.row.prefix}" selected>', page)

    def test_the_report_history_lists_files_attached(self) -> None:
        self.attach("helhet.pdf")
        response = self.client.get(reverse("report-history", args=[self.report.pk]))
        self.assertContains(response, "Rapporten som helhet")
        self.assertContains(response, f"helhet.pdf ({max(1, round(len(files.pdf()) / 1024))} kB)")


class StoredNameTests(TestCase):
    def test_stored_names_are_random_and_keep_only_the_kinds_extension(self) -> None:
        from attachments.models import stored_name

        attachment = Attachment(report_id=7, kind="docx")
        names = {stored_name(attachment, "../../hemlig plan.exe") for _ in range(5)}
        self.assertEqual(len(names), 5)
        for name in names:
            self.assertTrue(name.startswith("bilagor/7/") and name.endswith(".docx"))
            self.assertNotIn("hemlig", name)
            self.assertEqual(Path(name).parent, Path("bilagor/7"))

"""Documents as PDF: the restricted fetcher, every board's styrkort (and the ZIP), the samlad
uppföljning. Each PDF is read back as a reader would: its text, pages and outline."""

import os
import re
from io import BytesIO
from typing import Any
from unittest import mock
from zipfile import ZipFile

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline

from catalog.models import Activity, Board
from followup.city import (
    city_followup_draft_create,
    city_followup_figures,
    city_followup_finalise,
    city_followup_get,
    city_followup_parts,
)
from followup.documents import city as city_documents
from followup.documents import pdf as pdf_module
from followup.documents import speedups
from followup.documents.city import city_followup_context
from followup.documents.pdf import (
    DOCUMENT_ORIGIN,
    StaticFilesFetcher,
    static_base_url,
    static_file_for_url,
)
from followup.documents.styrkort import styrkort_build, styrkort_cards, styrkort_pdf
from followup.models import CityReader, Coordinator, IndicatorOutcome, Report
from followup.services import own_item_add, report_review, report_submit
from tests.catalog_data import sodertalje_data
from tests.document_jobs import fresh_print_styles, made_document
from tests.followup_data import DISTRICT, OTHER, build_small_world, build_world, fill_report, user

SLUG = "stockholm-2021-2025"
HOSTILE = (
    '<img src="http://example.com/x.png"> '
    "<link rel=stylesheet href=file:///etc/passwd> "
    "se http://example.com/mer"
)


def pdf_text(content: bytes) -> str:
    """The PDF's text with its line breaks and spacing evened out, as a search would see it
    (a no-break space, which ties "%" to its number, reads as a space)."""
    reader = PdfReader(BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def outline_titles(content: bytes) -> list[str]:
    def flatten(entries: list) -> list[str]:
        titles = []
        for entry in entries:
            titles.extend(flatten(entry) if isinstance(entry, list) else [entry.title])
        return titles

    return flatten(PdfReader(BytesIO(content)).outline)


def embedded_font_families(content: bytes) -> set[str]:
    """The names of the fonts the PDF's pages use, each embedded in the file (subset or
    whole): a font that is only named would be looked up on the reader's machine."""
    families = set()
    for page in PdfReader(BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key.startswith("/FontFile") for key in descriptor), font["/BaseFont"]
            families.add(str(font["/BaseFont"]).split("+")[-1].rstrip(","))
    return families


def laid_out(html: str) -> Any:
    """The WeasyPrint document (pages of boxes) `pdf.html_to_pdf` would write for `html`."""
    font_config, stylesheet = pdf_module.print_styles()
    document = HTML(
        string=html,
        base_url=f"{DOCUMENT_ORIGIN}/",
        url_fetcher=StaticFilesFetcher(fail_on_errors=False),
    )
    return document.render(
        font_config=font_config, stylesheets=[stylesheet], **pdf_module.PDF_OPTIONS
    )


def page_count(content: bytes) -> int:
    return len(PdfReader(BytesIO(content)).pages)


def approve(report: Report, reporter: User, coordinator: User) -> None:
    report_submit(report=report, user=reporter, on_behalf=False)
    report_review(report=report, user=coordinator, approve=True, comment="")


class FetcherTests(SimpleTestCase):
    def test_serves_the_apps_static_files(self) -> None:
        path = static_file_for_url(f"{static_base_url()}css/print.css")
        self.assertIsNotNone(path)
        self.assertEqual(path.name, "print.css")
        response = StaticFilesFetcher().fetch(
            f"{static_base_url()}fonts/source-sans-3-latin-400-normal.woff"
        )
        self.assertTrue(response.read().startswith(b"wOFF"))

    def test_refuses_everything_else(self) -> None:
        static = static_base_url()
        for url in (
            "http://example.com/x.png",
            "https://example.com/static/css/print.css",
            "file:///etc/passwd",
            f"file://{settings.BASE_DIR}/static/css/print.css",
            "data:text/css,body{color:red}",
            f"{static}../../../etc/passwd",
            f"{static}%2e%2e/%2e%2e/etc/passwd",
            f"{static}%2Fetc%2Fpasswd",
            f"{static}css/print.css?x=1",
            f"{static}css/print.css#x",
            f"{DOCUMENT_ORIGIN}/etc/passwd",
            f"{static}",
        ):
            with self.subTest(url=url):
                self.assertIsNone(static_file_for_url(url))
                with self.assertRaises(pdf_module.RefusedURL):
                    StaticFilesFetcher().fetch(url)


class StyrkortTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="VB")
        fill_report(cls.world.report)
        approve(cls.world.report, cls.world.reporter, cls.world.coordinator)
        cls.programme = cls.world.programme
        cls.board = Board.objects.get(slug=DISTRICT)
        cls.activity = (
            Activity.objects.filter(responsibilities__board=cls.board, goal__number=1)
            .order_by("position")
            .first()
        )

    def status_url(self, board: str = DISTRICT) -> str:
        return reverse("styrkort", args=[SLUG, board])

    def commitments_url(self, board: str = DISTRICT) -> str:
        return reverse("styrkort-commitments", args=[SLUG, board])

    def test_district_boards_styrkort_shows_its_commitments_and_latest_status(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(self.status_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("no-store", response["Cache-Control"])
        content = response.content
        text = pdf_text(content)
        self.assertIn("Styrkort för Rinkeby-Kista stadsdelsnämnd", text)
        self.assertIn(self.activity.text, text)
        # The latest approved report's status and assessment, symbol and text.
        self.assertIn("Pågår löpande", text)
        self.assertIn("✔ Enligt plan", text)
        self.assertIn("Delvis uppfyllt", text)
        self.assertIn("Verksamhetsberättelse 2023 (godkänd)", text)
        self.assertIn("3 av 4 (75,0 %)", text)
        self.assertTrue(1 <= page_count(content) <= 3)
        titles = outline_titles(content)
        self.assertEqual(titles[0], "Styrkort för Rinkeby-Kista stadsdelsnämnd")
        self.assertIn("Mål 1 Stadens verksamheter arbetar våldsförebyggande", titles)

    def test_pdf_is_tagged_with_title_and_swedish_language(self) -> None:
        self.client.force_login(self.world.reader)
        reader = PdfReader(BytesIO(self.client.get(self.status_url()).content))
        # The title names the programme too: a document read alone says what it is part of.
        self.assertEqual(
            reader.metadata.title,
            "Styrkort Rinkeby-Kista stadsdelsnämnd · Program mot våld 2021–2025",
        )
        root = reader.trailer["/Root"]
        self.assertEqual(root["/Lang"], "sv")
        self.assertTrue(root["/MarkInfo"]["/Marked"])
        self.assertIn("/StructTreeRoot", root)

    def test_a_draft_is_never_shown_as_status(self) -> None:
        self.client.force_login(self.world.other_reporter)
        fill_report(self.world.other_report)  # filled, not sent in
        text = pdf_text(self.client.get(self.status_url(OTHER)).content)
        self.assertIn("nämnden har ännu inte skickat in någon rapport", text)
        self.assertNotIn("Enligt plan", text)

    def test_commitments_only_styrkort_is_public(self) -> None:
        response = self.client.get(self.commitments_url())
        self.assertEqual(response.status_code, 200)
        text = pdf_text(response.content)
        self.assertIn("Styrkort för Rinkeby-Kista stadsdelsnämnd", text)
        self.assertIn("utan uppföljning", text)
        self.assertIn(self.programme.vision, text)
        self.assertIn(self.activity.text, text)
        # The other responsible boards are named, the many district boards counted.
        self.assertIn("Socialnämnden och 12 stadsdelsnämnder", text)
        self.assertNotIn("Enligt plan", text)
        self.assertLessEqual(page_count(response.content), 3)

    def test_anonymous_is_sent_to_log_in_for_the_status(self) -> None:
        response = self.client.get(self.status_url())
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_other_boards_reporter_gets_404(self) -> None:
        self.client.force_login(self.world.other_reporter)
        self.assertEqual(self.client.get(self.status_url()).status_code, 404)
        self.assertEqual(self.client.get(self.status_url(OTHER)).status_code, 200)

    def test_coordinator_and_city_reader_read_every_boards_styrkort(self) -> None:
        analyst = user("analytiker")
        CityReader.objects.create(user=analyst, programme=self.programme)
        for person in (self.world.coordinator, analyst):
            self.client.force_login(person)
            for board in (DISTRICT, "socialnamnden"):
                with self.subTest(user=person.username, board=board):
                    self.assertEqual(self.client.get(self.status_url(board)).status_code, 200)

    def test_queries_do_not_grow_with_boards_or_periods(self) -> None:
        # The boards' roles for activities and for indicators; the programme's activities,
        # indicators, goals and the goals' prerequisites; the latest activity, indicator and
        # goal rows; the latest reports.
        for slug in (DISTRICT, OTHER, "socialnamnden"):
            board = Board.objects.get(slug=slug)
            with self.subTest(board=slug), self.assertNumQueries(10):
                styrkort_build(self.programme, board, with_status=True)
        # Without status: the first six, and the other responsible boards of the activities
        # and of the indicators (the commitments card names them).
        with self.assertNumQueries(8):
            styrkort_build(self.programme, self.board, with_status=False)

    def test_every_boards_styrkort_comes_from_one_dataset(self) -> None:
        # The ZIP's boards, all at once: the same queries as one board's.
        boards = list(Board.objects.responsible_in(self.programme))
        self.assertGreater(len(boards), 20)
        with self.assertNumQueries(10):
            cards = list(styrkort_cards(self.programme, boards, with_status=True))
        with self.assertNumQueries(8):
            catalog = list(styrkort_cards(self.programme, boards, with_status=False))
        # Each card as the board's own build makes it.
        for card in (cards[0], cards[-1], catalog[0], catalog[-1]):
            alone = styrkort_build(self.programme, card.board, with_status=card.with_status)
            self.assertEqual(
                [[(e.item.pk, e.others, e.latest) for e in g.activities] for g in card.goals],
                [[(e.item.pk, e.others, e.latest) for e in g.activities] for g in alone.goals],
            )

    def test_board_page_and_report_link_to_the_styrkort(self) -> None:
        response = self.client.get(reverse("board-detail", args=[SLUG, DISTRICT]))
        self.assertContains(response, self.commitments_url())
        self.assertNotContains(response, self.status_url())
        self.client.force_login(self.world.reader)
        response = self.client.get(reverse("report-detail", args=[self.world.report.pk]))
        self.assertContains(response, self.status_url())
        response = self.client.get(reverse("board-detail", args=[SLUG, DISTRICT]))
        self.assertContains(response, self.status_url())
        # Someone who may not read the board is not offered a link that would answer 404.
        self.client.force_login(user("utomstaende"))
        response = self.client.get(reverse("board-detail", args=[SLUG, DISTRICT]))
        self.assertContains(response, self.commitments_url())
        self.assertNotContains(response, self.status_url())


class StyrkortZipTests(TestCase):
    """The ZIP on a small programme of two boards (Södertälje's shape), to keep it quick."""

    @classmethod
    def setUpTestData(cls) -> None:
        from catalog.services import programme_load

        cls.programme, _ = programme_load(data=sodertalje_data())
        cls.coordinator = user("samordnare")
        Coordinator.objects.create(user=cls.coordinator, programme=cls.programme)
        cls.reporter = user("rapportor", **{"sodertalje-socialnamnden": "rapportor"})

    def zip_url(self, variant: str = "status") -> str:
        return reverse("styrkort-zip", args=[self.programme.slug, variant])

    def test_a_styrkort_of_one_prevention_level_keeps_only_that_levels_measures(self) -> None:
        url = reverse(
            "styrkort-commitments", args=[self.programme.slug, "sodertalje-socialnamnden"]
        )
        measure = "Genomföra våldsförebyggande program i skolan."
        universal = self.client.get(url, {"niva": "universell"})
        self.assertEqual(universal.status_code, 200)
        self.assertIn("-ataganden-universell.pdf", universal["Content-Disposition"])
        self.assertIn(measure, pdf_text(universal.content))
        indicated = self.client.get(url, {"niva": "indikerad"})
        text = pdf_text(indicated.content)
        self.assertNotIn(measure, text)
        self.assertIn("indikerad prevention", text)
        self.assertEqual(self.client.get(url, {"niva": "allt"}).status_code, 404)

    def test_the_styrkort_list_offers_the_levels_where_the_programme_has_them(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("styrkort-list"), {"niva": "selektiv"})
        self.assertContains(response, '<label for="niva-')
        self.assertContains(response, '<option value="selektiv" selected>Selektiv</option>')
        board = reverse("styrkort", args=[self.programme.slug, "sodertalje-socialnamnden"])
        self.assertContains(response, f'href="{board}?niva=selektiv"')
        self.assertEqual(self.client.get(reverse("styrkort-list"), {"niva": "x"}).status_code, 404)

    def test_zip_holds_one_styrkort_per_board_with_commitments(self) -> None:
        self.client.force_login(self.coordinator)
        response = made_document(self, self.client, self.zip_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        archive = ZipFile(BytesIO(response.content))
        self.assertEqual(
            sorted(archive.namelist()),
            [
                "styrkort-sodertalje-barn-och-utbildningsnamnden.pdf",
                "styrkort-sodertalje-socialnamnden.pdf",
            ],
        )
        text = pdf_text(archive.read("styrkort-sodertalje-socialnamnden.pdf"))
        self.assertIn("Styrkort för Socialnämnden", text)
        self.assertIn("Genomföra våldsförebyggande program i skolan.", text)
        self.assertIn("medansvarig", text)
        # The other responsible board is named on the commitments card (the status card
        # leaves the other boards out, to keep to three pages with its summary).
        board = Board.objects.get(slug="sodertalje-socialnamnden")
        catalog = styrkort_build(self.programme, board, with_status=False)
        self.assertIn("Barn- och utbildningsnämnden", pdf_text(styrkort_pdf(catalog)))

    def test_commitments_only_zip(self) -> None:
        self.client.force_login(self.coordinator)
        response = made_document(self, self.client, self.zip_url("ataganden"))
        archive = ZipFile(BytesIO(response.content))
        self.assertEqual(len(archive.namelist()), len(Board.objects.responsible_in(self.programme)))
        self.assertTrue(all(name.endswith("-ataganden.pdf") for name in archive.namelist()))

    def test_zip_and_list_are_for_city_wide_readers_only(self) -> None:
        self.client.force_login(self.reporter)
        self.assertEqual(self.client.get(self.zip_url()).status_code, 404)
        self.assertEqual(self.client.get(reverse("styrkort-list")).status_code, 404)
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("styrkort-list"))
        self.assertContains(response, self.zip_url())
        self.assertContains(
            response, reverse("styrkort", args=[self.programme.slug, "sodertalje-socialnamnden"])
        )
        self.assertContains(self.client.get(reverse("start")), reverse("styrkort-list"))


class CityFollowupPdfTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="VB")
        for report, reporter in (
            (cls.world.report, cls.world.reporter),
            (cls.world.other_report, cls.world.other_reporter),
        ):
            fill_report(report)
            approve(report, reporter, cls.world.coordinator)
        followup = city_followup_draft_create(programme=cls.world.programme, year=2023)
        followup.narrative = "Året präglades av ökad samverkan."
        followup.save()
        for part in followup.goals.select_related("goal"):
            part.narrative = f"Bedömning av mål {part.goal.number}: åtgärderna går framåt."
            part.save()
        cls.followup = followup

    def url(self) -> str:
        return reverse("city-followup-pdf", args=[SLUG, 2023])

    def test_pdf_has_cover_contents_narratives_figures_and_appendix(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = made_document(self, self.client, self.url())
        self.assertEqual(response.status_code, 200)
        content = response.content
        text = pdf_text(content)
        self.assertIn("Samlad uppföljning 2023", text)
        self.assertIn("Innehåll", text)
        self.assertIn("Utkast", text)
        self.assertIn("Året präglades av ökad samverkan.", text)
        self.assertIn("Bedömning av mål 4: åtgärderna går framåt.", text)
        self.assertIn("2 av 23 nämnder har rapporterat", text)
        # Both district boards reported 3 of 4 on the share indicators: 6 of 8 city-wide.
        self.assertIn("6 av 8 (75,0 %)", text)
        self.assertIn("Delvis på plats.", text)
        self.assertIn("Bilaga: nämndernas siffror", text)
        self.assertIn("Farsta stadsdelsnämnd", text)
        titles = outline_titles(content)
        for title in (
            "Samlad bedömning",
            "Mål 1 Stadens verksamheter arbetar våldsförebyggande",
            "Bilaga: nämndernas siffror",
            "Rinkeby-Kista stadsdelsnämnd",
        ):
            self.assertIn(title, titles)
        # The contents give page numbers: "Samlad bedömning ..... 3".
        self.assertRegex(text, r"Samlad bedömning[ .]*\d+")

    def test_appendix_tables_have_the_column_widths_of_print_css(self) -> None:
        """A fixed table takes its columns from its first row; the appendix's is its title
        across them all, so the widths come from its <col>s: a narrow goal column, wide
        text and comment columns, not five equal ones."""
        htmls: list[str] = []
        original = city_documents.html_to_pdf_in_two

        def keep(html: str) -> bytes:
            htmls.append(html)
            return original(html)

        self.client.force_login(self.world.coordinator)
        with mock.patch.object(city_documents, "html_to_pdf_in_two", keep):
            made_document(self, self.client, self.url())
        document = laid_out(htmls[-1])
        widths = {
            len(table.column_widths): [round(w / table.width, 2) for w in table.column_widths]
            for page in document.pages
            for table in page._page_box.descendants()
            if isinstance(table, boxes.TableBox)
            and "board-values" in (table.element.get("class") or "")
        }
        self.assertEqual(widths[5], [0.06, 0.34, 0.16, 0.1, 0.34])  # indicators
        self.assertEqual(widths[3][:2], [0.06, 0.22])  # fulfilment, then the analysis

    def test_final_document_keeps_its_frozen_figures(self) -> None:
        city_followup_finalise(followup=self.followup, user=self.world.coordinator)
        IndicatorOutcome.objects.filter(report=self.world.report, denominator=4).update(numerator=1)
        self.client.force_login(self.world.coordinator)
        text = pdf_text(made_document(self, self.client, self.url()).content)
        self.assertIn("6 av 8 (75,0 %)", text)
        self.assertIn("Slutlig sedan", text)

    def html(self) -> str:
        """The document's HTML, without WeasyPrint's layout (the PDF renders this)."""
        followup = city_followup_get(programme=self.world.programme, year=2023)
        context = city_followup_context(
            followup, city_followup_figures(followup), city_followup_parts(followup), {}
        )
        return render_to_string(city_documents.TEMPLATE, context)

    def test_up_to_the_threshold_it_quotes_every_board(self) -> None:
        analysed = {self.world.report.board.name, self.world.other_report.board.name}
        for threshold in (100, 23):  # the default, and exactly Stockholm's 23 boards
            with (
                self.subTest(threshold=threshold),
                self.settings(CITY_FOLLOWUP_PDF_BOARDS=threshold),
            ):
                html = self.html()
                self.assertEqual(html.count('<section id="bilaga-'), 23)
                self.assertEqual(html.count('<div class="analysis">'), 7 * len(analysed))
                self.assertNotIn('class="rest"', html)
                self.assertNotIn('class="meta rest"', html)

    @override_settings(CITY_FOLLOWUP_PDF_BOARDS=1, SITE_URL="https://uppfoljning.example.se")
    def test_beyond_the_threshold_it_quotes_that_many_and_says_where_the_rest_is(self) -> None:
        html = self.html()
        self.assertEqual(html.count('<section id="bilaga-'), 1)
        self.assertEqual(html.count('<div class="analysis">'), 7)  # one a goal, of two
        page = "https://uppfoljning.example.se" + reverse("city-followup", args=[SLUG, 2023])
        export = "https://uppfoljning.example.se" + reverse("city-export", args=[SLUG, 2023])
        self.assertIn("Bilagan visar de första 1 av 23 nämnderna, i bokstavsordning.", html)
        self.assertIn(f'<a href="{page}">{page}</a>', html)
        self.assertIn(f'<a href="{export}">{export}</a>', html)
        self.assertIn("Här står de första 1 av 2 analyserna.", html)
        self.assertIn(f'<a href="{page}#mal1">{page}</a>', html)
        self.assertEqual(html.count('class="meta rest"'), 7)

    def test_only_city_wide_readers_get_it(self) -> None:
        self.client.force_login(self.world.reporter)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)


class HostileTextTests(TestCase):
    """User text with markup or URLs is shown as text, and makes the renderer fetch nothing."""

    @classmethod
    def setUpTestData(cls) -> None:
        # Any catalog will do: the small one keeps each PDF a few pages long.
        cls.world = build_small_world(year=2023, kind="VB")
        cls.slug = cls.world.programme.slug
        report = cls.world.report
        own_item_add(report=report, goal=cls.world.programme.goals.get(number=1), text=HOSTILE)
        fill_report(report)
        report.indicator_rows.update(comment=HOSTILE)
        report.goal_rows.update(analysis=HOSTILE)
        approve(report, cls.world.reporter, cls.world.coordinator)
        followup = city_followup_draft_create(programme=cls.world.programme, year=2023)
        followup.narrative = HOSTILE
        followup.save()

    def fetched(self, url: str) -> tuple[bytes, list[str]]:
        with (
            fresh_print_styles(),
            mock.patch.object(
                StaticFilesFetcher, "fetch", autospec=True, side_effect=StaticFilesFetcher.fetch
            ) as fetch,
        ):
            response = self.client.get(url) if url.endswith("styrkort.pdf") else None
            response = response or made_document(self, self.client, url)
        self.assertEqual(response.status_code, 200)
        return response.content, [call.args[1] for call in fetch.call_args_list]

    def assert_harmless(self, content: bytes, urls: list[str]) -> None:
        static = static_base_url()
        self.assertTrue(urls)  # the stylesheet and fonts
        for url in urls:
            self.assertTrue(url.startswith(static), url)
            self.assertNotIn("example.com", url)
            self.assertNotIn("passwd", url)
        text = pdf_text(content)
        self.assertIn('<img src="http://example.com/x.png">', text)
        self.assertIn("<link rel=stylesheet href=file:///etc/passwd>", text)

    def test_styrkort_shows_markup_as_text_and_fetches_nothing_else(self) -> None:
        self.client.force_login(self.world.reporter)
        board = self.world.report.board.slug
        content, urls = self.fetched(reverse("styrkort", args=[self.slug, board]))
        self.assert_harmless(content, urls)

    def test_samlad_uppfoljning_shows_markup_as_text_and_fetches_nothing_else(self) -> None:
        self.client.force_login(self.world.coordinator)
        content, urls = self.fetched(reverse("city-followup-pdf", args=[self.slug, 2023]))
        self.assert_harmless(content, urls)
        # The narrative, an analysis and an indicator comment: three times, each as text.
        self.assertGreaterEqual(pdf_text(content).count("se http://example.com/mer"), 3)


class SpeedupTests(SimpleTestCase):
    """followup/documents/speedups.py: what it mends in pydyf and tinyhtml5 stays mended."""

    def test_pdf_streams_are_compressed_at_zlibs_default_level_not_its_slowest(self) -> None:
        import zlib

        import pydyf

        rows = (b"BT /F1 9 Tf %d 700 Td (Rad %d, styrkort) Tj ET" % (n, n) for n in range(3000))
        content = b"\n".join(rows)
        self.assertNotEqual(zlib.compress(content, 6), zlib.compress(content, 9))
        stream = pydyf.Stream([content], compress=True).data
        self.assertIn(zlib.compress(content, speedups.FLATE_LEVEL), stream)
        self.assertEqual(speedups.FLATE_LEVEL, 6)

    def test_the_html_parser_keeps_each_scanning_expression_it_builds(self) -> None:
        import tinyhtml5
        from tinyhtml5 import inputstream

        html = "<p class=\"a\">Text &amp; mer</p><p title='b'>Å ä ö</p>" * 50
        tinyhtml5.parse(html)
        patterns = dict(inputstream.characters_until_regex)
        # Under the characters scanned up to, as tinyhtml5 looks them up; not under themselves.
        self.assertFalse(any(isinstance(key[0], re.Pattern) for key in patterns))
        text_up_to = patterns[(("&", "<", "\u0000"), False)]
        self.assertEqual(text_up_to.pattern, "[^\\x26\\x3c\\x00]+")
        tinyhtml5.parse(html)  # nothing new is built the second time
        self.assertEqual(dict(inputstream.characters_until_regex), patterns)

    def test_a_leaders_dots_are_one_text_box_where_the_dots_were(self) -> None:
        """The contents' dots (print.css `.toc`): one text box of as many dots, beginning
        where WeasyPrint put the first, as wide as all of them; the page numbers unmoved."""
        html = (
            '<html lang="sv"><head><title>Prov</title></head><body><nav class="toc"><ol>'
            '<li><a href="#a">Samlad bedömning</a></li><li><a href="#b">Mål 1 Stadens '
            "verksamheter arbetar våldsförebyggande</a></li></ol></nav>"
            '<h1 id="a" class="break-before">A</h1><h1 id="b" class="break-before">B</h1>'
            "</body></html>"
        )

        def leaders(document: Any) -> list[list[Any]]:
            return [
                [child for child in box.children if isinstance(child, boxes.TextBox)]
                for box in document.pages[0]._page_box.descendants()
                if getattr(box, "is_leader", False)
            ]

        def page_numbers(document: Any) -> list[tuple[str, float]]:
            return [
                (box.text, box.position_x)
                for box in document.pages[0]._page_box.descendants()
                if isinstance(box, boxes.TextBox) and box.text.strip().isdigit()
            ]

        merged = laid_out(html)
        with mock.patch.object(inline, "handle_leader", speedups._handle_leader_original):
            one_a_dot = laid_out(html)
        self.assertEqual(len(leaders(merged)), 2)
        for (run,), dots in zip(leaders(merged), leaders(one_a_dot), strict=True):
            self.assertGreater(len(dots), 10)
            self.assertEqual(run.text, "." * len(dots))
            self.assertAlmostEqual(run.position_x, min(dot.position_x for dot in dots))
            self.assertAlmostEqual(run.width, sum(dot.width for dot in dots))
            self.assertEqual(run.position_y, dots[0].position_y)
        self.assertEqual(page_numbers(merged), page_numbers(one_a_dot))
        self.assertEqual([text for text, _ in page_numbers(merged)], [" 2", " 3"])


class RenderTests(SimpleTestCase):
    def test_data_urls_are_refused_even_from_a_template(self) -> None:
        calls: list[str] = []
        original = StaticFilesFetcher.fetch

        def spy(self: StaticFilesFetcher, url: str, headers: object = None) -> object:
            calls.append(url)
            return original(self, url, headers)

        html = (
            '<html lang="sv"><head><title>Prov</title></head><body><p>Å ä ö</p>'
            '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22/>">'
            '<img src="http://example.com/x.png"></body></html>'
        )
        pdf_module.print_styles()  # the print stylesheet and fonts, parsed before the spy
        with mock.patch.object(StaticFilesFetcher, "fetch", spy):
            content = pdf_module.html_to_pdf(html)
        self.assertIn("Å ä ö", pdf_text(content))
        # Both images were asked for, and both refused: the text is there, nothing else.
        self.assertEqual(len(calls), 2)
        self.assertTrue(all(static_file_for_url(url) is None for url in calls))

    def test_print_stylesheet_is_parsed_once_and_again_when_it_changes(self) -> None:
        """A ZIP of every styrkort parses print.css and its fonts once, not once a board;
        every document still comes out in the vendored fonts with its running header."""
        html = (
            '<html lang="sv"><head><title>Prov</title></head>'
            "<body><h1>Rubrik</h1><p>Text, <em>kursiv</em> ✔</p></body></html>"
        )
        calls: list[str] = []
        original = StaticFilesFetcher.fetch

        def spy(self: StaticFilesFetcher, url: str, headers: object = None) -> object:
            calls.append(url)
            return original(self, url, headers)

        stylesheet = static_file_for_url(f"{static_base_url()}css/print.css")
        assert stylesheet is not None
        with fresh_print_styles(), mock.patch.object(StaticFilesFetcher, "fetch", spy):
            first = pdf_module.html_to_pdf(html)
            fetched_first = len(calls)
            second = pdf_module.html_to_pdf(html)
            fetched_second = len(calls) - fetched_first
            # A new print.css (a deploy, an edit in development) is read again.
            stat = stylesheet.stat()
            os.utime(stylesheet, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
            try:
                pdf_module.html_to_pdf(html)
            finally:
                os.utime(stylesheet, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        fetched_third = len(calls) - fetched_first - fetched_second
        # print.css and its fonts the first time; nothing the second; all again after a change.
        self.assertGreaterEqual(fetched_first, 4)
        self.assertEqual(fetched_second, 0)
        self.assertEqual(fetched_third, fetched_first)
        for content in (first, second):
            self.assertIn("Sida 1 av 1", pdf_text(content))
            self.assertEqual(
                embedded_font_families(content),
                {"Source-Sans-3", "Source-Sans-3-Bold", "Source-Sans-3-Italic", "Dokumentsymboler"},
            )

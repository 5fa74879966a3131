"""The samlad uppföljning and the halvtidsrapport made in two processes at once
(followup/documents/split.py) are the documents one process makes: the same pages, text, page
numbers and contents, the same structure tree, bookmarks and links; and when the second process
fails, or cannot be forked, the document is made in one."""

import os
from io import BytesIO
from typing import Any, ClassVar
from unittest import mock

import pikepdf
from django.test import TestCase, override_settings
from pypdf import PdfReader

from followup.city import city_followup_draft_create
from followup.documents import city as city_documents
from followup.documents import jobs, parallel, split
from followup.documents.pdf import html_to_pdf
from followup.models import Report, ReportingPeriod
from followup.services import period_open
from tests.followup_data import DISTRICT, OTHER, build_world, fill_report
from tests.test_documents import approve
from tests.test_pdf_structure import struct_elements


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]


def reading(content: bytes) -> dict[str, Any]:
    """What a reader or an assistive technology meets in a PDF, with pages as numbers."""
    with pikepdf.open(BytesIO(content)) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}

        def target(destination: Any) -> tuple[int, float]:
            return pages[destination[0].objgen], round(float(destination[3]), 1)

        dests = {
            str(name): target(value)
            for name, value in pikepdf.NameTree(pdf.Root.Names.Dests).items()
        }
        with pdf.open_outline() as outline:

            def items(level: list[Any], depth: int) -> list[Any]:
                found = []
                for item in level:
                    found.append((depth, item.title, target(item.destination)))
                    found += items(item.children, depth + 1)
                return found

            bookmarks = items(outline.root, 0)
        links = [
            (number, dests[str(annotation.Dest)])
            for number, page in enumerate(pdf.pages)
            for annotation in page.obj.get("/Annots", [])
        ]
        elements = struct_elements(pdf)
        ids = [bytes(element.ID) for element in elements if "/ID" in element]
        named = {
            bytes(header)
            for element in elements
            for attributes in (
                element.A if isinstance(element.get("/A"), pikepdf.Array) else [element.get("/A")]
            )
            if isinstance(attributes, pikepdf.Dictionary)
            for header in attributes.get("/Headers", [])
        }
        return {
            "title": str(pdf.docinfo["/Title"]),
            "lang": str(pdf.Root.Lang),
            "structure": [str(element.S) for element in elements],
            "bookmarks": bookmarks,
            "links": links,
            "dests": dests,
            "ids_unique": len(ids) == len(set(ids)),
            "headers_known": named <= set(ids),
            "page_keys": [int(page.obj.StructParents) for page in pdf.pages],
        }


class SplitTests(TestCase):
    """The samlad uppföljning; `MidtermSplitTests` runs the same tests on the halvtidsrapport."""

    # A section in the second part, named in the contents, and an id in the first part.
    later_section = "Bilaga: nämndernas siffror"
    first_id = "helhet"
    html: ClassVar[str]
    one: ClassVar[bytes]
    two: ClassVar[bytes]

    @classmethod
    def document_html(cls, world: Any) -> str:
        """The document's HTML, as the task makes it."""
        followup = city_followup_draft_create(programme=world.programme, year=2023)
        made: list[str] = []
        with mock.patch.object(
            city_documents, "html_to_pdf_in_two", lambda html: made.append(html) or b""
        ):
            jobs.city_followup_pdf_bytes(followup)
        return made[0]

    @classmethod
    def setUpTestData(cls) -> None:
        world = build_world(year=2023, kind="VB")
        before = ReportingPeriod.objects.get(programme=world.programme, year=2022, kind="VB")
        period_open(period=before)
        for period in (before, world.period):
            for slug, reporter in ((DISTRICT, world.reporter), (OTHER, world.other_reporter)):
                report = Report.objects.get(period=period, board__slug=slug)
                fill_report(report)
                approve(report, reporter, world.coordinator)
        cls.html = cls.document_html(world)
        cls.one = html_to_pdf(cls.html)
        # The test run's OpenID provider (tests/oidc.py) waits in a thread of its own once an
        # SSO test has started it; as `db_worker`, this process is otherwise single-threaded.
        only_thread = mock.patch.object(parallel.threading, "active_count", lambda: 1)
        with only_thread, mock.patch.object(split, "_in_two", wraps=split._in_two) as in_two:
            cls.two = split.html_to_pdf_in_two(cls.html)
        assert in_two.called, "made in two processes"

    def setUp(self) -> None:
        only_thread = mock.patch.object(parallel.threading, "active_count", lambda: 1)
        only_thread.start()
        self.addCleanup(only_thread.stop)

    def test_the_same_pages_and_text_with_the_page_numbers_and_contents(self) -> None:
        one, two = page_texts(self.one), page_texts(self.two)
        self.assertGreater(len(one), 3)
        self.assertEqual(two, one)
        # The contents names the later section's page, and every page says "Sida N av M".
        later = next(
            number for number, text in enumerate(two[2:], start=3) if self.later_section in text
        )
        self.assertGreater(later, 3)
        self.assertRegex(two[1], rf"{self.later_section} \.+ {later}\n")
        for number, text in enumerate(two[1:], start=2):
            self.assertIn(f"Sida {number} av {len(two)}", text)

    def test_the_same_structure_bookmarks_and_links(self) -> None:
        one, two = reading(self.one), reading(self.two)
        self.assertEqual(two, one)
        self.assertTrue(two["ids_unique"])
        self.assertTrue(two["headers_known"])
        self.assertEqual(two["page_keys"], list(range(len(two["page_keys"]))))
        self.assertTrue(any(self.later_section in title for _, title, _ in two["bookmarks"]))

    def test_when_the_second_process_dies_the_document_is_made_here(self) -> None:
        with (
            mock.patch.object(parallel, "start_worker", lambda: os._exit(3)),
            self.assertLogs("followup.documents.split", "WARNING"),
        ):
            content = split.html_to_pdf_in_two(self.html)
        self.assertEqual(page_texts(content), page_texts(self.one))

    def test_one_process_where_forking_is_not_safe_or_one_is_configured(self) -> None:
        never = mock.patch.object(split.multiprocessing, "Pipe", side_effect=AssertionError)
        with never, mock.patch.object(parallel.threading, "active_count", lambda: 2):
            self.assertEqual(page_texts(split.html_to_pdf_in_two(self.html)), page_texts(self.one))
        with never, override_settings(DOCUMENT_RENDER_PROCESSES=1):
            self.assertEqual(page_texts(split.html_to_pdf_in_two(self.html)), page_texts(self.one))
        # A document without the marks is one document, and so is one whose second part
        # links back to the first (only the first's links to the second are traded).
        self.assertIsNotNone(split.split_html(self.html))
        unmarked = self.html.replace(split.SECOND_PART, "")
        self.assertIsNone(split.split_html(unmarked))
        back = self.html.replace(
            "</body>", f'<p><a href="#{self.first_id}">Tillbaka</a></p></body>'
        )
        self.assertIsNone(split.split_html(back))


class MidtermSplitTests(SplitTests):
    """The halvtidsrapport, split before a later goal or "Där mer stöd behövs"."""

    later_section = "Där mer stöd behövs"
    first_id = "sammanfattning"

    @classmethod
    def document_html(cls, world: Any) -> str:
        made: list[str] = []
        with mock.patch.object(split, "html_to_pdf_in_two", lambda html: made.append(html) or b""):
            jobs.midterm_pdf_bytes(world.programme, 2023)
        return made[0]

"""The documents' PDF structure, read back with pikepdf as an assistive technology or a PDF/UA
checker would (no full PDF/UA validator can be installed here, see REFERENCES.md): language,
title, tags, headings in order, table headers linked to their cells, figures with alt text,
fonts embedded, an outline, and the running header and page numbers as artifacts, not content.
Then the text as a reader sees it: "Utkast" on every page of a draft, "1 nämnd", never a "%"
alone at the start of a line, and who issued the document."""

import itertools
import re
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar

import pikepdf
from django.test import SimpleTestCase, TestCase, override_settings
from pypdf import PdfReader

from catalog.models import Board, Programme
from followup.access import ProgrammeAccess
from followup.city import city_followup_draft_create
from followup.documents import jobs
from followup.documents.issuer import document_issuer, logo_file_for_url
from followup.documents.pdf import DOCUMENT_ORIGIN, render_pdf
from followup.documents.styrkort import styrkort_build, styrkort_pdf
from followup.models import DocumentKind, GeneratedDocument, Report, ReportingPeriod
from followup.numbers import number_text, percent_text
from followup.rollup import Completeness
from followup.services import period_open
from followup.views.midterm import document_context
from tests.followup_data import DISTRICT, OTHER, build_world, fill_report
from tests.test_documents import approve

HEADING = re.compile(r"/H([1-6])$")
# A tiny PNG (1×1, opaque), the operator's logo in the logo tests.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082"
)


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the StructTreeRoot, in reading order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: Any) -> None:
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def attributes(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    value = element.get("/A")
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def marked_content(page: pikepdf.Page) -> tuple[set[int], int]:
    """The MCIDs of the page's tagged text, and how many text objects are drawn inside a
    Pagination artifact."""
    mcids: set[int] = set()
    pagination_text = 0
    stack: list[str] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            properties = operands[1] if op == "BDC" else None
            if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                mcids.add(int(properties.MCID))
            is_pagination = (
                tag == "/Artifact"
                and isinstance(properties, pikepdf.Dictionary)
                and properties.get("/Type") == "/Pagination"
            )
            stack.append("pagination" if is_pagination else tag)
        elif op == "EMC" and stack:
            stack.pop()
        elif op == "BT" and "pagination" in stack:
            pagination_text += 1
    return mcids, pagination_text


def page_lines(content: bytes) -> list[list[str]]:
    return [page.extract_text().splitlines() for page in PdfReader(BytesIO(content)).pages]


class Documents:
    """The three documents of one world, made once: a district board's styrkort, the draft
    samlad uppföljning 2023 (with 2022 before it) and the halvtidsrapport 2023."""

    styrkort: ClassVar[bytes]
    samlad: ClassVar[bytes]
    halvtid: ClassVar[bytes]


class PdfStructureTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        world = build_world(year=2023, kind="VB")
        programme = world.programme
        before = ReportingPeriod.objects.get(programme=programme, year=2022, kind="VB")
        period_open(period=before)
        for period in (before, world.period):
            for slug, reporter in ((DISTRICT, world.reporter), (OTHER, world.other_reporter)):
                report = Report.objects.get(period=period, board__slug=slug)
                fill_report(report)
                approve(report, reporter, world.coordinator)
        followup = city_followup_draft_create(programme=programme, year=2023)
        followup.narrative = "Året präglades av ökad samverkan."
        followup.save()
        board = Board.objects.get(slug=DISTRICT)
        Documents.styrkort = styrkort_pdf(styrkort_build(programme, board, with_status=True))
        out = BytesIO()
        job = GeneratedDocument(programme=programme, kind=DocumentKind.CITY_FOLLOWUP, year=2023)
        jobs._make_city_followup(job, out, lambda done, total: None)
        Documents.samlad = out.getvalue()
        context = document_context(
            ProgrammeAccess(programme=programme, can_write=False), 2023, for_print=True
        )
        Documents.halvtid = render_pdf("documents/midterm.html", context)
        cls.programme = programme

    def documents(self) -> dict[str, bytes]:
        return {
            "styrkort": Documents.styrkort,
            "samlad": Documents.samlad,
            "halvtid": Documents.halvtid,
        }

    def each(self) -> Any:
        for name, content in self.documents().items():
            with self.subTest(document=name), pikepdf.open(BytesIO(content)) as pdf:
                yield name, content, pdf

    def test_language_title_and_marked(self) -> None:
        for _, _, pdf in self.each():
            self.assertEqual(str(pdf.Root.Lang), "sv")
            self.assertTrue(bool(pdf.Root.MarkInfo.Marked))
            self.assertTrue(bool(pdf.Root.ViewerPreferences.DisplayDocTitle))
            title = str(pdf.docinfo["/Title"])
            # Every document's title names the programme.
            self.assertIn(self.programme.short_name, title)
            with pdf.open_metadata() as meta:
                self.assertEqual(meta.get("dc:title"), title)
                self.assertEqual(meta.get("pdfuaid:part"), "1")
            for page in pdf.pages:
                self.assertEqual(page.obj.get("/Tabs"), "/S")

    def test_tagged_with_headings_in_order(self) -> None:
        for name, _, pdf in self.each():
            self.assertIn("/StructTreeRoot", pdf.Root)
            levels = [
                int(match.group(1))
                for element in struct_elements(pdf)
                if (match := HEADING.match(str(element.S)))
            ]
            self.assertGreater(len(levels), 3)
            self.assertEqual(levels[0], 1, name)
            for previous, level in itertools.pairwise(levels):
                self.assertLessEqual(level, previous + 1, f"{name}: H{previous} → H{level}")

    def test_every_table_header_is_linked_to_its_cells(self) -> None:
        for name, _, pdf in self.each():
            elements = struct_elements(pdf)
            headers = [e for e in elements if e.S == "/TH"]
            cells = [e for e in elements if e.S == "/TD"]
            self.assertTrue(headers and cells)
            header_ids = {bytes(e.ID) for e in headers if "/ID" in e}
            for header in headers:
                linked = any("/Scope" in a or "/Headers" in a for a in attributes(header))
                self.assertTrue(linked or "/ID" in header, f"{name}: TH without scope or id")
            for cell in cells:
                named = [bytes(h) for a in attributes(cell) for h in a.get("/Headers", [])]
                self.assertTrue(named, f"{name}: a data cell linked to no header")
                self.assertTrue(set(named) <= header_ids, f"{name}: headers to no TH")

    def test_figures_have_alt_text(self) -> None:
        for name, _, pdf in self.each():
            figures = [e for e in struct_elements(pdf) if e.S == "/Figure"]
            if name != "styrkort":  # the charts
                self.assertTrue(figures, name)
            for figure in figures:
                self.assertTrue(str(figure.get("/Alt", "")).strip(), name)

    def test_every_font_is_embedded(self) -> None:
        for name, _, pdf in self.each():
            for page in pdf.pages:
                for font in page.Resources.Font.values():
                    described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                    descriptor = described.FontDescriptor
                    self.assertTrue(
                        any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")),
                        f"{name}: {font.BaseFont} is not embedded",
                    )

    def test_outline(self) -> None:
        for _, _, pdf in self.each():
            with pdf.open_outline() as outline:
                self.assertGreater(len(outline.root), 0)

    def test_running_header_and_page_numbers_are_artifacts(self) -> None:
        for name, _, pdf in self.each():
            tree = pdf.Root.StructTreeRoot.ParentTree.Nums
            reachable = {e.objgen for e in struct_elements(pdf)}
            for number, page in enumerate(pdf.pages):
                mcids, pagination_text = marked_content(page)
                if number > 0 or name == "styrkort" or name == "samlad":
                    # Header and page number: at least one text object each in an artifact
                    # (the cover of a final document has neither).
                    self.assertGreaterEqual(pagination_text, 1, f"{name}, page {number + 1}")
                mapping = tree[2 * number + 1]
                for mcid in mcids:
                    # Every piece of tagged text belongs to an element of the tree: none is
                    # left marked but outside it, as margin boxes were.
                    self.assertIn(mapping[mcid].objgen, reachable, f"{name}: orphan MCID")

    def test_a_draft_says_utkast_on_every_page(self) -> None:
        for name in ("samlad", "halvtid"):
            for number, lines in enumerate(page_lines(self.documents()[name]), start=1):
                with self.subTest(document=name, page=number):
                    self.assertTrue(any("UTKAST" in line.upper() for line in lines))

    def test_percent_never_starts_a_line_and_thousands_are_grouped(self) -> None:
        for name, content in self.documents().items():
            for lines in page_lines(content):
                for line in lines:
                    self.assertFalse(line.lstrip().startswith("%"), f"{name}: {line!r}")
            self.assertNotIn("1 av 1 nämnder", " ".join(map(" ".join, page_lines(content))))

    def test_one_board_reads_1_namnd(self) -> None:
        text = " ".join(" ".join(lines) for lines in page_lines(Documents.halvtid))
        # "Antal unga som får stöd … Stödcentrum" has one responsible board.
        self.assertIn("0 av 1 nämnd", text)
        self.assertNotIn("av 1 nämnder", text)

    def test_the_samlad_compares_with_the_year_before(self) -> None:
        text = " ".join(" ".join(lines) for lines in page_lines(Documents.samlad))
        self.assertIn("Föregående år", text)
        self.assertIn("Föregående år: verksamhetsberättelse 2022, 2 av 23 nämnder", text)

    def test_empty_sections_are_named_once(self) -> None:
        text = " ".join(" ".join(lines) for lines in page_lines(Documents.halvtid))
        self.assertNotIn("Samordnaren har inte skrivit det här avsnittet ännu.", text)
        self.assertEqual(text.count("Samordnaren har ännu inte skrivit avsnitten"), 1)
        samlad = " ".join(" ".join(lines) for lines in page_lines(Documents.samlad))
        self.assertEqual(samlad.count("Ännu inte skrivet av samordnaren"), 1)
        self.assertNotIn("Ingen bedömning är skriven", samlad)

    def test_who_issued_it(self) -> None:
        for name, content in self.documents().items():
            text = " ".join(" ".join(lines) for lines in page_lines(content))
            with self.subTest(document=name):
                self.assertIn("Utfärdat av Socialförvaltningen, Stockholms stad", text)
                self.assertIn("dnr KS 2020/924", text)

    def test_the_styrkort_begins_with_a_summary(self) -> None:
        first = " ".join(page_lines(Documents.styrkort)[0])
        summary = first[first.index("Sammanfattning") :]
        self.assertIn("Aktiviteter efter bedömning", summary)
        self.assertIn("✔ Enligt plan: 5", summary)  # goal 1's five activities
        self.assertIn("Indikatorer mot målvärde", summary)
        self.assertIn("◐ Delvis uppfyllt", summary)
        self.assertLess(summary.index("Sammanfattning"), summary.index("Mål 1 Stadens"))
        self.assertLessEqual(len(page_lines(Documents.styrkort)), 3)


class NumbersTests(SimpleTestCase):
    def test_a_number_is_never_broken(self) -> None:
        self.assertEqual(number_text(1028), "1\u00a0028")
        self.assertEqual(number_text(1234567), "1\u00a0234\u00a0567")
        self.assertEqual(number_text(-12345.5), "-12\u00a0345,5")
        self.assertEqual(number_text(999), "999")
        self.assertEqual(percent_text(59.84), "59,8\u00a0%")
        self.assertEqual(percent_text(None), "–")

    def test_one_board_in_the_singular(self) -> None:
        self.assertEqual(Completeness(1, 1).describe("nämnder"), "1 nämnd")
        self.assertEqual(Completeness(0, 1).describe("nämnder"), "0 av 1 nämnd")
        self.assertEqual(
            Completeness(1, 1).describe("nämnder har rapporterat"), "1 nämnd har rapporterat"
        )
        self.assertEqual(Completeness(2, 23).describe("nämnder"), "2 av 23 nämnder")


class LogoTests(TestCase):
    """The city's logo is the operator's file, read from DOCUMENT_LOGO_DIR only."""

    def test_no_logo_unless_the_operator_gives_one(self) -> None:
        programme = Programme(slug="stockholm-2021-2025", organisation="Stockholms stad")
        self.assertEqual(document_issuer(programme).logo_url, "")

    def test_the_logo_goes_into_the_document_as_a_figure_with_alt_text(self) -> None:
        from catalog.services import programme_load
        from tests.catalog_data import small_data

        programme, _ = programme_load(data=small_data())
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, f"{programme.slug}.png").write_bytes(PNG)
            Path(folder, "secret.txt").write_text("hemligt")
            with override_settings(DOCUMENT_LOGO_DIR=folder):
                issuer = document_issuer(programme)
                self.assertTrue(issuer.logo_url.startswith(DOCUMENT_ORIGIN))
                self.assertIsNotNone(logo_file_for_url(issuer.logo_url))
                for url in (
                    f"{DOCUMENT_ORIGIN}/logotyp/secret.txt",
                    f"{DOCUMENT_ORIGIN}/logotyp/../logotyp/{programme.slug}.png",
                    f"{DOCUMENT_ORIGIN}/logotyp/%2e%2e/secret.txt",
                    f"{DOCUMENT_ORIGIN}/logotyp/missing.png",
                ):
                    self.assertIsNone(logo_file_for_url(url), url)
                board = Board.objects.responsible_in(programme).first()
                assert board is not None
                content = styrkort_pdf(styrkort_build(programme, board, with_status=False))
        with pikepdf.open(BytesIO(content)) as pdf:
            figures = [e for e in struct_elements(pdf) if e.S == "/Figure"]
            self.assertEqual(
                [str(figure.Alt) for figure in figures], [f"{programme.organisation}s logotyp"]
            )

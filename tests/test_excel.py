"""Excel out and in: the report template, its upload with preview and confirmation, and the
city-wide export. Files are filled with openpyxl, as a person would fill them in Excel."""

import re
import struct
import zipfile
from html import unescape
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from catalog.models import IndicatorKind
from followup.models import (
    ActivityStatus,
    CityReader,
    GeneratedDocument,
    IndicatorOutcome,
    PeriodKind,
    Report,
    ReportingPeriod,
    ReportState,
)
from followup.services import period_lock, period_open
from tests.document_jobs import ask, job_pk, made_document
from tests.followup_data import DISTRICT, build_world, user

INJECTED = '=HYPERLINK("http://example.invalid","klicka")'


def excel_url(report: Report) -> str:
    return reverse("report-excel", args=[report.pk])


def as_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(sheet: Worksheet, pk: int) -> int:
    """The sheet row (1-based) that holds the report row with this id (hidden column)."""
    headers = [cell.value for cell in sheet[1]]
    id_column = headers.index("Rad-id") + 1
    for line in range(2, sheet.max_row + 1):
        if sheet.cell(row=line, column=id_column).value == pk:
            return line
    raise AssertionError(f"row {pk} not in {sheet.title}")


def column_of(sheet: Worksheet, header: str) -> int:
    return [cell.value for cell in sheet[1]].index(header) + 1


def fill(sheet: Worksheet, pk: int, **values: object) -> int:
    """Type values into the row of report row `pk`, by column header."""
    line = row_of(sheet, pk)
    for header, value in values.items():
        sheet.cell(row=line, column=column_of(sheet, header.replace("_", " ")), value=value)
    return line


def rezip(content: bytes, parts: dict[str, bytes | None]) -> bytes:
    """The archive with these parts replaced, added, or (None) taken out."""
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            if name not in parts:
                target.writestr(name, source.read(name))
        for name, data in parts.items():
            if data is not None:
                target.writestr(name, data)
    return buffer.getvalue()


def part(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return archive.read(name)


# openpyxl writes the n-th sheet of the template (Instruktioner, Aktiviteter, ...) as
# xl/worksheets/sheet<n>.xml.
ACTIVITY_SHEET_PART = "xl/worksheets/sheet2.xml"
WORKBOOK_CONTENT_TYPE = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)
MACRO_CONTENT_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
FREE, END_OF_CHAIN, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole2(*streams: str) -> bytes:
    """A minimal compound file ([MS-CFB] version 3, 512-byte sectors) whose root holds empty
    streams of these names. Excel saves a password-protected workbook as one holding
    EncryptionInfo and EncryptedPackage; an old .xls holds a Workbook stream."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    # minor and major version, byte order, sector shift (512), mini sector shift (64)
    struct.pack_into("<5H", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)  # one FAT sector: sector 0
    struct.pack_into("<I", header, 0x30, 1)  # the directory: sector 1
    struct.pack_into("<III", header, 0x38, 4096, END_OF_CHAIN, 0)  # no mini FAT
    struct.pack_into("<II", header, 0x44, END_OF_CHAIN, 0)  # no DIFAT sectors
    struct.pack_into("<109I", header, 0x4C, 0, *[FREE] * 108)
    fat = struct.pack("<128I", FAT_SECTOR, END_OF_CHAIN, *[FREE] * 126)
    directory = bytearray()
    entries = [("Root Entry", 5), *((name, 2) for name in streams)]
    assert len(entries) <= 4, "one directory sector holds four entries"
    for index, (name, kind) in enumerate(entries):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        # The streams hang under the root as a chain of right siblings.
        child = 1 if kind == 5 and streams else FREE
        right = index + 1 if kind == 2 and index + 1 < len(entries) else FREE
        struct.pack_into("<HBBIII", entry, 0x40, len(encoded), kind, 1, FREE, right, child)
        struct.pack_into("<I", entry, 0x74, END_OF_CHAIN)  # empty: no sectors
        directory += entry
    while len(directory) < 512:
        unused = bytearray(128)
        struct.pack_into("<III", unused, 0x44, FREE, FREE, FREE)
        directory += unused
    return bytes(header) + fat + bytes(directory)


def snapshot(report: Report) -> list[tuple]:
    """Every row's version and answers, to show that nothing changed."""
    return [
        *ActivityStatus.objects.filter(report=report)
        .order_by("pk")
        .values_list("pk", "version", "progress", "comment"),
        *IndicatorOutcome.objects.filter(report=report)
        .order_by("pk")
        .values_list("pk", "version", "numerator", "denominator", "comment"),
    ]


class ExcelWorld(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.report = cls.world.report
        cls.activity = (
            cls.report.activity_rows.select_related("activity")
            .order_by("activity__goal__number", "activity__position")
            .first()
        )
        cls.share = cls.report.indicator_rows.filter(indicator__kind=IndicatorKind.SHARE).first()
        cls.count = cls.report.indicator_rows.filter(indicator__kind=IndicatorKind.COUNT).first()

    def download(self, report: Report | None = None) -> Workbook:
        response = self.client.get(excel_url(report or self.report))
        self.assertEqual(response.status_code, 200)
        return load_workbook(BytesIO(response.content))

    def upload(self, content: bytes | Workbook, report: Report | None = None, name="mall.xlsx"):
        if isinstance(content, Workbook):
            content = as_bytes(content)
        return self.client.post(
            excel_url(report or self.report), {"file": SimpleUploadedFile(name, content)}
        )


class TemplateExportTests(ExcelWorld):
    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)

    def test_template_has_instructions_answer_sheets_and_hidden_metadata(self) -> None:
        response = self.client.get(excel_url(self.report))
        self.assertIn("rinkeby-kista-stadsdelsnamnd-2023-T1.xlsx", response["Content-Disposition"])
        workbook = load_workbook(BytesIO(response.content))
        self.assertEqual(
            workbook.sheetnames, ["Instruktioner", "Aktiviteter", "Indikatorer", "Metadata"]
        )
        self.assertEqual(workbook["Metadata"].sheet_state, "veryHidden")
        meta = {row[0]: row[1] for row in workbook["Metadata"].iter_rows(values_only=True)}
        self.assertEqual(
            (meta["rapport"], meta["nämnd"], meta["år"], meta["period"]),
            (self.report.pk, DISTRICT, 2023, "T1"),
        )
        instructions = "\n".join(
            str(value) for (value,) in workbook["Instruktioner"].iter_rows(values_only=True)
        )
        self.assertIn("enskilda personer", instructions)
        self.assertIn("2023-05-20", instructions)
        self.assertIn("låsta", instructions)

    def test_only_answer_cells_are_unlocked_and_ids_are_hidden(self) -> None:
        sheet = self.download()["Aktiviteter"]
        self.assertTrue(sheet.protection.sheet)
        self.assertEqual(sheet.freeze_panes, "A2")
        line = row_of(sheet, self.activity.pk)
        self.assertEqual(sheet.cell(row=line, column=2).value, self.activity.activity.text)
        self.assertTrue(sheet.cell(row=line, column=1).protection.locked)
        self.assertTrue(sheet.cell(row=line, column=2).protection.locked)
        self.assertFalse(sheet[f"C{line}"].protection.locked)
        self.assertFalse(sheet[f"F{line}"].protection.locked)
        for letter in ("G", "H", "I"):
            self.assertTrue(sheet.column_dimensions[letter].hidden)
        lists = [v.formula1 for v in sheet.data_validations.dataValidation]
        self.assertIn('"Ej påbörjad,Påbörjad,Pågår löpande,Genomförd,Ej aktuell"', lists)

    def test_cells_that_do_not_apply_to_the_indicator_are_locked(self) -> None:
        sheet = self.download()["Indikatorer"]
        line = row_of(sheet, self.count.pk)
        numerator, denominator = column_of(sheet, "Antal"), column_of(sheet, "Av totalt")
        self.assertFalse(sheet.cell(row=line, column=numerator).protection.locked)
        self.assertTrue(sheet.cell(row=line, column=denominator).protection.locked)

    def test_annual_template_has_a_goal_sheet(self) -> None:
        period = ReportingPeriod.objects.get(
            programme=self.world.programme, year=2023, kind=PeriodKind.VB
        )
        period_open(period=period)
        report = Report.objects.get(period=period, board__slug=DISTRICT)
        workbook = self.download(report)
        self.assertIn("Mål", workbook.sheetnames)
        self.assertEqual(workbook["Mål"]["B1"].value, "Måluppfyllelse")

    def test_text_that_looks_like_a_formula_is_written_as_text(self) -> None:
        ActivityStatus.objects.filter(pk=self.activity.pk).update(comment=INJECTED)
        content = self.client.get(excel_url(self.report)).content
        with zipfile.ZipFile(BytesIO(content)) as archive:
            xml = b"".join(
                archive.read(name) for name in archive.namelist() if name.endswith(".xml")
            )
        self.assertNotIn(b"<f>", xml)
        sheet = load_workbook(BytesIO(content))["Aktiviteter"]
        cell = sheet.cell(row=row_of(sheet, self.activity.pk), column=6)
        self.assertEqual((cell.value, cell.data_type), (INJECTED, "s"))

    def test_reader_may_download_and_outsider_gets_404(self) -> None:
        self.client.force_login(self.world.reader)
        self.assertEqual(self.client.get(excel_url(self.report)).status_code, 200)
        self.client.force_login(self.world.other_reporter)
        self.assertEqual(self.client.get(excel_url(self.report)).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        self.client.logout()
        response = self.client.get(excel_url(self.report))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_report_page_links_the_template_and_the_upload(self) -> None:
        response = self.client.get(reverse("report-detail", args=[self.report.pk]))
        self.assertContains(response, f'href="{excel_url(self.report)}"')
        self.assertContains(response, 'type="file"')
        self.client.force_login(self.world.reader)
        response = self.client.get(reverse("report-detail", args=[self.report.pk]))
        self.assertContains(response, f'href="{excel_url(self.report)}"')
        self.assertNotContains(response, 'type="file"')


class ImportRoundTripTests(ExcelWorld):
    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)

    def filled(self) -> Workbook:
        workbook = self.download()
        fill(
            workbook["Aktiviteter"],
            self.activity.pk,
            Status="Påbörjad",
            Bedömning="Delvis enligt plan",
            Kommentar="Utbildning för personalen i mars.",
        )
        fill(workbook["Indikatorer"], self.share.pk, Antal=12, Av_totalt=40)
        fill(workbook["Indikatorer"], self.count.pk, Antal="1 200", Kommentar="Ökning.")
        return workbook

    def test_upload_preview_and_confirm_store_the_values_with_history(self) -> None:
        history_before = ActivityStatus.history.filter(id=self.activity.pk).count()
        response = self.upload(self.filled())
        self.assertEqual(response.status_code, 302)
        preview = self.client.get(response["Location"])
        self.assertContains(preview, "Filen ändrar 3 rader")
        self.assertContains(preview, "Delvis enligt plan")
        self.assertContains(preview, "<td>–</td><td>1\u00a0200</td>", html=False)
        self.assertEqual(ActivityStatus.objects.get(pk=self.activity.pk).progress, "")

        confirm = self.client.post(response["Location"])
        self.assertRedirects(
            confirm, reverse("report-detail", args=[self.report.pk]), fetch_redirect_response=False
        )
        activity = ActivityStatus.objects.get(pk=self.activity.pk)
        self.assertEqual(
            (activity.progress, activity.assessment, activity.comment),
            ("paborjad", "delvis_enligt_plan", "Utbildning för personalen i mars."),
        )
        self.assertEqual(activity.updated_by, self.world.reporter)
        self.assertFalse(activity.updated_on_behalf)
        share = IndicatorOutcome.objects.get(pk=self.share.pk)
        self.assertEqual((share.numerator, share.denominator), (12, 40))
        self.assertEqual(IndicatorOutcome.objects.get(pk=self.count.pk).numerator, 1200)
        self.assertEqual(
            ActivityStatus.history.filter(id=self.activity.pk).count(), history_before + 1
        )
        latest = ActivityStatus.history.filter(id=self.activity.pk).latest("history_date")
        self.assertEqual(latest.history_user, self.world.reporter)
        page = self.client.get(reverse("report-detail", args=[self.report.pk]))
        self.assertContains(page, "sparade (3 rader)")
        history = self.client.get(reverse("report-history", args=[self.report.pk]))
        self.assertContains(history, "Utbildning för personalen i mars.")

    def test_confirming_twice_does_not_apply_twice(self) -> None:
        location = self.upload(self.filled())["Location"]
        self.client.post(location)
        version = ActivityStatus.objects.get(pk=self.activity.pk).version
        response = self.client.post(location)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ActivityStatus.objects.get(pk=self.activity.pk).version, version)

    def test_coordinator_imports_on_the_boards_behalf(self) -> None:
        self.client.force_login(self.world.coordinator)
        location = self.upload(self.filled())["Location"]
        self.assertContains(self.client.get(location), "för nämndens räkning")
        self.client.post(location)
        activity = ActivityStatus.objects.get(pk=self.activity.pk)
        self.assertEqual(activity.updated_by, self.world.coordinator)
        self.assertTrue(activity.updated_on_behalf)

    def test_unchanged_file_changes_nothing(self) -> None:
        ActivityStatus.objects.filter(pk=self.activity.pk).update(
            comment=INJECTED + "\r\nrad två", progress="paborjad"
        )
        before = snapshot(self.report)
        location = self.upload(self.download())["Location"]
        self.assertContains(self.client.get(location), "Filen ändrar ingenting")
        self.assertEqual(snapshot(self.report), before)

    def test_reader_gets_403_and_other_boards_reporter_404(self) -> None:
        content = as_bytes(self.filled())
        self.client.force_login(self.world.reader)
        self.assertEqual(self.upload(content).status_code, 403)
        self.client.force_login(self.world.other_reporter)
        self.assertEqual(self.upload(content).status_code, 404)

    def test_another_users_preview_is_not_theirs(self) -> None:
        location = self.upload(self.filled())["Location"]
        self.client.force_login(self.world.coordinator)
        response = self.client.post(location)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ActivityStatus.objects.get(pk=self.activity.pk).progress, "")


class RefusalTests(ExcelWorld):
    """Each refused upload says why, in Swedish, where, and changes nothing."""

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)
        self.before = snapshot(self.report)

    def assertRefused(self, response, *messages: str, status: int = 422) -> None:
        self.assertEqual(response.status_code, status)
        self.assertContains(response, "Ingenting i rapporten är ändrat", status_code=status)
        for message in messages:
            self.assertContains(response, message, status_code=status)
        self.assertEqual(snapshot(self.report), self.before)

    def errors(self, response) -> list[str]:
        """The error list as the page shows it, item by item."""
        html = response.content.decode()
        start = html.index('role="alert"')
        alert = html[start : html.index("</div>", start)]
        return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", alert)]


class BadUploadTests(RefusalTests):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        t2 = ReportingPeriod.objects.get(programme=cls.world.programme, year=2023, kind="T2")
        period_open(period=t2)
        cls.t2_report = Report.objects.get(period=t2, board__slug=DISTRICT)

    def test_template_of_another_board(self) -> None:
        self.client.force_login(self.world.coordinator)
        workbook = self.download(self.world.other_report)
        self.client.force_login(self.world.reporter)
        self.assertRefused(
            self.upload(workbook),
            "Metadata, rad 3, kolumn B: Filen är mallen för Farsta stadsdelsnämnd, inte för "
            "Rinkeby-Kista stadsdelsnämnd.",
        )

    def test_template_of_another_period(self) -> None:
        workbook = self.download(self.t2_report)
        self.assertRefused(
            self.upload(workbook),
            "Metadata, rad 5, kolumn B: Filen är mallen för Tertialrapport 2 2023, inte för "
            "Tertialrapport 1 2023.",
        )

    def test_locked_period(self) -> None:
        workbook = self.download()
        period_lock(period=self.world.period)
        self.assertRefused(
            self.upload(workbook), "Perioden Tertialrapport 1 2023 är låst", status=409
        )

    def test_submitted_report(self) -> None:
        workbook = self.download()
        Report.objects.filter(pk=self.report.pk).update(state=ReportState.SUBMITTED)
        self.assertRefused(
            self.upload(workbook), "Rapporten är inskickad och kan inte ändras.", status=409
        )

    def test_row_changed_since_the_export(self) -> None:
        workbook = self.download()
        line = fill(workbook["Aktiviteter"], self.activity.pk, Status="Genomförd")
        row = ActivityStatus.objects.get(pk=self.activity.pk)
        row.comment, row.updated_by = "Sparat i webben.", self.world.coordinator
        row.save()
        self.before = snapshot(self.report)
        self.assertRefused(
            self.upload(workbook),
            f"Aktiviteter, rad {line} (”{self.activity.activity.text[:20]}",
            "Raden har ändrats av samordnare efter att mallen hämtades.",
        )

    def test_rows_of_another_report(self) -> None:
        workbook = self.download()
        sheet = workbook["Aktiviteter"]
        line = row_of(sheet, self.activity.pk)
        foreign = self.world.other_report.activity_rows.first()
        sheet.cell(row=line, column=column_of(sheet, "Rad-id"), value=foreign.pk)
        sheet.cell(row=line, column=column_of(sheet, "Version"), value=foreign.version)
        self.assertRefused(
            self.upload(workbook),
            f"Aktiviteter, rad {line}, kolumn G: Raden finns inte i den här rapporten.",
        )

    def test_added_row_without_id(self) -> None:
        workbook = self.download()
        sheet = workbook["Aktiviteter"]
        line = sheet.max_row + 1
        sheet.cell(row=line, column=3, value="Påbörjad")
        self.assertRefused(
            self.upload(workbook), f"Aktiviteter, rad {line}, kolumn G: Raden saknar sitt id"
        )

    def test_formulas(self) -> None:
        workbook = self.download()
        line = fill(workbook["Indikatorer"], self.count.pk, Antal="=2+3")
        self.assertRefused(
            self.upload(workbook),
            f"Indikatorer, rad {line}, kolumn D: Cellen innehåller en formel.",
        )

    def test_not_a_workbook(self) -> None:
        self.assertRefused(
            self.upload("Nämnd;Status\nRinkeby;Klar\n".encode(), name="mall.xlsx"),
            "Filen är inte en Excel-arbetsbok (.xlsx)",
        )
        self.assertRefused(
            self.upload(as_bytes(Workbook())), "Filen är inte en mall för en rapport härifrån"
        )

    @override_settings(EXCEL_UPLOAD_MAX_BYTES=1024)
    def test_file_over_the_size_limit(self) -> None:
        self.assertRefused(
            self.upload(self.download()), "Filen är för stor. Den får vara högst 1 kB.", status=413
        )

    def test_invalid_values_are_all_reported_with_sheet_row_and_column(self) -> None:
        workbook = self.download()
        activity_line = fill(
            workbook["Aktiviteter"], self.activity.pk, Status="Ej aktuell", Bedömning="Kanske"
        )
        share_line = fill(workbook["Indikatorer"], self.share.pk, Antal=50, Av_totalt=40)
        count_line = fill(workbook["Indikatorer"], self.count.pk, Antal=2.5)
        self.assertRefused(
            self.upload(workbook),
            f"Aktiviteter, rad {activity_line}, kolumn E: Välj ett av värdena i listan: "
            "Enligt plan, Delvis enligt plan, Ej enligt plan.",
            f"Indikatorer, rad {share_line}, kolumn D: Antalet kan inte vara större än totalt.",
            f"Indikatorer, rad {count_line}, kolumn D:",
        )

    def test_rules_of_the_models_clean_apply(self) -> None:
        workbook = self.download()
        activity_line = fill(workbook["Aktiviteter"], self.activity.pk, Status="Ej aktuell")
        # A count has no denominator: the cell is locked, but a file can be edited elsewhere.
        count_line = fill(workbook["Indikatorer"], self.count.pk, Antal=3, Av_totalt=5)
        self.assertRefused(
            self.upload(workbook),
            f"Aktiviteter, rad {activity_line}, kolumn D: Ange varför aktiviteten inte är aktuell.",
            f"Indikatorer, rad {count_line}, kolumn E: Totalt anges bara för indikatorer som "
            "är andelar.",
        )

    def test_confirming_a_stale_preview_changes_nothing(self) -> None:
        workbook = self.download()
        line = fill(workbook["Aktiviteter"], self.activity.pk, Status="Genomförd")
        fill(workbook["Indikatorer"], self.count.pk, Antal=7)
        location = self.upload(workbook)["Location"]
        row = ActivityStatus.objects.get(pk=self.activity.pk)
        row.comment = "Sparat i webben under tiden."
        row.save()
        self.before = snapshot(self.report)
        self.assertRefused(
            self.client.post(location),
            f"Aktiviteter, rad {line}",
            "Raden har ändrats",
            status=409,
        )
        self.assertIsNone(IndicatorOutcome.objects.get(pk=self.count.pk).numerator)

    def test_confirming_after_the_report_was_submitted_changes_nothing(self) -> None:
        workbook = self.download()
        fill(workbook["Aktiviteter"], self.activity.pk, Status="Genomförd")
        location = self.upload(workbook)["Location"]
        Report.objects.filter(pk=self.report.pk).update(state=ReportState.SUBMITTED)
        self.assertRefused(self.client.post(location), "Rapporten är inskickad", status=409)


class HostileFileTests(RefusalTests):
    """Files that are not a filled template from here, made by hand, by other programs or
    to do harm: each gets its own message, and none makes an error page."""

    def filled(self) -> bytes:
        """The template with a change in it, so that a file let through would change rows."""
        workbook = self.download()
        fill(workbook["Aktiviteter"], self.activity.pk, Status="Genomförd")
        return as_bytes(workbook)

    def test_macro_enabled_workbook_is_refused_by_its_content_whatever_its_name(self) -> None:
        content = self.filled()
        types = part(content, "[Content_Types].xml")
        xlsm = rezip(
            content,
            {"[Content_Types].xml": types.replace(WORKBOOK_CONTENT_TYPE, MACRO_CONTENT_TYPE)},
        )
        with_vba = rezip(content, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
        for macros in (xlsm, with_vba):
            self.assertRefused(
                self.upload(macros, name="mall.xlsx"),
                "Filen är en makroaktiverad arbetsbok (.xlsm). Bara mallarna härifrån tas emot",
            )

    def test_empty_file_says_it_is_empty(self) -> None:
        self.assertRefused(self.upload(b""), "Filen är tom (0 byte).")

    def test_password_protected_workbook_says_so(self) -> None:
        self.assertRefused(
            self.upload(ole2("EncryptionInfo", "EncryptedPackage")),
            "Filen är lösenordsskyddad och kan därför inte läsas.",
        )
        # A ZIP password on a member (as 7-Zip sets one): bit 0 of its flags, in the local
        # header (offset 6) and in the central record (offset 8).
        zipped = bytearray(self.filled())
        central = zipped.index(b"PK\x01\x02")
        zipped[6] |= 0x1
        zipped[central + 8] |= 0x1
        self.assertRefused(
            self.upload(bytes(zipped)), "Filen är lösenordsskyddad och kan därför inte läsas."
        )

    def test_old_xls_and_other_files_are_not_a_template(self) -> None:
        self.assertRefused(
            self.upload(ole2("Workbook"), name="mall.xls"),
            "Filen är i ett äldre format (till exempel .xls) och inte en .xlsx-mall härifrån.",
        )
        # An OLE2 header with nothing after it.
        self.assertRefused(self.upload(ole2()[:520]), "Filen är i ett äldre format")
        for other in (b"%PDF-1.7\n", bytes(range(256)) * 8):
            self.assertRefused(self.upload(other), "Filen är inte en Excel-arbetsbok (.xlsx)")

    def test_zip_that_is_not_a_workbook_says_so(self) -> None:
        docx = rezip(
            as_bytes(Workbook()),
            {
                "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/content-types"><Override PartName="/word/document.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.'
                b'wordprocessingml.document.main+xml"/></Types>'
            },
        )
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("anteckningar.txt", "Rinkeby;Klar")
        for archive in (docx, buffer.getvalue()):
            self.assertRefused(
                self.upload(archive), "Filen är ett ZIP-arkiv men ingen Excel-arbetsbok"
            )

    def test_damaged_archives_say_they_are_damaged(self) -> None:
        content = self.filled()
        damaged = bytearray(content)
        # Inside the first member's packed data (docProps/app.xml, which openpyxl does not
        # read): its checksum no longer matches.
        damaged[100:110] = b"\x00" * 10
        for broken in (content[: len(content) // 2], content[:-10], bytes(damaged)):
            self.assertRefused(self.upload(broken), "Filen är skadad")

    def test_zip_bomb_is_refused_before_it_is_unpacked(self) -> None:
        # 60 MB of zeros packs to about 60 kB, well under the upload limit.
        bomb = rezip(self.filled(), {"xl/media/bild.bin": bytes(60 * 1024 * 1024)})
        self.assertLess(len(bomb), 200 * 1024)
        self.assertRefused(self.upload(bomb), "Filen är för stor uppackad för att vara en mall.")
        # A member that only says it is 4 GB: refused for its declared size, before any
        # unpacking could find that it is not.
        content = self.filled()
        directory = content.rindex(b"PK\x01\x02")  # the last member's central record
        lying = bytearray(content)
        struct.pack_into("<I", lying, directory + 24, 0xFFFFFFF0)  # its uncompressed size
        self.assertRefused(
            self.upload(bytes(lying)), "Filen är för stor uppackad för att vara en mall."
        )

    def test_xml_with_entities_is_not_read(self) -> None:
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        )
        content = self.filled()
        for name in ("[Content_Types].xml", "xl/workbook.xml", ACTIVITY_SHEET_PART):
            xml = part(content, name)
            if xml.startswith(b"<?xml"):
                xml = xml[xml.index(b"?>") + 2 :]
            # Declaring an entity is enough for defusedxml to refuse the part.
            hostile = laughs + xml
            self.assertRefused(
                self.upload(rezip(content, {name: hostile})),
                "Filen är inte en Excel-arbetsbok (.xlsx)",
            )

    def test_workbook_without_the_answer_sheets(self) -> None:
        workbook = self.download()
        del workbook["Indikatorer"]
        self.assertRefused(
            self.upload(workbook),
            "Filen är inte en mall för en rapport härifrån: bladet Indikatorer saknas.",
        )

    def test_one_message_per_cell(self) -> None:
        workbook = self.download()
        line = fill(workbook["Indikatorer"], self.count.pk, Antal="=2+3")
        response = self.upload(workbook)
        self.assertRefused(response)
        self.assertEqual(
            [error for error in self.errors(response) if f"rad {line}," in error],
            [
                f"Indikatorer, rad {line}, kolumn D: Cellen innehåller en formel. Skriv in "
                "värdet i stället för en formel."
            ],
        )

    def test_a_hundred_thousand_extra_rows_show_the_first_50_errors_and_count_the_rest(
        self,
    ) -> None:
        workbook = self.download()
        # Found last (when the rows are checked against the report), shown first: it is the
        # first problem in the file.
        early = fill(workbook["Aktiviteter"], self.activity.pk, Status="Ej aktuell")
        content = as_bytes(workbook)
        sheet = workbook["Aktiviteter"]
        last = sheet.max_row
        extra = b"".join(
            b'<row r="%d"><c r="C%d" t="inlineStr"><is><t>P\xc3\xa5b\xc3\xb6rjad</t></is>'
            b"</c></row>" % (line, line)
            for line in range(last + 1, last + 100_001)
        )
        xml = part(content, ACTIVITY_SHEET_PART)
        # The most a sheet can declare: openpyxl pads every row to the declared size.
        xml, declared = re.subn(
            rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml
        )
        self.assertEqual(declared, 1)
        xml = xml.replace(b"</sheetData>", extra + b"</sheetData>")
        hostile = rezip(content, {ACTIVITY_SHEET_PART: xml})
        self.assertLess(len(hostile), 2 * 1024 * 1024)

        response = self.upload(hostile)

        self.assertRefused(response)
        errors = self.errors(response)
        self.assertEqual(len(errors), 50)
        self.assertEqual(
            errors[0],
            f"Aktiviteter, rad {early}, kolumn D: Ange varför aktiviteten inte är aktuell.",
        )
        self.assertEqual(
            errors[1],
            f"Aktiviteter, rad {last + 1}, kolumn G: Raden saknar sitt id från mallen. Lägg "
            "inte till rader och ändra inte de dolda kolumnerna; hämta en ny mall om det behövs.",
        )
        # Every extra row up to the sheet's limit of 20,000, the limit itself, the early row.
        found = (20_000 - last) + 1 + 1
        more = f"{found - 50:,}".replace(",", "\u00a0")
        self.assertContains(response, f"… och {more} fler fel.", status_code=422)
        self.assertLess(len(response.content), 40_000)


class CityExportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.url = reverse("city-export", args=[cls.world.programme.slug, 2023])
        cls.city_reader = user("analytiker")
        CityReader.objects.create(user=cls.city_reader, programme=cls.world.programme)
        row = cls.world.report.activity_rows.first()
        row.comment = INJECTED
        row.save()

    def export(self) -> bytes:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("stockholm", response["Content-Disposition"])
        return b"".join(response.streaming_content)

    def test_one_row_per_board_period_and_item_in_three_sheets(self) -> None:
        self.client.force_login(self.world.coordinator)
        workbook = load_workbook(BytesIO(self.export()), read_only=True)
        self.assertEqual(workbook.sheetnames, ["Aktiviteter", "Indikatorer", "Måluppfyllelse"])
        rows = list(workbook["Aktiviteter"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:5], ("Nämnd", "Typ av nämnd", "År", "Period", "Rapportens läge"))
        self.assertEqual(len(rows) - 1, ActivityStatus.objects.count())
        indicators = list(workbook["Indikatorer"].iter_rows(values_only=True))
        self.assertEqual(len(indicators) - 1, IndicatorOutcome.objects.count())
        boards = {row[0] for row in rows[1:]}
        self.assertIn("Rinkeby-Kista stadsdelsnämnd", boards)
        injected = next(row for row in rows if row[-1] == INJECTED)
        self.assertEqual(
            injected[:5], (self.world.report.board.name, "Stadsdelsnämnd", 2023, "T1", "Utkast")
        )
        self.assertIn("Farsta stadsdelsnämnd", boards)

    def test_text_that_looks_like_a_formula_is_written_as_text(self) -> None:
        self.client.force_login(self.world.coordinator)
        content = self.export()
        with zipfile.ZipFile(BytesIO(content)) as archive:
            xml = b"".join(
                archive.read(name) for name in archive.namelist() if name.endswith(".xml")
            )
        self.assertIsNone(re.search(rb"<f[ >]", xml))
        comments = [
            row[-1]
            for row in load_workbook(BytesIO(content))["Aktiviteter"].iter_rows(values_only=True)
        ]
        self.assertIn(INJECTED, comments)

    def test_formula_like_text_keeps_the_quote_prefix_and_the_header_stays_in_view(self) -> None:
        self.client.force_login(self.world.coordinator)
        sheet = load_workbook(BytesIO(self.export()))["Aktiviteter"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet["A1"].font.b)
        self.assertGreater(sheet.column_dimensions["A"].width, 30)
        cell = next(row[-1] for row in sheet.iter_rows(min_row=2) if row[-1].value == INJECTED)
        self.assertTrue(cell.quotePrefix)
        self.assertEqual(cell.data_type, "s")

    def test_the_download_starts_before_every_sheet_is_read(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(self.url)
        chunks = iter(response.streaming_content)
        with CaptureQueriesContext(connection) as queries:
            first = next(chunks)
        self.assertTrue(first.startswith(b"PK"))
        # Only the first sheet's rows have been read when the first bytes go out.
        self.assertEqual(len(queries), 1)
        self.assertIn("followup_activitystatus", queries[0]["sql"])
        rest = b"".join(chunks)
        self.assertEqual(load_workbook(BytesIO(first + rest)).sheetnames[-1], "Måluppfyllelse")

    def test_city_reader_may_export_board_users_get_404(self) -> None:
        self.client.force_login(self.city_reader)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        for person in (self.world.reporter, self.world.reader):
            self.client.force_login(person)
            self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(self.world.coordinator)
        outside = reverse("city-export", args=[self.world.programme.slug, 1999])
        self.assertEqual(self.client.get(outside).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)

    def test_queries_do_not_grow_with_rows(self) -> None:
        self.client.force_login(self.world.coordinator)
        # The session, the user, the programme (scoped to the user), the count of its boards
        # (streamed or made as a task), then one query per sheet: activity statuses,
        # indicator outcomes, goal assessments.
        with self.assertNumQueries(7):
            self.export()
        for kind in ("T2", "VB"):
            period_open(
                period=ReportingPeriod.objects.get(
                    programme=self.world.programme, year=2023, kind=kind
                )
            )
        with CaptureQueriesContext(connection) as queries:
            content = self.export()
        self.assertEqual(len(queries), 7)
        goals = list(load_workbook(BytesIO(content))["Måluppfyllelse"].iter_rows(values_only=True))
        self.assertGreater(len(goals), 1)

    def test_posting_to_the_streamed_export_just_leads_to_it(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.post(self.url)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)


@override_settings(CITY_EXPORT_STREAM_BOARDS=1)
class CityExportTaskTests(TestCase):
    """Beyond `CITY_EXPORT_STREAM_BOARDS` boards the export is made by the task worker."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.url = reverse("city-export", args=[cls.world.programme.slug, 2023])

    def test_a_large_citys_export_is_offered_then_made_and_downloaded(self) -> None:
        self.client.force_login(self.world.coordinator)
        offer = self.client.get(self.url)
        self.assertContains(offer, "Export av hela stadens svar (Excel) 2023")
        self.assertContains(offer, f'action="{self.url}"')
        self.assertFalse(GeneratedDocument.objects.exists())  # a GET makes nothing
        response = made_document(self, self.client, self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("stockholm-2021-2025-2023.xlsx", response["Content-Disposition"])
        workbook = load_workbook(BytesIO(response.content), read_only=True)
        self.assertEqual(workbook.sheetnames, ["Aktiviteter", "Indikatorer", "Måluppfyllelse"])
        rows = list(workbook["Aktiviteter"].iter_rows(values_only=True))
        self.assertEqual(len(rows) - 1, ActivityStatus.objects.count())

    def test_board_users_get_404_for_the_offer_the_job_and_the_file(self) -> None:
        self.client.force_login(self.world.coordinator)
        asked = ask(self, self.client, self.url)
        job = reverse("document-job", args=[job_pk(asked)])
        download = reverse("document-download", args=[job_pk(asked)])
        for person in (self.world.reporter, self.world.reader):
            self.client.force_login(person)
            self.assertEqual(self.client.get(self.url).status_code, 404)
            self.assertEqual(self.client.post(self.url).status_code, 404)
            self.assertEqual(self.client.get(job).status_code, 404)
            self.assertEqual(self.client.get(download).status_code, 404)
        self.assertEqual(GeneratedDocument.objects.count(), 1)

"""The archive package and the audit export (issue 14, points 3 and 4), and the settings
that fail loudly (point 5)."""

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.config import OidcConfig
from attachments.models import Attachment
from catalog.models import Activity
from followup.history import history_stamp
from followup.models import (
    CityReader,
    DocumentKind,
    GeneratedDocument,
    Membership,
    MidtermReport,
)
from followup.services import report_submit
from tests import attachment_files as files
from tests.document_jobs import ask, job_pk, made_document, media
from tests.followup_data import build_small_world, fill_report, user
from tests.retention_data import RETENTION


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


class ArchiveTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world(year=2023, kind="VB")
        fill_report(cls.world.report)
        report_submit(report=cls.world.report, user=cls.world.reporter, on_behalf=False)
        MidtermReport.objects.create(programme=cls.world.programme, year=2023)
        cls.url = reverse("archive", args=[cls.world.programme.slug, 2023])
        cls.city_reader = user("stadslasare")
        CityReader.objects.create(user=cls.city_reader, programme=cls.world.programme)

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def _package(self) -> zipfile.ZipFile:
        response = made_document(self, self.client, self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("arkiv-", response["Content-Disposition"])
        return _zip(response.content)

    def test_every_file_in_the_package_matches_its_manifest_checksum_and_size(self) -> None:
        package = self._package()
        manifest = json.loads(package.read("manifest.json"))
        listed = {entry["path"]: entry for entry in manifest["files"]}
        self.assertEqual(set(package.namelist()), {*listed, "manifest.json", "manifest.csv"})
        for path, entry in listed.items():
            content = package.read(path)
            self.assertEqual(hashlib.sha256(content).hexdigest(), entry["sha256"], path)
            self.assertEqual(len(content), entry["bytes"], path)
        rows = list(csv.reader(io.StringIO(package.read("manifest.csv").decode()), delimiter=";"))
        self.assertEqual(rows[0], ["sökväg", "sha256", "byte", "medietyp", "format"])
        self.assertEqual(
            {row[0]: row[1] for row in rows[1:]}, {p: e["sha256"] for p, e in listed.items()}
        )

    def test_the_package_holds_each_report_as_json_and_pdf_the_documents_and_the_catalog(
        self,
    ) -> None:
        package = self._package()
        manifest = {
            entry["path"]: entry for entry in json.loads(package.read("manifest.json"))["files"]
        }
        reports = self.world.programme.periods.get(year=2023, kind="VB").reports.all()
        for report in reports:
            name = f"rapporter/VB-{report.board.slug}"
            self.assertEqual(manifest[f"{name}.json"]["format"], "JSON (RFC 8259), UTF-8")
            self.assertEqual(manifest[f"{name}.pdf"]["format"], "PDF 1.7 (ISO 32000-1)")
            self.assertTrue(package.read(f"{name}.pdf").startswith(b"%PDF-1.7"))
        slug = self.world.programme.slug
        pdfs = [
            path for path in manifest if not path.startswith("rapporter/") and path.endswith(".pdf")
        ]
        self.assertEqual(len(pdfs), 2, pdfs)  # the samlad uppföljning and the halvtidsrapport
        self.assertIn(f"halvtidsrapport-{slug}-2023.pdf", pdfs)
        catalog = json.loads(package.read(f"katalog-{slug}.json"))
        api = self.client.get(reverse("api-programme", args=[slug])).json()
        self.assertEqual({**catalog, "url": ""}, {**api, "url": ""})

    def test_a_reports_json_is_the_reports_api_format(self) -> None:
        package = self._package()
        report = self.world.report
        archived = json.loads(package.read(f"rapporter/VB-{report.board.slug}.json"))
        api = self.client.get(
            reverse("api-report-list"), {"programme": self.world.programme.slug, "year": 2023}
        ).json()
        from_api = next(item for item in api["results"] if item["id"] == report.pk)
        self.assertEqual({**archived, "url": ""}, {**from_api, "url": ""})
        self.assertTrue(archived["url"].endswith(reverse("report-detail", args=[report.pk])))
        self.assertEqual(archived["state"], "inskickad")

    def test_the_boards_attachments_are_in_the_package_as_attached_with_their_format(
        self,
    ) -> None:
        with media:
            attachment = Attachment(
                report=self.world.report,
                name="Nämndens rutin.pdf",
                size=len(files.pdf()),
                kind="pdf",
                uploaded_by=self.world.reporter,
            )
            attachment.file.save("rutin.pdf", ContentFile(files.pdf()))
        package = self._package()
        manifest = {
            entry["path"]: entry for entry in json.loads(package.read("manifest.json"))["files"]
        }
        [path] = [path for path in manifest if path.startswith("bilagor/")]
        self.assertTrue(path.endswith("Nämndens_rutin.pdf"), path)
        self.assertEqual(package.read(path), files.pdf())
        self.assertEqual(manifest[path]["media_type"], "application/pdf")
        self.assertTrue(manifest[path]["format"].startswith("PDF 1."), manifest[path])

    def test_only_the_samordnare_may_make_or_download_the_package(self) -> None:
        asked = ask(self, self.client, self.url)
        job = job_pk(asked)
        download = reverse("document-download", args=[job])
        for person in (
            self.world.reporter,
            self.world.reader,
            self.world.other_reporter,
            self.city_reader,  # reads every other document of the programme
        ):
            self.client.force_login(person)
            self.assertEqual(self.client.get(self.url).status_code, 404, person)
            self.assertEqual(self.client.post(self.url).status_code, 404, person)
            with media:
                self.assertEqual(self.client.get(download).status_code, 404, person)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)  # to the login page
        self.assertEqual(GeneratedDocument.objects.filter(kind=DocumentKind.ARCHIVE).count(), 1)

    def test_a_year_outside_the_programme_is_404(self) -> None:
        url = reverse("archive", args=[self.world.programme.slug, 1999])
        self.assertEqual(self.client.get(url).status_code, 404)


class AuditTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()
        world = cls.world
        # A row changed by the rapportör, to text a spreadsheet would run as a formula.
        row = world.report.activity_rows.order_by("pk").first()
        assert row is not None
        row.comment = '=HYPERLINK("http://example.org")'
        history_stamp(row, world.reporter)
        row.save()
        fill_report(world.report)
        report_submit(report=world.report, user=world.reporter, on_behalf=False)
        # The catalog changed, a role taken away, a login and a failed one.
        activity = Activity.objects.filter(goal__programme=world.programme).order_by("pk").first()
        assert activity is not None
        activity.text = "Ny lydelse av aktiviteten"
        history_stamp(activity, world.coordinator)
        activity.save()
        membership = Membership.objects.get(user=world.reader)
        history_stamp(membership, world.coordinator)
        membership.delete()
        AccessLog.objects.create(
            username="rapportor",
            ip_address="10.0.0.1",
            user_agent="t",
            http_accept="*/*",
            path_info="/",
        )
        AccessFailureLog.objects.create(
            username="lasare",
            ip_address="10.0.0.2",
            user_agent="t",
            http_accept="*/*",
            path_info="/",
        )
        cls.staff = User.objects.create_user("personal", password="x-lösenord-1", is_staff=True)
        cls.today = timezone.localdate()

    def _get(self, **params: object) -> object:
        query = {
            "programme": self.world.programme.slug,
            "first": str(self.today - timedelta(days=1)),
            "last": str(self.today),
            "format": "csv",
            **params,
        }
        return self.client.get(reverse("records"), query)

    def _csv_rows(self, response: object) -> list[list[str]]:
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        self.assertTrue(body.startswith("\ufeff"))
        return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))

    def test_the_samordnare_exports_every_kind_of_change_as_csv(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self._get()
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = self._csv_rows(response)
        self.assertEqual(rows[0][:5], ["Tidpunkt", "Användare", "Område", "Vad", "Ändring"])
        by_area = {}
        for line in rows[1:]:
            by_area.setdefault(line[2], []).append(line)
        self.assertEqual(
            set(by_area), {"Rapport", "Rapportens gång", "Katalog", "Roller", "Inloggning"}
        )
        self.assertTrue(
            any(
                line[4] == "Inskickad" and line[1] == "rapportor"
                for line in by_area["Rapportens gång"]
            )
        )
        self.assertTrue(any("Ny lydelse av aktiviteten" in line[6] for line in by_area["Katalog"]))
        self.assertTrue(
            any(
                line[4] == "Roll borttagen" and line[3].startswith("lasare")
                for line in by_area["Roller"]
            )
        )
        self.assertTrue(
            any(
                line[4] == "Misslyckad inloggning" and line[1] == "lasare"
                for line in by_area["Inloggning"]
            )
        )
        times = [line[0] for line in rows[1:]]
        self.assertEqual(times, sorted(times))

    def test_text_a_spreadsheet_would_run_is_neutralised_in_csv_and_xlsx(self) -> None:
        self.client.force_login(self.world.coordinator)
        rows = self._csv_rows(self._get())
        formula = [line for line in rows if "HYPERLINK" in line[6]]
        self.assertTrue(formula)
        self.assertTrue(all(line[6].startswith("'=") for line in formula))
        response = self._get(format="xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = [
            cell for row in sheet.iter_rows() for cell in row if "HYPERLINK" in str(cell.value)
        ]
        self.assertTrue(cells)
        for cell in cells:
            self.assertEqual(cell.data_type, "s")
            self.assertTrue(cell.quotePrefix)

    def test_a_span_before_the_changes_holds_none_of_them(self) -> None:
        self.client.force_login(self.world.coordinator)
        rows = self._csv_rows(self._get(first="2020-01-01", last="2020-12-31"))
        self.assertEqual(len(rows), 1)  # the header

    def test_bad_dates_answer_200_with_the_form_and_a_swedish_message(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self._get(first="2024-13-01")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Skriv datumet som ÅÅÅÅ-MM-DD.")
        response = self._get(first="2024-02-01", last="2024-01-01")
        self.assertContains(response, "Sista dagen kan inte vara före den första.")
        self.assertContains(response, 'aria-invalid="true"')

    def test_staff_export_any_programme_and_others_get_404(self) -> None:
        self.client.force_login(self.staff)
        self.assertEqual(self._get().status_code, 200)
        self.assertEqual(self.client.get(reverse("records")).status_code, 200)
        reader = user("stadslasare")
        CityReader.objects.create(user=reader, programme=self.world.programme)
        for person in (self.world.reporter, self.world.other_reporter, reader):
            self.client.force_login(person)
            self.assertEqual(self._get().status_code, 404, person)

    def test_a_programme_not_the_users_is_refused_in_the_form_with_nothing_exported(
        self,
    ) -> None:
        self.client.force_login(self.world.coordinator)
        response = self._get(programme="stockholm-2021-2025")  # they coordinate another
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        self.assertContains(response, "Välj ett av programmen i listan.")

    def test_the_export_costs_the_same_queries_however_many_changes(self) -> None:
        self.client.force_login(self.world.coordinator)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self._csv_rows(self._get())
            return len(queries)

        before = count()
        for row in self.world.other_report.activity_rows.all():
            row.comment = "Ändrad igen"
            history_stamp(row, self.world.other_reporter)
            row.save()
        for n in range(3):
            AccessLog.objects.create(
                username="annan",
                ip_address="10.0.0.3",
                user_agent="t",
                http_accept="*/*",
                path_info=f"/{n}",
            )
        # The session, the user, the programmes; the reports and their items, each kind's
        # history, the events, the catalog's ids and history, the roles, the logins.
        self.assertEqual(count(), before)
        self.assertLessEqual(before, 40)


class RecordsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()

    def test_the_page_offers_the_form_and_each_years_archive_package(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(reverse("records"))
        self.assertContains(response, "Vem ändrade vad och när")
        for year in self.world.programme.years:
            self.assertContains(
                response, reverse("archive", args=[self.world.programme.slug, year])
            )


class LoudSettingsTests(TestCase):
    def _ids(self, deploy: bool = False) -> set[str]:
        return {message.id for message in run_checks(include_deployment_checks=deploy)}

    def test_the_defaults_pass(self) -> None:
        self.assertFalse({i for i in self._ids(deploy=True) if i and i.startswith("records.")})

    def test_retention_periods_that_make_no_sense_are_errors(self) -> None:
        cases = {
            "records.E005": {**RETENTION, "login_log": 0},  # zero deletes the login log at once
            "records.E004": {**RETENTION, "tasks": "30"},
            "records.E002": {**RETENTION, "sesions": 3},
            "records.E003": {key: v for key, v in RETENTION.items() if key != "reminders"},
        }
        for expected, retention in cases.items():
            with self.subTest(expected), override_settings(RETENTION=retention):
                self.assertIn(expected, self._ids())
        with override_settings(RETENTION={**RETENTION, "documents": -1}):
            self.assertIn("records.E005", self._ids())
        with override_settings(
            RETENTION={**RETENTION, "login_attempts": 1}, AXES_COOLOFF_TIME=timedelta(days=2)
        ):
            self.assertIn("records.E006", self._ids())

    def test_a_mail_server_without_a_sender_fails_the_deploy_check(self) -> None:
        smtp = "django.core.mail.backends.smtp.EmailBackend"
        with override_settings(
            EMAIL_BACKEND=smtp, DEFAULT_FROM_EMAIL="valdprogram@localhost", EMAIL_HOST=""
        ):
            ids = self._ids(deploy=True)
        self.assertTrue({"records.E010", "records.E011", "records.W010"} <= ids)
        with override_settings(
            EMAIL_BACKEND=smtp,
            DEFAULT_FROM_EMAIL="uppfoljning@stockholm.se",
            EMAIL_HOST="smtp.stockholm.se",
            SITE_URL="https://uppfoljning.stockholm.se",
        ):
            self.assertFalse({i for i in self._ids(deploy=True) if i and i.startswith("records.")})

    def test_a_city_login_without_the_openid_scope_or_a_claim_is_an_error(self) -> None:
        full = {
            "issuer": "https://login.example.org",
            "client_id": "id",
            "client_secret": "secret",
            "authorization_endpoint": "https://login.example.org/auth",
            "token_endpoint": "https://login.example.org/token",
            "jwks_uri": "https://login.example.org/jwks",
        }
        with override_settings(OIDC=OidcConfig(**full, scopes="profile email")):
            self.assertIn("accounts.E004", self._ids())
        with override_settings(OIDC=OidcConfig(**full, roles_claim=" ")):
            self.assertIn("accounts.E005", self._ids())
        with override_settings(OIDC=OidcConfig(**full)):
            self.assertFalse({"accounts.E004", "accounts.E005"} & self._ids())

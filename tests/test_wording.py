"""Small wording: counts read "1 rad" and "2 rader", the samlad uppföljning's workbook names
an indicator's kind in words, and the admin speaks Swedish, also for the third-party apps."""

import re
from html import unescape
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from followup.models import CityReader
from followup.services import report_review, report_submit
from tests.followup_data import build_world, fill_report, user

# Words of the apps' English that must not reach the Swedish admin.
ENGLISH = re.compile(
    r"\b(access attempts?|access logs?|access failures?|Attempt Time|IP Address|User Agent|"
    r"Task Results?|Tasks Database Backend|enqueued at|View history|Date/time|Changed by|Comment|"
    r"programme|board|created at|updated at|updated by|recipient|requested by|finalised)\b"
)


def visible_text(html: str) -> str:
    """What a reader of the page sees: the text outside tags, scripts and styles."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


class CountWordingTests(SimpleTestCase):
    def test_one_row_is_rad_and_more_are_rader(self) -> None:
        def shown(count: int) -> str:
            page = type("Paginator", (), {"count": count, "num_pages": 1})
            rows = {"page": type("Page", (), {"paginator": page, "number": 1}), "rows": []}
            return visible_text(render_to_string("followup/dashboard_rows.html", {"rows": rows}))

        self.assertIn("1 rad.", shown(1))
        self.assertNotIn("1 rader", shown(1))
        self.assertIn("2 rader.", shown(2))


class CityWorkbookWordingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        world = build_world(year=2023, kind="VB")
        fill_report(world.report)
        report_submit(report=world.report, user=world.reporter, on_behalf=False)
        report_review(report=world.report, user=world.coordinator, approve=True, comment="")
        cls.analyst = user("analytiker")
        CityReader.objects.create(user=cls.analyst, programme=world.programme)

    def test_indicator_kind_is_written_in_words(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(
            reverse("city-followup-xlsx", args=["stockholm-2021-2025", 2023])
        )
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["Indikatorer"]
        kinds = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertLessEqual(kinds, {"Andel", "Antal", "Ja/nej"})
        self.assertIn("Andel", kinds)
        self.assertFalse(kinds & {"share", "count", "yes_no"})


class SwedishAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.admin = User.objects.create_superuser("admin", password="lösenord-för-test-1")

    def setUp(self) -> None:
        self.client.force_login(self.admin)

    def test_the_admin_index_names_every_app_and_model_in_swedish(self) -> None:
        text = visible_text(self.client.get(reverse("admin:index")).content.decode())
        for words in ("Inloggningsförsök", "Misslyckade inloggningar", "Bakgrundsjobb"):
            self.assertIn(words, text)
        self.assertIsNone(ENGLISH.search(text), ENGLISH.search(text))
        self.assertNotIn("Axes", text)

    def test_every_list_in_the_admin_speaks_swedish(self) -> None:
        for model in admin.site._registry:
            opts = model._meta
            with self.subTest(opts.label):
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                found = ENGLISH.search(visible_text(response.content.decode()))
                self.assertIsNone(found, f"{opts.label}: {found}")

    def test_a_reports_change_history_speaks_swedish(self) -> None:
        url = reverse("admin:followup_report_history", args=[self.world.report.pk])
        text = visible_text(self.client.get(url).content.decode())
        self.assertIn("Historik: ", text)
        for heading in ("Tidpunkt", "Kommentar", "Ändrad av", "Ändringar"):
            self.assertIn(heading, text)
        self.assertIsNone(ENGLISH.search(text), ENGLISH.search(text))


class TranslationCatalogTests(SimpleTestCase):
    def test_every_translation_in_the_catalog_is_compiled(self) -> None:
        """A django.po changed without `make messages` leaves django.mo behind."""
        po = Path(settings.LOCALE_PATHS[0]) / "sv" / "LC_MESSAGES" / "django.po"
        entries = re.findall(
            r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', po.read_text(), flags=re.MULTILINE
        )

        def joined(lines: str) -> str:
            parts = re.findall(r'^"(.*)"$', lines, flags=re.MULTILINE)
            return "".join(parts).replace('\\"', '"')

        pairs = [(joined(msgid), joined(msgstr)) for msgid, msgstr in entries if joined(msgid)]
        self.assertGreater(len(pairs), 50)
        with translation.override("sv"):
            for msgid, msgstr in pairs:
                self.assertEqual(translation.gettext(msgid), msgstr)

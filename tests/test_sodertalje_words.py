"""Issue 15, "the programme's own words": Södertälje's pages say Fokusområde, Åtgärd,
årsberättelse and kommunen where Stockholm's say Mål, Aktivitet, verksamhetsberättelse and
staden, and leave out indicators, which the plan has none of."""

import re
from io import BytesIO

from django.http import HttpResponse
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from followup.models import BoardRole, Coordinator, Report
from followup.services import period_open, periods_create
from tests.catalog_data import load_sodertalje
from tests.followup_data import fill_report, user

BOARD = "sodertalje-overformyndarnamnden"


def text(response: HttpResponse) -> str:
    """The page as a reader sees it: tags and soft hyphens gone, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body.replace("&shy;", "").replace("&nbsp;", " "))


class SodertaljeOwnWordsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = load_sodertalje()
        periods_create(programme=cls.programme)
        ab = cls.programme.periods.get(year=2025, kind="AB")
        period_open(period=ab)
        annual = Report.objects.get(period=ab, board__slug=BOARD)
        fill_report(annual)
        annual.state = "inskickad"
        annual.save()
        cls.coordinator = user("samordnare-st")
        Coordinator.objects.create(user=cls.coordinator, programme=cls.programme)
        cls.reporter = user("rapportor-st", **{BOARD: BoardRole.REPORTER})
        cls.slug = cls.programme.slug

    def page(self, url: str, **params: str) -> str:
        self.client.force_login(self.coordinator)
        response = self.client.get(url, params, follow=True)
        self.assertEqual(response.status_code, 200, url)
        return text(response)

    def assert_no_stockholm_words(self, page: str, *words: str) -> None:
        for word in words:
            self.assertNotIn(word, page)

    def test_the_midterm_pages_speak_of_focus_areas_and_arsberattelser(self) -> None:
        for url in (
            reverse("midterm", args=[self.slug]),
            reverse("midterm-edit", args=[self.slug, 2025]),
            reverse("midterm-preview", args=[self.slug, 2025]),
        ):
            page = self.page(url)
            self.assertIn("Fokusområde 1", page)
            self.assertIn("årsberättelse", page)
            self.assert_no_stockholm_words(
                page,
                "Mål 1",
                "Spara mål",
                "verksamhetsberättelse",
                "Verksamhetsberättelse",
                "aktiviteterna",
                "Aktiviteter igång",
                "indikator",
                "målet",
            )
        edit = self.page(reverse("midterm-edit", args=[self.slug, 2025]))
        self.assertIn("Nuläget bygger på årsberättelserna 2025", edit)
        self.assertIn("Spara fokusområde 1: vad är på plats", edit)
        self.assertIn("åtgärderna har kommit igång", edit)
        preview = self.page(reverse("midterm-preview", args=[self.slug, 2025]))
        self.assertIn("Årsberättelser Åtgärder igång", preview)
        self.assertIn("Fokusområden helt uppfyllda", preview)
        self.assertIn("För att nå fokusområdet behöver", preview)
        self.assertIn("Inga analyser har skickats in för fokusområdet", preview)

    def test_the_samlad_uppfoljning_speaks_of_focus_areas_and_the_municipality(self) -> None:
        listing = self.page(reverse("city-followup-list"), program=self.slug)
        self.assertIn("För hela kommunen, byggd från nämndernas årsberättelser.", listing)
        self.assert_no_stockholm_words(listing, "hela staden", "verksamhetsberättelse")
        page = self.page(reverse("city-followup", args=[self.slug, 2025]))
        self.assertIn("Bedömning för fokusområde 1", page)
        self.assertIn("åtgärdsrader rapporterade", page)
        self.assertIn("Fokusområde 1: åtgärdernas bedömning", page)
        self.assert_no_stockholm_words(page, "Mål ", "aktivitet", "hela staden")

    def test_the_dashboard_speaks_of_focus_areas_measures_and_the_municipality(self) -> None:
        params = {"program": self.slug, "ar": "2025", "period": "AB"}
        page = self.page(reverse("dashboard"), **params)
        self.assertIn("Per fokusområde och nämnd", page)
        self.assertIn("åtgärdsrader rapporterade", page)
        self.assertIn("Antal åtgärder i inskickade", page)
        self.assertIn("Hela kommunen", page)
        self.assertIn("fokusområde 1: inga bedömda åtgärder", page)
        self.assertIn("Fördelning av 2 rapporterade åtgärder", page)
        self.assert_no_stockholm_words(page, "Per mål", "aktivitet", "Aktiviteter", "Hela staden")
        rows = self.page(reverse("dashboard-rows"), **params, visa="aktiviteter")
        self.assertIn("Åtgärder", rows)
        self.assertNotIn("Aktiviteter", rows)
        start = self.page(reverse("start"))
        self.assertIn("Översikt över hela kommunen", start)

    def test_the_own_items_form_offers_focus_areas_and_measures(self) -> None:
        self.client.force_login(self.reporter)
        report = Report.objects.get(period__kind="AB", period__year=2025, board__slug=BOARD)
        report.state = "utkast"
        report.save()
        response = self.client.get(reverse("report-detail", args=[report.pk]))
        page = text(response)
        self.assertIn("Egna åtgärder och indikatorer", page)
        self.assertIn("under programmets fokusområden", page)
        self.assertContains(response, ">Under fokusområde</label>")
        self.assertContains(response, ">Välj fokusområde</option>")
        self.assertContains(response, ">Fokusområde 1 Kommunen arbetar våldsförebyggande</option>")
        self.assertContains(response, '<option value="activity">Åtgärd</option>', html=True)
        self.assert_no_stockholm_words(page, "Egna aktiviteter", "Under mål", "Välj mål")

    def test_the_public_catalog_leaves_out_the_indicators_the_plan_does_not_have(self) -> None:
        self.client.logout()
        detail = text(self.client.get(reverse("programme-detail", args=[self.slug])))
        self.assertIn("2 förutsättningar · 8 åtgärder", detail)
        self.assertNotIn("indikator", detail)
        boards = text(self.client.get(reverse("board-list", args=[self.slug])))
        self.assertIn("Nämnd Åtgärder", boards)
        self.assertNotIn("Indikatorer", boards)
        goal = text(self.client.get(reverse("goal-detail", args=[self.slug, 1])))
        self.assertNotIn("Indikatorer för fokusområde", goal)
        self.assertNotIn("Inga indikatorer", goal)

    def test_the_excel_files_speak_the_plans_words(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("city-export", args=[self.slug, 2025]))
        book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
        self.assertEqual(book.sheetnames, ["Åtgärder", "Indikatorer", "Måluppfyllelse"])
        headers = [cell.value for cell in next(book["Åtgärder"].iter_rows(max_row=1))]
        self.assertIn("Fokusområde", headers)
        self.assertIn("Åtgärd", headers)
        self.assertNotIn("Mål", headers)
        self.assertNotIn("Aktivitet", headers)
        goal_headers = [cell.value for cell in next(book["Måluppfyllelse"].iter_rows(max_row=1))]
        self.assertIn("Fokusområdets rubrik", goal_headers)
        self.client.force_login(self.reporter)
        report = Report.objects.get(period__kind="AB", period__year=2025, board__slug=BOARD)
        template = load_workbook(
            BytesIO(self.client.get(reverse("report-excel", args=[report.pk])).content)
        )
        instructions = " ".join(str(row[0].value or "") for row in template["Instruktioner"].rows)
        self.assertIn(
            "Kolumnerna som beskriver raden (fokusområde, åtgärd, indikator, typ) är grå och låsta",
            instructions,
        )


class SodertaljeTemplateSheetsTests(TestCase):
    """The report template's sheets are named in the plan's words, and the upload reads
    them by those names (and by the general ones, in a template made before)."""

    @classmethod
    def setUpTestData(cls) -> None:
        programme = load_sodertalje()
        periods_create(programme=programme)
        ab = programme.periods.get(year=2025, kind="AB")
        period_open(period=ab)
        cls.report = Report.objects.get(period=ab, board__slug=BOARD)
        cls.reporter = user("rapportor-st", **{BOARD: BoardRole.REPORTER})

    def setUp(self) -> None:
        self.client.force_login(self.reporter)

    def download(self):
        from tests.test_excel import excel_url

        return load_workbook(BytesIO(self.client.get(excel_url(self.report)).content))

    def upload(self, workbook) -> HttpResponse:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.test_excel import as_bytes, excel_url

        file = SimpleUploadedFile("mall.xlsx", as_bytes(workbook))
        return self.client.post(excel_url(self.report), {"file": file})

    def test_sheets_are_named_atgarder_and_fokusomraden(self) -> None:
        workbook = self.download()
        self.assertEqual(
            workbook.sheetnames,
            ["Instruktioner", "Åtgärder", "Indikatorer", "Fokusområden", "Metadata"],
        )
        instructions = " ".join(str(row[0].value or "") for row in workbook["Instruktioner"].rows)
        self.assertIn(
            "Fyll i svaren på bladen Åtgärder, Indikatorer och Fokusområden", instructions
        )
        self.assertNotIn("Aktiviteter", instructions)

    def test_the_upload_reads_the_plans_sheets_and_an_older_templates(self) -> None:
        from tests.test_excel import fill

        row = self.report.activity_rows.order_by("pk").first()
        for old_names in (False, True):
            workbook = self.download()
            if old_names:  # a template downloaded before the sheets took the plan's words
                workbook["Åtgärder"].title = "Aktiviteter"
                workbook["Fokusområden"].title = "Mål"
            sheet = workbook["Aktiviteter" if old_names else "Åtgärder"]
            fill(sheet, row.pk, Status="Påbörjad", Kommentar=f"Gamla namn: {old_names}.")
            response = self.upload(workbook)
            self.assertEqual(response.status_code, 302, response.content.decode()[-600:])
            self.client.post(response["Location"])
            row.refresh_from_db()
            self.assertEqual(row.comment, f"Gamla namn: {old_names}.")

    def test_a_file_without_the_sheet_names_the_plans_sheet(self) -> None:
        workbook = self.download()
        del workbook["Åtgärder"]
        response = self.upload(workbook)
        self.assertContains(response, "Åtgärder", status_code=422)

    def test_own_items_and_confirmations_speak_of_focus_areas_and_measures(self) -> None:
        goal = self.report.period.programme.goals.get(number=1)
        response = self.client.post(
            reverse("report-own-item", args=[self.report.pk]),
            {"goal": goal.pk, "kind": "activity", "text": "Egen samverkansdag"},
            follow=True,
        )
        page = text(response)
        self.assertIn("”Egen samverkansdag” är tillagd under fokusområde 1.", page)
        self.assertIn("kan nämnden ta bort en egen åtgärd eller indikator", page)
        self.assertIn("Egen samverkansdag Egen åtgärd", page)
        self.assertNotIn("egen aktivitet", page.lower())
        response = self.client.post(
            reverse("report-goal-confirm", args=[self.report.pk, 1]), follow=True
        )
        self.assertIn("Inget under fokusområde 1 väntade på att bekräftas.", text(response))


class TwoMunicipalitiesStartTests(TestCase):
    """A person with roles in both municipalities sees two boards called Kommunstyrelsen:
    each is named with its municipality; the shared texts use no one programme's words."""

    @classmethod
    def setUpTestData(cls) -> None:
        from tests.followup_data import build_world

        cls.world = build_world()  # Stockholm's T1 2023, open
        programme = load_sodertalje()
        periods_create(programme=programme)
        period_open(period=programme.periods.get(year=2024, kind="DB"))
        cls.both = user(
            "rapportor-tva",
            **{
                "kommunstyrelsen": BoardRole.REPORTER,
                "sodertalje-kommunstyrelsen": BoardRole.REPORTER,
            },
        )
        Coordinator.objects.create(user=cls.world.coordinator, programme=programme)

    def test_each_kommunstyrelsen_is_named_with_its_municipality(self) -> None:
        self.client.force_login(self.both)
        page = text(self.client.get(reverse("start")))
        self.assertIn("Kommunstyrelsen Stockholms stad", page)
        self.assertIn("Kommunstyrelsen Södertälje kommun", page)

    def test_one_municipality_shows_no_municipality(self) -> None:
        self.client.force_login(self.world.reporter)
        page = text(self.client.get(reverse("start")))
        self.assertNotIn("Stockholms stad", page)

    def test_the_coordinator_of_both_gets_no_one_programmes_word(self) -> None:
        self.client.force_login(self.world.coordinator)
        page = text(self.client.get(reverse("start")))
        self.assertIn(" Översikt ", page)
        self.assertNotIn("Översikt över hela staden", page)
        self.assertNotIn("Översikt över hela kommunen", page)

    def test_the_samlad_list_gives_each_programme_its_own_words(self) -> None:
        self.client.force_login(self.world.coordinator)
        page = text(self.client.get(reverse("city-followup-list")))
        self.assertIn("För hela staden, byggd från nämndernas verksamhetsberättelser.", page)
        self.assertIn("För hela kommunen, byggd från nämndernas årsberättelser.", page)
        self.assertNotIn("Socialnämndens", page)

"""Södertälje's plan runs its own reporting cycle, the delårsbokslut and the årsberättelse,
in the same database as Stockholm's T1, T2 and VB, which stay as they were."""

from datetime import date, timedelta
from io import BytesIO

from concurrency.forms import get_signer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalog.models import PeriodDefinition
from catalog.services import CatalogDataError, programme_load
from followup.models import (
    ActivityStatus,
    BoardRole,
    CityReader,
    Coordinator,
    GoalAssessment,
    Report,
    ReportingPeriod,
)
from followup.rollup import year_figures
from followup.services import period_lock, period_open, periods_create
from tests.catalog_data import load_sodertalje, sodertalje_data, stockholm
from tests.followup_data import fill_report, user

BOARD = "sodertalje-overformyndarnamnden"
REPORTS_API = "/api/v1/reports/"


class SodertaljeCycleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = load_sodertalje()
        cls.stockholm = stockholm()
        periods_create(programme=cls.programme)
        periods_create(programme=cls.stockholm)
        cls.db = cls.programme.periods.get(year=2024, kind="DB")
        cls.ab = cls.programme.periods.get(year=2024, kind="AB")
        period_open(period=cls.db)
        period_open(period=cls.ab)
        cls.coordinator = user("samordnare-st")
        Coordinator.objects.create(user=cls.coordinator, programme=cls.programme)
        cls.stockholm_coordinator = user("samordnare-sthlm")
        Coordinator.objects.create(user=cls.stockholm_coordinator, programme=cls.stockholm)
        cls.reporter = user("rapportor-st", **{BOARD: BoardRole.REPORTER})
        # One person, roles in both municipalities.
        cls.both = user(
            "tva-kommuner",
            **{"sodertalje-socialnamnden": BoardRole.REPORTER, "socialnamnden": BoardRole.READER},
        )
        cls.report = cls.db.reports.get(board__slug=BOARD)

    def test_the_cycle_is_the_plans_delarsbokslut_and_arsberattelse(self) -> None:
        self.assertEqual(
            [
                (p.kind, p.label, p.opens_on, p.deadline, p.is_annual)
                for p in self.programme.periods.filter(year=2025)
            ],
            [
                ("DB", "Delårsbokslut 2025", date(2025, 9, 1), date(2025, 9, 25), False),
                ("AB", "Årsberättelse 2025", date(2026, 1, 8), date(2026, 2, 5), True),
            ],
        )
        self.assertEqual(self.programme.periods.count(), 8)  # two a year, 2024–2027

    def test_stockholms_periods_are_unchanged(self) -> None:
        self.assertEqual(
            [
                (p.kind, p.label, p.opens_on, p.deadline, p.is_annual)
                for p in self.stockholm.periods.filter(year=2023)
            ],
            [
                ("T1", "Tertialrapport 1 2023", date(2023, 5, 2), date(2023, 5, 20), False),
                ("T2", "Tertialrapport 2 2023", date(2023, 9, 1), date(2023, 9, 20), False),
                ("VB", "Verksamhetsberättelse 2023", date(2024, 1, 10), date(2024, 2, 10), True),
            ],
        )

    def test_opening_the_delarsbokslut_gives_every_board_with_a_measure_its_report(self) -> None:
        # Co-responsible boards report too ("följa upp de delar som rör deras verksamheter").
        boards = set(self.db.reports.values_list("board__slug", flat=True))
        self.assertEqual(len(boards), 14)
        self.assertIn("sodertalje-miljonamnden", boards)  # only ever medansvarig
        self.assertTrue(self.programme.co_responsible_reports)
        self.assertEqual(self.report.activity_rows.count(), 2)

    def test_earlier_reports_list_the_year_newest_first_in_the_plans_own_order(self) -> None:
        period_lock(period=self.db)
        period_lock(period=self.ab)
        self.client.force_login(self.reporter)
        html = self.client.get(reverse("start")).content.decode()
        earlier = html[html.index('id="earlier-title"') :]
        # The årsberättelse comes after the delårsbokslut in the year: newest first it leads.
        self.assertLess(earlier.index("Årsberättelse 2024"), earlier.index("Delårsbokslut 2024"))

    def test_only_the_arsberattelse_assesses_the_focus_areas(self) -> None:
        self.assertFalse(GoalAssessment.objects.filter(report__period=self.db).exists())
        annual = self.ab.reports.get(board__slug=BOARD)
        self.assertEqual(annual.goal_rows.count(), 1)

    def test_the_coordinator_opens_the_plans_periods_and_stockholms_cannot(self) -> None:
        period = self.programme.periods.get(year=2025, kind="DB")
        url = reverse("period-open", args=[period.pk])
        self.client.force_login(self.stockholm_coordinator)
        self.assertEqual(self.client.post(url).status_code, 404)
        period.refresh_from_db()
        self.assertEqual(period.state, "not_open")
        self.client.force_login(self.coordinator)
        # Its usual deadline (25 September 2025) has passed: opening asks for a new one.
        refused = self.client.post(url)
        self.assertContains(refused, "har redan passerat", status_code=422)
        deadline = timezone.localdate() + timedelta(days=30)
        response = self.client.post(url, {"deadline": deadline.isoformat()}, follow=True)
        self.assertContains(response, f"Delårsbokslut 2025 är öppen, med sista dag {deadline}")
        self.assertContains(response, "14 nya rapporter skapades")

    def test_the_period_list_chooses_a_programme(self) -> None:
        Coordinator.objects.create(user=self.stockholm_coordinator, programme=self.programme)
        self.client.force_login(self.stockholm_coordinator)
        both = self.client.get(reverse("period-list"))
        self.assertContains(both, "Tertialrapport 1 2021")
        self.assertContains(both, "Delårsbokslut 2024")
        self.assertContains(both, '<label for="f-program">Program</label>', html=True)
        one = self.client.get(reverse("period-list"), {"program": self.programme.slug})
        self.assertNotContains(one, "Tertialrapport")
        self.assertContains(one, "Årsberättelse 2027")

    def test_the_dashboard_offers_the_plans_own_periods(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("dashboard"), {"program": self.programme.slug})
        self.assertContains(response, "Fri från våld 2024–2027, Årsberättelse 2024")
        self.assertContains(response, '<option value="DB">Delårsbokslut</option>', html=True)
        self.assertNotContains(response, "Tertialrapport")
        self.assertContains(response, "Fokusområde 1")

    def test_the_dashboard_filters_the_measures_by_prevention_level(self) -> None:
        self.client.force_login(self.coordinator)
        params = {"program": self.programme.slug, "ar": "2024", "period": "DB", "mal": "4"}
        every = self.client.get(reverse("dashboard"), params)
        self.assertContains(every, '<label for="f-niva">Preventionsnivå</label>', html=True)
        rows = ActivityStatus.objects.filter(report__period=self.db, activity__goal__number=4)
        self.assertContains(every, f"0 av {rows.count()} åtgärdsrader rapporterade")
        selective = self.client.get(reverse("dashboard"), {**params, "niva": "selektiv"})
        only = rows.filter(activity__prevention_level="selektiv").count()
        self.assertLess(only, rows.count())
        self.assertContains(selective, f"0 av {only} åtgärdsrader rapporterade")
        # Stockholm's activities have no level: its dashboard offers none.
        self.client.force_login(self.stockholm_coordinator)
        stockholms = self.client.get(reverse("dashboard"))
        self.assertContains(stockholms, "Program mot våld 2021–2025")
        self.assertNotContains(stockholms, "Preventionsnivå")

    def test_a_stockholm_reader_never_sees_the_plans_dashboard(self) -> None:
        reader = user("lasare-sthlm")
        CityReader.objects.create(user=reader, programme=self.stockholm)
        self.client.force_login(reader)
        response = self.client.get(reverse("dashboard"), {"program": self.programme.slug})
        self.assertContains(response, "Program mot våld 2021–2025")
        self.assertNotContains(response, "Fri från våld")

    def test_one_person_reports_in_one_municipality_and_reads_in_the_other(self) -> None:
        period = self.stockholm.periods.get(year=2023, kind="T1")
        period_open(period=period)
        self.client.force_login(self.both)
        response = self.client.get(reverse("start"))
        self.assertContains(response, "Delårsbokslut 2024")
        self.assertContains(response, "Tertialrapport 1 2023")
        mine = Report.objects.get(period=self.db, board__slug="sodertalje-socialnamnden")
        self.assertEqual(self.client.get(reverse("report-detail", args=[mine.pk])).status_code, 200)

    def test_the_reports_api_names_the_plans_periods(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(REPORTS_API, {"period": "DB", "board": BOARD})
        self.assertEqual(response.status_code, 200)
        [only] = response.json()["results"]
        self.assertEqual(
            (only["programme"], only["period"], only["period_label"]),
            (self.programme.slug, "DB", "Delårsbokslut 2024"),
        )
        bad = self.client.get(REPORTS_API, {"programme": self.programme.slug, "period": "T1"})
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json(), {"detail": "Parametern period måste vara en av DB, AB."})
        stockholms = self.client.get(
            REPORTS_API, {"programme": "stockholm-2021-2025", "period": "X"}
        )
        self.assertEqual(
            stockholms.json(), {"detail": "Parametern period måste vara en av T1, T2, VB."}
        )

    def test_the_delarsbokslut_has_no_summary_only_the_arsberattelse(self) -> None:
        self.client.force_login(self.reporter)
        data = {
            "summary-summary": "Smugglad text",
            "summary-version": get_signer().sign(self.report.version),
        }
        response = self.client.post(reverse("report-summary", args=[self.report.pk]), data)
        self.assertContains(response, "Bara årsberättelsen har en sammanfattning", status_code=422)
        self.report.refresh_from_db()
        self.assertEqual(self.report.summary, "")

    def test_the_excel_template_is_the_delarsbokslut(self) -> None:
        self.client.force_login(self.reporter)
        response = self.client.get(reverse("report-excel", args=[self.report.pk]))
        self.assertIn(f"{BOARD}-2024-DB.xlsx", response["Content-Disposition"])
        workbook = load_workbook(BytesIO(response.content))
        self.assertEqual(
            workbook["Instruktioner"]["A1"].value, "Överförmyndarnämnden – Delårsbokslut 2024"
        )
        self.assertEqual(workbook["Metadata"]["B5"].value, "DB")
        header = [cell.value for cell in workbook["Åtgärder"][1]][:2]
        self.assertEqual(header, ["Fokusområde", "Åtgärd"])

    def test_the_filled_template_imports_into_the_delarsbokslut(self) -> None:
        self.client.force_login(self.reporter)
        url = reverse("report-excel", args=[self.report.pk])
        workbook = load_workbook(BytesIO(self.client.get(url).content))
        sheet = workbook["Åtgärder"]
        headers = [cell.value for cell in sheet[1]]
        status, assessment = headers.index("Status") + 1, headers.index("Bedömning") + 1
        for line in (2, 3):
            sheet.cell(row=line, column=status, value="Genomförd")
            sheet.cell(row=line, column=assessment, value="Enligt plan")
        content = BytesIO()
        workbook.save(content)
        response = self.client.post(
            url, {"file": SimpleUploadedFile("mall.xlsx", content.getvalue())}, follow=True
        )
        self.assertNotContains(response, "Kolumnerna stämmer inte med mallen")
        self.assertContains(response, "Filen ändrar 2 rader.")

    def test_the_samlad_uppfoljning_is_built_from_the_arsberattelse(self) -> None:
        annual = self.ab.reports.get(board__slug=BOARD)
        fill_report(annual)
        annual.state = "inskickad"
        annual.save()
        figures = year_figures(self.programme, 2024)
        self.assertEqual((figures["period"], figures["period_label"]), ("AB", "Årsberättelse 2024"))
        self.assertEqual(figures["completeness"]["reported"], 1)


class SodertaljeWordsTests(TestCase):
    """The plan's own words: Fokusområde, Åtgärd, Medansvariga, its prevention levels."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = load_sodertalje()
        periods_create(programme=cls.programme)
        period_open(period=cls.programme.periods.get(year=2024, kind="DB"))
        cls.reporter = user("rapportor-st", **{BOARD: BoardRole.REPORTER})
        cls.report = Report.objects.get(period__kind="DB", period__year=2024, board__slug=BOARD)

    def goal_page(self, number: int, **params: str):
        return self.client.get(reverse("goal-detail", args=[self.programme.slug, number]), params)

    def test_a_focus_areas_page_filters_by_prevention_level(self) -> None:
        every = self.goal_page(3)
        self.assertContains(every, '<h2 id="activities-heading">Åtgärder</h2>', html=True)
        self.assertContains(every, '<label for="f-niva">Preventionsnivå</label>', html=True)
        self.assertContains(every, "3:1")
        self.assertContains(every, "3:2")
        indicated = self.goal_page(3, niva="indikerad")
        self.assertContains(indicated, "3:1")
        self.assertContains(indicated, "3:4")
        self.assertNotContains(indicated, "3:2")
        self.assertNotContains(indicated, "3:3")
        # A level the page does not know shows every measure, never an error.
        self.assertContains(self.goal_page(3, niva="<x>"), "3:2")

    def test_co_responsible_boards_are_shown_apart(self) -> None:
        response = self.goal_page(1)
        self.assertContains(response, 'class="meta co-responsible">Medansvariga: ')
        self.assertContains(response, "Socialnämnden</a> (medansvarig)")

    def test_the_report_page_speaks_the_plans_words(self) -> None:
        self.client.force_login(self.reporter)
        response = self.client.get(reverse("report-detail", args=[self.report.pk]))
        self.assertContains(response, '<span class="goal-number">Fokusområde 5</span>', html=True)
        self.assertContains(response, "<h3>Åtgärder</h3>", html=True)
        self.assertContains(response, '<span class="activity-number">Åtgärd 5:1</span>', html=True)
        self.assertContains(response, '<span class="tag">Indikerad prevention</span>', html=True)

    def test_the_styrkort_names_the_level_and_the_focus_area(self) -> None:
        from django.template.loader import render_to_string

        from followup.documents.styrkort import TEMPLATE, styrkort_build

        card = styrkort_build(self.programme, self.report.board, with_status=True)
        html = render_to_string(TEMPLATE, card.context())
        self.assertIn("Fokusområde 5", html)
        self.assertIn("indikerad&nbsp;prevention", html)
        self.assertIn("Åtgärder", html)


class CycleLoadTests(TestCase):
    def test_a_catalog_without_a_cycle_gets_stockholms(self) -> None:
        programme, _ = programme_load(data=sodertalje_data())
        self.assertEqual(
            list(programme.cycle.values_list("code", "is_annual")),
            [("T1", False), ("T2", False), ("VB", True)],
        )

    def test_where_co_responsible_boards_do_not_report_they_get_no_rows(self) -> None:
        data = sodertalje_data()  # 1:1: Barn- och utbildningsnämnden, Socialnämnden medansvarig
        data["programme"]["co_responsible_reports"] = False
        programme, _ = programme_load(data=data)
        periods_create(programme=programme)
        period = programme.periods.get(year=2024, kind="T1")
        period_open(period=period)
        self.assertEqual(
            list(period.reports.values_list("board__slug", flat=True)),
            ["sodertalje-barn-och-utbildningsnamnden"],
        )
        data["programme"]["co_responsible_reports"] = True
        programme_load(data=data)
        period_open(period=programme.periods.get(year=2025, kind="T1"))
        report = Report.objects.get(period__year=2025, board__slug="sodertalje-socialnamnden")
        self.assertEqual(report.activity_rows.get().activity.number, "1:1")

    def test_a_cycle_without_exactly_one_annual_report_is_refused(self) -> None:
        data = sodertalje_data()
        data["cycle"] = [
            {"code": "DB", "name": "Delårsbokslut", "opens": [0, 9, 1], "deadline": [0, 9, 25]}
        ]
        with self.assertRaisesMessage(CatalogDataError, "precis en årsrapport"):
            programme_load(data=data)
        self.assertFalse(PeriodDefinition.objects.filter(code="DB").exists())
        self.assertFalse(ReportingPeriod.objects.filter(kind="DB").exists())

"""One wording rule for a report's rows, the same on the page, in the API, in the Excel
template and in the city's export: a submitted report shows the wording the board reported
on, a report being written the catalog's current wording (followup.rows)."""

from io import BytesIO

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import Activity, Goal, Indicator
from followup.excel.layout import ACTIVITIES, GOALS, INDICATORS, SheetSpec
from followup.models import ReportState
from followup.selectors import my_reports
from followup.services import report_completeness_now, report_review, report_submit
from tests.followup_data import DISTRICT, build_world, fill_report

OLD_ACTIVITY = "Utbilda personalen i att upptäcka våld i nära relationer."
OLD_INDICATOR = "Andel anställda som har gått utbildningen."
OLD_GOAL = "Våldet förebyggs tidigt."
NEW_ACTIVITY = "Omformulerad aktivitet efter revidering av programmet."
NEW_INDICATOR = "Omformulerad indikator efter revidering av programmet."
NEW_GOAL = "Omformulerat mål efter revidering av programmet."


class RowWordingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(kind="VB")
        report = cls.world.report
        fill_report(report)
        cls.activity_row = report.activity_rows.select_related("activity__goal").first()
        cls.indicator_row = report.indicator_rows.select_related("indicator").first()
        cls.goal_row = report.goal_rows.select_related("goal").get(
            goal=cls.activity_row.activity.goal
        )
        # The wording the board answers to while it writes its report.
        Activity.objects.filter(pk=cls.activity_row.activity_id).update(text=OLD_ACTIVITY)
        Indicator.objects.filter(pk=cls.indicator_row.indicator_id).update(text=OLD_INDICATOR)
        Goal.objects.filter(pk=cls.goal_row.goal_id).update(title=OLD_GOAL)

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def reword_catalog(self) -> None:
        """The samordnare revises the programme's wording (as the admin or loader would)."""
        Activity.objects.filter(pk=self.activity_row.activity_id).update(text=NEW_ACTIVITY)
        Indicator.objects.filter(pk=self.indicator_row.indicator_id).update(text=NEW_INDICATOR)
        Goal.objects.filter(pk=self.goal_row.goal_id).update(title=NEW_GOAL)

    def page(self) -> str:
        response = self.client.get(reverse("report-detail", args=[self.world.report.pk]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def api(self) -> tuple[str, str, str]:
        response = self.client.get(
            reverse("api-report-list"), {"board": DISTRICT, "year": "2023", "period": "VB"}
        )
        (report,) = response.json()["results"]
        activity = next(
            a for a in report["activities"] if a["activity"] == self.activity_row.activity_id
        )
        indicator = next(
            i for i in report["indicators"] if i["indicator"] == self.indicator_row.indicator_id
        )
        goal = next(g for g in report["goals"] if g["goal"] == self.goal_row.goal.number)
        return activity["text"], indicator["text"], goal["title"]

    def excel(self) -> tuple[str, str, str]:
        response = self.client.get(reverse("report-excel", args=[self.world.report.pk]))
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(BytesIO(response.content))

        def cell(spec: SheetSpec, pk: int, column: int) -> str:
            for values in workbook[spec.title].iter_rows(min_row=2, values_only=True):
                if values[spec.id_column - 1] == pk:
                    return values[column - 1]
            raise AssertionError(f"row {pk} not on the sheet {spec.title}")

        return (
            cell(ACTIVITIES, self.activity_row.pk, 2),
            cell(INDICATORS, self.indicator_row.pk, 2),
            cell(GOALS, self.goal_row.pk, 1),
        )

    def city_export(self) -> set[str]:
        """Every wording of the board's rows in the programme year's export."""
        url = reverse("city-export", args=[self.world.programme.slug, 2023])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
        board = self.world.report.board.name
        # After the five common columns: goal and number before an activity's text, the goal
        # before an indicator's text and before a goal's title.
        columns = {"Aktiviteter": 7, "Indikatorer": 6, "Måluppfyllelse": 6}
        return {
            values[column]
            for title, column in columns.items()
            for values in workbook[title].iter_rows(min_row=2, values_only=True)
            if values[0] == board
        }

    def assertWording(self, activity: str, indicator: str, goal: str, *, not_: str) -> None:
        page = self.page()
        for text in (activity, indicator, goal):
            self.assertTrue(text in page, f"{text!r} is not on the page")
        self.assertFalse(not_ in page, f"{not_!r} is on the page")
        self.assertEqual(self.api(), (activity, indicator, goal))
        number = self.goal_row.goal.number
        self.assertEqual(self.excel(), (activity, indicator, f"{number}. {goal}"))
        export = self.city_export()
        missing = {activity, indicator, goal} - export
        self.assertFalse(missing, f"{missing} not in the export")
        self.assertFalse(any(not_ in text for text in export), f"{not_!r} in the export")

    def test_submitted_report_keeps_the_wording_it_was_reported_on_everywhere(self) -> None:
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        self.reword_catalog()
        self.assertWording(OLD_ACTIVITY, OLD_INDICATOR, OLD_GOAL, not_="Omformulera")

    def test_approved_report_keeps_it_too(self) -> None:
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        report_review(
            report=self.world.report, user=self.world.coordinator, approve=True, comment=""
        )
        self.reword_catalog()
        self.assertWording(OLD_ACTIVITY, OLD_INDICATOR, OLD_GOAL, not_="Omformulera")

    def test_draft_shows_the_catalogs_current_wording_everywhere(self) -> None:
        self.reword_catalog()
        self.assertWording(NEW_ACTIVITY, NEW_INDICATOR, NEW_GOAL, not_=OLD_ACTIVITY)

    def test_returned_report_shows_the_wording_it_will_be_sent_in_with(self) -> None:
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        report_review(
            report=self.world.report,
            user=self.world.coordinator,
            approve=False,
            comment="Komplettera analysen.",
        )
        self.reword_catalog()
        self.assertWording(NEW_ACTIVITY, NEW_INDICATOR, NEW_GOAL, not_=OLD_ACTIVITY)

    def test_resubmitting_keeps_the_new_wording(self) -> None:
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        report_review(
            report=self.world.report, user=self.world.coordinator, approve=False, comment="Mer."
        )
        self.reword_catalog()
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        Activity.objects.filter(pk=self.activity_row.activity_id).update(text="Tredje lydelsen.")
        self.assertWording(NEW_ACTIVITY, NEW_INDICATOR, NEW_GOAL, not_="Tredje lydelsen.")


class FilledCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(kind="VB")
        fill_report(cls.world.report)

    def test_start_page_counts_a_row_filled_exactly_when_the_report_page_does(self) -> None:
        # An analysis of blanks only is no analysis: the report page lists the goal as missing.
        row = self.world.report.goal_rows.first()
        row.analysis = "   "
        row.save()
        completeness = report_completeness_now(self.world.report)
        self.assertEqual(len(completeness.missing), 1)
        (summary,) = [
            s for s in my_reports(self.world.reporter) if s.report.pk == self.world.report.pk
        ]
        self.assertEqual((summary.filled, summary.total), (completeness.filled, completeness.total))
        self.assertEqual(self.world.report.state, ReportState.DRAFT)

"""A form sent twice does one thing (issue 9, point 6), a board removes its own item from a
draft (kept in the history), and a summary belongs to the annual report only (point 5)."""

from datetime import timedelta

from concurrency.forms import get_signer
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from catalog.models import Activity, ActivityResponsibility, Indicator
from followup.models import ActivityStatus, PeriodState, ReportingPeriod, ReportState
from followup.services import own_item_add, period_open
from tests.followup_data import build_world, fill_report


def own_post(goal_pk: int, text: str = "Samverkansforum med frivården", kind: str = "activity"):
    return {"goal": goal_pk, "kind": kind, "text": text}


class OwnItemTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.goal = cls.world.programme.goals.get(number=2)

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)
        self.add_url = reverse("report-own-item", args=[self.world.report.pk])

    def own_activities(self) -> list[Activity]:
        return list(Activity.objects.own().filter(added_by=self.world.report.board))

    def test_a_double_click_on_add_creates_one_own_activity(self) -> None:
        for _ in range(2):
            response = self.client.post(self.add_url, own_post(self.goal.pk), follow=True)
            self.assertContains(response, "är tillagd under mål 2")
        self.assertEqual(len(self.own_activities()), 1)
        self.assertEqual(
            self.world.report.activity_rows.filter(activity__added_by__isnull=False).count(), 1
        )
        # Another text, or an indicator with the same text, is another item.
        self.client.post(self.add_url, own_post(self.goal.pk, text="Ett annat forum"))
        self.client.post(self.add_url, own_post(self.goal.pk, kind="count"))
        self.assertEqual(len(self.own_activities()), 2)
        self.assertEqual(
            Indicator.objects.own().filter(added_by=self.world.report.board).count(), 1
        )

    def test_a_board_removes_its_own_activity_from_its_draft_and_the_history_keeps_it(self) -> None:
        self.client.post(self.add_url, own_post(self.goal.pk))
        item = self.own_activities()[0]
        page = self.client.get(reverse("report-detail", args=[self.world.report.pk]))
        remove_url = reverse(
            "report-own-item-remove", args=[self.world.report.pk, "aktivitet", item.pk]
        )
        self.assertContains(page, f'action="{remove_url}"')

        response = self.client.post(remove_url, follow=True)
        self.assertContains(response, "är borttagen ur rapporten")
        self.assertFalse(Activity.objects.filter(pk=item.pk).exists())
        self.assertFalse(ActivityResponsibility.objects.filter(activity_id=item.pk).exists())
        # Who removed the row and the item, and when, stays on record.
        row_removal = ActivityStatus.history.get(activity_id=item.pk, history_type="-")
        self.assertEqual(row_removal.history_user, self.world.reporter)
        self.assertEqual(
            Activity.history.get(id=item.pk, history_type="-").history_user, self.world.reporter
        )
        history = self.client.get(reverse("report-history", args=[self.world.report.pk]))
        self.assertContains(history, "Samverkansforum med frivården")
        self.assertContains(history, "borttagen")

    def test_an_item_another_report_holds_stays_while_this_report_loses_it(self) -> None:
        item = own_item_add(report=self.world.report, goal=self.goal, text="Eget forum")
        earlier = ReportingPeriod.objects.get(programme=self.world.programme, year=2022, kind="T1")
        earlier_report = self.world.report.__class__.objects.create(
            period=earlier, board=self.world.report.board, state=ReportState.SUBMITTED
        )
        ActivityStatus.objects.create(report=earlier_report, activity=item)
        url = reverse("report-own-item-remove", args=[self.world.report.pk, "aktivitet", item.pk])
        self.client.post(url)
        self.assertTrue(Activity.objects.filter(pk=item.pk).exists())
        self.assertFalse(self.world.report.activity_rows.filter(activity=item).exists())
        self.assertTrue(earlier_report.activity_rows.filter(activity=item).exists())

    def test_only_a_draft_loses_own_items_and_only_the_boards_own(self) -> None:
        item = own_item_add(report=self.world.report, goal=self.goal, text="Eget forum")
        programme_item = (
            self.world.report.activity_rows.filter(activity__added_by__isnull=True).first().activity
        )
        url = reverse(
            "report-own-item-remove", args=[self.world.report.pk, "aktivitet", programme_item.pk]
        )
        self.assertEqual(self.client.post(url).status_code, 404)
        self.client.force_login(self.world.reader)
        url = reverse("report-own-item-remove", args=[self.world.report.pk, "aktivitet", item.pk])
        self.assertEqual(self.client.post(url).status_code, 403)
        self.client.force_login(self.world.other_reporter)
        self.assertEqual(self.client.post(url).status_code, 404)
        # Returned after a submit: no longer a draft, the item stays.
        self.world.report.__class__.objects.filter(pk=self.world.report.pk).update(
            state=ReportState.RETURNED
        )
        self.client.force_login(self.world.reporter)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "bara tas bort medan rapporten är ett utkast")
        self.assertTrue(Activity.objects.filter(pk=item.pk).exists())


class PeriodOpenTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_opening_an_open_period_again_is_refused_and_records_nothing(self) -> None:
        period = ReportingPeriod.objects.get(programme=self.world.programme, year=2024, kind="T1")
        self.client.force_login(self.world.coordinator)
        url = reverse("period-open", args=[period.pk])
        deadline = {"deadline": (timezone.localdate() + timedelta(days=7)).isoformat()}
        self.assertContains(self.client.post(url, deadline, follow=True), "23 nya rapporter")
        response = self.client.post(url, deadline, follow=True)
        self.assertContains(response, "Tertialrapport 1 2024 är redan öppen.")
        self.assertEqual(period.history.filter(state=PeriodState.OPEN).count(), 1)
        with self.assertRaisesMessage(Exception, "är redan öppen"):
            period_open(period=period)


class SummaryTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(kind="T1")

    def test_a_summary_posted_to_a_tertial_report_is_refused_and_not_stored(self) -> None:
        self.client.force_login(self.world.reporter)
        report = self.world.report
        url = reverse("report-summary", args=[report.pk])
        data = {
            "summary-summary": "Smugglad text",
            "summary-version": get_signer().sign(report.version),
        }
        response = self.client.post(url, data)
        self.assertContains(
            response, "Bara verksamhetsberättelsen har en sammanfattning", status_code=422
        )
        report.refresh_from_db()
        self.assertEqual(report.summary, "")

    def test_a_filled_tertial_report_needs_no_summary(self) -> None:
        fill_report(self.world.report)
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            reverse("report-submit", args=[self.world.report.pk]), follow=True
        )
        self.assertContains(response, "Rapporten är inskickad")

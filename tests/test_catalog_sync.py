"""A change to what a board answers for reaches the reports being written in the same
transaction (issue 9, point 4): through the catalog loader and the admin, never by reading
a report. Submitted and approved reports keep the rows they were made from."""

from typing import Any

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from catalog.models import Activity, Board
from catalog.services import CatalogDataError, programme_load
from followup.models import ActivityStatus, ReportState
from followup.services import report_submit
from tests.catalog_data import stockholm_data
from tests.followup_data import OTHER, build_world, fill_report

FARSTA = OTHER


def goal_activity(number: int, position: int) -> Activity:
    return Activity.objects.in_programme().get(goal__number=number, position=position)


def admin_post_data(response: Any) -> dict[str, Any]:
    """The admin change form's data as the browser would send it back unchanged."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else value
    return data


class LoaderSyncTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_a_board_made_responsible_by_the_loader_gets_the_row_at_once(self) -> None:
        data = stockholm_data()
        data["goals"][0]["activities"][2]["responsible"].append(FARSTA)  # Utbildningsnämnden's
        programme_load(data=data)
        gained = goal_activity(1, 3)
        self.assertTrue(self.world.other_report.activity_rows.filter(activity=gained).exists())
        self.assertFalse(self.world.report.activity_rows.filter(activity=gained).exists())

    def test_an_activity_the_loader_removes_leaves_the_reports_being_written(self) -> None:
        removed = goal_activity(2, 10)  # the stadsdelsnämnder's
        self.assertTrue(self.world.report.activity_rows.filter(activity=removed).exists())
        data = stockholm_data()
        data["goals"][1]["activities"].pop()
        programme_load(data=data)
        self.assertFalse(Activity.objects.filter(pk=removed.pk).exists())
        self.assertFalse(ActivityStatus.objects.filter(activity_id=removed.pk).exists())

    def test_the_loader_cannot_remove_what_a_submitted_report_was_made_from(self) -> None:
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        removed = goal_activity(2, 10)
        data = stockholm_data()
        data["goals"][1]["activities"].pop()
        with self.assertRaisesMessage(CatalogDataError, "kan inte tas bort"):
            programme_load(data=data)
        # All or nothing: the other reports keep their rows too.
        self.assertTrue(self.world.other_report.activity_rows.filter(activity=removed).exists())


class AdminSyncTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.staff = User.objects.create_superuser("admin", password="lösenord-för-test-1")

    def setUp(self) -> None:
        self.client.force_login(self.staff)

    def test_a_responsibility_added_in_the_admin_gives_the_board_its_row(self) -> None:
        activity = goal_activity(1, 3)  # Utbildningsnämnden's
        url = reverse("admin:catalog_activity_change", args=[activity.pk])
        data = admin_post_data(self.client.get(url))
        total = int(data["responsibilities-TOTAL_FORMS"])
        data["responsibilities-TOTAL_FORMS"] = str(total + 1)
        data[f"responsibilities-{total}-board"] = str(Board.objects.get(slug=FARSTA).pk)
        data[f"responsibilities-{total}-role"] = "ansvarig"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertTrue(self.world.other_report.activity_rows.filter(activity=activity).exists())

    def test_a_responsibility_removed_in_the_admin_takes_the_row_out(self) -> None:
        activity = goal_activity(2, 10)  # the stadsdelsnämnder's
        url = reverse("admin:catalog_activity_change", args=[activity.pk])
        response = self.client.get(url)
        data = admin_post_data(response)
        formset = response.context["inline_admin_formsets"][0].formset
        farsta = Board.objects.get(slug=FARSTA).pk
        index = next(n for n, form in enumerate(formset.forms) if form.instance.board_id == farsta)
        data[f"responsibilities-{index}-DELETE"] = "on"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertFalse(self.world.other_report.activity_rows.filter(activity=activity).exists())
        self.assertTrue(self.world.report.activity_rows.filter(activity=activity).exists())

    def test_an_item_only_draft_reports_answer_for_can_be_deleted_in_the_admin(self) -> None:
        activity = goal_activity(2, 10)
        url = reverse("admin:catalog_activity_delete", args=[activity.pk])
        self.assertNotContains(self.client.get(url), "skyddade")
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Activity.objects.filter(pk=activity.pk).exists())
        self.assertFalse(ActivityStatus.objects.filter(activity_id=activity.pk).exists())

    def test_an_item_a_submitted_report_holds_cannot_be_deleted_in_the_admin(self) -> None:
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        self.assertEqual(
            self.world.report.__class__.objects.get(pk=self.world.report.pk).state,
            ReportState.SUBMITTED,
        )
        activity = goal_activity(2, 10)
        url = reverse("admin:catalog_activity_delete", args=[activity.pk])
        self.client.post(url, {"post": "yes"})
        self.assertTrue(Activity.objects.filter(pk=activity.pk).exists())
        self.assertTrue(self.world.report.activity_rows.filter(activity=activity).exists())

from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from catalog.models import Activity, Board, Goal, Indicator, Programme
from tests.test_catalog_pages import grow_catalog


class CatalogAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.staff = User.objects.create_superuser("samordnare", password="x" * 20)

    def setUp(self) -> None:
        self.client.force_login(self.staff)

    def test_every_catalog_list_opens_with_its_filters(self) -> None:
        for model, query in (
            (Programme, ""),
            (Goal, "?programme__id__exact=1"),
            (Activity, "?boards__kind=bolag"),
            (Indicator, "?kind=count"),
            (Board, "?kind=stadsdelsnamnd"),
        ):
            url = reverse(f"admin:catalog_{model._meta.model_name}_changelist") + query
            with self.subTest(model=model.__name__):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_activity_list_filtered_by_board_kind_shows_the_housing_companies_activity(
        self,
    ) -> None:
        url = reverse("admin:catalog_activity_changelist") + "?boards__kind=bolag"
        response = self.client.get(url)
        self.assertContains(response, "Sprida lättillgänglig information på flera språk om stöd-")
        self.assertContains(response, "1 aktivitet")

    def test_board_list_counts_commitments(self) -> None:
        response = self.client.get(reverse("admin:catalog_board_changelist") + "?q=Kulturnämnden")
        self.assertContains(response, '<td class="field-activity_count">2</td>', html=True)
        self.assertContains(response, '<td class="field-indicator_count">2</td>', html=True)

    def test_activity_list_query_count_does_not_grow(self) -> None:
        url = reverse("admin:catalog_activity_changelist")
        self.client.get(url)  # warm the session and content-type caches
        with self.assertNumQueries(queries := _count_queries(self, url)):
            self.client.get(url)
        grow_catalog(extra_boards=20)
        with self.assertNumQueries(queries):
            self.client.get(url)

    def test_admin_edit_is_recorded_with_who(self) -> None:
        goal = Goal.objects.get(number=7)
        response = self.client.post(
            reverse("admin:catalog_goal_change", args=[goal.pk]),
            {
                "programme": goal.programme_id,
                "number": 7,
                "title": "Ny rubrik",
                "prerequisites-TOTAL_FORMS": 0,
                "prerequisites-INITIAL_FORMS": 0,
            },
        )
        self.assertEqual(response.status_code, 302)
        latest = goal.history.latest()
        self.assertEqual((latest.title, latest.history_user), ("Ny rubrik", self.staff))

    def test_readers_without_staff_status_are_kept_out(self) -> None:
        self.client.force_login(User.objects.create_user("lasare", password="y" * 20))
        response = self.client.get(reverse("admin:catalog_activity_changelist"))
        self.assertEqual(response.status_code, 302)


def _count_queries(test: TestCase, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        test.client.get(url)
    return len(captured)


class FollowupAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from tests.followup_data import build_world

        cls.world = build_world()
        cls.staff = User.objects.create_superuser("admin", password="x" * 20)

    def setUp(self) -> None:
        self.client.force_login(self.staff)

    def test_memberships_periods_and_reports_are_listed(self) -> None:
        for name in ("membership", "coordinator", "reportingperiod", "report"):
            with self.subTest(model=name):
                response = self.client.get(reverse(f"admin:followup_{name}_changelist"))
                self.assertEqual(response.status_code, 200)
        response = self.client.get(reverse("admin:followup_membership_changelist") + "?role=lasare")
        self.assertContains(response, "lasare")
        self.assertNotContains(response, "annan")

    def test_reports_are_read_only_in_the_admin(self) -> None:
        url = reverse("admin:followup_report_change", args=[self.world.report.pk])
        self.assertContains(self.client.get(url), "Rinkeby-Kista stadsdelsnämnd")
        response = self.client.post(url, {"state": "godkand"})
        self.assertEqual(response.status_code, 403)
        self.world.report.refresh_from_db()
        self.assertEqual(self.world.report.state, "utkast")


class HistoryAdminTests(TestCase):
    """The admin's history pages (django-simple-history) answer an address whose id is no
    id with 404, like the admin's change page, never with a server error."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.staff = User.objects.create_superuser("admin", password="x" * 20)

    def test_a_history_address_with_junk_for_an_id_is_404_in_every_history_admin(self) -> None:
        self.client.force_login(self.staff)
        self.client.raise_request_exception = False
        with_history = [
            model
            for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, SimpleHistoryAdmin)
        ]
        self.assertGreaterEqual(len(with_history), 10)
        goal = Goal.objects.first()
        assert goal is not None
        for model in with_history:
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            for path in ("abc/history/", "1/history/abc/", "abc/history/1/", "1.5/history/"):
                with self.subTest(model=model.__name__, path=path):
                    self.assertEqual(self.client.get(base + path).status_code, 404)
        # A real goal's history still opens.
        response = self.client.get(reverse("admin:catalog_goal_history", args=[goal.pk]))
        self.assertEqual(response.status_code, 200)

"""The city-wide dashboard: who may see it, what it shows, and that it costs the same number
of queries however many boards and years there are."""

import html
import re
from unittest import mock

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from catalog.models import ActivityResponsibility, Board, IndicatorResponsibility
from followup.models import (
    ActivityStatus,
    Assessment,
    CityReader,
    PeriodState,
    Progress,
    ReportingPeriod,
    ReportState,
)
from followup.services import period_open, reports_sync_for_programme
from followup.views import dashboard
from tests.followup_data import DISTRICT, OTHER, build_world, user
from tests.test_rollup import activity_rows, indicator, outcome, set_state

URL = reverse("dashboard")


class DashboardAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.city_reader = user("stadsledning")
        CityReader.objects.create(user=cls.city_reader, programme=cls.world.programme)

    def test_coordinator_sees_the_dashboard(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(URL)
        self.assertContains(response, "<h1>Översikt")
        self.assertContains(response, "Tertialrapport 1 2023")
        self.assertContains(response, "0 av 23 rapporterat")

    def test_city_wide_reader_sees_the_dashboard(self) -> None:
        self.client.force_login(self.city_reader)
        response = self.client.get(URL)
        self.assertContains(response, "<h1>Översikt")
        self.assertContains(response, 'aria-current="page">Översikt</a>')

    def test_rapportor_gets_404(self) -> None:
        self.client.force_login(self.world.reporter)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_post_is_not_allowed(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.assertEqual(self.client.post(URL).status_code, 405)


class DashboardContentTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        outcome(DISTRICT, 2, 0).update(numerator=1, denominator=2)
        outcome(OTHER, 2, 0).update(numerator=90, denominator=100)
        row = activity_rows(DISTRICT).first()
        ActivityStatus.objects.filter(pk=row.pk).update(
            progress=Progress.STARTED, assessment=Assessment.OFF_TRACK, comment="Resurser saknas."
        )
        set_state(DISTRICT, ReportState.SUBMITTED)
        set_state(OTHER, ReportState.APPROVED)

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def test_defaults_to_the_latest_open_period(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, '<option value="2023" selected>')
        self.assertContains(response, '<option value="T1" selected>')

    def test_city_wide_share_with_completeness_and_missing_boards(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, "91 av 102 (89,2\u00a0%)")
        self.assertContains(response, "2 av 13 rapporterat")
        self.assertContains(response, "2 av 23 rapporterat")
        self.assertContains(
            response,
            '<h2 id="saknas">Saknas <span class="subtitle subtitle--inline">21 av 23</span></h2>',
            html=True,
        )
        # The first twelve by name on the first screen, the rest a click away.
        self.assertContains(response, "AB Familjebostäder</a>")
        self.assertNotContains(response, "Spånga-Tensta stadsdelsnämnd</a>")
        self.assertContains(response, "Visa alla 21 som saknas")

    def rows(self, link: str, **headers: str):
        """Follow a link of the dashboard to the rows behind a number."""
        content = self.client.get(URL).content.decode()
        href = next(h for h in re.findall(r'href="(/oversikt/rader/[^"]+)"', content) if link in h)
        return self.client.get(html.unescape(href), **headers)

    def test_numbers_open_to_the_boards_and_comments_behind_them(self) -> None:
        response = self.rows("mal=1&amp;bedomning=ej_enligt_plan")
        self.assertContains(response, "<h1>Aktiviteter: ej enligt plan")
        self.assertContains(response, "1 rad.")
        self.assertContains(response, "Resurser saknas.")
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd</a>")
        self.assertContains(response, "← Tillbaka till översikten")

    def test_with_htmx_the_rows_come_without_the_page_around_them(self) -> None:
        response = self.rows(
            "mal=1&amp;bedomning=ej_enligt_plan", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="behind-g1"
        )
        self.assertContains(response, "Resurser saknas.")
        self.assertNotContains(response, "<h1>")
        self.assertNotContains(response, "<html")

    def test_an_indicator_opens_to_each_board_missing_ones_as_missing(self) -> None:
        response = self.rows(f"indikator={indicator(2, 0).pk}")
        self.assertContains(response, "13 rader")
        self.assertContains(response, "90 av 100 (90,0\u00a0%)")
        self.assertContains(response, '<span class="missing">Saknas</span>', count=11)

    def test_states_open_to_the_boards_in_them(self) -> None:
        response = self.rows("visa=namnder&amp;lage=utkast")
        self.assertContains(response, "21 rader")
        self.assertNotContains(response, "Rinkeby-Kista stadsdelsnämnd")
        response = self.client.get(
            reverse("dashboard-rows"),
            {"ar": 2023, "period": "T1", "visa": "namnder", "lage": "saknas"},
        )
        self.assertContains(response, "21 rader")
        response = self.rows("visa=namnder&amp;lage=godkand")
        self.assertContains(response, "1 rad.")

    def test_rows_are_paged(self) -> None:
        response = self.client.get(
            reverse("dashboard-rows"), {"ar": 2023, "period": "T1", "visa": "namnder"}
        )
        self.assertContains(response, "23 rader")
        with mock.patch.object(dashboard, "ROWS_PER_PAGE", 10):
            response = self.client.get(
                reverse("dashboard-rows"),
                {"ar": 2023, "period": "T1", "visa": "namnder", "sida": 3},
            )
        self.assertContains(response, "Sida 3 av 3")
        self.assertContains(response, "← Föregående")

    def test_an_unknown_selection_is_404_not_something_else(self) -> None:
        for params in (
            {"visa": "aktiviteter", "bedomning": "kanske"},
            {"visa": "okant"},
            {"visa": "namnder", "lage": "<script>"},
        ):
            with self.subTest(params=params):
                response = self.client.get(reverse("dashboard-rows"), params)
                self.assertEqual(response.status_code, 404)

    def test_the_rows_are_for_city_wide_readers_only(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("dashboard-rows"), {"visa": "namnder"})
        self.assertEqual(response.status_code, 404)

    def test_charts_are_svg_with_title_and_no_inline_style(self) -> None:
        content = self.client.get(URL).content.decode()
        self.assertIn('role="img" aria-labelledby="g1-progress-title g1-progress-desc"', content)
        self.assertIn('<title id="g1-progress-title">Status</title>', content)
        self.assertNotIn("style=", content)

    def test_filters_by_goal_and_kind_of_board(self) -> None:
        response = self.client.get(URL, {"ar": 2023, "period": "T1", "mal": 2, "namnder": "bolag"})
        self.assertContains(response, '<option value="2" selected>')
        self.assertContains(response, '<option value="bolag" selected>')
        self.assertNotContains(response, 'id="mal-1"')
        self.assertContains(response, "0 av 4 rapporterat")

    def test_the_documents_and_the_export_of_the_year_are_a_click_away(self) -> None:
        response = self.client.get(URL, {"ar": 2023, "period": "T1"})
        for name, args in (
            ("city-export", [self.world.programme.slug, 2023]),
            ("city-followup", [self.world.programme.slug, 2023]),
            ("midterm", [self.world.programme.slug]),
        ):
            self.assertContains(response, f'href="{reverse(name, args=args)}"')
        self.assertContains(response, f'href="{reverse("styrkort-list")}"')

    def test_another_period_can_be_chosen(self) -> None:
        response = self.client.get(URL, {"ar": 2024, "period": "VB"})
        self.assertContains(response, "Verksamhetsberättelse 2024")
        self.assertContains(response, "Måluppfyllelse")

    def test_query_count_does_not_grow_with_boards_or_years(self) -> None:
        # Session, user, the user's city-wide programmes, the programme's periods, the stamp
        # of what the figures are read from (two), the roll-up's seventeen (see
        # test_rollup), and the header's unread notifications; the figures then come from
        # the cache until what they are read from changes.
        rows = {"ar": 2023, "period": "T1", "visa": "namnder"}
        with self.assertNumQueries(24):
            self.client.get(URL)
        with self.assertNumQueries(7):
            self.client.get(URL)
        # ... and the rows behind a number: session, user, programmes, periods, whether the
        # period has reports, count, page, the header's unread notifications.
        with self.assertNumQueries(8):
            self.client.get(reverse("dashboard-rows"), rows)
        board = Board.objects.create(
            organisation="Stockholms stad", name="Ny nämnd", slug="ny-namnd", kind="facknamnd"
        )
        ActivityResponsibility.objects.create(
            activity=activity_rows(DISTRICT).first().activity, board=board
        )
        IndicatorResponsibility.objects.create(indicator=indicator(2, 0), board=board)
        reports_sync_for_programme(programme=self.world.programme)  # the new board's report
        for year in (2021, 2022, 2024):
            period = ReportingPeriod.objects.get(year=year, kind="T1")
            period_open(period=period)
            period.state = PeriodState.LOCKED
            period.save()
        with self.assertNumQueries(24):
            self.client.get(URL, {"ar": 2023, "period": "T1"})
        with self.assertNumQueries(7):
            self.client.get(URL, {"ar": 2023, "period": "T1"})
        with self.assertNumQueries(8):
            response = self.client.get(reverse("dashboard-rows"), rows)
        self.assertContains(response, "Ny nämnd")


class SeveralProgrammesTests(TestCase):
    def test_a_user_of_no_programme_gets_404_even_if_programmes_exist(self) -> None:
        build_world()
        self.client.force_login(User.objects.create_user("utomstaende"))
        self.assertEqual(self.client.get(URL).status_code, 404)


class DashboardMenuTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_menu_offers_the_overview_to_city_wide_readers_only(self) -> None:
        for person, shown in ((self.world.coordinator, True), (self.world.reporter, False)):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                response = self.client.get(reverse("programme-list"))
                nav = response.content.decode().split("</nav>")[0]
                self.assertEqual(">Översikt</a>" in nav, shown)


class DashboardRowsPagingTests(TestCase):
    """The rows behind a number come a page at a time in board order, each row once, with
    the count and the page's number, at the same cost on every page (`dashboard.ByReport`:
    the rows of each report counted, then the rows of the page's reports read)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        set_state(DISTRICT, ReportState.SUBMITTED)
        set_state(OTHER, ReportState.APPROVED)
        cls.params = {"ar": 2023, "period": "T1", "visa": "aktiviteter"}
        rows = ActivityStatus.objects.filter(
            report__period__year=2023,
            report__period__kind="T1",
            report__state__in=[ReportState.SUBMITTED, ReportState.APPROVED],
        )
        cls.expected = [
            (row.report_id, row.activity.text[:40])
            for row in rows.select_related("activity", "report__board").order_by(
                "report__board__name", "activity__goal__number", "activity__position", "pk"
            )
        ]

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def shown(self, content: str) -> list[tuple[int, str]]:
        """The page's rows: (report id, the activity's wording's start)."""
        return [
            (int(report), html.unescape(text)[:40])
            for report, text in re.findall(
                r'<th scope="row"><a href="/rapporter/(\d+)/">[^<]*</a></th>\s*'
                r"<td>Mål \d+: ([^<]*)</td>",
                content,
            )
        ]

    def test_pages_list_every_row_once_in_board_order_across_reports(self) -> None:
        per_page = 7
        pages = -(-len(self.expected) // per_page)
        self.assertGreater(len({report for report, _ in self.expected}), 1)
        shown = []
        with mock.patch.object(dashboard, "ROWS_PER_PAGE", per_page):
            for number in range(1, pages + 1):
                # Session, user, programmes, periods, the stamp of what the rows are read
                # from (two), the rows of each report (the count and where each report's
                # rows begin: on the first page only, then from the cache), the page's
                # rows, notifications.
                with self.assertNumQueries(9 if number == 1 else 8):
                    response = self.client.get(
                        reverse("dashboard-rows"), {**self.params, "sida": number}
                    )
                content = response.content.decode()
                self.assertIn(f"{len(self.expected)} rader, sida {number} av {pages}.", content)
                shown.extend(self.shown(content))
        self.assertEqual(shown, self.expected)

    def test_a_page_past_the_last_shows_the_last(self) -> None:
        with mock.patch.object(dashboard, "ROWS_PER_PAGE", 10):
            response = self.client.get(reverse("dashboard-rows"), {**self.params, "sida": 999})
        last = len(self.expected) % 10 or 10
        self.assertEqual(self.shown(response.content.decode()), self.expected[-last:])

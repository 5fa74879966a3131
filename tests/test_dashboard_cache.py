"""The dashboard keeps its figures in the cache until what they are read from changes: every
change a reader would see in them shows on the next load, and a load without a change reads
none of the rows again."""

import re
from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import ActivityResponsibility, Board
from followup.models import Report, ReportingPeriod
from followup.services import (
    period_lock,
    report_reopen,
    report_review,
    report_submit,
    reports_sync_for_programme,
)
from tests.followup_data import DISTRICT, build_world, fill_report
from tests.test_report_rows import activity_post, save_url
from tests.test_rollup import activity_rows

URL = reverse("dashboard")
PERIOD = {"ar": 2023, "period": "T1"}


def off_track(content: str) -> str:
    """The heading of the dashboard's "Ej enligt plan": how many rows are off track."""
    match = re.search(r'<h2 id="ej-enligt-plan">.*?</h2>', content, re.S)
    assert match is not None
    return re.sub(r"<[^>]+>", "", match.group(0))


def goal_rows(content: str) -> str:
    """The first goal's count of activity rows reported of those expected."""
    match = re.search(r'id="mal-1".*?<h3>[^<]*<span class="subtitle">([^<]*)</span>', content, re.S)
    assert match is not None
    return match.group(1)


class FiguresFollowTheReportsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def page(self) -> str:
        self.client.force_login(self.world.coordinator)
        return self.client.get(URL, PERIOD).content.decode()

    def test_a_row_saved_and_sent_in_shows_at_once(self) -> None:
        self.assertIn("0 av 23 nämnder har skickat in", self.page())
        fill_report(self.world.report)
        row = activity_rows(DISTRICT).first()
        self.client.force_login(self.world.reporter)
        self.client.post(
            save_url(row, "a"), activity_post(row, progress="paborjad", assessment="ej_enligt_plan")
        )
        # A draft's answers are in no figure: saving one leaves them as they were.
        self.assertIn("✖ Ej enligt plan 0 ", off_track(self.page()))
        self.client.force_login(self.world.reporter)
        self.client.post(reverse("report-submit", args=[self.world.report.pk]))
        content = self.page()
        self.assertIn("1 av 23 nämnder har skickat in", content)
        self.assertIn("✖ Ej enligt plan 1 ", off_track(content))

    def test_a_report_returned_leaves_the_figures(self) -> None:
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        self.assertIn("1 av 23 nämnder har skickat in", self.page())
        report_review(
            report=self.world.report, user=self.world.coordinator, approve=False, comment="Fel."
        )
        self.assertIn("0 av 23 nämnder har skickat in", self.page())

    def test_a_new_commitment_adds_its_row_to_those_expected(self) -> None:
        before = goal_rows(self.page())
        expected = int(re.findall(r"av (\d+)", before)[0])
        board = Board.objects.create(
            organisation="Stockholms stad", name="Ny nämnd", slug="ny-namnd", kind="facknamnd"
        )
        activity = activity_rows(DISTRICT).filter(activity__goal__number=1).first().activity
        ActivityResponsibility.objects.create(activity=activity, board=board)
        reports_sync_for_programme(programme=self.world.programme)
        self.assertIn(f"av {expected + 1}", goal_rows(self.page()))

    def test_locking_the_period_again_ends_a_reopened_reports_delay(self) -> None:
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        report_review(
            report=self.world.report, user=self.world.coordinator, approve=True, comment=""
        )
        period_lock(period=self.world.period)
        today = timezone.localdate()
        report_reopen(
            report=self.world.report,
            user=self.world.coordinator,
            comment="Rättelse.",
            deadline=today + timedelta(days=7),
            today=today,
        )
        with mock.patch("django.utils.timezone.localdate", return_value=today + timedelta(8)):
            self.assertIn("1 nämnd är försenad", self.page())
            # Locking a locked period again ends the exception without saving the reports.
            period_lock(period=ReportingPeriod.objects.get(pk=self.world.period.pk))
            self.assertFalse(Report.objects.get(pk=self.world.report.pk).reopened)
            self.assertNotIn("försenad", self.page())

    def test_a_load_without_a_change_reads_no_rows(self) -> None:
        self.page()
        with CaptureQueriesContext(connection) as queries:
            self.client.get(URL, PERIOD)
        self.assertEqual(len(queries), 7)
        read = " ".join(query["sql"] for query in queries.captured_queries)
        for table in ("activitystatus", "indicatoroutcome", "goalassessment"):
            self.assertNotIn(f'"followup_{table}"', read)

    def test_the_rows_behind_a_number_follow_the_reports_too(self) -> None:
        # The rows page counts each report's rows once per change of what they are read from.
        rows = {**PERIOD, "visa": "aktiviteter"}
        self.client.force_login(self.world.coordinator)
        self.assertContains(self.client.get(reverse("dashboard-rows"), rows), "0 rader")
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        reported = activity_rows(DISTRICT).count()
        self.client.force_login(self.world.coordinator)
        self.assertContains(self.client.get(reverse("dashboard-rows"), rows), f"{reported} rader")
        report_review(
            report=self.world.report, user=self.world.coordinator, approve=False, comment="Fel."
        )
        self.assertNotContains(
            self.client.get(reverse("dashboard-rows"), rows), f"{reported} rader"
        )

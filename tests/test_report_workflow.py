"""A report's life: submit, return, approve, reopen; catalog changes; own items; history."""

from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from catalog.models import Activity, ActivityResponsibility, Board
from followup.models import (
    ActivityStatus,
    PeriodState,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
)
from followup.selectors import OVERVIEW_SHOWN
from followup.services import (
    period_lock,
    period_open,
    report_review,
    report_submit,
    reports_sync_for_programme,
)
from tests.followup_data import DISTRICT, build_world, fill_report
from tests.test_report_rows import activity_post, save_url


def in_a_week() -> str:
    """A deadline a week from today, as the date field sends it."""
    return (timezone.localdate() + timedelta(days=7)).isoformat()


def detail(report: Report) -> str:
    return reverse("report-detail", args=[report.pk])


class SubmitTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_incomplete_report_cannot_be_submitted_and_the_page_says_what_is_missing(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(reverse("report-submit", args=[self.world.report.pk]))
        self.assertContains(response, "Det här saknas", status_code=422)
        self.assertContains(response, "status och bedömning saknas", status_code=422)
        self.assertContains(response, "utfall saknas", status_code=422)
        self.world.report.refresh_from_db()
        self.assertEqual(self.world.report.state, ReportState.DRAFT)

    def test_complete_report_is_submitted_and_becomes_read_only(self) -> None:
        fill_report(self.world.report)
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            reverse("report-submit", args=[self.world.report.pk]), follow=True
        )
        self.assertContains(response, "Rapporten är inskickad till samordnaren.")
        self.assertContains(response, "Inskickad")
        self.assertNotContains(response, "Spara raden")
        event = self.world.report.events.get()
        self.assertEqual(
            (event.kind, event.actor, event.on_behalf), ("submitted", self.world.reporter, False)
        )

    def test_reader_cannot_submit(self) -> None:
        fill_report(self.world.report)
        self.client.force_login(self.world.reader)
        response = self.client.post(reverse("report-submit", args=[self.world.report.pk]))
        self.assertEqual(response.status_code, 403)

    def test_coordinator_fills_and_submits_on_behalf_and_it_is_recorded(self) -> None:
        self.client.force_login(self.world.coordinator)
        row = self.world.report.activity_rows.first()
        self.client.post(
            save_url(row, "a"), activity_post(row, progress="paborjad", assessment="enligt_plan")
        )
        row.refresh_from_db()
        self.assertTrue(row.updated_on_behalf)
        self.assertEqual(row.updated_by, self.world.coordinator)
        fill_report(self.world.report)
        self.client.post(reverse("report-submit", args=[self.world.report.pk]))
        self.assertTrue(self.world.report.events.get(kind="submitted").on_behalf)


class ReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.report)
        report_submit(report=cls.world.report, user=cls.world.reporter, on_behalf=False)

    def review(self, decision: str, comment: str = "") -> object:
        return self.client.post(
            reverse("report-review", args=[self.world.report.pk]),
            {"decision": decision, "comment": comment},
            follow=True,
        )

    def test_returning_needs_a_comment(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.review("return")
        self.assertContains(response, "Skriv vad nämnden behöver komplettera.", status_code=422)
        self.world.report.refresh_from_db()
        self.assertEqual(self.world.report.state, ReportState.SUBMITTED)

    def test_returned_report_shows_the_comment_and_can_be_edited_again(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.review("return", "Komplettera indikatorn om krisstöd.")
        self.client.force_login(self.world.reporter)
        response = self.client.get(detail(self.world.report))
        self.assertContains(response, "Skickad tillbaka av samordnaren")
        self.assertContains(response, "Komplettera indikatorn om krisstöd.")
        self.assertContains(response, "Spara raden")

    def test_approval(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.review("approve")
        self.assertContains(response, "Rapporten är godkänd.")
        self.world.report.refresh_from_db()
        self.assertEqual(self.world.report.state, ReportState.APPROVED)
        self.assertEqual(
            list(self.world.report.events.values_list("kind", flat=True)), ["submitted", "approved"]
        )

    def test_only_the_coordinator_reviews(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            reverse("report-review", args=[self.world.report.pk]), {"decision": "approve"}
        )
        self.assertEqual(response.status_code, 403)


class ReopenTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.report)
        report_submit(report=cls.world.report, user=cls.world.reporter, on_behalf=False)
        report_review(report=cls.world.report, user=cls.world.coordinator, approve=True, comment="")
        period_lock(period=cls.world.period)

    def test_coordinator_reopens_one_report_in_a_locked_period_as_a_recorded_exception(
        self,
    ) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.post(
            reverse("report-reopen", args=[self.world.report.pk]),
            {"comment": "Fel siffra för RVC.", "deadline": in_a_week()},
            follow=True,
        )
        self.assertContains(response, "Rapporten är öppnad igen för nämnden")
        event = self.world.report.events.latest("at")
        self.assertEqual((event.kind, event.comment), ("reopened", "Fel siffra för RVC."))

        self.client.force_login(self.world.reporter)
        row = self.world.report.activity_rows.first()
        response = self.client.post(
            save_url(row, "a"), activity_post(row, progress="genomford", assessment="enligt_plan")
        )
        self.assertEqual(response.status_code, 302)
        # Another board's report in the same period stays closed.
        other_row = self.world.other_report.activity_rows.first()
        self.client.force_login(self.world.other_reporter)
        response = self.client.post(
            save_url(other_row, "a"), activity_post(other_row, progress="genomford"), follow=True
        )
        self.assertContains(response, "är låst och kan inte ändras")

    def test_reopening_needs_a_reason(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.post(
            reverse("report-reopen", args=[self.world.report.pk]), {"comment": ""}
        )
        self.assertEqual(response.status_code, 422)
        self.world.report.refresh_from_db()
        self.assertFalse(self.world.report.reopened)

    def test_locking_again_ends_the_exception(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.client.post(
            reverse("report-reopen", args=[self.world.report.pk]), {"comment": "Rättelse"}
        )
        period = ReportingPeriod.objects.get(pk=self.world.period.pk)
        period_lock(period=period)
        self.world.report.refresh_from_db()
        self.assertFalse(self.world.report.is_open_for_writing)


class CatalogChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.report)
        report_submit(report=cls.world.report, user=cls.world.reporter, on_behalf=False)

    def test_submitted_report_keeps_its_wording_while_open_reports_follow_the_catalog(self) -> None:
        activity = Activity.objects.get(goal__number=1, position=1)
        activity.text = "Omformulerad aktivitet om föräldraskapsstöd"
        activity.save()

        self.client.force_login(self.world.reporter)
        response = self.client.get(detail(self.world.report))
        self.assertContains(response, "Implementera och sprida föräldraskapsstödsprogram")
        self.assertNotContains(response, "Omformulerad aktivitet")

        self.client.force_login(self.world.other_reporter)
        response = self.client.get(detail(self.world.other_report))
        self.assertContains(response, "Omformulerad aktivitet om föräldraskapsstöd")

    def test_lost_and_gained_responsibilities_change_open_reports_only(self) -> None:
        activity = Activity.objects.get(goal__number=1, position=1)
        for slug in (DISTRICT, "farsta-stadsdelsnamnd"):
            ActivityResponsibility.objects.filter(activity=activity, board__slug=slug).delete()
        gained = Activity.objects.get(goal__number=1, position=3)  # Utbildningsnämnden's
        ActivityResponsibility.objects.create(
            activity=gained, board=Board.objects.get(slug="farsta-stadsdelsnamnd")
        )
        # What the loader and the admin call after such a change (tests/test_catalog_sync.py).
        reports_sync_for_programme(programme=self.world.programme)

        other_activities = set(
            self.world.other_report.activity_rows.values_list("activity_id", flat=True)
        )
        self.assertNotIn(activity.pk, other_activities)
        self.assertIn(gained.pk, other_activities)
        # The submitted report still holds the row it was made from.
        self.assertTrue(self.world.report.activity_rows.filter(activity=activity).exists())


class PreviousPeriodTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="T1")
        row = cls.world.report.activity_rows.select_related("activity").first()
        row.progress, row.assessment, row.comment = (
            "paborjad",
            "delvis_enligt_plan",
            "Planering klar.",
        )
        row.save()
        cls.activity_id = row.activity_id
        fill_report(cls.world.other_report)
        period_lock(period=cls.world.period)
        cls.next_period = ReportingPeriod.objects.get(
            programme=cls.world.programme, year=2023, kind="T2"
        )
        period_open(period=cls.next_period)
        cls.next_report = Report.objects.get(period=cls.next_period, board__slug=DISTRICT)

    def test_new_report_starts_from_the_previous_answers_and_shows_them_beside(self) -> None:
        row = self.next_report.activity_rows.get(activity_id=self.activity_id)
        self.assertEqual((row.progress, row.comment), ("paborjad", "Planering klar."))
        self.client.force_login(self.world.reporter)
        response = self.client.get(detail(self.next_report))
        self.assertContains(response, "Förra perioden:")
        self.assertContains(response, "◐ Delvis enligt plan")

    def test_indicator_outcomes_are_not_carried_over(self) -> None:
        self.assertFalse(self.next_report.indicator_rows.filter(numerator__isnull=False).exists())


class OwnItemTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_reporter_adds_an_own_activity_under_a_goal_and_reports_on_it(self) -> None:
        self.client.force_login(self.world.reporter)
        goal = self.world.programme.goals.get(number=2)
        response = self.client.post(
            reverse("report-own-item", args=[self.world.report.pk]),
            {"goal": goal.pk, "kind": "activity", "text": "Samverkansforum med frivården"},
            follow=True,
        )
        self.assertContains(response, "är tillagd under mål 2")
        self.assertContains(response, "Egen aktivitet")
        row = self.world.report.activity_rows.get(activity__text="Samverkansforum med frivården")
        self.assertEqual(row.activity.added_by.slug, DISTRICT)
        # Not another board's, not the public programme's.
        self.assertFalse(
            self.world.other_report.activity_rows.filter(activity=row.activity).exists()
        )
        response = self.client.get(reverse("goal-detail", args=[self.world.programme.slug, 2]))
        self.assertNotContains(response, "Samverkansforum med frivården")

    def test_own_indicator_needs_text_and_a_goal_of_the_programme(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            reverse("report-own-item", args=[self.world.report.pk]),
            {"goal": "999999", "kind": "count", "text": ""},
        )
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Detta fält måste fyllas i.", status_code=422)


class HistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_history_shows_who_changed_what_from_what_to_what(self) -> None:
        row = self.world.report.activity_rows.first()
        self.client.force_login(self.world.reporter)
        self.client.post(
            save_url(row, "a"), activity_post(row, progress="paborjad", comment="Första")
        )
        row.refresh_from_db()
        self.client.force_login(self.world.coordinator)
        self.client.post(
            save_url(row, "a"), activity_post(row, progress="genomford", comment="Andra")
        )

        self.client.force_login(self.world.reader)
        response = self.client.get(reverse("report-history", args=[self.world.report.pk]))
        content = response.content.decode()
        self.assertInHTML("<td>Påbörjad</td><td>Genomförd</td>", content)
        self.assertInHTML("<td>–</td><td>Påbörjad</td>", content)
        self.assertIn("samordnare (samordnare, för nämndens räkning)", content)
        self.assertIn("rapportor", content)

    def test_other_boards_cannot_read_the_history(self) -> None:
        self.client.force_login(self.world.other_reporter)
        response = self.client.get(reverse("report-history", args=[self.world.report.pk]))
        self.assertEqual(response.status_code, 404)


class StartPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.other_report)
        report_submit(report=cls.world.other_report, user=cls.world.other_reporter, on_behalf=False)

    def test_reporter_sees_the_boards_open_report_with_state_deadline_and_progress(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("start"))
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd")
        self.assertContains(response, "Tertialrapport 1 2023")
        self.assertContains(response, "0 av 46")
        self.assertNotContains(response, "Farsta stadsdelsnämnd")

    def test_coordinator_sees_reports_by_state_and_what_is_overdue(self) -> None:
        period = self.world.period
        period.deadline = timezone.localdate() - timedelta(days=2)
        period.save()
        self.client.force_login(self.world.coordinator)
        response = self.client.get(reverse("start"))
        self.assertContains(response, "⚠ Försenade: 22 av 23")
        self.assertContains(response, "Inskickad</span> 1")

    def test_beyond_overview_shown_reports_are_counted_and_linked(self) -> None:
        period = self.world.period
        period.deadline = timezone.localdate() - timedelta(days=2)
        period.save()
        for n in range(OVERVIEW_SHOWN + 2 - 23):
            board = Board.objects.create(
                organisation="Stockholms stad", name=f"Ö {n}", slug=f"o-{n}", kind="facknamnd"
            )
            Report.objects.create(period=period, board=board)
        self.client.force_login(self.world.coordinator)
        with self.assertNumQueries(11):
            response = self.client.get(reverse("start"))
        content = response.content.decode()
        # 26 drafts, the first 25 by board named ("Ö 3" before "Östermalms"); 26 overdue.
        self.assertContains(response, "⚠ Försenade: 26 av 27")
        self.assertContains(response, "Utkast</span> 26")
        self.assertEqual(content.count("Ö 3</a>"), 2)  # overdue and draft
        self.assertNotIn("Östermalms stadsdelsnämnd</a>", content)
        rows = f"{reverse('dashboard-rows')}?program={self.world.programme.slug}&amp;ar=2023"
        self.assertContains(response, f"{rows}&amp;period=T1&amp;visa=namnder&amp;lage=utkast")
        self.assertContains(response, "Visa alla 26 försenade")
        overdue = self.client.get(
            reverse("dashboard-rows"),
            {"program": self.world.programme.slug, "ar": 2023, "period": "T1"}
            | {"visa": "namnder", "lage": "forsenad"},
        )
        self.assertContains(overdue, "Försenade nämnder")
        self.assertContains(overdue, "26 rader")
        self.assertContains(overdue, "Ö 1")

    def test_start_page_query_count_does_not_grow_with_reports(self) -> None:
        self.client.force_login(self.world.coordinator)
        # session, user, whether the user coordinates, the user's open reports with fill
        # counts, their earlier reports, the coordinated programmes' open periods, those
        # periods' reports counted by state, the first of each state and the first overdue
        # (OVERVIEW_SHOWN each) with fill counts, reports reopened in locked periods, the boards
        # the user only reads, the header's unread notifications
        with self.assertNumQueries(11):
            self.client.get(reverse("start"))
        period_open(
            period=ReportingPeriod.objects.get(programme=self.world.programme, year=2024, kind="T1")
        )
        with self.assertNumQueries(11):
            response = self.client.get(reverse("start"))
        self.assertContains(response, "Tertialrapport 1 2024")


class PeriodTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_coordinator_opens_a_period_and_every_board_gets_its_report(self) -> None:
        period = ReportingPeriod.objects.get(programme=self.world.programme, year=2024, kind="VB")
        self.client.force_login(self.world.coordinator)
        response = self.client.post(
            reverse("period-open", args=[period.pk]), {"deadline": in_a_week()}, follow=True
        )
        self.assertContains(response, "Verksamhetsberättelse 2024 är öppen, med sista dag")
        self.assertContains(response, "23 nya rapporter")
        report = Report.objects.get(period=period, board__slug=DISTRICT)
        # The annual report asks for goal fulfilment under every goal with commitments.
        self.assertEqual(report.goal_rows.count(), 7)

    def test_coordinator_locks_a_period(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.client.post(reverse("period-lock", args=[self.world.period.pk]))
        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.state, PeriodState.LOCKED)

    def test_reporters_cannot_see_or_change_periods(self) -> None:
        self.client.force_login(self.world.reporter)
        self.assertEqual(self.client.get(reverse("period-list")).status_code, 404)
        response = self.client.post(reverse("period-lock", args=[self.world.period.pk]))
        self.assertEqual(response.status_code, 404)
        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.state, PeriodState.OPEN)


class EventRecordTests(TestCase):
    """Every transition is kept with who and when (not only the latest)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def test_full_cycle_is_recorded_in_order(self) -> None:
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        report_review(
            report=self.world.report, user=self.world.coordinator, approve=False, comment="Mer"
        )
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        report_review(
            report=self.world.report, user=self.world.coordinator, approve=True, comment=""
        )
        self.assertEqual(
            [
                (e.kind, e.actor.username)
                for e in ReportEvent.objects.filter(report=self.world.report)
            ],
            [
                ("submitted", "rapportor"),
                ("returned", "samordnare"),
                ("submitted", "rapportor"),
                ("approved", "samordnare"),
            ],
        )
        self.assertEqual(
            ActivityStatus.objects.filter(report=self.world.report, activity_text="").count(), 0
        )


class LockedPeriodReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.report)
        report_submit(report=cls.world.report, user=cls.world.reporter, on_behalf=False)
        period_lock(period=cls.world.period)

    def test_returning_after_the_lock_lets_the_board_correct_its_report(self) -> None:
        report = report_review(
            report=self.world.report, user=self.world.coordinator, approve=False, comment="Rätta"
        )
        self.assertTrue(report.is_open_for_writing)

    def test_a_reopened_report_keeps_the_rows_it_was_made_from(self) -> None:
        report = report_review(
            report=self.world.report, user=self.world.coordinator, approve=False, comment="Rätta"
        )
        activity = Activity.objects.get(goal__number=1, position=1)
        ActivityResponsibility.objects.filter(activity=activity, board__slug=DISTRICT).delete()
        self.client.force_login(self.world.reporter)
        self.client.get(detail(report))
        self.assertTrue(report.activity_rows.filter(activity=activity).exists())


class CarryOverTests(TestCase):
    """A new period starts from the previous answers, but asks for a fresh judgement."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="VB")
        fill_report(cls.world.report)
        period_lock(period=cls.world.period)
        for kind in ("T1", "VB"):
            period_open(
                period=ReportingPeriod.objects.get(
                    programme=cls.world.programme, year=2024, kind=kind
                )
            )

    def test_carried_over_report_is_not_complete_until_assessed_again(self) -> None:
        report = Report.objects.get(period__year=2024, period__kind="T1", board__slug=DISTRICT)
        row = report.activity_rows.first()
        self.assertEqual((row.progress, row.assessment), ("pagar_lopande", ""))
        self.client.force_login(self.world.reporter)
        response = self.client.post(reverse("report-submit", args=[report.pk]))
        self.assertEqual(response.status_code, 422)

    def test_goal_analysis_carries_over_from_the_previous_annual_report(self) -> None:
        report = Report.objects.get(period__year=2024, period__kind="VB", board__slug=DISTRICT)
        row = report.goal_rows.get(goal__number=1)
        self.assertEqual((row.analysis, row.fulfilment), ("Delvis på plats.", ""))
        self.client.force_login(self.world.reporter)
        response = self.client.get(detail(report))
        self.assertContains(response, "Förra perioden:</span> Delvis uppfyllt")

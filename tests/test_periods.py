"""The samordnare's periods and irreversible steps (issue 10, point 5): deadlines set and
moved on /perioder/, a report's own deadline when reopened, one rule for "Försenad", and a
page that asks before each step that cannot be undone."""

from datetime import date, timedelta

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Board
from followup import services
from followup.models import (
    PeriodState,
    ReminderKind,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
)
from followup.reminders import reminders_due
from followup.services import (
    DeadlinePassed,
    FollowupError,
    period_deadline_set,
    period_lock,
    period_open,
    report_reopen,
    report_submit,
)
from tests.followup_data import build_small_world, fill_report

TODAY = date(2026, 3, 2)


def in_days(days: int) -> str:
    """A date `days` from the real today, as the browser's date field sends it."""
    return (timezone.localdate() + timedelta(days=days)).isoformat()


class OverdueRuleTests(TestCase):
    """`Report.is_overdue` and its SQL twin `Report.overdue` say the same, for every case."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()
        cls.deadline = cls.world.period.deadline

    def assert_overdue(self, report: Report, today: date, expected: bool) -> None:
        report.refresh_from_db()
        self.assertEqual(report.is_overdue(today), expected)
        in_sql = Report.objects.filter(Report.overdue(today), pk=report.pk).exists()
        self.assertEqual(in_sql, expected)

    def test_a_draft_is_overdue_only_after_the_periods_deadline(self) -> None:
        report = self.world.report
        self.assert_overdue(report, self.deadline, False)
        self.assert_overdue(report, self.deadline + timedelta(days=1), True)

    def test_a_submitted_report_is_never_overdue(self) -> None:
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        self.assert_overdue(self.world.report, self.deadline + timedelta(days=30), False)

    def test_a_reports_own_deadline_overrides_the_periods(self) -> None:
        report = self.world.report
        Report.objects.filter(pk=report.pk).update(deadline=self.deadline + timedelta(days=10))
        self.assert_overdue(report, self.deadline + timedelta(days=5), False)
        self.assert_overdue(report, self.deadline + timedelta(days=11), True)
        self.assertEqual(
            Report.objects.get(pk=report.pk).due_date, self.deadline + timedelta(days=10)
        )

    def test_a_report_in_a_locked_period_is_not_overdue_unless_reopened(self) -> None:
        period_lock(period=self.world.period)
        later = self.deadline + timedelta(days=40)
        self.assert_overdue(self.world.report, later, False)
        report_reopen(
            report=self.world.report,
            user=self.world.coordinator,
            comment="Rättelse",
            deadline=later + timedelta(days=7),
            today=later,
        )
        self.assert_overdue(self.world.report, later + timedelta(days=7), False)
        self.assert_overdue(self.world.report, later + timedelta(days=8), True)


class PeriodDeadlineServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()
        cls.next_period = ReportingPeriod.objects.get(
            programme=cls.world.programme, year=2023, kind="T2"
        )

    def test_the_deadline_of_an_open_period_moves(self) -> None:
        period_deadline_set(period=self.world.period, deadline=TODAY, today=TODAY)
        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.deadline, TODAY)

    def test_a_deadline_in_the_past_is_refused_and_nothing_changes(self) -> None:
        before = self.world.period.deadline
        with self.assertRaisesMessage(FollowupError, "redan har passerat"):
            period_deadline_set(
                period=self.world.period, deadline=TODAY - timedelta(days=1), today=TODAY
            )
        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.deadline, before)

    def test_a_deadline_before_the_period_opens_is_refused(self) -> None:
        period = self.next_period
        today = period.opens_on - timedelta(days=30)
        with self.assertRaisesMessage(FollowupError, "före dagen perioden öppnar"):
            period_deadline_set(period=period, deadline=period.opens_on - timedelta(1), today=today)

    def test_a_locked_periods_deadline_is_not_moved(self) -> None:
        period_lock(period=self.world.period)
        with self.assertRaisesMessage(FollowupError, "är låst"):
            period_deadline_set(period=self.world.period, deadline=TODAY, today=TODAY)

    def test_opening_a_period_whose_deadline_has_passed_asks_for_a_new_one(self) -> None:
        period = self.next_period
        with self.assertRaises(DeadlinePassed):
            period_open(period=period, today=period.deadline + timedelta(days=1))
        period.refresh_from_db()
        self.assertEqual(period.state, PeriodState.NOT_OPEN)
        self.assertFalse(period.reports.exists())
        # With a new deadline it opens, and no report is overdue on the day.
        period_open(period=period, today=TODAY, deadline=TODAY + timedelta(days=14))
        period.refresh_from_db()
        self.assertEqual((period.state, period.deadline), (PeriodState.OPEN, TODAY + timedelta(14)))
        self.assertFalse(period.reports.filter(Report.overdue(TODAY)).exists())
        self.assertTrue(period.reports.exists())

    def test_locking_again_ends_the_reports_own_deadlines(self) -> None:
        period_lock(period=self.world.period)
        report_reopen(
            report=self.world.report,
            user=self.world.coordinator,
            comment="Rättelse",
            deadline=TODAY,
            today=TODAY,
        )
        period_lock(period=self.world.period)
        self.world.report.refresh_from_db()
        self.assertEqual((self.world.report.reopened, self.world.report.deadline), (False, None))


class PeriodPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def test_the_page_counts_submitted_and_approved_under_one_name(self) -> None:
        fill_report(self.world.report)
        report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        response = self.client.get(reverse("period-list"))
        self.assertContains(response, "Inskickade eller godkända")
        self.assertContains(response, "<td>1 av 2</td>", html=True)

    def test_the_page_costs_the_same_queries_however_many_reports(self) -> None:
        url = reverse("period-list")
        self.client.get(url)  # the session read once
        with CaptureQueriesContext(connection) as before:
            self.client.get(url)
        boards = Board.objects.bulk_create(
            Board(organisation="Stockholms stad", name=f"Ny nämnd {n}", slug=f"ny-{n}")
            for n in range(5)
        )
        Report.objects.bulk_create(
            Report(period=self.world.period, board=board, state=ReportState.SUBMITTED)
            for board in boards
        )
        with self.assertNumQueries(len(before)):
            response = self.client.get(url)
        self.assertContains(response, "<td>5 av 7</td>", html=True)

    def test_the_coordinator_moves_a_deadline_on_the_page(self) -> None:
        period = self.world.period
        response = self.client.post(
            reverse("period-deadline", args=[period.pk]), {f"p{period.pk}-deadline": in_days(9)}
        )
        self.assertRedirects(response, f"{reverse('period-list')}#period-{period.pk}")
        period.refresh_from_db()
        self.assertEqual(period.deadline.isoformat(), in_days(9))

    def test_a_deadline_that_is_not_a_date_is_refused_in_place(self) -> None:
        period = self.world.period
        before = period.deadline
        for value, message in (
            ("20 maj", "Ange sista dag som ett datum"),
            ("", "Ange sista dag, som 2026-05-20."),
            (in_days(-1), "redan har passerat"),
        ):
            with self.subTest(value=value):
                response = self.client.post(
                    reverse("period-deadline", args=[period.pk]), {f"p{period.pk}-deadline": value}
                )
                self.assertContains(response, message, status_code=422)
                period.refresh_from_db()
                self.assertEqual(period.deadline, before)

    def test_a_rapportor_cannot_move_a_deadline(self) -> None:
        self.client.force_login(self.world.reporter)
        period = self.world.period
        response = self.client.post(
            reverse("period-deadline", args=[period.pk]), {f"p{period.pk}-deadline": in_days(9)}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.client.get(reverse("period-lock-confirm", args=[period.pk])).status_code, 404
        )

    def test_lock_asks_first_and_the_question_changes_nothing(self) -> None:
        period = self.world.period
        response = self.client.get(reverse("period-list"))
        self.assertContains(response, reverse("period-lock-confirm", args=[period.pk]))
        response = self.client.get(reverse("period-lock-confirm", args=[period.pk]))
        self.assertContains(response, "Ingen nämnd kan längre ändra sin rapport.")
        self.assertContains(response, "0 av 2 rapporter är inskickade eller godkända")
        self.assertContains(response, f'action="{reverse("period-lock", args=[period.pk])}"')
        period.refresh_from_db()
        self.assertEqual(period.state, PeriodState.OPEN)
        self.client.post(reverse("period-lock", args=[period.pk]))
        period.refresh_from_db()
        self.assertEqual(period.state, PeriodState.LOCKED)

    def test_opening_a_period_past_its_deadline_asks_for_a_new_deadline(self) -> None:
        period = ReportingPeriod.objects.get(programme=self.world.programme, year=2024, kind="T1")
        response = self.client.get(reverse("period-open-confirm", args=[period.pk]))
        self.assertContains(response, "har redan passerat. Ange en ny")
        self.assertContains(response, 'name="deadline"')
        response = self.client.post(reverse("period-open", args=[period.pk]), {"deadline": ""})
        self.assertContains(response, "Ange en ny sista dag", status_code=422)
        period.refresh_from_db()
        self.assertEqual(period.state, PeriodState.NOT_OPEN)
        response = self.client.post(
            reverse("period-open", args=[period.pk]), {"deadline": in_days(14)}, follow=True
        )
        self.assertContains(response, f"är öppen, med sista dag {in_days(14)}")
        period.refresh_from_db()
        self.assertEqual(period.state, PeriodState.OPEN)


class ReopenTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()
        period_lock(period=cls.world.period)

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.url = reverse("report-reopen", args=[self.world.report.pk])

    def test_the_report_page_leads_to_a_page_that_asks_for_a_reason_and_a_deadline(self) -> None:
        response = self.client.get(reverse("report-detail", args=[self.world.report.pk]))
        confirm_url = reverse("report-reopen-confirm", args=[self.world.report.pk])
        self.assertContains(response, f'href="{confirm_url}"')
        response = self.client.get(confirm_url)
        self.assertContains(response, "Den får en egen sista dag")
        self.assertContains(response, 'name="comment"')
        self.assertContains(response, 'name="deadline"')
        self.world.report.refresh_from_db()
        self.assertFalse(self.world.report.reopened)

    def test_reopening_without_a_deadline_is_refused_in_place(self) -> None:
        for deadline, message in (("", "Ange sista dag"), (in_days(-2), "redan har passerat")):
            with self.subTest(deadline=deadline):
                response = self.client.post(self.url, {"comment": "Rättelse", "deadline": deadline})
                self.assertContains(response, message, status_code=422)
                self.assertContains(response, "Rättelse", status_code=422)  # what was typed is kept
                self.world.report.refresh_from_db()
                self.assertFalse(self.world.report.reopened)

    def test_a_reopened_report_has_its_own_deadline_and_shows_on_the_start_page(self) -> None:
        response = self.client.post(
            self.url, {"comment": "Fel siffra", "deadline": in_days(10)}, follow=True
        )
        self.assertContains(response, f"med sista dag {in_days(10)}")
        report = Report.objects.get(pk=self.world.report.pk)
        self.assertEqual(report.deadline.isoformat(), in_days(10))
        self.assertFalse(report.is_overdue(timezone.localdate()))
        self.assertEqual(report.events.last().kind, ReportEvent.Kind.REOPENED)
        start = self.client.get(reverse("start"))
        self.assertContains(start, "Öppnade igen som undantag")
        self.assertContains(start, self.world.report.board.name)
        self.assertNotContains(start, "⚠ Försenad")

    def test_reminders_follow_the_reports_own_deadline(self) -> None:
        self.world.reporter.email = "rapportor@example.se"
        self.world.reporter.save()
        reopened_on = self.world.period.deadline + timedelta(days=30)
        own = reopened_on + timedelta(days=10)
        report_reopen(
            report=self.world.report,
            user=self.world.coordinator,
            comment="Rättelse",
            deadline=own,
            today=reopened_on,
        )
        # The period's deadline has long passed, but the report is not late before its own.
        self.assertEqual(reminders_due(today=reopened_on).reminders, [])
        week = reminders_due(today=own - timedelta(days=7)).reminders
        self.assertEqual(
            [(r.report_id, r.kind) for r in week],
            [(self.world.report.pk, ReminderKind.WEEK_BEFORE)],
        )
        on_the_day = reminders_due(today=own).reminders
        self.assertEqual([r.kind for r in on_the_day], [ReminderKind.DEADLINE])
        after = reminders_due(today=own + timedelta(days=1)).reminders
        self.assertEqual([r.kind for r in after], [ReminderKind.OVERDUE])


class SubmitConfirmationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()

    def test_skicka_in_leads_to_a_page_that_says_what_happens(self) -> None:
        self.client.force_login(self.world.reporter)
        confirm_url = reverse("report-submit-confirm", args=[self.world.report.pk])
        report_url = reverse("report-detail", args=[self.world.report.pk])
        submit_action = f'action="{reverse("report-submit", args=[self.world.report.pk])}#submit"'
        page = self.client.get(report_url)
        # A plain link: no GET form, so no bare "?" at the end of the address.
        self.assertContains(page, f'<a class="button" href="{confirm_url}" data-leaves>')
        self.assertNotContains(page, f'action="{confirm_url}"')
        # Incomplete: what is missing, each a link to its row, and no button to press.
        response = self.client.get(confirm_url)
        self.assertContains(response, "skickas till samordnaren för granskning")
        self.assertContains(response, "Rapporten kan inte skickas in förrän allt är ifyllt")
        first = services.report_completeness_now(self.world.report).missing[0]
        self.assertContains(response, f'<a href="{report_url}#{first.anchor}">{first.text}</a>')
        self.assertNotContains(response, submit_action)
        self.world.report.refresh_from_db()
        self.assertEqual(self.world.report.state, ReportState.DRAFT)
        fill_report(self.world.report)
        response = self.client.get(confirm_url)
        self.assertNotContains(response, "kan inte skickas in förrän")
        self.assertContains(response, submit_action)
        self.client.post(reverse("report-submit", args=[self.world.report.pk]))
        self.world.report.refresh_from_db()
        self.assertEqual(self.world.report.state, ReportState.SUBMITTED)
        # Asked again after it is in: the page says why not and offers no button.
        response = self.client.get(confirm_url)
        self.assertContains(response, "Rapporten är inskickad och kan inte ändras.")
        self.assertNotContains(response, 'type="submit" class="button">Skicka in')

    def test_a_lasare_and_an_outsider_get_no_confirmation_page(self) -> None:
        confirm_url = reverse("report-submit-confirm", args=[self.world.report.pk])
        self.client.force_login(self.world.reader)
        self.assertEqual(self.client.get(confirm_url).status_code, 403)
        self.client.force_login(self.world.other_reporter)
        self.assertEqual(self.client.get(confirm_url).status_code, 404)

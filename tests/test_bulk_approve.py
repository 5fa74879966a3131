"""Bulk approval (issue 11, point 4): on a period's list of reports the samordnare ticks
several submitted reports, is asked on a page listing them, and approves them at once, each
with its own event, history and notification; if one has changed state meanwhile none is
approved, and the page says which and why."""

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from followup.models import CityReader, Report, ReportEvent, ReportingPeriod, ReportState
from followup.services import BulkApproveRefused, reports_approve
from notifications.models import Notification, NotificationKind
from tests.document_jobs import IMMEDIATE_TASKS
from tests.followup_data import build_world, user


@override_settings(TASKS=IMMEDIATE_TASKS)
class BulkApproveTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.world.reporter.email = "rapportor@example.se"
        cls.world.reporter.save()
        cls.world.other_reporter.email = "annan@example.se"
        cls.world.other_reporter.save()
        reports = Report.objects.filter(period=cls.world.period).order_by("board__name")
        cls.third = reports.exclude(pk__in=[cls.world.report.pk, cls.world.other_report.pk])[0]
        cls.chosen = [cls.world.report, cls.world.other_report, cls.third]
        Report.objects.filter(pk__in=[r.pk for r in cls.chosen]).update(state=ReportState.SUBMITTED)
        cls.list_url = reverse("period-reports", args=[cls.world.period.pk])
        cls.url = reverse("period-approve", args=[cls.world.period.pk])

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def ids(self) -> list[int]:
        return [report.pk for report in self.chosen]

    def states(self) -> set[str]:
        return set(Report.objects.filter(pk__in=self.ids()).values_list("state", flat=True))

    def test_the_list_offers_a_box_for_each_submitted_report(self) -> None:
        response = self.client.get(self.list_url)
        self.assertContains(response, "Rapporter för Tertialrapport 1 2023")
        self.assertContains(response, 'type="checkbox" name="reports"', count=3)
        self.assertContains(response, "Godkänn markerade…")
        self.assertContains(response, "3 väntar på granskning")

    def test_the_confirmation_lists_the_reports_ticked(self) -> None:
        response = self.client.get(self.url, {"reports": self.ids()})
        self.assertContains(response, "Godkänn 3 rapporter för Tertialrapport 1 2023?")
        for report in self.chosen:
            self.assertContains(response, report.board.name)
        self.assertContains(response, "checked", count=3)
        self.assertEqual(self.states(), {ReportState.SUBMITTED})  # asking changes nothing

    def test_every_submitted_report_can_be_picked_at_once(self) -> None:
        response = self.client.get(self.list_url)
        self.assertContains(response, f'href="{self.url}?alla=1"')
        response = self.client.get(self.url, {"alla": "1"})
        self.assertContains(response, "Godkänn 3 rapporter för Tertialrapport 1 2023?")
        self.assertContains(response, "checked", count=3)

    def test_several_are_approved_at_once_each_with_its_event_and_notification(self) -> None:
        history_before = Report.history.count()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, {"reports": self.ids()}, follow=True)
        self.assertContains(response, "3 rapporter är godkända")
        self.assertEqual(self.states(), {ReportState.APPROVED})
        for report in self.chosen:
            event = ReportEvent.objects.get(report=report)
            self.assertEqual(event.kind, ReportEvent.Kind.APPROVED)
            self.assertEqual(event.actor, self.world.coordinator)
        self.assertEqual(Report.history.count(), history_before + 3)
        self.assertEqual(
            Notification.objects.filter(kind=NotificationKind.APPROVED).count(), 2
        )  # the district's and Farsta's rapportörer; the third board has none
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["annan@example.se", "rapportor@example.se"]
        )

    def test_when_one_has_changed_none_is_approved_and_the_page_says_why(self) -> None:
        # Someone else returned Farsta's report after the list was drawn.
        Report.objects.filter(pk=self.world.other_report.pk).update(state=ReportState.RETURNED)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, {"reports": self.ids()})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Ingen rapport har godkänts", status_code=409)
        self.assertContains(
            response,
            "Farsta stadsdelsnämnd kan inte godkännas: den är återskickad nu; bara inskickade "
            "rapporter kan godkännas.",
            status_code=409,
        )
        # The two still submitted are offered again, ticked.
        self.assertContains(response, "Godkänn 2 rapporter", status_code=409)
        self.assertContains(response, "checked", count=2, status_code=409)
        self.assertEqual(
            set(Report.objects.filter(pk__in=self.ids()).values_list("state", flat=True)),
            {ReportState.SUBMITTED, ReportState.RETURNED},
        )
        self.assertFalse(ReportEvent.objects.exists())
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_the_service_is_all_or_nothing(self) -> None:
        Report.objects.filter(pk=self.third.pk).update(state=ReportState.APPROVED)
        with self.assertRaises(BulkApproveRefused) as refused:
            reports_approve(reports=self.chosen, user=self.world.coordinator)
        self.assertEqual([r.report.pk for r in refused.exception.refused], [self.third.pk])
        self.assertEqual(
            Report.objects.filter(pk__in=self.ids(), state=ReportState.SUBMITTED).count(), 2
        )

    def test_nothing_ticked_is_refused_in_swedish(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Välj minst en inskickad rapport att godkänna.")
        self.assertNotContains(response, "Godkänn markerade</button>")
        response = self.client.post(self.url, {})
        self.assertEqual(response.status_code, 422)
        self.assertContains(
            response, "Välj minst en inskickad rapport att godkänna.", status_code=422
        )

    def test_a_report_of_another_period_is_refused(self) -> None:
        other = ReportingPeriod.objects.get(programme=self.world.programme, year=2024, kind="T1")
        foreign = Report.objects.create(period=other, board=self.world.report.board)
        Report.objects.filter(pk=foreign.pk).update(state=ReportState.SUBMITTED)
        response = self.client.post(self.url, {"reports": [foreign.pk, self.world.report.pk]})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "En av rapporterna finns inte i perioden.", status_code=422)
        response = self.client.post(self.url, {"reports": ["x"]})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(ReportEvent.objects.exists())

    def test_only_the_samordnare_approves_in_bulk(self) -> None:
        city_reader = user("stadslasare")
        CityReader.objects.create(user=city_reader, programme=self.world.programme)
        for person in (self.world.reporter, self.world.reader, city_reader):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                self.assertEqual(self.client.get(self.list_url).status_code, 404)
                self.assertEqual(
                    self.client.get(self.url, {"reports": self.ids()}).status_code, 404
                )
                response = self.client.post(self.url, {"reports": self.ids()})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.states(), {ReportState.SUBMITTED})

    def test_the_list_costs_the_same_queries_however_many_reports(self) -> None:
        # Session, user; the period (scoped); the reports with their fill counts; the
        # header's unread notifications.
        with self.assertNumQueries(5):
            self.client.get(self.list_url)
        Report.objects.filter(period=self.world.period).update(state=ReportState.SUBMITTED)
        with self.assertNumQueries(5):
            response = self.client.get(self.list_url)
        self.assertContains(
            response,
            'type="checkbox" name="reports"',
            count=Report.objects.filter(period=self.world.period).count(),
        )

"""Issue 11 on PostgreSQL, with requests at the same moment: two samordnare approving the
same reports in bulk, and two pressing "Påminn alla" together. Each report is approved once
(one event, one notification and one mail per rapportör) and each board reminded once.
PostgreSQL only, like tests/test_concurrency_pg.py, whose helpers it uses."""

from unittest import skipUnless

from django.core import mail
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from followup.models import Coordinator, Reminder, Report, ReportEvent, ReportState
from notifications.models import Notification
from tests.document_jobs import IMMEDIATE_TASKS
from tests.followup_data import build_world, user
from tests.test_concurrency_pg import logged_in, simultaneously


@skipUnless(connection.vendor == "postgresql", "races need PostgreSQL's concurrent writers")
@override_settings(TASKS=IMMEDIATE_TASKS)
class NotifyConcurrencyTests(TransactionTestCase):
    def setUp(self) -> None:
        self.world = build_world()
        self.world.reporter.email = "rapportor@example.se"
        self.world.reporter.save()
        self.world.other_reporter.email = "annan@example.se"
        self.world.other_reporter.save()
        self.second = user("samordnare-2")
        Coordinator.objects.create(user=self.second, programme=self.world.programme)

    def test_two_bulk_approvals_of_the_same_reports_approve_each_once(self) -> None:
        chosen = [self.world.report.pk, self.world.other_report.pk]
        Report.objects.filter(pk__in=chosen).update(state=ReportState.SUBMITTED)
        url = reverse("period-approve", args=[self.world.period.pk])
        clients = [logged_in(self.world.coordinator), logged_in(self.second)]
        statuses = simultaneously(
            [lambda c=c: c.post(url, {"reports": chosen}).status_code for c in clients]
        )
        self.assertEqual(sorted(statuses), [302, 409])
        self.assertEqual(
            set(Report.objects.filter(pk__in=chosen).values_list("state", flat=True)),
            {ReportState.APPROVED},
        )
        self.assertEqual(ReportEvent.objects.filter(kind=ReportEvent.Kind.APPROVED).count(), 2)
        self.assertEqual(Notification.objects.count(), 2)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["annan@example.se", "rapportor@example.se"]
        )

    def test_two_remind_alls_at_once_remind_each_board_once(self) -> None:
        url = reverse("period-remind-now", args=[self.world.period.pk])
        clients = [logged_in(self.world.coordinator), logged_in(self.second)]
        statuses = simultaneously([lambda c=c: c.post(url).status_code for c in clients])
        self.assertEqual(statuses, [302, 302])
        self.assertEqual(Reminder.objects.count(), 2)  # the two boards with a rapportör
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(Notification.objects.count(), 2)

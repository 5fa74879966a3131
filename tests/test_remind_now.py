""" "Påminn nu" (issue 11, point 3): the samordnare reminds one board, or every board that has
not submitted, at once; recorded like the scheduled reminders, mailed after the commit and
shown in the app; a board is not reminded twice in a day, and the page says when it was."""

import re
from datetime import timedelta

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from followup.models import CityReader, Reminder, ReminderKind, Report, ReportState
from followup.reminders import reminders_now
from notifications.models import Notification, NotificationKind
from tests.document_jobs import IMMEDIATE_TASKS
from tests.followup_data import build_world, user


def _with_email(person, address: str) -> None:
    person.email = address
    person.save(update_fields=["email"])


@override_settings(TASKS=IMMEDIATE_TASKS, SITE_URL="https://uppfoljning.example.se")
class RemindNowTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        _with_email(cls.world.reporter, "rapportor@example.se")
        _with_email(cls.world.other_reporter, "annan@example.se")
        _with_email(cls.world.reader, "lasare@example.se")
        cls.url = reverse("period-remind-now", args=[cls.world.period.pk])
        cls.page = reverse("period-reminders", args=[cls.world.period.pk])

    def remind(self, report: Report | None = None, person=None):
        self.client.force_login(person or self.world.coordinator)
        data = {"rapport": report.pk} if report else {}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, data, follow=True)

    def recipients(self) -> list[str]:
        return sorted(address for message in mail.outbox for address in message.to)

    def test_the_samordnare_reminds_one_board_now(self) -> None:
        response = self.remind(self.world.report)
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd är påmind (1 rapportör).")
        [reminder] = Reminder.objects.all()
        self.assertEqual(reminder.kind, ReminderKind.NOW)
        self.assertEqual(reminder.sent_by, self.world.coordinator)
        self.assertEqual(reminder.day, timezone.localdate())
        self.assertIsNotNone(reminder.delivered_at)
        self.assertEqual(self.recipients(), ["rapportor@example.se"])  # not the läsare
        [message] = mail.outbox
        self.assertTrue(message.subject.startswith("Påminnelse från samordnaren"))
        self.assertIn("Samordnaren påminner om rapporten från Rinkeby-Kista", message.body)
        self.assertIn(f"/rapporter/{self.world.report.pk}/", message.body)
        notification = Notification.objects.get(recipient=self.world.reporter)
        self.assertEqual(notification.kind, NotificationKind.REMINDER)
        # Listed among the reminders sent, with who sent it.
        self.assertContains(response, "Från samordnaren (Påminn nu), av samordnare")

    def test_the_same_board_is_not_reminded_twice_in_a_day(self) -> None:
        self.remind(self.world.report)
        mail.outbox.clear()
        response = self.remind(self.world.report)
        at = timezone.localtime(Reminder.objects.get().sent_at)
        said = f"Nämnden påmindes redan i dag kl {at:%H.%M}."
        self.assertContains(response, said, count=2)  # the message, and the board's row
        self.assertEqual(Reminder.objects.count(), 1)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Notification.objects.filter(recipient=self.world.reporter).count(), 1)
        # The row offers no button for that board any more.
        self.assertNotContains(response, f'name="rapport" value="{self.world.report.pk}"')

    def test_a_scheduled_reminder_today_counts_too(self) -> None:
        Reminder.objects.create(
            report=self.world.report,
            kind=ReminderKind.WEEK_BEFORE,
            recipient=self.world.reporter,
            email="rapportor@example.se",
        )
        response = self.remind(self.world.report)
        self.assertContains(response, "Nämnden påmindes redan i dag kl ")
        self.assertFalse(Reminder.objects.filter(kind=ReminderKind.NOW).exists())

    def test_every_board_not_in_is_reminded_at_once_and_the_reminded_are_left_alone(
        self,
    ) -> None:
        Report.objects.filter(pk=self.world.other_report.pk).update(state=ReportState.SUBMITTED)
        third = Report.objects.filter(period=self.world.period).exclude(
            pk__in=[self.world.report.pk, self.world.other_report.pk]
        )[0]
        _with_email(user("tredje", **{third.board.slug: "rapportor"}), "tredje@example.se")
        self.remind(third)
        mail.outbox.clear()
        response = self.remind()
        self.assertContains(response, "1 nämnd är påmind (1 rapportör).")
        self.assertContains(response, f"{third.board.name}: Nämnden påmindes redan i dag kl ")
        # The submitted board's rapportör is not reminded; the one reminded already isn't again.
        self.assertEqual(self.recipients(), ["rapportor@example.se"])
        # Boards without rapportörer are not counted as reminded, nor bothered.
        self.assertEqual(Reminder.objects.filter(kind=ReminderKind.NOW).count(), 2)

    def test_the_next_day_the_board_can_be_reminded_again(self) -> None:
        today = timezone.localdate()
        with self.captureOnCommitCallbacks(execute=True):
            reminders_now(
                period=self.world.period,
                user=self.world.coordinator,
                report=self.world.report,
                today=today - timedelta(days=1),
            )
        Reminder.objects.update(sent_at=timezone.now() - timedelta(days=1))
        response = self.remind(self.world.report)
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd är påmind")
        self.assertEqual(Reminder.objects.filter(kind=ReminderKind.NOW).count(), 2)

    def test_a_submitted_report_is_not_reminded(self) -> None:
        Report.objects.filter(pk=self.world.report.pk).update(state=ReportState.SUBMITTED)
        response = self.remind(self.world.report)
        self.assertContains(response, "det finns inget att påminna om")
        self.assertFalse(Reminder.objects.exists())

    def test_a_rapportor_without_email_is_named(self) -> None:
        _with_email(self.world.reporter, "")
        response = self.remind(self.world.report)
        self.assertContains(
            response, "rapportor (Rinkeby-Kista stadsdelsnämnd) har ingen e-postadress"
        )
        self.assertFalse(Reminder.objects.exists())

    def test_the_page_offers_a_button_per_board_and_for_all(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(self.page)
        self.assertContains(response, "Påminn alla som inte har skickat in")
        buttons = re.findall(r'name="rapport" value="(\d+)"', response.content.decode())
        # The two boards with a rapportör; the others say they have none.
        self.assertEqual(
            sorted(int(pk) for pk in buttons),
            sorted([self.world.report.pk, self.world.other_report.pk]),
        )
        self.assertContains(response, "Ingen rapportör att påminna.", count=21)

    def test_only_the_samordnare_reminds(self) -> None:
        city_reader = user("stadslasare")
        CityReader.objects.create(user=city_reader, programme=self.world.programme)
        for person in (
            self.world.reporter,
            self.world.reader,
            self.world.other_reporter,
            city_reader,
        ):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                response = self.client.post(self.url, {"rapport": self.world.report.pk})
                self.assertEqual(response.status_code, 404)
        self.client.logout()
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Reminder.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_report_of_another_period_is_not_found(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.post(self.url, {"rapport": "999999"})
        self.assertEqual(response.status_code, 404)
        response = self.client.post(self.url, {"rapport": "inte-ett-tal"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Reminder.objects.exists())

"""Reminders: the right kind on the right day, to the right people, never twice; the
command for cron; and the samordnare's page of who was reminded when."""

from datetime import date, timedelta
from io import StringIO
from smtplib import SMTPException
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from catalog.models import Board, BoardKind
from catalog.services import programme_load
from followup.models import (
    BoardRole,
    Coordinator,
    Membership,
    Reminder,
    ReminderKind,
    Report,
    ReportState,
)
from followup.reminders import (
    DueReminders,
    reminder_kind_due,
    reminders_deliver,
    reminders_due,
    reminders_send,
    send_reminder_mails,
)
from followup.services import period_lock, report_completeness_now
from tests.catalog_data import sodertalje_data
from tests.document_jobs import IMMEDIATE_TASKS
from tests.followup_data import DISTRICT, build_world, fill_report, user

SITE = "https://uppfoljning.example.se"


def send(*, today: date) -> list[Reminder]:
    """A cron run, and then the task worker's sending (run inline, on the immediate
    backend, when the run's records commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders_send(today=today)


def deliver(due: DueReminders) -> list[Reminder]:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders_deliver(due)


def _with_email(person, address: str) -> None:
    person.email = address
    person.save(update_fields=["email"])


@override_settings(TASKS=IMMEDIATE_TASKS)
class ReminderWorld(TestCase):
    """Stockholm's T1 2023 open, with two boards' rapportörer (and a läsare) on e-mail."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.deadline = cls.world.period.deadline
        _with_email(cls.world.reporter, "rapportor@example.se")
        _with_email(cls.world.other_reporter, "annan@example.se")
        _with_email(cls.world.reader, "lasare@example.se")
        _with_email(cls.world.coordinator, "samordnare@example.se")

    def days_before(self, days: int) -> date:
        return self.deadline - timedelta(days=days)

    def recipients(self) -> list[str]:
        return sorted(address for message in mail.outbox for address in message.to)


class ReminderKindTests(SimpleTestCase):
    def test_the_kind_due_follows_the_days_left(self) -> None:
        deadline = date(2023, 5, 20)
        cases = {
            date(2023, 5, 12): None,  # 8 days before
            date(2023, 5, 13): ReminderKind.WEEK_BEFORE,  # 7 days before
            date(2023, 5, 19): ReminderKind.WEEK_BEFORE,
            date(2023, 5, 20): ReminderKind.DEADLINE,
            date(2023, 5, 21): ReminderKind.OVERDUE,
            date(2023, 9, 1): ReminderKind.OVERDUE,
        }
        for today, kind in cases.items():
            with self.subTest(today=today):
                self.assertEqual(reminder_kind_due(deadline, today), kind)


class SendRemindersTests(ReminderWorld):
    def test_nothing_is_sent_eight_days_before_the_deadline(self) -> None:
        self.assertEqual(send(today=self.days_before(8)), [])
        self.assertEqual(mail.outbox, [])

    def test_week_before_reminder_seven_days_before(self) -> None:
        sent = send(today=self.days_before(7))
        self.assertEqual({r.kind for r in sent}, {ReminderKind.WEEK_BEFORE})
        self.assertEqual(self.recipients(), ["annan@example.se", "rapportor@example.se"])
        self.assertEqual(Reminder.objects.count(), 2)

    def test_deadline_reminder_on_the_day(self) -> None:
        sent = send(today=self.deadline)
        self.assertEqual({r.kind for r in sent}, {ReminderKind.DEADLINE})
        self.assertEqual(len(mail.outbox), 2)

    def test_overdue_reminder_after_the_deadline(self) -> None:
        sent = send(today=self.deadline + timedelta(days=1))
        self.assertEqual({r.kind for r in sent}, {ReminderKind.OVERDUE})
        self.assertEqual(len(mail.outbox), 2)

    def test_submitted_and_approved_reports_are_not_reminded(self) -> None:
        Report.objects.filter(pk=self.world.report.pk).update(state=ReportState.SUBMITTED)
        Report.objects.filter(pk=self.world.other_report.pk).update(state=ReportState.APPROVED)
        self.assertEqual(send(today=self.deadline), [])
        self.assertEqual(mail.outbox, [])

    def test_returned_report_is_reminded_and_the_mail_says_it_was_returned(self) -> None:
        Report.objects.filter(pk=self.world.report.pk).update(state=ReportState.RETURNED)
        Report.objects.filter(pk=self.world.other_report.pk).update(state=ReportState.APPROVED)
        send(today=self.deadline)
        self.assertEqual(self.recipients(), ["rapportor@example.se"])
        self.assertIn("skickat tillbaka rapporten för komplettering", mail.outbox[0].body)

    def test_locked_period_is_not_reminded(self) -> None:
        period_lock(period=self.world.period)
        self.assertEqual(send(today=self.deadline + timedelta(days=1)), [])

    def test_the_same_reminder_is_never_sent_twice(self) -> None:
        self.assertEqual(len(send(today=self.days_before(7))), 2)
        # Same day again, and later in the week: the week's reminder has gone.
        self.assertEqual(send(today=self.days_before(7)), [])
        self.assertEqual(send(today=self.days_before(3)), [])
        self.assertEqual(len(send(today=self.deadline)), 2)
        self.assertEqual(send(today=self.deadline), [])
        # Overdue: once, the day after, and never again.
        self.assertEqual(len(send(today=self.deadline + timedelta(days=1))), 2)
        self.assertEqual(send(today=self.deadline + timedelta(days=2)), [])
        self.assertEqual(len(mail.outbox), 6)
        self.assertEqual(Reminder.objects.count(), 6)

    def test_a_missed_run_sends_only_the_kind_due_now(self) -> None:
        sent = send(today=self.deadline + timedelta(days=3))
        self.assertEqual([r.kind for r in sent], [ReminderKind.OVERDUE] * 2)
        self.assertEqual(len(mail.outbox), 2)

    def test_only_the_boards_rapportorer_are_reminded(self) -> None:
        # The läsare and the samordnare have addresses but report nothing.
        send(today=self.deadline)
        to_board = {m.to[0]: m.subject.rsplit(" – ", 1)[1] for m in mail.outbox}
        self.assertEqual(
            to_board,
            {
                "rapportor@example.se": "Rinkeby-Kista stadsdelsnämnd",
                "annan@example.se": "Farsta stadsdelsnämnd",
            },
        )

    def test_a_rapportor_of_several_boards_gets_one_mail_per_board(self) -> None:
        Membership.objects.create(
            user=self.world.reporter, board=self.world.other_report.board, role=BoardRole.REPORTER
        )
        send(today=self.deadline)
        self.assertEqual(
            self.recipients(), ["annan@example.se", "rapportor@example.se", "rapportor@example.se"]
        )

    def test_rapportorer_without_email_are_skipped_and_counted(self) -> None:
        no_address = user("utanpost", **{DISTRICT: BoardRole.REPORTER})
        due = reminders_due(today=self.deadline)
        self.assertEqual(due.without_email, [(self.world.report, no_address)])
        deliver(due)
        self.assertNotIn(no_address.pk, Reminder.objects.values_list("recipient", flat=True))
        # Given an address, they get the reminder still due.
        _with_email(no_address, "utanpost@example.se")
        sent = send(today=self.deadline)
        self.assertEqual([(r.recipient, r.kind) for r in sent], [(no_address, "deadline")])

    def test_inactive_users_are_not_reminded(self) -> None:
        self.world.other_reporter.is_active = False
        self.world.other_reporter.save()
        send(today=self.deadline)
        self.assertEqual(self.recipients(), ["rapportor@example.se"])

    @override_settings(SITE_URL=SITE)
    def test_mail_lists_what_is_missing_and_links_to_the_report(self) -> None:
        missing = report_completeness_now(self.world.report).missing
        self.assertTrue(missing)
        send(today=self.days_before(7))
        message = next(m for m in mail.outbox if m.to == ["rapportor@example.se"])
        link = f"{SITE}/rapporter/{self.world.report.pk}/"
        self.assertIn("Det här saknas fortfarande:", message.body)
        for item in missing:
            self.assertIn(f"- {item}", message.body)
        self.assertIn(link, message.body)
        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        self.assertIn(f'<a href="{link}">', html)
        self.assertEqual(html.count("<li>"), len(missing))

    def test_subject_and_body_are_swedish(self) -> None:
        send(today=self.days_before(7))
        message = next(m for m in mail.outbox if m.to == ["rapportor@example.se"])
        self.assertEqual(
            message.subject,
            "Påminnelse: rapporten för Tertialrapport 1 2023 ska vara inskickad senast 20 maj"
            " – Rinkeby-Kista stadsdelsnämnd",
        )
        self.assertIn("senast lördag 20 maj 2023, om 7 dagar.", message.body)
        self.assertIn("Hej rapportor!", message.body)

    def test_overdue_subject(self) -> None:
        send(today=self.deadline + timedelta(days=1))
        self.assertTrue(mail.outbox[0].subject.startswith("Försenad rapport: Tertialrapport 1"))

    def test_a_filled_report_is_told_only_to_submit(self) -> None:
        fill_report(self.world.report)
        send(today=self.deadline)
        message = next(m for m in mail.outbox if m.to == ["rapportor@example.se"])
        self.assertNotIn("saknas", message.body)
        self.assertIn("Det som återstår är att skicka in rapporten.", message.body)

    def test_a_reminder_recorded_by_another_run_meanwhile_is_not_sent_again(self) -> None:
        due = reminders_due(today=self.deadline)
        theirs = due.reminders[0]
        Reminder.objects.create(
            report=theirs.report, kind=theirs.kind, recipient=theirs.recipient, email=theirs.email
        )
        sent = deliver(due)
        self.assertEqual([r.email for r in sent], [due.reminders[1].email])
        self.assertEqual([m.to for m in mail.outbox], [[due.reminders[1].email]])
        self.assertEqual(Reminder.objects.count(), 2)

    def test_when_sending_fails_the_unsent_reminders_are_tried_again_next_run(self) -> None:
        for slug in ("spanga-tensta-stadsdelsnamnd", "skarholmens-stadsdelsnamnd"):
            _with_email(user(slug, **{slug: BoardRole.REPORTER}), f"{slug}@example.se")
        backend = "django.core.mail.backends.locmem.EmailBackend.send_messages"
        with mock.patch(backend, side_effect=[1, SMTPException("421"), 1, 1]):
            send(today=self.deadline)  # the task fails (the worker records why)
        # The first was sent; the one that failed may have gone, so it stays recorded; the
        # two after it are free again.
        self.assertEqual(Reminder.objects.count(), 2)
        self.assertEqual(len(send(today=self.deadline)), 2)
        self.assertEqual(Reminder.objects.count(), 4)

    def test_the_mails_go_only_once_the_records_are_committed(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            claimed = reminders_send(today=self.deadline)
            # Recorded, not yet sent: the task is enqueued when the transaction commits.
            self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), sorted(r.email for r in claimed))

    def test_a_task_run_twice_sends_each_mail_once(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            claimed = reminders_send(today=self.deadline)
        ids = [reminder.pk for reminder in claimed]
        self.assertEqual(send_reminder_mails.call(ids, self.deadline.isoformat()), 2)
        self.assertEqual(send_reminder_mails.call(ids, self.deadline.isoformat()), 0)
        self.assertEqual(len(mail.outbox), 2)
        self.assertTrue(all(r.delivered_at for r in Reminder.objects.all()))

    def test_a_failing_mail_server_fails_the_task(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            claimed = reminders_send(today=self.deadline)
        backend = "django.core.mail.backends.locmem.EmailBackend.open"
        with (
            mock.patch(backend, side_effect=SMTPException("421")),
            self.assertRaises(SMTPException),
        ):
            send_reminder_mails.call([r.pk for r in claimed], self.deadline.isoformat())
        # Nothing went: both are free for the next run.
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        self.assertEqual(len(send(today=self.deadline)), 2)


class ReminderQueryTests(ReminderWorld):
    def test_a_run_costs_the_same_queries_however_many_boards(self) -> None:
        # The run: 1 reports due (with period and board), 2 rapportörer (with user),
        # 3 reminders already sent, 4–6 the reports' activity, indicator and goal rows, 7–9 the
        # insert of the reminders inside a savepoint, 10 their notifications in the app (one
        # insert). Its task: 11 marking them delivered, 12 reading them back (with report,
        # period, programme, board, recipient; without those who said no to e-mail), 13–15
        # the reports' rows again (for what each mail says is missing).
        with self.assertNumQueries(15):
            sent = send(today=self.days_before(7))
        self.assertEqual(len(sent), 2)

        boards = list(Board.objects.filter(reports__period=self.world.period)[:8])
        for board in boards:
            _with_email(user(f"r-{board.slug}", **{board.slug: BoardRole.REPORTER}), "x@example.se")
        for number in range(5):
            board = Board.objects.create(
                organisation="Stockholms stad",
                name=f"Ny nämnd {number}",
                slug=f"ny-{number}",
                kind=BoardKind.FACKNAMND,
            )
            Report.objects.create(period=self.world.period, board=board)
            _with_email(user(f"ny-{number}", **{board.slug: BoardRole.REPORTER}), "y@example.se")

        with self.assertNumQueries(15):
            sent = send(today=self.deadline)
        self.assertGreaterEqual(len(sent), 2 + 5 + 6)

    def test_a_run_with_nothing_due_costs_one_query(self) -> None:
        with self.assertNumQueries(1):
            send(today=self.days_before(30))


class SendRemindersCommandTests(ReminderWorld):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    def test_dry_run_sends_and_records_nothing(self) -> None:
        out = self.run_command("--date", str(self.deadline), "--dry-run")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        self.assertIn("Provkörning", out)
        self.assertIn(
            "På sista dagen: Rinkeby-Kista stadsdelsnämnd, Tertialrapport 1 2023 → "
            "rapportor@example.se",
            out,
        )
        self.assertIn("2 skulle skickas", out)

    def test_summary_counts_sent_per_kind_and_those_without_email(self) -> None:
        user("utanpost", **{DISTRICT: BoardRole.REPORTER})
        out = self.run_command("--date", str(self.days_before(2)))
        self.assertIn("2 skickade", out)
        self.assertIn("En vecka före sista dagen: 2", out)
        self.assertIn("Efter sista dagen: 0", out)
        self.assertIn("1 hoppades över eftersom rapportören saknar e-postadress (utanpost)", out)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("0 skickade", self.run_command("--date", str(self.days_before(2))))

    def test_without_date_it_counts_from_today(self) -> None:
        with mock.patch("django.utils.timezone.localdate", return_value=self.deadline):
            out = self.run_command()
        self.assertIn(f"Påminnelser {self.deadline:%Y-%m-%d}", out)
        self.assertIn("På sista dagen: 2", out)

    def test_a_malformed_date_is_refused_in_swedish(self) -> None:
        with self.assertRaisesMessage(CommandError, "ÅÅÅÅ-MM-DD"):
            self.run_command("--date", "20/5/2023")


class ReminderPageTests(ReminderWorld):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.url = reverse("period-reminders", args=[cls.world.period.pk])
        user("utanpost", **{DISTRICT: BoardRole.REPORTER})
        send(today=cls.deadline)

    def test_coordinator_sees_who_was_reminded_when(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "Påminnelser för Tertialrapport 1 2023")
        # The reminders' table, the list without e-mail, and "Påminn nu".
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd", count=3)
        self.assertContains(response, "rapportor@example.se")
        self.assertContains(response, "annan@example.se")
        self.assertContains(response, "På sista dagen", count=2)
        self.assertContains(response, "<td>Utkast</td>", count=2, html=True)
        self.assertContains(response, "Rapportörer utan e-postadress")
        self.assertContains(response, "(utanpost)")

    def test_page_costs_the_same_queries_however_many_reminders(self) -> None:
        self.client.force_login(self.world.coordinator)
        # Session, user; the period (scoped to the coordinator, with its counts); for "Påminn
        # nu" the reports not in (with board and period), when each was reminded today and
        # which boards have a rapportör; the header's unread notifications; the reminders
        # with board, recipient and sender; the rapportörer without e-mail.
        with self.assertNumQueries(9):
            self.client.get(self.url)
        for board in Board.objects.filter(reports__period=self.world.period)[:6]:
            _with_email(user(f"r-{board.slug}", **{board.slug: BoardRole.REPORTER}), "x@ex.se")
        Reminder.objects.all().delete()
        send(today=self.deadline)
        with self.assertNumQueries(9):
            response = self.client.get(self.url)
        self.assertContains(response, "x@ex.se", count=6)

    def test_period_list_links_to_the_reminders(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(reverse("period-list"))
        self.assertContains(response, f'href="{self.url}"')

    def test_others_get_404(self) -> None:
        other_programme, _ = programme_load(data=sodertalje_data())
        stranger = user("annan-samordnare")
        Coordinator.objects.create(user=stranger, programme=other_programme)
        for person in (self.world.reporter, self.world.reader, self.world.other_reporter, stranger):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_page_is_empty_before_any_reminder(self) -> None:
        Reminder.objects.all().delete()
        self.client.force_login(self.world.coordinator)
        self.assertContains(self.client.get(self.url), "Inga påminnelser har skickats")

"""Notifications (issue 11, point 2): each event of a report's life is told, in the app and by
e-mail, to the people it concerns; the mail goes only after the commit, once, in Swedish
with the link, and only to those who want it; the list and the header's count; reading
never marks anything (opening one is a POST)."""

from datetime import timedelta

from django.core import mail
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from dialogue.services import Target, comment_post
from followup.models import BoardRole, ReportEvent
from followup.services import period_lock, report_reopen, report_review, report_submit
from notifications import events
from notifications.mail import send_notification_mails
from notifications.models import EmailChoice, Notification, NotificationKind
from tests.document_jobs import IMMEDIATE_TASKS
from tests.followup_data import DISTRICT, build_world, fill_report, user

SITE = "https://uppfoljning.example.se"


def _with_email(person, address: str) -> None:
    person.email = address
    person.save(update_fields=["email"])


@override_settings(TASKS=IMMEDIATE_TASKS, SITE_URL=SITE)
class NotificationWorld(TestCase):
    """Stockholm's T1 2023 open; the district's rapportör, läsare and the samordnare on
    e-mail, and the district's report filled in."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        _with_email(cls.world.reporter, "rapportor@example.se")
        _with_email(cls.world.other_reporter, "annan@example.se")
        _with_email(cls.world.reader, "lasare@example.se")
        _with_email(cls.world.coordinator, "samordnare@example.se")
        fill_report(cls.world.report)

    def submit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)

    def review(self, *, approve: bool, comment: str = "") -> None:
        with self.captureOnCommitCallbacks(execute=True):
            report_review(
                report=self.world.report,
                user=self.world.coordinator,
                approve=approve,
                comment=comment,
            )

    def told(self, person) -> list[Notification]:
        return list(Notification.objects.filter(recipient=person))

    def recipients(self) -> list[str]:
        return sorted(address for message in mail.outbox for address in message.to)


class EventTests(NotificationWorld):
    def test_a_submitted_report_is_told_to_the_samordnare_in_the_app_and_by_mail(self) -> None:
        self.submit()
        [notification] = self.told(self.world.coordinator)
        self.assertEqual(notification.kind, NotificationKind.SUBMITTED)
        self.assertEqual(
            notification.title,
            "Rinkeby-Kista stadsdelsnämnd har skickat in rapporten för Tertialrapport 1 2023",
        )
        self.assertEqual(notification.url, f"/rapporter/{self.world.report.pk}/#review")
        # Nobody else is told; the rapportör who submitted is never told of it.
        self.assertEqual(Notification.objects.count(), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["samordnare@example.se"])
        self.assertEqual(message.subject, notification.title)
        self.assertIn("Hej samordnare!", message.body)
        self.assertIn("Rapporten väntar på din granskning.", message.body)
        self.assertIn(f"{SITE}/rapporter/{self.world.report.pk}/#review", message.body)
        self.assertIn(f"{SITE}/aviseringar/installningar/", message.body)
        html = message.alternatives[0][0]
        self.assertIn('lang="sv"', html)
        self.assertIn(f'href="{SITE}/rapporter/{self.world.report.pk}/#review"', html)

    def test_the_mail_waits_for_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
            self.assertEqual(mail.outbox, [])
        self.assertEqual(mail.outbox, [])
        for callback in callbacks:
            callback()
        self.assertEqual(self.recipients(), ["samordnare@example.se"])

    def test_an_event_rolled_back_tells_no_one(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    report_submit(
                        report=self.world.report, user=self.world.reporter, on_behalf=False
                    )
                    raise RuntimeError("något gick fel efter inskickningen")
            except RuntimeError:
                pass
        self.assertEqual(Notification.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def test_an_event_told_twice_is_one_notification_and_one_mail(self) -> None:
        self.submit()
        event = ReportEvent.objects.get(kind=ReportEvent.Kind.SUBMITTED)
        with self.captureOnCommitCallbacks(execute=True):
            events.report_submitted(event)
        self.assertEqual(len(self.told(self.world.coordinator)), 1)
        self.assertEqual(len(mail.outbox), 1)
        # The mail task run again for the same event sends nothing.
        self.assertEqual(send_notification_mails.call([f"report-event:{event.pk}"]), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_return_is_told_to_the_boards_rapportorer_with_the_comment(self) -> None:
        self.submit()
        mail.outbox.clear()
        self.review(approve=False, comment="Komplettera indikator 2.")
        [notification] = self.told(self.world.reporter)
        self.assertEqual(notification.kind, NotificationKind.RETURNED)
        self.assertIn("har skickats tillbaka för komplettering", notification.title)
        self.assertEqual(notification.body, "Samordnaren skriver: Komplettera indikator 2.")
        # Not the läsare, not another board's rapportör, not the samordnare who returned it.
        self.assertEqual(self.told(self.world.reader), [])
        self.assertEqual(self.told(self.world.other_reporter), [])
        self.assertEqual(self.recipients(), ["rapportor@example.se"])
        self.assertIn("Komplettera indikator 2.", mail.outbox[0].body)

    def test_an_approval_is_told_to_every_rapportor_of_the_board(self) -> None:
        second = user("rapportor-2", **{DISTRICT: BoardRole.REPORTER})
        _with_email(second, "rapportor2@example.se")
        self.submit()
        mail.outbox.clear()
        self.review(approve=True)
        self.assertEqual(self.told(self.world.reporter)[0].kind, NotificationKind.APPROVED)
        self.assertEqual(self.recipients(), ["rapportor2@example.se", "rapportor@example.se"])
        self.assertEqual(
            mail.outbox[0].subject,
            "Rapporten från Rinkeby-Kista stadsdelsnämnd för Tertialrapport 1 2023 är godkänd",
        )

    def test_a_reopened_report_is_told_with_its_new_deadline(self) -> None:
        self.submit()
        self.review(approve=True)
        period_lock(period=self.world.period)
        mail.outbox.clear()
        today = timezone.localdate()
        deadline = today + timedelta(days=10)
        with self.captureOnCommitCallbacks(execute=True):
            report_reopen(
                report=self.world.report,
                user=self.world.coordinator,
                comment="Siffrorna för indikator 3 behöver rättas.",
                deadline=deadline,
                today=today,
            )
        notification = Notification.objects.get(kind=NotificationKind.REOPENED)
        self.assertEqual(notification.recipient, self.world.reporter)
        self.assertIn(f"med sista dag {deadline:%Y-%m-%d}", notification.title)
        self.assertIn(f"senast {deadline:%Y-%m-%d}", mail.outbox[0].body)
        self.assertIn("Siffrorna för indikator 3", mail.outbox[0].body)

    def test_who_has_said_no_to_a_kind_by_mail_has_it_in_the_app_only(self) -> None:
        EmailChoice.objects.create(
            user=self.world.reporter, kind=NotificationKind.RETURNED, email=False
        )
        self.submit()
        mail.outbox.clear()
        self.review(approve=False, comment="Komplettera.")
        [notification] = self.told(self.world.reporter)
        self.assertEqual(notification.email, "")
        self.assertEqual(mail.outbox, [])
        # Other kinds still come by mail.
        with self.captureOnCommitCallbacks(execute=True):
            report_submit(report=self.world.report, user=self.world.reporter, on_behalf=False)
        self.review(approve=True)
        self.assertEqual(self.recipients(), ["rapportor@example.se", "samordnare@example.se"])

    def test_without_an_address_the_notification_is_in_the_app_only(self) -> None:
        _with_email(self.world.coordinator, "")
        self.submit()
        self.assertEqual(len(self.told(self.world.coordinator)), 1)
        self.assertEqual(mail.outbox, [])


class CommentEventTests(NotificationWorld):
    """`comment_posted`, which the comments' signal (dialogue.signals.comment_posted) calls."""

    def post(self, **kwargs) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            events.comment_posted(
                report=self.world.report,
                actor=self.world.coordinator,
                recipients=[self.world.reporter, self.world.coordinator],
                url=f"/rapporter/{self.world.report.pk}/#thread-7",
                excerpt="Hur räknades andelen?",
                **kwargs,
            )

    def test_a_comment_is_told_to_its_thread_but_not_to_its_writer(self) -> None:
        self.post(key="comment:1")
        [notification] = Notification.objects.all()
        self.assertEqual(notification.recipient, self.world.reporter)
        self.assertEqual(notification.kind, NotificationKind.COMMENT)
        self.assertEqual(notification.body, "Hur räknades andelen?")
        self.assertEqual(self.recipients(), ["rapportor@example.se"])
        self.assertIn(f"{SITE}/rapporter/{self.world.report.pk}/#thread-7", mail.outbox[0].body)

    def test_the_same_comment_told_twice_is_told_once(self) -> None:
        self.post()
        self.post()
        self.assertEqual(Notification.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def comment(self, person, text: str, on_row: bool = True) -> None:
        row = self.world.report.activity_rows.order_by("pk").first()
        target = Target("a", row.pk) if on_row else Target()
        with self.captureOnCommitCallbacks(execute=True):
            comment_post(
                report=self.world.report,
                target=target,
                user=person,
                by_coordinator=person == self.world.coordinator,
                text=text,
            )

    def test_a_comment_on_a_row_reaches_the_boards_rapportorer_and_the_threads_writers(
        self,
    ) -> None:
        self.comment(self.world.coordinator, "Hur många deltog?")
        # The board's rapportör is told, in the app and by mail, with a link to the thread;
        # its writer, the läsare and another board are not.
        [notice] = Notification.objects.all()
        self.assertEqual(notice.recipient, self.world.reporter)
        self.assertEqual(notice.body, "Hur många deltog?")
        self.assertIn("#thread-a", notice.url)
        self.assertEqual(self.recipients(), ["rapportor@example.se"])
        # The rapportör answers: the samordnare, who wrote in the thread, is told.
        mail.outbox.clear()
        self.comment(self.world.reporter, "Tolv personer.")
        self.assertEqual(
            Notification.objects.get(body="Tolv personer.").recipient, self.world.coordinator
        )
        self.assertEqual(self.recipients(), ["samordnare@example.se"])


class NotificationPageTests(NotificationWorld):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        report_submit(report=cls.world.report, user=cls.world.reporter, on_behalf=False)
        report_review(
            report=cls.world.report, user=cls.world.coordinator, approve=False, comment="Mer."
        )
        cls.notification = Notification.objects.get(recipient=cls.world.reporter)

    def test_the_header_shows_the_unread_count(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("start"))
        self.assertContains(
            response,
            '<a href="/aviseringar/">Aviseringar <span class="badge">1<span '
            'class="visually-hidden"> olästa</span></span></a>',
            html=True,
        )
        self.client.force_login(self.world.reader)
        response = self.client.get(reverse("start"))
        self.assertContains(response, '<a href="/aviseringar/">Aviseringar</a>', html=True)

    def test_the_list_shows_unread_and_reading_it_marks_nothing(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("notification-list"))
        self.assertContains(response, "1 oläst.")
        self.assertContains(response, "Oläst")
        self.assertContains(response, self.notification.title)
        self.notification.refresh_from_db()
        self.assertIsNone(self.notification.read_at)

    def test_opening_one_marks_it_read_and_goes_to_its_place(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(reverse("notification-open", args=[self.notification.pk]))
        self.assertRedirects(
            response, f"/rapporter/{self.world.report.pk}/", fetch_redirect_response=False
        )
        self.notification.refresh_from_db()
        self.assertIsNotNone(self.notification.read_at)
        response = self.client.get(reverse("notification-list"))
        self.assertContains(response, "Inga olästa aviseringar.")
        self.assertContains(response, "· läst")

    def test_opening_keeps_the_place_on_the_page_and_never_leaves_the_site(self) -> None:
        self.client.force_login(self.world.coordinator)
        submitted = Notification.objects.get(recipient=self.world.coordinator)
        response = self.client.post(reverse("notification-open", args=[submitted.pk]))
        self.assertEqual(response["Location"], f"/rapporter/{self.world.report.pk}/#review")
        Notification.objects.filter(pk=submitted.pk).update(url="//elak.example/")
        response = self.client.post(reverse("notification-open", args=[submitted.pk]))
        self.assertEqual(response["Location"], "/aviseringar/")

    def test_opening_is_a_post_only(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("notification-open", args=[self.notification.pk]))
        self.assertEqual(response.status_code, 405)
        self.notification.refresh_from_db()
        self.assertIsNone(self.notification.read_at)

    def test_nobody_opens_anyone_elses(self) -> None:
        for person in (self.world.reader, self.world.other_reporter, self.world.coordinator):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                response = self.client.post(
                    reverse("notification-open", args=[self.notification.pk])
                )
                self.assertEqual(response.status_code, 404)
                response = self.client.get(reverse("notification-list"))
                self.assertNotContains(response, self.notification.title)
        self.notification.refresh_from_db()
        self.assertIsNone(self.notification.read_at)

    def test_all_can_be_marked_read(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(reverse("notification-read-all"), follow=True)
        self.assertContains(response, "Alla aviseringar är markerade som lästa.")
        self.assertFalse(self.world.reporter.notifications.filter(read_at=None).exists())
        # Only one's own.
        self.assertTrue(self.world.coordinator.notifications.filter(read_at=None).exists())

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = self.client.get(reverse("notification-list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/konto/logga-in/", response["Location"])

    def test_the_list_costs_the_same_queries_however_many(self) -> None:
        self.client.force_login(self.world.reporter)
        # Session, user; the page of notifications; their count (Paginator); the unread
        # count on the page; the header's unread count.
        with self.assertNumQueries(6):
            self.client.get(reverse("notification-list"))
        Notification.objects.bulk_create(
            Notification(
                recipient=self.world.reporter,
                kind=NotificationKind.APPROVED,
                title=f"Avisering {n}",
                url="/start/",
                key=f"test:{n}",
            )
            for n in range(40)
        )
        with self.assertNumQueries(6):
            response = self.client.get(reverse("notification-list"))
        self.assertContains(response, "41 olästa.")


class PreferenceTests(NotificationWorld):
    def test_every_kind_comes_by_mail_until_one_says_no(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("notification-preferences"))
        for kind in NotificationKind:
            self.assertContains(response, kind.label)
        self.assertContains(response, "checked", count=len(NotificationKind))
        self.assertFalse(EmailChoice.objects.exists())  # reading the page wrote nothing

    def test_a_choice_is_saved_and_kept(self) -> None:
        self.client.force_login(self.world.reporter)
        ticked = {kind.value: "on" for kind in NotificationKind if kind != "approved"}
        response = self.client.post(reverse("notification-preferences"), ticked, follow=True)
        self.assertContains(response, "Dina val av e-post är sparade.")
        self.assertEqual(
            list(EmailChoice.objects.filter(email=False).values_list("kind", flat=True)),
            ["approved"],
        )
        self.assertContains(response, "checked", count=len(NotificationKind) - 1)
        # And the approval is in the app only now.
        self.submit()
        mail.outbox.clear()
        self.review(approve=True)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.told(self.world.reporter)[0].kind, NotificationKind.APPROVED)


@override_settings(TASKS=IMMEDIATE_TASKS, SITE_URL=SITE)
class ReminderInTheAppTests(NotificationWorld):
    def test_a_scheduled_reminder_is_in_the_app_too(self) -> None:
        from followup.reminders import reminders_send

        self.world.report.refresh_from_db()
        with self.captureOnCommitCallbacks(execute=True):
            reminders_send(today=self.world.period.deadline)
        notification = Notification.objects.get(recipient=self.world.reporter)
        self.assertEqual(notification.kind, NotificationKind.REMINDER)
        self.assertIn("Sista dagen i dag", notification.title)
        self.assertIn("rapportor@example.se", self.recipients())

    def test_a_rapportor_who_said_no_to_reminder_mail_gets_it_in_the_app_only(self) -> None:
        from followup.models import Reminder
        from followup.reminders import reminders_send

        EmailChoice.objects.create(
            user=self.world.reporter, kind=NotificationKind.REMINDER, email=False
        )
        with self.captureOnCommitCallbacks(execute=True):
            reminders_send(today=self.world.period.deadline)
        self.assertNotIn("rapportor@example.se", self.recipients())
        self.assertIn("annan@example.se", self.recipients())
        self.assertTrue(Notification.objects.filter(recipient=self.world.reporter).exists())
        # Still recorded, so that the daily run does not try again.
        self.assertTrue(Reminder.objects.filter(recipient=self.world.reporter).exists())
        self.client.force_login(self.world.coordinator)
        response = self.client.get(reverse("period-reminders", args=[self.world.period.pk]))
        self.assertContains(response, "vill inte ha e-post: bara under Aviseringar")

"""Comment threads on a report's rows and on the report (issue 11, point 1), and what the
samordnare sees when a returned report comes back (point 5)."""

from typing import Any

from django.contrib.auth.models import User
from django.test import Client, TestCase
from django.urls import reverse

from dialogue.models import Comment, Thread
from dialogue.signals import comment_posted
from followup import services
from followup.forms import ReportSummaryForm
from followup.models import ActivityStatus, CityReader, GuardStop, Progress
from tests.followup_data import World, build_world, fill_report, user
from tests.test_report_rows import activity_post, save_url

PRIVATE = "Ring Anna på 070-123 45 67."


def thread_url(world: World, target: str, action: str = "") -> str:
    name = {"": "thread-comment", "los": "thread-resolve", "oppna": "thread-reopen"}[action]
    return reverse(name, args=[world.report.pk, target])


class DialogueWorld(TestCase):
    world: World
    row: ActivityStatus
    city_reader: User
    superuser: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.row = cls.world.report.activity_rows.select_related("activity").order_by("pk")[0]
        cls.city_reader = user("stadslasare")
        CityReader.objects.create(user=cls.city_reader, programme=cls.world.programme)
        cls.superuser = User.objects.create_superuser("admin", password="lösenord-för-test-1")

    @property
    def target(self) -> str:
        return self.row.prefix

    def post(self, person: User | None, text: str = "Hur går det?", **kwargs: Any) -> Any:
        client = Client()
        if person is not None:
            client.force_login(person)
        return client.post(thread_url(self.world, self.target), {"text": text}, **kwargs)

    def page(self, person: User, **params: str) -> str:
        self.client.force_login(person)
        response = self.client.get(reverse("report-detail", args=[self.world.report.pk]), params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class WhoMayCommentTests(DialogueWorld):
    def test_rapportor_comments_on_a_row_and_lands_on_the_thread(self) -> None:
        response = self.post(self.world.reporter, "Materialet är beställt.")
        self.assertRedirects(
            response,
            f"/rapporter/{self.world.report.pk}/#thread-{self.target}",
            fetch_redirect_response=False,
        )
        comment = Comment.objects.get()
        self.assertEqual(
            (comment.thread.report, comment.thread.target, comment.author, comment.by_coordinator),
            (self.world.report, self.target, self.world.reporter, False),
        )
        self.assertIn("Materialet är beställt.", self.page(self.world.reporter))

    def test_samordnare_comments_as_the_samordnare(self) -> None:
        self.assertEqual(self.post(self.world.coordinator).status_code, 302)
        self.assertTrue(Comment.objects.get().by_coordinator)
        html = self.page(self.world.reporter)
        self.assertIn('<span class="tag">Samordnare</span>', html)

    def test_superuser_may_comment(self) -> None:
        self.assertEqual(self.post(self.superuser).status_code, 302)

    def test_lasare_and_city_reader_read_but_get_403_on_writing(self) -> None:
        self.post(self.world.coordinator, "Komplettera gärna.")
        for person in (self.world.reader, self.city_reader):
            with self.subTest(person=person.username):
                for action in ("", "los", "oppna"):
                    client = Client()
                    client.force_login(person)
                    url = thread_url(self.world, self.target, action)
                    self.assertEqual(client.post(url, {"text": "Hej"}).status_code, 403)
                html = self.page(person)
                self.assertIn("Komplettera gärna.", html)
                self.assertNotIn("Skicka kommentaren", html)
                self.assertNotIn("Markera som löst", html)
        self.assertEqual(Comment.objects.count(), 1)

    def test_other_boards_rapportor_gets_404_for_threads(self) -> None:
        for action in ("", "los", "oppna"):
            client = Client()
            client.force_login(self.world.other_reporter)
            url = thread_url(self.world, self.target, action)
            self.assertEqual(client.post(url, {"text": "Hej"}).status_code, 404)
        self.assertFalse(Comment.objects.exists())

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = self.post(None)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/konto/", response["Location"])
        self.assertFalse(Comment.objects.exists())

    def test_a_row_of_another_report_or_no_row_is_404(self) -> None:
        foreign = self.world.other_report.activity_rows.order_by("pk")[0]
        client = Client()
        client.force_login(self.world.coordinator)
        for target in (foreign.prefix, "x1", "a", "aabc", "a999999", "g" + str(self.row.pk)):
            with self.subTest(target=target):
                url = thread_url(self.world, target)
                self.assertEqual(client.post(url, {"text": "Hej"}).status_code, 404)
        self.assertFalse(Thread.objects.exists())

    def test_kommentera_opens_a_new_thread_in_place_or_on_the_page(self) -> None:
        self.client.force_login(self.world.reporter)
        url = thread_url(self.world, self.target)
        response = self.client.get(url, headers={"HX-Request": "true"})
        self.assertContains(
            response, f'id="thread-{self.target}-text" rows="2" maxlength="4000" autofocus'
        )
        self.assertNotContains(response, "<html")
        # Without JavaScript the link leads to the page with that thread's form open.
        response = self.client.get(url)
        page = f"/rapporter/{self.world.report.pk}/?kommentera={self.target}"
        self.assertRedirects(
            response, f"{page}#thread-{self.target}", fetch_redirect_response=False
        )
        html = self.page(self.world.reporter, kommentera=self.target)
        self.assertIn(f'<label for="thread-{self.target}-text">Ny kommentar</label>', html)
        self.assertEqual(html.count("Ny kommentar</label>"), 1)
        # Only those who may comment get the form.
        self.client.force_login(self.world.reader)
        self.assertEqual(self.client.get(url, headers={"HX-Request": "true"}).status_code, 403)
        self.assertNotIn("Ny kommentar", self.page(self.world.reader, kommentera=self.target))

    def test_comment_on_the_report_as_a_whole(self) -> None:
        client = Client()
        client.force_login(self.world.coordinator)
        response = client.post(thread_url(self.world, "rapport"), {"text": "Bra helhet."})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].endswith("#thread-rapport"))
        self.assertEqual(Thread.objects.get().target, "rapport")
        html = self.page(self.world.reader)
        self.assertIn("Kommentarer om rapporten som helhet", html)
        self.assertIn("Bra helhet.", html)


class CommentFormTests(DialogueWorld):
    def test_comments_add_up_in_one_thread_and_are_never_replaced(self) -> None:
        self.post(self.world.coordinator, "Första.")
        self.post(self.world.reporter, "Andra.")
        thread = Thread.objects.get()
        self.assertEqual(
            list(thread.comments.values_list("text", flat=True)), ["Första.", "Andra."]
        )

    def test_empty_comment_is_refused_in_place_and_nothing_stored(self) -> None:
        response = self.post(self.world.reporter, "   ")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Skriv en kommentar.", status_code=422)
        # The refused thread's form is there with the error, focused.
        self.assertContains(response, f'id="thread-{self.target}-error"', status_code=422)
        self.assertContains(response, "autofocus", status_code=422)
        self.assertFalse(Thread.objects.exists())

    def test_personal_data_is_refused_counted_and_the_text_kept_for_correction(self) -> None:
        response = self.post(self.world.reporter, PRIVATE)
        self.assertEqual(response.status_code, 422)
        html = response.content.decode()
        self.assertIn("Texten verkar innehålla ett telefonnummer", html)
        self.assertIn(f">{PRIVATE}</textarea>", html)
        self.assertIn('aria-invalid="true"', html)
        self.assertFalse(Comment.objects.exists())
        stop = GuardStop.objects.get()
        self.assertEqual((stop.place, stop.kind), ("Comment.text", "telefon"))

    def test_too_long_comment_is_refused(self) -> None:
        response = self.post(self.world.reporter, "x" * 4001)
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Comment.objects.exists())

    def test_the_form_carries_the_reminder_about_personal_data(self) -> None:
        html = self.page(self.world.reporter)
        self.assertIn("aldrig uppgifter om enskilda personer", html)
        self.assertIn("En kommentar kan inte ändras eller tas bort när den är skickad.", html)

    def test_htmx_answers_with_the_thread_and_the_open_count_out_of_band(self) -> None:
        response = self.post(self.world.reporter, "Med htmx.", headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith("<"))
        self.assertNotIn("<html", html)
        self.assertIn(f'id="thread-{self.target}"', html)
        self.assertIn("Med htmx.", html)
        self.assertIn("Kommentaren är sparad.", html)
        self.assertIn('id="dialogue-head" hx-swap-oob="true"', html)
        self.assertIn("1 öppen tråd", html)

    def test_htmx_refusal_is_the_thread_with_the_error(self) -> None:
        response = self.post(self.world.reporter, PRIVATE, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 422)
        self.assertNotIn("<html", response.content.decode())
        self.assertContains(response, "telefonnummer", status_code=422)

    def test_csrf_is_required_and_the_htmx_header_token_is_accepted(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.world.reporter)
        url = thread_url(self.world, self.target)
        self.assertEqual(client.post(url, {"text": "Utan token"}).status_code, 403)
        client.get(reverse("report-detail", args=[self.world.report.pk]))
        token = client.cookies["csrftoken"].value
        response = client.post(
            url, {"text": "Med token"}, headers={"HX-Request": "true", "X-CSRFToken": token}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Comment.objects.get().text, "Med token")

    def test_comment_posted_is_sent_after_commit(self) -> None:
        received: list[dict[str, Any]] = []

        def receiver(sender: type, **kwargs: Any) -> None:
            received.append({"sender": sender, **kwargs})

        comment_posted.connect(receiver)
        self.addCleanup(comment_posted.disconnect, receiver)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.post(self.world.reporter, "Signalen.")
        self.assertEqual(received, [])  # nothing before the commit
        for callback in callbacks:
            callback()
        comment = Comment.objects.get()
        self.assertEqual(
            received,
            [
                {
                    "sender": Comment,
                    "signal": comment_posted,
                    "comment": comment,
                    "thread": comment.thread,
                }
            ],
        )

    def test_no_signal_for_a_refused_comment_or_a_resolution(self) -> None:
        received: list[object] = []

        def receiver(sender: type, **kwargs: Any) -> None:
            received.append(kwargs)

        comment_posted.connect(receiver)
        self.addCleanup(comment_posted.disconnect, receiver)
        self.post(self.world.coordinator, "Start.")
        received.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.post(self.world.reporter, PRIVATE)
            self.client.force_login(self.world.reporter)
            self.client.post(thread_url(self.world, self.target, "los"))
        self.assertEqual(received, [])


class ResolveTests(DialogueWorld):
    def setUp(self) -> None:
        self.post(self.world.coordinator, "Vad är nästa steg?")
        self.client.force_login(self.world.reporter)

    def test_resolve_and_reopen_are_recorded_in_the_thread(self) -> None:
        url = thread_url(self.world, self.target, "los")
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        thread = Thread.objects.get()
        self.assertTrue(thread.is_resolved)
        html = self.page(self.world.reporter)
        self.assertIn("✔ Löst", html)
        self.assertIn("Öppna tråden igen", html)
        self.assertNotIn("öppen tråd", html)  # the head counts none
        self.assertEqual(
            self.client.post(thread_url(self.world, self.target, "oppna")).status_code, 302
        )
        thread.refresh_from_db()
        self.assertFalse(thread.is_resolved)
        self.assertEqual(
            list(thread.comments.values_list("kind", "author__username")),
            [("comment", "samordnare"), ("resolved", "rapportor"), ("reopened", "rapportor")],
        )

    def test_a_resolved_thread_takes_no_comment_until_reopened(self) -> None:
        self.client.post(thread_url(self.world, self.target, "los"))
        response = self.post(self.world.reporter, "Ett till.")
        self.assertContains(response, "Öppna den igen för att skriva.", status_code=422)
        self.assertEqual(Comment.objects.filter(kind="comment").count(), 1)

    def test_resolving_twice_says_so_and_changes_nothing(self) -> None:
        url = thread_url(self.world, self.target, "los")
        self.client.post(url)
        response = self.client.post(url, headers={"HX-Request": "true"})
        self.assertContains(response, "redan markerad som löst", status_code=422)
        self.assertEqual(Comment.objects.filter(kind="resolved").count(), 1)

    def test_resolving_where_there_is_no_thread_is_refused(self) -> None:
        other = self.world.report.activity_rows.order_by("pk")[1]
        response = self.client.post(thread_url(self.world, other.prefix, "los"))
        self.assertContains(response, "Det finns ingen tråd här ännu.", status_code=422)

    def test_htmx_resolve_swaps_the_thread_and_the_head(self) -> None:
        response = self.client.post(
            thread_url(self.world, self.target, "los"), headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "✔ Löst")
        self.assertContains(response, "Inga öppna trådar.")


class ReportPageTests(DialogueWorld):
    def test_head_counts_the_open_threads_and_links_to_each(self) -> None:
        second = self.world.report.activity_rows.order_by("pk")[1]
        self.post(self.world.coordinator, "Ett.")
        client = Client()
        client.force_login(self.world.coordinator)
        client.post(thread_url(self.world, second.prefix), {"text": "Två."})
        html = self.page(self.world.reader)
        self.assertIn("2 öppna trådar", html)
        self.assertIn(f'href="#thread-{self.target}"', html)
        self.assertIn(f'href="#thread-{second.prefix}"', html)

    def test_rows_without_thread_offer_only_a_kommentera_link(self) -> None:
        html = self.page(self.world.reporter)
        rows = self.world.report.activity_rows.count() + self.world.report.indicator_rows.count()
        self.assertEqual(html.count('<a class="thread__start"'), rows)
        self.assertEqual(html.count('class="thread__form"'), 1)  # the report's own thread
        self.assertNotIn("thread__entries", html)
        # A läsare sees nothing of threads where there are none.
        self.assertNotIn('class="thread', self.page(self.world.reader))

    def test_query_count_does_not_grow_with_threads(self) -> None:
        url = reverse("report-detail", args=[self.world.report.pk])
        self.post(self.world.coordinator, "Den första.")
        self.client.force_login(self.world.coordinator)
        self.client.get(url)
        # session, user, report with access; 2 kinds of rows (a tertial report has no goal
        # rows); the report before (in one, with its period; no rows: the first period);
        # events; every thread's entries with their threads and authors, in one; the board's
        # own activities and indicators; the goals
        with self.assertNumQueries(11) as one:
            self.client.get(url)
        rows = self.world.report.activity_rows.order_by("pk")[1:20]
        for n, row in enumerate(rows):
            thread = Thread.objects.create(report=self.world.report, row_kind="a", row_id=row.pk)
            for author in (self.world.coordinator, self.world.reporter):
                Comment.objects.create(thread=thread, author=author, text=f"Kommentar {n}")
        with self.assertNumQueries(len(one.captured_queries)):
            html = self.client.get(url).content.decode()
        self.assertIn("20 öppna trådar", html)
        self.assertIn("Kommentar 18", html)


class HistoryAndApiTests(DialogueWorld):
    def test_comments_and_resolutions_are_in_the_history(self) -> None:
        self.post(self.world.coordinator, "Vad hände i mars?")
        self.client.force_login(self.world.reporter)
        self.client.post(thread_url(self.world, self.target, "los"))
        response = self.client.get(reverse("report-history", args=[self.world.report.pk]))
        html = response.content.decode()
        self.assertIn("Vad hände i mars?", html)
        self.assertIn("samordnare (samordnare)", html)
        self.assertIn("markerad som löst", html)
        self.assertIn(self.row.activity.text[:40], html)

    def test_api_lists_threads_per_row_and_per_report(self) -> None:
        self.post(self.world.coordinator, "Om raden.")
        client = Client()
        client.force_login(self.world.coordinator)
        client.post(thread_url(self.world, "rapport"), {"text": "Om helheten."})
        client.force_login(self.world.reader)
        results = client.get("/api/v1/reports/").json()["results"]
        report = next(r for r in results if r["id"] == self.world.report.pk)
        row = next(a for a in report["activities"] if a["activity"] == self.row.activity_id)
        [thread] = row["threads"]
        self.assertEqual(
            (thread["target"], thread["resolved"], len(thread["comments"])),
            (self.target, False, 1),
        )
        comment = thread["comments"][0]
        self.assertEqual(
            {key: comment[key] for key in ("kind", "author", "by_coordinator", "text")},
            {
                "kind": "comment",
                "author": "samordnare",
                "by_coordinator": True,
                "text": "Om raden.",
            },
        )
        self.assertEqual(report["threads"][0]["comments"][0]["text"], "Om helheten.")
        others = [a for a in report["activities"] if a["activity"] != self.row.activity_id]
        self.assertTrue(all(a["threads"] == [] for a in others))
        self.assertTrue(all(i["threads"] == [] for i in report["indicators"]))


class SinceReturnTests(DialogueWorld):
    """The report is submitted and returned with a thread open on one row; the board
    changes that row, answers the thread and submits again."""

    def setUp(self) -> None:
        report = self.world.report
        fill_report(report)
        reporter = Client()
        reporter.force_login(self.world.reporter)
        self.reporter = reporter
        # Saved through the page, so that the history holds the value it had when returned.
        self.row.refresh_from_db()
        reporter.post(
            save_url(self.row, "a"),
            activity_post(
                self.row, progress=Progress.STARTED, assessment="enligt_plan", comment="Påbörjat."
            ),
        )
        services.report_submit(report=report, user=self.world.reporter, on_behalf=False)
        self.post(self.world.coordinator, "Stämmer statusen?")
        second = report.activity_rows.order_by("pk")[1]
        coordinator = Client()
        coordinator.force_login(self.world.coordinator)
        self.coordinator = coordinator
        coordinator.post(thread_url(self.world, second.prefix), {"text": "Och den här?"})
        self.second = second
        response = coordinator.post(
            reverse("report-review", args=[report.pk]),
            {"decision": "return", "comment": "Se trådarna."},
            follow=True,
        )
        self.returned_page = response.content.decode()
        page_url = reverse("report-detail", args=[report.pk])
        self.board_page = reporter.get(page_url).content.decode()
        self.row.refresh_from_db()
        reporter.post(
            save_url(self.row, "a"),
            activity_post(
                self.row, progress=Progress.DONE, assessment="enligt_plan", comment="Klart i april."
            ),
        )
        reporter.post(thread_url(self.world, self.target), {"text": "Ja, nu genomförd."})
        services.report_submit(report=report, user=self.world.reporter, on_behalf=False)

    def test_returning_says_how_many_threads_are_open(self) -> None:
        self.assertIn("2 trådar är öppna och följer med till nämnden", self.returned_page)

    def test_the_board_sees_the_open_threads_with_the_return(self) -> None:
        # As the rapportör saw it before answering: returned, with the threads listed.
        notice = self.board_page[self.board_page.index("Skickad tillbaka av samordnaren") :]
        self.assertIn("Se trådarna.", notice)
        self.assertIn("2 trådar väntar på svar", notice)
        self.assertIn(f'href="#thread-{self.second.prefix}"', notice)

    def test_samordnare_sees_what_changed_and_which_threads_were_answered(self) -> None:
        html = self.page(self.world.coordinator)
        self.assertIn('href="#review"', html)  # from the head to the review panel
        since = html.index("Ändrat sedan rapporten skickades tillbaka")
        self.assertLess(since, html.index('name="decision"'))  # before the decision
        panel = html[since : html.index('name="decision"')]
        self.assertIn(f'href="#{self.row.prefix}"', panel)
        self.assertIn(
            'Påbörjad</del> → <ins><span class="visually-hidden">nu: </span>Genomförd', panel
        )
        self.assertIn("Påbörjat.</del>", panel)
        self.assertIn("Klart i april.</ins>", panel)
        self.assertIn(f'✔ Besvarad: <a href="#thread-{self.row.prefix}"', panel)
        self.assertIn(f'○ Inte besvarad: <a href="#thread-{self.second.prefix}"', panel)
        # Unchanged rows are not listed.
        self.assertNotIn(f'href="#{self.second.prefix}"', panel)

    def test_nothing_to_compare_the_first_time_a_report_comes_in(self) -> None:
        other = self.world.other_report
        fill_report(other)
        services.report_submit(report=other, user=self.world.other_reporter, on_behalf=False)
        self.client.force_login(self.world.coordinator)
        response = self.client.get(reverse("report-detail", args=[other.pk]))
        self.assertNotContains(response, "Ändrat sedan")
        self.assertContains(response, 'href="#review"')

    def test_the_board_does_not_see_the_review_panel(self) -> None:
        html = self.page(self.world.reporter)
        self.assertNotIn("Ändrat sedan", html)
        self.assertNotIn('href="#review"', html)


class AnnualReportTests(TestCase):
    """Every kind of row has its thread: in the annual report also the goals' own rows."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(kind="VB")
        cls.goal_row = cls.world.report.goal_rows.order_by("goal__number")[0]
        cls.indicator_row = cls.world.report.indicator_rows.order_by("pk")[0]

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def comment(self, target: str, text: str) -> None:
        response = self.client.post(thread_url(self.world, target), {"text": text})
        self.assertEqual(response.status_code, 302)

    def test_goal_and_indicator_rows_have_threads_on_the_page_and_in_the_api(self) -> None:
        self.comment(self.goal_row.prefix, "Analysen behöver fler exempel.")
        self.comment(self.indicator_row.prefix, "Stämmer nämnaren?")
        html = self.client.get(reverse("report-detail", args=[self.world.report.pk])).content
        page = html.decode()
        for row, text in (
            (self.goal_row, "Analysen behöver fler exempel."),
            (self.indicator_row, "Stämmer nämnaren?"),
        ):
            thread = page[page.index(f'id="thread-{row.prefix}"') :]
            self.assertIn(text, thread[: thread.index("</section>")])
        report = next(
            r
            for r in self.client.get("/api/v1/reports/").json()["results"]
            if r["id"] == self.world.report.pk
        )
        goal = next(g for g in report["goals"] if g["goal"] == self.goal_row.goal.number)
        self.assertEqual(
            goal["threads"][0]["comments"][0]["text"], "Analysen behöver fler exempel."
        )
        indicator = next(
            i for i in report["indicators"] if i["indicator"] == self.indicator_row.indicator_id
        )
        self.assertEqual(indicator["threads"][0]["target"], self.indicator_row.prefix)

    def test_a_changed_summary_shows_since_the_return(self) -> None:
        report = self.world.report
        fill_report(report)
        services.report_submit(report=report, user=self.world.reporter, on_behalf=False)
        self.client.post(
            reverse("report-review", args=[report.pk]),
            {"decision": "return", "comment": "Sammanfattningen saknar mål 3."},
        )
        reporter = Client()
        reporter.force_login(self.world.reporter)
        report.refresh_from_db()
        version = ReportSummaryForm(instance=report)["version"].value()
        response = reporter.post(
            reverse("report-summary", args=[report.pk]),
            {"summary-summary": "Året i korthet, med mål 3.", "summary-version": version},
        )
        self.assertEqual(response.status_code, 302)
        services.report_submit(report=report, user=self.world.reporter, on_behalf=False)
        html = self.client.get(reverse("report-detail", args=[report.pk])).content.decode()
        panel = html[html.index("Ändrat sedan rapporten skickades tillbaka") :]
        self.assertIn('<a href="#summary">Sammanfattning för nämnden</a>', panel)
        self.assertIn("Året i korthet.</del>", panel)
        self.assertIn("Året i korthet, med mål 3.</ins>", panel)

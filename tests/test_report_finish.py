"""Finishing a report without hunting: each row's state, completeness per goal, only what is
missing, the next unfinished row, a missing list that leads to each row, rows from the period
before to confirm, and the start page's earlier reports."""

import re

from django.test import TestCase
from django.urls import reverse

from followup.models import (
    ActivityStatus,
    Assessment,
    Progress,
    Report,
    ReportingPeriod,
    ReportState,
)
from followup.rows import ACTIVITY, is_done
from followup.selectors import my_reports
from followup.services import (
    own_item_add,
    period_lock,
    period_open,
    report_completeness_now,
    report_submit,
)
from tests.followup_data import DISTRICT, build_world, fill_report
from tests.test_report_rows import EXPECTED_PAGE_QUERIES, activity_post, save_url


def detail(report: Report, **query: str) -> str:
    url = reverse("report-detail", args=[report.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def article(html: str, prefix: str) -> str:
    """The row's article on the page, or "" when the page does not draw it."""
    found = re.search(rf'<article [^>]*id="{prefix}".*?</article>', html, re.S)
    return found.group() if found else ""


def fill(row: ActivityStatus) -> None:
    row.progress, row.assessment = Progress.ONGOING, Assessment.ON_TRACK
    row.save()


class FinishingTests(TestCase):
    """A draft with the first activity of goal 1 filled in."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.report = cls.world.report
        cls.rows = list(ACTIVITY.rows().filter(report=cls.report, activity__goal__number=1))
        cls.filled, cls.second, cls.third = cls.rows[:3]
        fill(cls.filled)
        cls.goal_1_total = (
            len(cls.rows) + cls.report.indicator_rows.filter(indicator__goal__number=1).count()
        )

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)

    def page(self, **query: str) -> str:
        response = self.client.get(detail(self.report, **query))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_each_row_says_whether_it_is_filled_and_what_it_lacks(self) -> None:
        html = self.page()
        self.assertIn("✔ Ifylld", article(html, self.filled.prefix))
        self.assertNotIn("Saknas", article(html, self.filled.prefix))
        self.assertIn("○ Saknas: status och bedömning", article(html, self.second.prefix))

    def test_the_goal_navigation_shows_how_much_of_each_goal_is_filled(self) -> None:
        html = self.page()
        nav = re.search(r'<nav aria-label="Mål i rapporten".*?</nav>', html, re.S).group()
        self.assertIn(f'<a href="#goal-1">Mål 1 · 1 av {self.goal_1_total}</a>', nav)
        self.assertRegex(nav, r'<a href="#goal-2">Mål 2 · 0 av \d+</a>')

    def test_only_what_is_missing_is_drawn_with_the_filter_and_the_page_says_so(self) -> None:
        html = self.page(visa="saknas")
        self.assertEqual(article(html, self.filled.prefix), "")
        self.assertNotEqual(article(html, self.second.prefix), "")
        self.assertIn("Visar bara det som saknas.", html)
        self.assertIn(f'<a href="{detail(self.report)}">Visa alla rader</a>', html)
        # The rows left out are the done ones only.
        drawn = set(re.findall(r'<article [^>]*id="([aig]\d+)"', html))
        unfinished = {m.anchor for m in report_completeness_now(self.report).missing}
        self.assertEqual(drawn, unfinished)
        self.assertIn(
            f'<a href="{detail(self.report, visa="saknas")}">Visa bara det som saknas</a>',
            self.page(),
        )

    def test_an_unknown_filter_shows_every_row(self) -> None:
        self.assertNotEqual(article(self.page(visa="<x>"), self.filled.prefix), "")

    def test_the_filtered_page_costs_the_same_queries(self) -> None:
        url = detail(self.report, visa="saknas")
        self.client.get(url)
        # As the whole page (tests.test_report_rows.ReportQueryCountTests), less the two
        # queries for the previous report's rows: this is the first period.
        with self.assertNumQueries(EXPECTED_PAGE_QUERIES - 2):
            self.client.get(url)
        with self.assertNumQueries(EXPECTED_PAGE_QUERIES - 2):
            self.client.get(detail(self.report))

    def test_next_empty_row_leads_past_filled_rows_and_from_the_last_to_the_first(self) -> None:
        html = self.page()
        # From the row before the filled one? The filled one is first: from it to the second.
        self.assertIn(
            f'<a class="next-missing" href="#{self.second.prefix}">Nästa tomma rad</a>',
            article(html, self.filled.prefix),
        )
        self.assertIn(
            f'href="#{self.third.prefix}">Nästa tomma rad',
            article(html, self.second.prefix),
        )
        drawn = re.findall(r'<article [^>]*id="([aig]\d+)"', html)
        self.assertIn(f'href="#{self.second.prefix}">Nästa tomma rad', article(html, drawn[-1]))
        self.assertIn(f'<a href="#{self.second.prefix}">Till första tomma raden</a>', html)

    def test_a_refused_submission_links_each_missing_row_with_its_goal(self) -> None:
        response = self.client.post(reverse("report-submit", args=[self.report.pk]))
        self.assertEqual(response.status_code, 422)
        html = response.content.decode()
        text = ACTIVITY.live_text(self.second)[:30]
        self.assertRegex(
            html,
            rf'<li><a href="#{self.second.prefix}">Mål 1 · Aktivitet: {re.escape(text)}.*?'
            r" – status och bedömning saknas</a></li>",
        )
        self.assertNotIn(f'<a href="#{self.filled.prefix}">', html)

    def test_two_rows_that_read_the_same_when_cut_are_named_whole(self) -> None:
        goal = self.world.programme.goals.get(number=2)
        start = "Samverkan med civilsamhällets organisationer kring stöd till våldsutsatta " * 2
        for end in ("i Rinkeby", "i Kista"):
            own_item_add(report=self.report, goal=goal, text=start + end)
        missing = [m.text for m in report_completeness_now(self.report).missing]
        own = [text for text in missing if text.startswith("Mål 2 · Aktivitet: Samverkan")]
        self.assertEqual(
            own,
            [
                f"Mål 2 · Aktivitet: {start}{end} – status och bedömning saknas"
                for end in ("i Rinkeby", "i Kista")
            ],
        )
        # Other rows stay cut to 80 characters.
        self.assertTrue(any("…" in text for text in missing if text not in own))

    def test_a_plain_form_save_under_the_filter_comes_back_to_it_showing_the_row(self) -> None:
        data = activity_post(self.second, progress="genomford", assessment="enligt_plan")
        response = self.client.post(save_url(self.second, "a"), {**data, "visa": "saknas"})
        target = f"{detail(self.report)}?sparad={self.second.prefix}&visa=saknas"
        self.assertRedirects(
            response, f"{target}#{self.second.prefix}", fetch_redirect_response=False
        )
        html = self.client.get(target).content.decode()
        self.assertIn("✔ Sparat", article(html, self.second.prefix))
        self.assertIn('<input type="hidden" name="visa" value="saknas">', html)

    def test_an_htmx_save_updates_the_goal_counts_and_the_rows_own_state(self) -> None:
        response = self.client.post(
            save_url(self.second, "a"),
            activity_post(self.second, progress="genomford", assessment="enligt_plan"),
            headers={"HX-Request": "true"},
        )
        html = response.content.decode()
        self.assertIn('id="goal-nav" hx-swap-oob="true"', html)
        self.assertIn(f"Mål 1 · 2 av {self.goal_1_total}", html)
        self.assertIn("✔ Ifylld", article(html, self.second.prefix))
        self.assertIn(f'href="#{self.third.prefix}">Nästa tomma rad', html)


class CarriedOverTests(TestCase):
    """T2 made from a filled T1, in which one activity was "Ej aktuell" with its reason."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.report)
        first = cls.world.report.activity_rows.get(activity__goal__number=1, activity__position=1)
        first.progress, first.assessment = Progress.NOT_APPLICABLE, ""
        first.not_applicable_reason = "Skolorna i området har ett eget program."
        first.save()
        cls.activity_id = first.activity_id
        period_lock(period=cls.world.period)
        cls.next_period = ReportingPeriod.objects.get(
            programme=cls.world.programme, year=2023, kind="T2"
        )
        period_open(period=cls.next_period)
        cls.report = Report.objects.get(period=cls.next_period, board__slug=DISTRICT)

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)
        self.carried = self.report.activity_rows.select_related("activity").get(
            activity_id=self.activity_id
        )

    def finish_all_but_the_carried_row(self) -> None:
        fill_report(self.report)
        self.report.activity_rows.filter(pk=self.carried.pk).update(
            progress=Progress.NOT_APPLICABLE,
            assessment="",
            not_applicable_reason="Skolorna i området har ett eget program.",
            comment="Arbetet pågår.",
            carried_over=True,
        )

    def test_rows_that_took_something_over_are_marked_and_the_rest_not(self) -> None:
        self.assertTrue(self.carried.carried_over)
        self.assertTrue(self.carried.is_filled)
        self.assertFalse(is_done(self.carried))
        # Indicators take over only a target; none was set, so nothing to confirm.
        self.assertFalse(self.report.indicator_rows.filter(carried_over=True).exists())
        html = self.client.get(detail(self.report)).content.decode()
        row = article(html, self.carried.prefix)
        self.assertIn("↺ Från förra perioden — bekräfta eller ändra", row)
        self.assertIn(">Bekräfta raden</button>", row)
        self.assertNotIn("✔ Ifylld", row)
        indicator = article(html, f"i{self.report.indicator_rows.first().pk}")
        self.assertIn("○ Saknas: utfall", indicator)
        self.assertNotIn("Från förra perioden —", indicator)

    def test_one_click_confirms_a_row_unchanged_and_records_who(self) -> None:
        data = activity_post(
            self.carried,
            progress=self.carried.progress,
            not_applicable_reason=self.carried.not_applicable_reason,
            comment=self.carried.comment,
        )
        response = self.client.post(
            save_url(self.carried, "a"), data, headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("✔ Ifylld", article(response.content.decode(), self.carried.prefix))
        row = ActivityStatus.objects.get(pk=self.carried.pk)
        self.assertFalse(row.carried_over)
        self.assertEqual(row.not_applicable_reason, "Skolorna i området har ett eget program.")
        self.assertEqual(row.updated_by, self.world.reporter)

    def confirm_post(self, **changes: str) -> dict[str, str]:
        values = {
            "progress": self.carried.progress,
            "not_applicable_reason": self.carried.not_applicable_reason,
            "comment": self.carried.comment,
            **changes,
        }
        return {**activity_post(self.carried, **values), "bekrafta": "1"}

    def test_bekrafta_raden_confirms_the_row_when_the_form_is_unchanged(self) -> None:
        response = self.client.post(
            save_url(self.carried, "a"), self.confirm_post(), headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 200)
        row = ActivityStatus.objects.get(pk=self.carried.pk)
        self.assertFalse(row.carried_over)
        self.assertEqual(row.updated_by, self.world.reporter)

    def test_bekrafta_raden_with_changes_saves_nothing_and_asks_to_save(self) -> None:
        changed = self.confirm_post(comment="Ny kommentar, inte sparad.")
        for headers in ({"HX-Request": "true"}, {}):  # with htmx and as a plain form
            response = self.client.post(save_url(self.carried, "a"), changed, headers=headers)
            self.assertEqual(response.status_code, 422)
            row_html = article(response.content.decode(), self.carried.prefix)
            self.assertIn("Du har ändrat raden, så den bekräftades inte som oförändrad.", row_html)
            self.assertIn("Ny kommentar, inte sparad.", row_html)  # what was typed stays
            self.assertIn("data-unsaved", row_html)
            row = ActivityStatus.objects.get(pk=self.carried.pk)
            self.assertTrue(row.carried_over)
            self.assertEqual(row.comment, self.carried.comment)
        # Spara raden (no "bekrafta") saves the same changes.
        del changed["bekrafta"]
        self.client.post(save_url(self.carried, "a"), changed, headers={"HX-Request": "true"})
        row = ActivityStatus.objects.get(pk=self.carried.pk)
        self.assertEqual(row.comment, "Ny kommentar, inte sparad.")
        self.assertFalse(row.carried_over)

    def test_bekrafta_raden_is_a_named_button_beside_spara_raden(self) -> None:
        html = article(self.client.get(detail(self.report)).content.decode(), self.carried.prefix)
        self.assertIn('name="bekrafta" value="1"', html)

    def test_one_click_confirms_every_unchanged_row_of_a_goal_and_no_other(self) -> None:
        goal_1 = self.report.activity_rows.filter(activity__goal__number=1)
        before = {row.pk: (row.progress, row.comment) for row in goal_1}
        html = self.client.get(detail(self.report)).content.decode()
        self.assertIn(f"↺ {len(before)} rader under mål 1 har svar från förra perioden", html)
        response = self.client.post(reverse("report-goal-confirm", args=[self.report.pk, 1]))
        self.assertRedirects(
            response, f"{detail(self.report)}#goal-1", fetch_redirect_response=False
        )
        self.assertFalse(goal_1.filter(carried_over=True).exists())
        self.assertEqual({row.pk: (row.progress, row.comment) for row in goal_1}, before)
        self.assertTrue(
            self.report.activity_rows.filter(activity__goal__number=2, carried_over=True).exists()
        )
        page = self.client.get(detail(self.report)).content.decode()
        self.assertIn(f"{len(before)} rader under mål 1 bekräftade oförändrade.", page)
        self.assertNotIn("Bekräfta alla oförändrade rader under mål 1<", page)
        self.assertIn("Bekräfta alla oförändrade rader under mål 2<", page)
        history = self.client.get(reverse("report-history", args=[self.report.pk]))
        self.assertContains(history, "Från förra perioden, inte bekräftad", count=len(before))

    def test_a_carried_over_comment_cannot_be_submitted_unseen(self) -> None:
        self.finish_all_but_the_carried_row()
        response = self.client.post(reverse("report-submit", args=[self.report.pk]))
        self.assertEqual(response.status_code, 422)
        self.assertRegex(
            response.content.decode(),
            rf'<li><a href="#{self.carried.prefix}">Mål 1 · Aktivitet: .*?'
            r" – från förra perioden, bekräfta eller ändra</a></li>",
        )
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, ReportState.DRAFT)
        self.client.post(reverse("report-goal-confirm", args=[self.report.pk, 1]))
        self.client.post(reverse("report-submit", args=[self.report.pk]))
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, ReportState.SUBMITTED)

    def test_the_start_page_and_the_report_page_count_an_unconfirmed_row_alike(self) -> None:
        self.finish_all_but_the_carried_row()
        completeness = report_completeness_now(self.report)
        self.assertEqual(completeness.filled, completeness.total - 1)
        (summary,) = [s for s in my_reports(self.world.reporter) if s.report.pk == self.report.pk]
        self.assertEqual((summary.filled, summary.total), (completeness.filled, completeness.total))

    def test_a_reader_may_not_confirm_and_another_board_gets_404(self) -> None:
        url = reverse("report-goal-confirm", args=[self.report.pk, 1])
        self.client.force_login(self.world.reader)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.client.force_login(self.world.other_reporter)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertTrue(ActivityStatus.objects.get(pk=self.carried.pk).carried_over)

    def test_confirming_in_a_submitted_report_is_refused_in_swedish(self) -> None:
        self.finish_all_but_the_carried_row()
        self.report.activity_rows.update(carried_over=False)
        report_submit(report=self.report, user=self.world.reporter, on_behalf=False)
        self.report.activity_rows.filter(pk=self.carried.pk).update(carried_over=True)
        url = reverse("report-goal-confirm", args=[self.report.pk, 1])
        response = self.client.post(url, follow=True)
        self.assertContains(response, "Rapporten är inskickad och kan inte ändras.")
        self.assertTrue(ActivityStatus.objects.get(pk=self.carried.pk).carried_over)


class StartPageTests(TestCase):
    """T1 2023 submitted and its period locked; T2 2023 open."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.report)
        report_submit(report=cls.world.report, user=cls.world.reporter, on_behalf=False)
        period_lock(period=cls.world.period)
        period_open(
            period=ReportingPeriod.objects.get(programme=cls.world.programme, year=2023, kind="T2")
        )
        cls.current = Report.objects.get(period__kind="T2", period__year=2023, board__slug=DISTRICT)

    def test_reporter_finds_the_boards_earlier_reports_by_year_with_their_state(self) -> None:
        self.client.force_login(self.world.reporter)
        html = self.client.get(reverse("start")).content.decode()
        earlier = re.search(r'<section aria-labelledby="earlier-title">.*?</section>', html, re.S)
        self.assertIsNotNone(earlier)
        self.assertIn('<h3 id="earlier-2023">2023</h3>', earlier.group())
        self.assertIn(
            f'<a href="{detail(self.world.report)}">Tertialrapport 1 2023, '
            'Rinkeby-Kista stadsdelsnämnd</a> <span class="state state--inskickad">Inskickad',
            earlier.group(),
        )
        # The open report is not among the earlier ones, nor is another board's.
        self.assertNotIn(detail(self.current), earlier.group())
        self.assertNotIn("Farsta", earlier.group())
        self.assertNotIn("läsbehörighet", html)

    def test_reader_is_told_of_read_access_and_offered_no_template_to_fill(self) -> None:
        self.client.force_login(self.world.reader)
        start = self.client.get(reverse("start"))
        self.assertContains(start, "Du har läsbehörighet för Rinkeby-Kista stadsdelsnämnd")
        self.assertContains(start, "Tertialrapport 1 2023, Rinkeby-Kista stadsdelsnämnd")
        page = self.client.get(detail(self.current))
        self.assertContains(page, "Du har läsbehörighet")
        self.assertNotContains(page, "Excel-mall")
        self.assertContains(page, "Hämta rapporten som Excel-fil")
        self.client.force_login(self.world.reporter)
        self.assertContains(
            self.client.get(detail(self.current)), "Hämta rapporten som Excel-mall att fylla i"
        )

    def test_the_signed_in_users_name_is_in_the_header(self) -> None:
        self.world.reporter.first_name, self.world.reporter.last_name = "Amina", "Berg"
        self.world.reporter.save()
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("start"))
        self.assertContains(
            response,
            '<li class="site-user"><span class="visually-hidden">Inloggad som </span>'
            "Amina Berg</li>",
            html=False,
        )

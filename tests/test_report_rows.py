"""Saving a report's rows: validation, closed reports, forged ids, concurrent edits."""

import re

from django.test import TestCase
from django.urls import reverse

from catalog.models import (
    ActivityResponsibility,
    Board,
    IndicatorKind,
    IndicatorResponsibility,
    Programme,
)
from followup.models import (
    ActivityStatus,
    IndicatorOutcome,
    PeriodState,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
)
from followup.services import (
    own_item_add,
    period_lock,
    period_open,
    reports_sync_for_programme,
)
from tests.followup_data import DISTRICT, add_own_items, build_world, fill_report


def activity_post(row: ActivityStatus, **values: str) -> dict[str, str]:
    """The form data the page posts for an activity row, as a browser would send it."""
    from followup.forms import ActivityStatusForm

    form = ActivityStatusForm(instance=row)
    data = {form.add_prefix("version"): form["version"].value()}
    fields = {"progress": "", "not_applicable_reason": "", "assessment": "", "comment": ""}
    fields.update(values)
    data.update({form.add_prefix(name): value for name, value in fields.items()})
    return data


def indicator_post(row: IndicatorOutcome, **values: str) -> dict[str, str]:
    from followup.forms import IndicatorOutcomeForm

    form = IndicatorOutcomeForm(instance=row)
    data = {form.add_prefix("version"): form["version"].value()}
    data.update({form.add_prefix(name): value for name, value in values.items()})
    return data


def save_url(row: ActivityStatus | IndicatorOutcome, kind: str) -> str:
    return reverse("report-row-save", args=[row.report_id, kind, row.pk])


class RowSaveTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.row = cls.world.report.activity_rows.select_related("activity").first()
        cls.share_row = cls.world.report.indicator_rows.get(
            indicator__kind=IndicatorKind.SHARE, indicator__goal__number=3, indicator__position=1
        )
        cls.count_row = cls.world.report.indicator_rows.get(
            indicator__kind=IndicatorKind.COUNT, indicator__goal__number=2
        )

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)

    def test_plain_form_save_stores_the_row_and_returns_to_it(self) -> None:
        response = self.client.post(
            save_url(self.row, "a"),
            activity_post(
                self.row,
                progress="paborjad",
                assessment="enligt_plan",
                comment="Kurs hölls i mars.",
            ),
        )
        self.assertRedirects(
            response,
            reverse("report-detail", args=[self.world.report.pk])
            + f"?sparad=a{self.row.pk}#a{self.row.pk}",
            fetch_redirect_response=False,
        )
        self.row.refresh_from_db()
        self.assertEqual((self.row.progress, self.row.comment), ("paborjad", "Kurs hölls i mars."))
        self.assertEqual(self.row.updated_by, self.world.reporter)
        self.assertFalse(self.row.updated_on_behalf)

    def test_htmx_save_returns_the_row_and_the_progress_line(self) -> None:
        response = self.client.post(
            save_url(self.row, "a"),
            activity_post(self.row, progress="genomford", assessment="enligt_plan"),
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn(f'id="a{self.row.pk}"', content)
        self.assertIn("✔ Sparat", content)
        self.assertIn('id="report-progress" hx-swap-oob="true"', content)
        self.assertIn("Ifyllt: 1 av", content)
        self.assertNotIn("<html", content)

    def test_htmx_row_is_the_row_the_page_draws(self) -> None:
        # Both come from one view object (views.report.row_view): a row swapped in by htmx
        # must read exactly as the page would draw it after a plain-form save.
        response = self.client.post(
            save_url(self.share_row, "i"),
            indicator_post(self.share_row, numerator="3", denominator="4", comment="Bra."),
            headers={"HX-Request": "true"},
        )
        prefix = f"i{self.share_row.pk}"
        page = self.client.get(
            reverse("report-detail", args=[self.world.report.pk]), {"sparad": prefix}
        )

        def article(html: str) -> str:
            found = re.search(rf'<article [^>]*id="{prefix}".*?</article>', html, re.S)
            self.assertIsNotNone(found)
            # The CSRF token differs per response, the time of saving by the minute.
            text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", found.group())
            # The row's files: the htmx row leaves them as the page has them (hx-preserve).
            text = re.sub(r'<div class="row-files"[^>]*>.*?</div>', "<files>", text, flags=re.S)
            return re.sub(r"Sparat \d\d:\d\d", "Sparat", text)

        self.assertIn("✔ Sparat", article(response.content.decode()))
        self.assertEqual(article(response.content.decode()), article(page.content.decode()))

    def test_not_applicable_needs_a_reason_and_nothing_is_saved(self) -> None:
        response = self.client.post(
            save_url(self.row, "a"),
            activity_post(self.row, progress="ej_aktuell", comment="Mitt utkast"),
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Ange varför aktiviteten inte är aktuell.", status_code=422)
        # What the user typed is still in the form.
        self.assertContains(response, "Mitt utkast", status_code=422)
        self.row.refresh_from_db()
        self.assertEqual(self.row.progress, "")

    def test_plain_form_error_renders_the_page_with_the_error_in_place(self) -> None:
        response = self.client.post(
            save_url(self.row, "a"), activity_post(self.row, progress="ej_aktuell")
        )
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "<html", status_code=422)
        self.assertContains(response, 'aria-invalid="true"', status_code=422)
        self.assertContains(response, "Ange varför aktiviteten inte är aktuell.", status_code=422)

    def test_share_numerator_above_denominator_is_refused(self) -> None:
        response = self.client.post(
            save_url(self.share_row, "i"),
            indicator_post(self.share_row, numerator="5", denominator="4"),
        )
        self.assertContains(response, "Antalet kan inte vara större än totalt.", status_code=422)
        self.share_row.refresh_from_db()
        self.assertIsNone(self.share_row.numerator)

    def test_share_needs_both_parts(self) -> None:
        response = self.client.post(
            save_url(self.share_row, "i"), indicator_post(self.share_row, numerator="5")
        )
        self.assertContains(response, "Ange både antal och totalt för en andel.", status_code=422)

    def test_negative_count_is_refused(self) -> None:
        response = self.client.post(
            save_url(self.count_row, "i"), indicator_post(self.count_row, numerator="-3")
        )
        self.assertContains(response, "större än eller lika med 0", status_code=422)

    def test_a_value_for_the_wrong_kind_of_indicator_is_refused(self) -> None:
        response = self.client.post(
            save_url(self.count_row, "i"),
            indicator_post(self.count_row, numerator="3", denominator="9", answer="true"),
        )
        self.assertContains(
            response, "Totalt anges bara för indikatorer som är andelar.", status_code=422
        )
        self.assertContains(
            response, "Ja/nej anges bara för indikatorer som är påståenden.", status_code=422
        )
        self.count_row.refresh_from_db()
        self.assertIsNone(self.count_row.numerator)

    def test_text_over_the_limit_is_refused(self) -> None:
        response = self.client.post(
            save_url(self.row, "a"), activity_post(self.row, comment="x" * 4001)
        )
        self.assertContains(response, "som mest 4000 tecken", status_code=422)

    def test_html_in_a_comment_is_shown_as_text(self) -> None:
        self.client.post(save_url(self.row, "a"), activity_post(self.row, comment="<b>fet</b>"))
        self.client.force_login(self.world.reader)
        response = self.client.get(reverse("report-detail", args=[self.world.report.pk]))
        self.assertContains(response, "&lt;b&gt;fet&lt;/b&gt;")
        self.assertNotContains(response, "<b>fet</b>")

    def test_share_is_computed_and_shown(self) -> None:
        self.client.post(
            save_url(self.share_row, "i"),
            indicator_post(self.share_row, numerator="3", denominator="8"),
        )
        self.client.force_login(self.world.reader)
        response = self.client.get(reverse("report-detail", args=[self.world.report.pk]))
        self.assertContains(response, "3 av 8 (37,5\u00a0%)")


class RowSaveRefusalTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.row = cls.world.report.activity_rows.first()
        cls.other_row = cls.world.other_report.activity_rows.first()

    def test_reader_may_not_write(self) -> None:
        self.client.force_login(self.world.reader)
        response = self.client.post(
            save_url(self.row, "a"), activity_post(self.row, progress="paborjad")
        )
        self.assertEqual(response.status_code, 403)

    def test_other_boards_reporter_gets_404(self) -> None:
        self.client.force_login(self.world.other_reporter)
        response = self.client.post(
            save_url(self.row, "a"), activity_post(self.row, progress="paborjad")
        )
        self.assertEqual(response.status_code, 404)

    def test_forged_row_of_another_report_is_404_and_unchanged(self) -> None:
        self.client.force_login(self.world.reporter)
        url = reverse("report-row-save", args=[self.world.report.pk, "a", self.other_row.pk])
        response = self.client.post(url, activity_post(self.other_row, progress="paborjad"))
        self.assertEqual(response.status_code, 404)
        self.other_row.refresh_from_db()
        self.assertEqual(self.other_row.progress, "")

    def test_locked_period_refuses_the_save(self) -> None:
        self.world.period.state = PeriodState.LOCKED
        self.world.period.save()
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            save_url(self.row, "a"), activity_post(self.row, progress="paborjad"), follow=True
        )
        self.assertContains(response, "är låst och kan inte ändras")
        self.row.refresh_from_db()
        self.assertEqual(self.row.progress, "")

    def test_submitted_report_refuses_the_save(self) -> None:
        self.world.report.state = ReportState.SUBMITTED
        self.world.report.save()
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            save_url(self.row, "a"),
            activity_post(self.row, progress="paborjad"),
            headers={"HX-Request": "true"},
        )
        self.assertContains(
            response, "Rapporten är inskickad och kan inte ändras.", status_code=422
        )
        self.row.refresh_from_db()
        self.assertEqual(self.row.progress, "")


class ConcurrentEditTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.row = cls.world.report.activity_rows.first()

    def test_second_save_of_a_stale_form_is_refused_and_shows_what_is_stored(self) -> None:
        self.client.force_login(self.world.reporter)
        # Both open the page: the same version is in both forms.
        first = activity_post(self.row, progress="paborjad", comment="Från rapportören")
        second = activity_post(self.row, progress="genomford", comment="Från samordnaren")
        self.client.post(save_url(self.row, "a"), first)

        self.client.force_login(self.world.coordinator)
        response = self.client.post(save_url(self.row, "a"), second, headers={"HX-Request": "true"})

        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Någon annan har sparat raden", status_code=409)
        self.assertContains(response, "Från rapportören", status_code=409)  # stored now
        self.assertContains(response, "Från samordnaren", status_code=409)  # kept in the form
        self.row.refresh_from_db()
        self.assertEqual(self.row.comment, "Från rapportören")

    def test_saving_again_after_the_conflict_replaces_knowingly(self) -> None:
        self.client.force_login(self.world.reporter)
        stale = activity_post(self.row, comment="Andra")
        self.client.post(save_url(self.row, "a"), activity_post(self.row, comment="Första"))
        response = self.client.post(save_url(self.row, "a"), stale)
        self.assertEqual(response.status_code, 409)
        self.row.refresh_from_db()
        response = self.client.post(
            save_url(self.row, "a"), activity_post(self.row, comment="Andra")
        )
        self.assertEqual(response.status_code, 302)
        self.row.refresh_from_db()
        self.assertEqual(self.row.comment, "Andra")


class ReportQueryCountTests(TestCase):
    """Measured on a report with a previous period, whose answers show beside each row."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        fill_report(cls.world.report)
        period_lock(period=cls.world.period)
        next_period = ReportingPeriod.objects.get(
            programme=cls.world.programme, year=2023, kind="T2"
        )
        period_open(period=next_period)
        cls.world.report = Report.objects.get(period=next_period, board__slug=DISTRICT)

    def grow(self) -> None:
        add_own_items(self.world.report, 15)

    def test_report_page_query_count_does_not_grow_with_rows(self) -> None:
        self.client.force_login(self.world.reporter)
        url = reverse("report-detail", args=[self.world.report.pk])
        self.client.get(url)
        # session, user, report with the user's access (reading syncs nothing); page: 2 kinds
        # of rows (a T2 report: no goals), previous report and its activity and indicator rows,
        # events; the comment threads' entries; the goals for the own-item form (the board's
        # own items, to remove, are found among the rows); the header's unread notifications
        with self.assertNumQueries(EXPECTED_PAGE_QUERIES):
            self.assertEqual(self.client.get(url).status_code, 200)
        self.grow()
        with self.assertNumQueries(EXPECTED_PAGE_QUERIES):
            response = self.client.get(url)
        # The board's own items, each with its button to remove it, by goal and kind.
        removals = re.findall(r'action="/rapporter/\d+/egna/(\w+)/\d+/', response.content.decode())
        self.assertEqual(removals, ["aktivitet"] * 15 + ["indikator"] * 15)

    def test_report_page_query_count_does_not_grow_with_boards(self) -> None:
        """Many more boards, each with its report in the open period, events and own
        items: one report's page costs what it did."""
        self.client.force_login(self.world.reporter)
        url = reverse("report-detail", args=[self.world.report.pk])
        self.client.get(url)
        with self.assertNumQueries(EXPECTED_PAGE_QUERIES):
            before = self.client.get(url).content.decode()
        copies = board_copies(self.world.programme, 3)
        others = Report.objects.filter(board__in=copies)
        self.assertEqual(others.filter(period=self.world.report.period).count(), len(copies))
        for report in others:
            add_own_items(report, 2)
            ReportEvent.objects.create(
                report=report, kind=ReportEvent.Kind.SUBMITTED, actor=self.world.coordinator
            )
        with self.assertNumQueries(EXPECTED_PAGE_QUERIES):
            after = self.client.get(url).content.decode()
        # The same page: nothing of the other boards' reports shows on it.
        drawn = r'<article [^>]*id="([aig]\d+)"'
        self.assertEqual(re.findall(drawn, before), re.findall(drawn, after))
        self.assertNotIn("(kopia", after)

    def test_row_save_query_count_does_not_grow_with_rows(self) -> None:
        self.client.force_login(self.world.reporter)
        row = self.world.report.activity_rows.first()
        with self.assertNumQueries(EXPECTED_SAVE_QUERIES):
            self.client.post(
                save_url(row, "a"),
                activity_post(row, progress="paborjad"),
                headers={"HX-Request": "true"},
            )
        self.grow()
        row.refresh_from_db()
        with self.assertNumQueries(EXPECTED_SAVE_QUERIES):
            self.client.post(
                save_url(row, "a"),
                activity_post(row, progress="genomford"),
                headers={"HX-Request": "true"},
            )


def board_copies(programme: Programme, count: int) -> list[Board]:
    """`count` copies of every board with commitments in the programme, each with its
    original's responsibilities and its report in the open period."""
    boards = list(
        Board.objects.filter(activity_roles__activity__goal__programme=programme)
        .distinct()
        .order_by("pk")
    )
    copies = []
    for board in boards:
        for number in range(count):
            copy = Board.objects.create(
                organisation=board.organisation,
                name=f"{board.name} (kopia {number})",
                slug=f"{board.slug}-k{number}",
                kind=board.kind,
            )
            for model in (ActivityResponsibility, IndicatorResponsibility):
                responsibilities = list(model.objects.filter(board=board))
                for responsibility in responsibilities:
                    responsibility.pk, responsibility.board = None, copy
                model.objects.bulk_create(responsibilities)
            copies.append(copy)
    reports_sync_for_programme(programme=programme)
    return copies


# 10 (the report before is found with its period, in one query; a tertial report has no
# goal rows to read), the comment threads (one query: tests/test_dialogue.py), the report's
# attachments (one query, however many files: tests/test_attachments.py) and the header's
# unread notifications
EXPECTED_PAGE_QUERIES = 13
# session, user, report with access, the row; savepoint, report locked, savepoint, version
# check, update, history, 2 × release; progress: 2 kinds of rows (a tertial report has no
# goal rows); the same item's row in the period before (its period and report in the same
# query)
EXPECTED_SAVE_QUERIES = 15


class ReportRowDrawingTests(TestCase):
    """What the page works out in Python for every row (followup.row_html, row_save_urls)
    says what the template said: each row's own save URL, escaped wording and answers."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        report = cls.world.report
        fill_report(report)
        report.activity_rows.update(comment="<script>alert(1)</script> " + "ord " * 40)
        period_lock(period=cls.world.period)
        next_period = ReportingPeriod.objects.get(
            programme=cls.world.programme, year=2023, kind="T2"
        )
        period_open(period=next_period)
        cls.report = Report.objects.get(period=next_period, board__slug=DISTRICT)
        goal = cls.world.programme.goals.get(number=1)
        own_item_add(report=cls.report, goal=goal, text="Egen <b>fet</b> aktivitet")

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)
        self.html = self.client.get(reverse("report-detail", args=[self.report.pk])).content
        self.html = self.html.decode()

    def test_every_row_posts_to_its_own_save_url(self) -> None:
        actions = re.findall(
            r'<article [^>]*id="([aig])(\d+)".*?hx-post="([^"]+)"', self.html, re.S
        )
        rows = (self.report.activity_rows, self.report.indicator_rows, self.report.goal_rows)
        self.assertEqual(len(actions), sum(queryset.count() for queryset in rows))
        for kind, pk, url in actions:
            self.assertEqual(url, reverse("report-row-save", args=[self.report.pk, kind, pk]))

    def test_wording_and_the_period_before_are_escaped_and_cut(self) -> None:
        own = 'Egen &lt;b&gt;fet&lt;/b&gt; aktivitet <span class="tag">Egen aktivitet</span>'
        self.assertIn(own, self.html)
        self.assertNotIn("<script>alert", self.html)
        previous = re.findall(r"Förra perioden:</span> (.*?)</p>", self.html)
        self.assertTrue(previous)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; ord", previous[0])
        # truncatewords:30: the comment's first 30 words, then " …".
        self.assertTrue(previous[0].endswith(" ord …"), previous[0])
        self.assertEqual(previous[0].count(" ord"), 29)

    def test_forms_of_different_indicator_kinds_keep_their_own_labels(self) -> None:
        """Row forms share their fields per kind of indicator: a count's labels never reach
        a share's form, nor the other way round, in whatever order they are made."""
        from followup.forms import IndicatorOutcomeForm

        rows = {row.indicator.kind: row for row in self.report.indicator_rows.all()}
        count, share = rows[IndicatorKind.COUNT], rows[IndicatorKind.SHARE]
        for first, second in ((count, share), (share, count)):
            forms = {
                row.indicator.kind: IndicatorOutcomeForm(instance=row) for row in (first, second)
            }
            women = {kind: form.fields["women_numerator"].label for kind, form in forms.items()}
            self.assertEqual(women[IndicatorKind.COUNT], "varav kvinnor/flickor")
            self.assertEqual(women[IndicatorKind.SHARE], "Antal kvinnor/flickor")
            self.assertTrue(forms[IndicatorKind.SHARE].fields["target"].label.endswith("(%)"))
            self.assertFalse(forms[IndicatorKind.COUNT].fields["target"].label.endswith("(%)"))

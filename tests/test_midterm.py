"""The halvtidsrapport: its figures (counted in SQL, missing never zero, shares as Σ/Σ), its
constant number of queries, who may see and write it, the samordnare's sections with their
versions, and the PDF a reader gets."""

from io import BytesIO
from unittest import mock

from concurrency.forms import get_signer
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from catalog.models import (
    ActivityResponsibility,
    Board,
    BoardKind,
    Indicator,
    IndicatorResponsibility,
    Programme,
)
from followup.documents.midterm import middle_year, midterm_document, midterm_figures
from followup.documents.midterm_narrative import midterm_section_get
from followup.documents.pdf import StaticFilesFetcher
from followup.models import (
    ActivityStatus,
    Assessment,
    CityReader,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    MidtermSection,
    PeriodKind,
    Progress,
    Report,
    ReportingPeriod,
    ReportState,
)
from followup.services import period_open, reports_sync_for_programme
from tests.document_jobs import fresh_print_styles, made_document
from tests.followup_data import DISTRICT, OTHER, World, build_world, fill_report, user
from tests.test_documents import pdf_text

SLUG = "stockholm-2021-2025"
THIRD = "spanga-tensta-stadsdelsnamnd"


def vb(year: int) -> ReportingPeriod:
    return ReportingPeriod.objects.get(year=year, kind=PeriodKind.VB)


def report(slug: str, year: int) -> Report:
    return Report.objects.get(board__slug=slug, period=vb(year))


def activity_rows(slug: str, year: int, goal: int):
    return ActivityStatus.objects.filter(
        report=report(slug, year), activity__goal__number=goal
    ).order_by("activity__position")


def indicator(goal: int, index: int) -> Indicator:
    return Indicator.objects.filter(goal__number=goal, added_by=None).order_by("position")[index]


def outcome(slug: str, year: int, goal: int, index: int):
    return IndicatorOutcome.objects.filter(
        report=report(slug, year), indicator=indicator(goal, index)
    )


def set_state(slug: str, year: int, state: str) -> None:
    Report.objects.filter(board__slug=slug, period=vb(year)).update(state=state)


def build_three_years() -> World:
    """VB 2021–2023 of Stockholm's programme:

    - 2023: two district boards reported (one submitted, one approved); a third has a draft
      with numbers in it, which must count nowhere.
    - 2022: one board reported; the other's filled-in draft does not count.
    - 2021: the period is open but nobody has reported: missing, never zero.
    """
    world = build_world(2023, "VB")
    period_open(period=vb(2022))
    period_open(period=vb(2021))
    for slug, year in ((DISTRICT, 2023), (OTHER, 2023), (DISTRICT, 2022), (OTHER, 2022)):
        fill_report(report(slug, year))
    # Goal 1: the other board has not started anything and is off track; the district board
    # has started everything but the first activity, which nobody has started.
    activity_rows(OTHER, 2023, 1).update(
        progress=Progress.NOT_STARTED, assessment=Assessment.OFF_TRACK
    )
    first = activity_rows(DISTRICT, 2023, 1).first()
    ActivityStatus.objects.filter(pk=first.pk).update(progress=Progress.NOT_STARTED)
    activity_rows(DISTRICT, 2022, 1).update(progress=Progress.STARTED, assessment=Assessment.PARTLY)
    # Goal 2's share: very different denominators; the draft's 0 of 50 must not count.
    outcome(DISTRICT, 2023, 2, 0).update(numerator=1, denominator=2)
    outcome(OTHER, 2023, 2, 0).update(numerator=90, denominator=100)
    outcome(THIRD, 2023, 2, 0).update(numerator=0, denominator=50)
    outcome(DISTRICT, 2022, 2, 0).update(numerator=5, denominator=10)
    GoalAssessment.objects.filter(report=report(OTHER, 2023), goal__number=1).update(
        fulfilment=Fulfilment.NONE, analysis="Resurserna har saknats under året."
    )
    GoalAssessment.objects.filter(report=report(THIRD, 2023), goal__number=1).update(
        fulfilment=Fulfilment.FULL, analysis="Ett utkast som inte räknas."
    )
    set_state(DISTRICT, 2023, ReportState.SUBMITTED)
    set_state(OTHER, 2023, ReportState.APPROVED)
    set_state(DISTRICT, 2022, ReportState.APPROVED)
    return world


class MidtermDataTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_three_years()
        cls.programme = cls.world.programme
        cls.goal1_rows = activity_rows(DISTRICT, 2023, 1).count()

    def document(self, year: int = 2023):
        return midterm_document(self.programme, year)

    def goal(self, document, number: int):
        return next(part for part in document.goals if part.goal.number == number)

    def test_middle_year_is_the_default(self) -> None:
        self.assertEqual(middle_year(self.programme), 2023)
        four_years = Programme(start_year=2024, end_year=2027)
        self.assertEqual(middle_year(four_years), 2025)

    def test_years_run_from_the_start_to_the_chosen_year_with_their_reports(self) -> None:
        document = self.document()
        self.assertEqual([column.year for column in document.columns], [2021, 2022, 2023])
        self.assertEqual(
            [(c.completeness.reported, c.completeness.expected) for c in document.columns],
            [(0, 23), (1, 23), (2, 23)],
        )
        self.assertEqual(document.basis.year, 2023)
        self.assertEqual([column.year for column in self.document(2022).columns], [2021, 2022])

    def test_activities_are_counted_per_goal_year_and_progress_from_reported_reports(
        self,
    ) -> None:
        progress = self.goal(self.document(), 1).progress
        counts = {
            entry.column.year: {c.key: c.count for c in entry.counts if c.count}
            for entry in progress
        }
        n = self.goal1_rows
        self.assertEqual(
            counts[2023],
            {Progress.NOT_STARTED: n + 1, Progress.ONGOING: n - 1},
        )
        self.assertEqual(counts[2022], {Progress.STARTED: n})
        self.assertEqual(counts[2021], {})
        expected_2023 = ActivityStatus.objects.filter(
            report__period=vb(2023), activity__goal__number=1
        ).count()
        self.assertEqual(progress[2].completeness.reported, 2 * n)
        self.assertEqual(progress[2].completeness.expected, expected_2023)
        # Nobody reported in 2021: the year is missing, not a row of zeros.
        self.assertTrue(progress[0].missing)
        self.assertIsNone(progress[0].started_share)
        self.assertAlmostEqual(progress[2].started_share, 100 * (n - 1) / (2 * n))

    def test_assessment_and_fulfilment_come_from_the_same_counts(self) -> None:
        part = self.goal(self.document(), 1)
        self.assertEqual(part.assessment[2].count(Assessment.OFF_TRACK), self.goal1_rows)
        self.assertEqual(part.assessment[1].count(Assessment.PARTLY), self.goal1_rows)
        fulfilment = part.fulfilment[2]
        self.assertEqual(
            (fulfilment.count(Fulfilment.PARTLY), fulfilment.count(Fulfilment.NONE)), (1, 1)
        )
        # The draft's "Helt uppfyllt" counts nowhere.
        self.assertEqual(fulfilment.count(Fulfilment.FULL), 0)

    def test_a_reported_row_left_blank_is_counted_and_every_year_has_the_column(self) -> None:
        row = activity_rows(DISTRICT, 2023, 1).last()
        ActivityStatus.objects.filter(pk=row.pk).update(assessment="")
        assessment = self.goal(self.document(), 1).assessment
        self.assertEqual([len(year.counts) for year in assessment], [4, 4, 4])
        self.assertEqual(assessment[2].count(""), 1)
        self.assertEqual(assessment[2].counts[-1].label, "Ej angivet")
        self.assertEqual(sum(c.count for c in assessment[2].counts), 2 * self.goal1_rows)

    def test_share_is_sum_of_numerators_over_sum_of_denominators(self) -> None:
        trend = self.goal(self.document(), 2).indicators[0]
        self.assertEqual(trend.indicator, indicator(2, 0))
        latest = trend.points[2]
        self.assertEqual((latest.value.numerator, latest.value.denominator), (91, 102))
        self.assertEqual(latest.value.text, "91 av 102 (89,2\u00a0%)")  # not (50 % + 90 %) / 2
        self.assertEqual((latest.completeness.reported, latest.completeness.expected), (2, 13))

    def test_a_year_or_board_that_has_not_reported_is_missing_not_zero(self) -> None:
        points = self.goal(self.document(), 2).indicators[0].points
        self.assertTrue(points[0].value.missing)
        self.assertEqual(points[0].value.text, "saknas")
        self.assertIsNone(points[0].value.number)
        # 2022: only the district board's 5 of 10; the other's filled-in draft is missing.
        self.assertEqual(points[1].value.text, "5 av 10 (50,0\u00a0%)")
        self.assertEqual(points[1].completeness.reported, 1)

    def test_counts_are_summed_and_yes_no_counted(self) -> None:
        goal2 = self.goal(self.document(), 2)
        count = goal2.indicators[1]
        self.assertEqual(count.indicator.kind, "count")
        self.assertEqual(count.points[2].value.text, "6")  # 3 + 3
        yes_no = next(
            trend
            for part in self.document().goals
            for trend in part.indicators
            if trend.indicator.kind == "yes_no"
        )
        self.assertEqual(yes_no.points[2].value.text, "2 av 2 ja")

    def test_where_support_is_needed(self) -> None:
        document = self.document()
        [board] = document.top_boards
        self.assertEqual(board.board, "Farsta stadsdelsnämnd")
        self.assertEqual(board.off_track, self.goal1_rows)
        # 2021 nobody reported, 2022 the board's report was a draft: missing, not 0.
        self.assertEqual(board.by_year, [None, None, self.goal1_rows])
        first = activity_rows(DISTRICT, 2023, 1).first().activity
        self.assertEqual(
            [(entry.activity, entry.not_started, entry.reported) for entry in document.not_started],
            [(first, 2, 2)],
        )

    def test_analyses_are_quoted_from_reported_reports_once_each(self) -> None:
        part = self.goal(self.document(), 1)
        self.assertEqual(
            [(excerpt.board, excerpt.fulfilment_label, excerpt.text) for excerpt in part.excerpts],
            [
                ("Rinkeby-Kista stadsdelsnämnd", "Delvis uppfyllt", "Delvis på plats."),
                ("Farsta stadsdelsnämnd", "Ej uppfyllt", "Resurserna har saknats under året."),
            ],
        )
        # Both boards wrote the same about goal 2: quoted once.
        self.assertEqual(len(self.goal(self.document(), 2).excerpts), 1)

    def test_queries_do_not_grow_with_boards_or_years(self) -> None:
        # The programme's periods; what the figures are read from (the VB reports, the
        # catalog's last change); the reports per VB period and state; goals;
        # prerequisites; the indicators' responsible boards, their values per year and the
        # indicators; activity rows and goal rows counted per goal and year; the boards most
        # off track; activities nobody started; the analyses quoted; the sections.
        with self.assertNumQueries(15):
            self.document(2023)
        with self.assertNumQueries(15):
            self.document(2022)
        for n in range(3):
            board = Board.objects.create(
                organisation="Stockholms stad",
                name=f"Ny nämnd {n}",
                slug=f"ny-namnd-{n}",
                kind=BoardKind.FACKNAMND,
            )
            ActivityResponsibility.objects.create(
                activity=activity_rows(DISTRICT, 2023, 1).first().activity, board=board
            )
            IndicatorResponsibility.objects.create(indicator=indicator(2, 0), board=board)
        reports_sync_for_programme(programme=self.world.programme)  # the new boards' reports
        for year in (2022, 2023):
            Report.objects.filter(board__slug__startswith="ny-namnd", period=vb(year)).update(
                state=ReportState.SUBMITTED
            )
        with self.assertNumQueries(15):
            document = self.document(2023)
        self.assertEqual(document.basis.completeness.reported, 5)

    def test_figures_are_computed_once_per_change_of_the_reports(self) -> None:
        first = self.document(2023)
        # The periods, what the figures are read from, the sections: the rest is cached.
        with self.assertNumQueries(4):
            again = self.document(2023)
        self.assertEqual(midterm_figures(again), midterm_figures(first))
        self.assertEqual(again.top_boards, first.top_boards)
        self.assertEqual(
            [part.excerpts for part in again.goals], [part.excerpts for part in first.goals]
        )
        reported = first.basis.completeness.reported
        set_state("farsta-stadsdelsnamnd", 2023, ReportState.DRAFT)
        self.assertEqual(self.document(2023).basis.completeness.reported, reported - 1)
        board = Board.objects.get(slug="farsta-stadsdelsnamnd")
        board.name = "Farsta stadsdelsnämnd (ny)"
        board.save()  # the catalog changed: a board quoted by name
        set_state("farsta-stadsdelsnamnd", 2023, ReportState.SUBMITTED)
        names = [excerpt.board for part in self.document(2023).goals for excerpt in part.excerpts]
        self.assertIn("Farsta stadsdelsnämnd (ny)", names)


def section_url(key: str, year: int = 2023) -> str:
    return reverse("midterm-section", args=[SLUG, year, key])


class MidtermPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_three_years()
        cls.analyst = user("analytiker")
        CityReader.objects.create(user=cls.analyst, programme=cls.world.programme)

    def section(self, key: str) -> MidtermSection:
        """The section as the page draws it: stored, or unsaved before the first save."""
        section = midterm_section_get(programme=self.world.programme, year=2023, key=key)
        assert section is not None
        return section

    def save(self, key: str, text: str, version: int | None = None, **fields: str):
        """Post a section as the page's form would, with the version the page was made from."""
        if version is None:
            version = self.section(key).version
        data = {f"{key}-text": text, f"{key}-version": get_signer().sign(version)}
        data.update({f"{key}-{name}": value for name, value in fields.items()})
        return self.client.post(section_url(key), data)

    def open_edit_page(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.assertEqual(
            self.client.get(reverse("midterm-edit", args=[SLUG, 2023])).status_code, 200
        )

    # --- Access -------------------------------------------------------------------------

    def test_coordinator_lands_on_the_middle_year_and_may_write(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(reverse("midterm", args=[SLUG]))
        self.assertRedirects(response, reverse("midterm-edit", args=[SLUG, 2023]))
        response = self.client.get(reverse("midterm", args=[SLUG]), {"ar": "2022"})
        self.assertRedirects(response, reverse("midterm-edit", args=[SLUG, 2022]))
        response = self.client.get(reverse("midterm-edit", args=[SLUG, 2023]))
        self.assertContains(response, "Halvtidsrapport 2023")
        self.assertContains(response, 'name="sammanfattning-text"')
        self.assertContains(response, 'name="mal-1-text"')

    def test_city_reader_reads_the_preview_and_pdf_but_cannot_write(self) -> None:
        self.client.force_login(self.analyst)
        self.assertRedirects(
            self.client.get(reverse("midterm", args=[SLUG])),
            reverse("midterm-preview", args=[SLUG, 2023]),
        )
        self.assertRedirects(
            self.client.get(reverse("midterm-edit", args=[SLUG, 2023])),
            reverse("midterm-preview", args=[SLUG, 2023]),
        )
        response = self.client.get(reverse("midterm-preview", args=[SLUG, 2023]))
        self.assertContains(response, "Där mer stöd behövs")
        self.assertNotContains(response, "Skriv och ändra texterna")
        response = self.client.post(section_url("sammanfattning"), {"sammanfattning-text": "x"})
        self.assertEqual(response.status_code, 403)

    def test_everyone_else_gets_404(self) -> None:
        self.client.force_login(self.world.reporter)
        for url in (
            reverse("midterm", args=[SLUG]),
            reverse("midterm-edit", args=[SLUG, 2023]),
            reverse("midterm-preview", args=[SLUG, 2023]),
            reverse("midterm-pdf", args=[SLUG, 2023]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(section_url("sammanfattning")).status_code, 404)

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = self.client.get(reverse("midterm-preview", args=[SLUG, 2023]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_a_year_outside_the_programme_or_section_that_does_not_exist_is_404(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.assertEqual(
            self.client.get(reverse("midterm-preview", args=[SLUG, 2030])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("midterm", args=[SLUG]), {"ar": "1999"}).status_code, 404
        )
        self.open_edit_page()
        self.assertEqual(self.client.post(section_url("mal-99")).status_code, 404)
        self.assertEqual(self.client.post(section_url("mal")).status_code, 404)

    # --- Writing the sections -------------------------------------------------------------

    def test_a_section_saves_without_javascript_with_who_and_when(self) -> None:
        self.open_edit_page()
        response = self.save("sammanfattning", "Staden har kommit halvvägs.")
        url = reverse("midterm-edit", args=[SLUG, 2023])
        self.assertRedirects(response, f"{url}?sparad=sammanfattning#sammanfattning")
        section = self.section("sammanfattning")
        self.assertEqual(section.text, "Staden har kommit halvvägs.")
        self.assertEqual(section.updated_by, self.world.coordinator)
        self.assertEqual(section.history.first().history_user, self.world.coordinator)
        response = self.client.get(response["Location"])
        self.assertContains(response, "✔ Sparat")

    def test_a_goal_section_saves_its_prerequisites_judgement(self) -> None:
        self.open_edit_page()
        section = self.section("mal-1")
        first, second, *_ = section.goal.prerequisites.all()
        response = self.save(
            "mal-1",
            "Kunskapen finns; samverkan saknas.",
            **{f"forutsattning-{first.pk}": "pa_plats", f"forutsattning-{second.pk}": "saknas"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            self.section("mal-1").prerequisite_states,
            {str(first.pk): "pa_plats", str(second.pk): "saknas"},
        )
        preview = self.client.get(reverse("midterm-preview", args=[SLUG, 2023]))
        self.assertContains(preview, "Kunskapen finns; samverkan saknas.")
        self.assertContains(preview, "✔</span> På plats")
        self.assertContains(preview, "✖</span> Inte på plats")
        self.assertContains(preview, "–</span> Ej bedömd")

    def test_errors_are_shown_in_swedish_and_change_nothing(self) -> None:
        self.open_edit_page()
        prerequisite = self.section("mal-1").goal.prerequisites.first()
        response = self.save("mal-1", "Text", **{f"forutsattning-{prerequisite.pk}": "kanske"})
        self.assertContains(response, "Välj ett giltigt alternativ", status_code=422)
        self.assertContains(response, "Avsnittet sparades inte", status_code=422)
        response = self.save("stod", "x" * 20001)
        self.assertContains(response, "har som mest 20000 tecken", status_code=422)
        self.assertEqual(self.section("mal-1").text, "")
        self.assertEqual(self.section("stod").text, "")

    def test_a_stale_save_is_refused_and_keeps_what_was_typed(self) -> None:
        self.open_edit_page()
        version = self.section("stod").version
        self.assertEqual(self.save("stod", "Först sparat.", version=version).status_code, 302)
        response = self.save("stod", "Skrivet på en gammal sida.", version=version)
        self.assertContains(response, "Någon annan har sparat avsnittet", status_code=409)
        self.assertContains(response, "Först sparat.", status_code=409)  # what is stored now
        self.assertContains(response, "Skrivet på en gammal sida.</textarea>", status_code=409)
        self.assertEqual(self.section("stod").text, "Först sparat.")
        # Saving again from the page that showed the conflict is a knowing choice: it saves.
        version = self.section("stod").version
        self.assertEqual(self.save("stod", "Ersatt.", version=version).status_code, 302)
        self.assertEqual(self.section("stod").text, "Ersatt.")

    def test_a_stale_version_before_the_years_first_save_is_a_conflict(self) -> None:
        # A page drawn from a draft since removed, or a version the page never had: the
        # year has no draft yet, and the save is refused as stale, with the section shown.
        self.open_edit_page()
        response = self.save("stod", "Skrivet på en gammal sida.", version=7)
        self.assertContains(response, "Någon annan har sparat avsnittet", status_code=409)
        self.assertContains(response, "Skrivet på en gammal sida.</textarea>", status_code=409)
        self.assertEqual(self.section("stod").text, "")

    def test_htmx_gets_the_section_alone(self) -> None:
        self.open_edit_page()
        section = self.section("fortsatt")
        data = {
            "fortsatt-text": "Andra halvan.",
            "fortsatt-version": get_signer().sign(section.version),
        }
        response = self.client.post(section_url("fortsatt"), data, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(response, '<div class="midterm-section" id="fortsatt">')
        self.assertContains(response, "✔ Sparat")
        # The same (now stale) page again: 409 with the stored text, the typed one kept.
        data["fortsatt-text"] = "Något annat."
        response = self.client.post(section_url("fortsatt"), data, headers={"HX-Request": "true"})
        self.assertContains(response, "Någon annan har sparat avsnittet", status_code=409)
        self.assertContains(response, "Något annat.</textarea>", status_code=409)
        self.assertNotContains(response, "<html", status_code=409)

    def test_the_preview_shows_the_figures_and_escapes_the_text(self) -> None:
        self.open_edit_page()
        self.save("sammanfattning", "<script>alert(1)</script> Halvvägs.")
        response = self.client.get(reverse("midterm-preview", args=[SLUG, 2023]))
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; Halvvägs.")
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "91 av 102 (89,2\u00a0%)")
        self.assertContains(response, "Resurserna har saknats under året.")
        # What is not written yet is said once, at the start, not under every heading.
        self.assertContains(response, "Samordnaren har ännu inte skrivit avsnitten", count=1)

    def test_preview_queries_do_not_grow_with_boards(self) -> None:
        self.client.force_login(self.analyst)
        url = reverse("midterm-preview", args=[SLUG, 2023])
        # Session, user, the programme (city-wide readers, with whether the user is its
        # samordnare), whether the halvtidsrapport is final, the document's fifteen (see
        # MidtermDataTests), and the header's unread notifications.
        with self.assertNumQueries(20):
            self.client.get(url)
        board = Board.objects.create(
            organisation="Stockholms stad", name="Ny nämnd", slug="ny-namnd", kind="facknamnd"
        )
        IndicatorResponsibility.objects.create(indicator=indicator(2, 0), board=board)
        reports_sync_for_programme(programme=self.world.programme)  # the new board's report
        set_state("ny-namnd", 2023, ReportState.SUBMITTED)
        with self.assertNumQueries(20):
            response = self.client.get(url)
        self.assertContains(response, "3 av 24")  # the new board's report is expected too

    def test_edit_page_queries_do_not_grow_with_boards(self) -> None:
        self.open_edit_page()
        self.save("stod", "Skrivet, så att utkastet finns.")
        url = reverse("midterm-edit", args=[SLUG, 2023])
        # Session, user, the programme with whether the user is its samordnare, whether the
        # halvtidsrapport is final; the document's fifteen; the halvtidsrapport, the goals,
        # their prerequisites and the sections to write; the header's unread notifications.
        # The figures as computed, not from the cache (the page above put them there).
        cache.clear()
        with self.assertNumQueries(24):
            self.client.get(url)
        board = Board.objects.create(
            organisation="Stockholms stad", name="Ny nämnd", slug="ny-namnd", kind="facknamnd"
        )
        IndicatorResponsibility.objects.create(indicator=indicator(2, 0), board=board)
        reports_sync_for_programme(programme=self.world.programme)  # the new board's report
        set_state("ny-namnd", 2023, ReportState.SUBMITTED)
        self.save("sammanfattning", "Sparad av samordnaren.")
        with self.assertNumQueries(24):
            self.client.get(url)

    # --- The PDF ----------------------------------------------------------------------------

    def test_the_pdf_has_the_narrative_goals_figures_and_an_outline(self) -> None:
        self.open_edit_page()
        self.save("sammanfattning", "Staden har kommit halvvägs i programmet.")
        self.save("stod", "Farsta behöver handledning under hösten.")
        response = made_document(self, self.client, reverse("midterm-pdf", args=[SLUG, 2023]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn(
            "halvtidsrapport-stockholm-2021-2025-2023.pdf", response["Content-Disposition"]
        )
        reader = PdfReader(BytesIO(response.content))
        self.assertTrue(12 <= len(reader.pages) <= 30, len(reader.pages))
        text = pdf_text(response.content)
        self.assertIn("Halvtidsrapport 2023", text)
        self.assertIn("Staden har kommit halvvägs i programmet.", text)
        self.assertIn("Farsta behöver handledning under hösten.", text)
        self.assertIn("Mål 1. Stadens verksamheter arbetar våldsförebyggande", text)
        self.assertIn("91 av 102 (89,2 %)", text)
        self.assertIn("Resurserna har saknats under året.", text)
        self.assertIn("Sida 2 av", text)

        def titles(outline: list) -> list[str]:
            found = []
            for entry in outline:
                found += titles(entry) if isinstance(entry, list) else [entry.title]
            return found

        outline = titles(reader.outline)
        for title in (
            "Halvtidsrapport 2023",
            "Sammanfattning",
            "Om underlaget",
            "Mål 1. Stadens verksamheter arbetar våldsförebyggande",
            "Mål 7. Stadens verksamheter använder metoder och insatser som vilar på evidens "
            "och/eller på beprövad erfarenhet",
            "Där mer stöd behövs",
            "Inför programperiodens andra hälft",
        ):
            self.assertIn(title, outline)
        self.assertNotIn("Innehåll", outline)

    def test_markup_or_a_url_in_a_section_is_text_and_fetches_nothing(self) -> None:
        self.open_edit_page()
        self.save(
            "sammanfattning",
            '<img src="https://example.com/spy.png"> <link rel="stylesheet" '
            'href="file:///etc/passwd"> Se https://example.com/rapport.',
        )
        fetched: list[str] = []
        original = StaticFilesFetcher.fetch

        def record(fetcher, url, *args, **kwargs):
            fetched.append(url)
            return original(fetcher, url, *args, **kwargs)

        with fresh_print_styles(), mock.patch.object(StaticFilesFetcher, "fetch", record):
            response = made_document(self, self.client, reverse("midterm-pdf", args=[SLUG, 2023]))
        self.assertTrue(fetched)
        self.assertTrue(all("/static/" in url for url in fetched), fetched)
        self.assertFalse([url for url in fetched if "example.com" in url or "passwd" in url])
        text = " ".join(PdfReader(BytesIO(response.content)).pages[2].extract_text().split())
        self.assertIn('<img src="https://example.com/spy.png">', text)
        # A long URL may wrap at a slash; it is there as plain text either way.
        self.assertIn("Sehttps://example.com/rapport.", text.replace(" ", ""))

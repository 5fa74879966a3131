"""The city-wide figures, tested once on a small synthetic world with hand-computed answers,
through the engine (`followup.rollup`); then, thinner, that each place that shows them (the
dashboard and the rows behind it, the samlad uppföljning's page, workbook and PDF, the
halvtidsrapport, the styrkort) shows the engine's figures.

The world: a programme of two goals over 2021–2023 and four boards.

    goal 1  activity a1 (Alby, Bro, City)   activity a2 (Alby, Bro)
            share S (Alby, Bro, City)       count N (Alby, Bro)
            Alby's own count "Egen räkning" (Alby alone: never a city-wide figure)
    goal 2  activity a3 (City, Dalbolaget)  yes/no Y (City, Dalbolaget)

VB 2023 (open): Alby submitted, Bro approved, City returned (its values count nowhere),
Dalbolaget a draft (the missing report). VB 2022 (open): Alby submitted, the rest drafts.
VB 2021 was never opened.
"""

from io import BytesIO

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardKind,
    Goal,
    Indicator,
    IndicatorKind,
    IndicatorResponsibility,
    Programme,
)
from followup.documents.midterm import midterm_document
from followup.documents.styrkort import styrkort_build
from followup.models import (
    ActivityStatus,
    Assessment,
    Coordinator,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    PeriodKind,
    Progress,
    Report,
    ReportingPeriod,
    ReportState,
)
from followup.rollup import period_rollup, year_figures
from followup.services import own_item_add, period_open, periods_create
from tests.document_jobs import made_document
from tests.followup_data import user
from tests.test_documents import pdf_text

SLUG = "testprogram"
REASON = "Ingen målgrupp i stadsdelen."
OWN = "Egen räkning av utbildade"
# Hand-computed from the world above (Σ numerators / Σ denominators over Alby and Bro).
SHARE_2023 = "41 av 51 (80,4\u00a0%)"
WOMEN_2023 = "25 av 31 (80,6\u00a0%) — från 2 av 2 nämnder"
MEN_2023 = "10 av 15 (66,7\u00a0%) — från 1 av 2 nämnder"
SHARE_2022 = "10 av 20 (50,0\u00a0%)"


def build_small_world() -> Programme:
    programme = Programme.objects.create(
        slug=SLUG,
        name="Testprogrammet mot våld",
        short_name="Testprogrammet",
        organisation="Teststad",
        start_year=2021,
        end_year=2023,
        vision="Ingen ska utsättas för våld.",
    )
    boards = {
        key: Board.objects.create(organisation="Teststad", name=name, slug=key, kind=kind)
        for key, name, kind in (
            ("alby", "Alby stadsdelsnämnd", BoardKind.STADSDELSNAMND),
            ("bro", "Bro stadsdelsnämnd", BoardKind.STADSDELSNAMND),
            ("city", "Citynämnden", BoardKind.FACKNAMND),
            ("dal", "Dalbolaget", BoardKind.BOLAG),
        )
    }
    goals = [
        Goal.objects.create(programme=programme, number=n, title=f"Målet nummer {n}")
        for n in (1, 2)
    ]

    def activity(goal: Goal, position: int, text: str, *keys: str) -> None:
        item = Activity.objects.create(
            goal=goal, position=position, text=text, responsible_text="Nämnderna"
        )
        for key in keys:
            ActivityResponsibility.objects.create(activity=item, board=boards[key])

    def indicator(goal: Goal, position: int, text: str, kind: str, *keys: str) -> None:
        item = Indicator.objects.create(
            goal=goal, position=position, text=text, kind=kind, responsible_text="Nämnderna"
        )
        for key in keys:
            IndicatorResponsibility.objects.create(indicator=item, board=boards[key])

    activity(goals[0], 1, "Aktivitet a1", "alby", "bro", "city")
    activity(goals[0], 2, "Aktivitet a2", "alby", "bro")
    activity(goals[1], 1, "Aktivitet a3", "city", "dal")
    indicator(goals[0], 1, "Andel S", IndicatorKind.SHARE, "alby", "bro", "city")
    indicator(goals[0], 2, "Antal N", IndicatorKind.COUNT, "alby", "bro")
    indicator(goals[1], 1, "Påstående Y", IndicatorKind.YES_NO, "city", "dal")

    periods_create(programme=programme)
    for year in (2022, 2023):
        period_open(period=ReportingPeriod.objects.get(programme=programme, year=year, kind="VB"))
    own_item_add(report=report("alby", 2023), goal=goals[0], text=OWN, indicator_kind="count")

    def outcome(key: str, year: int, text: str, **values: object) -> None:
        IndicatorOutcome.objects.filter(report=report(key, year), indicator__text=text).update(
            **values
        )

    def status(key: str, year: int, text: str, **values: object) -> None:
        ActivityStatus.objects.filter(report=report(key, year), activity__text=text).update(
            **values
        )

    def fulfilment(key: str, goal: int, value: str, analysis: str) -> None:
        GoalAssessment.objects.filter(report=report(key, 2023), goal__number=goal).update(
            fulfilment=value, analysis=analysis
        )

    # VB 2023.
    outcome(
        "alby",
        2023,
        "Andel S",
        numerator=30,
        denominator=40,
        women_numerator=20,
        women_denominator=25,
        men_numerator=10,
        men_denominator=15,
    )
    outcome("bro", 2023, "Andel S", numerator=11, denominator=11)
    outcome("bro", 2023, "Andel S", women_numerator=5, women_denominator=6)
    outcome("city", 2023, "Andel S", numerator=5, denominator=10)  # returned: never counted
    outcome("alby", 2023, "Antal N", numerator=7, women_numerator=4, men_numerator=3)
    # Bro leaves N blank: reported, but no value.
    outcome("alby", 2023, OWN, numerator=1, comment="Egen uppföljning.")
    outcome("city", 2023, "Påstående Y", answer=True)  # returned
    outcome("dal", 2023, "Påstående Y", answer=True)  # draft
    status("alby", 2023, "Aktivitet a1", progress=Progress.DONE, assessment=Assessment.ON_TRACK)
    status(
        "alby",
        2023,
        "Aktivitet a2",
        progress=Progress.NOT_APPLICABLE,
        not_applicable_reason=REASON,
        assessment=Assessment.ON_TRACK,
    )
    status(
        "bro",
        2023,
        "Aktivitet a1",
        progress=Progress.STARTED,
        assessment=Assessment.OFF_TRACK,
        comment="Personal saknas.",
    )
    status("bro", 2023, "Aktivitet a2", progress=Progress.ONGOING, assessment=Assessment.PARTLY)
    status("city", 2023, "Aktivitet a1", progress=Progress.DONE, assessment=Assessment.ON_TRACK)
    status("city", 2023, "Aktivitet a3", progress=Progress.DONE, assessment=Assessment.ON_TRACK)
    fulfilment("alby", 1, Fulfilment.FULL, "Allt på plats.")
    fulfilment("bro", 1, Fulfilment.PARTLY, "Delvis på plats.")
    fulfilment("city", 1, Fulfilment.NONE, "Ett återskickat utkast.")
    # VB 2022: only Alby's report counts.
    outcome("alby", 2022, "Andel S", numerator=10, denominator=20)
    outcome("bro", 2022, "Andel S", numerator=20, denominator=20)  # a draft
    for key, state in (
        ("alby", ReportState.SUBMITTED),
        ("bro", ReportState.APPROVED),
        ("city", ReportState.RETURNED),
    ):
        Report.objects.filter(board__slug=key, period__year=2023).update(state=state)
    Report.objects.filter(board__slug="alby", period__year=2022).update(state=ReportState.SUBMITTED)
    return programme


def report(key: str, year: int) -> Report:
    return Report.objects.get(board__slug=key, period__year=year, period__kind=PeriodKind.VB)


class SmallWorld(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = build_small_world()
        cls.coordinator = user("samordnare")
        Coordinator.objects.create(user=cls.coordinator, programme=cls.programme)

    def setUp(self) -> None:
        self.client.force_login(self.coordinator)


class EngineArithmeticTests(SmallWorld):
    """The arithmetic, once: every figure of the world, computed by hand."""

    def rollup(self, year: int = 2023):
        return period_rollup(self.programme, year, PeriodKind.VB)

    def test_reports_counted_only_when_submitted_or_approved(self) -> None:
        rollup = self.rollup()
        self.assertEqual(rollup.completeness.text, "2 av 4 rapporterat")
        counts = {state.key: state.count for state in rollup.states}
        self.assertEqual(
            counts,
            {"ej_paborjad": 0, "utkast": 1, "inskickad": 1, "aterskickad": 1, "godkand": 1},
        )
        self.assertEqual(rollup.missing_count, 2)
        self.assertEqual({entry.board.slug for entry in rollup.missing}, {"city", "dal"})

    def test_activities_by_status_and_assessment(self) -> None:
        goal1, goal2 = self.rollup().goals
        # Alby's two rows and Bro's two count; City's returned row is expected, not counted.
        self.assertEqual(goal1.activity_completeness.text, "4 av 5 rapporterat")
        progress = {b.key: b.count for b in goal1.by_progress if b.count}
        self.assertEqual(
            progress,
            {
                Progress.DONE: 1,
                Progress.NOT_APPLICABLE: 1,
                Progress.STARTED: 1,
                Progress.ONGOING: 1,
            },
        )
        assessment = {b.key: (b.count, b.share_text) for b in goal1.by_assessment}
        # Alby's "Ej aktuell" row has nothing to assess: its stale "Enligt plan" is left out.
        self.assertEqual(
            assessment,
            {
                Assessment.ON_TRACK: (1, "33,3\u00a0%"),
                Assessment.PARTLY: (1, "33,3\u00a0%"),
                Assessment.OFF_TRACK: (1, "33,3\u00a0%"),
            },
        )
        self.assertEqual(goal2.activity_completeness.text, "0 av 2 rapporterat")
        self.assertEqual(self.rollup().off_track, 1)

    def test_fulfilment_of_the_goals(self) -> None:
        goal1 = self.rollup().goals[0]
        self.assertEqual(goal1.fulfilment_completeness.text, "2 av 3 rapporterat")
        self.assertEqual(
            {b.key: b.count for b in goal1.by_fulfilment},
            {Fulfilment.FULL: 1, Fulfilment.PARTLY: 1, Fulfilment.NONE: 0},
        )

    def test_share_is_sum_over_sum_with_women_and_men_on_their_own_basis(self) -> None:
        share, count = self.rollup().goals[0].indicators
        self.assertEqual(share.indicator.text, "Andel S")
        self.assertEqual(share.value.text, SHARE_2023)  # not (75\u00a0% + 100\u00a0%) / 2
        self.assertEqual(share.completeness.text, "2 av 3 rapporterat")
        self.assertEqual(share.women.part_text, WOMEN_2023)
        self.assertEqual(share.men.part_text, MEN_2023)
        self.assertEqual((share.men.boards, share.men.of_boards), (1, 2))
        # A count is summed; Bro's blank value is missing, not zero.
        self.assertEqual(count.value.text, "7")
        self.assertEqual(count.completeness.text, "1 av 2 rapporterat")
        self.assertEqual(count.women.part_text, "4 — från 1 nämnd")

    def test_an_indicator_nobody_reported_is_missing(self) -> None:
        [answer] = self.rollup().goals[1].indicators
        self.assertEqual(answer.value.text, "saknas")  # City's and Dalbolaget's never count
        self.assertEqual(answer.completeness.text, "0 av 2 rapporterat")
        self.assertEqual(answer.women.part_text, "–")

    def test_a_boards_own_indicator_is_never_a_city_wide_figure(self) -> None:
        rollup = self.rollup()
        texts = [item.indicator.text for goal in rollup.goals for item in goal.indicators]
        self.assertEqual(texts, ["Andel S", "Antal N", "Påstående Y"])
        self.assertEqual(rollup.own_indicator_rows, 1)
        [own] = year_figures(self.programme, 2023)["own_indicators"]
        self.assertEqual(
            (own["board"], own["goal"], own["text"], own["value"]["text"]),
            ("Alby stadsdelsnämnd", 1, OWN, "1"),
        )

    def test_the_trend_runs_over_the_years_a_period_never_opened_is_ej_oppnad(self) -> None:
        share = self.rollup().goals[0].indicators[0]
        trend = {point.year: (point.value.text, point.completeness.text) for point in share.trend}
        self.assertEqual(
            trend,
            {
                2021: ("saknas", "ej öppnad"),
                2022: (SHARE_2022, "1 av 3 rapporterat"),
                2023: (SHARE_2023, "2 av 3 rapporterat"),
            },
        )

    def test_a_period_never_opened_reads_ej_oppnad_not_zero(self) -> None:
        rollup = self.rollup(2021)
        self.assertEqual(rollup.completeness.text, "ej öppnad")
        self.assertIsNone(rollup.completeness.percent)
        self.assertEqual((rollup.missing_count, rollup.missing), (0, []))  # not asked yet
        self.assertEqual(rollup.goals[0].activity_completeness.text, "ej öppnad")
        self.assertEqual(rollup.goals[0].indicators[0].completeness.text, "ej öppnad")
        self.assertEqual(year_figures(self.programme, 2021)["completeness"]["opened"], False)


class DashboardShowsTheEngineTests(SmallWorld):
    def page(self, year: int = 2023) -> str:
        response = self.client.get(
            reverse("dashboard"), {"program": SLUG, "ar": year, "period": "VB"}
        )
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def rows(self, **params: object) -> str:
        query = {"program": SLUG, "ar": 2023, "period": "VB", **params}
        response = self.client.get(reverse("dashboard-rows"), query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_dashboard_shows_the_engines_figures(self) -> None:
        content = self.page()
        self.assertIn("2 av 4 rapporterat", content)
        self.assertIn(SHARE_2023, content)
        self.assertIn(WOMEN_2023, content)
        self.assertIn(MEN_2023, content)
        self.assertIn("4 av 5 aktivitetsrader rapporterade", content)

    def test_the_own_indicator_is_not_among_the_city_wide_ones(self) -> None:
        content = self.page()
        self.assertNotIn(OWN, content)
        self.assertNotIn("0 av 0 rapporterat", content)
        self.assertIn("Visa 1 rapporterade värden", content)
        own = self.rows(visa="egna-indikatorer")
        self.assertIn(OWN, own)
        self.assertIn("Egen uppföljning.", own)

    def test_the_rows_behind_ej_aktuell_show_the_boards_reason(self) -> None:
        content = self.rows(visa="aktiviteter", status=Progress.NOT_APPLICABLE)
        self.assertIn("1 rad.", content)
        self.assertIn("Alby stadsdelsnämnd", content)
        self.assertIn(f"Skäl till ”Ej aktuell”: {REASON}", content)

    def test_the_rows_behind_the_share_are_the_boards_values(self) -> None:
        share = Indicator.objects.get(text="Andel S")
        content = self.rows(visa="indikator", indikator=share.pk)
        self.assertIn("30 av 40 (75,0\u00a0%)", content)
        self.assertIn("11 av 11 (100,0\u00a0%)", content)
        self.assertIn('<span class="missing">Saknas</span>', content)  # City's, returned

    def test_a_period_never_opened_reads_ej_oppnad(self) -> None:
        content = self.page(2021)
        self.assertIn("ej öppnad", content)
        self.assertIn("Perioden är inte öppnad", content)
        self.assertNotIn("0 av 4", content)
        self.assertNotIn("Saknas (", content)


class SamladShowsTheEngineTests(SmallWorld):
    def url(self, name: str, year: int = 2023) -> str:
        return reverse(name, args=[SLUG, year])

    def test_the_page_shows_women_and_men_with_their_basis_and_own_indicators_apart(self) -> None:
        response = self.client.get(self.url("city-followup"))
        content = response.content.decode()
        self.assertIn("2 av 4 nämnder har rapporterat", content)
        self.assertIn(SHARE_2023, content)
        self.assertIn(WOMEN_2023, content)
        self.assertIn(MEN_2023, content)
        self.assertIn("2 av 3 nämnder", content)
        goals, own = content.split('id="egna-title"')
        self.assertNotIn(OWN, goals)
        self.assertNotIn("0 av 0", goals)
        self.assertIn(OWN, own)
        self.assertIn("Egen uppföljning.", own)

    def test_the_workbook_has_the_same_figures(self) -> None:
        response = self.client.get(self.url("city-followup-xlsx"))
        workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
        indicators = list(workbook["Indikatorer"].iter_rows(values_only=True))
        share = next(row for row in indicators if row[1] == "Andel S")
        self.assertEqual(share[6:11], (SHARE_2023, WOMEN_2023, MEN_2023, 2, 3))
        self.assertNotIn(OWN, [row[1] for row in indicators])
        own = list(workbook["Egna indikatorer"].iter_rows(values_only=True))
        self.assertEqual(own[1][:4], ("Alby stadsdelsnämnd", 1, OWN, "1"))

    def test_the_pdf_has_the_same_figures(self) -> None:
        text = pdf_text(made_document(self, self.client, self.url("city-followup-pdf")).content)
        self.assertIn("2 av 4 nämnder har rapporterat", text)
        # A no-break space reads as a space in the PDF's text.
        self.assertIn(SHARE_2023.replace("\u00a0", " "), text)
        # The PDF's narrow columns wrap the basis: compare without the spaces.
        squeezed = text.replace(" ", "")
        for part in (WOMEN_2023, MEN_2023):
            self.assertIn(part.replace(" ", "").replace("\u00a0", ""), squeezed)
        goals, own = text.split("Nämndernas egna indikatorer Indikatorer som")
        self.assertNotIn(OWN, goals.split("Innehåll")[-1].replace("Nämndernas egna", ""))
        self.assertIn(OWN, own)

    def test_a_year_never_opened_reads_ej_oppnad(self) -> None:
        content = self.client.get(self.url("city-followup", 2021)).content.decode()
        self.assertIn("ej öppnad", content)
        self.assertNotIn("0 av 4", content)
        response = self.client.get(self.url("city-followup-xlsx", 2021))
        workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
        summary = dict(workbook["Sammanfattning"].iter_rows(values_only=True))
        self.assertEqual(summary["Nämnder som rapporterat"], "ej öppnad")


class MidtermAndStyrkortShowTheEngineTests(SmallWorld):
    def test_the_halvtidsrapport_counts_with_the_engine(self) -> None:
        document = midterm_document(self.programme, 2023)
        self.assertEqual(
            [column.completeness.text for column in document.columns],
            ["ej öppnad", "1 av 4 rapporterat", "2 av 4 rapporterat"],
        )
        goal1 = document.goals[0]
        rollup = period_rollup(self.programme, 2023, PeriodKind.VB).goals[0]
        # 2022's rows were sent in blank, so every year has an "Ej angivet" column; 2023's
        # counts are the dashboard's.
        self.assertEqual(
            {b.key: b.count for b in goal1.progress[2].counts if b.count},
            {b.key: b.count for b in rollup.by_progress if b.count},
        )
        self.assertEqual(goal1.progress[1].count(""), 2)
        self.assertEqual(goal1.progress[2].completeness.text, "4 av 5 rapporterat")
        self.assertEqual(goal1.progress[0].completeness.text, "ej öppnad")
        share = goal1.indicators[0]
        self.assertEqual(
            [(point.value.text, point.completeness.text) for point in share.points],
            [
                ("saknas", "ej öppnad"),
                (SHARE_2022, "1 av 3 rapporterat"),
                (SHARE_2023, "2 av 3 rapporterat"),
            ],
        )
        self.assertEqual(
            [trend.indicator.text for trend in goal1.indicators], ["Andel S", "Antal N"]
        )

    def test_the_halvtidsrapport_page_reads_ej_oppnad_for_a_year_never_opened(self) -> None:
        response = self.client.get(reverse("midterm-preview", args=[SLUG, 2023]))
        content = response.content.decode()
        self.assertIn(SHARE_2023, content)
        self.assertIn("ej öppnad", content)
        self.assertNotIn("0 av 0", content)

    def test_the_styrkort_shows_the_latest_reported_status(self) -> None:
        alby = styrkort_build(self.programme, Board.objects.get(slug="alby"), with_status=True)
        [goal1] = alby.goals
        latest = {entry.item.text: entry.latest for entry in goal1.indicators}
        self.assertEqual(latest["Andel S"].outcome_text, "30 av 40 (75,0\u00a0%)")
        self.assertEqual(latest["Andel S"].report.period.year, 2023)
        self.assertEqual(latest[OWN].outcome_text, "1")
        self.assertEqual(alby.latest_report.period.label, "Verksamhetsberättelse 2023")
        # City's report was returned: it counts nowhere, not on its styrkort either.
        city = styrkort_build(self.programme, Board.objects.get(slug="city"), with_status=True)
        self.assertIsNone(city.latest_report)
        self.assertTrue(all(e.latest is None for card in city.goals for e in card.indicators))

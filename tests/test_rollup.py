"""The roll-up arithmetic: reported reports only, missing boards as missing, shares as
Σ numerators / Σ denominators, women and men apart, completeness beside every figure."""

import dataclasses
import json
from datetime import date

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from catalog.models import (
    ActivityResponsibility,
    Board,
    BoardKind,
    Indicator,
    IndicatorResponsibility,
)
from followup.models import (
    ActivityStatus,
    Assessment,
    IndicatorOutcome,
    PeriodKind,
    Progress,
    Report,
    ReportingPeriod,
    ReportState,
)
from followup.rollup import (
    activity_rows_behind,
    changed_rows_behind,
    indicator_rows_behind,
    period_rollup,
    programme_periods,
    row_value,
    year_figures,
)
from followup.services import period_open
from tests.followup_data import DISTRICT, OTHER, build_world

THIRD = "spanga-tensta-stadsdelsnamnd"
SOCIAL = "socialnamnden"


def indicator(goal: int, index: int) -> Indicator:
    return Indicator.objects.filter(goal__number=goal, added_by=None).order_by("position")[index]


def outcome(slug: str, goal: int, index: int, year: int = 2023, kind: str = "T1"):
    return IndicatorOutcome.objects.filter(
        report__board__slug=slug,
        report__period__year=year,
        report__period__kind=kind,
        indicator=indicator(goal, index),
    )


def set_state(slug: str, state: str, year: int = 2023, kind: str = "T1") -> None:
    Report.objects.filter(board__slug=slug, period__year=year, period__kind=kind).update(
        state=state
    )


def activity_rows(slug: str, year: int = 2023, kind: str = "T1"):
    return ActivityStatus.objects.filter(
        report__board__slug=slug, report__period__year=year, report__period__kind=kind
    ).order_by("activity__goal__number", "activity__position")


class RollupTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(2023, "T1")
        cls.programme = cls.world.programme
        # Goal 2's share: very different denominators; women/men only from one board.
        outcome(DISTRICT, 2, 0).update(
            numerator=1,
            denominator=2,
            women_numerator=1,
            women_denominator=1,
            men_numerator=0,
            men_denominator=1,
        )
        outcome(OTHER, 2, 0).update(numerator=90, denominator=100)
        # A draft's values never count.
        outcome(THIRD, 2, 0).update(numerator=0, denominator=50)
        # Goal 2's count.
        outcome(DISTRICT, 2, 1).update(numerator=3, women_numerator=2, men_numerator=1)
        outcome(OTHER, 2, 1).update(numerator=4)
        # Goal 7's yes/no.
        outcome(DISTRICT, 7, 0).update(answer=True)
        outcome(OTHER, 7, 0).update(answer=False)
        outcome(THIRD, 7, 0).update(answer=True)
        # Activities: one off track in a submitted report, one in a draft.
        first, second = activity_rows(DISTRICT)[:2]
        ActivityStatus.objects.filter(pk=first.pk).update(
            progress=Progress.STARTED, assessment=Assessment.OFF_TRACK, comment="Försenat."
        )
        ActivityStatus.objects.filter(pk=second.pk).update(
            progress=Progress.ONGOING, assessment=Assessment.ON_TRACK, comment="Pågår."
        )
        activity_rows(THIRD).update(progress=Progress.STARTED, assessment=Assessment.OFF_TRACK)
        set_state(DISTRICT, ReportState.SUBMITTED)
        set_state(OTHER, ReportState.APPROVED)
        set_state(SOCIAL, ReportState.RETURNED)

    def rollup(self, **options):
        return period_rollup(self.programme, 2023, PeriodKind.T1, **options)

    def figure(self, rollup, goal: int, index: int):
        goal_figure = next(g for g in rollup.goals if g.goal.number == goal)
        return goal_figure.indicators[index]

    def test_share_is_sum_of_numerators_over_sum_of_denominators_not_mean_of_percentages(
        self,
    ) -> None:
        share = self.figure(self.rollup(), 2, 0)
        self.assertEqual((share.value.numerator, share.value.denominator), (91, 102))
        self.assertAlmostEqual(share.value.number, 89.2, places=1)
        self.assertEqual(share.value.text, "91 av 102 (89,2\u00a0%)")

    def test_boards_that_have_not_reported_are_missing_not_zero(self) -> None:
        rollup = self.rollup()
        share = self.figure(rollup, 2, 0)
        self.assertEqual((share.completeness.reported, share.completeness.expected), (2, 13))
        rows = indicator_rows_behind(rollup.scope, share.indicator.pk)
        by_board = {row.report.board.slug: row_value(row) for row in rows}
        self.assertEqual(len(by_board), 13)
        self.assertIsNone(by_board[THIRD])  # a draft, although it has numbers
        self.assertEqual(by_board[OTHER].text, "90 av 100 (90,0\u00a0%)")
        self.assertEqual(sum(value is None for value in by_board.values()), 11)

    def test_an_indicator_nobody_reported_is_missing(self) -> None:
        share = self.figure(self.rollup(), 3, 0)
        self.assertTrue(share.value.missing)
        self.assertIsNone(share.value.number)
        self.assertEqual(share.value.text, "saknas")

    def test_women_and_men_are_kept_apart_over_the_boards_that_gave_them(self) -> None:
        share = self.figure(self.rollup(), 2, 0)
        self.assertEqual((share.women.numerator, share.women.denominator), (1, 1))
        self.assertEqual((share.men.numerator, share.men.denominator), (0, 1))
        self.assertEqual((share.women.boards, share.men.boards, share.value.boards), (1, 1, 2))
        count = self.figure(self.rollup(), 2, 1)
        self.assertEqual((count.women.numerator, count.men.numerator), (2, 1))
        self.assertEqual(count.women.boards, 1)

    def test_counts_are_summed(self) -> None:
        count = self.figure(self.rollup(), 2, 1)
        self.assertEqual(count.value.numerator, 7)
        self.assertEqual(count.value.text, "7")

    def test_yes_no_is_n_of_m_yes(self) -> None:
        answer = self.figure(self.rollup(), 7, 0)
        self.assertEqual(answer.value.text, "1 av 2 ja")
        self.assertEqual(answer.completeness.expected, 13)

    def test_completeness_and_board_states(self) -> None:
        rollup = self.rollup(today=date(2023, 6, 1))  # after the T1 deadline
        self.assertEqual((rollup.completeness.reported, rollup.completeness.expected), (2, 23))
        counts = {state.key: state.count for state in rollup.states}
        self.assertEqual(
            counts,
            {"ej_paborjad": 0, "utkast": 20, "inskickad": 1, "aterskickad": 1, "godkand": 1},
        )
        self.assertEqual(rollup.overdue, 21)
        states = {board.slug: board.report_state for board in rollup.scope.board_states()}
        self.assertEqual(states[DISTRICT], ReportState.SUBMITTED)
        self.assertEqual(states[SOCIAL], ReportState.RETURNED)
        self.assertEqual(rollup.missing_count, 21)
        missing = {entry.board.slug: entry for entry in rollup.missing}
        self.assertTrue(missing[SOCIAL].overdue)
        self.assertTrue(missing[THIRD].overdue)
        self.assertNotIn(DISTRICT, missing)
        self.assertNotIn(OTHER, missing)
        self.assertEqual(len(missing), 21)  # fewer than MISSING_SHOWN: all are named
        self.assertEqual(rollup.scope.board_states("saknas").count(), 21)

    def test_no_board_is_overdue_before_the_deadline(self) -> None:
        rollup = self.rollup(today=date(2023, 4, 1))
        self.assertEqual(rollup.overdue, 0)
        self.assertFalse(any(entry.overdue for entry in rollup.missing))

    def test_a_period_not_yet_open_expects_every_board_with_commitments(self) -> None:
        rollup = period_rollup(self.programme, 2024, PeriodKind.T1)
        self.assertEqual((rollup.completeness.reported, rollup.completeness.expected), (0, 23))
        self.assertEqual(rollup.states[0].count, 23)
        self.assertEqual(
            {board.report_state for board in rollup.scope.board_states()}, {"ej_paborjad"}
        )
        share = self.figure(rollup, 2, 0)
        self.assertEqual(share.completeness.expected, 13)
        self.assertTrue(share.value.missing)

    def test_activities_by_progress_and_assessment_lead_to_their_rows(self) -> None:
        rollup = self.rollup()
        goal = rollup.goals[0]
        reported = goal.activity_completeness.reported
        self.assertGreater(reported, 0)
        off = next(b for b in goal.by_assessment if b.key == Assessment.OFF_TRACK)
        self.assertEqual(off.count, 1)
        rows = activity_rows_behind(
            dataclasses.replace(rollup.scope, goal_number=1),
            assessment=Assessment.OFF_TRACK,
        )
        self.assertEqual(
            [(r.report.board.slug, r.comment) for r in rows], [(DISTRICT, "Försenat.")]
        )
        self.assertAlmostEqual(off.share, 100 / reported)
        self.assertEqual(sum(b.count for b in goal.by_progress), reported)
        # Rows of the draft report are expected but not counted.
        self.assertGreater(goal.activity_completeness.expected, reported)

    def test_off_track_counts_only_reported_rows(self) -> None:
        rollup = self.rollup()
        self.assertEqual(rollup.off_track, 1)
        self.assertEqual(
            [(b.name, b.count) for b in rollup.off_track_boards],
            [("Rinkeby-Kista stadsdelsnämnd", 1)],
        )
        self.assertEqual(len(rollup.off_track_activities), 1)
        rows = activity_rows_behind(
            rollup.scope,
            assessment=Assessment.OFF_TRACK,
            activity=rollup.off_track_activities[0].pk,
        )
        self.assertEqual(
            [(row.report.board.slug, row.comment) for row in rows], [(DISTRICT, "Försenat.")]
        )

    def test_filters_by_goal_and_kind_of_board(self) -> None:
        rollup = self.rollup(goal_number=2, board_group="facknamnder")
        self.assertEqual([g.goal.number for g in rollup.goals], [2])
        self.assertEqual(
            {board.kind for board in rollup.scope.board_states()}, {BoardKind.FACKNAMND}
        )
        # Goal 2's indicators are the district boards': none among the facknämnder.
        self.assertEqual(rollup.goals[0].indicators, [])
        districts = self.rollup(goal_number=2, board_group="stadsdelsnamnder")
        self.assertEqual(districts.completeness.expected, 13)
        self.assertEqual(self.figure(districts, 2, 0).value.numerator, 91)


class TrendAndChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(2023, "T1")
        cls.programme = cls.world.programme
        for year, kind in ((2022, "T1"), (2022, "VB")):
            period_open(period=ReportingPeriod.objects.get(year=year, kind=kind))
        outcome(DISTRICT, 2, 0, 2022).update(numerator=10, denominator=20)
        outcome(OTHER, 2, 0, 2022).update(numerator=5, denominator=30)
        set_state(DISTRICT, ReportState.APPROVED, 2022)
        set_state(OTHER, ReportState.APPROVED, 2022)
        outcome(DISTRICT, 2, 0).update(numerator=1, denominator=2)
        set_state(DISTRICT, ReportState.SUBMITTED)
        # The same activity: on track in VB 2022, off track in T1 2023.
        cls.activity_id = activity_rows(DISTRICT).first().activity_id
        activity_rows(DISTRICT, 2022, "VB").filter(activity_id=cls.activity_id).update(
            progress=Progress.ONGOING, assessment=Assessment.ON_TRACK
        )
        activity_rows(DISTRICT).filter(activity_id=cls.activity_id).update(
            progress=Progress.ONGOING, assessment=Assessment.OFF_TRACK
        )
        set_state(DISTRICT, ReportState.SUBMITTED, 2022, "VB")

    def test_trend_over_the_programme_years_for_the_same_kind_of_period(self) -> None:
        rollup = period_rollup(self.programme, 2023, PeriodKind.T1)
        share = rollup.goals[1].indicators[0]
        trend = {point.year: point for point in share.trend}
        self.assertEqual(list(trend), [2021, 2022, 2023, 2024, 2025])
        self.assertEqual(trend[2022].value.text, "15 av 50 (30,0\u00a0%)")
        self.assertEqual(
            (trend[2022].completeness.reported, trend[2022].completeness.expected), (2, 13)
        )
        self.assertEqual(trend[2023].value.text, "1 av 2 (50,0\u00a0%)")
        self.assertTrue(trend[2021].value.missing)
        self.assertTrue(trend[2024].value.missing)

    def test_changes_since_previous_period(self) -> None:
        rollup = period_rollup(self.programme, 2023, PeriodKind.T1)
        self.assertEqual(rollup.previous.label, "Verksamhetsberättelse 2022")
        self.assertEqual(rollup.changes, 1)
        self.assertEqual(
            [(t.scale, t.before_label, t.after_label, t.count) for t in rollup.transitions],
            [("bedomning", "Enligt plan", "Ej enligt plan", 1)],
        )
        rows = changed_rows_behind(
            rollup.scope,
            scale="bedomning",
            before=Assessment.ON_TRACK,
            after=Assessment.OFF_TRACK,
        )
        self.assertEqual(
            [(r.report.board.slug, r.activity_id, r.before_assessment) for r in rows],
            [(DISTRICT, self.activity_id, Assessment.ON_TRACK)],
        )
        self.assertFalse(changed_rows_behind(rollup.scope, scale="status").exists())

    def test_year_figures_are_json_ready(self) -> None:
        figures = year_figures(self.programme, 2022)
        self.assertEqual(json.loads(json.dumps(figures)), figures)
        self.assertEqual(figures["completeness"], {"reported": 1, "expected": 23, "opened": True})
        goal = figures["goals"][0]
        on_track = goal["activities"]["by_assessment"]["enligt_plan"]
        self.assertEqual(on_track["count"], 1)
        self.assertIn("fulfilment", goal)
        share = figures["goals"][1]["indicators"][0]
        self.assertEqual(share["completeness"], {"reported": 0, "expected": 13, "opened": True})
        self.assertIsNone(share["boards"][0]["value"])

    def test_query_count_does_not_grow_with_boards_or_years(self) -> None:
        def count() -> int:
            periods = programme_periods(self.programme)
            with CaptureQueriesContext(connection) as queries:
                period_rollup(self.programme, 2023, PeriodKind.T1, periods=periods)
            return len(queries)

        before = count()
        # Reports per period and state (this period's and the trend's), the responsible
        # boards (for the trend's periods not yet opened), whether the period has reports,
        # the first expected boards missing and those waiting for review (MISSING_SHOWN
        # each), the matrix's boards (`matrix_boards`), the overdue reports' count, goals,
        # activity tallies, indicator responsibilities, indicator sums, indicators, off
        # track per board and per activity, changes, own indicators, and the goals × boards
        # matrix's counts.
        self.assertEqual(before, 17)
        board = Board.objects.create(
            organisation="Stockholms stad", name="Ny nämnd", slug="ny-namnd", kind="facknamnd"
        )
        ActivityResponsibility.objects.create(
            activity=activity_rows(DISTRICT).first().activity, board=board
        )
        IndicatorResponsibility.objects.create(indicator=indicator(2, 0), board=board)
        for year in (2021, 2024):
            period_open(period=ReportingPeriod.objects.get(year=year, kind="T1"))
        self.assertEqual(count(), before)

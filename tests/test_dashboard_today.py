"""The dashboard's first screen (issue 10, point 6): who is missing, what waits for review,
what changed, and where the city is off track, as a goals × boards matrix whose every cell
opens the rows behind it; the matrix costs one query however many boards there are."""

import html
import re
from datetime import timedelta

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import ActivityResponsibility, Board
from followup.models import ActivityStatus, Assessment, PeriodKind, Progress, Report, ReportState
from followup.rollup import (
    MATRIX_SHOWN,
    BoardState,
    Scope,
    assessment_matrix,
    make_scope,
    period_rollup,
)
from tests.followup_data import DISTRICT, OTHER, build_world
from tests.test_rollup import activity_rows, set_state

URL = reverse("dashboard")


def assess(slug: str, goal: int, *assessments: str) -> None:
    """Give the board's first activity rows under `goal` these assessments."""
    rows = activity_rows(slug).filter(activity__goal__number=goal)[: len(assessments)]
    for row, value in zip(rows, assessments, strict=True):
        ActivityStatus.objects.filter(pk=row.pk).update(progress=Progress.STARTED, assessment=value)


class MatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        assess(DISTRICT, 1, Assessment.OFF_TRACK, Assessment.ON_TRACK)
        assess(OTHER, 1, Assessment.PARTLY)
        set_state(DISTRICT, ReportState.SUBMITTED)
        set_state(OTHER, ReportState.APPROVED)

    def scope(self) -> Scope:
        return make_scope(self.world.programme, 2023, PeriodKind.T1)

    def test_each_cell_counts_a_boards_assessments_under_a_goal(self) -> None:
        rollup = period_rollup(self.world.programme, 2023, PeriodKind.T1)
        matrix = rollup.matrix
        assert matrix is not None
        rows = {row.board.board.slug: row for row in matrix.rows}
        self.assertEqual(len(rows), 23)  # every expected board, reported or not
        district = rows[DISTRICT].cells[0]
        self.assertEqual((district.on_track, district.partly, district.off_track), (1, 0, 1))
        self.assertEqual(district.text, "1 enligt plan, 0 delvis enligt plan, 1 ej enligt plan")
        self.assertEqual(rows[OTHER].cells[0].partly, 1)
        self.assertEqual(matrix.totals[0].assessed, 3)
        self.assertEqual(matrix.off_track, 1)
        self.assertFalse(rows["bromma-stadsdelsnamnd"].reported)

    def test_a_draft_counts_nowhere_in_the_matrix(self) -> None:
        assess("bromma-stadsdelsnamnd", 1, Assessment.OFF_TRACK)
        rollup = period_rollup(self.world.programme, 2023, PeriodKind.T1)
        assert rollup.matrix is not None
        self.assertEqual(rollup.matrix.off_track, 1)

    def test_the_matrix_is_one_query_whatever_the_number_of_boards(self) -> None:
        def count() -> int:
            scope = self.scope()
            goals = list(self.world.programme.goals.order_by("number"))
            boards = [BoardState(b, None, False) for b in scope.board_states()]
            with CaptureQueriesContext(connection) as queries:
                assessment_matrix(scope, goals, boards)
            return len(queries)

        # The counts per board, goal and assessment (GROUP BY); the boards come with the
        # roll-up's one query of the expected boards.
        self.assertEqual(count(), 1)
        for n in range(5):
            board = Board.objects.create(
                organisation="Stockholms stad", name=f"Ny {n}", slug=f"ny-{n}", kind="facknamnd"
            )
            activity = activity_rows(DISTRICT).first().activity
            ActivityResponsibility.objects.create(activity=activity, board=board)
            report = Report.objects.create(period=self.world.period, board=board)
            ActivityStatus.objects.create(
                report=report,
                activity=activity,
                progress=Progress.STARTED,
                assessment=Assessment.OFF_TRACK,
            )
            report.state = ReportState.SUBMITTED
            report.save()
        self.assertEqual(count(), 1)
        rollup = period_rollup(self.world.programme, 2023, PeriodKind.T1)
        assert rollup.matrix is not None
        self.assertEqual(rollup.matrix.off_track, 6)


class ManyBoardsMatrixTests(TestCase):
    """Beyond MATRIX_SHOWN boards the matrix names those most off track, with the totals over
    every board and a link to every board's row, a page at a time, at the same queries."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        set_state(DISTRICT, ReportState.SUBMITTED)
        set_state(OTHER, ReportState.APPROVED)
        assess(DISTRICT, 1, Assessment.OFF_TRACK)

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def add_boards(self, n: int) -> None:
        activity = activity_rows(DISTRICT).first().activity
        for i in range(n):
            board = Board.objects.create(
                organisation="Stockholms stad", name=f"Ny {i}", slug=f"ny-{i}", kind="facknamnd"
            )
            ActivityResponsibility.objects.create(activity=activity, board=board)
            report = Report.objects.create(period=self.world.period, board=board)
            ActivityStatus.objects.create(
                report=report,
                activity=activity,
                progress=Progress.STARTED,
                assessment=Assessment.OFF_TRACK if i == 0 else Assessment.PARTLY,
            )
            report.state = ReportState.SUBMITTED
            report.save()

    def queries(self, url: str, params: dict[str, object] | None = None) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url, params).status_code, 200)
        return len(queries)

    def test_the_matrix_names_the_boards_most_off_track_and_links_to_them_all(self) -> None:
        matrix_rows = {"ar": 2023, "period": "T1", "visa": "matris"}
        before = (self.queries(URL), self.queries(reverse("dashboard-rows"), matrix_rows))
        self.assertNotContains(self.client.get(URL), "visa=matris")
        self.add_boards(MATRIX_SHOWN + 2 - 23)  # two boards more than the matrix shows
        self.assertEqual(
            (self.queries(URL), self.queries(reverse("dashboard-rows"), matrix_rows)), before
        )
        rollup = period_rollup(self.world.programme, 2023, PeriodKind.T1)
        matrix = rollup.matrix
        assert matrix is not None
        # The boards with rows "Ej enligt plan" first, then "Delvis enligt plan", then by
        # name (at most MATRIX_SHOWN; here five, the others have neither).
        self.assertEqual((len(matrix.rows), matrix.boards), (5, MATRIX_SHOWN + 2))
        self.assertTrue(matrix.partial)
        names = [row.board.board.name for row in matrix.rows]
        self.assertEqual(names[:2], ["Ny 0", "Rinkeby-Kista stadsdelsnämnd"])
        self.assertEqual(names[2], "Ny 1")
        # The totals are over every board, shown or not.
        self.assertEqual(matrix.off_track, 2)
        self.assertEqual(matrix.totals[0].partly, MATRIX_SHOWN + 2 - 23 - 1)
        response = self.client.get(URL)
        self.assertContains(response, f"Alla {MATRIX_SHOWN + 2} nämnder per mål, 50 i taget")
        self.assertContains(response, "visa=matris")
        # The page of them all: every expected board, by name, each cell a link.
        page = self.client.get(reverse("dashboard-rows"), matrix_rows)
        content = page.content.decode()
        self.assertEqual(content.count('<th scope="row">'), MATRIX_SHOWN + 2)
        self.assertLess(content.index("Bromma"), content.index("Ny 0"))
        self.assertContains(page, 'id="matris-legend"')
        self.assertContains(page, "Inte inskickad (utkast")


class FirstScreenTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        assess(DISTRICT, 1, Assessment.OFF_TRACK, Assessment.ON_TRACK)
        set_state(DISTRICT, ReportState.SUBMITTED)
        set_state(OTHER, ReportState.APPROVED)

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def test_the_first_screen_comes_before_the_details(self) -> None:
        content = self.client.get(URL).content.decode()
        order = [
            content.index('id="saknas"'),
            content.index('id="granska"'),
            content.index('id="andrat"'),
            content.index('id="matris"'),
            content.index('id="rapportering"'),
            content.index('id="mal-1"'),
        ]
        self.assertEqual(order, sorted(order))

    def test_waiting_for_review_lists_the_submitted_reports_only(self) -> None:
        response = self.client.get(URL)
        self.assertContains(
            response,
            '<h2 id="granska">Väntar på granskning'
            ' <span class="subtitle subtitle--inline">1</span></h2>',
            html=True,
        )
        self.assertContains(
            response, f'<a href="/rapporter/{self.world.report.pk}/#review">Rinkeby-Kista'
        )
        self.assertNotContains(response, f'href="/rapporter/{self.world.other_report.pk}/#review"')

    def test_missing_boards_are_overdue_by_their_reports_own_deadline(self) -> None:
        period = self.world.period
        bromma = Report.objects.get(period=period, board__slug="bromma-stadsdelsnamnd")
        Report.objects.filter(pk=bromma.pk).update(deadline=period.deadline + timedelta(days=3000))
        response = self.client.get(URL)
        # 21 missing, all overdue (the period's deadline passed in 2023) but Bromma.
        self.assertContains(response, "⚠ 20 försenade")
        content = response.content.decode()
        self.assertIn("Bromma stadsdelsnämnd</a></li>", content)
        self.assertIn(
            'AB Familjebostäder</a> <strong><span aria-hidden="true">⚠</span>'
            '<span class="visually-hidden">försenad</span></strong>',
            content,
        )

    def test_a_matrix_cell_opens_its_rows(self) -> None:
        content = self.client.get(URL).content.decode()
        board = Board.objects.get(slug=DISTRICT)
        href = next(
            h
            for h in re.findall(r'<a href="(/oversikt/rader/[^"]+)"><span aria-hidden', content)
            if f"namnd={board.pk}&amp;mal=1" in h
        )
        self.assertIn("✖1", content)
        self.assertIn("Rinkeby-Kista stadsdelsnämnd, mål 1: 1 enligt plan", content)
        rows = self.client.get(html.unescape(href))
        self.assertContains(rows, "Rinkeby-Kista stadsdelsnämnd")
        self.assertContains(rows, "Ej enligt plan")
        self.assertContains(rows, "Enligt plan")

    def test_the_matrix_is_a_table_with_headers_in_a_labelled_scroll_region(self) -> None:
        response = self.client.get(URL)
        self.assertContains(
            response,
            '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="matris">',
        )
        self.assertContains(response, '<th scope="row">Hela staden</th>')
        self.assertContains(response, '<th scope="col" class="num"><abbr title=')

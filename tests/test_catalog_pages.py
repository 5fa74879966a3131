from unittest import skipUnless

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardKind,
    Goal,
    Indicator,
    Prerequisite,
)
from catalog.selectors import INLINE_BOARDS
from catalog.services import programme_load
from tests.catalog_data import sodertalje_data, stockholm

SLUG = "stockholm-2021-2025"


def grow_catalog(extra_boards: int, prefix: str = "extra") -> None:
    """Add boards responsible for every activity, and prerequisites, so that a page that
    queried per row would show it in its query count."""
    boards = Board.objects.bulk_create(
        Board(
            organisation="Stockholms stad",
            name=f"{prefix.capitalize()} stadsdelsnämnd {n}",
            slug=f"{prefix}-{n}",
            kind=BoardKind.STADSDELSNAMND,
        )
        for n in range(extra_boards)
    )
    ActivityResponsibility.objects.bulk_create(
        ActivityResponsibility(activity=activity, board=board)
        for activity in Activity.objects.all()
        for board in boards
    )
    start = 1 + max(Prerequisite.objects.values_list("position", flat=True), default=0)
    Prerequisite.objects.bulk_create(
        Prerequisite(goal=goal, position=start + n, text=f"Extra förutsättning {n}")
        for goal in Goal.objects.all()
        for n in range(extra_boards)
    )


class CatalogPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = stockholm()

    def test_programme_list_links_the_programme_without_login(self) -> None:
        response = self.client.get(reverse("programme-list"))
        self.assertContains(response, '<html lang="sv">')
        self.assertContains(response, reverse("programme-detail", args=[SLUG]))
        self.assertContains(response, "Stockholms stad · 2021–2025 · 7 mål")

    def test_programme_page_shows_vision_and_goals(self) -> None:
        response = self.client.get(reverse("programme-detail", args=[SLUG]))
        self.assertContains(response, self.programme.vision)
        for goal in self.programme.goals.all():
            self.assertContains(response, reverse("goal-detail", args=[SLUG, goal.number]))
            self.assertContains(response, goal.title)
        self.assertContains(response, "3 förutsättningar · 8 aktiviteter · 2 indikatorer")

    def test_goal_page_shows_prerequisites_indicators_activities_and_responsibility(self) -> None:
        response = self.client.get(reverse("goal-detail", args=[SLUG, 4]))
        self.assertContains(response, "<h1>")
        self.assertContains(response, "Våldsutsatta vuxna och barn har tillgång till insatser")
        self.assertContains(
            response,
            "Staden samverkar med polis, åklagare, hälso- och sjukvården samt civilsamhället",
        )
        self.assertContains(
            response,
            "Skapa och implementera rutin för att säkra skolgång för barn i skyddat boende",
        )
        self.assertContains(response, "Socialnämnden, stadsdelsnämnderna och utbildningsnämnden")
        self.assertContains(response, "15 rapporterande enheter")
        self.assertContains(
            response, reverse("board-detail", args=[SLUG, "skarholmens-stadsdelsnamnd"])
        )

    def test_board_list_groups_boards_by_kind_with_commitment_counts(self) -> None:
        response = self.client.get(reverse("board-list", args=[SLUG]))
        content = response.content.decode()
        headings = ["Kommunstyrelsen", "Facknämnder", "Stadsdelsnämnder", "Bolagsstyrelser"]
        positions = [content.index(f">{heading}</h2>") for heading in headings]
        self.assertEqual(positions, sorted(positions))
        self.assertEqual(content.count('<th scope="row">'), 23)
        # Idrottsnämnden answers for one activity and no indicator.
        self.assertInHTML(
            '<tr><th scope="row"><a href="/program/stockholm-2021-2025/namnder/idrottsnamnden/">'
            'Idrottsnämnden</a></th><td class="num">1</td><td class="num">0</td></tr>',
            content,
        )

    def test_board_page_lists_only_the_boards_commitments_grouped_by_goal(self) -> None:
        response = self.client.get(reverse("board-detail", args=[SLUG, "kommunstyrelsen"]))
        self.assertContains(response, "Utveckla stöd till chefer i syfte att öka kunskapen om våld")
        self.assertContains(response, "Ansvariga: Kommunstyrelsen och socialnämnden")
        self.assertContains(response, "Mål 3")
        self.assertNotContains(response, "Mål 1</span>")
        self.assertNotContains(response, "Hjälpa till att sprida rapporter")

    def test_district_board_page_has_commitments_under_every_goal(self) -> None:
        response = self.client.get(
            reverse("board-detail", args=[SLUG, "rinkeby-kista-stadsdelsnamnd"])
        )
        for number in range(1, 8):
            self.assertContains(response, f'id="goal-{number}"')

    def test_unknown_programme_goal_or_board_is_404(self) -> None:
        for url in (
            reverse("programme-detail", args=["finns-inte"]),
            reverse("goal-detail", args=[SLUG, 8]),
            reverse("board-list", args=["finns-inte"]),
            reverse("board-detail", args=[SLUG, "finns-inte"]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_catalog_text_is_escaped(self) -> None:
        Activity.objects.filter(goal__number=7, position=1).update(
            text='<script>alert("x")</script>'
        )
        response = self.client.get(reverse("goal-detail", args=[SLUG, 7]))
        self.assertNotContains(response, "<script>")
        self.assertContains(response, "&lt;script&gt;")

    def test_pages_refuse_writes(self) -> None:
        response = self.client.post(reverse("programme-detail", args=[SLUG]))
        self.assertEqual(response.status_code, 405)


class SecondProgrammePageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme, _ = programme_load(data=sodertalje_data())

    def test_goal_page_speaks_the_programmes_own_terms(self) -> None:
        response = self.client.get(reverse("goal-detail", args=[self.programme.slug, 1]))
        self.assertContains(response, "Fokusområde 1")
        self.assertContains(response, '<th scope="col">Åtgärd</th>', html=False)
        self.assertContains(response, '<span class="activity-number">1:1</span>', html=True)
        self.assertContains(response, "Universell prevention")
        self.assertContains(response, "Socialnämnden</a> (medansvarig)")


class ResponsibleBoardsTests(TestCase):
    """A goal's page names the first boards of each item and counts the rest, so that it
    stays the same size however many boards share an activity; the rest are a page away."""

    @classmethod
    def setUpTestData(cls) -> None:
        stockholm()
        cls.activity = Activity.objects.get(goal__number=4, position=1, added_by__isnull=True)
        cls.list_url = reverse("responsible-list", args=[SLUG, 4, "aktiviteter", cls.activity.pk])

    def board_links(self, html: str) -> int:
        return html.count('href="/program/stockholm-2021-2025/namnder/')

    def test_district_boards_are_counted_as_their_group_with_a_link(self) -> None:
        response = self.client.get(reverse("goal-detail", args=[SLUG, 4]))
        self.assertContains(response, f"{self.list_url}?grupp=stadsdelsnamnderna")
        self.assertContains(response, "Stadsdelsnämnderna (13)")
        response = self.client.get(self.list_url, {"grupp": "stadsdelsnamnderna"})
        self.assertContains(response, "13 rapporterande enheter")
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd")
        self.assertNotContains(response, ">Socialnämnden<")

    def test_goal_page_does_not_grow_with_the_number_of_boards(self) -> None:
        goal_url = reverse("goal-detail", args=[SLUG, 4])
        grow_catalog(extra_boards=30)
        first = self.client.get(goal_url).content.decode()
        grow_catalog(extra_boards=200, prefix="more")
        cache.clear()  # bulk writes record no history, which the page's cache keys on
        second = self.client.get(goal_url).content.decode()
        self.assertEqual(self.board_links(first), self.board_links(second))
        count = self.activity.responsibilities.count()
        self.assertIn(f"Alla {count} rapporterande enheter", second)
        self.assertIn(f"{self.list_url}?grupp=stadsdelsnamnderna", second)

    def test_goal_page_names_the_boards_of_an_item_with_few(self) -> None:
        goal_url = reverse("goal-detail", args=[SLUG, 4])
        grow_catalog(extra_boards=INLINE_BOARDS - self.activity.responsibilities.count())
        response = self.client.get(goal_url)
        self.assertContains(response, f"{INLINE_BOARDS} rapporterande enheter")
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd")
        self.assertNotContains(response, f"Alla {INLINE_BOARDS} rapporterande enheter")

    def test_the_list_of_every_responsible_board_is_paged(self) -> None:
        grow_catalog(extra_boards=60)
        count = self.activity.responsibilities.count()
        first = self.client.get(self.list_url)
        self.assertContains(first, f"{count} rapporterande enheter")
        self.assertEqual(self.board_links(first.content.decode()), 50)
        self.assertContains(first, "Sida 1 av 2")
        last = self.client.get(self.list_url, {"sida": 2})
        self.assertEqual(self.board_links(last.content.decode()), count - 50)
        self.assertContains(self.client.get(self.list_url, {"sida": "x"}), "Sida 1 av 2")

    def test_unknown_kind_item_goal_or_group_is_404(self) -> None:
        indicator = Indicator.objects.filter(goal__number=4).first()
        for url, params in [
            (reverse("responsible-list", args=[SLUG, 4, "mal", self.activity.pk]), {}),
            (reverse("responsible-list", args=[SLUG, 4, "aktiviteter", 999999]), {}),
            (reverse("responsible-list", args=[SLUG, 3, "aktiviteter", self.activity.pk]), {}),
            (reverse("responsible-list", args=[SLUG, 4, "aktiviteter", indicator.pk]), {}),
            (self.list_url, {"grupp": "finns-inte"}),
        ]:
            with self.subTest(url=url, params=params):
                self.assertEqual(self.client.get(url, params).status_code, 404)


class CatalogQueryCountTests(TestCase):
    """Each page costs a fixed number of queries, however many boards and rows there are."""

    def assert_queries_constant(self, url: str, expected: int) -> None:
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(url).status_code, 200)
        grow_catalog(extra_boards=20)
        cache.clear()  # bulk writes record no history: what a page keeps is computed anew
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_programme_list(self) -> None:
        # programmes with goal counts
        self.assert_queries_constant(reverse("programme-list"), 1)

    def test_programme_page(self) -> None:
        # programme, goals with counts
        self.assert_queries_constant(reverse("programme-detail", args=[SLUG]), 2)

    def test_goal_page(self) -> None:
        # goal with programme; the catalog's last change; per kind of item: the items with
        # their number of boards, the boards of those with few, their boards per group;
        # prerequisites
        self.assert_queries_constant(reverse("goal-detail", args=[SLUG, 1]), 9)

    def test_goal_page_counts_its_boards_once_per_catalog_change(self) -> None:
        url = reverse("goal-detail", args=[SLUG, 4])
        self.client.get(url)
        # goal with programme; the catalog's last change; prerequisites
        with self.assertNumQueries(3):
            self.client.get(url)
        activity = Activity.objects.get(goal__number=4, position=1, added_by__isnull=True)
        activity.text = "Ny formulering av aktiviteten."
        activity.save()  # recorded in the catalog's history
        self.assertContains(self.client.get(url), "Ny formulering av aktiviteten.")

    def test_responsible_list(self) -> None:
        # item with goal and programme, count, one page of boards
        activity = Activity.objects.get(goal__number=4, position=1, added_by__isnull=True)
        url = reverse("responsible-list", args=[SLUG, 4, "aktiviteter", activity.pk])
        self.assert_queries_constant(url, 3)

    def test_board_list(self) -> None:
        # programme, the catalog's last change, the responsible boards in order, the page's
        # boards with their commitment counts
        self.assert_queries_constant(reverse("board-list", args=[SLUG]), 4)

    def test_board_list_finds_its_boards_once_per_catalog_change(self) -> None:
        url = reverse("board-list", args=[SLUG])
        self.client.get(url)
        # programme, the catalog's last change, the page's boards with their commitment counts
        with self.assertNumQueries(3):
            self.client.get(url)
        board = Board.objects.create(
            organisation="Stockholms stad",
            name="Nya nämnden",
            slug="nya-namnden",
            kind=BoardKind.FACKNAMND,
        )
        activity = Activity.objects.get(goal__number=4, position=1, added_by__isnull=True)
        ActivityResponsibility.objects.create(activity=activity, board=board)  # recorded
        response = self.client.get(url)
        self.assertContains(response, reverse("board-detail", args=[SLUG, board.slug]))
        self.assertEqual(response.content.decode().count('<th scope="row">'), 24)

    @skipUnless(connection.vendor == "sqlite", "counts the steps of SQLite's virtual machine")
    def test_board_list_reads_as_much_however_many_boards(self) -> None:
        """The page's queries do the same work with ten times the boards: none reads every
        board or every responsibility (a count over them took 15 ms a query at a hundred
        times Stockholm)."""
        url = reverse("board-list", args=[SLUG])

        def steps() -> int:
            cache.clear()  # bulk writes record no history: what the page keeps is found anew
            self.client.get(url)
            counted = [0]

            def step() -> int:
                counted[0] += 1
                return 0  # go on

            connection.ensure_connection()
            connection.connection.set_progress_handler(step, 10)
            try:
                self.assertEqual(self.client.get(url).status_code, 200)
            finally:
                connection.connection.set_progress_handler(None, 10)
            return counted[0]

        grow_catalog(extra_boards=30)
        few = steps()
        grow_catalog(extra_boards=300, prefix="more")
        self.assertLess(steps(), few * 1.2)

    def test_board_list_is_paged(self) -> None:
        grow_catalog(extra_boards=60)
        url = reverse("board-list", args=[SLUG])
        first = self.client.get(url).content.decode()
        self.assertEqual(first.count('<th scope="row">'), 50)
        self.assertIn("Sida 1 av 2", first)
        second = self.client.get(url, {"sida": 2}).content.decode()
        self.assertEqual(second.count('<th scope="row">'), 23 + 60 - 50)
        # The kinds keep their order across the pages: the housing companies come last.
        self.assertIn(">Bolagsstyrelser</h2>", second)
        self.assertNotIn(">Bolagsstyrelser</h2>", first)

    def test_board_page(self) -> None:
        # programme, board, goals, prerequisites, activities, indicators
        self.assert_queries_constant(
            reverse("board-detail", args=[SLUG, "farsta-stadsdelsnamnd"]), 6
        )

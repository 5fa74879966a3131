"""Search in what the boards wrote (issue 11, point 7): the samordnare and the city-wide
readers search a programme's comments, analyses, summaries and own items, narrowed by year,
period, goal, board and state; each hit links to its row. On SQLite every word must occur;
on PostgreSQL (DATABASE_URL=postgres://…) the Swedish full-text search runs, and the tests
marked for it below run there only."""

from unittest import skipUnless

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.services import programme_load
from dialogue.models import Comment, Thread
from followup.models import CityReader, Report, ReportingPeriod, ReportState
from followup.search import _snippet
from followup.services import own_item_add, period_open, periods_create
from tests.catalog_data import small_data
from tests.followup_data import build_world, user

URL = reverse("search")
ON_POSTGRES = skipUnless(connection.vendor == "postgresql", "PostgreSQL's full-text search")


class SearchTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="VB")
        cls.report, cls.other = cls.world.report, cls.world.other_report
        cls.activity = cls.report.activity_rows.order_by("pk").first()
        cls.activity.comment = "Vi har genomfört utbildning för all personal på boendet."
        cls.activity.save()
        cls.indicator = cls.other.indicator_rows.order_by("pk").first()
        cls.indicator.comment = "Siffran bygger på en enkät om utbildning."
        cls.indicator.save()
        cls.goal_row = cls.report.goal_rows.get(goal__number=2)
        cls.goal_row.analysis = "Samverkan med polisen fungerar väl."
        cls.goal_row.save()
        Report.objects.filter(pk=cls.other.pk).update(
            summary="Året präglades av samverkan och utbildning.", state=ReportState.SUBMITTED
        )
        own_item_add(
            report=cls.report,
            goal=cls.world.programme.goals.get(number=3),
            text="Egen kampanj om samtycke i skolan",
        )
        cls.city_reader = user("stadslasare")
        CityReader.objects.create(user=cls.city_reader, programme=cls.world.programme)

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def hits(self, **params: str) -> list[str]:
        """The hits' links, in order."""
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        return [
            part.split('"', 1)[0]
            for part in page.split('<p class="search-hit__where"><a href="')[1:]
        ]

    def link(self, report: Report, anchor: str) -> str:
        return f"{reverse('report-detail', args=[report.pk])}#{anchor}"


class SearchTests(SearchTestCase):
    def test_a_word_is_found_in_every_kind_of_text_and_each_hit_links_to_its_row(self) -> None:
        self.assertCountEqual(
            self.hits(q="utbildning"),
            [
                self.link(self.report, self.activity.prefix),
                self.link(self.other, self.indicator.prefix),
                self.link(self.other, "summary"),
            ],
        )
        self.assertEqual(self.hits(q="polisen"), [self.link(self.report, self.goal_row.prefix)])
        own = self.report.activity_rows.get(activity__text__startswith="Egen kampanj")
        self.assertEqual(self.hits(q="samtycke"), [self.link(self.report, own.prefix)])

    def test_a_comment_in_a_rows_thread_is_found_and_links_to_the_thread(self) -> None:
        thread = Thread.objects.create(report=self.report, row_kind="a", row_id=self.activity.pk)
        Comment.objects.create(
            thread=thread, author=self.world.coordinator, text="Hur många deltog i kursen?"
        )
        Comment.objects.create(thread=thread, author=self.world.reporter, kind="resolved")
        self.assertEqual(self.hits(q="deltog kursen"), [self.link(self.report, thread.anchor)])
        self.assertEqual(self.hits(q="deltog", mal="1"), [])  # a thread is under no goal

    def test_the_hit_names_board_period_and_row_and_marks_the_words(self) -> None:
        page = self.client.get(URL, {"q": "polisen"}).content.decode()
        self.assertIn(f"{self.report.board.name}, {self.report.period.label}: Mål 2:", page)
        self.assertIn("Analys · Utkast", page)
        self.assertIn("<mark>polisen</mark>", page)

    def test_what_a_board_wrote_is_shown_as_text_never_as_markup(self) -> None:
        self.activity.comment = '<script>alert("x")</script> om utbildning'
        self.activity.save()
        page = self.client.get(URL, {"q": "utbildning", "namnd": self.report.board.slug})
        text = page.content.decode()
        self.assertIn("<mark>utbildning</mark>", text)
        self.assertNotIn('<script>alert("x")', text)
        # PostgreSQL's headline leaves tags out; what is shown of them is escaped.
        if connection.vendor != "postgresql":
            self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", text)
        self.assertEqual(
            _snippet("<b>\x02polisen\x03</b> & co"),
            "&lt;b&gt;<mark>polisen</mark>&lt;/b&gt; &amp; co",
        )

    def test_each_filter_narrows_the_hits(self) -> None:
        everything = len(self.hits(q="utbildning"))
        self.assertEqual(everything, 3)
        self.assertEqual(len(self.hits(q="utbildning", namnd=self.other.board.slug)), 2)
        self.assertEqual(
            self.hits(q="utbildning", lage=ReportState.DRAFT),
            [self.link(self.report, self.activity.prefix)],
        )
        self.assertEqual(len(self.hits(q="utbildning", ar="2023", period="VB")), 3)
        self.assertEqual(self.hits(q="utbildning", ar="2022"), [])
        self.assertEqual(self.hits(q="utbildning", period="T1"), [])
        # Under a goal: the rows of that goal only; a summary is under none.
        goal = str(self.activity.activity.goal.number)
        self.assertEqual(
            self.hits(q="utbildning", mal=goal)[0], self.link(self.report, self.activity.prefix)
        )
        self.assertNotIn(self.link(self.other, "summary"), self.hits(q="utbildning", mal=goal))

    def test_a_filter_the_programme_does_not_have_narrows_nothing(self) -> None:
        self.assertEqual(len(self.hits(q="utbildning", ar="1999", mal="99", lage="x")), 3)

    def test_nothing_searched_shows_the_form_only(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, 'name="q"')
        self.assertNotContains(response, "träff")

    def test_another_programmes_reports_are_not_searched(self) -> None:
        small, _ = programme_load(data=small_data())
        periods_create(programme=small)
        period = ReportingPeriod.objects.filter(programme=small).order_by("year", "position")[0]
        period_open(period=period)
        row = Report.objects.filter(period=period).first().activity_rows.first()
        row.comment = "Utbildning i en annan kommun."
        row.save()
        self.assertEqual(len(self.hits(q="utbildning")), 3)
        self.assertEqual(len(self.hits(q="utbildning", program=small.slug)), 3)


class SearchAccessTests(SearchTestCase):
    def test_samordnare_and_city_wide_readers_search(self) -> None:
        for person in (self.world.coordinator, self.city_reader):
            client = Client()
            client.force_login(person)
            self.assertEqual(client.get(URL, {"q": "utbildning"}).status_code, 200)

    def test_boards_people_get_404(self) -> None:
        for person in (self.world.reporter, self.world.reader, self.world.other_reporter):
            client = Client()
            client.force_login(person)
            with self.subTest(person.username):
                self.assertEqual(client.get(URL, {"q": "utbildning"}).status_code, 404)

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = Client().get(URL, {"q": "utbildning"})
        self.assertEqual(response.status_code, 302)

    def test_the_menu_offers_search_to_city_wide_readers_only(self) -> None:
        client = Client()
        client.post(
            reverse("login"), {"username": "stadslasare", "password": "lösenord-för-test-1"}
        )
        self.assertContains(client.get(reverse("start")), f'href="{URL}"')
        self.client.force_login(self.world.reporter)
        self.assertNotContains(self.client.get(reverse("start")), f'href="{URL}"')


class SearchPagesTests(SearchTestCase):
    def queries(self, **params: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(URL, params).status_code, 200)
        return len(captured)

    def test_hits_come_twenty_a_page_at_the_same_cost(self) -> None:
        few = self.queries(q="utbildning")
        rows = list(self.report.activity_rows.order_by("pk")[1:26])
        for row in rows:
            row.comment = f"Utbildning nummer {row.pk}."
            row.save()
        # Reading: session and user, the programmes, the cycle, boards, goals, the count, the
        # page of hits, and one query per kind of text on the page.
        self.assertEqual(self.queries(q="utbildning"), few)
        first, second = self.hits(q="utbildning"), self.hits(q="utbildning", sida="2")
        self.assertEqual((len(first), len(second)), (20, 3 + 25 - 20))
        self.assertFalse(set(first) & set(second))
        page = self.client.get(URL, {"q": "utbildning", "namnd": self.report.board.slug})
        self.assertContains(page, "Sida 1 av 2")
        self.assertContains(page, f"namnd={self.report.board.slug}&amp;sida=2")


@ON_POSTGRES
class FullTextTests(SearchTestCase):
    def test_swedish_stemming_finds_other_forms_of_the_word(self) -> None:
        # "utbildningar" and "utbildning" share their stem in the Swedish configuration.
        self.assertEqual(len(self.hits(q="utbildningar")), 3)
        self.assertEqual(len(self.hits(q="samverkan polisen")), 1)

    def test_the_headline_marks_the_matching_words(self) -> None:
        page = self.client.get(URL, {"q": "fungerar"}).content.decode()
        self.assertIn("<mark>fungerar</mark>", page)

    def test_words_can_be_left_out_or_quoted(self) -> None:
        self.assertEqual(len(self.hits(q="utbildning -enkät")), 2)
        self.assertEqual(len(self.hits(q='"samverkan med polisen"')), 1)

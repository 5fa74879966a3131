"""The report's history page narrowed to one row or one person, a page at a time (issue 11,
point 7), at the same cost however long the history is."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup.history import history_stamp
from followup.models import Progress
from tests.followup_data import build_world


class HistoryFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="T1")
        cls.report = cls.world.report
        cls.first, cls.second = cls.report.activity_rows.order_by("pk")[:2]
        for row, person, text in (
            (cls.first, cls.world.reporter, "Första"),
            (cls.first, cls.world.coordinator, "Andra"),
            (cls.second, cls.world.reporter, "Tredje"),
        ):
            row.refresh_from_db()
            row.comment = text
            row.progress = Progress.ONGOING
            history_stamp(row, person)
            row.save()
        cls.url = reverse("report-history", args=[cls.report.pk])

    def setUp(self) -> None:
        self.client.force_login(self.world.reader)

    def comments(self, **params: str) -> list[str]:
        """The comments the changes shown set (the last cell of a change's row)."""
        page = self.client.get(self.url, params).content.decode()
        return [
            text
            for text in ("Första", "Andra", "Tredje")
            if f"<td>{text}</td>\n      </tr>" in page
        ]

    def test_a_row_chosen_shows_its_changes_only(self) -> None:
        self.assertEqual(self.comments(), ["Första", "Andra", "Tredje"])
        self.assertEqual(self.comments(rad=self.first.prefix), ["Första", "Andra"])
        self.assertEqual(self.comments(rad=self.second.prefix), ["Tredje"])

    def test_a_person_chosen_shows_their_changes_only(self) -> None:
        self.assertEqual(self.comments(vem=str(self.world.coordinator.pk)), ["Andra"])
        both = {"vem": str(self.world.reporter.pk), "rad": self.first.prefix}
        self.assertEqual(self.comments(**both), ["Första"])

    def test_the_choices_are_the_rows_and_people_in_the_history(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn(f'<option value="{self.first.prefix}">', page)
        self.assertIn(f'<option value="{self.world.coordinator.pk}">samordnare</option>', page)
        self.assertNotIn(f'<option value="{self.world.reader.pk}">', page)

    def test_an_unknown_choice_narrows_nothing(self) -> None:
        self.assertEqual(self.comments(rad="a0", vem="x"), ["Första", "Andra", "Tredje"])

    def test_each_change_links_to_its_row(self) -> None:
        self.assertContains(
            self.client.get(self.url),
            f'href="{reverse("report-detail", args=[self.report.pk])}#{self.second.prefix}"',
        )

    def test_fifty_changes_a_page_at_the_same_cost(self) -> None:
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url)
        row = self.first
        for n in range(60):
            row.refresh_from_db()
            row.comment = f"Ändring {n}"
            history_stamp(row, self.world.reporter)
            row.save()
        with CaptureQueriesContext(connection) as many:
            first = self.client.get(self.url).content.decode()
        self.assertEqual(len(many), len(few))
        self.assertIn("Sida 1 av 2", first)
        self.assertEqual(first.count("<tr>") - 1, 50)  # the header row and fifty changes
        second = self.client.get(self.url, {"rad": self.first.prefix, "sida": "2"}).content.decode()
        self.assertIn(f"rad={self.first.prefix}&amp;sida=1", second)

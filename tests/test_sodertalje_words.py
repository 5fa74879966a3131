"""Issue 15, "the programme's own words": Södertälje's pages say Fokusområde, Åtgärd,
årsberättelse and kommunen where Stockholm's say Mål, Aktivitet, verksamhetsberättelse and
staden, and leave out indicators, which the plan has none of."""

import re

from django.http import HttpResponse
from django.test import TestCase
from django.urls import reverse

from followup.models import BoardRole, Coordinator, Report
from followup.services import period_open, periods_create
from tests.catalog_data import load_sodertalje
from tests.followup_data import fill_report, user

BOARD = "sodertalje-overformyndarnamnden"


def text(response: HttpResponse) -> str:
    """The page as a reader sees it: tags and soft hyphens gone, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body.replace("&shy;", "").replace("&nbsp;", " "))


class SodertaljeOwnWordsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = load_sodertalje()
        periods_create(programme=cls.programme)
        ab = cls.programme.periods.get(year=2025, kind="AB")
        period_open(period=ab)
        annual = Report.objects.get(period=ab, board__slug=BOARD)
        fill_report(annual)
        annual.state = "inskickad"
        annual.save()
        cls.coordinator = user("samordnare-st")
        Coordinator.objects.create(user=cls.coordinator, programme=cls.programme)
        cls.reporter = user("rapportor-st", **{BOARD: BoardRole.REPORTER})
        cls.slug = cls.programme.slug

    def page(self, url: str, **params: str) -> str:
        self.client.force_login(self.coordinator)
        response = self.client.get(url, params, follow=True)
        self.assertEqual(response.status_code, 200, url)
        return text(response)

    def assert_no_stockholm_words(self, page: str, *words: str) -> None:
        for word in words:
            self.assertNotIn(word, page)

    def test_the_midterm_pages_speak_of_focus_areas_and_arsberattelser(self) -> None:
        for url in (
            reverse("midterm", args=[self.slug]),
            reverse("midterm-edit", args=[self.slug, 2025]),
            reverse("midterm-preview", args=[self.slug, 2025]),
        ):
            page = self.page(url)
            self.assertIn("Fokusområde 1", page)
            self.assertIn("årsberättelse", page)
            self.assert_no_stockholm_words(
                page,
                "Mål 1",
                "Spara mål",
                "verksamhetsberättelse",
                "Verksamhetsberättelse",
                "aktiviteterna",
                "Aktiviteter igång",
                "indikator",
                "målet",
            )
        edit = self.page(reverse("midterm-edit", args=[self.slug, 2025]))
        self.assertIn("Nuläget bygger på årsberättelserna 2025", edit)
        self.assertIn("Spara fokusområde 1: vad är på plats", edit)
        self.assertIn("åtgärderna har kommit igång", edit)
        preview = self.page(reverse("midterm-preview", args=[self.slug, 2025]))
        self.assertIn("Årsberättelser Åtgärder igång", preview)
        self.assertIn("Fokusområden helt uppfyllda", preview)
        self.assertIn("För att nå fokusområdet behöver", preview)
        self.assertIn("Inga analyser har skickats in för fokusområdet", preview)

"""The samlad uppföljning: live figures as a draft, narratives, frozen when final."""

import re
from io import BytesIO
from unittest import mock
from zipfile import ZipFile

from concurrency.forms import get_signer
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import IndicatorKind
from followup.city import city_followup_finalise, figures_summary, goal_analyses
from followup.final import document_reopen
from followup.models import (
    CityFollowup,
    CityReader,
    FollowupState,
    IndicatorOutcome,
    Report,
)
from followup.rollup import year_figures
from followup.services import CREATED_VERSION, report_review, report_submit
from tests.followup_data import build_world, fill_report, user

SLUG = "stockholm-2021-2025"


def without_tokens(content: bytes) -> bytes:
    """A page without its per-request tokens (CSRF, nonces), to compare two drawings."""
    return re.sub(rb"[A-Za-z0-9_+/=-]{32,}", b"", content)


def page_url(year: int = 2023) -> str:
    return reverse("city-followup", args=[SLUG, year])


class CityFollowupTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="VB")
        for report, reporter in (
            (cls.world.report, cls.world.reporter),
            (cls.world.other_report, cls.world.other_reporter),
        ):
            fill_report(report)
            report_submit(report=report, user=reporter, on_behalf=False)
            report_review(report=report, user=cls.world.coordinator, approve=True, comment="")
        cls.analyst = user("analytiker")
        CityReader.objects.create(user=cls.analyst, programme=cls.world.programme)

    def save(self, part: str, text: str) -> object:
        # Before the first save there is no draft: the page's forms carry CREATED_VERSION.
        followup = CityFollowup.objects.filter(year=2023).first()
        if followup is None:
            version = CREATED_VERSION
        elif part == "helhet":
            version = followup.version
        else:
            version = followup.goals.get(goal__number=int(part)).version
        prefix = "helhet" if part == "helhet" else f"mal{part}"
        return self.client.post(
            reverse("city-followup-save", args=[SLUG, 2023, part]),
            {f"{prefix}-narrative": text, f"{prefix}-version": get_signer().sign(version)},
            follow=True,
        )

    def test_coordinator_sees_live_figures_built_from_the_reports(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(page_url())
        self.assertContains(response, "Samlad uppföljning 2023")
        self.assertContains(response, "siffrorna är preliminära")
        self.assertContains(response, "2 av 23 nämnder har rapporterat")
        # Both district boards reported 3 of 4 on the share indicators: 6 of 8 city-wide.
        self.assertContains(response, "6 av 8 (75,0\u00a0%)")
        self.assertContains(response, "Delvis på plats.")

    def test_only_city_wide_readers_see_it_and_only_the_coordinator_writes(self) -> None:
        self.client.force_login(self.world.reporter)
        self.assertEqual(self.client.get(page_url()).status_code, 404)
        self.client.force_login(self.analyst)
        response = self.client.get(page_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Gör den samlade uppföljningen slutlig")
        response = self.client.post(reverse("city-followup-save", args=[SLUG, 2023, "helhet"]))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(CityFollowup.objects.exists())

    def test_gor_slutlig_asks_first_on_a_page_of_its_own(self) -> None:
        confirm_url = reverse("city-followup-final-confirm", args=[SLUG, 2023])
        self.client.force_login(self.world.coordinator)
        self.assertContains(self.client.get(page_url()), f'href="{confirm_url}"')
        # Before every narrative is written the page says what is missing and offers no button.
        response = self.client.get(confirm_url)
        self.assertContains(response, "Skriv först: Samlad bedömning för hela programmet")
        self.assertNotContains(response, 'type="submit" class="button">Gör den')
        self.save("helhet", "Arbetet går framåt i hela staden.")
        for number in range(1, 8):
            self.save(str(number), f"Bedömning av mål {number}.")
        response = self.client.get(confirm_url)
        self.assertContains(response, "Siffrorna låses som de är nu.")
        self.assertContains(response, "Det går inte att ångra.")
        self.assertContains(
            response, f'action="{reverse("city-followup-final", args=[SLUG, 2023])}"'
        )
        self.assertEqual(CityFollowup.objects.get(year=2023).state, FollowupState.DRAFT)
        self.client.force_login(self.analyst)
        self.assertEqual(self.client.get(confirm_url).status_code, 403)

    def test_final_needs_every_narrative_then_freezes_the_figures(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.post(reverse("city-followup-final", args=[SLUG, 2023]), follow=True)
        self.assertContains(response, "Skriv först: Samlad bedömning för hela programmet")

        self.assertContains(
            self.save("helhet", "Arbetet går framåt i hela staden."), "Texten är sparad."
        )
        for number in range(1, 8):
            self.save(str(number), f"Bedömning av mål {number}.")
        response = self.client.post(reverse("city-followup-final", args=[SLUG, 2023]), follow=True)
        self.assertContains(response, "Den samlade uppföljningen är slutlig.")
        followup = CityFollowup.objects.get(year=2023)
        self.assertEqual(followup.state, FollowupState.FINAL)
        self.assertEqual(followup.finalised_by, self.world.coordinator)

        # A report corrected afterwards does not change the final document.
        IndicatorOutcome.objects.filter(
            report=self.world.report, indicator__kind=IndicatorKind.SHARE
        ).update(numerator=4)
        response = self.client.get(page_url())
        self.assertContains(response, "6 av 8 (75,0\u00a0%)")
        self.assertContains(response, "Arbetet går framåt i hela staden.")
        self.assertNotContains(response, "Spara bedömningen")

    def test_stale_narrative_save_is_refused_and_keeps_the_text(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.client.get(page_url())
        stale = get_signer().sign(CREATED_VERSION)  # the page drawn before anyone wrote
        self.save("helhet", "Första versionen.")
        response = self.client.post(
            reverse("city-followup-save", args=[SLUG, 2023, "helhet"]),
            {"helhet-narrative": "Min text", "helhet-version": stale},
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Första versionen.", status_code=409)
        self.assertContains(response, "Min text", status_code=409)

    def test_a_year_without_annual_report_period_is_404(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.assertEqual(self.client.get(page_url(2030)).status_code, 404)

    def test_the_page_quotes_one_page_of_analyses_and_links_to_the_rest(self) -> None:
        first, second = sorted([self.world.report.board.name, self.world.other_report.board.name])
        self.client.force_login(self.analyst)
        with mock.patch("followup.views.city.ANALYSES_PER_PAGE", 1):
            response = self.client.get(page_url())
            self.assertContains(response, f"<dt>{first} (delvis uppfyllt)</dt>")
            self.assertNotContains(response, f"<dt>{second} (delvis uppfyllt)</dt>")
            analyses = reverse("city-followup-analyses", args=[SLUG, 2023, 1])
            self.assertContains(response, f'<a href="{analyses}">Alla 2 analyser för mål 1</a>')
            later = self.client.get(analyses, {"sida": "2"})
        self.assertContains(later, f"<dt>{second} (delvis uppfyllt)</dt>")
        self.assertNotContains(later, f"<dt>{first} (delvis uppfyllt)</dt>")
        self.assertContains(later, "Sida 2 av 2")
        self.assertContains(later, 'rel="prev"')

    def test_analyses_page_is_for_the_pages_readers_and_a_real_goal(self) -> None:
        analyses = reverse("city-followup-analyses", args=[SLUG, 2023, 1])
        for person in (self.world.reporter, self.world.reader):
            self.client.force_login(person)
            self.assertEqual(self.client.get(analyses).status_code, 404)
        self.client.force_login(self.world.coordinator)
        missing = reverse("city-followup-analyses", args=[SLUG, 2023, 99])
        self.assertEqual(self.client.get(missing).status_code, 404)
        # A page number that is not one shows the first page, not an error.
        response = self.client.get(analyses, {"sida": "x"})
        self.assertContains(response, "2 analyser i 2023 års samlade uppföljning.")

    def test_the_page_quotes_the_first_boards_values_and_links_to_the_rest(self) -> None:
        self.client.force_login(self.analyst)
        with mock.patch("followup.views.city.VALUES_INLINE", 1):
            response = self.client.get(page_url())
        goal, indicator = next(
            (goal, each)
            for goal in response.context["figures"]["goals"]
            for each in goal["indicators"]
            if len(each["boards"]) > 1
        )
        first, second = (entry["board"] for entry in indicator["boards"][:2])
        url = reverse("city-followup-values", args=[SLUG, 2023, goal["number"], indicator["id"]])
        count = len(indicator["boards"])
        self.assertContains(response, f'<a href="{url}">Alla {count} nämnders värden</a>')
        self.assertContains(response, f"<li>{first}: ")
        with mock.patch("followup.views.city.VALUES_PER_PAGE", 1):
            later = self.client.get(url, {"sida": "2"})
        self.assertContains(later, f"<li>{second}: ")
        self.assertNotContains(later, f"<li>{first}: ")
        self.assertContains(later, f"Sida 2 av {count}")
        for person in (self.world.reporter, self.world.reader):
            self.client.force_login(person)
            self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.world.coordinator)
        missing = reverse("city-followup-values", args=[SLUG, 2023, goal["number"], 999999])
        self.assertEqual(self.client.get(missing).status_code, 404)
        with self.assertNumQueries(ANALYSES_PAGE_QUERIES):  # as the analyses' page
            self.client.get(url)

    def finalised(self) -> CityFollowup:
        self.client.force_login(self.world.coordinator)
        self.save("helhet", "Arbetet går framåt i hela staden.")
        for number in range(1, 8):
            self.save(str(number), f"Bedömning av mål {number}.")
        return city_followup_finalise(
            followup=CityFollowup.objects.get(year=2023), user=self.world.coordinator
        )

    def test_summary_keeps_the_city_wide_figures_and_the_first_boards(self) -> None:
        figures = year_figures(self.world.programme, 2023)
        with (
            mock.patch("followup.city.VALUES_INLINE", 1),
            mock.patch("followup.city.ANALYSES_PER_PAGE", 1),
        ):
            summary = figures_summary(figures)
        self.assertNotIn("boards", summary)
        self.assertEqual(summary["completeness"], figures["completeness"])
        goal, full = summary["goals"][0], figures["goals"][0]
        self.assertEqual(goal["activities"], full["activities"])
        indicator, values = goal["indicators"][0], full["indicators"][0]["boards"]
        self.assertEqual(indicator["value"], full["indicators"][0]["value"])
        self.assertEqual(indicator["boards"], values[:1])
        self.assertEqual(indicator["boards_count"], len(values))
        self.assertEqual(goal["analyses"], goal_analyses(full)[:1])
        self.assertEqual(goal["analyses_count"], 2)
        for bucket in goal["fulfilment"]["by_fulfilment"].values():
            self.assertNotIn("rows", bucket)  # the analyses are in "analyses"
            self.assertIn("count", bucket)

    def test_final_page_reads_the_frozen_summary_not_every_boards_figures(self) -> None:
        followup = self.finalised()
        self.assertEqual(followup.summary, figures_summary(followup.figures))
        self.client.force_login(self.analyst)
        drawn = without_tokens(self.client.get(page_url()).content)
        # Without the per-board figures the page is the same: it never reads them
        # (publishing, the PDF and the paged lists do).
        CityFollowup.objects.filter(pk=followup.pk).update(figures={"goals": []})
        with self.assertNumQueries(FINAL_PAGE_QUERIES):
            response = self.client.get(page_url())
        self.assertEqual(without_tokens(response.content), drawn)
        self.assertContains(response, "6 av 8 (75,0\u00a0%)")
        first = sorted([self.world.report.board.name, self.world.other_report.board.name])[0]
        self.assertContains(response, f"<dt>{first} (delvis uppfyllt)</dt>")

    def test_final_page_query_count_does_not_grow_with_reports(self) -> None:
        followup = self.finalised()
        self.client.force_login(self.analyst)
        with self.assertNumQueries(FINAL_PAGE_QUERIES):
            self.client.get(page_url())
        document_reopen(followup)
        report = Report.objects.filter(period=self.world.period, state="utkast").first()
        fill_report(report)
        report_submit(report=report, user=self.world.coordinator, on_behalf=True)
        report_review(report=report, user=self.world.coordinator, approve=True, comment="")
        followup = city_followup_finalise(
            followup=CityFollowup.objects.get(year=2023), user=self.world.coordinator
        )
        self.assertEqual(followup.summary["completeness"]["reported"], 3)
        with self.assertNumQueries(FINAL_PAGE_QUERIES):
            self.client.get(page_url())

    def test_reopening_clears_the_summary_and_the_page_follows_the_reports(self) -> None:
        followup = self.finalised()
        document_reopen(followup)
        followup.refresh_from_db()
        self.assertIsNone(followup.summary)
        IndicatorOutcome.objects.filter(
            report=self.world.report, indicator__kind=IndicatorKind.SHARE
        ).update(numerator=4)
        self.client.force_login(self.world.coordinator)
        self.assertNotContains(self.client.get(page_url()), "6 av 8 (75,0\u00a0%)")

    def test_analyses_page_query_count_does_not_grow_with_reports(self) -> None:
        self.client.force_login(self.world.coordinator)
        analyses = reverse("city-followup-analyses", args=[SLUG, 2023, 1])
        with self.assertNumQueries(ANALYSES_PAGE_QUERIES):
            self.client.get(analyses)
        fill_report(Report.objects.filter(period=self.world.period, state="utkast").first())
        with self.assertNumQueries(ANALYSES_PAGE_QUERIES):
            self.client.get(analyses)

    def test_page_query_count_does_not_grow_with_reports(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.save("helhet", "Skriven, så att utkastet finns.")
        with self.assertNumQueries(CITY_PAGE_QUERIES):
            self.client.get(page_url())
        fill_report(
            self.world.report.__class__.objects.filter(
                period=self.world.period, state="utkast"
            ).first()
        )
        with self.assertNumQueries(CITY_PAGE_QUERIES):
            self.client.get(page_url())

    def test_excel_download_has_the_figures_and_keeps_formulas_as_text(self) -> None:
        followup = CityFollowup.objects.get_or_create(programme=self.world.programme, year=2023)[0]
        CityFollowup.objects.filter(pk=followup.pk).update(narrative='=HYPERLINK("http://x")')
        self.client.force_login(self.analyst)
        response = self.client.get(reverse("city-followup-xlsx", args=[SLUG, 2023]))
        content = b"".join(response.streaming_content)
        workbook = load_workbook(BytesIO(content))
        values = [
            cell for row in workbook["Indikatorer"].iter_rows(values_only=True) for cell in row
        ]
        self.assertIn("6 av 8 (75,0\u00a0%)", values)
        summary = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(values_only=True)}
        self.assertEqual(summary["Samlad bedömning"], '=HYPERLINK("http://x")')
        with ZipFile(BytesIO(content)) as archive:
            sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
            self.assertFalse(any(b"<f>" in archive.read(name) for name in sheets))
        self.client.force_login(self.world.reporter)
        response = self.client.get(reverse("city-followup-xlsx", args=[SLUG, 2023]))
        self.assertEqual(response.status_code, 404)


# session, user, the programme (city-wide, with whether the user writes), the document; the
# roll-up's figures (rollup.year_figures: periods, reports per period and state, the
# responsible boards (for the years not yet opened), goals, activity and goal tallies,
# indicator responsibilities, sums and the indicators, then whether the period has reports,
# the boards, indicator rows, own indicators and analyses); the document's goal narratives
# and the programme's goals; the header's unread notifications
CITY_PAGE_QUERIES = 21
# The same without the document's goal narratives and the programme's goals (no forms).
ANALYSES_PAGE_QUERIES = 19
# A final document's page: the figures are its frozen summary, not the roll-up's queries.
FINAL_PAGE_QUERIES = 8

"""Publishing a final samlad uppföljning or halvtidsrapport: who may, what the snapshot
holds and keeps, corrections, unpublishing; the public pages and open data built from it."""

import csv
import hashlib
import io
import json
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from weasyprint import HTML

from followup.city import city_followup_finalise, city_followup_get
from followup.final import document_reopen
from followup.models import (
    CityFollowup,
    DocumentKind,
    FollowupState,
    GeneratedDocument,
    IndicatorOutcome,
)
from followup.services import FollowupError
from followup.views.jobs import offer_url
from publishing.models import Publication, PublicationImmutable, PublicationKind
from publishing.services import PDF_FIRST, publication_publish, publication_withdraw
from tests.document_jobs import ask, media
from tests.followup_data import DISTRICT
from tests.publishing_data import SLUG, YEAR, publishing_world, write_narratives
from tests.url_walk import routes, walk_world

PDF = b"%PDF-1.7 publicerad"
SAMLAD = PublicationKind.CITY_FOLLOWUP


def no_layout() -> mock._patch:
    # WeasyPrint's layout is the documents' tests' business; here the bytes only travel.
    return mock.patch.object(HTML, "write_pdf", return_value=PDF)


def pdf_offer_url(year: int = YEAR) -> str:
    """Where the samordnare has the samlad uppföljning's PDF made (by the task worker)."""
    return offer_url(DocumentKind.CITY_FOLLOWUP, SLUG, year)


def publish_url(kind: str = SAMLAD, year: int = YEAR) -> str:
    return reverse("publishing-publish", args=[SLUG, kind, year])


def year_url(year: int = YEAR) -> str:
    return reverse("results-year", args=[SLUG, year])


@media
class PublishingFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.data = publishing_world()
        cls.world = cls.data.world

    def make_pdf(self) -> None:
        with no_layout():
            self.assertEqual(ask(self, self.client, pdf_offer_url()).status_code, 302)

    def publish(self, **data: str) -> object:
        """Have the PDF made, as the confirmation page asks, then publish."""
        self.client.force_login(self.world.coordinator)
        self.make_pdf()
        with mock.patch.object(HTML, "write_pdf", side_effect=AssertionError("laid out")):
            return self.client.post(publish_url(), data)

    def test_publishing_copies_the_pdf_the_task_worker_made_and_lays_out_nothing(self) -> None:
        self.client.force_login(self.world.coordinator)
        # No PDF yet: the page links to where it is made and offers no button.
        page = self.client.get(publish_url())
        self.assertContains(page, f'href="{pdf_offer_url()}"')
        self.assertContains(page, "Gör PDF:en av samlad uppföljning 2023")
        self.assertNotContains(page, "Publicera samlad uppföljning 2023</button>")
        refused = self.client.post(publish_url())
        self.assertContains(refused, PDF_FIRST, status_code=422)
        self.assertFalse(Publication.objects.exists())
        # Made: the page names it, and publishing copies exactly its bytes (`publish` fails
        # if anything is laid out in the request).
        self.make_pdf()
        made = GeneratedDocument.objects.get(kind=DocumentKind.CITY_FOLLOWUP)
        self.assertContains(self.client.get(publish_url()), made.filename)
        self.assertRedirects(self.publish(), reverse("publishing", args=[SLUG]))
        publication = Publication.objects.get()
        with made.file.open("rb") as file:
            self.assertEqual(publication.pdf_sha256, hashlib.sha256(file.read()).hexdigest())

    def test_a_pdf_made_before_the_document_changed_is_not_published(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.make_pdf()
        document_reopen(self.data.followup)  # a draft again: its PDF was of the final one
        followup = city_followup_get(programme=self.world.programme, year=YEAR)
        city_followup_finalise(followup=followup, user=self.world.coordinator)
        response = self.client.post(publish_url())
        self.assertContains(response, PDF_FIRST, status_code=422)
        self.assertFalse(Publication.objects.exists())

    def test_confirmation_shows_what_becomes_public_before_anything_is(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(publish_url())
        self.assertContains(response, "Det här blir offentligt")
        self.assertContains(response, "Arbetet går framåt.")
        self.assertContains(response, "färre än 5")
        self.assertContains(response, "Publicera samlad uppföljning 2023")
        self.assertFalse(Publication.objects.exists())

    def test_the_samordnare_publishes_a_final_document_as_version_one(self) -> None:
        response = self.publish()
        self.assertRedirects(response, reverse("publishing", args=[SLUG]))
        publication = Publication.objects.get()
        self.assertEqual(
            (publication.kind, publication.year, publication.number), (SAMLAD, YEAR, 1)
        )
        self.assertEqual(publication.published_by, self.world.coordinator)
        self.assertEqual(publication.figures, self.data.followup.figures)
        self.assertEqual(publication.narrative["overall"], "Arbetet går framåt.")
        with publication.pdf.open("rb") as stored:
            self.assertEqual(stored.read(), PDF)
        page = self.client.get(reverse("publishing", args=[SLUG]))
        self.assertContains(page, "Version 1")

    def test_the_overview_costs_the_same_queries_whatever_is_published(self) -> None:
        self.client.force_login(self.world.coordinator)
        # 1. the session, 2. the user, 3. the programme with the user's standing, 4. the
        # samlade uppföljningar, 5. the halvtidsrapporter, 6. every publication with who,
        # 7. the header's unread notifications.
        with self.assertNumQueries(7):
            self.client.get(reverse("publishing", args=[SLUG]))
        self.publish()
        self.publish_again()
        with self.assertNumQueries(7):
            response = self.client.get(reverse("publishing", args=[SLUG]))
        self.assertContains(response, "Version 2")

    def publish_again(self) -> None:

        document_reopen(CityFollowup.objects.get())
        city_followup_finalise(followup=CityFollowup.objects.get(), user=self.world.coordinator)
        self.publish(note="Rättat.")

    def test_nobody_else_may_publish_or_unpublish(self) -> None:
        for person, status in (
            (self.world.reporter, 404),
            (self.world.reader, 404),
            (self.data.analyst, 403),
        ):
            self.client.force_login(person)
            with no_layout():
                self.assertEqual(self.client.get(publish_url()).status_code, status)
                self.assertEqual(self.client.post(publish_url()).status_code, status)
                withdraw = reverse("publishing-withdraw", args=[SLUG, SAMLAD, YEAR])
                self.assertEqual(self.client.post(withdraw, {"reason": "x"}).status_code, status)
                self.assertEqual(
                    self.client.get(reverse("publishing", args=[SLUG])).status_code, status
                )
        self.client.logout()
        self.assertEqual(self.client.post(publish_url()).status_code, 302)  # to the login
        self.assertFalse(Publication.objects.exists())

    def test_a_draft_is_never_published(self) -> None:
        document_reopen(self.data.followup)
        response = self.publish()
        self.assertContains(response, "är inte slutlig", status_code=422)
        self.assertNotContains(response, "Det här blir offentligt", status_code=422)
        self.assertFalse(Publication.objects.exists())

    def test_an_unknown_kind_is_404(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.assertEqual(
            self.client.get(reverse("publishing-publish", args=[SLUG, "annat", YEAR])).status_code,
            404,
        )

    def test_the_snapshot_does_not_follow_later_changes(self) -> None:
        self.publish()
        publication = Publication.objects.get()
        self.client.logout()
        before = self.client.get(year_url()).content
        # A report corrected afterwards, the document reopened and rewritten.
        IndicatorOutcome.objects.filter(report=self.world.report).update(numerator=1)
        document_reopen(city_followup_get(programme=self.world.programme, year=YEAR))
        write_narratives(CityFollowup.objects.get(), "Helt ny text.")
        publication.refresh_from_db()
        self.assertEqual(publication.narrative["overall"], "Arbetet går framåt.")
        self.assertEqual(publication.figures, self.data.followup.figures)
        self.client.logout()
        after = self.client.get(year_url())
        self.assertNotContains(after, "Helt ny text.")
        self.assertContains(after, "Arbetet går framåt.")
        self.assertEqual(before, after.content)

    def test_a_published_version_refuses_to_change(self) -> None:
        self.publish()
        publication = Publication.objects.get()
        publication.narrative = {"overall": "Ändrat"}
        with self.assertRaises(PublicationImmutable):
            publication.save()
        publication.refresh_from_db()
        self.assertEqual(publication.narrative["overall"], "Arbetet går framåt.")

    def test_a_correction_is_a_new_version_with_a_note_and_the_old_is_superseded(self) -> None:
        self.publish()
        # The same final document cannot be published twice.
        with no_layout(), self.assertRaisesMessage(FollowupError, "redan publicerad"):
            publication_publish(
                programme=self.world.programme, kind=SAMLAD, year=YEAR, user=self.world.coordinator
            )
        reopen = reverse("publishing-reopen", args=[SLUG, SAMLAD, YEAR])
        self.assertRedirects(self.client.post(reopen), reverse("publishing", args=[SLUG]))
        followup = CityFollowup.objects.get()
        self.assertEqual(followup.state, FollowupState.DRAFT)
        write_narratives(followup, "Rättad text.")

        city_followup_finalise(followup=followup, user=self.world.coordinator)
        # Without a note: refused in place, nothing published.
        response = self.publish()
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Skriv vad som är rättat", status_code=422)
        self.assertEqual(Publication.objects.count(), 1)
        self.publish(note="Texten om mål 1 var fel.")
        self.assertEqual(list(Publication.objects.values_list("number", flat=True)), [1, 2])

        self.client.logout()
        current = self.client.get(year_url())
        self.assertContains(current, "Rättad text.")
        self.assertContains(current, "Texten om mål 1 var fel.")
        old = self.client.get(reverse("results-version", args=[SLUG, YEAR, 1]))
        self.assertEqual(old.status_code, 200)
        self.assertContains(old, "Ersatt")
        self.assertContains(old, "Arbetet går framåt.")
        self.assertNotContains(old, "Rättad text.")
        pdf = self.client.get(reverse("results-pdf", args=[SLUG, YEAR, SAMLAD, 1]))
        self.assertEqual(pdf.status_code, 200)

    def test_unpublishing_needs_a_reason_is_recorded_and_hides_everything(self) -> None:
        self.publish()
        withdraw = reverse("publishing-withdraw", args=[SLUG, SAMLAD, YEAR])
        response = self.client.post(withdraw, {"reason": "  "})
        self.assertEqual(response.status_code, 422)
        self.assertIsNone(Publication.objects.get().withdrawn_at)
        self.assertRedirects(
            self.client.post(withdraw, {"reason": "Fel underlag från en nämnd."}),
            reverse("publishing", args=[SLUG]),
        )
        publication = Publication.objects.get()
        self.assertEqual(publication.withdrawn_reason, "Fel underlag från en nämnd.")
        self.assertEqual(publication.withdrawn_by, self.world.coordinator)
        self.assertContains(
            self.client.get(reverse("publishing", args=[SLUG])), "Fel underlag från en nämnd."
        )
        self.client.logout()
        for url in (
            year_url(),
            reverse("results-board", args=[SLUG, YEAR, DISTRICT]),
            reverse("results-pdf", args=[SLUG, YEAR, SAMLAD, 1]),
            reverse("api-results-year", args=[SLUG, YEAR]),
            reverse("api-results-csv", args=[SLUG, YEAR]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        listing = self.client.get(reverse("api-results", args=[SLUG])).json()
        self.assertEqual(listing["years"], [])


@media
class PublicResultsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.data = publishing_world()
        cls.world = cls.data.world
        with no_layout():
            cls.publication = publication_publish(
                programme=cls.world.programme,
                kind=SAMLAD,
                year=YEAR,
                user=cls.world.coordinator,
                make_missing_pdf=True,
            )

    def test_anyone_reads_the_published_year_from_the_programme_page(self) -> None:
        programme = self.client.get(reverse("programme-detail", args=[SLUG]))
        self.assertContains(programme, reverse("results-index", args=[SLUG]))
        index = self.client.get(reverse("results-index", args=[SLUG]))
        self.assertContains(index, year_url())
        page = self.client.get(year_url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Samlad bedömning")
        self.assertContains(page, "Arbetet går framåt. Per mål.")
        self.assertContains(page, reverse("results-pdf", args=[SLUG, YEAR, SAMLAD, 1]))
        self.assertContains(page, reverse("results-board", args=[SLUG, YEAR, DISTRICT]))
        self.assertContains(page, "Små tal:")

    def test_small_numbers_are_hidden_and_the_total_that_would_give_one_away(self) -> None:
        page = self.client.get(year_url())
        # 3 of 4 (one board) + 10 of 20 (the other): the total 13 of 24 would give the 3.
        self.assertContains(page, "färre än 5")
        self.assertNotContains(page, "13 av 24")
        self.assertNotContains(page, "3 av 4")
        board = self.client.get(reverse("results-board", args=[SLUG, YEAR, DISTRICT]))
        self.assertContains(board, "färre än 5")
        self.assertNotContains(board, "3 av 4")

    def test_internal_pages_keep_the_exact_figures(self) -> None:
        self.client.force_login(self.world.coordinator)
        page = self.client.get(reverse("city-followup", args=[SLUG, YEAR]))
        self.assertContains(page, "13 av 24")

    def test_no_board_free_text_reaches_the_public_pages(self) -> None:
        for url in (year_url(), reverse("results-board", args=[SLUG, YEAR, DISTRICT])):
            response = self.client.get(url)
            self.assertNotContains(response, "Delvis på plats.")  # the boards' analyses
            self.assertNotContains(response, "Arbetet pågår.")  # the boards' comments

    def test_a_boards_styrkort_shows_the_status_as_published(self) -> None:
        board = self.client.get(reverse("results-board", args=[SLUG, YEAR, DISTRICT]))
        self.assertContains(board, "Pågår löpande")
        self.assertContains(board, "Enligt plan")
        self.assertContains(board, "Delvis uppfyllt")
        # The report changes afterwards; the published styrkort does not.
        self.world.report.activity_rows.update(progress="genomford")
        board = self.client.get(reverse("results-board", args=[SLUG, YEAR, DISTRICT]))
        self.assertNotContains(board, "Genomförd")

    def test_unpublished_years_drafts_and_unknown_boards_are_404(self) -> None:
        for url in (
            year_url(2022),
            reverse("results-version", args=[SLUG, YEAR, 2]),
            reverse("results-board", args=[SLUG, YEAR, "ingen-sadan"]),
            reverse("results-board", args=[SLUG, 2022, DISTRICT]),
            reverse("results-pdf", args=[SLUG, YEAR, PublicationKind.MIDTERM, 1]),
            reverse("results-pdf", args=[SLUG, 2022, SAMLAD, 1]),
            reverse("api-results-year", args=[SLUG, 2022]),
            reverse("results-index", args=["inget-program"]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_pages_carry_an_etag_and_answer_304(self) -> None:
        for url in (
            year_url(),
            reverse("results-index", args=[SLUG]),
            reverse("results-board", args=[SLUG, YEAR, DISTRICT]),
            reverse("results-pdf", args=[SLUG, YEAR, SAMLAD, 1]),
            reverse("api-results", args=[SLUG]),
            reverse("api-results-year", args=[SLUG, YEAR]),
            reverse("api-results-csv", args=[SLUG, YEAR]),
        ):
            first = self.client.get(url)
            self.assertEqual(first.status_code, 200, url)
            self.assertTrue(first["ETag"], url)
            again = self.client.get(url, headers={"if-none-match": first["ETag"]})
            self.assertEqual(again.status_code, 304, url)

    def test_a_new_publication_changes_the_etag(self) -> None:
        etag = self.client.get(year_url())["ETag"]
        publication_withdraw(
            programme=self.world.programme,
            kind=SAMLAD,
            year=YEAR,
            user=self.world.coordinator,
            reason="Test.",
        )
        self.assertEqual(
            self.client.get(year_url(), headers={"if-none-match": etag}).status_code, 404
        )

    def test_the_pdf_is_served_from_storage_with_caching(self) -> None:
        response = self.client.get(reverse("results-pdf", args=[SLUG, YEAR, SAMLAD, 1]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertIn("public", response["Cache-Control"])
        self.assertIn("max-age", response["Cache-Control"])

    def test_the_year_page_costs_the_same_queries_whatever_the_years(self) -> None:
        # 1. the programme, 2. its public publications (every version, every year).
        with self.assertNumQueries(2):
            self.client.get(year_url())
        with self.assertNumQueries(2):
            self.client.get(reverse("api-results-year", args=[SLUG, YEAR]))


@media
class OpenDataTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.data = publishing_world()
        cls.world = cls.data.world
        with no_layout():
            publication_publish(
                programme=cls.world.programme,
                kind=SAMLAD,
                year=YEAR,
                user=cls.world.coordinator,
                make_missing_pdf=True,
            )

    def test_the_list_links_every_published_year(self) -> None:
        response = self.client.get(reverse("api-results", args=[SLUG]))
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        years = response.json()["years"]
        self.assertEqual([entry["year"] for entry in years], [YEAR])
        self.assertEqual(years[0]["documents"], [SAMLAD])
        self.assertTrue(years[0]["json"].endswith(f"/results/{YEAR}/"))
        self.assertTrue(years[0]["csv"].endswith(f"/results/{YEAR}.csv"))
        self.assertIn(f"{SAMLAD}-v1.pdf", years[0]["pdf"][SAMLAD])

    def test_json_marks_hidden_values_explicitly(self) -> None:
        response = self.client.get(reverse("api-results-year", args=[SLUG, YEAR]))
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        document = response.json()
        self.assertEqual(document["suppression"]["threshold"], 5)
        indicator = next(
            each
            for goal in document["city_followup"]["goals"]
            for each in goal["indicators"]
            if each["kind"] == "share" and each["value"]["boards"] == 2
        )
        self.assertEqual(
            indicator["value"]["numerator"],
            {"value": None, "suppressed": True, "display": "färre än 5"},
        )
        # 3 of 4 and 10 of 20: one board's numerator and one's denominator are small, so
        # neither total may show (13 - 10, 24 - 20).
        self.assertTrue(indicator["value"]["denominator"]["suppressed"])
        self.assertEqual(indicator["value"]["display"], "färre än 5")
        self.assertTrue(indicator["trend"])
        card = next(each for each in document["boards"] if each["board_slug"] == DISTRICT)
        values = [each["value"] for goal in card["goals"] for each in goal["indicators"]]
        self.assertTrue(values)
        # The district's own 3 of 4 and 3 are hidden; its yes/no answers are not about people.
        self.assertTrue(all(v["suppressed"] for v in values if "ja" not in v["display"]))
        # Nothing the boards wrote.
        self.assertNotIn("Delvis på plats.", response.content.decode())

    def test_json_and_csv_and_the_page_show_the_same_figures(self) -> None:
        document = self.client.get(reverse("api-results-year", args=[SLUG, YEAR])).json()
        csv_text = self.client.get(reverse("api-results-csv", args=[SLUG, YEAR])).content.decode()
        same = self.client.get(reverse("api-results-year", args=[SLUG, YEAR]) + "?format=csv")
        self.assertEqual(same.content.decode(), csv_text)
        self.assertEqual(same["Access-Control-Allow-Origin"], "*")
        rows = list(csv.DictReader(io.StringIO(csv_text), delimiter=";"))
        page = self.client.get(year_url()).content.decode()
        for goal in document["city_followup"]["goals"]:
            for indicator in goal["indicators"]:
                row = next(
                    each
                    for each in rows
                    if each["typ"] == "indikator"
                    and each["id"] == str(indicator["id"])
                    and each["del"] == "totalt"
                )
                self.assertEqual(row["visas"], indicator["value"]["display"])
                self.assertEqual(row["dold"], "ja" if indicator["value"]["suppressed"] else "nej")
                self.assertIn(indicator["value"]["display"], page)
            for key, bucket in goal["activities"]["by_assessment"].items():
                row = next(
                    each
                    for each in rows
                    if each["typ"] == "aktiviteter_bedomning"
                    and each["mal"] == str(goal["number"])
                    and each["id"] == key
                )
                self.assertEqual(int(row["antal"]), bucket["count"])

    def test_csv_is_formula_safe(self) -> None:
        from publishing.api import _csv_cell

        self.assertEqual(_csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)")
        self.assertEqual(_csv_cell("+46"), "'+46")
        self.assertEqual(_csv_cell(12), 12)

    def test_cors_only_on_the_open_data(self) -> None:
        self.assertNotIn("Access-Control-Allow-Origin", self.client.get(year_url()))
        self.client.force_login(self.world.coordinator)
        self.assertNotIn(
            "Access-Control-Allow-Origin", self.client.get(reverse("publishing", args=[SLUG]))
        )

    def test_the_api_is_read_only(self) -> None:
        response = self.client.post(reverse("api-results-year", args=[SLUG, YEAR]))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(
            json.loads(self.client.get(reverse("api-results", args=[SLUG])).content)["programme"],
            SLUG,
        )


class PublicRoutesWalkTests(TestCase):
    """Every public results route, walked as the anonymous visitor with the walk's values:
    each answers (the PDF's file is pruned in the walk, so it is 404, never a 500), and the
    samordnare's publishing routes send the visitor to log in."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.walk = walk_world()

    def test_anonymous_reads_every_public_route_and_none_of_the_publishing_ones(self) -> None:
        walked = []
        for route in routes():
            if not route.name.startswith(("results", "api-results", "publishing")):
                continue
            path = route.path(self.walk.value_of)
            status = self.client.get(path).status_code
            walked.append(route.name)
            if route.name.startswith("publishing"):
                self.assertEqual(status, 302, path)
            elif route.name == "results-pdf":
                self.assertEqual(status, 404, path)
            else:
                self.assertEqual(status, 200, path)
        self.assertEqual(len(walked), 12)

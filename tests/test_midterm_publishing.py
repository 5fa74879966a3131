"""The halvtidsrapport made final (its figures frozen, its texts locked) and published."""

from unittest import mock

from django.test import TestCase
from django.urls import reverse
from weasyprint import HTML

from followup.documents.midterm_narrative import midterm_draft_create
from followup.models import DocumentKind, IndicatorOutcome, MidtermReport, MidtermSection
from followup.views.jobs import offer_url
from publishing.models import Publication, PublicationKind
from tests.document_jobs import ask, media
from tests.publishing_data import SLUG, YEAR, publishing_world

MIDTERM = PublicationKind.MIDTERM


@media
class MidtermFinalTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.data = publishing_world()
        cls.world = cls.data.world
        report = midterm_draft_create(programme=cls.world.programme, year=YEAR)
        MidtermSection.objects.filter(report=report).update(text="Halvvägs i programmet.")

    def finalise(self) -> object:
        self.client.force_login(self.world.coordinator)
        return self.client.post(reverse("midterm-final", args=[SLUG, YEAR]))

    def test_confirmation_first_then_final_with_frozen_figures(self) -> None:
        self.client.force_login(self.world.coordinator)
        page = self.client.get(reverse("midterm-final-confirm", args=[SLUG, YEAR]))
        self.assertContains(page, "Göra halvtidsrapporten 2023 slutlig?")
        self.assertFalse(MidtermReport.objects.get().is_final)
        self.assertRedirects(self.finalise(), reverse("midterm-preview", args=[SLUG, YEAR]))
        report = MidtermReport.objects.get()
        self.assertTrue(report.is_final)
        self.assertEqual(report.finalised_by, self.world.coordinator)
        frozen = report.figures
        self.assertEqual(frozen["year"], YEAR)
        self.assertEqual([goal["number"] for goal in frozen["goals"]], list(range(1, 8)))
        # A report changed later does not change the frozen figures.
        IndicatorOutcome.objects.filter(report=self.world.report).update(numerator=1)
        report.refresh_from_db()
        self.assertEqual(report.figures, frozen)

    def test_only_the_samordnare_makes_it_final(self) -> None:
        for person, status in ((self.world.reporter, 404), (self.data.analyst, 403)):
            self.client.force_login(person)
            self.assertEqual(
                self.client.post(reverse("midterm-final", args=[SLUG, YEAR])).status_code, status
            )
        self.assertFalse(MidtermReport.objects.get().is_final)

    def test_every_section_must_be_written_first(self) -> None:
        MidtermSection.objects.filter(kind="stod").update(text="")
        self.finalise()
        self.assertFalse(MidtermReport.objects.get().is_final)
        page = self.client.get(reverse("midterm-final-confirm", args=[SLUG, YEAR]))
        self.assertContains(page, "Skriv först: Där mer stöd behövs.")

    def test_a_final_report_refuses_edits(self) -> None:
        self.finalise()
        section = MidtermSection.objects.get(kind="sammanfattning")
        self.assertRedirects(
            self.client.get(reverse("midterm-edit", args=[SLUG, YEAR])),
            reverse("midterm-preview", args=[SLUG, YEAR]),
        )
        from concurrency.forms import get_signer

        response = self.client.post(
            reverse("midterm-section", args=[SLUG, YEAR, "sammanfattning"]),
            {
                "sammanfattning-text": "Ändrat efteråt.",
                "sammanfattning-version": get_signer().sign(section.version),
            },
            follow=True,
        )
        self.assertContains(response, "Halvtidsrapporten är slutlig")
        section.refresh_from_db()
        self.assertEqual(section.text, "Halvvägs i programmet.")

    def test_a_final_report_is_published_and_read_by_anyone(self) -> None:
        self.finalise()
        with mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7 halvtid"):
            # The PDF made first, by the task worker, as the confirmation page asks.
            ask(self, self.client, offer_url(DocumentKind.MIDTERM, SLUG, YEAR))
            response = self.client.post(reverse("publishing-publish", args=[SLUG, MIDTERM, YEAR]))
        self.assertRedirects(response, reverse("publishing", args=[SLUG]))
        publication = Publication.objects.get(kind=MIDTERM)
        self.assertEqual(publication.figures, MidtermReport.objects.get().figures)
        self.client.logout()
        page = self.client.get(reverse("results-year", args=[SLUG, YEAR]))
        self.assertContains(page, "Halvtidsrapport 2023")
        self.assertContains(page, "Halvvägs i programmet.")
        pdf_url = reverse("results-pdf", args=[SLUG, YEAR, MIDTERM, 1])
        self.assertContains(page, pdf_url)
        self.assertEqual(b"".join(self.client.get(pdf_url).streaming_content), b"%PDF-1.7 halvtid")
        document = self.client.get(reverse("api-results-year", args=[SLUG, YEAR])).json()
        self.assertEqual(document["midterm"]["version"], 1)
        self.assertIsNone(document["city_followup"])  # only the halvtidsrapport is published

"""Who reads and writes a programme's city-wide material (issue 9, point 3): one pair in
followup/access.py, as for reports. 404 to those who may not read it, 403 to a city-wide
reader who tries to write, and the pages offer only what the user may do."""

from unittest import mock

from concurrency.forms import get_signer
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, TestCase
from django.urls import reverse
from weasyprint import HTML

from followup import access
from followup.models import CityFollowup, MidtermReport, PeriodState, ReportingPeriod
from followup.services import CREATED_VERSION
from tests.followup_data import DISTRICT, OTHER
from tests.url_walk import SLUG, walk_world


class ProgrammeAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.walk = walk_world()
        cls.world = cls.walk.world

    def status(self, role: str, method: str, url: str, data: dict | None = None) -> int:
        client = Client()
        person = self.walk.roles()[role]
        if person is not None:
            client.force_login(person)
        response = getattr(client, method)(url, data or {})
        if response.streaming:
            b"".join(response.streaming_content)
        return response.status_code

    def assert_statuses(self, method: str, url: str, expected: dict[str, int]) -> None:
        for role, status in expected.items():
            with self.subTest(role=role, url=url):
                self.assertEqual(self.status(role, method, url), status)

    def test_get_programme_is_404_to_outsiders_and_says_who_writes(self) -> None:
        for person in (self.world.reporter, self.world.reader, self.world.other_reporter):
            with self.assertRaises(Http404):
                access.get_programme(person, SLUG)
        self.assertTrue(access.get_programme(self.world.coordinator, SLUG).can_write)
        self.assertTrue(access.get_programme(self.walk.superuser, SLUG).can_write)
        self.assertFalse(access.get_programme(self.walk.city_reader, SLUG).can_write)
        with self.assertRaises(Http404):
            access.get_programme(self.world.coordinator, SLUG, year=1999)
        with self.assertRaises(Http404):
            access.get_programme(self.world.coordinator, "finns-inte")

    def test_get_writable_programme_is_403_with_a_swedish_message_for_readers(self) -> None:
        with self.assertRaisesMessage(
            PermissionDenied, "Du kan läsa men inte ändra halvtidsrapporten."
        ):
            access.get_writable_programme(self.walk.city_reader, SLUG, what="halvtidsrapporten")
        with self.assertRaises(Http404):
            access.get_writable_programme(self.world.reporter, SLUG)

    @mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7")
    def test_city_wide_pages_are_read_by_samordnare_and_city_wide_readers_only(
        self, _: mock.Mock
    ) -> None:
        readers = {
            "rapportör": 404,
            "läsare": 404,
            "annan nämnds rapportör": 404,
            "samordnare": 200,
            "stadsövergripande läsare": 200,
            "superanvändare": 200,
        }
        for url in (
            reverse("city-followup", args=[SLUG, 2023]),
            reverse("city-followup-xlsx", args=[SLUG, 2023]),
            reverse("city-followup-pdf", args=[SLUG, 2023]),
            reverse("midterm-preview", args=[SLUG, 2023]),
            reverse("midterm-pdf", args=[SLUG, 2023]),
            reverse("city-export", args=[SLUG, 2023]),
            reverse("styrkort-zip", args=[SLUG, "status"]),
        ):
            self.assert_statuses("get", url, readers)

    def test_writes_are_403_for_city_wide_readers_and_404_for_outsiders(self) -> None:
        writes = {
            "rapportör": 404,
            "läsare": 404,
            "annan nämnds rapportör": 404,
            "stadsövergripande läsare": 403,
        }
        for url in (
            reverse("city-followup-save", args=[SLUG, 2023, "helhet"]),
            reverse("city-followup-save", args=[SLUG, 2023, "1"]),
            reverse("city-followup-final", args=[SLUG, 2023]),
            reverse("midterm-section", args=[SLUG, 2023, "sammanfattning"]),
        ):
            self.assert_statuses("post", url, writes)
        # Nothing was created by the refused writes.
        self.assertFalse(CityFollowup.objects.exists())
        self.assertFalse(MidtermReport.objects.exists())

    def test_a_city_wide_reader_cannot_open_or_lock_periods(self) -> None:
        period = ReportingPeriod.objects.get(programme=self.world.programme, year=2024, kind="T1")
        for role in ("stadsövergripande läsare", "rapportör"):
            for name in ("period-open", "period-lock"):
                self.assertEqual(self.status(role, "post", reverse(name, args=[period.pk])), 404)
        period.refresh_from_db()
        self.assertEqual(period.state, PeriodState.NOT_OPEN)

    def test_the_midterm_lands_the_reader_on_the_preview_without_the_edit_link(self) -> None:
        client = Client()
        client.force_login(self.walk.city_reader)
        response = client.get(reverse("midterm-edit", args=[SLUG, 2023]))
        self.assertRedirects(response, reverse("midterm-preview", args=[SLUG, 2023]))
        response = client.get(reverse("midterm-preview", args=[SLUG, 2023]))
        self.assertNotContains(response, "Skriv och ändra texterna")
        client.force_login(self.world.coordinator)
        response = client.get(reverse("midterm-preview", args=[SLUG, 2023]))
        self.assertContains(response, "Skriv och ändra texterna")

    def test_the_samlad_page_has_forms_for_the_samordnare_only(self) -> None:
        client = Client()
        client.force_login(self.walk.city_reader)
        response = client.get(reverse("city-followup", args=[SLUG, 2023]))
        self.assertContains(response, "Ingen samlad bedömning är skriven.")
        self.assertNotContains(response, 'name="helhet-narrative"')
        client.force_login(self.world.coordinator)
        response = client.get(reverse("city-followup", args=[SLUG, 2023]))
        self.assertContains(response, 'name="helhet-narrative"')

    @mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7")
    def test_the_styrkort_with_status_follows_who_reads_the_boards_reports(
        self, _: mock.Mock
    ) -> None:
        own = reverse("styrkort", args=[SLUG, DISTRICT])
        self.assert_statuses(
            "get",
            own,
            {
                "rapportör": 200,
                "läsare": 200,
                "annan nämnds rapportör": 404,
                "samordnare": 200,
                "stadsövergripande läsare": 200,
            },
        )
        self.assertEqual(
            self.status("annan nämnds rapportör", "get", reverse("styrkort", args=[SLUG, OTHER])),
            200,
        )
        # The board's page offers the link only where it would open.
        page = reverse("board-detail", args=[SLUG, DISTRICT])
        for role, offered in (("läsare", True), ("annan nämnds rapportör", False)):
            client = Client()
            client.force_login(self.walk.roles()[role])
            response = client.get(page)
            (self.assertContains if offered else self.assertNotContains)(response, own)

    def test_refused_writes_of_the_samordnare_create_no_draft(self) -> None:
        client = Client()
        client.force_login(self.world.coordinator)
        too_long = "x" * 20001
        version = get_signer().sign(CREATED_VERSION)
        refused = [
            client.post(reverse("city-followup-final", args=[SLUG, 2023]), follow=True),
            client.post(
                reverse("city-followup-save", args=[SLUG, 2023, "helhet"]),
                {"helhet-narrative": too_long, "helhet-version": version},
            ),
            client.post(reverse("city-followup-save", args=[SLUG, 2023, "99"]), {}),
            client.post(
                reverse("midterm-section", args=[SLUG, 2023, "stod"]),
                {"stod-text": too_long, "stod-version": version},
            ),
            client.post(reverse("midterm-section", args=[SLUG, 2023, "mal-99"]), {}),
        ]
        self.assertContains(refused[0], "Skriv först: Samlad bedömning för hela programmet")
        self.assertEqual([response.status_code for response in refused[1:]], [422, 404, 422, 404])
        self.assertFalse(CityFollowup.objects.exists())
        self.assertFalse(MidtermReport.objects.exists())

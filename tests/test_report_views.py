from django.test import TestCase
from django.urls import reverse

from followup.models import ActivityStatus
from tests.followup_data import build_world


class ReportPageAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.url = reverse("report-detail", args=[cls.world.report.pk])

    def test_reporter_sees_every_commitment_of_the_board_as_a_form(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(self.url)
        self.assertContains(response, "Rinkeby-Kista stadsdelsnämnd")
        self.assertContains(response, "Tertialrapport 1 2023")
        rows = ActivityStatus.objects.filter(report=self.world.report).count()
        self.assertEqual(response.content.decode().count("Spara raden"), rows + 10)

    def test_reader_sees_the_report_without_forms(self) -> None:
        self.client.force_login(self.world.reader)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Spara raden")

    def test_other_boards_reporter_gets_404(self) -> None:
        self.client.force_login(self.world.other_reporter)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_coordinator_sees_it_and_may_write_on_behalf(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "för nämndens räkning")


class CityReaderTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from followup.models import CityReader
        from tests.followup_data import user

        cls.world = build_world()
        cls.analyst = user("analytiker")
        CityReader.objects.create(user=cls.analyst, programme=cls.world.programme)

    def test_city_wide_reader_reads_every_report_but_writes_and_reviews_nothing(self) -> None:
        self.client.force_login(self.analyst)
        for report in (self.world.report, self.world.other_report):
            response = self.client.get(reverse("report-detail", args=[report.pk]))
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "Spara raden")
        row = self.world.report.activity_rows.first()
        url = reverse("report-row-save", args=[self.world.report.pk, "a", row.pk])
        self.assertEqual(self.client.post(url, {}).status_code, 403)
        url = reverse("report-review", args=[self.world.report.pk])
        self.assertEqual(self.client.post(url, {"decision": "approve"}).status_code, 403)

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

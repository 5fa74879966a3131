"""With DEBUG off (as in every test), errors are Swedish pages in the site's layout, JSON
under /api/, a short sentence for htmx."""

from unittest import mock

from django.template import loader
from django.test import Client, TestCase
from django.urls import reverse

from tests.followup_data import build_small_world
from valdprogram.errors import TEXTS

LAYOUT = "Hoppa till innehållet"  # the skip link every page of base.html starts with


class ErrorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()
        cls.report_url = reverse("report-detail", args=[cls.world.report.pk])
        row = cls.world.report.activity_rows.first()
        assert row is not None
        cls.save_url = reverse("report-row-save", args=[cls.world.report.pk, "a", row.pk])

    def assert_swedish_page(self, response, status: int, heading: str) -> str:  # type: ignore[no-untyped-def]
        self.assertEqual(response.status_code, status)
        html = response.content.decode()
        self.assertIn('<html lang="sv">', html)
        self.assertIn(LAYOUT, html)
        self.assertIn(f"<h1>{heading}</h1>", html)
        self.assertIn(f'href="{reverse("programme-list")}"', html)  # a way on
        return html

    def test_unknown_page_is_a_swedish_404_with_a_way_back(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(
            "/finns-inte/", HTTP_REFERER=f"http://testserver{self.report_url}"
        )
        html = self.assert_swedish_page(response, 404, "Sidan finns inte")
        self.assertNotIn("Not Found", html)
        self.assertIn(f'<a href="{self.report_url}">Tillbaka till sidan du kom från</a>', html)
        self.assertIn(f'href="{reverse("start")}"', html)  # signed in: the user's reports

    def test_back_link_never_points_to_another_site(self) -> None:
        response = self.client.get("/finns-inte/", HTTP_REFERER="https://evil.example/x")
        html = self.assert_swedish_page(response, 404, "Sidan finns inte")
        self.assertNotIn("evil.example", html)
        self.assertNotIn(f'href="{reverse("start")}"', html)  # anonymous: no start page

    def test_reader_saving_a_row_is_told_why_in_swedish(self) -> None:
        self.client.force_login(self.world.reader)
        response = self.client.post(self.save_url, {})
        html = self.assert_swedish_page(response, 403, "Du har inte behörighet")
        self.assertIn("Du kan läsa men inte ändra rapporten.", html)
        self.assertNotIn("403 Forbidden", html)

    def test_htmx_gets_the_reason_as_a_sentence_not_a_page(self) -> None:
        self.client.force_login(self.world.reader)
        response = self.client.post(self.save_url, {}, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(response.content.decode(), "Du kan läsa men inte ändra rapporten.")

    def test_request_for_a_foreign_host_is_a_swedish_400(self) -> None:
        response = self.client.get("/", HTTP_HOST="evil.example")
        self.assert_swedish_page(response, 400, "Felaktig begäran")

    def test_stale_form_is_a_swedish_403_that_says_what_to_do(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.world.reporter)
        response = client.post(self.save_url, {})
        html = self.assert_swedish_page(response, 403, "Formuläret kunde inte skickas")
        self.assertIn("ladda om sidan", html)

    def test_server_error_is_a_swedish_500(self) -> None:
        self.client.force_login(self.world.reporter)
        self.client.raise_request_exception = False
        with mock.patch("followup.selectors.report_page", side_effect=RuntimeError("boom")):
            response = self.client.get(self.report_url)
        html = self.assert_swedish_page(response, 500, "Något gick fel")
        self.assertNotIn("boom", html)
        self.assertNotIn("Server Error", html)

    def test_500_page_renders_without_a_request(self) -> None:
        # Django's own fallback renders it so, and a failing database must not fail it too.
        html = loader.get_template("500.html").render({})
        self.assertIn('<html lang="sv">', html)
        self.assertIn("<h1>Något gick fel</h1>", html)


class ApiErrorTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()

    def test_unknown_api_url_answers_json_404(self) -> None:
        response = self.client.get("/api/v1/finns-inte/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(
            response.json(),
            {"detail": TEXTS[404]},
        )

    def test_unknown_programme_answers_json_404(self) -> None:
        response = self.client.get(reverse("api-programme", args=["finns-inte"]))
        self.assertEqual(response.status_code, 404)
        self.assertIn("detail", response.json())

    def test_api_server_error_answers_json_500(self) -> None:
        self.client.force_login(self.world.reporter)
        self.client.raise_request_exception = False
        with mock.patch("followup.selectors.reports_for_api", side_effect=RuntimeError("boom")):
            response = self.client.get(reverse("api-report-list"))
        self.assertEqual(response.status_code, 500)
        self.assertEqual(
            response.json(), {"detail": "Ett fel uppstod hos servern. Försök igen om en stund."}
        )

    def test_wrong_method_on_the_api_answers_json_405(self) -> None:
        response = self.client.post(reverse("api-programme-list"))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.json(), {"detail": TEXTS[405]})
        self.assertIn("GET", response["Allow"])

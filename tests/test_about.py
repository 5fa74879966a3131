"""The pages the law requires (issue 13, point 6): the accessibility statement and Om tjänsten,
open to everyone, one link away from every page, naming who runs the service from settings."""

from http.cookies import SimpleCookie

from django.core.checks import run_checks
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from about import views
from about.statement import STATEMENT
from followup.models import ReportState
from tests.followup_data import build_world, fill_report
from tests.test_settings import PRODUCTION_ENV, _manage
from tests.url_walk import routes

STATEMENT_URL = "/tillganglighet/"
ABOUT_URL = "/om-tjansten/"
FOOTER_LINK = f'<a href="{STATEMENT_URL}">Tillgänglighetsredogörelse</a>'


class PublicPagesTests(TestCase):
    def test_both_pages_open_without_login(self) -> None:
        for url in (STATEMENT_URL, ABOUT_URL):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
        # Explicitly public, not public by accident of the middleware's list.
        self.assertIs(views.accessibility_statement.login_required, False)
        self.assertIs(views.about_service.login_required, False)

    def test_statement_follows_diggs_model(self) -> None:
        response = self.client.get(STATEMENT_URL)
        self.assertContains(response, "<h1>Tillgänglighet för Programuppföljning</h1>", html=True)
        # Who is responsible, how well it complies, how to report, supervision, when assessed.
        self.assertContains(response, "Socialförvaltningen, Stockholms stad står bakom")
        self.assertContains(response, "<strong>delvis förenlig</strong>", html=True)
        self.assertContains(response, 'href="mailto:socialforvaltningen@stockholm.se"')
        self.assertContains(response, 'href="https://www.digg.se/tdosanmalan"')
        self.assertContains(response, '<time datetime="2026-12-01">1 december 2026</time>')
        for heading in (
            "Hur tillgänglig är tjänsten?",
            "Rapportera brister i tjänstens tillgänglighet",
            "Tillsyn",
            "Bristande förenlighet med lagkraven",
            "Innehåll som inte omfattas av lagkraven",
            "Hur vi testat tjänsten",
        ):
            self.assertContains(response, heading)

    def test_every_known_deviation_is_listed_with_its_criteria(self) -> None:
        response = self.client.get(STATEMENT_URL)
        self.assertGreaterEqual(len(STATEMENT.deviations), 3)
        for deviation in STATEMENT.deviations:
            self.assertContains(response, f"<strong>{deviation.criteria}.</strong>")
        self.assertContains(response, "PDF-dokumenten")
        self.assertContains(response, "Administrationsdelen")

    @override_settings(
        SERVICE_ORGANISATION="Södertälje kommun",
        SERVICE_ADMINISTRATION="Socialkontoret",
        SERVICE_CONTACT_EMAIL="socialkontoret@sodertalje.se",
        SERVICE_CONTACT_PHONE="08-523 010 00",
    )
    def test_who_runs_the_service_comes_from_the_settings(self) -> None:
        for url in (STATEMENT_URL, ABOUT_URL):
            response = self.client.get(url)
            self.assertContains(response, "Socialkontoret, Södertälje kommun")
            self.assertContains(response, 'href="mailto:socialkontoret@sodertalje.se"')
            self.assertContains(response, "Telefon: 08-523 010 00")
            self.assertNotContains(response, "Stockholms stad står bakom")

    def test_about_says_what_data_the_service_holds_and_lists_the_programmes(self) -> None:
        # One query: the programmes with their goal counts.
        with self.assertNumQueries(1):
            response = self.client.get(ABOUT_URL)
        self.assertContains(response, "aldrig uppgifter om enskilda personer")
        self.assertContains(response, "Tjänsten drivs av Socialförvaltningen, Stockholms stad")
        self.assertContains(response, reverse("programme-detail", args=["stockholm-2021-2025"]))
        for name in ("sessionid", "csrftoken", "messages"):
            self.assertContains(response, f"<code>{name}</code>")
        self.assertContains(response, "gäller som längst 10 timmar")

    def test_the_statement_is_one_click_from_every_kind_of_page(self) -> None:
        world = build_world()
        anonymous = Client()
        for url in ("/", "/program/stockholm-2021-2025/", "/konto/logga-in/", "/finns-inte/"):
            self.assertContains(
                anonymous.get(url), FOOTER_LINK, status_code=404 if "finns" in url else 200
            )
        signed_in = Client()
        signed_in.force_login(world.reporter)
        for url in ("/start/", reverse("report-detail", args=[world.report.pk])):
            response = signed_in.get(url)
            self.assertContains(response, FOOTER_LINK)
            self.assertContains(response, f'<a href="{ABOUT_URL}">Om tjänsten</a>')

    def test_the_route_walks_cover_both_pages(self) -> None:
        names = {route.name for route in routes()}
        self.assertLessEqual({"accessibility-statement", "about-service"}, names)


class CookiesTests(TestCase):
    def test_no_cookie_beyond_those_the_about_page_names(self) -> None:
        """Sign in, save a row (a message), submit (a message), sign out: every cookie set on
        the way is one the page lists."""
        world = build_world()
        fill_report(world.report)
        named = {name for name, _ in views.COOKIES}
        set_cookies: set[str] = set()
        client = Client()

        def note(response) -> None:
            set_cookies.update(SimpleCookie(response.cookies.output(header="")).keys())

        note(client.get("/konto/logga-in/"))
        note(
            client.post(
                "/konto/logga-in/",
                {"username": "rapportor", "password": "lösenord-för-test-1"},
            )
        )
        note(client.get("/start/"))
        note(client.post(reverse("report-submit", args=[world.report.pk])))
        note(client.get(reverse("report-detail", args=[world.report.pk])))
        note(client.post("/konto/logga-ut/"))
        world.report.refresh_from_db()
        self.assertEqual(world.report.state, ReportState.SUBMITTED)  # the walk really wrote
        self.assertIn("messages", set_cookies)
        self.assertLessEqual(set_cookies, named)


class ContactChecksTests(TestCase):
    @override_settings(SERVICE_CONTACT_EMAIL="")
    def test_deploy_check_warns_without_a_contact_address(self) -> None:
        ids = {message.id for message in run_checks(include_deployment_checks=True)}
        self.assertIn("about.W001", ids)
        ids = {message.id for message in run_checks()}
        self.assertNotIn("about.W001", ids)  # only for production

    @override_settings(SERVICE_CONTACT_EMAIL="socialforvaltningen på stockholm.se")
    def test_a_contact_that_is_no_address_is_an_error(self) -> None:
        self.assertIn("about.E001", {message.id for message in run_checks()})

    def test_the_shipped_defaults_pass(self) -> None:
        ids = {m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("about")}
        self.assertEqual(ids, set())


def test_production_without_a_contact_address_fails_the_deployment_checklist() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "SERVICE_CONTACT_EMAIL": ""},
    )
    assert result.returncode != 0
    assert "about.W001" in result.stderr + result.stdout

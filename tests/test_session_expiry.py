"""A save after the session ran out: nothing typed is swapped away, and signing in leads to
a page that can be shown, never to the POST-only URL (a 405)."""

from urllib.parse import parse_qs, urlsplit

from django.test import TestCase
from django.urls import reverse

from followup.models import ActivityStatus
from tests.followup_data import build_small_world
from valdprogram.sessions import SessionStore


def _next_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["next"][0]


class SessionExpiryTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_small_world()
        cls.report_url = reverse("report-detail", args=[cls.world.report.pk])
        cls.row = cls.world.report.activity_rows.first()
        assert cls.row is not None
        cls.save_url = reverse("report-row-save", args=[cls.world.report.pk, "a", cls.row.pk])
        cls.data = {f"a{cls.row.pk}-comment": "Skrivet innan sessionen tog slut"}

    def test_htmx_save_gets_a_401_naming_the_login_page_not_the_login_page_itself(self) -> None:
        response = self.client.post(
            self.save_url,
            self.data,
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL=f"http://testserver{self.report_url}#a{self.row.pk}",
        )
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.content.decode(), "Du är utloggad. Logga in igen för att spara.")
        self.assertNotContains(response, "<form", status_code=401)
        login = response["X-Login-Url"]
        self.assertTrue(login.startswith(reverse("login") + "?"))
        self.assertEqual(_next_of(login), self.report_url)
        # Nothing was stored.
        self.assertEqual(ActivityStatus.objects.get(pk=self.row.pk).comment, "")

    def test_signing_in_after_a_plain_post_leads_back_to_the_report(self) -> None:
        response = self.client.post(
            self.save_url, self.data, HTTP_REFERER=f"http://testserver{self.report_url}"
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(_next_of(response["Location"]), self.report_url)
        login = self.client.post(
            response["Location"],
            {"username": "rapportor", "password": "lösenord-för-test-1"},
        )
        self.assertRedirects(login, self.report_url)

    def test_next_is_never_another_site_nor_the_post_url(self) -> None:
        for referer in ("https://evil.example/rapporter/1/", ""):
            response = self.client.post(self.save_url, self.data, HTTP_REFERER=referer)
            self.assertEqual(_next_of(response["Location"]), reverse("start"), referer)
        response = self.client.post(
            self.save_url,
            self.data,
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="https://evil.example/",
        )
        self.assertEqual(_next_of(response["X-Login-Url"]), reverse("start"))

    def test_a_page_asked_for_is_still_next(self) -> None:
        response = self.client.get(self.report_url + "?sparad=x")
        self.assertEqual(_next_of(response["Location"]), self.report_url + "?sparad=x")


class SessionKeyTests(TestCase):
    """A session cookie Django could not have made is no session, and is never looked up:
    `sessionid="\\000aaaaaaaa"` unquotes to a key holding NUL, which PostgreSQL refuses in
    the lookup (a 500 on every page)."""

    def test_a_key_of_other_characters_is_no_session_and_is_not_looked_up(self) -> None:
        for key in ("\x00aaaaaaaaaaa", "AAAAAAAAAAAA", "aaaaaaaa-aaaa"):
            with self.subTest(key=key):
                store = SessionStore(session_key=key)
                self.assertIsNone(store.session_key)  # what the lookup would have used
                self.assertEqual(store.load(), {})
        self.client.cookies["sessionid"] = "\x00aaaaaaaaaaa"
        self.assertEqual(self.client.get(reverse("programme-list")).status_code, 200)

    def test_a_key_django_made_still_holds_its_session(self) -> None:
        store = SessionStore()
        store["kvar"] = "ja"
        store.create()
        self.assertEqual(SessionStore(session_key=store.session_key).load(), {"kvar": "ja"})

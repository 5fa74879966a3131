from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Views anyone may open: the login page, the public, read-only catalog and open data, and the
# pages the law requires.
PUBLIC_VIEWS = {
    "about.views.about_service",
    "about.views.accessibility_statement",
    "catalog.api.board_list",
    "catalog.api.programme_detail",
    "catalog.api.programme_list",
    "catalog.views.board_detail",
    "catalog.views.board_list",
    "catalog.views.goal_detail",
    "catalog.views.programme_detail",
    "catalog.views.programme_list",
    "catalog.views.responsible_list",
    "followup.views.documents.styrkort_commitments",
    # Published results and their open data (publishing.public, publishing.api).
    "publishing.api.results_csv",
    "publishing.api.results_list",
    "publishing.api.results_year",
    "publishing.public.results_board",
    "publishing.public.results_index",
    "publishing.public.results_pdf",
    "publishing.public.results_version",
    "publishing.public.results_year",
    "accounts.views.LoginView",
    "accounts.views.PasswordResetView",
    "accounts.views.oidc_callback",
    "accounts.views.oidc_start",
    "django.contrib.auth.views.PasswordResetCompleteView",
    "django.contrib.auth.views.PasswordResetConfirmView",
    "django.contrib.auth.views.PasswordResetDoneView",
    # Not public: checks the login itself, to answer an API client 401 instead of a redirect.
    "followup.api.report_list",
    "valdprogram.views.healthz",
}


def _views(patterns: list, prefix: str = "") -> list[tuple[str, object]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # the admin guards itself with its own login
            found += _views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


def _dotted(view: object) -> str:
    view_class = getattr(view, "view_class", None)
    target = view_class or view
    return f"{target.__module__}.{target.__qualname__}"


class DenyByDefaultTests(TestCase):
    def test_login_is_required_everywhere_except_the_known_public_views(self) -> None:
        self.assertIn(
            "valdprogram.middleware.SessionAwareLoginRequiredMiddleware", settings.MIDDLEWARE
        )
        public = {
            _dotted(view)
            for _, view in _views(get_resolver().url_patterns)
            if not getattr(view, "login_required", True)
        }
        self.assertEqual(public, PUBLIC_VIEWS)

    def test_admin_sends_anonymous_users_to_login(self) -> None:
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])


class LoginTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("kim.rapportor", password="rätt-lösenord-123")

    def login(self, password: str) -> HttpResponse:
        return self.client.post(
            reverse("login"), {"username": "kim.rapportor", "password": password}
        )

    def test_login_page_is_swedish(self) -> None:
        response = self.client.get(reverse("login"))
        self.assertContains(response, '<html lang="sv">')
        self.assertContains(response, '<label for="id_username">Användarnamn</label>', html=True)
        self.assertContains(response, '<label for="id_password">Lösenord</label>', html=True)

    def test_wrong_password_is_explained_in_place(self) -> None:
        response = self.login("fel")
        self.assertContains(response, "Ange ett korrekt användarnamn och lösenord")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_right_password_logs_in_and_logout_needs_post(self) -> None:
        response = self.login("rätt-lösenord-123")
        self.assertRedirects(response, reverse("start"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        self.client.post(reverse("logout"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_repeated_wrong_passwords_lock_the_account_out_even_for_the_right_one(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login("gissning")
        response = self.login("rätt-lösenord-123")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "För många misslyckade inloggningsförsök", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_lockout_is_per_user_so_others_can_still_log_in(self) -> None:
        User.objects.create_user("alex.lasare", password="annat-lösenord-456")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login("gissning")
        response = self.client.post(
            reverse("login"), {"username": "alex.lasare", "password": "annat-lösenord-456"}
        )
        self.assertEqual(response.status_code, 302)


class SecurityHeaderTests(TestCase):
    def test_pages_carry_csp_and_framing_protection(self) -> None:
        response = self.client.get(reverse("programme-list"))
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

"""Signing in and out: the login page, the city's login (OpenID Connect) and the logout
that also ends the provider's session."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.forms import LocalPasswordResetForm
from accounts.local import breakglass_only
from valdprogram.forms import LoginForm


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "oidc_enabled": settings.OIDC.enabled,
            "breakglass_only": breakglass_only(),
        }


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), then the provider's end-session endpoint when it has
    one, so that the next person at the computer is not signed in again at once."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        end_session = settings.OIDC.end_session_endpoint if settings.OIDC.enabled else ""
        if not (id_token and end_session):
            return response
        query = urlencode(
            {
                "id_token_hint": id_token,
                "client_id": settings.OIDC.client_id,
                "post_logout_redirect_uri": request.build_absolute_uri(self.get_success_url()),
            }
        )
        return HttpResponseRedirect(f"{end_session}?{query}")


@login_not_required
@require_safe
@never_cache
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Sends the browser to the city's identity provider ("Logga in med stadens konto")."""
    _oidc_enabled()
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
@require_safe
@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code."""
    _oidc_enabled()
    from accounts.oidc import CallbackView

    return CallbackView.as_view()(request)


def _oidc_enabled() -> None:
    # mozilla-django-oidc is imported only once the city's login is configured.
    if not settings.OIDC.enabled:
        raise Http404("Inloggning med stadens konto är inte påslagen.")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

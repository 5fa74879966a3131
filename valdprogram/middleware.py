"""Sign-in for every page, without losing what the user was doing when the session ran out.

Django's LoginRequiredMiddleware answers an anonymous request with a redirect to the login
page whose `next` is the URL asked for. Two cases go wrong with that: an htmx save gets the
whole login page swapped into the report, and a plain form's POST URL as `next` leads, after
signing in, to a 405 page. Here an htmx request gets a short 401 that names the login URL
(static/js/unsaved.js then says so in the row and keeps the text), and `next` is always a
page that can be shown: for a POST, the page the form was on.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import resolve_url

from valdprogram.http import local_page

LOGGED_OUT_TEXT = "Du är utloggad. Logga in igen för att spara."


def next_page(request: HttpRequest) -> str:
    """Where to land after signing in: the URL asked for when it can be shown (a GET),
    otherwise the page the request came from, otherwise the start page."""
    if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
        return request.get_full_path()
    return (
        local_page(request, request.headers.get("HX-Current-URL"))
        or local_page(request, request.headers.get("Referer"))
        or resolve_url(settings.LOGIN_REDIRECT_URL)
    )


class SessionAwareLoginRequiredMiddleware(LoginRequiredMiddleware):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        refused = super().process_view(request, view_func, view_args, view_kwargs)
        if refused is None or not request.headers.get("HX-Request"):
            return refused
        response = HttpResponse(LOGGED_OUT_TEXT, status=401, content_type="text/plain")
        # A 401 must name a way to authenticate (RFC 9110): the login page's session.
        response["WWW-Authenticate"] = 'Session realm="valdprogram"'
        response["X-Login-Url"] = refused["Location"]
        return response

    def handle_no_permission(
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase]
    ) -> HttpResponseRedirect:
        login_url = resolve_url(self.get_login_url(view_func))
        field = self.get_redirect_field_name(view_func) or REDIRECT_FIELD_NAME
        return redirect_to_login(next_page(request), login_url, field)

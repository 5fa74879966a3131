"""The error pages: in Swedish and in the site's layout for people, JSON for the API, a
short sentence for htmx (static/js/unsaved.js shows it where the user saved).

Django calls these only with DEBUG off. The 500 page is rendered without the request, so
that no context processor (which may need the very database that failed) runs for it.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from valdprogram.http import local_page

API_PREFIX = "/api/"

TEXTS = {
    400: "Adressen eller formuläret innehöll något som inte gick att tolka.",
    403: "Du har inte behörighet till det här.",
    404: "Sidan finns inte. Den kan ha tagits bort, eller så är adressen felskriven.",
    405: "Metoden stöds inte här.",
    500: "Ett fel uppstod hos servern. Försök igen om en stund.",
}


def api_error(text: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": text}, status=status, json_dumps_params={"ensure_ascii": False})


class ApiErrorsAsJsonMiddleware:
    """Under /api/ every error is JSON, also those no handler above sees: a 405 from
    require_safe, for one. Keeps the response's headers (Allow, WWW-Authenticate)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            text = TEXTS.get(response.status_code, "Begäran kunde inte utföras.")
            json = api_error(text, response.status_code)
            for header in ("Allow", "WWW-Authenticate"):
                if header in response:
                    json[header] = response[header]
            return json
        return response


def _reason(exception: Exception | None) -> str:
    """The reason our code gives (PermissionDenied("Du kan läsa men inte ändra rapporten.")).
    Other exceptions' messages are Django's, in English and not for users."""
    if isinstance(exception, PermissionDenied) and exception.args:
        return str(exception.args[0])
    return ""


def _error(request: HttpRequest, status: int, exception: Exception | None = None) -> HttpResponse:
    reason = _reason(exception)
    text = reason or TEXTS[status]
    if request.path.startswith(API_PREFIX):
        return api_error(text, status)
    if request.headers.get("HX-Request"):
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    context = {"reason": reason, "back_url": local_page(request, request.headers.get("Referer"))}
    if status == 500:
        html = loader.get_template("500.html").render(context)
        return HttpResponse(html, status=500)
    return render(request, f"{status}.html", context, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 400, exception)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 403, exception)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404, exception)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)

"""The request as the application's views see it, for the type checker."""

from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request that LoginRequiredMiddleware let through, so its user is signed in, with the
    details django-htmx's middleware adds. An annotation only: Django still passes a plain
    HttpRequest; a view open to anonymous users (login_not_required) takes HttpRequest."""

    user: User
    htmx: HtmxDetails


def local_page(request: HttpRequest, url: str | None) -> str | None:
    """The path (with query) of `url` when it is a page of this site, else None: for a
    `next` or a "back" link taken from a header the client sent."""
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 page for a request to a foreign host
        return None
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path or None

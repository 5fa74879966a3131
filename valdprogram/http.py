"""The request as the application's views see it, for the type checker."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request that LoginRequiredMiddleware let through, so its user is signed in, with the
    details django-htmx's middleware adds. An annotation only: Django still passes a plain
    HttpRequest; a view open to anonymous users (login_not_required) takes HttpRequest."""

    user: User
    htmx: HtmxDetails

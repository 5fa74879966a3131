"""Links from a number on the dashboard to the rows behind it."""

from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from followup.views.dashboard import BLANK

register = template.Library()


@lru_cache(maxsize=16)
def _rows_url(urlconf: str | None, script_prefix: str) -> str:
    # The dashboard draws some two hundred of these links: one reverse, not one a link.
    return reverse("dashboard-rows", urlconf=urlconf)


@register.simple_tag(takes_context=True)
def rows_href(context: template.Context, shown: str, **params: object) -> str:
    """The address of the rows behind a number: the dashboard's selection (`query` in the
    context) and what to show. A blank scale value ("Ej angivet") travels as BLANK."""
    chosen = {
        "visa": shown,
        **{name: BLANK if value == "" else value for name, value in params.items()},
    }
    url = _rows_url(get_urlconf(), get_script_prefix())
    return f"{url}?{context['query']}&{urlencode(chosen)}"

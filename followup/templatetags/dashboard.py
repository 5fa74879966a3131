"""Links from a number on the dashboard to the rows behind it."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from followup.views.dashboard import BLANK

register = template.Library()


@register.simple_tag(takes_context=True)
def rows_href(context: template.Context, shown: str, **params: object) -> str:
    """The address of the rows behind a number: the dashboard's selection (`query` in the
    context) and what to show. A blank scale value ("Ej angivet") travels as BLANK."""
    chosen = {
        "visa": shown,
        **{name: BLANK if value == "" else value for name, value in params.items()},
    }
    return f"{reverse('dashboard-rows')}?{context['query']}&{urlencode(chosen)}"

"""The report page's form fields, drawn by followup.widget_html.field_group, and each row's
state line: in Python, as the page draws them for every one of its rows."""

from typing import TYPE_CHECKING

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from followup.widget_html import escape, field_group

if TYPE_CHECKING:
    from followup.views.report import RowView

register = template.Library()


@register.simple_tag
def field(bound_field: BoundField) -> SafeString:
    return field_group(bound_field)


@register.simple_tag
def row_state(row: "RowView") -> SafeString:
    """Whether the row is done, what it lacks, and whether it still holds what it took
    over from the period before: in words and symbols, never colour alone."""
    parts = []
    if row.is_done:
        parts.append('<span class="row-state__done">✔ Ifylld</span>')
    elif lacks := row.lacks:
        parts.append(f'<span class="row-state__missing">○ Saknas: {escape(lacks)}</span>')
    if row.row.carried_over:
        parts.append(
            '<span class="row-state__carried">↺ Från förra perioden — bekräfta eller ändra</span>'
        )
    # Every value inside is escaped above.
    return mark_safe(f'<p class="row-state">{" ".join(parts)}</p>')  # noqa: S308

"""The report page's form fields, drawn by followup.widget_html.field_group, and its rows, drawn
by followup.row_html: in Python, as the page draws them for every one of its rows."""

from typing import TYPE_CHECKING

from django import template
from django.forms import BoundField
from django.template import Context
from django.utils.safestring import SafeString

from followup import row_html
from followup.widget_html import field_group

if TYPE_CHECKING:
    from followup.views.report import RowView

register = template.Library()


@register.simple_tag
def field(bound_field: BoundField) -> SafeString:
    return field_group(bound_field)


@register.simple_tag(takes_context=True)
def report_row(context: Context, row: "RowView") -> SafeString:
    return row_html.article(row, context)


@register.simple_tag(takes_context=True)
def row_and_thread(context: Context, row: "RowView") -> SafeString:
    return row_html.article_and_thread(row, context)

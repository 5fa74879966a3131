"""The report page's form fields, drawn by followup.widget_html.field_group."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from followup.widget_html import field_group

register = template.Library()


@register.simple_tag
def field(bound_field: BoundField) -> SafeString:
    return field_group(bound_field)

"""The report rows' form widgets drawn in Python, to the character as Django's own widget
templates draw them (django/forms/templates/django/forms/widgets/).

The report page has 46 rows of four to eight fields each; Django draws every widget, and
every option of a select or radio list, through a template of its own, and that was three
quarters of the page's time. Only the widget kinds the rows use are drawn here; anything
else (and the error lists) falls back to Django's templates, so a new widget still works.
"""

import html
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache
from typing import Any

from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString, mark_safe

_WIDGETS = "django/forms/widgets/"


# A page escapes the same few hundred strings (attribute names, ids, choice labels) again
# and again: remembered, each is escaped once.
_escaped = lru_cache(maxsize=4096)(html.escape)


def escape(value: object) -> str:
    """Django's escape (what the templates' stringformat:'s' values get), without its lazy
    check: called a few thousand times a page, that check cost more than the escaping."""
    return _escaped(str(value))


def conditional_escape(value: object) -> str:
    """Django's conditional_escape: HTML (a SafeString) as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escaped(str(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    # attrs.html: False leaves the attribute out, True writes it bare.
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _input_option(option: Mapping[str, Any]) -> str:
    if not option["wrap_label"]:
        return _input(option)
    option_id = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(option_id)}"' if option_id else ""
    return f"<label{label_for}>{_input(option)} {conditional_escape(option['label'])}</label>"


def _textarea(widget: Mapping[str, Any]) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    name = conditional_escape(widget["name"])
    return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _radio(widget: Mapping[str, Any]) -> str:
    attrs = widget["attrs"]
    own_id = attrs.get("id")
    parts = [
        "<div",
        f' id="{conditional_escape(own_id)}"' if own_id else "",
        f' class="{conditional_escape(attrs["class"])}"' if attrs.get("class") else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


_DRAWN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    f"{_WIDGETS}{name}.html": draw
    for name, draw in (
        ("text", _input),
        ("number", _input),
        ("hidden", _input),
        ("textarea", _textarea),
        ("select", _select),
        ("radio", _radio),
    )
}


class RowRenderer(DjangoTemplates):
    """Django's default form renderer, drawing the rows' widgets without a template."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw = _DRAWN.get(template_name)
        if draw is None or "widget" not in context:
            return super().render(template_name, context, request)
        return draw(context["widget"])


ROW_RENDERER = RowRenderer()


class RowBoundField(BoundField):
    """Django's BoundField, working out its id once: the page's drawing asks for it some
    five times a field."""

    @cached_property
    def auto_id(self) -> str:
        return str(super().auto_id)


def field_group(field: BoundField) -> SafeString:
    """A field as the report page draws it: Django's as_field_group without the label
    suffix (":"), which the rest of the site does not use. Help text and errors stay tied to
    the input. In Python for the same reason as the widgets: the page draws some 270."""
    errors = field.errors
    if field.use_fieldset:
        described = field.aria_describedby
        described_by = f' aria-describedby="{conditional_escape(described)}"' if described else ""
        opening = f"<fieldset{described_by}><legend>{conditional_escape(field.label)}</legend>"
        closing = "</fieldset>"
    else:
        opening = (
            f'<label for="{conditional_escape(field.id_for_label)}">'
            f"{conditional_escape(field.label)}</label>"
        )
        closing = ""
    help_text = (
        f'<div class="helptext" id="{conditional_escape(field.auto_id)}_helptext">'
        f"{conditional_escape(field.help_text)}</div>"
        if field.help_text
        else ""
    )
    return mark_safe(  # noqa: S308 - every value inside is escaped above, or already HTML
        f'<div class="field{" field--invalid" if errors else ""}">\n'
        f"  {opening}\n"
        f"  {help_text}\n"
        f"  {errors if errors else ''}\n"
        f"  {field}\n"
        f"  {closing}\n"
        "</div>"
    )

"""The report rows' form widgets drawn in Python, to the character as Django's own widget
templates draw them (django/forms/templates/django/forms/widgets/).

The report page has 46 rows of four to eight fields each; Django draws every widget, and
every option of a select or radio list, through a template of its own, and that was three
quarters of the page's time. Only the widget kinds the rows use are drawn here; anything
else (and the error lists) falls back to Django's templates, so a new widget still works.
A fresh row's field (label, help text and widget) is drawn once for all rows and filled in
with each row's prefix and value (`_shaped`).
"""

import html
from collections.abc import Callable, Hashable, Mapping
from functools import cached_property, lru_cache, partial
from typing import Any

from django.forms import BaseForm, BoundField, ModelChoiceField
from django.forms.models import BaseModelForm
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import ChoiceWidget, Input, Textarea, Widget
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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


def _select(widget: Mapping[str, Any], after_option: str = "") -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>{after_option}"
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
    """Django's default form renderer, drawing the rows' widgets without a template.

    `after_option`: what Django's select template writes after each option (a line break,
    the end of select_option.html). The rows' selects have been drawn without it since they
    were first drawn in Python; other forms keep Django's HTML to the character."""

    def __init__(self, after_option: str = "") -> None:
        super().__init__()
        self.drawn: dict[str, Callable[[Mapping[str, Any]], str]] = {
            **_DRAWN,
            f"{_WIDGETS}select.html": partial(_select, after_option=after_option),
        }

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw = self.drawn.get(template_name)
        if draw is None or "widget" not in context:
            return super().render(template_name, context, request)
        return draw(context["widget"])


ROW_RENDERER = RowRenderer()
# Django's HTML exactly, drawn in Python: for the page's other long lists (a file's row).
EXACT_RENDERER = RowRenderer(after_option="\n")


# Stands for a row's form prefix ("a12") in a choice widget drawn once for every row: a
# noncharacter, which no name, id or label holds and escaping leaves as it is.
_PREFIX = "\ufdd0"


@lru_cache(maxsize=2048)
def _choice_widget_html(
    widget: ChoiceWidget, name: str, value: Hashable, attrs: tuple[tuple[str, Any], ...], key: Any
) -> str:
    """A choice widget drawn with `_PREFIX` for the row's prefix. `key`: what else the
    drawing depends on (the renderer, the language of lazy labels, localization)."""
    renderer = key[0]
    return str(widget.render(name=name, value=value, attrs=dict(attrs), renderer=renderer))


class RowBoundField(BoundField):
    """Django's BoundField, working out its id once (the page's drawing asks for it some
    five times a field) and drawing each choice widget (a select, a radio list) once for
    all rows: the same widget, value, errors and attributes, with only the row's prefix
    in its names and ids different. Drawing the options one by one was half the rows'
    field time."""

    @cached_property
    def auto_id(self) -> str:
        return str(super().auto_id)

    def as_widget(
        self,
        widget: Widget | None = None,
        attrs: dict[str, Any] | None = None,
        only_initial: bool = False,
    ) -> SafeString:
        shown = widget or self.field.widget
        prefix = self.form.prefix
        value = self.value()
        if (
            only_initial
            or not prefix
            or not isinstance(shown, ChoiceWidget)
            or isinstance(self.field, ModelChoiceField)  # choices read from the database
            or not isinstance(value, Hashable)
        ):
            return super().as_widget(widget, attrs, only_initial)
        if self.field.localize:
            shown.is_localized = True
        # As BoundField.as_widget works them out.
        built = self.build_widget_attrs(attrs or {}, shown)
        if self.auto_id and "id" not in shown.attrs:
            built.setdefault("id", self.auto_id)
        general = tuple(
            (name, item.replace(prefix, _PREFIX) if isinstance(item, str) else item)
            for name, item in built.items()
        )
        html = _choice_widget_html(
            shown,
            self.html_name.replace(prefix, _PREFIX),
            value,
            general,
            (self.form.renderer, get_language(), shown.is_localized),
        )
        return mark_safe(html.replace(_PREFIX, prefix))  # noqa: S308 - drawn by the widget


def field_group(field: BoundField) -> SafeString:
    """A field as the report page draws it: Django's as_field_group without the label
    suffix (":"), which the rest of the site does not use. Help text and errors stay tied to
    the input. In Python for the same reason as the widgets: the page draws some 270. A
    fresh row's field is drawn once for all rows (`_shaped`)."""
    shaped = _shaped(field.form, field.name, group=True)
    return shaped if shaped is not None else _group(field, str(field))


def row_field_group(form: BaseForm, name: str) -> SafeString:
    """`field_group(form[name])`, without making the bound field of a fresh row's field."""
    shaped = _shaped(form, name, group=True)
    return shaped if shaped is not None else field_group(form[name])


def row_widget(form: BaseForm, name: str) -> SafeString:
    """The field's widget alone (a row's hidden version), as `str(form[name])` draws it."""
    shaped = _shaped(form, name, group=False)
    return shaped if shaped is not None else mark_safe(str(form[name]))  # noqa: S308 - a widget


def _group(field: BoundField, widget_html: str) -> SafeString:
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
    return SafeString(  # every value inside is escaped above, or already HTML
        f'<div class="field{" field--invalid" if errors else ""}">\n'
        f"  {opening}\n"
        f"  {help_text}\n"
        f"  {errors if errors else ''}\n"
        f"  {widget_html}\n"
        f"  {closing}\n"
        "</div>"
    )


# Stands for a field's value in a field drawn once for all rows: a noncharacter, as _PREFIX.
_VALUE = "\ufdd1"
# The widgets whose value is drawn as `format_value` gives it, escaped (_input, _textarea).
_PLAIN = (Input, Textarea)
# Each fresh row field's HTML with _PREFIX for the row's prefix and, but in a choice
# widget, _VALUE for its value: a few dozen, by form, field, value and language.
_SHAPES: dict[Hashable, str] = {}


class _ShownValue(RowBoundField):
    """A field of the form drawn with `shown` for its value."""

    def __init__(self, field: BoundField, shown: object) -> None:
        super().__init__(field.form, field.field, field.name)
        self.shown = shown

    def value(self) -> object:
        return self.shown


def _shaped(form: BaseForm, name: str, *, group: bool) -> SafeString | None:
    """A fresh (unbound) row field drawn from its shape, the same field of any row drawn
    once: only the prefix in its names and ids, and its value, differ from row to row.
    Building each field from its form's bound field and widget was most of the rows' time.
    None for what is drawn otherwise: a bound form (errors, what was typed), a select of
    database rows, a widget drawn by Django's own template."""
    prefix = form.prefix
    form_field = form.fields[name]
    shown = form_field.widget
    if (
        not isinstance(form, BaseModelForm)
        or form.bound_field_class is not RowBoundField
        or form_field.bound_field_class is not None
        or form.is_bound
        or not prefix
        or not isinstance(form.renderer, RowRenderer)
        or shown.template_name not in form.renderer.drawn
    ):
        return None
    # BoundField.value() of an unbound form, without making the bound field.
    value = form_field.prepare_value(form.get_initial_for_field(form_field, name))
    filled: str | None = None  # a plain widget's value as it draws it
    if isinstance(shown, ChoiceWidget):
        if isinstance(form_field, ModelChoiceField) or not isinstance(value, Hashable):
            return None
        # The choice drawn as chosen: by the value (and its type: 1 is True, "1" not "True").
        drawn: Hashable = (type(value), value)
        as_drawn = value
    elif isinstance(shown, _PLAIN) and _plain(type(shown)):
        filled = shown.format_value(value)
        drawn = filled is None  # an empty value leaves out the value attribute
        as_drawn = None if filled is None else _VALUE
    else:
        return None
    key = (
        type(form),
        form.auto_id,
        form_field,
        name,
        group,
        drawn,
        getattr(form, "language", None) or get_language(),  # the row form's (RowForm)
        shown.is_localized,
    )
    shape = _SHAPES.get(key)
    if shape is None:
        if len(_SHAPES) > 4096:  # never more than a few dozen; a bound on the unforeseen
            _SHAPES.clear()
        # The same field in a form of the same kind under _PREFIX, drawn with the value.
        twin_form = type(form)(instance=form.instance, prefix=_PREFIX, auto_id=form.auto_id)
        twin = _ShownValue(twin_form[name], as_drawn)
        html = str(twin)
        shape = _SHAPES[key] = str(_group(twin, html) if group else html)
    html = shape.replace(_PREFIX, prefix)
    if filled is not None:
        value_html = conditional_escape(filled) if isinstance(shown, Textarea) else escape(filled)
        html = html.replace(_VALUE, value_html)
    # SafeString rather than mark_safe, whose check for lazy strings costs more here.
    return SafeString(html)  # drawn by the widget, the value escaped as it does


@lru_cache(maxsize=64)
def _plain(widget_class: type[Widget]) -> bool:
    """The widget draws its value as Django's Input and Textarea do: none of the methods
    that decide how is its own."""
    base = Input if issubclass(widget_class, Input) else Textarea
    return all(
        getattr(widget_class, name) is getattr(base, name)
        for name in ("format_value", "get_context", "render", "use_required_attribute")
    )

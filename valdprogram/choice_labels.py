"""A model field's choice label, as `instance.get_<field>_display()` gives it, from a table
made once per field and language: Django's method rebuilds that table on every call, and
the reports API asks some 1,200 times a page."""

from functools import lru_cache
from typing import Any

from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@lru_cache(maxsize=256)
def _labels(model: type[Model], field_name: str, language: str | None) -> dict[Any, Any]:
    field = model._meta.get_field(field_name)
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices  # type: ignore[union-attr]
    }


def display(instance: Model, field_name: str) -> Any:
    """`instance.get_<field_name>_display()`: the label of its value, or the value itself
    when it is not one of the choices."""
    value = getattr(instance, field_name)
    labels = _labels(type(instance), field_name, get_language())
    return labels.get(make_hashable(value), force_str(value, strings_only=True))

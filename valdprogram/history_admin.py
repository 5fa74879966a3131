"""django-simple-history's admin, with its history pages' ids checked before they are used.

simple_history filters the history by the ids in the address as they come: a history address
whose id is no number (`/admin/catalog/board/abc/history/`) made the database refuse the
query, and the refusal was a 500. Here such an address is 404, as the admin's own change page
answers it. Every admin with a history uses this class.
"""

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


def _checked(field: Field[Any, Any], value: str) -> None:
    try:
        field.to_python(value)
    except ValidationError:
        raise Http404("Sidan finns inte.") from None


class HistoryAdmin(SimpleHistoryAdmin):
    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _checked(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        _checked(self.model._meta.pk, unquote(object_id))
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        _checked(history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

from django.contrib import admin
from django.http import HttpRequest

from publishing.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read only: a publication is changed through the publishing pages, never here."""

    list_display = ["programme", "kind", "year", "number", "published_at", "withdrawn_at"]
    list_filter = ["programme", "kind", "year"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

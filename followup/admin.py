"""The follow-up in the admin: who belongs to which board, periods, and reports to look up.

Reports are written on the report page, where the rules (open period, versions, history)
hold; here they are read-only, so that the admin is never a way around them.
"""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from followup.models import (
    CityReader,
    Coordinator,
    GeneratedDocument,
    Membership,
    MidtermReport,
    MidtermSection,
    Reminder,
    Report,
    ReportEvent,
    ReportingPeriod,
    RoleSource,
)
from followup.services import reports_sync_for_programme
from valdprogram.history_admin import HistoryAdmin


class RoleSourceAdmin(HistoryAdmin):
    """A role saved here is a role given by hand: the city's login never removes it."""

    readonly_fields = ["source"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        obj.source = RoleSource.HAND
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(RoleSourceAdmin):
    list_display = ["user", "board", "role", "source"]
    list_filter = ["role", "source", "board__kind", "board"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "board__name"]
    autocomplete_fields = ["board"]
    list_select_related = ["user", "board"]


class ProgrammeRoleAdmin(RoleSourceAdmin):
    """A user's role for a whole programme: samordnare or city-wide reader."""

    list_display = ["user", "programme", "source"]
    list_filter = ["programme", "source"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "programme"]


@admin.register(Coordinator)
class CoordinatorAdmin(ProgrammeRoleAdmin):
    pass


@admin.register(CityReader)
class CityReaderAdmin(ProgrammeRoleAdmin):
    pass


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "report", "email"]
    list_filter = ["kind", "report__period"]
    list_select_related = ["report__board", "report__period"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(HistoryAdmin):
    list_display = ["__str__", "programme", "opens_on", "deadline", "state"]
    list_filter = ["programme", "year", "kind", "state"]
    list_select_related = ["programme"]

    def save_model(
        self, request: HttpRequest, obj: ReportingPeriod, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # A period opened here gives the boards their reports and rows, as "Öppna" does.
        reports_sync_for_programme(programme=obj.programme)


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    fields = ("at", "kind", "actor", "on_behalf", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(HistoryAdmin):
    list_display = ["board", "period", "state", "reopened", "updated_at"]
    list_filter = ["period__programme", "period__year", "period__kind", "state", "board__kind"]
    search_fields = ["board__name"]
    list_select_related = ["board", "period"]
    readonly_fields = [
        "period",
        "board",
        "state",
        "summary",
        "reopened",
        "created_at",
        "updated_at",
    ]
    exclude = ["version"]
    inlines = [ReportEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- The halvtidsrapport (issue 5) --------------------------------------------------------


class MidtermSectionInline(admin.StackedInline):
    model = MidtermSection
    fields = ("kind", "goal", "text", "prerequisite_states", "updated_by", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MidtermReport)
class MidtermReportAdmin(HistoryAdmin):
    """Read-only: the sections are written on the halvtidsrapport's page, where every save
    is checked against its version; here they can be looked up, with their history."""

    list_display = ["__str__", "programme", "created_at"]
    list_filter = ["programme", "year"]
    list_select_related = ["programme"]
    readonly_fields = ["programme", "year", "created_at"]
    inlines = [MidtermSectionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    """Read-only: the documents the task worker made or is making, with a failed job's
    error. They are made from the documents' pages and removed by `prune_documents`."""

    list_display = ["__str__", "programme", "state", "created_at", "finished_at", "expires_at"]
    list_filter = ["state", "kind", "programme"]
    list_select_related = ["programme"]
    readonly_fields = [field.name for field in GeneratedDocument._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

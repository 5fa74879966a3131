"""The catalog in the admin. A change to what a board answers for (an activity's or
indicator's responsible boards, an item deleted) reaches the reports being written in the
same transaction, through `followup.services.reports_sync_for_programme`."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardGroup,
    Goal,
    Indicator,
    IndicatorResponsibility,
    PeriodDefinition,
    Prerequisite,
    Programme,
)
from followup.models import EDITABLE_STATES, ActivityStatus, IndicatorOutcome, PeriodState
from followup.services import reports_sync_for_programme
from valdprogram.history_admin import HistoryAdmin

admin.site.site_header = "Valdprogram – administration"
admin.site.site_title = "Valdprogram"
admin.site.index_title = "Programkatalog och uppföljning"


class _BoardCounts(TypedDict):
    activity_count: int
    indicator_count: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A board as BoardAdmin.get_queryset annotates it.
    CountedBoard = WithAnnotations[Board, _BoardCounts]


@admin.register(Board)
class BoardAdmin(HistoryAdmin):
    list_display = ["name", "kind", "organisation", "activity_count", "indicator_count"]
    list_filter = ["kind", "organisation", "groups"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Board]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                activity_count=Count("activity_roles", distinct=True),
                indicator_count=Count("indicator_roles", distinct=True),
            )
        )

    @admin.display(description="aktiviteter", ordering="activity_count")
    def activity_count(self, board: "CountedBoard") -> int:
        return board.activity_count

    @admin.display(description="indikatorer", ordering="indicator_count")
    def indicator_count(self, board: "CountedBoard") -> int:
        return board.indicator_count


@admin.register(BoardGroup)
class BoardGroupAdmin(HistoryAdmin):
    list_display = ["name", "organisation"]
    filter_horizontal = ["boards"]
    prepopulated_fields = {"slug": ["name"]}


class PeriodDefinitionInline(admin.TabularInline):
    """The programme's reporting cycle: new periods are made from it (`periods_create`)."""

    model = PeriodDefinition
    fields = [
        "position",
        "code",
        "name",
        "opens_year_offset",
        "opens_month",
        "opens_day",
        "deadline_year_offset",
        "deadline_month",
        "deadline_day",
        "is_annual",
    ]
    extra = 0


class GoalInline(admin.TabularInline):
    model = Goal
    fields = ["number", "title"]
    extra = 0
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ["short_name", "organisation", "start_year", "end_year"]
    list_filter = ["organisation"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [PeriodDefinitionInline, GoalInline]


class PrerequisiteInline(admin.TabularInline):
    model = Prerequisite
    fields = ["position", "text"]
    extra = 0


@admin.register(Goal)
class GoalAdmin(HistoryAdmin):
    list_display = ["number", "title", "programme"]
    list_display_links = ["number", "title"]
    list_filter = ["programme"]
    search_fields = ["title"]
    list_select_related = ["programme"]
    inlines = [PrerequisiteInline]


class ActivityResponsibilityInline(admin.TabularInline):
    model = ActivityResponsibility
    fields = ["board", "role"]
    extra = 0
    autocomplete_fields = ["board"]


class IndicatorResponsibilityInline(admin.TabularInline):
    model = IndicatorResponsibility
    fields = ["board", "role"]
    extra = 0
    autocomplete_fields = ["board"]


class CommitmentAdmin(HistoryAdmin):
    list_display_links = ["text"]
    list_filter = [
        "goal__programme",
        "goal",
        "boards__kind",
        "boards",
        ("added_by", admin.EmptyFieldListFilter),
    ]
    search_fields = ["text", "responsible_text"]
    list_select_related = ["goal", "goal__programme"]
    ordering = ["goal__programme", "goal__number", "position"]

    @admin.display(description="mål", ordering="goal__number")
    def goal_number(self, item: Activity | Indicator) -> str:
        return f"{item.goal.programme.goal_label} {item.goal.number}"

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        reports_sync_for_programme(programme=form.instance.goal.programme)

    def delete_model(self, request: HttpRequest, obj: Activity | Indicator) -> None:
        self._delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._delete(request, list(queryset.select_related("goal__programme")))

    def _delete(self, request: HttpRequest, items: list[Activity | Indicator]) -> None:
        """The boards stop answering for the items, the reports being written lose their
        rows, then the items go (the admin's view holds the transaction)."""
        for item in items:
            item.responsibilities.all().delete()
        for programme in {item.goal.programme for item in items}:
            reports_sync_for_programme(programme=programme)
        for item in items:
            super().delete_model(request, item)

    def get_deleted_objects(
        self, objs: Iterable[Activity | Indicator], request: HttpRequest
    ) -> tuple[Any, Any, Any, list[Any]]:
        """Rows in reports still being written do not stand in the way: deleting the item
        takes them out of those reports (`_delete`). Rows that submitted, approved or locked
        reports were made from do."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected and not _rows_kept(self.model, [obj.pk for obj in objs]):
            protected = []
        return deleted, model_count, perms_needed, protected


def _rows_kept(model: type[Activity | Indicator], pks: list[int]) -> bool:
    """Whether any report that keeps its rows (not being written in an open period) has a
    row for one of the items."""
    rows: QuerySet[ActivityStatus | IndicatorOutcome] = (
        ActivityStatus.objects.filter(activity__in=pks)
        if model is Activity
        else IndicatorOutcome.objects.filter(indicator__in=pks)
    )
    being_written = rows.filter(
        report__state__in=EDITABLE_STATES, report__period__state=PeriodState.OPEN
    )
    return rows.exclude(pk__in=being_written.values("pk")).exists()


@admin.register(Activity)
class ActivityAdmin(CommitmentAdmin):
    list_display = ["goal_number", "position", "text", "responsible_text", "prevention_level"]
    list_filter = [*CommitmentAdmin.list_filter, "prevention_level"]
    inlines = [ActivityResponsibilityInline]


@admin.register(Indicator)
class IndicatorAdmin(CommitmentAdmin):
    list_display = ["goal_number", "position", "text", "kind", "responsible_text"]
    list_filter = [*CommitmentAdmin.list_filter, "kind"]
    inlines = [IndicatorResponsibilityInline]

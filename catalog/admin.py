from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardGroup,
    Goal,
    Indicator,
    IndicatorResponsibility,
    Prerequisite,
    Programme,
)

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
class BoardAdmin(SimpleHistoryAdmin):
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
class BoardGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation"]
    filter_horizontal = ["boards"]
    prepopulated_fields = {"slug": ["name"]}


class GoalInline(admin.TabularInline):
    model = Goal
    fields = ["number", "title"]
    extra = 0
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "organisation", "start_year", "end_year"]
    list_filter = ["organisation"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [GoalInline]


class PrerequisiteInline(admin.TabularInline):
    model = Prerequisite
    fields = ["position", "text"]
    extra = 0


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
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


class CommitmentAdmin(SimpleHistoryAdmin):
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

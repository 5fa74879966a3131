"""The programme catalog as public pages: the programme is a public document."""

from itertools import groupby
from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalog import selectors
from catalog.models import (
    Activity,
    Board,
    BoardGroup,
    BoardKind,
    Indicator,
    PreventionLevel,
    Programme,
)

BOARDS_PER_PAGE = 50
# The kinds of item in URLs of the responsible boards' list.
ITEM_KINDS: dict[str, type[Activity] | type[Indicator]] = {
    "aktiviteter": Activity,
    "indikatorer": Indicator,
}


def _get_programme(slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


@login_not_required
@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/programme_list.html", {"programmes": selectors.programmes()})


@login_not_required
@require_safe
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(selectors.programme_with_goals(slug))
    # Södertälje's plan has no indicators: its page does not count them.
    has_indicators = any(getattr(goal, "indicator_count", 0) for goal in programme.goals.all())
    return render(
        request,
        "catalog/programme_detail.html",
        {"programme": programme, "has_indicators": has_indicators},
    )


@login_not_required
@require_safe
def goal_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    goal = get_object_or_404(selectors.goal_in_programme(slug, number))
    activities, indicators = selectors.goal_responsible(goal)
    # Södertälje marks each measure with its prevention level: the reader may show one level.
    level_of = {r.item.pk: cast(Activity, r.item).prevention_level for r in activities}
    levels = [
        (value, label) for value, label in PreventionLevel.choices if value in level_of.values()
    ]
    level = request.GET.get("niva", "")
    if level in dict(levels):
        activities = [r for r in activities if level_of[r.item.pk] == level]
    else:
        level = ""
    return render(
        request,
        "catalog/goal_detail.html",
        {
            "programme": goal.programme,
            "goal": goal,
            "goal_heading": f"{goal.programme.goal_label} {goal.number}",
            "prerequisites": goal.prerequisites.all(),
            "activities": activities,
            "indicators": indicators,
            "has_indicators": getattr(goal, "programme_has_indicators", True),
            "levels": levels,
            "level": level,
        },
    )


@login_not_required
@require_safe
def responsible_list(
    request: HttpRequest, slug: str, number: int, kind: str, pk: int
) -> HttpResponse:
    """Every board responsible for one activity or indicator (or those of one group), a page
    at a time: the goal's page names only the first of them."""
    model = ITEM_KINDS.get(kind)
    if model is None:
        raise Http404("Sidan finns inte.")
    item = get_object_or_404(
        model.objects.in_programme().select_related("goal__programme"),
        goal__programme__slug=slug,
        goal__number=number,
        pk=pk,
    )
    group = None
    if group_slug := request.GET.get("grupp"):
        group = get_object_or_404(BoardGroup, slug=group_slug)
    paginator = Paginator(selectors.responsible_boards(item, group_slug), BOARDS_PER_PAGE)
    page = paginator.get_page(request.GET.get("sida"))
    goal = item.goal
    return render(
        request,
        "catalog/responsible_list.html",
        {
            "programme": goal.programme,
            "goal": goal,
            "goal_heading": f"{goal.programme.goal_label} {goal.number}",
            "item": item,
            "item_label": goal.programme.activity_label if model is Activity else "Indikator",
            "kind": kind,
            "group": group,
            "page": page,
        },
    )


@login_not_required
@require_safe
def board_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The responsible boards by kind, a page of BOARDS_PER_PAGE at a time: the page stays
    the same size however many boards."""
    programme = _get_programme(slug)
    page = Paginator(selectors.responsible_board_ids(programme), BOARDS_PER_PAGE).get_page(
        request.GET.get("sida")
    )
    counted = selectors.boards_with_counts(programme, list(page))
    shown = [counted[pk] for pk in page]
    kinds = [
        (BoardKind(kind).plural, list(members))
        for kind, members in groupby(shown, key=lambda board: board.kind)
    ]
    has_indicators = any(getattr(board, "indicator_count", 0) for board in shown)
    return render(
        request,
        "catalog/board_list.html",
        {"programme": programme, "kinds": kinds, "has_indicators": has_indicators, "page": page},
    )


@login_not_required
@require_safe
def board_detail(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    programme = _get_programme(slug)
    board = get_object_or_404(Board, slug=board_slug)
    goals = selectors.goals_with_board_commitments(programme, board)
    return render(
        request,
        "catalog/board_detail.html",
        {"programme": programme, "board": board, "goals": goals},
    )

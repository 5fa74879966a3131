"""Open data: the programme catalog as read-only JSON, version 1.

The shapes here are a public contract; add fields freely, never rename or remove them
within v1.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from catalog import selectors
from catalog.models import Activity, Board, Goal, Indicator, Programme


def _json(payload: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    # Public, anonymous data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def board_json(board: Board) -> dict[str, Any]:
    return {
        "slug": board.slug,
        "name": board.name,
        "kind": board.kind,
        "kind_label": board.get_kind_display(),
        "organisation": board.organisation,
    }


def _responsible(item: Activity | Indicator) -> list[dict[str, Any]]:
    return [
        {**board_json(responsibility.board), "role": responsibility.role}
        for responsibility in item.responsibilities.all()
    ]


def _goal_json(goal: Goal) -> dict[str, Any]:
    return {
        "number": goal.number,
        "title": goal.title,
        "prerequisites": [prerequisite.text for prerequisite in goal.prerequisites.all()],
        "activities": [
            {
                "id": activity.pk,
                "position": activity.position,
                "number": activity.number,
                "text": activity.text,
                "note": activity.note,
                "prevention_level": activity.prevention_level,
                "responsible_text": activity.responsible_text,
                "responsible": _responsible(activity),
            }
            for activity in goal.activities.all()
        ],
        "indicators": [
            {
                "id": indicator.pk,
                "position": indicator.position,
                "text": indicator.text,
                "kind": indicator.kind,
                "responsible_text": indicator.responsible_text,
                "responsible": _responsible(indicator),
            }
            for indicator in goal.indicators.all()
        ],
    }


def _programme_summary(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    return {
        "slug": programme.slug,
        "name": programme.name,
        "short_name": programme.short_name,
        "organisation": programme.organisation,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
        "url": request.build_absolute_uri(reverse("api-programme", args=[programme.slug])),
    }


@login_not_required
@require_safe
def programme_list(request: HttpRequest) -> JsonResponse:
    programmes = selectors.programmes()
    return _json({"programmes": [_programme_summary(request, p) for p in programmes]})


@login_not_required
@require_safe
def programme_detail(request: HttpRequest, slug: str) -> JsonResponse:
    programme = get_object_or_404(selectors.programme_catalog(slug))
    return _json(
        {
            **_programme_summary(request, programme),
            "vision": programme.vision,
            "goal_label": programme.goal_label,
            "activity_label": programme.activity_label,
            "goals": [_goal_json(goal) for goal in programme.goals.all()],
        },
    )


@login_not_required
@require_safe
def board_list(request: HttpRequest) -> JsonResponse:
    boards = Board.objects.prefetch_related("groups").order_by("name")
    return _json(
        {
            "boards": [
                {**board_json(board), "groups": [group.name for group in board.groups.all()]}
                for board in boards
            ]
        },
    )

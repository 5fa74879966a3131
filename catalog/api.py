"""Open data: the programme catalog as read-only JSON, version 1.

The shapes here are a public contract; add fields freely, never rename or remove them
within v1.

A programme's whole catalog and the list of boards are computed once per catalog change and
kept in the cache; clients revalidate with `If-None-Match` or `If-Modified-Since` and get 304
while nothing changed. Both rest on `selectors.catalog_changed_at`.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from catalog import selectors
from catalog.models import Activity, Board, Goal, Indicator, Programme
from valdprogram import indented_json
from valdprogram.indented_json import IndentedJsonResponse

# Part of every ETag: raise it when a release changes what the catalog's JSON looks like,
# so that no client keeps the old shape on a 304.
REVISION = 1


def _public(response: HttpResponse) -> HttpResponse:
    # Public, anonymous data: any site may read it; a cache revalidates before reusing it.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, no_cache=True)
    return response


def _json(payload: dict[str, Any]) -> HttpResponse:
    return _public(IndentedJsonResponse(payload))


def _changed_at(request: HttpRequest, **kwargs: Any) -> datetime | None:
    """The catalog's last change, read once per request (the headers and the body ask)."""
    if not hasattr(request, "catalog_changed_at"):
        request.catalog_changed_at = selectors.catalog_changed_at()  # type: ignore[attr-defined]
    return request.catalog_changed_at  # type: ignore[attr-defined]


def _version(request: HttpRequest) -> str | None:
    """What a catalog document depends on: the catalog's last change, this code's shape of
    it and the address it was asked on (its links carry the host); the same on every app
    server."""
    changed = _changed_at(request)
    if changed is None:
        return None
    origin = request.build_absolute_uri("/")
    return hashlib.sha256(f"{REVISION} {changed.isoformat()} {origin}".encode()).hexdigest()[:32]


def _etag(request: HttpRequest, **kwargs: Any) -> str | None:
    return _version(request)


def _cached_json(
    request: HttpRequest, name: str, document: Callable[[], dict[str, Any]]
) -> HttpResponse:
    """A catalog document computed once per catalog change (`_version`) and kept in the
    cache: `name` says which document (a programme's catalog, the boards), `document`
    computes it."""
    # A digest: the name holds whatever the address says, of any length.
    key = "catalog-api:" + hashlib.sha256(f"{name} {_version(request)}".encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = indented_json.dumps(document()).encode()
        cache.set(key, body, timeout=None)
    return _public(HttpResponse(body, content_type="application/json"))


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


def _programme_summary(programme: Programme, absolute_uri: Callable[[str], str]) -> dict[str, Any]:
    return {
        "slug": programme.slug,
        "name": programme.name,
        "short_name": programme.short_name,
        "organisation": programme.organisation,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
        "url": absolute_uri(reverse("api-programme", args=[programme.slug])),
    }


def programme_json(programme: Programme, absolute_uri: Callable[[str], str]) -> dict[str, Any]:
    """A programme's whole catalog, from `selectors.programme_catalog`; `absolute_uri` makes
    a path a whole address (the request's, or the site's in the archive package)."""
    return {
        **_programme_summary(programme, absolute_uri),
        "vision": programme.vision,
        "goal_label": programme.goal_label,
        "activity_label": programme.activity_label,
        "goals": [_goal_json(goal) for goal in programme.goals.all()],
    }


@login_not_required
@require_safe
@condition(etag_func=_etag, last_modified_func=_changed_at)
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes()
    return _json(
        {"programmes": [_programme_summary(p, request.build_absolute_uri) for p in programmes]}
    )


@login_not_required
@require_safe
@condition(etag_func=_etag, last_modified_func=_changed_at)
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def document() -> dict[str, Any]:
        programme = get_object_or_404(selectors.programme_catalog(slug))
        return programme_json(programme, request.build_absolute_uri)

    return _cached_json(request, f"programme {slug}", document)


@login_not_required
@require_safe
@condition(etag_func=_etag, last_modified_func=_changed_at)
def board_list(request: HttpRequest) -> HttpResponse:
    def document() -> dict[str, Any]:
        boards = Board.objects.prefetch_related("groups").order_by("name")
        return {
            "boards": [
                {**board_json(board), "groups": [group.name for group in board.groups.all()]}
                for board in boards
            ]
        }

    return _cached_json(request, "boards", document)

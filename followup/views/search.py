"""Search in what the boards wrote (followup.search), for those who follow a programme
city-wide: its samordnare and its city-wide readers. Everyone else gets 404."""

from collections.abc import Sequence
from typing import cast

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from catalog.models import Board
from catalog.selectors import cycle_of
from followup import access
from followup.models import ReportState
from followup.search import Filters, Hit, Search, full_text, words
from followup.views.choice import programme_choice

PAGE_SIZE = 20


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 6 else None


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    programmes = list(access.city_wide_programmes(request.user).order_by("pk"))
    if not programmes:
        raise Http404("Sidan finns inte.")
    choice = programme_choice(request, programmes)
    programme = choice.chosen or programmes[0]
    params = request.GET
    cycle = cycle_of(programme)
    boards = list(
        Board.objects.filter(reports__period__programme=programme).distinct().order_by("name")
    )
    goals = list(programme.goals.order_by("number"))
    # Only what the programme has is taken; anything else is no narrowing at all.
    year = _int(params.get("ar"))
    goal = _int(params.get("mal"))
    filters = Filters(
        year=year if year in programme.years else None,
        period=next((s.code for s in cycle if s.code == params.get("period")), ""),
        goal=goal if any(g.number == goal for g in goals) else None,
        board=next((b.slug for b in boards if b.slug == params.get("namnd")), ""),
        state=params.get("lage", "") if params.get("lage") in ReportState.values else "",
    )
    text = params.get("q", "").strip()
    # Search counts and slices like a queryset; it is indexed by slices only.
    hits = cast("Sequence[Hit]", Search(programme, text, filters))
    page = Paginator(hits, PAGE_SIZE).get_page(params.get("sida"))
    query = params.copy()
    query.pop("sida", None)
    return render(
        request,
        "followup/search.html",
        {
            "choice": choice,
            "programme": programme,
            "text": text,
            "searched": bool(words(text)),
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "years": list(programme.years),
            "cycle": cycle,
            "goals": goals,
            "boards": boards,
            "states": ReportState.choices,
            "full_text": full_text(),
        },
    )

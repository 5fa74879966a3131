"""Styrkort as PDF: one board's, or every board's in a ZIP.

The commitments-only styrkort is the catalog's public content and open to everyone, like the
catalog pages. The styrkort with status shows follow-up data: only for those who may read the
board's reports (404 for everyone else, as for a report). The ZIPs and the list of every
board's styrkort are for those who follow the whole programme (samordnare, city-wide readers).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_safe

from catalog.models import Activity, Board, PreventionLevel, Programme
from followup import access
from followup.documents.pdf import pdf_response
from followup.documents.styrkort import (
    styrkort_build,
    styrkort_pdf,
)
from followup.models import DocumentKind
from followup.views.choice import programme_choice
from followup.views.jobs import document_page


def _level(request: HttpRequest) -> str:
    """The prevention level in ?niva= ("" for every level); an unknown one is a page that
    does not exist."""
    level = request.GET.get("niva", "")
    if level and level not in PreventionLevel.values:
        raise Http404("Det finns ingen sådan preventionsnivå.")
    return level


@login_not_required
@require_safe
def styrkort_commitments(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    board = get_object_or_404(Board, slug=board_slug)
    card = styrkort_build(programme, board, with_status=False, level=_level(request))
    return pdf_response(styrkort_pdf(card), card.filename, private=False)


@require_safe
def styrkort_status(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    board = access.get_status_board(request.user, programme, board_slug)
    card = styrkort_build(programme, board, with_status=True, level=_level(request))
    return pdf_response(styrkort_pdf(card), card.filename)


@require_safe
def styrkort_list(request: HttpRequest) -> HttpResponse:
    """Every board's styrkort, per programme the user follows city-wide, with the ZIPs."""
    programmes = list(access.city_wide_programmes(request.user))
    if not programmes:
        raise Http404("Sidan finns inte.")
    choice = programme_choice(request, programmes)
    level = _level(request)
    levelled = set(
        Activity.objects.filter(goal__programme__in=choice.shown)
        .exclude(prevention_level="")
        .values_list("goal__programme", flat=True)
        .distinct()
    )
    entries = [
        (programme, list(Board.objects.responsible_in(programme)), programme.pk in levelled)
        for programme in choice.shown
    ]
    context = {
        "entries": entries,
        "choice": choice,
        "levels": PreventionLevel.choices,
        "selected_level": level,
        "level_query": f"?niva={level}" if level else "",
    }
    return render(request, "documents/styrkort_list.html", context)


ZIP_KINDS = {"status": DocumentKind.STYRKORT_STATUS, "ataganden": DocumentKind.STYRKORT_COMMITMENTS}


@require_http_methods(["GET", "HEAD", "POST"])
def styrkort_zip(request: HttpRequest, slug: str, variant: str) -> HttpResponse:
    """Every board's styrkort in one ZIP, made by the task worker: GET offers it, POST asks
    for it (`views.jobs.document_page`)."""
    granted = access.get_programme(request.user, slug)
    if variant not in ZIP_KINDS:
        raise Http404("Sidan finns inte.")
    return document_page(request, granted, ZIP_KINDS[variant], None)

"""The published results as public pages, for anyone, signed in or not: per programme
"Resultat", per published year its figures, each board's styrkort as published, and the
published PDFs.

Every view here is named in `login_not_required` deliberately (tests/test_auth.py lists
them); everything it shows comes from `publishing.results`, which reads only published
snapshots (`access.public_publications`): an unpublished year, a taken-down version and any
draft answer 404. A snapshot never changes, so each page carries an ETag and a repeated
request with If-None-Match gets 304 until something is published or taken down.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString
from django.views.decorators.http import condition, require_safe

from catalog.models import Programme
from followup.charts import Bar, trend_chart
from followup.views.city import assessment_chart
from publishing import suppression
from publishing.models import Publication, PublicationKind
from publishing.results import Published, year_results

View = Callable[..., HttpResponse]
PDF_MAX_AGE = 3600  # seconds


def published_of(request: HttpRequest, slug: str) -> Published:
    """The programme's published versions, read once per request (the ETag and the body
    both ask); 404 for a programme that does not exist."""
    cached: dict[str, Published] = request.__dict__.setdefault("_published", {})
    if slug not in cached:
        cached[slug] = Published.of(get_object_or_404(Programme, slug=slug))
    return cached[slug]


def _etag(request: HttpRequest, slug: str, **kwargs: Any) -> str:
    # The signed-in user's name is in the page's header: a page per user.
    return published_of(request, slug).etag(request.path, request.user.pk)


def public_page(view: View) -> View:
    """A public, read-only page with an ETag; caches revalidate before reusing it."""

    @login_not_required
    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = condition(etag_func=_etag)(view)(request, *args, **kwargs)
        patch_cache_control(response, no_cache=True)
        return response

    return wrapped


def trend_chart_of(indicator: dict[str, Any]) -> SafeString:
    """An indicator's city-wide value over the published years, as the dashboards draw it;
    a hidden small number is a gap that says "färre än 5"."""
    points = indicator["trend"]
    share = indicator["kind"] != "count"
    return trend_chart(
        chart_id=f"indikator-{indicator['id'] or abs(hash(indicator['text']))}",
        title=f"Utveckling år för år: {indicator['text']}",
        desc="; ".join(f"{point['year']}: {point['value']['display']}" for point in points),
        points=[
            Bar(
                str(point["year"]),
                suppression.chart_number(point["value"]),
                (point["value"]["share"] or point["value"]["numerator"])["display"],
                gap=point["value"]["display"] if point["value"]["suppressed"] else "saknas",
            )
            for point in points
        ],
        max_value=100 if share else None,
    )


def year_context(published: Published, result: dict[str, Any]) -> dict[str, Any]:
    """What the year's template draws beside `result`: the charts, from the same figures."""
    programme = published.programme
    charts: dict[int, SafeString] = {}
    trends: dict[object, SafeString] = {}
    city = result["city_followup"]
    for goal in city["goals"] if city else []:
        charts[goal["number"]] = assessment_chart(goal, programme)
        for indicator in goal["indicators"]:
            trends[indicator["id"] or indicator["text"]] = trend_chart_of(indicator)
    return {
        "programme": programme,
        "result": result,
        "charts": charts,
        "trends": trends,
        "rule": result["suppression"]["rule"],
    }


@public_page
def results_index(request: HttpRequest, slug: str) -> HttpResponse:
    published = published_of(request, slug)
    years = [
        {
            "year": year,
            "city": published.current(PublicationKind.CITY_FOLLOWUP, year),
            "midterm": published.current(PublicationKind.MIDTERM, year),
        }
        for year in reversed(published.years)
    ]
    return render(
        request,
        "publishing/results_index.html",
        {"programme": published.programme, "years": years, "rule": suppression.rule_text()},
    )


def _year_page(request: HttpRequest, slug: str, year: int, version: int | None) -> HttpResponse:
    published = published_of(request, slug)
    result = year_results(published, year, version=version)
    if result is None:
        raise Http404("Inget är publicerat för året.")
    return render(request, "publishing/results_year.html", year_context(published, result))


@public_page
def results_year(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _year_page(request, slug, year, None)


@public_page
def results_version(request: HttpRequest, slug: str, year: int, number: int) -> HttpResponse:
    """An earlier (or the current) version of the year's samlad uppföljning."""
    return _year_page(request, slug, year, number)


@public_page
def results_board(request: HttpRequest, slug: str, year: int, board_slug: str) -> HttpResponse:
    """One board's styrkort as published with the year's samlad uppföljning."""
    published = published_of(request, slug)
    result = year_results(published, year)
    card = next(
        (each for each in (result or {}).get("boards", []) if each["board_slug"] == board_slug),
        None,
    )
    if result is None or card is None:
        raise Http404("Nämndens styrkort är inte publicerat för året.")
    return render(
        request,
        "publishing/results_board.html",
        {
            "programme": published.programme,
            "result": result,
            "card": card,
            "rule": result["suppression"]["rule"],
        },
    )


def _public_publication(
    request: HttpRequest, slug: str, year: int, kind: str, number: int
) -> Publication:
    publication = published_of(request, slug).version(kind, year, number)
    if publication is None:
        raise Http404("Det finns ingen sådan publicerad version.")
    return publication


def _pdf_etag(request: HttpRequest, slug: str, year: int, kind: str, number: int) -> str:
    return _public_publication(request, slug, year, kind, number).pdf_sha256


@login_not_required
@require_safe
@condition(etag_func=_pdf_etag)
def results_pdf(request: HttpRequest, slug: str, year: int, kind: str, number: int) -> FileResponse:
    """A published PDF, from storage. It never changes: caches may keep it for an hour, and
    revalidate with its checksum after that (it may have been taken down)."""
    publication = _public_publication(request, slug, year, kind, number)
    try:
        stored = publication.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("PDF:en finns inte längre.") from None
    response = FileResponse(
        stored,
        content_type="application/pdf",
        filename=publication.pdf_filename,
    )
    patch_cache_control(response, public=True, max_age=PDF_MAX_AGE)
    return response

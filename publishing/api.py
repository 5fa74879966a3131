"""Open data: the published results as JSON and CSV, version 1 (README, "Öppna data: resultat").

The same figures as the public pages (`results.year_results`), small numbers hidden the same
way. The shapes are a public contract: fields are only ever added within v1. Any site may
read them (CORS, GET only); an ETag answers a repeated request with 304 until something is
published or taken down.
"""

import csv
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from followup.excel.layout import needs_quote
from publishing.models import PublicationKind
from publishing.public import published_of
from publishing.results import Published, results_rows, year_results
from valdprogram import indented_json

View = Callable[..., HttpResponse]


def _etag(request: HttpRequest, slug: str, **kwargs: Any) -> str:
    # The links carry the host, and the format is part of the address.
    origin = request.build_absolute_uri("/")
    return published_of(request, slug).etag(origin, request.get_full_path())


def open_data(view: View) -> View:
    """A public GET endpoint: CORS for any site, an ETag, and revalidation before reuse."""

    @login_not_required
    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = condition(etag_func=_etag)(view)(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"
        patch_cache_control(response, public=True, no_cache=True)
        return response

    return wrapped


def _json(payload: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        indented_json.dumps(payload), content_type="application/json; charset=utf-8"
    )


def _url(request: HttpRequest, name: str, *args: object) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _links(request: HttpRequest, published: Published, year: int) -> dict[str, Any]:
    slug = published.programme.slug
    links: dict[str, Any] = {
        "json": _url(request, "api-results-year", slug, year),
        "csv": _url(request, "api-results-csv", slug, year),
        "page": _url(request, "results-year", slug, year),
        "pdf": {},
    }
    for kind in PublicationKind.values:
        current = published.current(kind, year)
        if current is not None:
            links["pdf"][kind] = _url(request, "results-pdf", slug, year, kind, current.number)
    return links


@open_data
def results_list(request: HttpRequest, slug: str) -> HttpResponse:
    published = published_of(request, slug)
    return _json(
        {
            "programme": published.programme.slug,
            "years": [
                {
                    "year": year,
                    "documents": [
                        kind
                        for kind in PublicationKind.values
                        if published.current(kind, year) is not None
                    ],
                    **_links(request, published, year),
                }
                for year in published.years
            ],
        }
    )


def _result(request: HttpRequest, slug: str, year: int) -> dict[str, Any]:
    published = published_of(request, slug)
    result = year_results(published, year)
    if result is None:
        raise Http404("Inget är publicerat för året.")
    result["links"] = _links(request, published, year)
    return result


def _csv_cell(value: object) -> object:
    # A spreadsheet must never take a text for a formula: Excel's quote, as in the exports.
    return f"'{value}" if needs_quote(value) else value


def _csv(result: dict[str, Any]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in results_rows(result):
        writer.writerow([_csv_cell(value) for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"resultat-{result['programme']['slug']}-{result['year']}.csv"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@open_data
def results_year(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The year as JSON, or as CSV with ?format=csv."""
    result = _result(request, slug, year)
    if request.GET.get("format") == "csv":
        return _csv(result)
    return _json(result)


@open_data
def results_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _csv(_result(request, slug, year))

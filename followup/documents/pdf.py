"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

Every document (styrkort, samlad uppföljning, halvtidsrapport) is a Django template that
extends `documents/base.html` and is turned into PDF bytes here:

    from followup.documents.pdf import pdf_response, render_pdf

    pdf = render_pdf("documents/styrkort.html", {"title": "Styrkort …", ...})
    return pdf_response(pdf, "styrkort-rinkeby-kista.pdf")

`render_pdf(template_name, context, *, request=None) -> bytes` renders the template (with the
request's context processors when a request is given) and then the PDF. The context should
hold `title` (the document's title: PDF metadata, running header) and may hold
`organisation`, `description` and `generated_on`. Templates link static files the usual way,
`{% static "css/print.css" %}`; `documents/base.html` already links the print stylesheet.
Charts from `followup.charts` go in through `chart_for_print`, which sets them in the
documents' fonts. `pdf_response(pdf, filename, *, private=True)` serves the bytes.

Safety (DESIGN.md, "PDF rendering fetches nothing from the network or disk beyond the app's
own static files"): the document is parsed with a base URL on a reserved, never-resolving
host, and `StaticFilesFetcher` answers only URLs under `static_base_url()` (that host's
STATIC_URL), reading the file through the staticfiles finders (or STATIC_ROOT, for
collectstatic's hashed names).
Everything else, http(s) elsewhere, `file:`, `data:` and any other scheme, is refused
before anything is opened, so user text that slipped through as markup could still not make
the renderer read a file or call out. Charts go inline as SVG elements (`chart_for_print`), so
`data:` URLs are not needed and are refused too.

The output is tagged PDF (PDF/UA-1 variant: a structure tree, the document's language and
title), with bookmarks from the headings (`bookmark-level` in print.css).
"""

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils._os import safe_join
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from followup import charts

# The documents' base URL. ".invalid" is reserved (RFC 2606) and never resolves, so even a
# fetcher bug could not reach a real host through it.
DOCUMENT_ORIGIN = "https://documents.invalid"

# Tagged PDF with the document's language and title: what screen readers need. The fonts
# go in whole (about 100 kB a document) rather than subset: subsetting with fontTools takes
# a third of the time a styrkort takes to render.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "full_fonts": True}


class RefusedURL(ValueError):
    """A document asked for something outside the app's static files."""


def static_base_url() -> str:
    """Where the documents' static files live: the STATIC_URL under DOCUMENT_ORIGIN, or
    STATIC_URL itself when it is absolute (a CDN; the files are still read from disk)."""
    static_url = settings.STATIC_URL
    if urlsplit(static_url).scheme:
        return static_url
    return f"{DOCUMENT_ORIGIN}/{static_url.lstrip('/')}"


def static_file_for_url(url: str) -> Path | None:
    """The static file a document URL names, or None when the URL is anything else.

    Only `static_base_url()` + a relative path qualifies; the path must resolve inside a
    static directory (the finders and `safe_join` refuse `..` and absolute paths).
    """
    base = static_base_url()
    if not url.startswith(base) or urlsplit(url).query or urlsplit(url).fragment:
        return None
    relative_url = url.removeprefix(base)
    relative = unquote(relative_url)
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    try:
        found = finders.find(relative)
        if found is None and settings.STATIC_ROOT:
            # collectstatic's hashed names (css/print.3f2a….css) exist only here.
            candidate = Path(safe_join(settings.STATIC_ROOT, relative))
            found = str(candidate) if candidate.is_file() else None
    except SuspiciousFileOperation:
        return None
    return Path(found) if found else None


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, narrowed to the app's static files.

    Inherits from `URLFetcher` only because WeasyPrint requires it; none of urllib's
    handlers are ever reached, since `fetch` answers from disk or refuses.
    """

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = static_file_for_url(url)
        if path is None:
            raise RefusedURL(f"Dokument får bara hämta appens statiska filer, inte {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


# The documents' own fonts (print.css), for the text inside charts.
PRINT_CHART_FONT = 'font-family="\'Source Sans 3\', Dokumentsymboler, sans-serif" font-size="13"'


def chart_for_print(svg: SafeString) -> SafeString:
    """A chart from `followup.charts`, set in the documents' own fonts rather than the
    screen's system-ui, which WeasyPrint would look up among the machine's fonts."""
    return mark_safe(svg.replace(charts.FONT, PRINT_CHART_FONT))  # noqa: S308 - only attributes change


def html_to_pdf(html: str) -> bytes:
    """PDF bytes from an HTML document string, with the restricted fetcher."""
    fetcher = StaticFilesFetcher(fail_on_errors=False)
    document = HTML(string=html, base_url=f"{DOCUMENT_ORIGIN}/", url_fetcher=fetcher)
    return document.write_pdf(font_config=FontConfiguration(), **PDF_OPTIONS)


def render_pdf(
    template_name: str, context: Mapping[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """Render a document template (extending `documents/base.html`) to PDF bytes."""
    html = render_to_string(template_name, dict(context), request=request)
    return html_to_pdf(html)


def pdf_response(pdf: bytes, filename: str, *, private: bool = True) -> HttpResponse:
    """An HTTP response carrying a PDF, opened in the browser and saved as `filename`.

    `private` (the default) keeps any cache from storing it: most documents hold follow-up
    data that only some users may read.
    """
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(False, filename)
    assert disposition is not None  # it is None only without a filename
    response["Content-Disposition"] = disposition
    if private:
        add_never_cache_headers(response)
    return response

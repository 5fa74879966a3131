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
`{% static "css/print.css" %}`; the print stylesheet itself is not linked but given to
WeasyPrint already parsed (`print_styles`).
Charts from `followup.charts` go in through `chart_for_print`, which sets them in the
documents' fonts. `pdf_response(pdf, filename, *, private=True)` serves the bytes.

Safety (DESIGN.md, "PDF rendering fetches nothing from the network or disk beyond the app's
own static files"): the document is parsed with a base URL on a reserved, never-resolving
host, and `StaticFilesFetcher` answers only URLs under `static_base_url()` (that host's
STATIC_URL), reading the file through the staticfiles finders (or STATIC_ROOT, for
collectstatic's hashed names).
The one other thing it reads is the city's logo, a file the operator put in
`settings.DOCUMENT_LOGO_DIR` (`issuer.logo_file_for_url`). Everything else, http(s)
elsewhere, `file:`, `data:` and any other scheme, is refused before anything is opened,
so user text that slipped through as markup could still not make the renderer read a file
or call out. Charts go inline as SVG elements (`chart_for_print`), so
`data:` URLs are not needed and are refused too.

The output is tagged PDF (PDF/UA-1 variant: a structure tree, the document's language and
title), with bookmarks from the headings (`bookmark-level` in print.css).

Speed (issue 12, point 6). Most of a document's time is WeasyPrint's own layout and drawing,
which grows with the text; around it, these costs were cut:

- print.css and its six fonts were parsed, and the fonts unpacked from WOFF and registered
  with fontconfig, for every document (about 35 ms a styrkort). `print_styles` does it once
  per thread (WeasyPrint's objects are not shared between threads) and again only when
  print.css changes; a ZIP of every board's styrkort reuses it 23 times.
- Python's cyclic garbage collector ran dozens of times during a long document, each full
  pass walking every object of the process (Django's, the layout's). `_collector_paused`
  holds it off during the render and then collects the render's own young objects once:
  a fifth of the samlad uppföljning's time, with the same peak memory.
- pydyf compressed every stream at zlib's slowest level, and tinyhtml5 rebuilt a regular
  expression for every run of text it parsed: `speedups.py` mends both (a styrkort's
  writing 95 → 80 ms, the halvtidsrapport's parse 79 → 43 ms).
- WeasyPrint made the contents' leader (the dots before each page number) one text box a
  dot: 4,400 of the samlad uppföljning's 14,800 boxes, on a page it lays out three times
  (its numbers are known only once the targets are). `speedups.py` makes each row of dots
  one text box, at the same place (the samlad uppföljning −10 %, the halvtidsrapport −7 %).
- WeasyPrint made a Pango context for every run of text, threw each laid-out line away and
  laid it out again to draw it, and worked out every box's used lengths and every line's
  strut again on each pass: `layout_speedups.py` shares and keeps them, drawing every page
  the same, glyph for glyph (a styrkort's PDF 283 → 235 ms CPU, −17 %; the
  halvtidsrapport 1,091 → 1,008 ms, −8 %).
- The samlad uppföljning's appendix tables are laid out fixed from their first row, which
  is the table's title across every column: its five columns came out equal, whatever
  print.css said, and the text wrapped in narrow columns. Their `<col>`s now carry the
  widths: 44 → 36 pages, −7 %. Every word is the same; only where the pages break, and so
  where a continued table repeats its header, has moved.

What remains is WeasyPrint's own work, which grows with the text. The samlad
uppföljning (36 pages, ~1.9 s CPU): parse 55 ms, styles 140 ms, boxes 140 ms, layout
~0.85 s (the appendix's pages ~30 ms each), backgrounds 75 ms, drawing 0.4 s, tagging
70 ms, writing 80 ms, and the final collection of the render's objects ~0.12 s. Cheaper
CSS does not change it: fixed table layouts everywhere, no `break-inside: avoid`, no
widows and orphans, no kerning, separate instead of collapsed borders each moved it by
less than the noise (December 2026); nor did removing the whitespace between table rows,
cells and list items (WeasyPrint drops it early), and rendering in a forked child that
exits instead of collecting cost more CPU than it saved (copy-on-write). Left: WeasyPrint
draws SVG text letter by letter (a Pango layout and a text object per letter, an XObject
per centred label), so the charts are ~130 ms of the halvtidsrapport's ~1 s. The
contents page's three layouts are WeasyPrint's way with `target-counter` and cost ~20 ms
a pass now. The ZIP of every board's styrkort renders its PDFs in worker processes
(`parallel.py`); the samlad uppföljning makes its second half (at Stockholm's size the
appendix) in a second process while the first is made here, and joins the two PDFs into one
(`split.py`: ~0.65 of its time to the PDF on two cores, the same document).
"""

import gc
import mimetypes
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from followup import charts
from followup.documents import artifacts, layout_speedups, speedups

artifacts.install()  # the running header and page numbers as artifacts, not content

speedups.install()  # pydyf's compression level, tinyhtml5's scanning expressions

layout_speedups.install()  # text layouts and used lengths made once, not for every pass

# The documents' base URL. ".invalid" is reserved (RFC 2606) and never resolves, so even a
# fetcher bug could not reach a real host through it.
DOCUMENT_ORIGIN = "https://documents.invalid"


def _fast_font_subsets() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz-Subset (libharfbuzz-subset0,
    4.1 or newer), which takes about 1 ms a font; without it fontTools does, in Python."""
    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# Tagged PDF with the document's language and title: what screen readers need. The fonts go
# in as subsets of the glyphs used when HarfBuzz makes them (a styrkort 50 kB instead of
# 133 kB, and faster than compressing the whole fonts); whole otherwise, since subsetting
# with fontTools takes a third of the time a styrkort takes to render.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "full_fonts": not _fast_font_subsets()}


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
        from followup.documents.issuer import logo_file_for_url

        path = static_file_for_url(url) or logo_file_for_url(url)
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


PRINT_STYLESHEET = "css/print.css"


class _PrintStyles(threading.local):
    """This thread's parsed print stylesheet, the fonts it declares, and which version of
    the file they came from."""

    key: tuple[str, int] | None = None
    font_config: FontConfiguration
    stylesheet: CSS


_print_styles = _PrintStyles()


def print_styles() -> tuple[FontConfiguration, CSS]:
    """The documents' stylesheet, parsed, and the font configuration holding its fonts:
    made on a thread's first document and again only when print.css changes."""
    url = static_base_url() + PRINT_STYLESHEET
    path = static_file_for_url(url)
    if path is None:
        raise RefusedURL(f"{PRINT_STYLESHEET} finns inte bland appens statiska filer")
    key = (url, path.stat().st_mtime_ns)
    if _print_styles.key != key:
        font_config = FontConfiguration()
        fetcher = StaticFilesFetcher(fail_on_errors=False)
        _print_styles.stylesheet = CSS(url=url, url_fetcher=fetcher, font_config=font_config)
        _print_styles.font_config = font_config
        _print_styles.key = key
    return _print_styles.font_config, _print_styles.stylesheet


_collector_lock = threading.Lock()
_collector_holds = 0
_collector_was_enabled = True


@contextmanager
def _collector_paused(collect: bool = True) -> Iterator[None]:
    """Hold off Python's cyclic garbage collector while a document renders, then collect
    the youngest generation (what the render allocated) once (unless not `collect`: a
    process that exits next). Counted, so that of two renders at once in two threads the
    last to finish lets the collector run again; left off if something else had turned it
    off."""
    global _collector_holds, _collector_was_enabled
    with _collector_lock:
        if _collector_holds == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_holds += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_holds -= 1
            if _collector_holds == 0 and _collector_was_enabled:
                gc.enable()
        if collect:
            gc.collect(0)


def html_to_pdf(html: str, *, collect: bool = True) -> bytes:
    """PDF bytes from an HTML document string, with the restricted fetcher and the
    documents' print stylesheet; `collect=False` in a process that exits right after
    (its objects go with it, uncollected)."""
    font_config, stylesheet = print_styles()
    fetcher = StaticFilesFetcher(fail_on_errors=False)
    document = HTML(string=html, base_url=f"{DOCUMENT_ORIGIN}/", url_fetcher=fetcher)
    with _collector_paused(collect):
        return document.write_pdf(font_config=font_config, stylesheets=[stylesheet], **PDF_OPTIONS)


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

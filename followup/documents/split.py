"""One long document made in two processes at once, joined into one PDF (issue 12, point 6).

The samlad uppföljning is sections that each start on a new page: the cover, contents, the
goals, then the appendix of every board's figures; so is the halvtidsrapport (the cover,
contents and summary, each goal, then "Där mer stöd behövs"). On a machine with two cores
their two halves are laid out, drawn and written at the same time, the second in a forked process,
and joined here into the one PDF that a single render would have made:

    from followup.documents.split import html_to_pdf_in_two

    pdf = html_to_pdf_in_two(html)  # html marked with FIRST_PAGE and SECOND_PART

The template marks where the second part may begin (`SECOND_PART`, before each section
that starts on a new page; the one nearest the middle of the HTML is taken, as the time goes
with its length) and where the pages' content begins (`FIRST_PAGE`, after the running
header's element, which the second part needs too). The samlad uppföljning at Stockholm's
size is split before its appendix (57 % of the time); at a hundred times, where each goal
quotes 100 boards' analyses, before a goal; the halvtidsrapport before its fourth goal of six
(its second part is 52 % of the HTML). The two halves depend on each other
only through numbers, which they trade while WeasyPrint runs:

- "Sida X av N": when a process has laid out its pages and comes to their margin boxes, it
  tells the other how many it has, and the second part's page numbers go on from the first's
  (`_Exchange.margin_counters`);
- the contents' page numbers of the second part's entries: the first part holds an empty element
  for each id of the second (`_anchors`); when its layout reaches them, it waits for the pages
  the second part found them on and counts from there (`_Exchange.target_counters`), and
  WeasyPrint lays out the contents page again with those numbers, as it always does.

`join` then makes one PDF of the two: the second part's pages after the first's, its
structure tree after the first's in the same Document element (the first part's table
header ids renamed, so that none repeats), one parent tree numbered as WeasyPrint numbers
it (the pages in order, then the links), the named destinations of both (the contents'
links point to the second part's own), and its bookmarks after the first's, nested as one
render nests them: by the headings' levels, which each process notes while WeasyPrint makes
its outline (`_Exchange.levels`; a goal's h2 in the second part of the halvtidsrapport is
under the cover's h1, as it is in one render). The title,
language and metadata are the first part's, which are the document's. Each part embeds its
own subsets of the fonts. The first part's PDF is opened and readied while the second is
still being made (`_Joined`).

Made in this process, as one render, whenever the halves cannot be made apart: one render
process configured (`DOCUMENT_RENDER_PROCESSES`), a process that cannot fork safely
(`parallel.forking_is_safe`), no mark in the HTML, or anything failing on the way (the
other process dies, the join finds what it does not expect). tests/test_pdf_split.py checks
that both ways make the same pages, text, structure tree, bookmarks and links.
"""

import copy
import logging
import multiprocessing
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from multiprocessing.connection import Connection
from typing import Any

import pikepdf
from django.conf import settings
from weasyprint import layout
from weasyprint.css.targets import TargetCollector
from weasyprint.document import Document

from followup.documents import parallel
from followup.documents.pdf import html_to_pdf

logger = logging.getLogger(__name__)

FIRST_PAGE = "<!-- split: pages -->"
SECOND_PART = "<!-- split: second part -->"

# How long one process waits for the other's numbers or PDF before making the document alone.
WAIT_SECONDS = 300

_ID = re.compile(r'\sid="([^"]+)"')
_INTERNAL_LINK = re.compile(r'\shref="#([^"]*)"')


class SplitFailed(RuntimeError):
    """The other process did not answer, or the parts could not be joined."""


@dataclass
class _Exchange:
    """This process's side of the trade of numbers while its part renders."""

    connection: Connection
    second: bool  # this process renders the second part
    second_ids: frozenset[str] = frozenset()
    offset: int = 0  # pages before this part's
    total: int | None = None  # pages of the whole document
    their_pages: int | None = None
    their_anchors: dict[str, int] | None = None  # the second part's ids: their page index
    sent: int | None = None  # the pages of the first part, as told to the second
    levels: list[int] = field(default_factory=list)  # its bookmarks' levels, in order

    def receive(self) -> Any:
        if not self.connection.poll(WAIT_SECONDS):
            raise SplitFailed("the other process did not answer")
        return self.connection.recv()

    def trade(self, pages: int) -> None:
        """In the first part: the second part's pages and ids for this part's pages, once."""
        if self.sent is None:
            self.their_pages, self.their_anchors = self.receive()
            self.connection.send(pages)
            self.sent = pages

    def margin_counters(self, context: Any, state: Any) -> None:
        """Before this part's first margin box: trade page counts; then give each page its
        number in the whole document and the whole document's count."""
        if self.total is None:
            pages = len(context.page_maker) - 1
            if self.second:
                anchors = {
                    name: item.page_maker_index
                    for name, item in context.target_collector.target_lookup_items.items()
                    if item.page_maker_index is not None
                }
                self.connection.send((pages, anchors))
                self.offset = self.receive()
                self.total = self.offset + pages
            else:
                self.trade(pages)
                if self.sent != pages:
                    raise SplitFailed(f"the first part told {self.sent} pages, has {pages}")
                assert self.their_pages is not None
                self.total = pages + self.their_pages
        counters = state[1]
        counters["page"] = [counters["page"][-1] + self.offset]
        counters["pages"] = [self.total]

    def target_counters(self, anchor: str, counters: dict[str, Any]) -> dict[str, Any]:
        """The page counters of one of the second part's ids, held in the first part by an
        empty element on its last page: that page's number, plus the page the id is on in
        the second part. The first part's pages are told to the second part here, where
        they are first known, and checked before its margin boxes."""
        page = counters["page"][-1]
        self.trade(page)
        assert self.their_anchors is not None
        index = self.their_anchors.get(anchor)
        if index is None:
            return counters
        counters = copy.deepcopy(counters)
        counters["page"] = [page + 1 + index]
        return counters


class _Current(threading.local):
    exchange: _Exchange | None = None


_current = _Current()

_margin_boxes_original = layout.make_margin_boxes
_cache_target_original = TargetCollector.cache_target_page_counters
_bookmark_tree_original = Document.make_bookmark_tree


def _make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
    exchange = _current.exchange
    if exchange is not None:
        exchange.margin_counters(context, state)
    return _margin_boxes_original(context, page, state)


def _cache_target_page_counters(
    self: TargetCollector, anchor_name: Any, page_counter_values: Any, *args: Any
) -> None:
    exchange = _current.exchange
    if exchange is not None and not exchange.second and anchor_name in exchange.second_ids:
        page_counter_values = exchange.target_counters(anchor_name, page_counter_values)
    _cache_target_original(self, anchor_name, page_counter_values, *args)


def _make_bookmark_tree(self: Document, *args: Any, **kwargs: Any) -> Any:
    exchange = _current.exchange
    if exchange is not None:
        exchange.levels = [bookmark[0] for page in self.pages for bookmark in page.bookmarks]
    return _bookmark_tree_original(self, *args, **kwargs)


def install() -> None:
    if layout.make_margin_boxes is _margin_boxes_original:
        layout.make_margin_boxes = _make_margin_boxes
    if TargetCollector.cache_target_page_counters is _cache_target_original:
        TargetCollector.cache_target_page_counters = _cache_target_page_counters
    if Document.make_bookmark_tree is _bookmark_tree_original:
        Document.make_bookmark_tree = _make_bookmark_tree


@contextmanager
def _exchanging(exchange: _Exchange) -> Iterator[None]:
    install()
    _current.exchange = exchange
    try:
        yield
    finally:
        _current.exchange = None


@dataclass
class _Parts:
    first: str
    second: str
    second_ids: frozenset[str] = field(default_factory=frozenset)


def _anchors(ids: frozenset[str]) -> str:
    spans = "".join(f'<span id="{name}"></span>' for name in sorted(ids))
    return f'<div class="split-anchors">{spans}</div>'


def split_html(html: str) -> _Parts | None:
    """The two parts of a marked document, or None when it is not marked, or when the second
    part links to the first (it would not find the target: only the other way round is
    traded)."""
    start, end = html.find(FIRST_PAGE), html.rfind("</body>")
    marks = [match.start() for match in re.finditer(re.escape(SECOND_PART), html)]
    if start < 0 or not marks:
        return None
    # The time goes with the length of the HTML (at Stockholm's size, 41 % of it made 41 %
    # of the time): the mark nearest the middle halves the work best.
    middle = (start + end) / 2
    second = min(marks, key=lambda mark: abs(mark - middle))
    if not start < second < end:
        return None
    ids = frozenset(_ID.findall(html, second, end))
    if not set(_INTERNAL_LINK.findall(html, second, end)) <= ids:
        return None
    return _Parts(
        first=html[:second] + _anchors(ids) + html[end:],
        second=html[:start] + html[second:],
        second_ids=ids,
    )


def html_to_pdf_in_two(html: str) -> bytes:
    """The PDF of a marked document, its two parts made at once in two processes where
    that can be done, otherwise here as one render."""
    parts = split_html(html)
    if (
        parts is None
        or settings.DOCUMENT_RENDER_PROCESSES < 2
        or not parallel.forking_is_safe()
        or multiprocessing.current_process().daemon  # may not start processes of its own
    ):
        return html_to_pdf(html)
    try:
        return _in_two(parts)
    except (SplitFailed, OSError, EOFError, pikepdf.PdfError, KeyError, ValueError) as error:
        logger.warning("Made in one process: the two parts failed (%s).", error)
        return html_to_pdf(html)


def _second_part(connection: Connection, html: str) -> None:
    parallel.start_worker()
    exchange = _Exchange(connection, second=True)
    with _exchanging(exchange):
        pdf = html_to_pdf(html, collect=False)
    connection.send(exchange.levels)
    connection.send_bytes(pdf)
    connection.close()


def _in_two(parts: _Parts) -> bytes:
    here, there = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=_second_part, args=(there, parts.second), daemon=True
    )
    process.start()
    there.close()  # here it is the other process's end: closed, its death is our EOF
    try:
        exchange = _Exchange(here, second=False, second_ids=parts.second_ids)
        with _exchanging(exchange):
            first = _Joined(html_to_pdf(parts.first), held=parts.second_ids)
        if not here.poll(WAIT_SECONDS):
            raise SplitFailed("the second part's PDF did not come")
        levels = exchange.levels + here.recv()
        second = here.recv_bytes()
    except BaseException:
        process.kill()
        raise
    finally:
        here.close()
        process.join()
    return first.join(second, levels=levels)


# --- Joining the two PDFs ---------------------------------------------------------------------


def _struct_parent_keys(pdf: pikepdf.Pdf) -> tuple[list[int], list[int]]:
    """The parent tree's keys of the pages, in order, and of the annotations."""
    pages = [int(page.obj.StructParents) for page in pdf.pages]
    annotations = sorted(
        int(annotation.StructParent)
        for page in pdf.pages
        for annotation in page.obj.get("/Annots", [])
        if "/StructParent" in annotation
    )
    return pages, annotations


def _number_tree(tree: Any) -> dict[int, Any]:
    nums = tree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _document_element(pdf: pikepdf.Pdf) -> Any:
    kids = pdf.Root.StructTreeRoot.K
    element = kids[0] if isinstance(kids, pikepdf.Array) else kids
    if len(kids) != 1 or element.get("/S") != "/Document":
        raise SplitFailed("the structure tree is not one Document element")
    return element


def _kids(element: pikepdf.Dictionary) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _walk(element: Any) -> Iterator[pikepdf.Dictionary]:
    if isinstance(element, pikepdf.Dictionary) and "/S" in element:
        yield element
        for kid in _kids(element):
            yield from _walk(kid)


def _rename_header_ids(document: pikepdf.Dictionary, prefix: str) -> None:
    """Table header ids (WeasyPrint numbers them per document, "12-0-3") made unique:
    `prefix`, which is not a digit, before each, in the headers and in the cells that name
    them; once, however often the walk meets an element."""

    def renamed(name: Any) -> pikepdf.String:
        name = str(name)
        return pikepdf.String(name if name.startswith(prefix) else prefix + name)

    for element in _walk(document):
        if "/ID" in element:
            element.ID = renamed(element.ID)
        values = element.get("/A")
        for attributes in values if isinstance(values, pikepdf.Array) else [values]:
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                attributes.Headers = pikepdf.Array([renamed(name) for name in attributes.Headers])


def _drop_anchor_holders(document: pikepdf.Dictionary) -> None:
    """The first part's empty elements for the second part's ids, if WeasyPrint tagged them:
    elements with nothing in them, at the end of the tree."""

    def empty(element: Any) -> bool:
        return isinstance(element, pikepdf.Dictionary) and all(empty(k) for k in _kids(element))

    kids = _kids(document)
    while kids and empty(kids[-1]):
        kids.pop()
    document.K = pikepdf.Array(kids)


def _dests(pdf: pikepdf.Pdf) -> dict[str, Any]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return dict(pikepdf.NameTree(names.Dests).items())


def _outline_items(pdf: pikepdf.Pdf) -> list[pikepdf.OutlineItem]:
    with pdf.open_outline() as outline:
        return list(outline.root)


def _flat_outline(
    items: list[pikepdf.OutlineItem], copied: Callable[[Any], Any]
) -> list[pikepdf.OutlineItem]:
    """Each bookmark, in reading order, as an item without children."""
    flat = []
    for item in items:
        destination = item.destination
        twin = pikepdf.OutlineItem(
            item.title,
            copied(destination) if isinstance(destination, pikepdf.Object) else destination,
        )
        twin.is_closed = item.is_closed
        flat.append(twin)
        flat += _flat_outline(list(item.children), copied)
    return flat


def _depths(levels: list[int]) -> Iterator[int]:
    """The depth in the outline of each bookmark of these levels, as WeasyPrint nests them
    (`weasyprint.anchors.make_page_bookmark_tree`: an h3 after an h1 is one deeper)."""
    skipped: list[int] = []
    previous = 0
    for level in levels:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            at = level
            while at < previous:
                at += 1 + skipped.pop()
            if at > previous:
                skipped.append(at - previous - 1)
        previous = level
        yield level - sum(skipped)


def _nested(items: list[pikepdf.OutlineItem], levels: list[int]) -> list[pikepdf.OutlineItem]:
    """The outline of these bookmarks (in reading order, without children) of these levels."""
    if len(items) != len(levels):
        raise SplitFailed(f"{len(items)} bookmarks, {len(levels)} levels")
    root: list[pikepdf.OutlineItem] = []
    last_by_depth = [root]
    for item, depth in zip(items, _depths(levels), strict=True):
        last_by_depth[depth - 1].append(item)
        del last_by_depth[depth:]
        last_by_depth.append(item.children)
    return root


class _Joined:
    """The first part's PDF, opened and made ready while the second part is still being
    made (`held`: the second part's ids, which the first holds empty elements for); `join`
    adds the second part's and gives the one PDF (see the module's docstring)."""

    def __init__(self, first_pdf: bytes, held: frozenset[str] = frozenset()) -> None:
        self.pdf = pikepdf.open(BytesIO(first_pdf))
        self.pages, self.annotations = _struct_parent_keys(self.pdf)
        if self.pages != list(range(len(self.pages))):
            raise SplitFailed("the pages' parent tree keys are not 0, 1, 2, …")
        self.document = _document_element(self.pdf)
        _drop_anchor_holders(self.document)
        _rename_header_ids(self.document, "a-")
        self.tree = _number_tree(self.pdf.Root.StructTreeRoot.ParentTree)
        # The first part's destinations, less its empty elements held for the second's ids:
        # those are the second part's, where it has them (an id inside a chart's SVG is none).
        self.dests = {name: dest for name, dest in _dests(self.pdf).items() if name not in held}

    def join(self, second_pdf: bytes, *, levels: list[int]) -> bytes:
        """`levels`: those of the bookmarks of both parts, in order."""
        with self.pdf as first, pikepdf.open(BytesIO(second_pdf)) as second:
            return self._join(first, second, levels)

    def _join(self, first: pikepdf.Pdf, second: pikepdf.Pdf, levels: list[int]) -> bytes:
        second_pages, second_annotations = _struct_parent_keys(second)
        if second_pages != list(range(len(second_pages))):
            raise SplitFailed("the pages' parent tree keys are not 0, 1, 2, …")
        count = len(self.pages)
        pages = count + len(second_pages)
        # WeasyPrint's numbering: the pages, then the links, each part's in order.
        first_keys = {key: key for key in self.pages}
        first_keys |= {old: pages + n for n, old in enumerate(self.annotations)}
        second_keys = {key: count + key for key in second_pages}
        second_keys |= {
            old: pages + len(self.annotations) + n for n, old in enumerate(second_annotations)
        }
        second_document = _document_element(second)

        # Copied through one object map: the structure's /Pg and the destinations point at
        # the pages copied here.
        first.pages.extend(second.pages)

        def copied(value: Any) -> Any:
            if not value.is_indirect:
                value = second.make_indirect(value)
            return first.copy_foreign(value)

        kids = copied(pikepdf.Array(_kids(second_document)))
        tree = {
            second_keys[key]: copied(value)
            for key, value in _number_tree(second.Root.StructTreeRoot.ParentTree).items()
        }
        dests = self.dests | {name: copied(value) for name, value in _dests(second).items()}
        second_bookmarks = _flat_outline(_outline_items(second), copied)

        for number, page in enumerate(first.pages):
            keys = first_keys if number < count else second_keys
            if number >= count:
                page.obj.StructParents = keys[int(page.obj.StructParents)]
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = keys[int(annotation.StructParent)]

        tree |= {first_keys[key]: value for key, value in self.tree.items()}
        nums: list[Any] = []
        for key in sorted(tree):
            nums += [key, tree[key]]
        first.Root.StructTreeRoot.ParentTree = first.make_indirect(
            pikepdf.Dictionary(Nums=pikepdf.Array(nums))
        )

        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = self.document
        self.document.K = pikepdf.Array(_kids(self.document) + list(kids))

        if dests:
            names = pikepdf.NameTree.new(first)
            for name in sorted(dests):
                names[name] = dests[name]
            if "/Names" not in first.Root:
                first.Root.Names = pikepdf.Dictionary()
            first.Root.Names.Dests = names.obj

        with first.open_outline() as outline:
            bookmarks = _flat_outline(outline.root, lambda value: value) + second_bookmarks
            outline.root[:] = _nested(bookmarks, levels)

        out = BytesIO()
        first.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
        return out.getvalue()


def join(first_pdf: bytes, second_pdf: bytes, *, levels: list[int]) -> bytes:
    """One PDF of the two parts' (see the module's docstring)."""
    return _Joined(first_pdf).join(second_pdf, levels=levels)

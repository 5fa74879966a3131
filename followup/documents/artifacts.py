"""The running header and the page numbers as artifacts in the tagged PDF (PDF/UA).

PDF/UA wants every piece of a page either in the structure tree (content) or marked as an
artifact (pagination, decoration), so that a screen reader reads the document once and not
"Sida 3 av 12" on every page. WeasyPrint 70 draws the page's margin boxes (`@top-left`,
`@top-right`: our running header and page numbers) as marked content with MCIDs, and builds
structure elements for them that it then leaves out of the tree, because "it could be
included in tree as Artifact, but that's only allowed in PDF 2.0" (weasyprint/pdf/tags.py).
Content that is marked but belongs to no structure element is neither content nor artifact.

PDF 1.7 has artifacts too, as marked content (`/Artifact <</Type /Pagination>> BDC`,
ISO 32000-1, 14.8.2.2), which is what is done here, in two small wrappers:

- `draw_stacking_context`: a margin box is drawn inside an Artifact of type Pagination,
  with the stream's tag bookkeeping switched off, so no MCID is given to its text;
- `_build_box_tree`: a margin box then adds nothing to the structure tree (there is nothing
  of it to map).

`install()` wraps both once, and only if WeasyPrint still has them as this code expects;
tests/test_pdf_structure.py reads the content streams back and fails if the header or the
page number is ever outside an artifact again.
"""

import logging
from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint import draw
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags

logger = logging.getLogger(__name__)

PAGINATION = pydyf.Dictionary({"Type": "/Pagination"})

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    draw_original = getattr(draw, "draw_stacking_context", None)
    tree_original = getattr(tags, "_build_box_tree", None)
    if draw_original is None or tree_original is None:  # pragma: no cover - another WeasyPrint
        logger.warning("WeasyPrint changed: running headers are not marked as artifacts.")
        return

    def draw_stacking_context(stream: Any, stacking_context: Any) -> None:
        if not isinstance(stacking_context.box, boxes.MarginBox) or stream._tags is None:
            draw_original(stream, stacking_context)
            return
        marks, stream._tags = stream._tags, None
        pydyf.Stream.begin_marked_content(stream, "Artifact", PAGINATION)
        try:
            draw_original(stream, stacking_context)
        finally:
            pydyf.Stream.end_marked_content(stream)
            stream._tags = marks

    def build_box_tree(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if isinstance(box, boxes.MarginBox):
            return iter(())
        return tree_original(box, *args, **kwargs)

    draw.draw_stacking_context = draw_stacking_context
    tags._build_box_tree = build_box_tree
    _installed = True

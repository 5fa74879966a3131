"""followup/documents/layout_speedups.py: the documents come out the same with it as
without, page for page, while WeasyPrint makes fewer Pango contexts and works out each
style's lengths once."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from io import BytesIO
from unittest import mock

import pikepdf
from django.test import SimpleTestCase
from weasyprint.layout import inline, percent
from weasyprint.text import line_break

from followup.documents import layout_speedups
from followup.documents.pdf import html_to_pdf

# What a styrkort, a halvtidsrapport and a samlad uppföljning are made of: headings, a
# vision box with letter spacing, lists, collapsed tables with fixed and automatic widths,
# rows that carry on onto the next page, inline tags with borders, a justified paragraph,
# underlined and struck-out text, text in another language, the status symbols, and
# text whose line breaks are kept (white-space: pre-line).
DOCUMENT = (
    '<html lang="sv"><head><title>Prov</title><style>'
    ".just { text-align: justify; } .u { text-decoration: underline; }"
    " .s { text-decoration: line-through; } .box { box-sizing: border-box; width: 50%;"
    " padding: 2mm; border: 1pt solid; }"
    "</style></head><body>"
    '<p class="running-title">Styrkort för Prov</p>'
    '<header class="card-head"><h1>Styrkort för Rinkeby-Kista</h1>'
    '<p class="meta">Stadsdelsnämnd · status enligt T2 2024.</p></header>'
    '<section class="vision"><p class="label">Vision</p><p>Ett Stockholm fritt från våld.</p>'
    "</section>"
    '<p class="just">'
    + "Nämnden arbetar våldsförebyggande i samverkan med skola, polis och civilsamhälle. "
    * 6
    + "</p>"
    '<p><span class="u">understruken</span> och <span class="s">struken</span> text, '
    '<span lang="en">in English</span>, ✔ ◐ ✖ →</p>'
    '<p class="narrative">Första stycket, på en rad.\nAndra raden\n\nefter en tom rad.</p>'
    '<div class="box">En låda med border-box, halva bredden.</div>'
    '<ol class="prerequisites"><li>Kunskap</li><li>Samverkan</li><li>Uppföljning</li></ol>'
    '<table class="commitments"><thead><tr><th class="col-item">Åtgärder</th>'
    '<th class="col-status">Status och bedömning</th></tr></thead><tbody>'
    + (
        "<tr><td><strong>1.2</strong> Utbilda personal i att upptäcka våld i nära relationer"
        ' och hedersrelaterat våld <span class="tag">egen&nbsp;åtgärd</span></td>'
        '<td>Pågår <span class="period">(T1 2024)</span><span class="assessment '
        'assessment--enligt_plan">✔ Enligt plan</span></td></tr>'
    )
    * 45
    + "</tbody></table>"
    '<table><tr><td>Automatisk</td><td class="number">12 av 14</td></tr></table>'
    "</body></html>"
)


def page_contents(pdf: bytes) -> list[bytes]:
    """Each page's drawing, decoded: what a reader sees, glyph by glyph and place by place."""
    with pikepdf.open(BytesIO(pdf)) as document:
        return [page.obj.Contents.read_bytes() for page in document.pages]


@contextmanager
def weasyprints_own_layout() -> Iterator[None]:
    """WeasyPrint as it comes: a context per layout, lengths and struts worked out on every
    pass."""
    with ExitStack() as stack:
        for name in ("setup", "deactivate", "reactivate", "set_text"):
            original = getattr(layout_speedups, f"_{name}_original")
            stack.enter_context(mock.patch.object(line_break.Layout, name, original))
        for module in (percent, *layout_speedups._USERS):
            stack.enter_context(
                mock.patch.object(
                    module,
                    "resolve_percentages",
                    layout_speedups._resolve_percentages_original,
                )
            )
        stack.enter_context(mock.patch.object(inline, "strut", layout_speedups._strut_original))
        yield


class LayoutSpeedupTests(SimpleTestCase):
    def test_installed(self) -> None:
        self.assertIs(line_break.Layout.setup, layout_speedups._setup)
        self.assertIs(percent.resolve_percentages, layout_speedups._resolve_percentages)

    def test_a_document_is_drawn_the_same_as_by_weasyprint_alone(self) -> None:
        faster = html_to_pdf(DOCUMENT)
        with weasyprints_own_layout():
            plain = html_to_pdf(DOCUMENT)
        pages = page_contents(plain)
        self.assertGreater(len(pages), 1)  # the table carries on onto a second page
        self.assertEqual(page_contents(faster), pages)

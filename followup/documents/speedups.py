"""Three slow spots in WeasyPrint and the libraries under it, mended from outside (issue 12,
point 6).

- pydyf compresses every PDF stream (each page's content, the fonts, the structure tree) at
  zlib's slowest level, 9, hard-coded. `_Flate` is zlib as pydyf sees it, at level 6 (zlib's
  own default): a styrkort's writing 95 → 80 ms and the samlad uppföljning's 885 → 785 ms,
  for files 1–5 % larger.
- tinyhtml5 (2.1), which parses the HTML, means to keep the regular expression for each set
  of characters it scans up to, but stores it under the expression itself instead of under
  the set (`inputstream.chars_until`), so it builds the expression again for every run of
  text: a third of the parse. `_ScanPatterns` keeps them under the set; they are the same
  expressions. The halvtidsrapport's parse 79 → 43 ms, the samlad uppföljning's 91 → 55 ms.
- WeasyPrint fills a `leader()` (the dots between a contents entry and its page number,
  print.css `.toc`) with one text box per dot: the samlad uppföljning's contents page held
  4,400 of its 14,800 boxes, each positioned, drawn, tagged and written on its own, and the
  page is laid out three times (its page numbers are known only once the targets are).
  `_handle_leader` lets WeasyPrint place the dots, then puts them in one text box of as many
  dots at the leftmost one's place. A dot's advance in the run is one dot's width (the
  documents' fonts kern no pair of dots; where a font would, the dots stay separate), so
  every dot stays where it was. In-process CPU, best of 4, on and off alternating: the
  samlad uppföljning 250 ms (10 %) less, the halvtidsrapport 85 ms (7 %).

`install()` does all three, once. The documents read the same; only the bytes of their
streams differ (tests/test_documents.py, `SpeedupTests`).
"""

import re
import zlib
from math import inf
from typing import Any

import pydyf
from tinyhtml5 import inputstream
from weasyprint.layout import inline, leader

# zlib's own default level: nearly level 9's size in a fraction of its time.
FLATE_LEVEL = 6


class _Flate:
    """zlib as pydyf sees it, with its hard-coded level 9 replaced by FLATE_LEVEL."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = FLATE_LEVEL, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(FLATE_LEVEL, *args, **kwargs)

    @staticmethod
    def compress(data: bytes, level: int = FLATE_LEVEL, **kwargs: Any) -> bytes:
        return zlib.compress(data, FLATE_LEVEL, **kwargs)


class _ScanPatterns(dict[tuple[Any, bool], re.Pattern[str]]):
    """tinyhtml5's cache of scanning expressions, keyed by (characters, opposite) as its
    lookup expects: a missing one is built as tinyhtml5 builds it, and kept."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        pattern = "".join(f"\\x{ord(character):02x}" for character in characters)
        compiled = re.compile(f"[{pattern}]+" if opposite else f"[^{pattern}]+")
        self[key] = compiled
        return compiled


_handle_leader_original = inline.handle_leader


def _handle_leader(context: Any, line: Any, containing_block: Any) -> None:
    """WeasyPrint's leader filling, with its row of one-dot text boxes made one text box."""
    _handle_leader_original(context, line, containing_block)
    _, leader_box = leader.leader_index(line)
    if leader_box is None or len(leader_box.children) < 2:
        return
    dots = leader_box.children
    # WeasyPrint adds them from the right, one leader text's width apart, leaving gaps only
    # at the ends: the last is the leftmost, and together they are one run of the text.
    leftmost = dots[-1]
    text = leftmost.text * len(dots)
    merged, _, _ = inline.split_text_box(context, leftmost.copy_with_text(text), inf, 0)
    if merged is None or merged.text != text:  # pragma: no cover - WeasyPrint split it
        return
    if abs(merged.width - len(dots) * leftmost.width) > 0.01:  # pragma: no cover - kerned
        return  # the font moves the dots in a run: they would not stay where they were
    merged.position_x, merged.position_y = leftmost.position_x, leftmost.position_y
    leader_box.children = (merged,)


def install() -> None:
    if not isinstance(pydyf.zlib, _Flate):
        pydyf.zlib = _Flate()
    if not isinstance(inputstream.characters_until_regex, _ScanPatterns):
        inputstream.characters_until_regex = _ScanPatterns()
    if inline.handle_leader is _handle_leader_original:
        inline.handle_leader = _handle_leader

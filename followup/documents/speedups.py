"""Two slow spots in the libraries under WeasyPrint, mended from outside (issue 12, point 6).

- pydyf compresses every PDF stream (each page's content, the fonts, the structure tree) at
  zlib's slowest level, 9, hard-coded. `_Flate` is zlib as pydyf sees it, at level 6 (zlib's
  own default): a styrkort's writing 95 → 80 ms and the samlad uppföljning's 885 → 785 ms,
  for files 1–5 % larger.
- tinyhtml5 (2.1), which parses the HTML, means to keep the regular expression for each set
  of characters it scans up to, but stores it under the expression itself instead of under
  the set (`inputstream.chars_until`), so it builds the expression again for every run of
  text: a third of the parse. `_ScanPatterns` keeps them under the set; they are the same
  expressions. The halvtidsrapport's parse 79 → 43 ms, the samlad uppföljning's 91 → 55 ms.

`install()` does both, once. The documents read the same; only the bytes of their
compressed streams differ (tests/test_documents.py, `SpeedupTests`).
"""

import re
import zlib
from typing import Any

import pydyf
from tinyhtml5 import inputstream

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


def install() -> None:
    if not isinstance(pydyf.zlib, _Flate):
        pydyf.zlib = _Flate()
    if not isinstance(inputstream.characters_until_regex, _ScanPatterns):
        inputstream.characters_until_regex = _ScanPatterns()

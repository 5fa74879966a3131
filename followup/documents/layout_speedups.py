"""WeasyPrint's layout work that repeats itself, cut from outside (issue 12, point 6).

Text layouts. WeasyPrint (70) gives every run of text a Pango layout of its own
(`text.line_break.Layout`): a styrkort makes about 870 of them, the halvtidsrapport 4,500.
Each first made a new Pango context (the font map, the text's direction and language), a
new font description and its OpenType features from a dozen properties of the style. Once
the line was laid out the layout was thrown away (`deactivate`) and made again, context and
all, to draw the line (`reactivate`).

- `_setup` does what `Layout.setup` does, but takes the context from those already made for
  the same font configuration, direction and language (layouts only read their context;
  nothing sets anything on one after it is made), and the font description and the
  features from those made for the same font properties. Each layout, its text and its
  attributes are new, as before. Underlined or struck-out text keeps WeasyPrint's own.
- `_deactivate` keeps the laid-out layout, and `_reactivate` draws with it when a new one
  would be the same: the same style and no justification spacing to add; text, font and
  attributes are those the line was laid out with, which is what `reactivate` gives a new
  layout. `_set_text` lays out text without an end of paragraph in Pango's single
  paragraph mode, which is how drawing asks for it (the same lines for such text), so the
  lines are drawn as laid out instead of being laid out a further time.

A styrkort 278 → 269 ms CPU, the halvtidsrapport 1,121 → 1,073 ms (in-process, best of 9 and
4, on and off alternating: −3 %, −4 %); drawing the lines as laid out, the styrkort
240 → 234 ms (−3 %), the halvtidsrapport no measurable change (its charts' text is laid out
letter by letter, a layout a letter).

Used lengths. `resolve_percentages` sets a box's used margins, paddings, widths, heights
and borders from its style and its containing block's size, on every pass over the box (a
table's rows are laid out again where a page breaks, a page again for its page numbers):
19,000 lengths a styrkort. `_resolve_percentages` works them out once per style and size
of containing block, on a stand-in box, and sets them on each box of that style in one go;
collapsed borders' widths already on a box stay, as WeasyPrint leaves them, and a
border-box sized box with collapsed borders (whose widths take part) gets WeasyPrint's own.
A styrkort 263 → 247 ms (−6 %); the halvtidsrapport, whose boxes are mostly laid out once,
no measurable change.

A line's strut (its height and baseline from the style) was looked up under a key built
from 14 properties for each line and text box; `_strut` keeps it on the style: the styrkort
244 → 236 ms (−3 %), the halvtidsrapport about the same.

All of it together, on and off alternating (best of 15 and of 6): the styrkort's PDF
283 → 235 ms (−17 %), the halvtidsrapport 1,091 → 1,008 ms (−8 %). Tried and dropped, as
within the noise: a fast path for computed values no rule sets, a leaner loop over a line's
glyphs when drawing, and laying out each letter of the charts' text once per font.

All of it leaves the pages as WeasyPrint draws them, glyph for glyph
(tests/test_layout_speedups.py), for 2–4 MB more at the peak of a halvtidsrapport (the
kept layouts). `install()` does it all, once.
"""

from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import absolute, block, column, grid, inline, page, percent, table
from weasyprint.layout import float as floats
from weasyprint.text import line_break
from weasyprint.text.constants import PANGO_DIRECTION
from weasyprint.text.ffi import ffi, gobject, pango, unicode_to_char_p
from weasyprint.text.fonts import font_features, get_font_description

_setup_original = line_break.Layout.setup
_deactivate_original = line_break.Layout.deactivate
_reactivate_original = line_break.Layout.reactivate
_set_text_original = line_break.Layout.set_text

# What Pango takes for the end of a paragraph (pango_find_paragraph_boundary), and a few
# more line separators, to be safe: text without any lays out the same in Pango's single
# paragraph mode, which drawing asks for.
_PARAGRAPH_ENDS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")

# What a font description and the OpenType features are made of: the style's properties
# that `get_font_description` and `font_features` read.
_DESCRIPTION_KEYS = (
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_size",
    "font_variant_caps",
    "font_variation_settings",
)
_FEATURE_KEYS = (
    "font_kerning",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_caps",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
)


class _Made:
    """What one font configuration's layouts share: Pango contexts with their language,
    font descriptions, and feature strings."""

    def __init__(self) -> None:
        self.contexts: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self.descriptions: dict[tuple[Any, ...], Any] = {}
        self.features: dict[tuple[Any, ...], bytes] = {}


def _made(font_config: Any) -> _Made:
    made = font_config.__dict__.get("_shared_text_layout")
    if made is None:
        made = font_config._shared_text_layout = _Made()
    return made


def _context(made: _Made, style: Any) -> tuple[Any, Any]:
    """The Pango context for the style's direction and language, and that language, as
    `Layout.setup` makes them."""
    key = (style["direction"], style["font_language_override"], style["lang"])
    found = made.contexts.get(key)
    if found is not None:
        return found
    pango_context = ffi.gc(
        pango.pango_font_map_create_context(style.font_config.font_map), gobject.g_object_unref
    )
    pango.pango_context_set_round_glyph_positions(pango_context, False)
    pango.pango_context_set_base_dir(pango_context, PANGO_DIRECTION[style["direction"]])
    if style["font_language_override"] != "normal":
        lang_p, lang = unicode_to_char_p(
            line_break.LST_TO_ISO.get(
                style["font_language_override"].lower(), style["font_language_override"]
            )
        )
    elif style["lang"]:
        lang_p, lang = unicode_to_char_p(style["lang"])
    else:
        lang = None
        language = pango.pango_language_get_default()
    if lang:
        language = pango.pango_language_from_string(lang_p)
        pango.pango_context_set_language(pango_context, language)
    made.contexts[key] = (pango_context, language)
    return pango_context, language


def _setup(self: Any, style: Any) -> None:
    """`Layout.setup`, with the context, the font description and the features shared."""
    if style["text_decoration_line"] != "none":
        _setup_original(self, style)  # it reads the font's metrics too; rare
        return
    self.style = style
    self.first_line_direction = 0
    made = _made(style.font_config)
    pango_context, self.language = _context(made, style)

    description_key = tuple(repr(style[key]) for key in _DESCRIPTION_KEYS)
    font_description = made.descriptions.get(description_key)
    if font_description is None:
        font_description = made.descriptions[description_key] = get_font_description(style)
    self.layout = ffi.gc(pango.pango_layout_new(pango_context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    # Pango copies the description into the layout.
    pango.pango_layout_set_font_description(self.layout, font_description)

    self.ascent = None
    self.underline_position = None
    self.strikethrough_position = None

    feature_key = tuple(repr(style[key]) for key in _FEATURE_KEYS)
    features = made.features.get(feature_key)
    if features is None:
        settings = font_features(*(style[key] for key in _FEATURE_KEYS))
        features = b",".join(f"{key} {value}".encode() for key, value in settings.items())
        made.features[feature_key] = features
    if features:
        # As WeasyPrint does: one attribute per feature string, kept by the configuration.
        attr = style.font_config.font_features.setdefault(
            features, pango.pango_attr_font_features_new(features)
        )
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)


def _deactivate(self: Any) -> None:
    """Keep the laid-out layout, to draw with (WeasyPrint drops it and makes a new one)."""


def _reactivate(self: Any, style: Any) -> None:
    """Draw with the layout the line was laid out in when a new one would be the same."""
    if style is not self.__dict__.get("style") or self.justification_spacing:
        _reactivate_original(self, style)


def _set_text(self: Any, text: str, justify: bool = False) -> None:
    """`Layout.set_text`, in Pango's single paragraph mode when the text has no end of
    paragraph: as drawing will ask for, so that the lines laid out are drawn as they are."""
    pango.pango_layout_set_single_paragraph_mode(self.layout, _PARAGRAPH_ENDS.isdisjoint(text))
    _set_text_original(self, text, justify)


_resolve_percentages_original = percent.resolve_percentages

_BORDER_WIDTHS = tuple(f"border_{side}_width" for side in ("top", "right", "bottom", "left"))


class _UsedLengths:
    """Stands in for a box while WeasyPrint works out the used lengths of its style: what
    `resolve_percentages` sets on it is what it would set on any box of that style."""

    def __init__(self, style: Any) -> None:
        self.style = style


def _resolve_percentages(box: Any, containing_block: Any) -> None:
    """`resolve_percentages`, from those already worked out for the same style and the
    same size of containing block."""
    if isinstance(box, boxes.PageBox):
        _resolve_percentages_original(box, containing_block)
        return
    if isinstance(containing_block, boxes.Box):
        size = (containing_block.width, containing_block.height)
    else:
        size = tuple(containing_block)
    style = box.style
    collapsed = style["border_collapse"] == "collapse"
    if collapsed and style["box_sizing"] == "border-box":
        # The box's own widths of collapsed borders take part: not the style's alone.
        _resolve_percentages_original(box, containing_block)
        return
    known = style.__dict__.get("_used_lengths")
    if known is None:
        known = style._used_lengths = {}
    used = known.get(size)
    if used is None:
        stand_in = _UsedLengths(style)
        _resolve_percentages_original(stand_in, size)
        del stand_in.style
        used = known[size] = stand_in.__dict__
    if collapsed:
        # Widths of collapsed borders already resolved on the box stay (as WeasyPrint has it).
        kept = {name: box.__dict__[name] for name in _BORDER_WIDTHS if name in box.__dict__}
        box.__dict__.update(used)
        box.__dict__.update(kept)
    else:
        box.__dict__.update(used)


_strut_original = line_break.strut


def _strut(style: Any) -> tuple[float, float]:
    """`strut` (a line's height and baseline from its style), once per style: WeasyPrint
    asks for it on every line and text box, and builds a cache key from 14 properties
    each time."""
    known = style.__dict__.get("_strut")
    if known is None:
        known = style._strut = _strut_original(style)
    return known


# Every layout module that took `resolve_percentages` by name.
_USERS = (absolute, block, column, floats, grid, inline, page, table)


def install() -> None:
    if line_break.Layout.setup is _setup_original:
        line_break.Layout.setup = _setup
        line_break.Layout.deactivate = _deactivate
        line_break.Layout.reactivate = _reactivate
        line_break.Layout.set_text = _set_text
    if inline.strut is _strut_original:
        inline.strut = _strut
    for module in (percent, *_USERS):
        if module.resolve_percentages is _resolve_percentages_original:
            module.resolve_percentages = _resolve_percentages

"""Server-rendered SVG charts for the dashboard and, later, the PDFs.

Pure functions from numbers to SVG strings. Every text is escaped; nothing uses `style=`
(the CSP forbids inline styles), only presentation attributes and classes. Each chart has a
<title> and <desc> and labels its bars directly with their values, so it reads without colour;
the page shows the same numbers as a table beside it.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = 'font-family="system-ui, sans-serif" font-size="14"'
# The width the charts are drawn at (one unit, one pixel; pages never draw them larger). On a
# phone 320 px wide a chart gets about 250 px, and its 14-unit text is still 11-12 px high.
WIDTH = 300
INK = "#1b1f24"
MUTED = "#4a5563"
BAR = "#0b4f8a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: missing, drawn as "saknas" rather than as zero
    text: str  # the value as the bar's direct label, e.g. "3 (25,0 %)"
    gap: str = "saknas"  # what a column without a value says ("färre än 5" when hidden)


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: str) -> SafeString:
    chart_id = escape(chart_id)
    return mark_safe(  # noqa: S308 - every text inside is escaped above or by the caller
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: list[Bar],
    max_value: float | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Horizontal bars, one per category (a distribution), each with its category written
    above it and its value at its end. The label above rather than beside the bar leaves the
    bar the chart's whole width, so that the chart stays narrow enough for a phone."""
    label_height, bar_height, gap, top, value_width = 18, 16, 10, 4, 96
    row = label_height + bar_height + gap
    plot = width - value_width
    largest = max_value or max((bar.value or 0 for bar in bars), default=0) or 1
    height = top * 2 + row * max(len(bars), 1) - gap
    parts = [f'<g {FONT} fill="{INK}">']
    for index, bar in enumerate(bars):
        y = top + index * row
        bar_top = y + label_height
        middle = bar_top + bar_height / 2 + 5
        parts.append(f'<text x="0" y="{y + 13}">{escape(_shorten(bar.label, 40))}</text>')
        if bar.value is None:
            parts.append(
                f'<rect x="1" y="{bar_top}" width="{plot}" height="{bar_height}" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="4 3"/>'
            )
            end: float = 8
            text = "saknas"
        else:
            length = max(plot * bar.value / largest, 0)
            parts.append(
                f'<rect class="chart__bar" x="1" y="{bar_top}" width="{length:.1f}" '
                f'height="{bar_height}" fill="{BAR}"/>'
            )
            end = length + 6
            text = bar.text
        parts.append(f'<text x="{end:.1f}" y="{middle:.1f}">{escape(text)}</text>')
        # The axis, beside the bar only: a line through the labels would strike them out.
        parts.append(
            f'<line x1="0.5" y1="{bar_top - 2}" x2="0.5" y2="{bar_top + bar_height + 2}" '
            f'stroke="{MUTED}"/>'
        )
    parts.append("</g>")
    return _frame(chart_id, title, desc, width, height, "".join(parts))


def trend_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: list[Bar],
    max_value: float | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Columns over time (one per year), each labelled with its value above it; a year with
    nothing reported shows "saknas" over an outlined gap, never a zero column."""
    height, top, bottom, side = 180, 24, 28, 4
    plot = height - top - bottom
    slot = (width - 2 * side) / max(len(points), 1)
    largest = max_value or max((p.value or 0 for p in points), default=0) or 1
    base = height - bottom
    parts = [f'<g {FONT} fill="{INK}" text-anchor="middle">']
    for index, point in enumerate(points):
        x = side + index * slot
        centre = x + slot / 2
        column = slot * 0.6
        label_y: float
        if point.value is None:
            parts.append(
                f'<rect x="{centre - column / 2:.1f}" y="{base - 24}" width="{column:.1f}" '
                f'height="24" fill="none" stroke="{MUTED}" stroke-dasharray="4 3"/>'
            )
            label_y, text = base - 30, point.gap
        else:
            length = plot * point.value / largest
            parts.append(
                f'<rect class="chart__bar" x="{centre - column / 2:.1f}" '
                f'y="{base - length:.1f}" width="{column:.1f}" height="{length:.1f}" '
                f'fill="{BAR}"/>'
            )
            label_y, text = base - length - 6, point.text
        parts.append(f'<text x="{centre:.1f}" y="{label_y:.1f}">{escape(text)}</text>')
        parts.append(
            f'<text x="{centre:.1f}" y="{height - 8}">{escape(_shorten(point.label, 12))}</text>'
        )
    parts.append(
        f'<line x1="{side}" y1="{base}" x2="{width - side}" y2="{base}" stroke="{MUTED}"/></g>'
    )
    return _frame(chart_id, title, desc, width, height, "".join(parts))

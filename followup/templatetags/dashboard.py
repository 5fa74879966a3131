"""Links from a number on the dashboard to the rows behind it, and what the dashboard draws
many times, in Python: the cells of its matrix of assessments (goals × boards, some ninety)
and the rows of its tables of counts (a scale's values, some sixty)."""

from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from followup.rollup import Bucket, MatrixCell
from followup.views.dashboard import BLANK
from followup.widget_html import escape

register = template.Library()


@lru_cache(maxsize=16)
def _rows_url(urlconf: str | None, script_prefix: str) -> str:
    # The dashboard draws some two hundred of these links: one reverse, not one a link.
    return reverse("dashboard-rows", urlconf=urlconf)


@register.simple_tag(takes_context=True)
def rows_href(context: template.Context, shown: str, **params: object) -> str:
    """The address of the rows behind a number: the dashboard's selection (`query` in the
    context) and what to show. A blank scale value ("Ej angivet") travels as BLANK."""
    chosen = {
        "visa": shown,
        **{name: BLANK if value == "" else value for name, value in params.items()},
    }
    url = _rows_url(get_urlconf(), get_script_prefix())
    return f"{url}?{context['query']}&{urlencode(chosen)}"


@register.simple_tag(takes_context=True)
def matrix_cell(context: template.Context, cell: MatrixCell, href: str, who: str) -> SafeString:
    """One cell of the matrix: its counts by assessment (symbols beside the numbers, never
    colour alone) linking to the rows behind them (`href`), and in words for a screen
    reader; `who` is the row's board ("Hela staden" in the totals)."""
    programme = context["programme"]
    goal = f"{escape(programme.goal_label.lower())} {localize(cell.goal_number)}"
    off = " matrix__cell--off" if cell.off_track else ""
    if cell.assessed:
        counts = "".join(
            f'<span class="matrix__n{extra}">{symbol}{localize(count)}</span>'
            for symbol, count, extra in (
                ("✔", cell.on_track, ""),
                ("◐", cell.partly, ""),
                ("✖", cell.off_track, " matrix__n--off"),
            )
            if count
        )
        inner = (
            f'<a href="{escape(href)}"><span aria-hidden="true">{counts}</span>'
            f'<span class="visually-hidden">{escape(who)}, {goal}: {escape(cell.text)}</span></a>'
        )
    else:
        none = f"inga bedömda {escape(programme.activity_label_plural.lower())}"
        inner = (
            '<span aria-hidden="true">–</span>'
            f'<span class="visually-hidden">{escape(who)}, {goal}: {none}</span>'
        )
    # Every value inside is escaped above.
    return mark_safe(f'<td class="matrix__cell{off}">{inner}</td>\n')  # noqa: S308


# The scale a table of counts shows, by its link's parameter: how the rows behind are asked for.
_SCALE_PARAMS = {"status": "status", "bedomning": "bedomning"}


@register.simple_tag(takes_context=True)
def bucket_row(context: template.Context, bucket: Bucket) -> SafeString:
    """One value of a scale in its table (followup/_dashboard_buckets.html): how many rows
    have it, of how many, linking to those rows (`shown`, `param` and the goal's `number`
    in the context)."""
    number = context["number"]
    if bucket.count:
        param = _SCALE_PARAMS.get(context["param"], "uppfyllelse")
        href = escape(rows_href(context, context["shown"], mal=number, **{param: bucket.key}))
        target = f"behind-g{localize(number)}"
        count = (
            "\n            \n"
            f'            <a href="{href}" hx-get="{href}" hx-target="#{target}"'
            f' aria-controls="{target}">{localize(bucket.count)} av {localize(bucket.total)}'
            f' ({escape(bucket.share_text)})<span class="visually-hidden"> – visa raderna bakom'
            f" {escape(str(bucket.label).lower())}</span></a>\n          "
        )
    else:
        count = f"0 av {localize(bucket.total)}"
    # Every value inside is escaped above.
    return mark_safe(  # noqa: S308
        f'\n      <tr>\n        <th scope="row">{escape(bucket.label)}</th>\n        <td>\n'
        f"          {count}\n        </td>\n      </tr>\n    "
    )

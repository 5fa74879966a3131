"""A report row drawn in Python: the whole `<article>` (`article`), its heading, its state
line and the one-line summary of the period before's answer. The report page draws 46 rows;
as template nodes (some forty a row, with its fields and comment link) they were half the
page's time. Add to a row here. What a row seldom draws stays in templates, rendered from here
with the page's context: someone else's save after a conflict (report_detail.html's
`row-conflict`), a read-only row's values (`_row_values.html`) and a comment thread
(`dialogue/_thread.html`).

Every value is escaped here, as the template's autoescaping would.
"""

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.template import Context
from django.template.defaultfilters import date
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from attachments.templatetags.attachments import row_attachments
from catalog.models import Activity, Indicator, Programme
from followup.forms import IndicatorOutcomeForm
from followup.models import ActivityStatus, IndicatorOutcome
from followup.rows import Row
from followup.widget_html import (
    conditional_escape,
    escape,
    field_group,
    row_field_group,
    row_widget,
)
from valdprogram.choice_labels import display

if TYPE_CHECKING:
    from followup.views.report import RowView

_CONFLICT = "followup/report_detail.html#row-conflict"
_VALUES = "followup/_row_values.html"
_THREAD = "dialogue/_thread.html"
_CSRF = CsrfTokenNode()


@lru_cache(maxsize=4096)
def _words(text: str, count: int = 30) -> str:
    """The template filter `truncatewords:30`, escaped; remembered, as a row's comment is
    cut again on every page that shows it beside the next period's row."""
    return escape(Truncator(text).words(count, truncate=" …"))


def heading(key: str, item: object, text: str, programme: Programme) -> SafeString:
    """The row's heading: "Aktivitet 1:1 Utbilda … [Primär prevention] [Egen aktivitet]",
    an indicator's wording and kind, or "Måluppfyllelse för mål 3"."""
    if key == "a":
        assert isinstance(item, Activity)
        label = escape(programme.activity_label)
        parts = [
            f'<span class="activity-number">{label} {escape(item.number)}</span> '
            if item.number
            else "",
            escape(text),
        ]
        if item.prevention_level:
            level = escape(display(item, "prevention_level"))
            parts.append(f' <span class="tag">{level} prevention</span>')
        if item.is_own:
            own = escape(programme.activity_label.lower())
            parts.append(f' <span class="tag">Egen {own}</span>')
        html = "".join(parts)
    elif key == "i":
        assert isinstance(item, Indicator)
        html = f'{escape(text)} <span class="tag">{escape(display(item, "kind"))}</span>'
        if item.is_own:
            html += ' <span class="tag">Egen indikator</span>'
    else:
        number = escape(getattr(item, "number", ""))
        html = f"Måluppfyllelse för {escape(programme.goal_label.lower())} {number}"
    return mark_safe(html)  # noqa: S308 - every value inside is escaped above


def summary(row: Row) -> SafeString:
    """A row's answer on one line, as beside a row the answer of the period before:
    "Pågår · ✔ Enligt plan · Kommentaren …"."""
    if isinstance(row, ActivityStatus):
        parts = [escape(display(row, "progress") or "–")]
        if row.assessment:
            parts.append(
                f'<span class="assessment assessment--{escape(row.assessment)}">'
                f"{escape(row.assessment_symbol)} {escape(display(row, 'assessment'))}</span>"
            )
        if row.comment:
            parts.append(_words(row.comment))
    elif isinstance(row, IndicatorOutcome):
        parts = [escape(row.outcome_text)]
        if row.target is not None:
            parts.append(f"målvärde {escape(row.target_text)}")
        if row.comment:
            parts.append(_words(row.comment))
    else:
        parts = [escape(display(row, "fulfilment") or "–")]
        if row.analysis:
            parts.append(_words(row.analysis))
    return mark_safe(" · ".join(parts))  # noqa: S308 - every value inside is escaped above


def state(row: "RowView") -> str:
    """Whether the row is done, what it lacks, and whether it still holds what it took over
    from the period before: in words and symbols, never colour alone."""
    parts = []
    if row.is_done:
        parts.append('<span class="row-state__done">✔ Ifylld</span>')
    elif lacks := row.lacks:
        parts.append(f'<span class="row-state__missing">○ Saknas: {escape(lacks)}</span>')
    if row.row.carried_over:
        parts.append(
            '<span class="row-state__carried">↺ Från förra perioden — bekräfta eller ändra</span>'
        )
    return f'<p class="row-state">{" ".join(parts)}</p>'


def _csrf_input(context: Context) -> str:
    """The CSRF token's hidden input, drawn once for all the rows of a page (the same
    token in every form, as `{% csrf_token %}` gives it)."""
    drawn = context.render_context.get(_CSRF)
    if drawn is None:
        drawn = context.render_context[_CSRF] = _CSRF.render(context)
    return drawn


def _render(name: str, context: Context, **values: object) -> str:
    """A template (or partial) drawn as `{% include name with values %}` would draw it."""
    assert context.template is not None
    with context.push(**values):
        return context.template.engine.get_template(name).render(context)


def _messages(row: "RowView", context: Context) -> str:
    """The row's status after a save (read out with its save button), and what someone else
    saved meanwhile after a conflict."""
    form = row.form
    assert form is not None
    saved = error = invalid = ""
    if row.saved:
        now = datetime.now(tz=timezone.get_current_timezone() if settings.USE_TZ else None)
        saved = f'<p class="saved">✔ Sparat {date(now, "H:i")}</p>'
    if row.error:
        error = f'<p class="form-error">⚠ {conditional_escape(row.error)}</p>'
    if form.errors and not row.conflict:
        invalid = '<p class="form-error">⚠ Raden sparades inte. Rätta det som är markerat.</p>'
    conflict = _render(_CONFLICT, context, row=row) if row.conflict else ""
    return (
        f'\n<div class="row-status" id="{escape(form.prefix)}-status" role="status"'
        ' aria-live="polite">\n'
        f"  {saved}\n  {error}\n  {invalid}\n</div>\n{conflict}\n"
    )


def _fields(row: "RowView") -> str:
    """The row's fields by its kind: an activity's status, an indicator's numbers, a goal's
    fulfilment."""
    form = row.form
    assert form is not None
    if row.kind.key == "a":
        return (
            '\n        <div class="field-grid">\n'
            f"          {row_field_group(form, 'progress')}\n"
            f"          {row_field_group(form, 'assessment')}\n"
            "        </div>\n"
            '        <div class="shown-for-progress" data-shown-for-progress="ej_aktuell">'
            f"{row_field_group(form, 'not_applicable_reason')}</div>\n"
            f"        {row_field_group(form, 'comment')}\n      "
        )
    if row.kind.key == "i":
        assert isinstance(form, IndicatorOutcomeForm)
        numbers = "".join(field_group(number) for number in form.number_fields)
        errors = form.non_field_errors()
        shown_errors = (
            f'<div class="form-error">{conditional_escape(errors)}</div>' if errors else ""
        )
        return (
            '\n        <div class="field-grid field-grid--numbers">\n'
            f"          {numbers}\n"
            "        </div>\n"
            f"        {shown_errors}\n"
            f"        {row_field_group(form, 'comment')}\n      "
        )
    return (
        f"\n        {row_field_group(form, 'fulfilment')}\n"
        f"        {row_field_group(form, 'analysis')}\n      "
    )


def _form(row: "RowView", context: Context) -> str:
    """The row's form: its fields, the period before's answer and the save buttons.

    The save button's id lets htmx give focus back to the new button after the swap; the
    description reads out the row's new status ("✔ Sparat", or why it was not saved) with it.
    Confirming ("Bekräfta raden") keeps what the row took over; with changes in the form it
    saves nothing and asks for Spara raden instead (followup.views.report.row_save)."""
    form = row.form
    assert form is not None
    prefix, url = escape(row.prefix), escape(row.save_url)
    unsaved = " data-unsaved" if form.is_bound and not row.saved else ""
    shown = '<input type="hidden" name="visa" value="saknas">' if row.only_missing else ""
    previous = (
        '<p class="previous"><span class="previous__label">Förra perioden:</span> '
        f"{row.previous_summary}</p>"
        if row.previous
        else ""
    )
    confirm = (
        '<button type="submit" name="bekrafta" value="1" class="button button--secondary"'
        f' aria-describedby="{prefix}-status">Bekräfta raden</button>'
        if row.row.carried_over
        else ""
    )
    next_missing = (
        f'<a class="next-missing" href="#{escape(row.next_missing)}">Nästa tomma rad</a>'
        if row.next_missing
        else ""
    )
    return (
        f'\n    <form method="post" action="{url}#{prefix}" hx-post="{url}" hx-target="#{prefix}"'
        f' hx-swap="outerHTML" novalidate{unsaved}>\n'
        f"      {_csrf_input(context)}{row_widget(form, 'version')}{shown}\n"
        f"      {_messages(row, context)}\n"
        f"      {_fields(row)}\n"
        f"      {previous}\n"
        '      <div class="row-actions">\n'
        "        \n"
        f"        {confirm}\n"
        '        <button type="submit" class="button button--secondary"'
        f' id="{prefix}-save" aria-describedby="{prefix}-status">Spara raden</button>\n'
        f"        {next_missing}\n"
        "      </div>\n"
        "    </form>\n  "
    )


def article(row: "RowView", context: Context) -> SafeString:
    """One row of the report (a followup.views.report.RowView): an activity ("a"), an
    indicator ("i") or, in VB, a goal ("g"), with its form while it may be written, its
    values when not, and its files (`attachments` in the context: the page's
    attachments.selectors.AttachmentIndex; a row drawn alone has none).

    Without JavaScript an activity's reason is always there, its label saying when it
    applies; static/js/report.js hides it until "Ej aktuell" is chosen."""
    prefix = escape(row.prefix)
    goal = " report-row--goal" if row.kind.key == "g" else ""
    if row.form is not None:
        body = _form(row, context)
    else:
        body = f"\n    {_render(_VALUES, context, row=row.row)}\n  "
    # A row drawn alone has no index: the template's missing variable, "".
    index = context.get("attachments")
    files = row_attachments(index if index is not None else "", row.prefix)
    return mark_safe(  # noqa: S308 - every value inside is escaped above, or already HTML
        f'\n<article class="report-row{goal}" id="{prefix}" aria-labelledby="{prefix}-title">\n'
        f'  <h4 id="{prefix}-title">{row.heading}</h4>\n'
        f"  {state(row)}\n"
        f"  {body}\n"
        f"  {files}\n"
        "</article>\n"
    )


def article_and_thread(row: "RowView", context: Context) -> SafeString:
    """The row and, beside it, its comment thread: the thread when it has one (or the user
    asked to start one, `comment_target`), else a link to start one if the user may."""
    html = article(row, context)
    dialogue = context.get("dialogue")
    if row.thread or context.get("comment_target") == row.prefix:
        thread = _render(_THREAD, context, thread=row.thread, target=row.prefix, about=row.text)
    elif dialogue is not None and dialogue.may_comment:
        prefix = escape(row.prefix)
        thread = (
            f'\n<div class="thread" id="thread-{prefix}"><a class="thread__start"'
            f' href="?kommentera={prefix}#thread-{prefix}"'
            f' hx-get="{escape(dialogue.threads_url)}{prefix}/" hx-target="#thread-{prefix}"'
            f' hx-swap="outerHTML" aria-describedby="{prefix}-title">Kommentera</a></div>'
        )
    else:
        thread = ""
    return mark_safe(html + thread)  # noqa: S308 - escaped above, or a template's HTML

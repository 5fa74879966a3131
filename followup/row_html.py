"""The fixed parts of a report row drawn in Python: its heading and the one-line summary of
the period before's answer. The report page draws 46 rows, and each of these was a dozen
template nodes per row; the row's template (templates/followup/report_detail.html,
`report-row`) places them, so anything added to a row still goes in the template.

Every value is escaped here, as the template's autoescaping would.
"""

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from catalog.models import Activity, Indicator, Programme
from followup.models import ActivityStatus, IndicatorOutcome
from followup.rows import Row
from followup.widget_html import escape


def _words(text: str, count: int = 30) -> str:
    """The template filter `truncatewords:30`, escaped."""
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
            level = escape(item.get_prevention_level_display())
            parts.append(f' <span class="tag">{level} prevention</span>')
        if item.is_own:
            own = escape(programme.activity_label.lower())
            parts.append(f' <span class="tag">Egen {own}</span>')
        html = "".join(parts)
    elif key == "i":
        assert isinstance(item, Indicator)
        html = f'{escape(text)} <span class="tag">{escape(item.get_kind_display())}</span>'
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
        parts = [escape(row.get_progress_display() or "–")]
        if row.assessment:
            parts.append(
                f'<span class="assessment assessment--{escape(row.assessment)}">'
                f"{escape(row.assessment_symbol)} {escape(row.get_assessment_display())}</span>"
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
        parts = [escape(row.get_fulfilment_display() or "–")]
        if row.analysis:
            parts.append(_words(row.analysis))
    return mark_safe(" · ".join(parts))  # noqa: S308 - every value inside is escaped above

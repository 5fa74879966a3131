"""The threads' entries in the report's history (followup.history.report_history)."""

from dialogue.models import Comment
from dialogue.selectors import row_names, threads_of_reports
from followup.history import Change
from followup.models import Report
from followup.rows import in_page_order, rows_of_reports

GONE = "En rad som inte längre finns i rapporten"


def _before(mark: Comment) -> str:
    return "öppen" if mark.kind == Comment.Kind.RESOLVED else "löst"


def thread_changes(report: Report) -> list[Change]:
    """Every comment, and every time a thread was resolved or reopened, as a change: who,
    when, on what. One query, and three for the rows' names when there are threads."""
    threads = threads_of_reports([report.pk])[report.pk]
    if not threads:
        return []
    names = row_names(report, in_page_order(rows_of_reports([report.pk])[report.pk]))
    changes = []
    for view in threads.values():
        item = names.get(view.target, GONE)
        for entry in view.entries:
            comment = entry.kind == Comment.Kind.COMMENT
            changes.append(
                Change(
                    at=entry.at,
                    user=entry.author_name + (" (samordnare)" if entry.by_coordinator else ""),
                    on_behalf=False,
                    item=item,
                    field="Kommentar" if comment else "Tråden",
                    old="–" if comment else _before(entry),
                    new=entry.text if comment else entry.get_kind_display().lower(),
                )
            )
    return changes

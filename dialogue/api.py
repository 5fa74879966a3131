"""The threads in the reports API (followup.api, v1): added fields only. Each row carries
`threads` (its thread, if it has one, in a list), and each report `threads` (the thread on
the report as a whole)."""

from typing import Any

from dialogue.models import REPORT_TARGET, Comment
from dialogue.selectors import ThreadView
from followup.models import Report
from followup.rows import ACTIVITY, GOAL, INDICATOR, Row, RowKind

# Where `followup.api.report_json` lists each kind's rows.
_ROWS_KEY: dict[RowKind, str] = {ACTIVITY: "activities", INDICATOR: "indicators", GOAL: "goals"}


def _entry_json(entry: Comment) -> dict[str, Any]:
    return {
        "kind": entry.kind,  # "comment", "resolved" or "reopened"
        "kind_label": entry.get_kind_display(),
        "at": entry.at.isoformat(),
        "author": entry.author.get_username(),
        "author_name": entry.author_name,
        "by_coordinator": entry.by_coordinator,
        "text": entry.text,
    }


def thread_json(view: ThreadView) -> dict[str, Any]:
    return {
        "target": view.target,
        "resolved": view.thread.is_resolved,
        "created_at": view.thread.created_at.isoformat(),
        "comments": [_entry_json(entry) for entry in view.entries],
    }


def threads_json(threads: dict[str, ThreadView], row: Row | None = None) -> list[dict[str, Any]]:
    """The row's threads (or, without a row, the report's own) as the API lists them."""
    view = threads.get(row.prefix if row is not None else REPORT_TARGET)
    return [thread_json(view)] if view is not None else []


def with_threads(
    data: dict[str, Any], report: Report, threads: dict[str, ThreadView]
) -> dict[str, Any]:
    """`followup.api.report_json`'s answer for `report` with the threads added: `threads`
    on every row and on the report. The rows are the report's prefetched ones, in the order
    report_json lists them: no queries."""
    for kind, key in _ROWS_KEY.items():
        rows = getattr(report, kind.related_name).all()
        for row_data, row in zip(data[key], rows, strict=True):
            row_data["threads"] = threads_json(threads, row)
    data["threads"] = threads_json(threads)
    return data

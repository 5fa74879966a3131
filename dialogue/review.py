"""What the samordnare sees first when a returned report comes back (issue 11, point 5):
which rows changed since it was returned, from what to what, and which of the threads open
when it was returned the board has answered since."""

from dataclasses import dataclass
from datetime import datetime

from dialogue.selectors import Dialogue, NamedThread
from followup.history import RowChanges, changes_since
from followup.models import Report, ReportEvent, ReportState

# The events that give a report back to the board.
BACK_TO_BOARD = (ReportEvent.Kind.RETURNED, ReportEvent.Kind.REOPENED)


@dataclass(frozen=True)
class SinceReturn:
    returned: ReportEvent  # the latest return (or reopening)
    rows: list[RowChanges]  # in page order
    answered: list[NamedThread]  # open at the return, answered by the board since
    unanswered: list[NamedThread]  # open at the return, no answer from the board since

    @property
    def at(self) -> datetime:
        return self.returned.at


def since_return(
    report: Report, events: list[ReportEvent], dialogue: Dialogue
) -> SinceReturn | None:
    """For a submitted report that was returned (or reopened) before: what changed since
    then. None for a report that came in the first time. `events` are the report's, oldest
    first; `dialogue` the page's threads."""
    if report.state != ReportState.SUBMITTED:
        return None
    back = [event for event in events if event.kind in BACK_TO_BOARD]
    if not back:
        return None
    returned = back[-1]
    order = {target: index for index, target in enumerate(dialogue.names)}
    rows = sorted(
        changes_since(report, returned.at), key=lambda row: order.get(row.anchor, len(order))
    )
    open_then = dialogue.named(
        view for view in dialogue.threads.values() if view.was_open_at(returned.at)
    )
    answered = [named for named in open_then if named.view.answers_since(returned.at)]
    unanswered = [named for named in open_then if not named.view.answers_since(returned.at)]
    return SinceReturn(returned, rows, answered, unanswered)

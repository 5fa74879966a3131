"""What a publication copies when it is made: the document's frozen figures, the
samordnare's narrative, and every board's styrkort status for the year.

The styrkort status is the board's verksamhetsberättelse of the year (the programme's annual
period), as the samlad uppföljning counts it: only reports sent in or approved, only the
programme's own activities (a board's own items are its own text), never a comment. The
indicators and the goal's fulfilment per board are already in the figures. Two queries
whatever the number of boards.
"""

from collections import defaultdict
from typing import Any

from catalog.models import ActivityResponsibility, Programme, programme_item
from followup.documents.midterm_narrative import midterm_sections_get, section_title
from followup.models import (
    ActivityStatus,
    Assessment,
    CityFollowup,
    MidtermReport,
    Progress,
    reported,
)


def city_followup_narrative(followup: CityFollowup) -> dict[str, Any]:
    """The overall narrative and one per goal, by goal number."""
    return {
        "overall": followup.narrative,
        "goals": {str(part.goal.number): part.narrative for part in followup.goals.all()},
    }


def midterm_narrative(report: MidtermReport) -> dict[str, Any]:
    """The sections in the document's order, each with its title."""
    sections = midterm_sections_get(programme=report.programme, year=report.year)
    return {
        "sections": [
            {"key": section.key, "title": section_title(section), "text": section.text}
            for section in sections
        ]
    }


def board_styrkort(programme: Programme, year: int, figures: dict[str, Any]) -> list[dict]:
    """Every board with commitments, its activities with the progress and assessment of its
    verksamhetsberättelse `year` (the figures' period), by board name."""
    progress, assessment = dict(Progress.choices), dict(Assessment.choices)
    rows = {
        (board, activity): (step, judged)
        for board, activity, step, judged in ActivityStatus.objects.filter(
            reported(),
            report__period__programme=programme,
            report__period__year=year,
            report__period__is_annual=True,
        ).values_list("report__board__slug", "activity_id", "progress", "assessment")
    }
    activities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for slug, activity, goal, text in (
        ActivityResponsibility.objects.filter(
            programme_item("activity__"), activity__goal__programme=programme
        )
        .order_by("board__name", "activity__goal__number", "activity__position")
        .values_list("board__slug", "activity_id", "activity__goal__number", "activity__text")
    ):
        step, judged = rows.get((slug, activity), ("", ""))
        activities[slug].append(
            {
                "id": activity,
                "goal": goal,
                "text": text,
                "progress": step,
                "progress_label": progress.get(step, "Ej rapporterad"),
                "assessment": judged,
                "assessment_label": assessment.get(judged, "–"),
            }
        )
    return [
        {
            "board": board["board"],
            "board_slug": board["board_slug"],
            "reported": board["reported"],
            "activities": activities.get(board["board_slug"], []),
        }
        for board in figures["boards"]
    ]

"""The samlad uppföljning as a PDF, from the same figures the page shows: `rollup.year_figures`
while a draft, the frozen `CityFollowup.figures` once final (`city.city_followup_figures`).

The figures are a JSON-ready dict; here they are only regrouped for print: per goal as on the
page, and per board for the appendix (each board's values, targets, comments and goal
assessments), so that the document adds no arithmetic of its own.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from followup.documents.pdf import render_pdf
from followup.models import CityFollowup, CityFollowupGoal, FollowupState, ReportState
from followup.rollup import NOT_STARTED

TEMPLATE = "documents/city_followup.html"

STATE_LABELS = {**dict(ReportState.choices), NOT_STARTED: "Ej påbörjad"}


@dataclass
class BoardIndicator:
    goal_number: int
    text: str
    value: dict[str, Any] | None  # None: the board has not given it
    target: str | None
    comment: str


@dataclass
class BoardAssessment:
    goal_number: int
    fulfilment: str
    analysis: str


@dataclass
class BoardTable:
    """One board's part of the year, for the appendix."""

    name: str
    slug: str
    state_label: str
    reported: bool
    indicators: list[BoardIndicator] = field(default_factory=list)
    assessments: list[BoardAssessment] = field(default_factory=list)


def board_tables(figures: dict[str, Any]) -> list[BoardTable]:
    """The figures regrouped by board, in the figures' board order (by name)."""
    tables = {
        board["board_slug"]: BoardTable(
            name=board["board"],
            slug=board["board_slug"],
            state_label=STATE_LABELS.get(board["state"], board["state"]),
            reported=board["reported"],
        )
        for board in figures["boards"]
    }
    for goal in figures["goals"]:
        for indicator in goal["indicators"]:
            for entry in indicator["boards"]:
                table = tables.get(entry["board_slug"])
                if table is not None:
                    table.indicators.append(
                        BoardIndicator(
                            goal_number=goal["number"],
                            text=indicator["text"],
                            value=entry["value"],
                            target=entry["target"],
                            comment=entry["comment"],
                        )
                    )
        for bucket in goal["fulfilment"]["by_fulfilment"].values():
            for row in bucket.get("rows", []):
                table = tables.get(row["board_slug"])
                if table is not None:
                    table.assessments.append(
                        BoardAssessment(goal["number"], bucket["label"], row["analysis"])
                    )
    for table in tables.values():
        table.assessments.sort(key=lambda assessment: assessment.goal_number)
    return list(tables.values())


def goal_analyses(goal: dict[str, Any]) -> list[dict[str, str]]:
    """A goal's figures' board analyses, fulfilment by fulfilment as the figures order them:
    the board, the fulfilment's label and the analysis."""
    return [
        {"board": row["board"], "fulfilment": bucket["label"], "analysis": row["analysis"]}
        for bucket in goal["fulfilment"]["by_fulfilment"].values()
        for row in bucket.get("rows", [])
    ]


def city_followup_context(
    followup: CityFollowup,
    figures: dict[str, Any],
    parts: list[CityFollowupGoal],
    charts: dict[int, SafeString],
) -> dict[str, Any]:
    """What the document shows. `charts` holds each goal's chart (by goal number), drawn as
    on the page and made ready for print with `pdf.chart_for_print`."""
    narratives = {part.goal.number: part.narrative for part in parts}
    goals = [
        {
            "figures": goal,
            "narrative": narratives.get(goal["number"], ""),
            "chart": charts.get(goal["number"], ""),
            "analyses": goal_analyses(goal),
        }
        for goal in figures["goals"]
    ]
    programme = followup.programme
    return {
        "title": f"Samlad uppföljning {followup.year}",
        "organisation": programme.organisation,
        "description": f"Samlad uppföljning {followup.year} av {programme.name}",
        "followup": followup,
        "final": followup.state == FollowupState.FINAL,
        "programme": programme,
        "figures": figures,
        "goals": goals,
        "boards": board_tables(figures),
        "generated_on": timezone.localdate(),
    }


def city_followup_pdf(
    followup: CityFollowup,
    figures: dict[str, Any],
    parts: list[CityFollowupGoal],
    charts: dict[int, SafeString],
) -> bytes:
    return render_pdf(TEMPLATE, city_followup_context(followup, figures, parts, charts))


def city_followup_pdf_filename(followup: CityFollowup) -> str:
    return f"samlad-uppfoljning-{followup.programme.slug}-{followup.year}.pdf"

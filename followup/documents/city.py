"""The samlad uppföljning as a PDF, from the same figures the page shows: `rollup.year_figures`
while a draft, the frozen `CityFollowup.figures` once final (`city.city_followup_figures`).

The figures are a JSON-ready dict; here they are only regrouped for print: per goal as on the
page, with the year before beside them where the programme has its figures
(`previous_year_figures`: frozen if that year's samlad uppföljning is final, live if not), and
per board for the appendix (each board's values, targets, comments and goal assessments), so
that the document adds no arithmetic of its own.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from catalog.models import IndicatorKind
from followup.city import (
    ANALYSES_PER_PAGE,
    city_followup_figures,
    city_followup_get,
    goal_analyses,
)
from followup.documents.issuer import document_issuer
from followup.documents.split import html_to_pdf_in_two
from followup.models import (
    CityFollowup,
    CityFollowupGoal,
    FollowupState,
    ReportingPeriod,
    ReportState,
)
from followup.numbers import target_text
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
    kind: str = IndicatorKind.SHARE

    @property
    def target_text(self) -> str:
        return target_text(self.target, share=self.kind == IndicatorKind.SHARE)


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


def board_tables(figures: dict[str, Any], limit: int | None = None) -> list[BoardTable]:
    """The figures regrouped by board, in the figures' board order (by name): the first
    `limit` boards' (all without)."""
    tables = {
        board["board_slug"]: BoardTable(
            name=board["board"],
            slug=board["board_slug"],
            state_label=STATE_LABELS.get(board["state"], board["state"]),
            reported=board["reported"],
        )
        for board in figures["boards"][:limit]
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
                            kind=indicator["kind"],
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


def previous_year_figures(followup: CityFollowup) -> dict[str, Any] | None:
    """The figures of the year before, where the programme has them (a year of the
    programme with an annual period and some report in it), for the comparison: frozen
    if that year's samlad uppföljning is final, live if not. None otherwise."""
    year = followup.year - 1
    if year < followup.programme.start_year:
        return None
    try:
        figures = city_followup_figures(city_followup_get(programme=followup.programme, year=year))
    except ReportingPeriod.DoesNotExist:
        return None
    return figures if figures["completeness"]["reported"] else None


def _with_previous(goal: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """A goal's assessments and indicators beside the same goal's the year before: per
    assessment the bucket of that year, per indicator (matched by its text) that year's
    value; None where that year has none."""
    before = {} if previous is None else {g["number"]: g for g in previous["goals"]}
    goal_before = before.get(goal["number"])
    buckets_before = goal_before["activities"]["by_assessment"] if goal_before else {}
    values_before = (
        {item["text"]: item["value"] for item in goal_before["indicators"]} if goal_before else {}
    )
    return {
        "assessments": [
            {"bucket": bucket, "before": buckets_before.get(key)}
            for key, bucket in goal["activities"]["by_assessment"].items()
        ],
        "indicators": [
            {"figures": item, "before": values_before.get(item["text"])}
            for item in goal["indicators"]
        ],
    }


def city_followup_context(
    followup: CityFollowup,
    figures: dict[str, Any],
    parts: list[CityFollowupGoal],
    charts: dict[int, SafeString],
    *,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the document shows. `charts` holds each goal's chart (by goal number), drawn as
    on the page and made ready for print with `pdf.chart_for_print`; `previous` the year
    before's figures (`previous_year_figures`), for the column "Föregående år".

    It quotes the analyses and the appendix of no more than `CITY_FOLLOWUP_PDF_BOARDS`
    boards; beyond, `rest` links to where they all are (`rest_links`)."""
    quoted = settings.CITY_FOLLOWUP_PDF_BOARDS
    narratives = {part.goal.number: part.narrative for part in parts}
    goals = []
    for goal in figures["goals"]:
        analyses = goal_analyses(goal)
        goals.append(
            {
                "figures": goal,
                "narrative": narratives.get(goal["number"], ""),
                "chart": charts.get(goal["number"], ""),
                "analyses": analyses[:quoted],
                "analyses_count": len(analyses),
                "compared": _with_previous(goal, previous),
            }
        )
    programme = followup.programme
    boards_count = len(figures["boards"])
    final = followup.state == FollowupState.FINAL
    return {
        "title": f"Samlad uppföljning {followup.year} · {programme.short_name}",
        "heading": f"Samlad uppföljning {followup.year}",
        "organisation": programme.organisation,
        "issuer": document_issuer(programme),
        "description": f"Samlad uppföljning {followup.year} av {programme.name}",
        "followup": followup,
        "final": final,
        "draft": not final,
        "unwritten": [] if final else unwritten_parts(followup, parts),
        "programme": programme,
        "figures": figures,
        "previous": previous,
        "goals": goals,
        "boards": board_tables(figures, quoted),
        "boards_count": boards_count,
        "rest": rest_links(followup) if boards_count > quoted else None,
        "generated_on": timezone.localdate(),
    }


def rest_links(followup: CityFollowup) -> dict[str, Any]:
    """Where a document that quotes only some boards sends the reader for all of them: the
    samlad page (each goal's analyses and each indicator's values, a page at a time) and the
    city export, as addresses on the site (the document is made without a request)."""
    site = settings.SITE_URL.rstrip("/")
    slug, year = followup.programme.slug, followup.year
    return {
        "page": site + reverse("city-followup", args=[slug, year]),
        "export": site + reverse("city-export", args=[slug, year]),
        "analyses_per_page": ANALYSES_PER_PAGE,
    }


def unwritten_parts(followup: CityFollowup, parts: list[CityFollowupGoal]) -> list[str]:
    """The samordnare's texts not yet written, named once in the document: the overall
    assessment and each goal's."""
    programme = followup.programme
    names = [] if followup.narrative.strip() else ["Samlad bedömning"]
    names += [
        f"{programme.goal_label} {part.goal.number}" for part in parts if not part.narrative.strip()
    ]
    return names


def city_followup_html(
    followup: CityFollowup,
    figures: dict[str, Any],
    parts: list[CityFollowupGoal],
    charts: dict[int, SafeString],
    *,
    previous: dict[str, Any] | None = None,
) -> str:
    context = city_followup_context(followup, figures, parts, charts, previous=previous)
    return render_to_string(TEMPLATE, context)


def city_followup_pdf(
    followup: CityFollowup,
    figures: dict[str, Any],
    parts: list[CityFollowupGoal],
    charts: dict[int, SafeString],
    *,
    previous: dict[str, Any] | None = None,
) -> bytes:
    """The document as a PDF, its appendix made at the same time as the rest where there are
    two cores (`split.html_to_pdf_in_two`)."""
    html = city_followup_html(followup, figures, parts, charts, previous=previous)
    return html_to_pdf_in_two(html)


def city_followup_pdf_filename(followup: CityFollowup) -> str:
    return f"samlad-uppfoljning-{followup.programme.slug}-{followup.year}.pdf"

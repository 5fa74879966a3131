"""The published results as the public sees them: the one function behind the public pages
and the open data (`year_results`), so that both show the same figures.

Everything comes from the publications' snapshots, never from the reports: a published
version does not change, and nothing unpublished or in draft is ever read here. Small
numbers are hidden on the way out (`publishing.suppression`). The boards' free text (their
comments and analyses) is not shown: it is in the published PDF, read there in context.

A programme's results cost one query for its publications, whatever the number of years.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from catalog.models import Programme
from followup import access
from followup.models import Fulfilment
from publishing import suppression
from publishing.models import Publication, PublicationKind

# Part of every ETag: raise it when a release changes what the results look like.
REVISION = 1
CURRENT, SUPERSEDED = "gällande", "ersatt"
STATUS_LABELS = {CURRENT: "Gällande", SUPERSEDED: "Ersatt"}


@dataclass(frozen=True)
class Published:
    """A programme's public versions, one query: by (kind, year), oldest version first."""

    programme: Programme
    versions: dict[tuple[str, int], list[Publication]]

    @classmethod
    def of(cls, programme: Programme) -> "Published":
        versions: dict[tuple[str, int], list[Publication]] = {}
        for publication in access.public_publications(programme).order_by("year", "number"):
            publication.programme = programme  # at hand: no query for its slug
            versions.setdefault((publication.kind, publication.year), []).append(publication)
        return cls(programme=programme, versions=versions)

    @property
    def years(self) -> list[int]:
        return sorted({year for _, year in self.versions})

    def current(self, kind: str, year: int) -> Publication | None:
        versions = self.versions.get((kind, year))
        return versions[-1] if versions else None

    def version(self, kind: str, year: int, number: int | None) -> Publication | None:
        if number is None:
            return self.current(kind, year)
        versions = self.versions.get((kind, year), [])
        return next((each for each in versions if each.number == number), None)

    def status(self, publication: Publication) -> str:
        current = self.current(publication.kind, publication.year)
        return CURRENT if current is not None and current.pk == publication.pk else SUPERSEDED

    def etag(self, *extra: object) -> str:
        """Changes whenever a version is published or taken down."""
        ids = [each.pk for versions in self.versions.values() for each in versions]
        key = f"{REVISION} {self.programme.pk} {ids} {extra}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


def _parts(indicator: dict[str, Any]) -> list[list[suppression.Part]]:
    """The parts shown beside an indicator's city-wide value: women and men, and the boards."""
    gender = [
        (indicator[part]["numerator"], indicator[part]["denominator"]) for part in ("women", "men")
    ]
    boards = [
        (entry["value"]["numerator"], entry["value"]["denominator"])
        for entry in indicator["boards"]
        if entry["value"] is not None
    ]
    return [gender, boards]


def _public_value(kind: str, value: dict[str, Any], parts: Iterable = ()) -> dict[str, Any]:
    public = suppression.value(kind, value["numerator"], value["denominator"], parts=list(parts))
    public["boards"] = value["boards"]
    return public


def _indicator_key(indicator: dict[str, Any]) -> object:
    # Figures frozen before indicators carried their id are matched by their wording.
    return indicator.get("id") or indicator["text"]


def _indicator(indicator: dict[str, Any]) -> dict[str, Any]:
    kind = indicator["kind"]
    return {
        "id": indicator.get("id"),
        "text": indicator["text"],
        "kind": kind,
        "value": _public_value(kind, indicator["value"], _parts(indicator)),
        "women": _public_value(kind, indicator["women"]),
        "men": _public_value(kind, indicator["men"]),
        "completeness": indicator["completeness"],
    }


def _buckets(buckets: dict[str, Any]) -> dict[str, Any]:
    # The boards' analyses ("rows") stay out: free text, in the PDF only.
    return {
        key: {"label": each["label"], "count": each["count"], "share": each["share"]}
        for key, each in buckets.items()
    }


def _goals(figures: dict[str, Any], narrative: dict[str, Any]) -> list[dict[str, Any]]:
    texts = narrative.get("goals", {})
    return [
        {
            "number": goal["number"],
            "title": goal["title"],
            "narrative": texts.get(str(goal["number"]), ""),
            "activities": {
                "completeness": goal["activities"]["completeness"],
                "by_progress": _buckets(goal["activities"]["by_progress"]),
                "by_assessment": _buckets(goal["activities"]["by_assessment"]),
            },
            "fulfilment": {
                "completeness": goal["fulfilment"]["completeness"],
                "by_fulfilment": _buckets(goal["fulfilment"]["by_fulfilment"]),
            },
            "indicators": [_indicator(each) for each in goal["indicators"]],
        }
        for goal in figures["goals"]
    ]


def _trends(published: Published) -> dict[object, list[dict[str, Any]]]:
    """Each indicator's city-wide value in every published year (the current versions)."""
    trends: dict[object, list[dict[str, Any]]] = {}
    for year in published.years:
        current = published.current(PublicationKind.CITY_FOLLOWUP, year)
        if current is None:
            continue
        for goal in current.figures["goals"]:
            for indicator in goal["indicators"]:
                trends.setdefault(_indicator_key(indicator), []).append(
                    {"year": year, "value": _indicator(indicator)["value"]}
                )
    return trends


def _version_info(published: Published, publication: Publication) -> dict[str, Any]:
    return {
        "kind": publication.kind,
        "kind_label": publication.get_kind_display(),
        "version": publication.number,
        "status": published.status(publication),
        "status_label": STATUS_LABELS[published.status(publication)],
        "published_at": publication.published_at.isoformat(),
        "note": publication.note,
    }


def _versions(published: Published, kind: str, year: int) -> list[dict[str, Any]]:
    return [_version_info(published, each) for each in published.versions.get((kind, year), [])]


def board_cards(publication: Publication) -> list[dict[str, Any]]:
    """Every board's styrkort as published: its activities' progress and assessment, its
    indicator values (small numbers hidden) and its judgement of each goal's fulfilment."""
    figures = publication.figures
    indicators: dict[str, list[dict[str, Any]]] = {}
    fulfilment: dict[str, dict[int, str]] = {}
    labels = dict(Fulfilment.choices)
    for goal in figures["goals"]:
        for indicator in goal["indicators"]:
            for entry in indicator["boards"]:
                if entry["value"] is None:
                    continue
                indicators.setdefault(entry["board_slug"], []).append(
                    {
                        "goal": goal["number"],
                        "id": indicator.get("id"),
                        "text": indicator["text"],
                        "kind": indicator["kind"],
                        "value": _public_value(indicator["kind"], entry["value"]),
                        "target": entry["target"],
                    }
                )
        for key, bucket in goal["fulfilment"]["by_fulfilment"].items():
            for row in bucket.get("rows", []):
                fulfilment.setdefault(row["board_slug"], {})[goal["number"]] = labels.get(
                    key, bucket["label"]
                )
    titles = {goal["number"]: goal["title"] for goal in figures["goals"]}
    cards = []
    for card in publication.styrkort:
        slug = card["board_slug"]
        items = [("activities", each) for each in card["activities"]]
        items += [("indicators", each) for each in indicators.get(slug, [])]
        goals: dict[int, dict[str, Any]] = {}
        for key, item in items:
            number = item["goal"]
            if number not in goals:
                goals[number] = {
                    "number": number,
                    "title": titles.get(number, ""),
                    "fulfilment": fulfilment.get(slug, {}).get(number, "Ej rapporterad"),
                    "activities": [],
                    "indicators": [],
                }
            goals[number][key].append(item)
        cards.append(
            {
                "board": card["board"],
                "board_slug": slug,
                "reported": card["reported"],
                "goals": [goals[number] for number in sorted(goals)],
            }
        )
    return cards


def year_results(
    published: Published, year: int, *, version: int | None = None
) -> dict[str, Any] | None:
    """Everything published about `year`, JSON-ready, or None if nothing is: the samlad
    uppföljning (the current version, or `version`) with its goals, indicators and trends,
    the boards' styrkort, and the halvtidsrapport if one is published for the year."""
    city = published.version(PublicationKind.CITY_FOLLOWUP, year, version)
    midterm = published.current(PublicationKind.MIDTERM, year)
    if city is None and (midterm is None or version is not None):
        return None
    programme = published.programme
    result: dict[str, Any] = {
        "programme": {
            "slug": programme.slug,
            "name": programme.name,
            "organisation": programme.organisation,
            "goal_label": programme.goal_label,
        },
        "year": year,
        "suppression": {
            "threshold": suppression.threshold(),
            "display": suppression.hidden_text(),
            "rule": suppression.rule_text(),
        },
        "city_followup": None,
        "midterm": None,
        "boards": [],
    }
    if city is not None:
        trends = _trends(published)
        goals = _goals(city.figures, city.narrative)
        for goal in goals:
            for indicator in goal["indicators"]:
                indicator["trend"] = trends.get(_indicator_key(indicator), [])
        result["city_followup"] = {
            **_version_info(published, city),
            "period_label": city.figures["period_label"],
            "completeness": city.figures["completeness"],
            "narrative": city.narrative.get("overall", ""),
            "goals": goals,
            "versions": _versions(published, PublicationKind.CITY_FOLLOWUP, year),
        }
        result["boards"] = board_cards(city)
    if midterm is not None:
        result["midterm"] = {
            **_version_info(published, midterm),
            "first_year": midterm.figures.get("first_year"),
            "sections": midterm.narrative.get("sections", []),
            "goals": [
                {
                    "number": goal["number"],
                    "title": goal["title"],
                    "prerequisites": goal["prerequisites"],
                }
                for goal in midterm.figures.get("goals", [])
            ],
            "versions": _versions(published, PublicationKind.MIDTERM, year),
        }
    return result


def results_rows(result: dict[str, Any]) -> list[list[object]]:
    """The year's figures as rows for CSV, long format: one value per row."""
    header: list[object] = [
        "ar",
        "mal",
        "typ",
        "id",
        "text",
        "del",
        "antal",
        "av_totalt",
        "andel_procent",
        "dold",
        "visas",
    ]
    rows: list[list[object]] = [header]
    city = result["city_followup"]
    if city is None:
        return rows
    year = result["year"]
    for goal in city["goals"]:
        scales = (
            ("aktiviteter_status", goal["activities"]["by_progress"]),
            ("aktiviteter_bedomning", goal["activities"]["by_assessment"]),
            ("maluppfyllelse", goal["fulfilment"]["by_fulfilment"]),
        )
        for kind, buckets in scales:
            for key, bucket in buckets.items():
                count = bucket["count"]
                rows.append(
                    [
                        year,
                        goal["number"],
                        kind,
                        key,
                        bucket["label"],
                        "",
                        count,
                        "",
                        bucket["share"],
                        "nej",
                        count,
                    ]
                )
        for indicator in goal["indicators"]:
            for part, label in (("value", "totalt"), ("women", "kvinnor"), ("men", "män")):
                value = indicator[part]
                rows.append(
                    [
                        year,
                        goal["number"],
                        "indikator",
                        indicator["id"],
                        indicator["text"],
                        label,
                        value["numerator"]["value"],
                        (value["denominator"] or {}).get("value"),
                        (value["share"] or {}).get("value"),
                        "ja" if value["suppressed"] else "nej",
                        value["display"],
                    ]
                )
    return rows

"""Counting what the personal-data guard (`followup.personal_data`) stopped.

The guard refuses a save through a validation error; the view or import that refused it
hands the form (or the file's stops) here, on the refused POST. Each stop is kept as a
`GuardStop` (the kind of data, the field, form or file, programme and board) and logged with
the same facts: the rule and the place, never the text.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.forms import BaseForm
from django.utils import timezone

from catalog.models import Programme
from followup.models import GuardSource, GuardStop, Report
from followup.personal_data import GUARD_CODE, PersonalDataKind

logger = logging.getLogger(__name__)

# The places a stop is counted at, as the samordnare reads them.
PLACES = {
    "ActivityStatus.comment": "Aktivitetens kommentar",
    "ActivityStatus.not_applicable_reason": "Skäl till ”Ej aktuell”",
    "IndicatorOutcome.comment": "Indikatorns kommentar",
    "GoalAssessment.analysis": "Målets analys",
    "Report.summary": "Rapportens sammanfattning",
    "OwnItem.text": "Egen aktivitet eller indikator",
    "CityFollowup.narrative": "Samlad uppföljning, samlad bedömning",
    "CityFollowupGoal.narrative": "Samlad uppföljning, bedömning av ett mål",
    "MidtermSection.text": "Halvtidsrapporten",
    "Comment.text": "Kommentar i en tråd",
}


@dataclass(frozen=True)
class Stop:
    place: str  # model (or form) and field: "ActivityStatus.comment"
    kind: PersonalDataKind


def stops_in(form: BaseForm) -> list[Stop]:
    """The guard's refusals among a validated form's errors, field by field."""
    meta = getattr(form, "_meta", None)
    model = getattr(meta, "model", None)
    owner = model.__name__ if model is not None else type(form).__name__.removesuffix("Form")
    return [
        Stop(f"{owner}.{name}", PersonalDataKind(kind))
        for name, errors in form.errors.as_data().items()
        for error in errors
        if error.code == GUARD_CODE and error.params
        for kind in error.params["kinds"]
    ]


def stops_record(
    stops: list[Stop],
    *,
    source: GuardSource,
    programme_id: int,
    board_id: int | None = None,
    report_id: int | None = None,
) -> None:
    """Count and log the stops of one refused save (nothing when there are none)."""
    if not stops:
        return
    GuardStop.objects.bulk_create(
        GuardStop(
            kind=stop.kind,
            source=source,
            place=stop.place,
            programme_id=programme_id,
            board_id=board_id,
        )
        for stop in stops
    )
    for stop in stops:
        logger.warning(
            "Personal-data guard refused a save: %s in %s (%s; programme %s, board %s, "
            "report %s). The text is neither stored nor logged.",
            stop.kind.value,
            stop.place,
            source.value,
            programme_id,
            board_id,
            report_id,
        )


def form_refused(form: BaseForm, *, programme_id: int, board_id: int | None = None) -> None:
    """Record what the guard stopped in a form sent from a page that is not a report's."""
    stops_record(
        stops_in(form), source=GuardSource.FORM, programme_id=programme_id, board_id=board_id
    )


def report_refused(
    stops: list[Stop], *, report: Report, source: GuardSource = GuardSource.FORM
) -> None:
    """Record what the guard stopped in a write to a report (its rows, summary, own items)."""
    stops_record(
        stops,
        source=source,
        programme_id=report.period.programme_id,
        board_id=report.board_id,
        report_id=report.pk,
    )


# --- What the samordnare sees -------------------------------------------------------------

RECENT_DAYS = 30


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    recent: int  # within RECENT_DAYS
    last: datetime


@dataclass
class ProgrammeStops:
    programme: Programme
    total: int = 0
    recent: int = 0
    last: datetime | None = None
    by_kind: list[Tally] = field(default_factory=list)
    by_place: list[Tally] = field(default_factory=list)
    by_source: list[Tally] = field(default_factory=list)
    by_board: list[Tally] = field(default_factory=list)


def stop_summaries(
    programmes: QuerySet[Programme], stops: QuerySet[GuardStop]
) -> list[ProgrammeStops]:
    """For each programme, how often the guard stopped a save: in all, in the last
    RECENT_DAYS days, and by kind, field, form or file, and board. Two queries, however
    many stops."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    groups = (
        stops.values("programme_id", "kind", "source", "place", "board__name")
        .annotate(count=Count("pk"), recent=Count("pk", filter=Q(at__gte=since)), last=Max("at"))
        .order_by()
    )
    # programme → facet → label → [count, recent, last]
    tallies: dict[int, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(dict))
    for group in groups:
        labels = {
            "kind": PersonalDataKind(group["kind"]).label.capitalize(),
            "place": PLACES.get(group["place"], group["place"]),
            "source": GuardSource(group["source"]).label,
            "board": group["board__name"] or "Samordnarens dokument",
        }
        for facet, label in labels.items():
            entry = tallies[group["programme_id"]][facet].setdefault(label, [0, 0, group["last"]])
            entry[0] += group["count"]
            entry[1] += group["recent"]
            entry[2] = max(entry[2], group["last"])
    summaries = []
    for programme in programmes:
        summary = ProgrammeStops(programme)
        facets = tallies.get(programme.pk, {})
        for facet, entries in facets.items():
            ordered = sorted(entries.items(), key=lambda item: (-item[1][0], item[0]))
            setattr(summary, f"by_{facet}", [Tally(label, *values) for label, values in ordered])
        summary.total = sum(tally.count for tally in summary.by_kind)
        summary.recent = sum(tally.recent for tally in summary.by_kind)
        summary.last = max((tally.last for tally in summary.by_kind), default=None)
        summaries.append(summary)
    return summaries

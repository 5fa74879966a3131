"""The samlad uppföljning: the social services board's city-wide follow-up of a year.

Its figures are built from the year's verksamhetsberättelser by `rollup.year_figures`; while
it is a draft they are live, and when the samordnare makes it final they are frozen into the
document, so that a report corrected later does not change it silently. Beside them it keeps
their summary (`figures_summary`): what the page shows, without every board's values and
analyses, which the page quotes only the first of and pages through on their own pages.
"""

from typing import Any, cast

from concurrency.exceptions import RecordModifiedError
from django.contrib.auth.models import User
from django.db import transaction
from django.forms import ModelForm

from catalog.models import Programme
from followup.final import document_figures, document_finalise
from followup.models import CityFollowup, CityFollowupGoal, FollowupState
from followup.rollup import year_figures
from followup.services import CREATED_VERSION, FollowupError, StaleRow

# Boards whose value of an indicator the page quotes in place (Stockholm's longest list, 23,
# fits), and the boards' analyses of a goal it quotes (a page of its analyses' own page); the
# rest a page at a time on their own pages, so that the page stays the same size however many
# boards. The summary of a final document keeps as many (`figures_summary`).
VALUES_INLINE = 25
ANALYSES_PER_PAGE = 20


def city_followup_get(
    *, programme: Programme, year: int, summary_only: bool = False
) -> CityFollowup:
    """The year's samlad uppföljning, or, until someone writes in it, an unsaved empty draft:
    a read writes nothing (the first save creates it, `city_followup_text_save`).
    `summary_only`: without its frozen figures (read on access), for `city_followup_summary`."""
    documents = CityFollowup.objects.filter(programme=programme, year=year)
    if summary_only:
        documents = documents.defer("figures")
    followup = documents.first()
    if followup is None:
        followup = CityFollowup(programme=programme, year=year, version=CREATED_VERSION)
    followup.programme = programme  # already at hand: no query to fetch it again
    return followup


def city_followup_draft_create(*, programme: Programme, year: int) -> CityFollowup:
    """The year's document with a narrative for every goal, created if missing, locked for
    the rest of the transaction. Safe when several samordnare write first at the same moment:
    the unique constraints decide, and whoever comes second uses what the first created."""
    followup, _ = CityFollowup.objects.get_or_create(programme=programme, year=year)
    CityFollowupGoal.objects.bulk_create(
        (CityFollowupGoal(followup=followup, goal=goal) for goal in programme.goals.all()),
        ignore_conflicts=True,
    )
    return CityFollowup.objects.select_for_update().get(pk=followup.pk)


def city_followup_figures(followup: CityFollowup) -> dict[str, Any]:
    """The figures the document shows: frozen once final, live while a draft."""
    return document_figures(followup, lambda: year_figures(followup.programme, followup.year))


def goal_analyses(goal: dict[str, Any]) -> list[dict[str, str]]:
    """A goal's figures' board analyses, fulfilment by fulfilment as the figures order them:
    the board, the fulfilment's label and the analysis."""
    return [
        {"board": row["board"], "fulfilment": bucket["label"], "analysis": row["analysis"]}
        for bucket in goal["fulfilment"]["by_fulfilment"].values()
        for row in bucket.get("rows", [])
    ]


def figures_summary(figures: dict[str, Any]) -> dict[str, Any]:
    """`figures` as the page shows them: the city-wide figures, per indicator the first
    VALUES_INLINE boards' values with `boards_count`, per goal the first ANALYSES_PER_PAGE
    boards' analyses (`goal_analyses`) with `analyses_count` and the fulfilment buckets
    without their rows; the boards' own indicators as they are, no list of boards."""

    def indicator(item: dict[str, Any]) -> dict[str, Any]:
        boards = item["boards"]
        return {**item, "boards": boards[:VALUES_INLINE], "boards_count": len(boards)}

    def goal(item: dict[str, Any]) -> dict[str, Any]:
        analyses = goal_analyses(item)
        buckets = item["fulfilment"]["by_fulfilment"]
        return {
            **item,
            "indicators": [indicator(each) for each in item["indicators"]],
            "fulfilment": {
                **item["fulfilment"],
                "by_fulfilment": {
                    key: {name: value for name, value in bucket.items() if name != "rows"}
                    for key, bucket in buckets.items()
                },
            },
            "analyses": analyses[:ANALYSES_PER_PAGE],
            "analyses_count": len(analyses),
        }

    return {
        **{key: value for key, value in figures.items() if key != "boards"},
        "goals": [goal(each) for each in figures["goals"]],
    }


def city_followup_summary(followup: CityFollowup) -> dict[str, Any]:
    """The summary of the figures the document shows (`figures_summary`): frozen once final,
    of the live figures while a draft."""
    if followup.is_final and followup.summary is not None:
        return cast(dict[str, Any], followup.summary)
    return figures_summary(city_followup_figures(followup))


def city_followup_text_save(*, form: ModelForm, followup: CityFollowup) -> None:
    """Save the overall narrative or a goal's, refusing a final document or a stale form. The
    first save of a year creates its draft."""
    with transaction.atomic():
        locked = city_followup_draft_create(programme=followup.programme, year=followup.year)
        if locked.state == FollowupState.FINAL:
            raise FollowupError("Den samlade uppföljningen är slutlig och kan inte ändras.")
        instance = form.instance
        if instance.pk is None:
            # A form from the page drawn before the draft existed: save it onto the stored
            # row, under that row's version check.
            stored = (
                locked
                if isinstance(instance, CityFollowup)
                else locked.goals.get(goal=instance.goal)
            )
            instance.pk, instance._state.adding = stored.pk, False
            if isinstance(instance, CityFollowupGoal):
                instance.followup = locked
        try:
            with transaction.atomic():
                form.save()
        except RecordModifiedError:
            raise StaleRow(type(form.instance).objects.get(pk=form.instance.pk)) from None


def city_followup_parts(followup: CityFollowup) -> list[CityFollowupGoal]:
    """A narrative per goal of the programme, by number: the stored ones and, unsaved and
    empty, one for each goal nobody has written about yet."""
    stored = {}
    if followup.pk is not None:
        stored = {part.goal_id: part for part in followup.goals.select_related("goal")}
    parts = []
    for goal in followup.programme.goals.order_by("number"):
        part = stored.get(goal.pk)
        if part is None:
            part = CityFollowupGoal(followup=followup, goal=goal, version=CREATED_VERSION)
        parts.append(part)
    return parts


def city_followup_missing(
    followup: CityFollowup, parts: list[CityFollowupGoal] | None = None
) -> list[str]:
    """The narratives still to write before the document can be final."""
    missing = [] if followup.narrative.strip() else ["Samlad bedömning för hela programmet"]
    goal_word = followup.programme.goal_label.lower()
    missing += [
        f"Bedömning för {goal_word} {part.goal.number}"
        for part in (parts if parts is not None else city_followup_parts(followup))
        if not part.narrative.strip()
    ]
    return missing


def city_followup_finalise(*, followup: CityFollowup, user: User) -> CityFollowup:
    """Make the document final, freezing the figures it was made from."""
    if followup.pk is None:
        # Nothing is written yet: refuse without creating the draft.
        raise FollowupError("Skriv först: " + ", ".join(city_followup_missing(followup)) + ".")
    with transaction.atomic():
        locked = CityFollowup.objects.select_for_update().get(pk=followup.pk)
        if locked.state == FollowupState.FINAL:
            raise FollowupError("Den samlade uppföljningen är redan slutlig.")
        if missing := city_followup_missing(locked):
            raise FollowupError("Skriv först: " + ", ".join(missing) + ".")
        figures = year_figures(locked.programme, locked.year)
        locked.summary = figures_summary(figures)
        document_finalise(locked, figures=figures, user=user)
    return locked

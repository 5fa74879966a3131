"""The samlad uppföljning: the social services board's city-wide follow-up of a year.

Its figures are built from the year's verksamhetsberättelser by `rollup.year_figures`; while
it is a draft they are live, and when the samordnare makes it final they are frozen into the
document, so that a report corrected later does not change it silently.
"""

from typing import Any

from concurrency.exceptions import RecordModifiedError
from django.contrib.auth.models import User
from django.db import transaction
from django.forms import ModelForm

from catalog.models import Programme
from followup.final import document_figures, document_finalise
from followup.models import CityFollowup, CityFollowupGoal, FollowupState
from followup.rollup import year_figures
from followup.services import CREATED_VERSION, FollowupError, StaleRow


def city_followup_get(*, programme: Programme, year: int) -> CityFollowup:
    """The year's samlad uppföljning, or, until someone writes in it, an unsaved empty draft:
    a read writes nothing (the first save creates it, `city_followup_text_save`)."""
    followup = CityFollowup.objects.filter(programme=programme, year=year).first()
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
        document_finalise(locked, figures=year_figures(locked.programme, locked.year), user=user)
    return locked

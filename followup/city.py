"""The samlad uppföljning: the social services board's city-wide follow-up of a year.

Its figures are built from the year's verksamhetsberättelser by `rollup.year_figures`; while
it is a draft they are live, and when the samordnare makes it final they are frozen into the
document, so that a report corrected later does not change it silently.
"""

from typing import Any, cast

from concurrency.exceptions import RecordModifiedError
from django.contrib.auth.models import User
from django.db import transaction
from django.forms import ModelForm
from django.utils import timezone

from catalog.models import Programme
from followup.models import CityFollowup, CityFollowupGoal, FollowupState
from followup.rollup import year_figures
from followup.services import FollowupError, StaleRow


def city_followup_get(*, programme: Programme, year: int) -> CityFollowup:
    """The year's samlad uppföljning, created as an empty draft the first time it is asked
    for, with a narrative for every goal of the programme."""
    followup, _ = CityFollowup.objects.get_or_create(programme=programme, year=year)
    followup.programme = programme  # already at hand: no query to fetch it again
    have = set(followup.goals.values_list("goal_id", flat=True))
    missing = [goal for goal in programme.goals.all() if goal.pk not in have]
    CityFollowupGoal.objects.bulk_create(
        CityFollowupGoal(followup=followup, goal=goal) for goal in missing
    )
    return followup


def city_followup_figures(followup: CityFollowup) -> dict[str, Any]:
    """The figures the document shows: frozen once final, live while a draft."""
    if followup.state == FollowupState.FINAL:
        # Frozen by city_followup_finalise: never empty once final.
        return cast(dict[str, Any], followup.figures)
    return year_figures(followup.programme, followup.year)


def city_followup_text_save(*, form: ModelForm, followup: CityFollowup) -> None:
    """Save the overall narrative or a goal's, refusing a final document or a stale form."""
    with transaction.atomic():
        locked = CityFollowup.objects.select_for_update().get(pk=followup.pk)
        if locked.state == FollowupState.FINAL:
            raise FollowupError("Den samlade uppföljningen är slutlig och kan inte ändras.")
        try:
            with transaction.atomic():
                form.save()
        except RecordModifiedError:
            raise StaleRow(type(form.instance).objects.get(pk=form.instance.pk)) from None


def city_followup_parts(followup: CityFollowup) -> list[CityFollowupGoal]:
    return list(followup.goals.select_related("goal").order_by("goal__number"))


def city_followup_missing(
    followup: CityFollowup, parts: list[CityFollowupGoal] | None = None
) -> list[str]:
    """The narratives still to write before the document can be final."""
    missing = [] if followup.narrative.strip() else ["Samlad bedömning för hela programmet"]
    missing += [
        f"Bedömning för mål {part.goal.number}"
        for part in (parts if parts is not None else city_followup_parts(followup))
        if not part.narrative.strip()
    ]
    return missing


def city_followup_finalise(*, followup: CityFollowup, user: User) -> CityFollowup:
    """Make the document final, freezing the figures it was made from."""
    with transaction.atomic():
        locked = CityFollowup.objects.select_for_update().get(pk=followup.pk)
        if locked.state == FollowupState.FINAL:
            raise FollowupError("Den samlade uppföljningen är redan slutlig.")
        if missing := city_followup_missing(locked):
            raise FollowupError("Skriv först: " + ", ".join(missing) + ".")
        locked.figures = year_figures(locked.programme, locked.year)
        locked.state = FollowupState.FINAL
        locked.finalised_at = timezone.now()
        locked.finalised_by = user
        locked.save()
    return locked

"""Making a city-wide document final: the one rule the samlad uppföljning and the
halvtidsrapport share (`models.FinalDocument`).

A final document carries the figures it was made from, frozen at that moment; reading its
figures gives the frozen ones, and while it is a draft the live ones. Its own service checks
what must be written first and locks the row; this module only freezes and reads.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from followup.models import FinalDocument, FollowupState
from followup.services import FollowupError


def document_finalise(document: FinalDocument, *, figures: dict[str, Any], user: User) -> None:
    """Freeze `figures` into the (locked) document and make it final, with who and when."""
    document.figures = figures
    document.state = FollowupState.FINAL
    document.finalised_at = timezone.now()
    document.finalised_by = user
    document.save()


def document_figures(document: FinalDocument, live: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The figures the document shows: frozen once final, `live()` while a draft."""
    if document.is_final:
        # Frozen by document_finalise: never empty once final.
        return cast(dict[str, Any], document.figures)
    return live()


def document_reopen(document: FinalDocument) -> None:
    """Make a final document a draft again, to correct it: its figures follow the reports
    again until it is made final once more. What was published from it stays as published
    (`publishing`); the change is in the document's history."""
    with transaction.atomic():
        locked = type(document)._default_manager.select_for_update().get(pk=document.pk)
        if not locked.is_final:
            raise FollowupError("Dokumentet är redan ett utkast.")
        locked.state = FollowupState.DRAFT
        for name in locked.FROZEN_FIELDS:
            setattr(locked, name, None)
        locked.finalised_at = None
        locked.finalised_by = None
        locked.save()

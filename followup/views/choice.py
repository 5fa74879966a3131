"""The programme chooser of the pages that list several programmes' material (periods,
samlad uppföljning, styrkort): `?program=<slug>` narrows the page to one programme; without
it, or with a slug the reader does not follow, the page shows all of theirs, one by one."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.http import HttpRequest

from catalog.models import Programme

P = TypeVar("P", bound=Programme)


@dataclass(frozen=True)
class ProgrammeChoice:
    programmes: Sequence[Programme]  # all the reader may choose from
    chosen: Programme | None  # None: all of them

    @property
    def shown(self) -> list[Programme]:
        return [self.chosen] if self.chosen else list(self.programmes)


def programme_choice(request: HttpRequest, programmes: Sequence[P]) -> ProgrammeChoice:
    slug = request.GET.get("program")
    chosen = next((p for p in programmes if p.slug == slug), None)
    return ProgrammeChoice(programmes=programmes, chosen=chosen)

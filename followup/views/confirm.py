"""Pages that ask before an irreversible step: lock or open a period, reopen a report,
submit it, make the samlad uppföljning final.

Each step has a GET page of its own that says what will happen and holds a plain POST form
to the step's own view, so that it works without JavaScript and a click on the page's
button never does the step by itself. The POST view stays the one service call; when its
form is refused it draws this page again with the errors in place.
"""

from dataclasses import dataclass, field

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Confirmation:
    title: str  # the question, as the page's heading: "Lås T1 2026?"
    consequences: list[str]  # what will happen, in the order it happens
    action: str  # where the form posts
    button: str  # what the button does: "Lås perioden"
    back: str  # where "Avbryt" leads: the page the user came from
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (url, text) above it
    form: forms.Form | None = None  # what the step needs to be told (a reason, a date)
    warnings: list[str] = field(default_factory=list)  # what stands in the way, if anything
    error: str = ""  # the service's refusal, in Swedish
    blocked: bool = False  # the step cannot be taken now (`error` says why): no button
    # What must be done first, each (url, text) a link to where it is done: no button either.
    missing: list[tuple[str, str]] = field(default_factory=list)
    missing_intro: str = ""  # the sentence above the list

    @property
    def can_proceed(self) -> bool:
        return not self.blocked and not self.missing


def confirm_page(
    request: HttpRequest, confirmation: Confirmation, status: int = 200
) -> HttpResponse:
    return render(request, "followup/confirm.html", {"confirm": confirmation}, status=status)

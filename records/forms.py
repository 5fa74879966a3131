from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from catalog.models import Programme

FORMATS = (("csv", "CSV (semikolonseparerad)"), ("xlsx", "Excel (xlsx)"))
# A span longer than this is refused: an export of every change since the programme began
# is what the archive package is for.
LONGEST_SPAN_DAYS = 5 * 366


class AuditForm(forms.Form):
    """Which programme, from which day to which, in which format. The programmes offered
    are those the user may audit (`access.audited_programmes`): another one is an invalid
    choice."""

    programme = forms.ModelChoiceField(
        label="Program",
        queryset=Programme.objects.none(),
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": "Välj ett av programmen i listan."},
    )
    first = forms.DateField(
        label="Från och med",
        help_text="Till exempel 2024-01-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Ange första dagen.",
            "invalid": "Skriv datumet som ÅÅÅÅ-MM-DD.",
        },
    )
    last = forms.DateField(
        label="Till och med",
        help_text="Till exempel 2024-12-31.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Ange sista dagen.",
            "invalid": "Skriv datumet som ÅÅÅÅ-MM-DD.",
        },
    )
    format = forms.ChoiceField(label="Filformat", choices=FORMATS, initial="csv")

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first: date | None = cleaned.get("first")
        last: date | None = cleaned.get("last")
        if first and last:
            if last < first:
                self.add_error("last", "Sista dagen kan inte vara före den första.")
            elif (last - first).days > LONGEST_SPAN_DAYS:
                self.add_error("last", "Välj högst fem år åt gången.")
        return cleaned

from typing import cast

from django import forms

from attachments.content import ALLOWED_TEXT
from attachments.selectors import Target
from attachments.uploads import max_bytes, size_text
from followup.widget_html import EXACT_RENDERER

PRIVACY_HINT = (
    "Bifoga inga uppgifter om enskilda personer som har utsatts för eller utövat våld: "
    "bara underlag om verksamheten."
)


class AttachmentForm(forms.Form):
    """Validates the form only; what the file is, is checked by its content in
    attachments.services."""

    # Drawn on the report page, whose list of rows to attach to is as long as the report.
    default_renderer = EXACT_RENDERER
    target = forms.ChoiceField(label="Bifoga till")
    file = forms.FileField(
        label="Fil",
        # An empty file gets the service's own message.
        allow_empty_file=True,
        error_messages={"required": "Välj en fil att bifoga."},
    )

    def __init__(self, *args: object, targets: list[Target], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        target = cast(forms.ChoiceField, self.fields["target"])
        target.choices = [(t.anchor, t.label) for t in targets]
        self.fields[
            "file"
        ].help_text = f"{ALLOWED_TEXT}, högst {size_text(max_bytes())}. {PRIVACY_HINT}"

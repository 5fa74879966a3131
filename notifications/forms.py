from django import forms

from notifications.models import NotificationKind


class EmailChoicesForm(forms.Form):
    """One box per kind: ticked, the kind comes by e-mail too (it always shows in the app)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in NotificationKind:
            self.fields[kind.value] = forms.BooleanField(label=kind.label, required=False)

from django import forms

from dialogue.models import Comment


class CommentForm(forms.ModelForm):
    """A comment's text; its validators (length, the personal-data guard) are the model's."""

    class Meta:
        model = Comment
        fields = ["text"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text"].required = True
        self.fields["text"].error_messages["required"] = "Skriv en kommentar."

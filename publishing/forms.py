from django import forms

from followup.personal_data import no_personal_data


class PublishForm(forms.Form):
    note = forms.CharField(
        label="Vad är rättat?",
        help_text="Visas för alla vid den nya versionen. Krävs när en version redan är publicerad.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        validators=[no_personal_data],
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Skäl att avpublicera",
        help_text="Sparas med vem som avpublicerade och när.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        validators=[no_personal_data],
    )

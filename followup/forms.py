"""Forms validate; the services in followup.services decide whether a write may happen."""

import copy
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import get_language

from catalog.models import Goal, IndicatorKind, Programme
from followup.models import (
    ASSESSMENT_SYMBOLS,
    ActivityStatus,
    Assessment,
    CityFollowup,
    CityFollowupGoal,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    Progress,
    Report,
)
from followup.numbers import SwedishDecimalField, SwedishIntegerField
from followup.personal_data import no_personal_data
from followup.widget_html import ROW_RENDERER, RowBoundField


class _SharedFields(dict[str, forms.Field]):
    """A form's fields that its instances share: Django deep-copies `base_fields` for each
    form, here a shallow copy of the dict is enough (see RowForm)."""

    def __deepcopy__(self, memo: dict[int, object]) -> dict[str, forms.Field]:
        return dict(self)


class RowForm(forms.ModelForm):
    """A row of the report. Each row has its own prefix so many can share one page.

    The report page makes 46 of these: Django's deep copy of every field (and of every
    choice list) for each form was most of their cost. A row form's fields are therefore
    made once per form class and `fields_variant` (customised by `customise_fields`) and
    shared by its instances: change a field in `customise_fields`, never on `self.fields`
    of one form."""

    # The page draws 46 rows' widgets: in Python, the same HTML as Django's templates.
    default_renderer = ROW_RENDERER
    bound_field_class = RowBoundField
    _shared: dict[tuple[type, object], _SharedFields]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._shared = {}

    @classmethod
    def fields_variant(cls, instance: Any) -> object:
        """What, besides the class, the fields depend on (an indicator's kind)."""
        return None

    @classmethod
    def customise_fields(cls, fields: dict[str, forms.Field], instance: Any) -> None:
        """Change the fields (their choices, labels) for instances like `instance`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs["instance"]
        kwargs.setdefault("prefix", instance.prefix)
        key = (type(self), self.fields_variant(instance))
        shared = self._shared.get(key)
        if shared is None:
            fields = copy.deepcopy(dict(self.base_fields))
            self.customise_fields(fields, instance)
            shared = self._shared.setdefault(key, _SharedFields(fields))
        # Read by BaseForm.__init__ in place of the class's base_fields.
        self.base_fields = shared  # type: ignore[misc]
        super().__init__(*args, **kwargs)
        # The language its fields are drawn in, asked once rather than for every field
        # (followup.widget_html draws a fresh row's fields once per language).
        self.language = get_language()


class ActivityStatusForm(RowForm):
    class Meta:
        model = ActivityStatus
        fields = [*ActivityStatus.ANSWER_FIELDS, "version"]
        widgets = {
            "assessment": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    @classmethod
    def customise_fields(cls, fields: dict[str, forms.Field], instance: Any) -> None:
        # The model's choice fields become ChoiceFields.
        cast(forms.ChoiceField, fields["progress"]).choices = [
            ("", "Välj status"),
            *Progress.choices,
        ]
        # Said in words for the page without JavaScript, where the field is always shown
        # (static/js/report.js hides it until "Ej aktuell" is chosen).
        reason = fields["not_applicable_reason"]
        reason.label = "Skäl till ”Ej aktuell” (bara när status är Ej aktuell)"
        cast(forms.ChoiceField, fields["assessment"]).choices = [
            (value, f"{ASSESSMENT_SYMBOLS[value]} {label}") for value, label in Assessment.choices
        ]


class IndicatorOutcomeForm(RowForm):
    class Meta:
        model = IndicatorOutcome
        fields = [*IndicatorOutcome.ANSWER_FIELDS, "version"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
        # Text inputs parsed the Swedish way: a number input reads "62,5" as 625.
        field_classes = {
            **{name: SwedishIntegerField for name in IndicatorOutcome.COUNT_FIELDS},
            "target": SwedishDecimalField,
        }

    @classmethod
    def fields_variant(cls, instance: Any) -> object:
        return instance.indicator.kind

    @classmethod
    def customise_fields(cls, fields: dict[str, forms.Field], instance: Any) -> None:
        kind = instance.indicator.kind
        fields["answer"] = forms.NullBooleanField(
            label="Svar",
            required=False,
            widget=forms.Select(choices=[("unknown", "Välj"), ("true", "Ja"), ("false", "Nej")]),
        )
        if kind == IndicatorKind.COUNT:
            fields["numerator"].label = "Antal"
            fields["women_numerator"].label = "varav kvinnor/flickor"
            fields["men_numerator"].label = "varav män/pojkar"
        if kind == IndicatorKind.SHARE:
            # The target of a share is a percentage (the model allows 0–100).
            fields["target"].label = f"{fields['target'].label} (%)"
            fields["target"].help_text = "I procent, 0–100."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.instance.indicator.kind
        # Fields that do not apply to this kind of indicator are not shown; a value posted
        # for one anyway (a forged or stale form) is caught by the model's clean().
        self.number_fields = [
            self[name]
            for name in self.fields
            if name not in ("version", "comment") and field_applies(name, kind)
        ]

    def _post_clean(self) -> None:
        # A hook of Django's ModelForm that django-stubs does not declare.
        super()._post_clean()  # type: ignore[misc]
        # An error on a field this kind of indicator does not show (a forged or stale
        # form) must still be seen: it goes to the top of the row.
        shown = {field.name for field in self.number_fields} | {"comment", "version"}
        for name in [
            name for name in self.errors if name not in shown and name != NON_FIELD_ERRORS
        ]:
            for error in self.errors.pop(name):
                self.add_error(None, error)


class IndicatorOutcomeSheetForm(IndicatorOutcomeForm):
    """The indicator form for a row of an uploaded Excel template, keeping each error on its
    field: the page moves errors on fields it does not show to the top of the row, but a
    sheet has a column for each."""

    def _post_clean(self) -> None:
        # Skips IndicatorOutcomeForm's hook; django-stubs does not declare ModelForm's.
        super(IndicatorOutcomeForm, self)._post_clean()  # type: ignore[misc]


def field_applies(field: str, kind: str) -> bool:
    if field in ("target", "comment"):
        return True
    if field == "answer":
        return kind == IndicatorKind.YES_NO
    if field.endswith("denominator"):
        return kind == IndicatorKind.SHARE
    return kind != IndicatorKind.YES_NO


class GoalAssessmentForm(RowForm):
    @classmethod
    def customise_fields(cls, fields: dict[str, forms.Field], instance: Any) -> None:
        cast(forms.ChoiceField, fields["fulfilment"]).choices = Fulfilment.choices

    class Meta:
        model = GoalAssessment
        fields = [*GoalAssessment.ANSWER_FIELDS, "version"]
        widgets = {
            "fulfilment": forms.RadioSelect,
            "analysis": forms.Textarea(attrs={"rows": 4}),
        }


class ReportSummaryForm(forms.ModelForm):
    prefix = "summary"
    default_renderer = ROW_RENDERER  # drawn on the report page, as the rows are

    class Meta:
        model = Report
        fields = ["summary", "version"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}


class GoalChoiceField(forms.ModelChoiceField):
    goal_label = "Mål"  # the programme's word, set by the form

    def label_from_instance(self, obj: Goal) -> str:
        return f"{self.goal_label} {obj.number} {obj.title}"


class OwnItemForm(forms.Form):
    default_renderer = ROW_RENDERER  # drawn on the report page, as the rows are
    KIND_CHOICES = [
        ("activity", "Aktivitet"),
        *((kind, f"Indikator ({label.lower()})") for kind, label in IndicatorKind.choices),
    ]

    goal = GoalChoiceField(queryset=Goal.objects.none(), label="Under mål", empty_label="Välj mål")
    kind = forms.ChoiceField(choices=KIND_CHOICES, label="Typ")
    text = forms.CharField(
        label="Text",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_personal_data],
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = cast(GoalChoiceField, self.fields["goal"])
        goal.queryset = Goal.objects.filter(programme=programme).order_by("number")
        # The programme's own words: "Under fokusområde", "Åtgärd".
        goal.goal_label = programme.goal_label
        goal.label = f"Under {programme.goal_label.lower()}"
        goal.empty_label = f"Välj {programme.goal_label.lower()}"
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [("activity", programme.activity_label), *self.KIND_CHOICES[1:]]


class ReviewForm(forms.Form):
    default_renderer = ROW_RENDERER  # drawn on the report page, as the rows are
    decision = forms.ChoiceField(
        choices=[("approve", "Godkänn"), ("return", "Skicka tillbaka")],
        widget=forms.RadioSelect,
        label="Beslut",
    )
    comment = forms.CharField(
        label="Kommentar till nämnden",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Krävs när rapporten skickas tillbaka.",
        validators=[no_personal_data],
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", "Skriv vad nämnden behöver komplettera.")
        return data


class ReasonForm(forms.Form):
    comment = forms.CharField(
        label="Skäl",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_personal_data],
    )


def deadline_field(*, required: bool = True, label: str = "Sista dag") -> forms.DateField:
    """A date as the browser's date picker sends it (2026-05-20), typed by hand too."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Som 2026-05-20.",
        error_messages={
            "required": "Ange sista dag, som 2026-05-20.",
            "invalid": "Ange sista dag som ett datum, som 2026-05-20.",
        },
    )


class DeadlineForm(forms.Form):
    deadline = deadline_field()


class PeriodOpenForm(forms.Form):
    deadline = deadline_field(required=False, label="Ny sista dag")


class ReopenForm(ReasonForm):
    deadline = deadline_field(label="Rapportens nya sista dag")


class CityFollowupForm(forms.ModelForm):
    prefix = "helhet"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    class Meta:
        model = CityFollowup
        fields = ["narrative", "version"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 8})}


class CityFollowupGoalForm(forms.ModelForm):
    class Meta:
        model = CityFollowupGoal
        fields = ["narrative", "version"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"mal{kwargs['instance'].goal.number}")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

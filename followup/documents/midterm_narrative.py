"""The samordnare's own sections of the halvtidsrapport: the form that validates one, and the
services that create them and save one.

Each section is saved on its own with its own version, the way the samlad uppföljning's
narratives and a report's rows are: a save based on a stale page is refused (`StaleSection`),
so that nobody overwrites a colleague's text without seeing it. Every change is kept in the
section's history (simple-history) with who and when.
"""

from typing import Any

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from catalog.models import Goal, Prerequisite, Programme
from followup.final import document_finalise
from followup.models import (
    PREREQUISITE_SYMBOLS,
    FollowupState,
    MidtermReport,
    MidtermSection,
    MidtermSectionKind,
    PrerequisiteState,
)
from followup.services import CREATED_VERSION, FollowupError, StaleRow

FINAL_REFUSAL = "Halvtidsrapporten är slutlig och kan inte ändras."

# In the programme's words: {goal} "målet" or "fokusområdet", {area} "staden" or "kommunen",
# {activities} "aktiviteter" or "åtgärder".
SECTION_HELP: dict[str, str] = {
    MidtermSectionKind.SUMMARY: "Det viktigaste i rapporten: hur långt {area} har kommit "
    "halvvägs in i programmet, och vad som behöver hända härnäst.",
    MidtermSectionKind.GOAL: "Vilka av {goal}s förutsättningar är på plats, vilka är det inte, "
    "och vad visar nämndernas rapporter om arbetet mot {goal}?",
    MidtermSectionKind.SUPPORT: "Var behöver nämnderna mer stöd, och vilket? "
    "Underlaget nedan visar nämnderna med flest {activities} ”Ej enligt plan” och de "
    "{activities} som ingen nämnd har påbörjat.",
    MidtermSectionKind.NEXT: "Vad ska prioriteras under programperiodens återstående år?",
}


class StaleSection(StaleRow):
    """Someone else saved the section after the page was opened."""

    def __init__(self, current: MidtermSection, states: list[tuple[str, str]]) -> None:
        Exception.__init__(
            self,
            "Någon annan har sparat avsnittet efter att du öppnade sidan. Det som nu är "
            "sparat visas nedan; din text finns kvar i formuläret. Spara igen för att ersätta.",
        )
        self.current = current
        self.states = states  # (prerequisite, judgement) as now stored, for a goal


class MidtermSectionForm(forms.ModelForm):
    """One section's text and, for a goal, a judgement of each of its prerequisites (fields
    `forutsattning-<id>`, gathered into `prerequisite_states` on save)."""

    class Meta:
        model = MidtermSection
        fields = ["text", "version"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        section: MidtermSection = kwargs["instance"]
        kwargs.setdefault("prefix", section.key)
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["text"].label = section_title(section)
        self.fields["text"].help_text = f"{section_help(section)} {self.fields['text'].help_text}"
        self.prerequisites: list[Prerequisite] = (
            list(section.goal.prerequisites.all()) if section.goal is not None else []
        )
        choices = [
            ("", "Ej bedömd"),
            *(
                (state, f"{PREREQUISITE_SYMBOLS[state]} {label}")
                for state, label in PrerequisiteState.choices
            ),
        ]
        for prerequisite in self.prerequisites:
            name = self.prerequisite_field(prerequisite)
            self.fields[name] = forms.ChoiceField(
                label=prerequisite.text,
                choices=choices,
                required=False,
                initial=section.prerequisite_states.get(str(prerequisite.pk), ""),
            )

    @staticmethod
    def prerequisite_field(prerequisite: Prerequisite) -> str:
        return f"forutsattning-{prerequisite.pk}"

    @property
    def prerequisite_fields(self) -> list[forms.BoundField]:
        return [self[self.prerequisite_field(item)] for item in self.prerequisites]

    def states_of(self, section: MidtermSection) -> list[tuple[str, str]]:
        """The section's stored judgements as text, one per prerequisite of the goal."""
        labels = {
            state: f"{PREREQUISITE_SYMBOLS[state]} {label}"
            for state, label in PrerequisiteState.choices
        }
        return [
            (item.text, labels.get(section.prerequisite_states.get(str(item.pk)), "Ej bedömd"))
            for item in self.prerequisites
        ]

    def save(self, commit: bool = True) -> MidtermSection:
        section = super().save(commit=False)
        if self.prerequisites:
            section.prerequisite_states = {
                str(item.pk): state
                for item in self.prerequisites
                if (state := self.cleaned_data.get(self.prerequisite_field(item)))
            }
        if commit:
            section.save()
        return section


def _onto_stored(section: MidtermSection) -> None:
    """Point an unsaved section (from a page drawn before the year had a draft) at the
    stored one, created now if need be, so that saving it updates that row under its
    version check."""
    created = midterm_draft_create(programme=section.report.programme, year=section.report.year)
    stored = MidtermSection.objects.filter(report=created, kind=section.kind, goal=section.goal)
    section.report = created
    section.pk = stored.values_list("pk", flat=True).get()
    section._state.adding = False


def section_help(section: MidtermSection) -> str:
    programme = section.report.programme  # set by midterm_sections_get: no query
    return SECTION_HELP[section.kind].format(
        goal=programme.goal_definite.lower(),
        area=programme.area_word,
        activities=programme.activity_label_plural.lower(),
    )


def section_title(section: MidtermSection) -> str:
    if section.kind == MidtermSectionKind.GOAL:
        assert section.goal is not None  # a goal's section always has its goal
        # The goal comes from `programme.goals`, its programme known without a query.
        label = section.goal.programme.goal_label
        return f"{label} {section.goal.number}: vad är på plats och vad saknas"
    return section.get_kind_display()


def _wanted_sections(report: MidtermReport, goals: list[Goal]) -> list[MidtermSection]:
    """Every section the document has, in its order, unsaved."""
    return [
        MidtermSection(report=report, kind=MidtermSectionKind.SUMMARY),
        *(MidtermSection(report=report, kind=MidtermSectionKind.GOAL, goal=goal) for goal in goals),
        MidtermSection(report=report, kind=MidtermSectionKind.SUPPORT),
        MidtermSection(report=report, kind=MidtermSectionKind.NEXT),
    ]


def midterm_sections_get(*, programme: Programme, year: int) -> list[MidtermSection]:
    """The year's sections in the document's order: those saved so far and, unsaved and
    empty, every other one (a goal added to the programme later gets one too). A read writes
    nothing: the first save creates the year's draft (`midterm_section_save`)."""
    report = MidtermReport.objects.filter(programme=programme, year=year).first()
    if report is None:
        report = MidtermReport(programme=programme, year=year)
    report.programme = programme  # the programme's words, for every section without a query
    goals = list(programme.goals.order_by("number").prefetch_related("prerequisites"))
    existing: dict[str, MidtermSection] = {}
    if report.pk is not None:
        existing = {
            section.key: section
            for section in MidtermSection.objects.filter(report=report).select_related(
                "goal", "updated_by"
            )
        }
    by_goal = {goal.pk: goal for goal in goals}
    sections = []
    for wanted in _wanted_sections(report, goals):
        section = existing.get(wanted.key)
        if section is None:
            section = wanted
            section.version = CREATED_VERSION
        if section.goal_id:
            section.goal = by_goal[section.goal_id]  # with its prerequisites prefetched
        section.report = report
        sections.append(section)
    return sections


def midterm_section_get(*, programme: Programme, year: int, key: str) -> MidtermSection | None:
    """One section by its key ("sammanfattning", "mal-3", …), saved or not, or None."""
    sections = midterm_sections_get(programme=programme, year=year)
    return next((section for section in sections if section.key == key), None)


def midterm_draft_create(*, programme: Programme, year: int) -> MidtermReport:
    """The year's halvtidsrapport with every section, created if missing. Safe when several
    samordnare save their first section at the same moment: the unique constraints decide,
    and whoever comes second uses what the first created."""
    report, _ = MidtermReport.objects.get_or_create(programme=programme, year=year)
    goals = list(programme.goals.order_by("number"))
    # bulk_create skips the history; an empty section has nothing to record yet.
    MidtermSection.objects.bulk_create(_wanted_sections(report, goals), ignore_conflicts=True)
    return report


def midterm_section_save(*, form: MidtermSectionForm, user: User) -> MidtermSection:
    """Save a section from its valid form, with who and when; refuse a stale form. The first
    save of a year creates its draft."""
    section = form.save(commit=False)
    section.updated_by = user
    section.updated_at = timezone.now()
    if section.pk is None:
        # Before the save that a stale version refuses: the refusal shows the stored section,
        # which must outlive the rollback.
        _onto_stored(section)
    try:
        with transaction.atomic():
            final = MidtermReport.objects.select_for_update().filter(
                pk=section.report_id, state=FollowupState.FINAL
            )
            if final.exists():
                raise FollowupError(FINAL_REFUSAL)
            section.save()
    except RecordModifiedError:
        current = MidtermSection.objects.select_related("goal", "updated_by").get(pk=section.pk)
        raise StaleSection(current, form.states_of(current)) from None
    return section


def midterm_report_get(*, programme: Programme, year: int) -> MidtermReport:
    """The year's halvtidsrapport, or an unsaved empty draft: a read writes nothing."""
    report = MidtermReport.objects.filter(programme=programme, year=year).first()
    return report or MidtermReport(programme=programme, year=year)


def midterm_missing(*, programme: Programme, year: int) -> list[str]:
    """The sections still to write before the halvtidsrapport can be final."""
    return [
        section_title(section)
        for section in midterm_sections_get(programme=programme, year=year)
        if not section.text.strip()
    ]


def midterm_finalise(*, programme: Programme, year: int, user: User) -> MidtermReport:
    """Make the year's halvtidsrapport final, freezing the figures it shows now
    (`documents.midterm.midterm_figures`); its sections can no longer be changed."""
    from followup.documents.midterm import midterm_document, midterm_figures

    with transaction.atomic():
        report = (
            MidtermReport.objects.select_for_update().filter(programme=programme, year=year).first()
        )
        if report is not None and report.is_final:
            raise FollowupError("Halvtidsrapporten är redan slutlig.")
        missing = midterm_missing(programme=programme, year=year)
        if report is None or missing:
            raise FollowupError("Skriv först: " + ", ".join(missing) + ".")
        figures = midterm_figures(midterm_document(programme, year))
        document_finalise(report, figures=figures, user=user)
    return report

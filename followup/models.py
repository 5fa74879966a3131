"""Follow-up: reporting periods, who reports for which board, and the reports themselves.

A report is one board's answer for one period. Its rows (one per activity, indicator and,
in the annual report, goal) each carry a version number, so that two people saving the same
row cannot overwrite each other silently, and a history of every change.
"""

from datetime import date
from typing import TYPE_CHECKING

from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from catalog.models import Activity, Board, Goal, Indicator, IndicatorKind, Programme
from followup.numbers import number_text, percent_text, target_text
from followup.personal_data import PersonalDataKind, no_personal_data

if TYPE_CHECKING:
    from followup.access import ReportAccess

COMMENT_MAX_LENGTH = 4000
PRIVACY_HINT = (
    "Skriv om verksamheten, aldrig uppgifter om enskilda personer som har utsatts för "
    "eller utövat våld."
)


class PeriodKind(models.TextChoices):
    """Stockholm's reporting cycle, the default for a programme whose catalog names none;
    every other code reads a programme's own cycle (`catalog.PeriodDefinition`)."""

    T1 = "T1", "Tertialrapport 1"
    T2 = "T2", "Tertialrapport 2"
    VB = "VB", "Verksamhetsberättelse"


class PeriodState(models.TextChoices):
    NOT_OPEN = "not_open", "Ej öppnad"
    OPEN = "open", "Öppen"
    LOCKED = "locked", "Låst"


class ReportingPeriod(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="periods", verbose_name="program"
    )
    year = models.PositiveSmallIntegerField("år")
    # The code, name, order and annualness of the programme's cycle step the period was
    # made from (catalog.PeriodDefinition), copied so that a period reads without a join.
    kind = models.CharField("period", max_length=10)
    name = models.CharField("namn", max_length=100)
    position = models.PositiveSmallIntegerField("ordning i året")
    is_annual = models.BooleanField("årsrapport", default=False)
    opens_on = models.DateField("öppnar")
    deadline = models.DateField("sista dag")
    state = models.CharField(
        "läge", max_length=10, choices=PeriodState.choices, default=PeriodState.NOT_OPEN
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rapportperiod"
        verbose_name_plural = "rapportperioder"
        ordering = ["programme", "year", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "kind"], name="period_unique_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")),
                name="period_deadline_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"

    @property
    def label(self) -> str:
        return f"{self.name} {self.year}"

    def deadline_passed(self, today: date) -> bool:
        """Whether the period's own deadline is behind us (a report may have a later one,
        see `Report.due_date`)."""
        return today > self.deadline


class BoardRole(models.TextChoices):
    REPORTER = "rapportor", "Rapportör"
    READER = "lasare", "Läsare"


class RoleSource(models.TextChoices):
    """Who gave a role: a person in the admin, or the city's login from the user's claims
    (accounts.roles), which also takes it away when the claims no longer give it."""

    HAND = "hand", "Given för hand"
    CLAIM = "claim", "Från stadens inloggning"


def role_source_field() -> models.CharField:
    return models.CharField(
        "given av", max_length=5, choices=RoleSource.choices, default=RoleSource.HAND
    )


class Membership(models.Model):
    """A user's role for one board; a user may belong to several boards."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="användare",
    )
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="memberships", verbose_name="nämnd"
    )
    role = models.CharField("roll", max_length=10, choices=BoardRole.choices)
    source = role_source_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "behörighet för nämnd"
        verbose_name_plural = "behörigheter för nämnder"
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.board} ({self.get_role_display().lower()})"


class Coordinator(models.Model):
    """A samordnare: reads and reviews every report of the programme, runs its periods."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_roles",
        verbose_name="användare",
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="coordinators", verbose_name="program"
    )
    source = role_source_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "samordnare"
        verbose_name_plural = "samordnare"
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="coordinator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.programme}"


class ReportState(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    SUBMITTED = "inskickad", "Inskickad"
    RETURNED = "aterskickad", "Återskickad"
    APPROVED = "godkand", "Godkänd"


EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)
# A report counts in every figure once it is submitted or approved (DESIGN.md, roll-up rules).
REPORTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


def reported(path: str = "report__") -> models.Q:
    """A report that counts in the figures; `path` leads from the queried model to the
    report: `reported()` for rows, `reported("")` for reports, `reported("reports__")`."""
    return models.Q(**{f"{path}state__in": REPORTED_STATES})


class Report(models.Model):
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="reports", verbose_name="nämnd"
    )
    state = models.CharField(
        "läge", max_length=12, choices=ReportState.choices, default=ReportState.DRAFT
    )
    summary = models.TextField(
        "sammanfattning för nämnden",
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text=PRIVACY_HINT,
        validators=[no_personal_data],
    )
    reopened = models.BooleanField(
        "öppnad igen som undantag",
        default=False,
        help_text="Får ändras fast perioden är låst.",
    )
    deadline = models.DateField(
        "egen sista dag",
        null=True,
        blank=True,
        help_text="Gäller i stället för periodens, t.ex. när rapporten har öppnats igen.",
    )
    version = AutoIncVersionField()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="skapad")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="ändrad")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    # What the user may do with it, on a report read through followup.access.get_report.
    access: "ReportAccess"

    class Meta:
        verbose_name = "rapport"
        verbose_name_plural = "rapporter"
        constraints = [
            models.UniqueConstraint(fields=["period", "board"], name="report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.board} – {self.period}"

    @property
    def is_reported(self) -> bool:
        """Counts in the figures: the Python side of `reported()`."""
        return self.state in REPORTED_STATES

    @property
    def is_open_for_writing(self) -> bool:
        """Whether the period (or a controlled exception) lets anyone write to it now."""
        period_open = self.period.state == PeriodState.OPEN or self.reopened
        return period_open and self.state in EDITABLE_STATES

    @staticmethod
    def open_for_writing(path: str = "") -> models.Q:
        """`is_open_for_writing` in the database; `path` leads to the report ("report__")."""
        return models.Q(**{f"{path}state__in": EDITABLE_STATES}) & (
            models.Q(**{f"{path}period__state": PeriodState.OPEN})
            | models.Q(**{f"{path}reopened": True})
        )

    # --- When the report is due: the one rule for "Försenad" ---------------------------
    # A report's own deadline (set when it is reopened) overrides the period's. A report is
    # overdue when the board can still write it and its due date has passed; the pages,
    # the roll-up and the reminders all ask here (or the SQL twin right below).

    @property
    def due_date(self) -> date:
        return self.deadline or self.period.deadline

    def is_overdue(self, today: date) -> bool:
        return self.is_open_for_writing and today > self.due_date

    @staticmethod
    def due(lookup: str, day: date, path: str = "") -> models.Q:
        """Reports whose due date compares to `day` by `lookup` ("lt", "lte", …)."""
        return models.Q(**{f"{path}deadline__{lookup}": day}) | models.Q(
            **{f"{path}deadline__isnull": True, f"{path}period__deadline__{lookup}": day}
        )

    @staticmethod
    def overdue(today: date, path: str = "") -> models.Q:
        """`is_overdue` in the database."""
        return Report.open_for_writing(path) & Report.due("lt", today, path)

    @staticmethod
    def due_date_expression(path: str = "") -> Coalesce:
        """`due_date` in the database, to order by."""
        return Coalesce(f"{path}deadline", f"{path}period__deadline")


class ReportEvent(models.Model):
    """A step in a report's life, for the record: who did what, when, and why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Inskickad"
        RETURNED = "returned", "Återskickad"
        APPROVED = "approved", "Godkänd"
        REOPENED = "reopened", "Öppnad igen"

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name="rapport"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name="händelse")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="av"
    )
    on_behalf = models.BooleanField(
        "för nämndens räkning",
        default=False,
        help_text="Samordnaren gjorde det åt nämnden, t.ex. när rapportören var borta.",
    )
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH, verbose_name="kommentar")
    at = models.DateTimeField(auto_now_add=True, verbose_name="när")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Progress(models.TextChoices):
    NOT_STARTED = "ej_paborjad", "Ej påbörjad"
    STARTED = "paborjad", "Påbörjad"
    ONGOING = "pagar_lopande", "Pågår löpande"
    DONE = "genomford", "Genomförd"
    NOT_APPLICABLE = "ej_aktuell", "Ej aktuell"


class Assessment(models.TextChoices):
    ON_TRACK = "enligt_plan", "Enligt plan"
    PARTLY = "delvis_enligt_plan", "Delvis enligt plan"
    OFF_TRACK = "ej_enligt_plan", "Ej enligt plan"


# Shown beside the text, so that the assessment never rests on colour alone.
ASSESSMENT_SYMBOLS: dict[str, str] = {
    Assessment.ON_TRACK: "✔",
    Assessment.PARTLY: "◐",
    Assessment.OFF_TRACK: "✖",
}


class Fulfilment(models.TextChoices):
    FULL = "helt", "Helt uppfyllt"
    PARTLY = "delvis", "Delvis uppfyllt"
    NONE = "ej", "Ej uppfyllt"


# A goal's fulfilment beside its text, in the same shapes as the assessments.
FULFILMENT_SYMBOLS: dict[str, str] = {
    Fulfilment.FULL: "✔",
    Fulfilment.PARTLY: "◐",
    Fulfilment.NONE: "✖",
}


class ReportRow(models.Model):
    """What every row of a report shares: its report, a version, who saved it last."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="+", verbose_name="rapport"
    )
    version = AutoIncVersionField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ändrad av",
    )
    updated_on_behalf = models.BooleanField(
        default=False, verbose_name="ändrad av samordnaren för nämnden"
    )
    updated_at = models.DateTimeField(null=True, blank=True, verbose_name="ändrad")
    # Taken over from the period before and neither saved nor confirmed since: the board
    # sees it marked, and cannot send the report in before it has (followup.rows.is_done).
    carried_over = models.BooleanField("från förra perioden, inte bekräftad", default=False)

    ROW_KIND = ""  # "a", "i" or "g": in URLs and element ids

    class Meta:
        abstract = True

    @property
    def prefix(self) -> str:
        """The row's id on the page and its form's prefix, e.g. "a12"."""
        return f"{self.ROW_KIND}{self.pk}"


class ActivityStatus(ReportRow):
    ROW_KIND = "a"
    # The fields a rapportör fills in.
    ANSWER_FIELDS = ("progress", "not_applicable_reason", "assessment", "comment")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="activity_rows", verbose_name="rapport"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="statuses", verbose_name="aktivitet"
    )
    progress = models.CharField("status", max_length=16, choices=Progress.choices, blank=True)
    not_applicable_reason = models.CharField(
        "skäl till ”Ej aktuell”", max_length=1000, blank=True, validators=[no_personal_data]
    )
    assessment = models.CharField(
        "bedömning", max_length=20, choices=Assessment.choices, blank=True
    )
    comment = models.TextField(
        "kommentar",
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text="Vad har gjorts och vad görs härnäst? " + PRIVACY_HINT,
        validators=[no_personal_data],
    )
    # What the row was made from, kept when the report is submitted: later changes to the
    # catalog do not rewrite what a board has reported on.
    activity_text = models.TextField(
        blank=True, verbose_name="aktivitetens lydelse när rapporten skickades in"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "aktivitetsstatus"
        verbose_name_plural = "aktivitetsstatusar"
        constraints = [
            models.UniqueConstraint(fields=["report", "activity"], name="activity_status_unique"),
        ]
        indexes = [
            # The dashboard's rows behind a number: a report's rows by assessment and
            # status, read from the index alone when counted (`rollup.activity_rows_behind`).
            models.Index(
                fields=["report", "assessment", "progress", "activity"],
                name="activity_status_scales",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.activity_id}"

    @property
    def is_filled(self) -> bool:
        """A status and an assessment; or "Ej aktuell" with its reason, which has nothing
        to assess."""
        if self.progress == Progress.NOT_APPLICABLE:
            return bool(self.not_applicable_reason.strip())
        return bool(self.progress and self.assessment)

    @staticmethod
    def filled() -> models.Q:
        """`is_filled` in the database, so that a thousand reports are counted in one query."""
        not_applicable = models.Q(progress=Progress.NOT_APPLICABLE) & ~models.Q(
            not_applicable_reason__regex=r"^\s*$"
        )
        assessed = ~models.Q(progress__in=("", Progress.NOT_APPLICABLE)) & ~models.Q(assessment="")
        return not_applicable | assessed

    @property
    def assessment_symbol(self) -> str:
        return ASSESSMENT_SYMBOLS.get(self.assessment, "")

    def clean(self) -> None:
        if self.progress == Progress.NOT_APPLICABLE:
            if not self.not_applicable_reason.strip():
                raise ValidationError(
                    {"not_applicable_reason": "Ange varför aktiviteten inte är aktuell."}
                )
            # An activity that is not carried out has nothing to assess: an assessment sent
            # with "Ej aktuell" (left from before, or in an Excel row) is dropped rather than
            # refused, so that it never counts in the figures.
            self.assessment = ""


class IndicatorOutcome(ReportRow):
    """An indicator's outcome for the period. For a share, `numerator`/`denominator`; for
    a count, `numerator` is the count; for yes/no, `answer`. Women/men are optional."""

    ROW_KIND = "i"
    ANSWER_FIELDS = (
        "numerator",
        "denominator",
        "answer",
        "women_numerator",
        "women_denominator",
        "men_numerator",
        "men_denominator",
        "target",
        "comment",
    )
    # The fields that hold whole numbers (the target may have decimals).
    COUNT_FIELDS = (
        "numerator",
        "denominator",
        "women_numerator",
        "women_denominator",
        "men_numerator",
        "men_denominator",
    )

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="indicator_rows", verbose_name="rapport"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="outcomes", verbose_name="indikator"
    )
    numerator = models.PositiveIntegerField("antal", null=True, blank=True)
    denominator = models.PositiveIntegerField("av totalt", null=True, blank=True)
    answer = models.BooleanField("svar", null=True, blank=True)
    women_numerator = models.PositiveIntegerField("antal kvinnor/flickor", null=True, blank=True)
    women_denominator = models.PositiveIntegerField(
        "av totalt kvinnor/flickor", null=True, blank=True
    )
    men_numerator = models.PositiveIntegerField("antal män/pojkar", null=True, blank=True)
    men_denominator = models.PositiveIntegerField("av totalt män/pojkar", null=True, blank=True)
    target = models.DecimalField(
        "nämndens målvärde för året", max_digits=12, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(
        "kommentar",
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text=PRIVACY_HINT,
        validators=[no_personal_data],
    )
    indicator_text = models.TextField(
        blank=True, verbose_name="indikatorns lydelse när rapporten skickades in"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "indikatorutfall"
        verbose_name_plural = "indikatorutfall"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="indicator_outcome_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.indicator_id}"

    @property
    def is_filled(self) -> bool:
        match self.indicator.kind:
            case IndicatorKind.SHARE:
                return self.numerator is not None and self.denominator is not None
            case IndicatorKind.COUNT:
                return self.numerator is not None
            case _:
                return self.answer is not None

    @staticmethod
    def filled(prefix: str = "") -> models.Q:
        """`is_filled` in the database: the row gives the indicator's value. With `prefix`
        ("women_", "men_") whether it gives that part of it; yes/no has no such parts."""
        share = models.Q(
            indicator__kind=IndicatorKind.SHARE,
            **{f"{prefix}numerator__isnull": False, f"{prefix}denominator__isnull": False},
        )
        count = models.Q(
            indicator__kind=IndicatorKind.COUNT, **{f"{prefix}numerator__isnull": False}
        )
        if prefix:
            return share | count
        return share | count | models.Q(indicator__kind=IndicatorKind.YES_NO, answer__isnull=False)

    @property
    def outcome_text(self) -> str:
        """The outcome as the page shows it: "12 av 40 (30,0 %)", "12", "Ja"."""
        kind = self.indicator.kind
        if kind == IndicatorKind.YES_NO:
            return "–" if self.answer is None else ("Ja" if self.answer else "Nej")
        if self.numerator is None:
            return "–"
        if kind == IndicatorKind.COUNT:
            return number_text(self.numerator)
        share = self.share
        percent = f" ({percent_text(share)})" if share is not None else ""
        return f"{number_text(self.numerator)} av {number_text(self.denominator)}{percent}"

    @property
    def target_text(self) -> str:
        """The target as the page shows it: "62,5 %" for a share, "12" for a count."""
        return target_text(self.target, share=self.indicator.kind == IndicatorKind.SHARE)

    @property
    def target_missed(self) -> bool | None:
        """Whether the outcome falls short of the board's target (a target is a level to
        reach); None when there is no target or no number to hold against it."""
        if self.target is None or self.indicator.kind == IndicatorKind.YES_NO:
            return None
        value = self.share if self.indicator.kind == IndicatorKind.SHARE else self.numerator
        return None if value is None else value < self.target

    @property
    def share(self) -> float | None:
        """The share in per cent, for a share indicator with a denominator above zero."""
        if self.indicator.kind != IndicatorKind.SHARE or not self.denominator:
            return None
        return 100 * self.numerator / self.denominator if self.numerator is not None else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        kind = self.indicator.kind
        pairs = [
            ("numerator", "denominator"),
            ("women_numerator", "women_denominator"),
            ("men_numerator", "men_denominator"),
        ]
        if kind == IndicatorKind.SHARE:
            for part, whole in pairs:
                numerator, denominator = getattr(self, part), getattr(self, whole)
                if (numerator is None) != (denominator is None):
                    missing = whole if denominator is None else part
                    errors[missing] = "Ange både antal och totalt för en andel."
                elif numerator is not None and numerator > denominator:
                    errors[part] = "Antalet kan inte vara större än totalt."
        else:
            for _, whole in pairs:
                if getattr(self, whole) is not None:
                    errors[whole] = "Totalt anges bara för indikatorer som är andelar."
        if kind == IndicatorKind.YES_NO:
            for part in ("numerator", "women_numerator", "men_numerator"):
                if getattr(self, part) is not None:
                    errors[part] = "Indikatorn besvaras med ja eller nej, inte med ett antal."
        elif self.answer is not None:
            errors["answer"] = "Ja/nej anges bara för indikatorer som är påståenden."
        if self.target is not None and self.target < 0:
            errors["target"] = "Målvärdet kan inte vara negativt."
        elif self.target is not None and kind == IndicatorKind.SHARE and self.target > 100:
            errors["target"] = "Målvärdet är en andel i procent och kan vara högst 100."
        if kind != IndicatorKind.YES_NO:
            # The women's and the men's parts are parts of the whole: together at most it.
            for whole, sum_name, whole_name in (
                ("numerator", "Antalet", "hela antalet"),
                ("denominator", "Totalt", "totalt för alla"),
            ):
                women, men = getattr(self, f"women_{whole}"), getattr(self, f"men_{whole}")
                total = getattr(self, whole)
                if women is None or men is None or total is None or whole in errors:
                    continue
                if women + men > total:
                    errors.setdefault(
                        f"men_{whole}",
                        f"{sum_name} kvinnor/flickor och män/pojkar tillsammans ({women} + "
                        f"{men} = {women + men}) är större än {whole_name} ({total}).",
                    )
        if errors:
            raise ValidationError(errors)


class GoalAssessment(ReportRow):
    """In the annual report: how far the board has come towards a goal, and why."""

    ROW_KIND = "g"
    ANSWER_FIELDS = ("fulfilment", "analysis")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="goal_rows", verbose_name="rapport"
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="assessments", verbose_name="mål"
    )
    fulfilment = models.CharField(
        "måluppfyllelse", max_length=10, choices=Fulfilment.choices, blank=True
    )
    analysis = models.TextField(
        "analys",
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text=PRIVACY_HINT,
        validators=[no_personal_data],
    )
    goal_title = models.TextField(
        blank=True, verbose_name="målets rubrik när rapporten skickades in"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "målbedömning"
        verbose_name_plural = "målbedömningar"
        constraints = [
            models.UniqueConstraint(fields=["report", "goal"], name="goal_assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report}: mål {self.goal_id}"

    @property
    def fulfilment_symbol(self) -> str:
        return FULFILMENT_SYMBOLS.get(self.fulfilment, "")

    @property
    def is_filled(self) -> bool:
        return bool(self.fulfilment and self.analysis.strip())

    @staticmethod
    def filled() -> models.Q:
        """`is_filled` in the database (an analysis of blanks only is not one)."""
        return ~models.Q(fulfilment="") & ~models.Q(analysis__regex=r"^\s*$")


class CityReader(models.Model):
    """A city-wide reader (e.g. the city leadership's analyst): reads every report and the
    dashboards of the programme, reviews nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="city_reader_roles",
        verbose_name="användare",
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="readers", verbose_name="program"
    )
    source = role_source_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "stadsövergripande läsare"
        verbose_name_plural = "stadsövergripande läsare"
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="city_reader_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.programme}"


class ReminderKind(models.TextChoices):
    WEEK_BEFORE = "week_before", "En vecka före sista dagen"
    DEADLINE = "deadline", "På sista dagen"
    OVERDUE = "overdue", "Efter sista dagen"
    NOW = "now", "Från samordnaren (Påminn nu)"


class Reminder(models.Model):
    """A reminder e-mail sent about a report; one of each kind per report and recipient."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="reminders", verbose_name="rapport"
    )
    kind = models.CharField("påminnelse", max_length=12, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="mottagare",
    )
    email = models.EmailField("skickad till")
    sent_at = models.DateTimeField("skickad", auto_now_add=True)
    # Set by the task that hands the mail to the mail server, just before it does: a task
    # run twice finds it set and sends nothing (followup.reminders).
    delivered_at = models.DateTimeField("lämnad till e-postservern", null=True, blank=True)
    # A reminder the samordnare sent by hand ("Påminn nu"): who, and on which day, since a
    # board is reminded so at most once a day (followup.reminders.reminders_now).
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="skickad av",
    )
    day = models.DateField("dag", null=True, blank=True)

    class Meta:
        verbose_name = "påminnelse"
        verbose_name_plural = "påminnelser"
        ordering = ["-sent_at"]
        constraints = [
            # The scheduled kinds: once per report and recipient.
            models.UniqueConstraint(
                fields=["report", "kind", "recipient"],
                condition=~models.Q(kind="now"),
                name="reminder_sent_once",
            ),
            # "Påminn nu": once a day.
            models.UniqueConstraint(
                fields=["report", "recipient", "day"],
                condition=models.Q(kind="now"),
                name="reminder_now_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.report} → {self.email}"


class FollowupState(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    FINAL = "slutlig", "Slutlig"


class FinalDocument(models.Model):
    """What a city-wide document has once it can be made final (the samlad uppföljning, the
    halvtidsrapport): its state and, once final, the figures it was made from, frozen, so that
    later edits of reports do not change it silently. `followup.final` is the one place that
    makes a document final and reads its figures."""

    state = models.CharField(
        "läge", max_length=10, choices=FollowupState.choices, default=FollowupState.DRAFT
    )
    figures = models.JSONField("siffror när den blev slutlig", null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True, verbose_name="gjord slutlig")
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gjord slutlig av",
    )

    # The fields frozen when the document becomes final, cleared when it is reopened.
    FROZEN_FIELDS: tuple[str, ...] = ("figures",)

    class Meta:
        abstract = True

    @property
    def is_final(self) -> bool:
        return self.state == FollowupState.FINAL


class CityFollowup(FinalDocument):
    """The samlad uppföljning of one programme year: figures built from the reports, and the
    samordnare's narrative. Once final, `figures` holds the numbers it was made from."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="city_followups",
        verbose_name="program",
    )
    year = models.PositiveSmallIntegerField("år")
    narrative = models.TextField(
        "samlad bedömning",
        blank=True,
        max_length=20000,
        help_text=PRIVACY_HINT,
        validators=[no_personal_data],
    )
    # Once final, what the page reads of `figures`: the city-wide figures and only the
    # boards' values and analyses the page quotes (`city.figures_summary`), so that the page
    # does not decode every board's. Derived, hence not in the history.
    summary = models.JSONField(
        "sammanfattade siffror när den blev slutlig", null=True, blank=True, editable=False
    )
    version = AutoIncVersionField()
    history = HistoricalRecords(excluded_fields=["summary"])

    # What is frozen with `figures` and cleared with it (`final.document_reopen`).
    FROZEN_FIELDS = ("figures", "summary")

    class Meta:
        verbose_name = "samlad uppföljning"
        verbose_name_plural = "samlade uppföljningar"
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="city_followup_unique"),
        ]

    def __str__(self) -> str:
        return f"Samlad uppföljning {self.year}"


class CityFollowupGoal(models.Model):
    """The samordnare's narrative for one goal in the samlad uppföljning."""

    followup = models.ForeignKey(
        CityFollowup,
        on_delete=models.CASCADE,
        related_name="goals",
        verbose_name="samlad uppföljning",
    )
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+", verbose_name="mål")
    narrative = models.TextField(
        "bedömning",
        blank=True,
        max_length=20000,
        help_text=PRIVACY_HINT,
        validators=[no_personal_data],
    )
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mål i samlad uppföljning"
        verbose_name_plural = "mål i samlad uppföljning"
        constraints = [
            models.UniqueConstraint(fields=["followup", "goal"], name="city_followup_goal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.followup}: mål {self.goal_id}"


# --- The halvtidsrapport (issue 5) --------------------------------------------------------


class MidtermReport(FinalDocument):
    """The halvtidsrapport of a programme as seen from one year: while a draft the figures
    come live from the reports, and once final they are frozen (`FinalDocument`); what is
    written is the samordnare's narrative, one `MidtermSection` each."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="midterm_reports",
        verbose_name="program",
    )
    year = models.PositiveSmallIntegerField("år")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="skapad")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "halvtidsrapport"
        verbose_name_plural = "halvtidsrapporter"
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="midterm_report_unique"),
        ]

    def __str__(self) -> str:
        return f"Halvtidsrapport {self.year}"


class MidtermSectionKind(models.TextChoices):
    # Declared in the order the document shows them.
    SUMMARY = "sammanfattning", "Sammanfattning"
    GOAL = "mal", "Vad är på plats"
    SUPPORT = "stod", "Där mer stöd behövs"
    NEXT = "fortsatt", "Inför programperiodens andra hälft"


class PrerequisiteState(models.TextChoices):
    IN_PLACE = "pa_plats", "På plats"
    PARTLY = "delvis", "Delvis på plats"
    MISSING = "saknas", "Inte på plats"


# Shown beside the text, so that the state never rests on colour alone.
PREREQUISITE_SYMBOLS: dict[str, str] = {
    PrerequisiteState.IN_PLACE: "✔",
    PrerequisiteState.PARTLY: "◐",
    PrerequisiteState.MISSING: "✖",
}


class MidtermSection(models.Model):
    """One narrative section of the halvtidsrapport. Each section has its own version, so
    that two people writing different sections never conflict, and a save based on a stale
    page is refused rather than overwriting what someone else wrote.

    A goal's section (`kind` "mal") also holds the samordnare's judgement of each of the
    goal's prerequisites, `{prerequisite id: PrerequisiteState}`, saved together with its
    text: one judgement, one version."""

    report = models.ForeignKey(
        MidtermReport, on_delete=models.CASCADE, related_name="sections", verbose_name="rapport"
    )
    kind = models.CharField("avsnitt", max_length=16, choices=MidtermSectionKind.choices)
    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="mål",
    )
    text = models.TextField(
        "text",
        blank=True,
        max_length=20000,
        help_text=PRIVACY_HINT,
        validators=[no_personal_data],
    )
    prerequisite_states = models.JSONField("förutsättningarnas läge", default=dict, blank=True)
    version = AutoIncVersionField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ändrad av",
    )
    updated_at = models.DateTimeField(null=True, blank=True, verbose_name="ändrad")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "avsnitt i halvtidsrapport"
        verbose_name_plural = "avsnitt i halvtidsrapporter"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind"],
                condition=models.Q(goal__isnull=True),
                name="midterm_section_unique_kind",
            ),
            models.UniqueConstraint(
                fields=["report", "goal"],
                condition=models.Q(goal__isnull=False),
                name="midterm_section_unique_goal",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="mal", goal__isnull=False)
                | (~models.Q(kind="mal") & models.Q(goal__isnull=True)),
                name="midterm_section_goal_iff_goal_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.key}"

    @property
    def key(self) -> str:
        """The section's name in URLs, element ids and form prefixes: "sammanfattning",
        "mal-3", "stod"."""
        if self.kind == MidtermSectionKind.GOAL:
            assert self.goal is not None  # a goal's section always has its goal
            return f"mal-{self.goal.number}"
        return self.kind


# --- Documents made by the task worker (issue 12, point 2) ---------------------------------


class DocumentKind(models.TextChoices):
    STYRKORT_STATUS = "styrkort-status", "Alla styrkort med status (ZIP)"
    STYRKORT_COMMITMENTS = "styrkort-ataganden", "Alla styrkort, bara åtaganden (ZIP)"
    CITY_FOLLOWUP = "samlad-pdf", "Samlad uppföljning (PDF)"
    MIDTERM = "halvtid-pdf", "Halvtidsrapport (PDF)"
    CITY_EXPORT = "stadsexport-xlsx", "Export av hela stadens svar (Excel)"
    ARCHIVE = "arkiv-zip", "Arkivpaket för e-arkivet (ZIP)"  # records.archive


class DocumentState(models.TextChoices):
    QUEUED = "queued", "I kö"
    RUNNING = "running", "Görs"
    DONE = "done", "Klar"
    FAILED = "failed", "Misslyckades"


class GeneratedDocument(models.Model):
    """A programme-wide document made by the task worker (`followup.documents.jobs`): its
    progress while it is made, then the stored file until `expires_at`. `source_key` names
    the data it was made from, so that a final samlad uppföljning is made once and reused
    while its figures stay the same; `source_at` and `source_label` say it to the reader."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name="program"
    )
    kind = models.CharField("dokument", max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField("år", null=True, blank=True)
    state = models.CharField(
        "läge", max_length=10, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    progress_done = models.PositiveIntegerField("klara", default=0)
    progress_total = models.PositiveIntegerField("av", default=0)
    file = models.FileField("fil", upload_to="dokument/%Y/%m/", blank=True)
    filename = models.CharField("filnamn", max_length=200, blank=True)
    source_key = models.CharField("gjord av data", max_length=100, blank=True)
    source_label = models.CharField("data i ord", max_length=200, blank=True)  # after "från"
    source_at = models.DateTimeField("data från", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="beställd av",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="skapad")
    started_at = models.DateTimeField(null=True, blank=True, verbose_name="påbörjad")
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name="klar")
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name="tas bort")
    error = models.TextField("fel", blank=True)

    class Meta:
        verbose_name = "gjort dokument"
        verbose_name_plural = "gjorda dokument"
        indexes = [models.Index(fields=["programme", "kind", "year", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year or ''}".strip()

    @property
    def is_finished(self) -> bool:
        return self.state in (DocumentState.DONE, DocumentState.FAILED)


class GuardSource(models.TextChoices):
    FORM = "formular", "Formulär"
    EXCEL = "excel", "Excel-fil"


class GuardStop(models.Model):
    """A save the personal-data guard refused (`followup.personal_data`): when, what kind of
    data, in which field, from a form or an uploaded file, for which programme and board.
    Never the text: only that something was stopped, for the samordnare to see how often."""

    at = models.DateTimeField("när", auto_now_add=True)
    kind = models.CharField("hittat", max_length=20, choices=PersonalDataKind.choices)
    source = models.CharField("från", max_length=10, choices=GuardSource.choices)
    place = models.CharField("fält", max_length=60)  # "ActivityStatus.comment"
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="guard_stops", verbose_name="program"
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guard_stops",
        verbose_name="nämnd",
    )

    class Meta:
        verbose_name = "stoppad personuppgift"
        verbose_name_plural = "stoppade personuppgifter"
        indexes = [models.Index(fields=["programme", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} i {self.place}"

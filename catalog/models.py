"""The programme catalog: what a city has promised, and which board answers for what.

Stockholm's programme has numbered goals ("Mål"), activities and indicators with responsible
boards. Södertälje's has focus areas ("Fokusområde"), numbered measures ("Åtgärd 1:1"),
co-responsible boards and a prevention level per measure. One shape holds both: the labels live
on the programme, and `number`, `prevention_level` and the responsibility role are optional.
"""

from datetime import date
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class BoardKind(models.TextChoices):
    # Declared in the order the catalog lists them.
    KOMMUNSTYRELSE = "kommunstyrelse", "Kommunstyrelse"
    FACKNAMND = "facknamnd", "Facknämnd"
    STADSDELSNAMND = "stadsdelsnamnd", "Stadsdelsnämnd"
    BOLAG = "bolag", "Bolagsstyrelse"

    @property
    def plural(self) -> str:
        return BOARD_KIND_PLURALS[self]


BOARD_KIND_PLURALS: dict[str, str] = {
    BoardKind.KOMMUNSTYRELSE: "Kommunstyrelsen",
    BoardKind.FACKNAMND: "Facknämnder",
    BoardKind.STADSDELSNAMND: "Stadsdelsnämnder",
    BoardKind.BOLAG: "Bolagsstyrelser",
}


def reports_on(path: str, item: str) -> models.Q:
    """A responsibility that puts the item in the board's report: every responsible board,
    and a co-responsible one where the programme says co-responsible boards report
    (`Programme.co_responsible_reports`). `path` leads to the responsibility, e.g.
    "activity_roles__" from a board, "" from an ActivityResponsibility; `item` is the
    item's field on it, "activity" or "indicator"."""
    return models.Q(**{f"{path}role": ResponsibilityRole.RESPONSIBLE}) | models.Q(
        **{f"{path}{item}__goal__programme__co_responsible_reports": True}
    )


class BoardQuerySet(models.QuerySet):
    def responsible_in(self, programme: "Programme | int") -> "BoardQuerySet":
        """The boards the programme itself makes responsible for at least one of its
        activities or indicators (boards' own items aside), by name. These are the boards
        with commitments: each gets a report when a period opens and a styrkort."""
        # One EXISTS per board, not a join nor `pk IN (subquery)`: a join of every board's
        # responsibilities needs a DISTINCT over them all, and the IN list reads every
        # responsibility of the programme (70,000 at a hundred times Stockholm's boards, 15 ms
        # a query on SQLite), where EXISTS reads a board's responsibilities through their
        # board index and stops at the first one (2,300 boards in 2 ms).
        activities = ActivityResponsibility.objects.filter(
            reports_on("", "activity"),
            board=models.OuterRef("pk"),
            activity__goal__programme=programme,
            activity__added_by__isnull=True,
        )
        indicators = IndicatorResponsibility.objects.filter(
            reports_on("", "indicator"),
            board=models.OuterRef("pk"),
            indicator__goal__programme=programme,
            indicator__added_by__isnull=True,
        )
        return self.filter(models.Exists(activities) | models.Exists(indicators)).order_by("name")


class Board(models.Model):
    """A board or company board: one reporting unit."""

    organisation = models.CharField("organisation", max_length=100)
    name = models.CharField("namn", max_length=200)
    slug = models.SlugField("kortnamn i adresser", max_length=100, unique=True)
    kind = models.CharField("typ", max_length=20, choices=BoardKind.choices)
    history = HistoricalRecords()

    objects = BoardQuerySet.as_manager()

    class Meta:
        verbose_name = "nämnd"
        verbose_name_plural = "nämnder och bolagsstyrelser"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="board_unique_name"),
        ]
        # Lists of boards come by name, a page at a time: read in the index's order, a page
        # of 50 of 2,300 boards stops after 50 instead of sorting them all.
        indexes = [models.Index(fields=["name"], name="board_name")]

    def __str__(self) -> str:
        return self.name


class BoardGroup(models.Model):
    """A collective the programme names instead of listing boards, e.g. "stadsdelsnämnderna"."""

    organisation = models.CharField("organisation", max_length=100)
    name = models.CharField("namn", max_length=200)
    slug = models.SlugField("kortnamn i adresser", max_length=100, unique=True)
    boards = models.ManyToManyField(Board, related_name="groups", verbose_name="nämnder")
    history = HistoricalRecords(m2m_fields=[boards])

    class Meta:
        verbose_name = "grupp av nämnder"
        verbose_name_plural = "grupper av nämnder"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The plurals of the labels programmes use (Programme.goal_label, activity_label).
LABEL_PLURALS = {
    "Mål": "Mål",
    "Fokusområde": "Fokusområden",
    "Aktivitet": "Aktiviteter",
    "Åtgärd": "Åtgärder",
}


def with_annual_name(programmes: "models.QuerySet[Programme]") -> "models.QuerySet[Programme]":
    """The programmes with `annual_name` loaded in the same query."""
    annual = PeriodDefinition.objects.filter(programme=models.OuterRef("pk"), is_annual=True)
    return programmes.annotate(annual_period_name=models.Subquery(annual.values("name")[:1]))


class Programme(models.Model):
    slug = models.SlugField("kortnamn i adresser", max_length=100, unique=True)
    name = models.CharField("namn", max_length=400)
    short_name = models.CharField("kort namn", max_length=100)
    organisation = models.CharField("ägare", max_length=100)
    # Who issues the documents and on what decision: the documents' title pages and footers.
    issuer = models.CharField(
        "utfärdande förvaltning",
        max_length=200,
        blank=True,
        help_text="Förvaltningen som tar fram dokumenten, t.ex. ”Socialförvaltningen”.",
    )
    decision = models.CharField(
        "beslut",
        max_length=300,
        blank=True,
        help_text="Beslutet om programmet, t.ex. ”Godkänt av kommunfullmäktige i juni 2021”.",
    )
    reference = models.CharField(
        "diarienummer", max_length=100, blank=True, help_text="T.ex. ”KS 2020/924”."
    )
    start_year = models.PositiveSmallIntegerField("första år")
    end_year = models.PositiveSmallIntegerField("sista år")
    vision = models.TextField("vision")
    goal_label = models.CharField("benämning på mål", max_length=40, default="Mål")
    activity_label = models.CharField("benämning på aktivitet", max_length=40, default="Aktivitet")
    co_responsible_reports = models.BooleanField(
        "medansvariga rapporterar",
        default=True,
        help_text="Om en medansvarig nämnd följer upp åtgärden i sin rapport, som den ansvariga.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "program"
        verbose_name_plural = "program"
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="programme_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    # The programme's own words, in the plural, for headings ("Fokusområden", "Åtgärder").
    @property
    def goal_label_plural(self) -> str:
        return LABEL_PLURALS.get(self.goal_label, self.goal_label)

    @property
    def activity_label_plural(self) -> str:
        return LABEL_PLURALS.get(self.activity_label, self.activity_label)

    @property
    def goal_definite(self) -> str:
        """ "Målet", "Fokusområdet"."""
        label = self.goal_label
        return label + "t" if label.endswith("e") else label + "et"

    @property
    def goals_definite(self) -> str:
        """ "Målen", "Fokusområdena"."""
        plural = self.goal_label_plural
        return plural + "a" if plural.endswith("n") else plural + "en"

    @property
    def activity_rows_word(self) -> str:
        """ "aktivitetsrader", "åtgärdsrader": the rows boards report on."""
        return self.activity_label.lower() + "srader"

    @property
    def activity_rows_reported(self) -> str:
        """ "aktivitetsrader rapporterade", for the `completeness` filter."""
        return f"{self.activity_rows_word} rapporterade"

    @property
    def activities_definite(self) -> str:
        """ "aktiviteterna", "åtgärderna"."""
        return self.activity_label_plural.lower() + "na"

    @property
    def co_responsible_label(self) -> str:
        return "Medansvariga"

    @cached_property
    def annual_name(self) -> str:
        """The name of the programme's annual report, "Verksamhetsberättelse" or
        "Årsberättelse". A query unless the programme was loaded `with_annual_name`."""
        if hasattr(self, "annual_period_name"):
            name = self.annual_period_name
        else:
            name = self.cycle.filter(is_annual=True).values_list("name", flat=True).first()
        return name or "Verksamhetsberättelse"

    @property
    def annual_reports(self) -> str:
        """ "verksamhetsberättelser", "årsberättelser"."""
        return annual_plural(self.annual_name)

    @property
    def area_word(self) -> str:
        """The whole area the programme covers, definite: "staden" for Stockholms stad,
        "kommunen" for Södertälje kommun ("för hela staden", "Hela kommunen")."""
        return "kommunen" if self.organisation.lower().endswith("kommun") else "staden"


def annual_plural(name: str, *, definite: bool = False) -> str:
    """A programme's annual report in the plural, lower case, from its period name:
    "Verksamhetsberättelse" → "verksamhetsberättelser" (definite "verksamhetsberättelserna"),
    "Årsberättelse" → "årsberättelser"."""
    word = name.lower()
    plural = word[:-1] + "er" if word.endswith("e") else word
    return plural + "na" if definite else plural


class PeriodDefinition(models.Model):
    """One step of a programme's reporting cycle: what the period is called, where it falls
    in the year, when it usually opens and is due, and whether it is the annual report.
    Stockholm's year has T1, T2 and VB; Södertälje's the delårsbokslut and the årsberättelse.
    A period copies its name, order and annualness when it is created (`periods_create`),
    so a period keeps the name it was reported under if the cycle is changed later."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cycle")
    code = models.CharField(
        "kod",
        max_length=10,
        help_text="Kort namn i adresser, filnamn och API:t, t.ex. ”T1” eller ”DB”.",
    )
    name = models.CharField("namn", max_length=100)
    position = models.PositiveSmallIntegerField("ordning i året")
    # The usual dates, relative to the programme year: (years after, month, day).
    opens_year_offset = models.PositiveSmallIntegerField("öppnar år efter", default=0)
    opens_month = models.PositiveSmallIntegerField("öppnar månad")
    opens_day = models.PositiveSmallIntegerField("öppnar dag")
    deadline_year_offset = models.PositiveSmallIntegerField("sista dag år efter", default=0)
    deadline_month = models.PositiveSmallIntegerField("sista dag månad")
    deadline_day = models.PositiveSmallIntegerField("sista dag dag")
    is_annual = models.BooleanField(
        "årsrapport",
        default=False,
        help_text="Årets samlade rapport: med målbedömningar, grund för samlad uppföljning.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "period i rapportcykeln"
        verbose_name_plural = "rapportcykel"
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="cycle_unique_code"),
            models.UniqueConstraint(fields=["programme", "position"], name="cycle_unique_position"),
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(is_annual=True),
                name="cycle_one_annual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        # A leap day would fail three years in four: the check uses a year without one.
        try:
            opens, due = self.dates(2001)
        except (TypeError, ValueError):
            raise ValidationError("Ange en månad (1–12) och en dag som finns i den.") from None
        if due < opens:
            raise ValidationError({"deadline_day": "Sista dagen kan inte vara före öppningen."})

    def dates(self, year: int) -> tuple[date, date]:
        """When the step usually opens and is due in the programme year `year`."""
        return (
            date(year + self.opens_year_offset, self.opens_month, self.opens_day),
            date(year + self.deadline_year_offset, self.deadline_month, self.deadline_day),
        )


class Goal(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="goals", verbose_name="program"
    )
    number = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("rubrik", max_length=400)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="goal_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.goal_label} {self.number} {self.title}"


class Prerequisite(models.Model):
    """One of the ordered "för att nå dit behöver följande vara på plats" items of a goal."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="prerequisites", verbose_name="mål"
    )
    position = models.PositiveSmallIntegerField("ordning")
    text = models.TextField("text")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "förutsättning"
        verbose_name_plural = "förutsättningar"
        ordering = ["goal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "position"], name="prerequisite_unique_pos"),
        ]

    def __str__(self) -> str:
        return self.text


class ResponsibilityRole(models.TextChoices):
    RESPONSIBLE = "ansvarig", "Ansvarig"
    CO_RESPONSIBLE = "medansvarig", "Medansvarig"


class PreventionLevel(models.TextChoices):
    UNIVERSAL = "universell", "Universell"
    SELECTIVE = "selektiv", "Selektiv"
    INDICATED = "indikerad", "Indikerad"


class IndicatorKind(models.TextChoices):
    SHARE = "share", "Andel"
    COUNT = "count", "Antal"
    YES_NO = "yes_no", "Ja/nej"


class CommitmentQuerySet(models.QuerySet):
    def in_programme(self) -> "CommitmentQuerySet":
        """The programme's own items, without those a board added for itself."""
        return self.filter(programme_item())

    def own(self) -> "CommitmentQuerySet":
        """The items boards added for themselves."""
        return self.exclude(programme_item())


def programme_item(path: str = "") -> models.Q:
    """An activity or indicator of the programme itself, not one a board added for itself;
    `path` leads from another model to the item: `programme_item("indicator__")`."""
    return models.Q(**{f"{path}added_by__isnull": True})


class Commitment(models.Model):
    """What activities and indicators share: a place in their goal's list and the programme's
    own wording of who is responsible (the boards themselves are the through rows).

    A board may add its own items under a goal ("Ansvariga nämnder och bolagsstyrelser kan
    även ta fram och följa upp egna aktiviteter och indikatorer"); those have `added_by`.
    """

    position = models.PositiveSmallIntegerField("ordning")
    text = models.TextField("text")
    responsible_text = models.CharField(
        "ansvariga enligt programmet",
        max_length=400,
        help_text="Programmets formulering, t.ex. ”Socialnämnden och stadsdelsnämnderna”.",
    )

    objects = CommitmentQuerySet.as_manager()
    # Declared by each subclass (a ForeignKey to Board); named here for is_own.
    added_by_id: int | None

    class Meta:
        abstract = True
        ordering = ["goal", models.F("added_by").asc(nulls_first=True), "position"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_own(self) -> bool:
        return self.added_by_id is not None


class Activity(Commitment):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="activities", verbose_name="mål"
    )
    number = models.CharField(
        "nummer", max_length=20, blank=True, help_text="Programmets numrering, t.ex. ”1:1”."
    )
    prevention_level = models.CharField(
        "preventionsnivå", max_length=20, choices=PreventionLevel.choices, blank=True
    )
    note = models.CharField("not", max_length=400, blank=True)
    boards = models.ManyToManyField(
        Board, through="ActivityResponsibility", related_name="activities", verbose_name="nämnder"
    )
    added_by = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_activities",
        verbose_name="egen aktivitet för",
    )
    history = HistoricalRecords()

    class Meta(Commitment.Meta):
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "position"],
                condition=models.Q(added_by__isnull=True),
                name="activity_unique_pos",
            ),
        ]


class Indicator(Commitment):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicators", verbose_name="mål"
    )
    kind = models.CharField("typ", max_length=10, choices=IndicatorKind.choices)
    boards = models.ManyToManyField(
        Board, through="IndicatorResponsibility", related_name="indicators", verbose_name="nämnder"
    )
    added_by = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_indicators",
        verbose_name="egen indikator för",
    )
    history = HistoricalRecords()

    class Meta(Commitment.Meta):
        verbose_name = "indikator"
        verbose_name_plural = "indikatorer"
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "position"],
                condition=models.Q(added_by__isnull=True),
                name="indicator_unique_pos",
            ),
        ]


class Responsibility(models.Model):
    role = models.CharField(
        "roll",
        max_length=20,
        choices=ResponsibilityRole.choices,
        default=ResponsibilityRole.RESPONSIBLE,
    )

    # Declared by each subclass, next to the item it is a responsibility for.
    board: Board

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.board} ({self.get_role_display().lower()})"


class ActivityResponsibility(Responsibility):
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name="aktivitet",
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="activity_roles", verbose_name="nämnd"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ansvar för aktivitet"
        verbose_name_plural = "ansvar för aktiviteter"
        ordering = ["board__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "board"], name="activity_board_unique"),
        ]


class IndicatorResponsibility(Responsibility):
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name="indikator",
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="indicator_roles", verbose_name="nämnd"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ansvar för indikator"
        verbose_name_plural = "ansvar för indikatorer"
        ordering = ["board__name"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "board"], name="indicator_board_unique"),
        ]

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardGroup,
    BoardKind,
    Goal,
    Indicator,
    IndicatorKind,
    Prerequisite,
    Programme,
    ResponsibilityRole,
)
from catalog.programme_text import parse_stockholm_programme
from catalog.services import CatalogDataError, programme_load
from tests.catalog_data import (
    STOCKHOLM_FIXTURE,
    catalog_remove,
    sodertalje_data,
    stockholm,
    stockholm_data,
)
from tests.test_programme_text import SEED


def _history_rows() -> int:
    return (
        sum(
            model.history.count()
            for model in (Programme, Goal, Prerequisite, Activity, Indicator, Board, BoardGroup)
        )
        + ActivityResponsibility.history.count()
    )


class StockholmCatalogTests(TestCase):
    """The catalog as the loader left it: the session loads it with programme_load."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = stockholm()

    def test_programme_has_its_vision_and_seven_goals(self) -> None:
        self.assertEqual(
            self.programme.vision,
            "Stockholm är en stad fri från våld i nära relationer, hedersrelaterat våld och "
            "förtryck, prostitution, människohandel för sexuella ändamål samt sexuellt våld "
            "oberoende relation",
        )
        self.assertEqual((self.programme.start_year, self.programme.end_year), (2021, 2025))
        self.assertEqual(
            list(self.programme.goals.values_list("number", flat=True)), [1, 2, 3, 4, 5, 6, 7]
        )
        self.assertEqual(
            self.programme.goals.get(number=7).title,
            "Stadens verksamheter använder metoder och insatser som vilar på evidens och/eller "
            "på beprövad erfarenhet",
        )

    def test_counts_per_goal_match_the_document(self) -> None:
        # (prerequisites, indicators, activities) per goal, counted by hand in the programme.
        expected = {1: (3, 2, 8), 2: (2, 2, 10), 3: (2, 2, 10), 4: (2, 2, 10), 5: (1, 2, 5),
                    6: (1, 2, 7), 7: (1, 1, 2)}  # fmt: skip
        actual = {
            goal.number: (
                goal.prerequisites.count(),
                goal.indicators.count(),
                goal.activities.count(),
            )
            for goal in self.programme.goals.all()
        }
        self.assertEqual(actual, expected)

    def test_each_district_board_and_housing_company_is_its_own_reporting_unit(self) -> None:
        self.assertEqual(Board.objects.count(), 23)
        self.assertEqual(Board.objects.filter(kind=BoardKind.STADSDELSNAMND).count(), 13)
        self.assertEqual(
            set(
                BoardGroup.objects.get(name="bostadsbolagen").boards.values_list("name", flat=True)
            ),
            {"AB Familjebostäder", "AB Stockholmshem", "AB Svenska Bostäder"},
        )
        activity = Activity.objects.get(
            goal__number=1, text__startswith="Implementera och sprida föräldraskapsstödsprogram"
        )
        self.assertEqual(activity.responsible_text, "Socialnämnden och stadsdelsnämnderna")
        self.assertEqual(activity.boards.count(), 14)
        self.assertIn(
            "Rinkeby-Kista stadsdelsnämnd", activity.boards.values_list("name", flat=True)
        )

    def test_the_widest_activity_reaches_every_named_board_and_the_housing_companies(self) -> None:
        activity = Activity.objects.get(
            goal__number=3, text__startswith="Sprida lättillgänglig information på flera språk"
        )
        # Six named facknämnder, the 13 district boards and the three housing companies:
        # every board but Kommunstyrelsen.
        self.assertEqual(
            set(Board.objects.exclude(activities=activity).values_list("name", flat=True)),
            {"Kommunstyrelsen"},
        )

    def test_board_commitments_match_the_document(self) -> None:
        def commitments(name: str) -> tuple[list[int], list[int]]:
            board = Board.objects.get(name=name)
            return (
                sorted(board.activities.values_list("goal__number", flat=True)),
                sorted(board.indicators.values_list("goal__number", flat=True)),
            )

        self.assertEqual(commitments("Idrottsnämnden"), ([3], []))
        self.assertEqual(commitments("Kommunstyrelsen"), ([3], []))
        self.assertEqual(commitments("AB Stockholmshem"), ([3], []))
        self.assertEqual(commitments("Kulturnämnden"), ([3, 6], [6, 6]))
        self.assertEqual(commitments("Arbetsmarknadsnämnden")[1], [1, 6, 6])
        self.assertEqual(len(commitments("Bromma stadsdelsnämnd")[1]), 10)

    def test_indicators_know_share_count_and_yes_no(self) -> None:
        kinds = {kind: Indicator.objects.filter(kind=kind).count() for kind in IndicatorKind.values}
        self.assertEqual(kinds, {"share": 10, "count": 2, "yes_no": 1})
        self.assertEqual(
            Indicator.objects.get(kind=IndicatorKind.YES_NO).text,
            "RVT använder minst en standardiserad bedömningsmetod vid utredning av behovet av "
            "stöd och hjälp hos våldsutsatta vuxna.",
        )

    def test_rows_broken_by_page_breaks_are_whole(self) -> None:
        self.assertTrue(
            Activity.objects.filter(
                text="Centrum för samhällsorientering säkerställer att fortbildningen för "
                "samhällskommunikatörer innehåller kunskap om lagstiftning och samhällets stöd "
                "kring våld i nära relationer och hedersrelaterat våld och förtryck",
                responsible_text="Arbetsmarknadsnämnden",
            ).exists()
        )
        self.assertFalse(Activity.objects.filter(text__contains="vålds utsatt").exists())
        self.assertFalse(Prerequisite.objects.filter(text__contains="arbets sätt").exists())

    def test_loading_twice_changes_nothing(self) -> None:
        history_before = _history_rows()
        _, summary = programme_load(data=stockholm_data())
        self.assertEqual((summary.created, summary.updated, summary.deleted), (0, 0, 0))
        self.assertEqual(_history_rows(), history_before)

    def test_loaded_catalog_is_the_programme_document(self) -> None:
        document = parse_stockholm_programme(SEED.read_text(encoding="utf-8"))
        for goal_spec in document["goals"]:
            goal = self.programme.goals.get(number=goal_spec["number"])
            self.assertEqual(goal.title, goal_spec["title"])
            self.assertEqual(
                list(goal.prerequisites.values_list("text", flat=True)), goal_spec["prerequisites"]
            )
            for model, specs in ((Activity, "activities"), (Indicator, "indicators")):
                loaded = [
                    (item.text, item.responsible_text)
                    for item in model.objects.filter(goal=goal).order_by("position")
                ]
                self.assertEqual(
                    loaded, [(spec["text"], spec["responsible_text"]) for spec in goal_spec[specs]]
                )


class CatalogChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = stockholm()

    def test_rewording_an_activity_keeps_its_identity_and_responsibilities_follow(self) -> None:
        data = stockholm_data()
        spec = data["goals"][0]["activities"][0]
        before = Activity.objects.get(goal__number=1, position=1)
        spec["text"] = "Implementera föräldraskapsstöd (omformulerad)"
        spec["responsible_text"] = "Socialnämnden"
        spec["responsible"] = ["socialnamnden"]

        _, summary = programme_load(data=data)

        after = Activity.objects.get(goal__number=1, position=1)
        self.assertEqual(after.pk, before.pk)
        self.assertEqual(after.text, "Implementera föräldraskapsstöd (omformulerad)")
        self.assertEqual(list(after.boards.values_list("name", flat=True)), ["Socialnämnden"])
        self.assertEqual(summary.deleted, 13)  # the district boards' responsibilities
        self.assertEqual(after.history.count(), 2)

    def test_unknown_board_is_refused_and_nothing_changes(self) -> None:
        data = stockholm_data()
        data["goals"][0]["title"] = "Ändrad rubrik"
        data["goals"][6]["activities"][0]["responsible"] = ["tekniska-namnden"]

        with self.assertRaisesMessage(CatalogDataError, "tekniska-namnden"):
            programme_load(data=data)

        self.assertEqual(
            Goal.objects.get(programme=self.programme, number=1).title,
            "Stadens verksamheter arbetar våldsförebyggande",
        )


class SecondProgrammeShapeTests(TestCase):
    """Södertälje's plan: focus areas, numbered measures, co-responsible boards, prevention."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme, _ = programme_load(data=sodertalje_data())

    def test_measure_keeps_number_prevention_level_and_both_roles(self) -> None:
        measure = Activity.objects.get(goal__programme=self.programme)
        self.assertEqual((measure.number, measure.prevention_level), ("1:1", "universell"))
        self.assertEqual(
            {r.board.name: r.role for r in measure.responsibilities.select_related("board")},
            {
                "Barn- och utbildningsnämnden": ResponsibilityRole.RESPONSIBLE,
                "Socialnämnden": ResponsibilityRole.CO_RESPONSIBLE,
            },
        )
        self.assertEqual(self.programme.goal_label, "Fokusområde")


class LoadProgrammeCommandTests(TestCase):
    def test_command_loads_the_fixture_and_a_second_run_changes_nothing(self) -> None:
        catalog_remove()
        first, second = StringIO(), StringIO()
        call_command("load_programme", stdout=first)
        call_command("load_programme", str(STOCKHOLM_FIXTURE), stdout=second)
        self.assertIn("stockholm-2021-2025", first.getvalue())
        self.assertIn("0 skapade, 0 ändrade, 0 borttagna", second.getvalue())
        self.assertEqual(Activity.objects.count(), 52)

    def test_command_reports_a_missing_file_in_swedish(self) -> None:
        with self.assertRaisesMessage(CommandError, "Kunde inte läsa in"):
            call_command("load_programme", "/nonexistent/katalog.json")

"""Check Södertälje's catalog against the action plan "Fri från våld" 2024–2027, as a reader of
the plan would.

The expectations below were transcribed by reading the OCR text of the plan
(fixtures/sources/003_aff136b640d4724a.txt) line by line, repairing the scan's letters by hand,
not by copying the builder's output; where the layout needed a decision (which boards belong
to which measure on a page whose columns the OCR put one after another), the reading is the
one argued in catalog/sodertalje_text.py, checked here against the page independently.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import TestCase
from django.urls import reverse

from catalog.models import Activity, Board, BoardGroup, Goal, Indicator, Prerequisite, Programme
from catalog.programme_text import catalog_json
from catalog.services import programme_load
from catalog.sodertalje_text import NOT_LOADED_KEY, parse_sodertalje_plan, sodertalje_decisions
from tests.catalog_data import stockholm

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "sources" / "003_aff136b640d4724a.txt"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / SEED.name
FIXTURE = ROOT / "fixtures" / "sodertalje-2024-2027.json"
SLUG = "sodertalje-fri-fran-vald-2024-2027"

KS = "Kommunstyrelsen"
SN = "Socialnämnden"
ON = "Omsorgsnämnden"
AON = "Äldreomsorgsnämnden"
UN = "Utbildningsnämnderna"
KFN = "Kultur- och fritidsnämnderna"
SBN = "Samhällsbyggnadsnämnderna"
MN = "Miljönämnden"
ANN = "Arbets- och näringslivsnämnden"
OFN = "Överförmyndarnämnden"
TB = "Telge Bostäder"
TAB = "Telge AB"
KPR = "Kommunala pensionärsrådet"
KFR = "Kommunala funktionshinderrådet"

# The two "Medansvarig:" lists the plan prints for the steering group's measures (1:8, 3:4).
ALL_OFFICES = (SN, ON, AON, UN, KFN, SBN, MN, ANN, TB, KPR, KFR)
# The boards whose staff 5:1 and 5:3 are about.
STAFF_BOARDS = (SN, ON, AON, UN, KFN, ANN, OFN, TB)

FOCUS_AREAS = [
    (
        "Kommunen arbetar våldsförebyggande",
        [
            "Kunskap finns om universella våldsförebyggande metoder och arbetssätt inom "
            "Södertäljes kommunala verksamheter.",
            "Universella våldsförebyggande insatser såsom normkritiska metoder och arbetssätt "
            "kopplat till kön, sexualitet och våld tillämpas inom arenor där barn och unga "
            "vuxna vistas.",
        ],
    ),
    (
        "Kommunen erbjuder våldsutövare återfallsförebyggande insatser",
        [
            "Kommunens verksamheter har kunskap, metoder och arbetssätt för att erbjuda "
            "insatser till våldsutövare som överensstämmer med deras behov.",
            "Verksamheterna samverkar kring våldsförebyggande- och återfallsförebyggande insatser.",
        ],
    ),
    (
        "Kommunen arbetar aktivt för att upptäcka våldsutsatthet",
        [
            "Verksamheterna har rutiner och kompetens för att upptäcka våldsutsatta vuxna och "
            "barn.",
            "Verksamheterna har rutiner och kompetens för att upptäcka våldsutövare.",
        ],
    ),
    (
        "Våldsutsatta vuxna och barn erbjuds insatser utifrån sina specifika behov",
        [
            "Verksamheterna har kunskap, metoder och arbetssätt för att erbjuda insatser till "
            "våldsutsatta som överensstämmer med deras behov.",
            "Verksamheterna samverkar kring insatser för våldsutsatta.",
        ],
    ),
    (
        "Kommunen arbetar systematiskt med kunskaps- och metodutveckling",
        [
            "Verksamheterna använder systematisk uppföljning och utvärdering för att utveckla "
            "arbetet kring våldsutsatthet och våldsutövande.",
            "Verksamheterna arbetar utifrån bästa tillgängliga kunskap.",
            "Verksamheterna kvalitetssäkrar sina metoder och arbetssätt med stöd av forskning.",
        ],
    ),
]

# (number, text, responsible in the plan's order, co-responsible, levels as printed).
MEASURES: list[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    (
        "1:1",
        "Säkerställa förutsättningarna för ett kunskapsbaserat normkritiskt arbete om kön "
        "och maskulinitetsnormer i kultur- och fritidsverksamheter.",
        (KFN,),
        (),
        ("universell",),
    ),
    (
        "1:2",
        "Implementera och följa upp det normkritiska arbetet i kultur- och fritidsverksamheter.",
        (KFN,),
        (),
        ("universell",),
    ),
    (
        "1:3",
        "Tillgodose relevanta samverkan/samarbeten med civilsamhället gällande det "
        "våldsförebyggande arbetet.",
        (KS, SN, ON, UN, KFN, ANN),
        (),
        ("universell",),
    ),
    (
        "1:4",
        "Följa utvecklingen i evidensbaserade våldsförebyggande program som "
        "Jämställdhetsmyndigheten utvärderar för skolan, i syfte att främja jämställda "
        "relationer.",
        (UN,),
        (),
        ("universell",),
    ),
    (
        "1:5",
        "Sprida föräldraskapsprogram och föräldrautbildningar i syfte att förebygga konflikt "
        "och bråk i hemmet samt förebygga våld.",
        (SN,),
        (),
        ("universell",),
    ),
    (
        "1:6",
        "Arrangera kampanjveckan Orange Week för att uppmärksamma arbetet mot våld i nära "
        "relationer, hedersrelaterat våld och förtryck, våld i ungas relationer, sexuell "
        "exploatering och för samtycke i kommunen.",
        (KS,),
        (SN, ON, AON, UN, KFN, ANN),
        ("universell",),
    ),
    (
        "1:8",
        "Styrgruppen mot våld i nära relation och hedersrelaterat våld och förtryck ges i "
        "uppdrag att utveckla formerna för samarbete mellan berörda kontor i syfte att "
        "förebygga och bekämpa våld i nära relationer, hedersrelaterat våld och förtryck, "
        "prostitution och människohandel för sexuella ändamål samt sexuell exploatering av "
        "barn.",
        (KS,),
        ALL_OFFICES,
        ("universell",),
    ),
    (
        "1:9",
        "Kommunens lägesbild kring det brottsförebyggande arbetet ska utvecklas för att "
        "inkludera våld i nära relationer, hedersrelaterat våld och förtryck samt "
        "prostitution och människohandel.",
        (SN,),
        (KS,),
        ("universell",),
    ),
    (
        "2:1",
        "Sprida information på flera språk om beteendeförändrande insatser som finns för "
        "våldsutövare.",
        (SN,),
        (),
        ("indikerad", "selektiv"),
    ),
    (
        "2:2",
        "Erbjuda, sprida och informera om regionala stödverksamheter för personer som vill "
        "sluta köpa sex mot ersättning och/eller har ett problematisk porrsurfande.",
        (SN,),
        (),
        ("indikerad", "selektiv"),
    ),
    (
        "2:3",
        "SIP-planer (Samordnad individuell plan) för våldsutövare bör upprättas när det "
        "finns behov av insatser från både socialtjänsten och hälso- och sjukvården.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "2:4",
        "Utreda möjligheterna att hänvisa våldsutövare till tillfälligt boende.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "2:5",
        "Se över möjligheterna att erbjuda krisstöd till våldsutövare vid omplacering av "
        "våldsutsatta personer och deras barn.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "3:1",
        "Sprida lättillgänglig information på flera språk om stöd- och skyddsinsatser via de "
        "platser och verksamheter där barn, unga, vuxna och äldre vistas.",
        (SN,),
        (UN, KFN, AON, ON, ANN),
        ("indikerad", "selektiv"),
    ),
    (
        "3:2",
        "Sprida lämpligt stödmaterial till förskolan samt socialtjänstens förebyggande "
        "verksamheter i syfte att fördjupa kunskapen om våldsutsatthet och främja tidig "
        "upptäckt av våldsutsatta barn.",
        (UN, SN),
        (),
        ("universell",),
    ),
    (
        "3:3",
        "Utveckla arbetet så att barn och unga ges förutsättningar att berätta om utsatthet "
        "genom att informera om barnets rättigheter, barnkonventionen och jämställdhet.",
        (UN,),
        (),
        ("universell",),
    ),
    (
        "3:4",
        "Styrgruppen mot våld i nära relation och hedersrelaterat våld och förtryck ansvarar "
        "för att ta fram en rutin för att fråga om våldsutsatthet i syfte att främja tidig "
        "upptäckt av barn, unga, vuxna och äldre samt för att förebygga upprepad utsatthet.",
        (KS,),
        ALL_OFFICES,
        ("indikerad", "selektiv"),
    ),
    (
        "4:1",
        "Erbjuda anpassat skydd och stöd för våldsutsatta som är i särskilt sårbara situationer.",
        (SN, ON),
        (),
        ("indikerad",),
    ),
    (
        "4:2",
        "SIP-planer (Samordnad individuell plan) för våldsutsatta ska upprättas när det "
        "finns behov av insatser från både socialtjänsten och hälso- och sjukvården.",
        (SN, ON),
        (),
        ("indikerad",),
    ),
    (
        "4:3",
        "Erbjuda adekvata hjälp- och stödinsatser till personer som söker hjälp för att ha "
        "haft sex mot ersättning eller använder sex som självskadebeteende.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "4:4",
        "Genomföra strukturerade hot- och riskbedömningar i alla ärenden som rör "
        "våldsutsatthet inklusive hedersrelaterat våld och förtryck.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "4:5",
        "Föräldrar till barn och unga som är placerade i familjehem eller på institution "
        "erbjuds krisstöd.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "4:6",
        "Säkerställa förebyggande insatser riktade till barn och unga som riskerar att "
        "utsättas för sexuell exploatering eller prostitution.",
        (SN, ON, UN, KFN),
        (),
        ("selektiv",),
    ),
    (
        "4:7",
        "Arbeta för en fördjupad samverkan mellan socialtjänst och polis i akuta "
        "våldshändelser i familjer med barn.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "5:1",
        "Berörd personal har grundläggande utbildning och kunskaper om våld i nära relation.",
        STAFF_BOARDS,
        (),
        ("indikerad",),
    ),
    (
        "5:2",
        "Personal med klientnära arbete har fördjupade kunskaper inom våld i nära relation.",
        (SN, ON, AON),
        (),
        ("indikerad",),
    ),
    (
        "5:3",
        "Berörd personal har utbildning och kunskap om hedersrelaterat våld och förtryck och "
        "hur de ska arbeta och samverka för att motverka det.",
        STAFF_BOARDS,
        (),
        ("indikerad",),
    ),
    (
        "5:4",
        "Kartlägga i vilken utsträckning personal inom skola och socialtjänst kommer i "
        "kontakt med och möter unga som är utsatta eller riskerar att utsättas för "
        "hedersrelaterat våld och förtryck.",
        (KS,),
        (UN, SN, ON),
        ("selektiv",),
    ),
    (
        "5:5",
        "Följa upp utsatthet kring hedersrelaterat våld och förtryck genom att fråga om "
        "begränsningar i skolenkäterna.",
        (KS, SN, UN),
        (),
        ("universell",),
    ),
    (
        "5:6",
        "Berörd personal har utbildning och kunskap om prostitution och människohandel för "
        "sexuella ändamål och sexuell exploatering av barn.",
        (SN, ON, UN, KFN, ANN),
        (),
        ("indikerad",),
    ),
    (
        "5:7",
        "Relationsvåldscenter arbetar med ISU (individbaserad systematisk uppföljning) för "
        "att få kunskapsunderlag för verksamhetsutveckling.",
        (SN,),
        (),
        ("indikerad",),
    ),
    (
        "5:8",
        "Berörda nämnders förtroendevalda erbjuds genomgå kurs om våld i nära relation, "
        "hedersrelaterat våld och förtryck, våld mot personer med funktionsnedsättning och "
        "våld mot äldre.",
        (KS,),
        (),
        ("universell",),
    ),
    (
        "5:9",
        "Utveckla stöd till chefer i syfte att öka kunskapen om våld i nära relationer och "
        "hedersrelaterat våld och förtryck för att stötta medarbetare som riskerar att "
        "utsättas eller är utsatta för våld i nära relationen eller hedersrelaterat våld och "
        "förtryck.",
        (KS, TAB),
        (),
        ("indikerad",),
    ),
]

# The examples printed in a measure's cell under its sentence.
NOTES = {
    "1:4": "Exempelvis: Safe Dates och Dating Matter",
    "2:2": "KAST (Köpare av sexuella tjänster) i Stockholm erbjuder samtalsstöd för unga, "
    "vuxna och äldre som köpt sex eller är i riskzon.",
    "3:2": "Exempelvis Brottsoffermyndighetens stödmaterial Liten och trygg.",
    "5:1": "Exempelvis genom att erbjuda personal Webbkurs om våld från Nationellt centrum för "
    "kvinnofrid",
    "5:2": "Exempelvis genom Relationsvåldscenters fördjupningsutbildning.",
    "5:3": "Exempelvis genom att erbjuda personal Webbkurs heder från Länsstyrelserna.",
    "5:8": "Förslag på kurser.\nLänsstyrelsens webbkurs heder\n"
    "Nationellt kvinnofrids (NCK) utbildning om våld\n"
    "Socialstyrelsens webbutbildning våld mot personer med funktionsnedsättning\n"
    "Socialstyrelsens webbutbildning våld mot äldre",
}

BOARDS = {
    KS: "kommunstyrelse",
    SN: "facknamnd",
    ON: "facknamnd",
    AON: "facknamnd",
    UN: "facknamnd",
    KFN: "facknamnd",
    SBN: "facknamnd",
    MN: "facknamnd",
    ANN: "facknamnd",
    OFN: "facknamnd",
    KPR: "facknamnd",
    KFR: "facknamnd",
    TB: "bolag",
    TAB: "bolag",
}

PURPOSE = (
    "Handlingsplanen ska fungera som ett stöd för förvaltningens strukturerade och "
    "långsiktiga arbete för att förebygga och bekämpa våld i nära relationer, "
    "hedersrelaterat våld och förtryck, prostitution och människohandel för sexuella ändamål "
    "samt sexuell exploatering av barn."
)

TARGET_GROUPS = [
    "Barn, unga, vuxna och äldre i Södertälje kommun som har utsatts för eller riskerar att "
    "utsättas för våld i nära relationer, hedersrelaterat våld och förtryck, prostitution "
    "eller människohandel för sexuella ändamål.",
    "Barn och unga som utsatts för sexuell exploatering.",
    "Unga, vuxna och äldre som utsätter andra för våld i nära relationer och "
    "hedersrelaterat våld och förtryck eller köper sexuella tjänster.",
]


def fixture_data() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def load_sodertalje() -> Programme:
    programme, _ = programme_load(data=fixture_data())
    return programme


def test_fixture_is_the_builders_output_from_the_seed() -> None:
    """The checked-in fixture cannot drift from the plan's text or from its repairs."""
    built = catalog_json(parse_sodertalje_plan(SEED.read_text(encoding="utf-8"), SEED.name))
    assert built == FIXTURE.read_text(encoding="utf-8")


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="no shared/seeds beside the checkout")
def test_repository_copy_of_the_plan_is_the_original() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_a_moved_decision_line_is_refused() -> None:
    """A layout decision names its source line; if the text there changes, the builder stops
    rather than applying the decision to whatever now sits on that line."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    lines.insert(0, "")
    with pytest.raises(ValueError, match="Rad"):
        parse_sodertalje_plan("\n".join(lines))


@pytest.mark.parametrize(
    ("printed", "changed", "message"),
    [
        # A number printed twice that no decision explains.
        ("Atgard 2:3", "Atgard 2:2", "väntade 2:3"),
        # A gap in the numbering that no decision explains.
        ("Atgard 4:4", "Atgard 4:5", "väntade 4:4"),
        # A board the plan's list of boards does not have.
        ("+ Miljéndmnden", "+ Fastighetsnämnden", "Okänd nämnd"),
    ],
)
def test_damage_no_table_explains_stops_the_builder(
    printed: str, changed: str, message: str
) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(printed) == 1
    with pytest.raises(ValueError, match=message):
        parse_sodertalje_plan(text.replace(printed, changed))


def test_every_decision_is_listed_with_its_ocr_line() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    decisions = sodertalje_decisions()
    assert len(decisions) == 26
    for number, ocr, reason in decisions:
        assert ocr in lines[number - 1], (number, ocr)
        assert reason


def test_the_fixture_keeps_both_levels_where_the_plan_prints_two() -> None:
    activities = {a["number"]: a for g in fixture_data()["goals"] for a in g["activities"]}
    for number, _text, _responsible, _co, levels in MEASURES:
        assert activities[number]["prevention_levels"] == list(levels), number


class SodertaljeCatalogTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = load_sodertalje()

    def test_programme_has_the_plans_name_period_and_organisation(self) -> None:
        programme = Programme.objects.get(slug=SLUG)
        self.assertEqual(programme.name, "Handlingsplan Fri från våld 2024–2027")
        self.assertEqual(programme.short_name, "Fri från våld 2024–2027")
        self.assertEqual(programme.organisation, "Södertälje kommun")
        self.assertEqual((programme.start_year, programme.end_year), (2024, 2027))
        self.assertEqual(
            (programme.goal_label, programme.activity_label), ("Fokusområde", "Åtgärd")
        )
        # The plan states no vision of its own: its purpose stands in for it.
        self.assertEqual(programme.vision, PURPOSE)

    def test_five_focus_areas_with_what_must_be_in_place(self) -> None:
        goals = list(self.programme.goals.order_by("number"))
        self.assertEqual([goal.number for goal in goals], [1, 2, 3, 4, 5])
        for goal, (title, prerequisites) in zip(goals, FOCUS_AREAS, strict=True):
            self.assertEqual(goal.title, title)
            self.assertEqual([p.text for p in goal.prerequisites.all()], prerequisites)

    def test_every_measure_with_its_number_text_boards_and_level(self) -> None:
        activities = list(
            Activity.objects.filter(goal__programme=self.programme)
            .order_by("goal__number", "position")
            .prefetch_related("responsibilities__board")
        )
        self.assertEqual([a.number for a in activities], [m[0] for m in MEASURES])
        for activity, (number, text, responsible, co, levels) in zip(
            activities, MEASURES, strict=True
        ):
            with self.subTest(measure=number):
                self.assertEqual(activity.goal.number, int(number.split(":")[0]))
                self.assertEqual(activity.text, text)
                self.assertEqual(activity.prevention_level, levels[0])
                self.assertEqual(activity.responsible_text, ", ".join(responsible))
                self.assertEqual(activity.note, NOTES.get(number, ""))
                roles = {(r.board.name, r.role) for r in activity.responsibilities.all()}
                expected = {(name, "ansvarig") for name in responsible}
                expected |= {(name, "medansvarig") for name in co}
                self.assertEqual(roles, expected)

    def test_the_plan_has_no_indicators_and_no_measure_1_7(self) -> None:
        self.assertFalse(Indicator.objects.filter(goal__programme=self.programme).exists())
        self.assertFalse(
            Activity.objects.filter(goal__programme=self.programme, number="1:7").exists()
        )

    def test_sodertaljes_boards_are_its_own(self) -> None:
        boards = Board.objects.filter(organisation="Södertälje kommun")
        self.assertEqual({b.name: b.kind for b in boards}, BOARDS)
        self.assertTrue(all(b.slug.startswith("sodertalje-") for b in boards))
        self.assertEqual(
            Board.objects.get(name=SN, organisation="Södertälje kommun").slug,
            "sodertalje-socialnamnden",
        )
        self.assertFalse(BoardGroup.objects.filter(organisation="Södertälje kommun").exists())

    def test_loading_twice_changes_nothing(self) -> None:
        history = _history_counts()
        _programme, summary = programme_load(data=fixture_data())
        self.assertEqual((summary.created, summary.updated, summary.deleted), (0, 0, 0))
        self.assertEqual(summary.unchanged, 170)  # with the cycle's two steps
        self.assertEqual(_history_counts(), history)

    def test_the_loader_ignores_the_text_the_format_has_no_place_for(self) -> None:
        data = fixture_data()
        kept = data.pop(NOT_LOADED_KEY)
        self.assertEqual(kept["purpose"][0], PURPOSE)
        self.assertEqual(kept["target_groups"], TARGET_GROUPS)
        self.assertTrue(kept["prevention_levels"][0].startswith("Preventiva insatser sker på"))
        self.assertEqual(len(kept["focus_area_introductions"]), 5)
        for goal in data["goals"]:
            for activity in goal["activities"]:
                del activity["prevention_levels"]
        _programme, summary = programme_load(data=data)
        self.assertEqual((summary.created, summary.updated, summary.deleted), (0, 0, 0))

    def test_the_api_shows_the_plan_with_responsible_and_co_responsible_boards(self) -> None:
        response = self.client.get(reverse("api-programme", args=[SLUG]))
        self.assertEqual(response.status_code, 200)
        goals = response.json()["goals"]
        self.assertEqual([g["title"] for g in goals], [title for title, _ in FOCUS_AREAS])
        shown = {
            a["number"]: (
                a["prevention_level"],
                {r["name"] for r in a["responsible"] if r["role"] == "ansvarig"},
                {r["name"] for r in a["responsible"] if r["role"] == "medansvarig"},
            )
            for goal in goals
            for a in goal["activities"]
        }
        expected = {m[0]: (m[4][0], set(m[2]), set(m[3])) for m in MEASURES}
        self.assertEqual(shown, expected)

    def test_the_public_page_shows_the_five_focus_areas(self) -> None:
        response = self.client.get(reverse("programme-detail", args=[SLUG]))
        self.assertEqual(response.status_code, 200)
        for title, _prerequisites in FOCUS_AREAS:
            self.assertContains(response, title)

    def test_each_focus_area_page_shows_its_measures_with_number_and_text(self) -> None:
        for area in range(1, 6):
            response = self.client.get(reverse("goal-detail", args=[SLUG, area]))
            self.assertEqual(response.status_code, 200)
            for number, text, *_rest in (m for m in MEASURES if m[0].startswith(f"{area}:")):
                self.assertContains(response, f'<span class="activity-number">{number}</span>')
                self.assertContains(response, text)


class BothProgrammesTests(TestCase):
    """Stockholm and Södertälje in one database: loading one leaves the other as it was."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.stockholm = stockholm()

    def test_loading_sodertalje_leaves_stockholm_untouched(self) -> None:
        before = _catalog_snapshot(self.stockholm)
        history = _stockholm_history(self.stockholm)
        sodertalje = load_sodertalje()
        self.assertEqual(_catalog_snapshot(self.stockholm), before)
        # Not a single history row for Stockholm's catalog: nothing of it was written.
        self.assertEqual(_stockholm_history(self.stockholm), history)
        self.assertEqual(Programme.objects.count(), 2)
        self.assertEqual(sodertalje.goals.count(), 5)
        stockholm_slugs = set(
            Board.objects.filter(organisation="Stockholms stad").values_list("slug", flat=True)
        )
        self.assertEqual(len(stockholm_slugs), 23)
        self.assertFalse(stockholm_slugs & _sodertalje_slugs())

    def test_loading_stockholm_again_after_sodertalje_changes_nothing(self) -> None:
        load_sodertalje()
        _programme, summary = programme_load(data=json.loads(_stockholm_fixture()))
        self.assertEqual((summary.created, summary.updated, summary.deleted), (0, 0, 0))


def _sodertalje_slugs() -> set[str]:
    return {board["slug"] for board in fixture_data()["boards"]}


def _stockholm_fixture() -> str:
    return (ROOT / "fixtures" / "stockholm-2021-2025.json").read_text(encoding="utf-8")


def _history_counts() -> dict[type, int]:
    return {model: model.history.count() for model in (Board, Goal, Prerequisite, Activity)}


def _stockholm_history(programme: Programme) -> dict[str, int]:
    goal_ids = list(programme.goals.values_list("pk", flat=True))
    return {
        "boards": Board.history.filter(organisation=programme.organisation).count(),
        "groups": BoardGroup.history.filter(organisation=programme.organisation).count(),
        "programme": Programme.history.filter(id=programme.pk).count(),
        "goals": Goal.history.filter(programme_id=programme.pk).count(),
        "prerequisites": Prerequisite.history.filter(goal_id__in=goal_ids).count(),
        "activities": Activity.history.filter(goal_id__in=goal_ids).count(),
        "indicators": Indicator.history.filter(goal_id__in=goal_ids).count(),
    }


def _catalog_snapshot(programme: Programme) -> dict[str, Any]:
    """Everything a reader of a programme's catalog sees, as plain values."""
    activities = Activity.objects.filter(goal__programme=programme).order_by("goal", "position")
    indicators = Indicator.objects.filter(goal__programme=programme).order_by("goal", "position")
    return {
        "programme": Programme.objects.filter(pk=programme.pk).values().get(),
        "goals": list(programme.goals.values("number", "title")),
        "prerequisites": list(
            Prerequisite.objects.filter(goal__programme=programme).values("goal__number", "text")
        ),
        "activities": [
            (a.pk, a.number, a.text, a.responsible_text, a.prevention_level, a.note, roles(a))
            for a in activities
        ],
        "indicators": [(i.pk, i.text, i.responsible_text, i.kind, roles(i)) for i in indicators],
        "boards": list(
            Board.objects.filter(organisation=programme.organisation).values("slug", "name", "kind")
        ),
        "groups": [
            (g.slug, g.name, sorted(g.boards.values_list("slug", flat=True)))
            for g in BoardGroup.objects.filter(organisation=programme.organisation)
        ],
    }


def roles(item: Activity | Indicator) -> list[tuple[str, str]]:
    return sorted(item.responsibilities.values_list("board__slug", "role"))

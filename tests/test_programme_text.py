"""Check the parsed Stockholm programme against the document, as a reader of it would.

The expectations below were written by reading the goal section of the programme text,
not by copying the parser's output.
"""

import json
import re
from pathlib import Path

import pytest

from catalog.programme_text import WORD_REPAIRS, catalog_json, parse_stockholm_programme

# The programme text is kept in the repository (a public document) so that the catalog can
# be rebuilt and checked anywhere; shared/seeds holds the original.
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "004_f3951f16b3a371fa.txt"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / SEED.name
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stockholm-2021-2025.json"

DISTRICT_SLUGS = [
    "bromma-stadsdelsnamnd",
    "enskede-arsta-vantors-stadsdelsnamnd",
    "farsta-stadsdelsnamnd",
    "hagersten-alvsjo-stadsdelsnamnd",
    "hasselby-vallingby-stadsdelsnamnd",
    "kungsholmens-stadsdelsnamnd",
    "norrmalms-stadsdelsnamnd",
    "rinkeby-kista-stadsdelsnamnd",
    "skarpnacks-stadsdelsnamnd",
    "skarholmens-stadsdelsnamnd",
    "spanga-tensta-stadsdelsnamnd",
    "sodermalms-stadsdelsnamnd",
    "ostermalms-stadsdelsnamnd",
]

GOAL_TITLES = [
    "Stadens verksamheter arbetar våldsförebyggande",
    "Våldsutövare har tillgång till återfallsförebyggande insatser utifrån sina behov",
    "Stadens verksamheter arbetar aktivt för att upptäcka våldsutsatta vuxna och barn "
    "samt våldsutövare",
    "Våldsutsatta vuxna och barn har tillgång till insatser utifrån sina behov",
    "Våldsutsatta vuxna och barn medverkar i brottsutredningar",
    "Stadens verksamheter arbetar med systematisk kunskapsutveckling",
    "Stadens verksamheter använder metoder och insatser som vilar på evidens och/eller "
    "på beprövad erfarenhet",
]

SIX_BOARDS = "Arbetsmarknadsnämnden, kulturnämnden, socialnämnden, stadsdelsnämnderna, " + (
    "utbildningsnämnden och äldrenämnden"
)
SIX_SLUGS = [
    "arbetsmarknadsnamnden",
    "kulturnamnden",
    "socialnamnden",
    "stadsdelsnamnderna",
    "utbildningsnamnden",
    "aldrenamnden",
]

# (goal, text, kind, responsible_text, responsible), in document order.
INDICATORS = [
    (
        1,
        "Andel individer av de flyktingar (enligt förordning 2010:1122) som kommunen tagit "
        "emot som har eller har haft samhällsorientering som aktivitet i kommunens regi.",
        "share",
        "Arbetsmarknadsnämnden",
        ["arbetsmarknadsnamnden"],
    ),
    (
        1,
        "Andel skolor i kommunal regi som bedriver ett systematiskt våldsförebyggande "
        "arbete för elever.",
        "share",
        "Utbildningsnämnden",
        ["utbildningsnamnden"],
    ),
    (
        2,
        "Andel familjer, där unga har lämnat familjen eller omhändertagits på grund av "
        "hedersrelaterat våld och förtryck inom familjen, som fått krisstöd.",
        "share",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
    (
        2,
        "Antal våldsutövare i en nära relation eller i en hederskontext som har kontakt med RVC.",
        "count",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
    (
        3,
        "Andel enheter, som möter barn, unga, vuxna och äldre, som använder rutinfrågor "
        "för att upptäcka våld.",
        "share",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
    (
        3,
        'Andel förskolor som fått och implementerat "Liten och trygg".',
        "share",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
    (
        4,
        "Andel nämnder som har en aktuell skriftlig och på ledningsnivå beslutad rutin för "
        "hur handläggare ska säkra skolgången för barn i skyddat boende.",
        "share",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
    (
        4,
        "Andel blivande och befintliga jour- och familjehem som genomgått utbildning",
        "share",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
    (
        5,
        "Andel personer av dem som polisanmält våldet och har kontakt med RVC som fått "
        "stöd under rättsprocessen.",
        "share",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
    (
        5,
        "Antal unga som får stöd och hjälp av Stödcentrum utifrån våld i nära relationer.",
        "count",
        "Socialnämnden",
        ["socialnamnden"],
    ),
    (
        6,
        "Andel enheter som har säkerställt att medarbetare har relevant kunskap om våld i "
        "nära relationer.",
        "share",
        SIX_BOARDS,
        SIX_SLUGS,
    ),
    (
        6,
        "Andel enheter som har säkerställt att medarbetare har relevant kunskap om "
        "hedersrelaterat våld och förtryck.",
        "share",
        SIX_BOARDS,
        SIX_SLUGS,
    ),
    (
        7,
        "RVT använder minst en standardiserad bedömningsmetod vid utredning av behovet av "
        "stöd och hjälp hos våldsutsatta vuxna.",
        "yes_no",
        "Stadsdelsnämnderna",
        ["stadsdelsnamnderna"],
    ),
]

CENTRUM_ROW = (
    "Centrum för samhällsorientering säkerställer att fortbildningen för "
    "samhällskommunikatörer innehåller kunskap om lagstiftning och samhällets stöd kring "
    "våld i nära relationer och hedersrelaterat våld och förtryck"
)
SIP_ROW = (
    "Arbeta för att öka förekomsten av samordnad individuell plan för personer som blivit "
    "utsatta för hedersvåld eller våld i nära relationer och som har behov av samordnat "
    "stöd från socialtjänst och hälso- och sjukvård"
)
RISK_ROW = "Genomföra strukturerade hot- och riskbedömningar i alla ärenden som rör våldsutsatthet"


@pytest.fixture(scope="module")
def document() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def catalog(document: str) -> dict:
    return parse_stockholm_programme(document)


def _goal(catalog: dict, number: int) -> dict:
    return next(goal for goal in catalog["goals"] if goal["number"] == number)


def _activity(catalog: dict, number: int, starts_with: str) -> dict:
    matches = [a for a in _goal(catalog, number)["activities"] if a["text"].startswith(starts_with)]
    assert len(matches) == 1, (number, starts_with, matches)
    return matches[0]


def _all_texts(catalog: dict) -> list[str]:
    """Every piece of the programme's wording that the catalog carries."""
    texts = [catalog["programme"]["name"], catalog["programme"]["vision"]]
    for goal in catalog["goals"]:
        texts.append(goal["title"])
        texts.extend(goal["prerequisites"])
        for item in goal["indicators"] + goal["activities"]:
            texts.extend([item["text"], item["responsible_text"]])
        texts.extend(a["note"] for a in goal["activities"] if a["note"])
    return texts


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _repaired_document(document: str) -> str:
    """The document with only the explicit damage repairs: markers, emphasis, split words."""
    text = _normalise(re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", " ", document).replace("*", ""))
    for damaged, repaired in WORD_REPAIRS:
        text = text.replace(damaged, repaired)
    return text


def test_programme(catalog: dict) -> None:
    assert catalog["programme"] == {
        "slug": "stockholm-2021-2025",
        "name": "Stockholms stads program mot våld i nära relationer, hedersrelaterat våld och "
        "förtryck, prostitution, människohandel för sexuella ändamål samt sexuellt våld "
        "oberoende relation 2021-2025",
        "short_name": "Program mot våld 2021\u20132025",
        "organisation": "Stockholms stad",
        "issuer": "Socialförvaltningen",
        "decision": "Godkänt av kommunfullmäktige i juni 2021",
        "reference": "KS 2020/924",
        "start_year": 2021,
        "end_year": 2025,
        "vision": "Stockholm är en stad fri från våld i nära relationer, hedersrelaterat våld "
        "och förtryck, prostitution, människohandel för sexuella ändamål samt sexuellt våld "
        "oberoende relation",
        "goal_label": "Mål",
        "activity_label": "Aktivitet",
        "source": "004_f3951f16b3a371fa.txt",
    }
    assert list(catalog) == ["programme", "boards", "board_groups", "goals"]


def test_vision_agrees_with_the_introduction(catalog: dict, document: str) -> None:
    assert f"vision är därför att *{catalog['programme']['vision']}*." in document


def test_boards_and_groups(catalog: dict) -> None:
    boards = catalog["boards"]
    assert len(boards) == 23
    assert [b["slug"] for b in boards[:7]] == [
        "arbetsmarknadsnamnden",
        "idrottsnamnden",
        "kulturnamnden",
        "socialnamnden",
        "utbildningsnamnden",
        "aldrenamnden",
        "kommunstyrelsen",
    ]
    assert [b["slug"] for b in boards[7:20]] == DISTRICT_SLUGS
    assert {b["kind"] for b in boards[7:20]} == {"stadsdelsnamnd"}
    assert boards[19] == {
        "slug": "ostermalms-stadsdelsnamnd",
        "name": "Östermalms stadsdelsnämnd",
        "kind": "stadsdelsnamnd",
    }
    assert boards[20:] == [
        {"slug": "ab-familjebostader", "name": "AB Familjebostäder", "kind": "bolag"},
        {"slug": "ab-stockholmshem", "name": "AB Stockholmshem", "kind": "bolag"},
        {"slug": "ab-svenska-bostader", "name": "AB Svenska Bostäder", "kind": "bolag"},
    ]
    assert catalog["board_groups"] == [
        {"slug": "stadsdelsnamnderna", "name": "stadsdelsnämnderna", "boards": DISTRICT_SLUGS},
        {
            "slug": "bostadsbolagen",
            "name": "bostadsbolagen",
            "boards": ["ab-familjebostader", "ab-stockholmshem", "ab-svenska-bostader"],
        },
    ]


def test_goal_titles(catalog: dict) -> None:
    assert [g["number"] for g in catalog["goals"]] == [1, 2, 3, 4, 5, 6, 7]
    assert [g["title"] for g in catalog["goals"]] == GOAL_TITLES


def test_prerequisites(catalog: dict) -> None:
    assert [len(g["prerequisites"]) for g in catalog["goals"]] == [3, 2, 2, 2, 1, 1, 1]
    assert _goal(catalog, 1)["prerequisites"][2] == (
        "Staden samverkar med civilsamhället kring det våldsförebyggande arbetet."
    )
    assert _goal(catalog, 2)["prerequisites"][0] == (
        "Stadens verksamheter har kunskap, metoder och arbetssätt för att erbjuda insatser "
        "till våldsutövare som överensstämmer med deras behov."
    )
    assert _goal(catalog, 4)["prerequisites"] == [
        "Medarbetare i staden har kunskap, metoder och arbetssätt för att erbjuda insatser "
        "till våldsutsatta barn, unga, vuxna och äldre som överensstämmer med deras behov.",
        "Staden samverkar med polis, åklagare, hälso- och sjukvården samt civilsamhället "
        "såväl på strategisk nivå som runt enskilda våldsutsatta.",
    ]
    assert _goal(catalog, 5)["prerequisites"] == [
        "Våldsutsatta barn, unga, vuxna och äldre har skydd och stöd under brottsutredning "
        "och rättsprocess utifrån sina behov."
    ]
    assert _goal(catalog, 7)["prerequisites"] == [
        "Staden arbetar utifrån bästa tillgängliga kunskap."
    ]


def test_indicators(catalog: dict) -> None:
    assert [len(g["indicators"]) for g in catalog["goals"]] == [2, 2, 2, 2, 2, 2, 1]
    parsed = [
        (
            goal["number"],
            indicator["text"],
            indicator["kind"],
            indicator["responsible_text"],
            indicator["responsible"],
        )
        for goal in catalog["goals"]
        for indicator in goal["indicators"]
    ]
    assert parsed == INDICATORS
    for goal in catalog["goals"]:
        assert all(indicator["co_responsible"] == [] for indicator in goal["indicators"])


def test_activity_counts(catalog: dict) -> None:
    counts = [len(g["activities"]) for g in catalog["goals"]]
    assert counts == [8, 10, 10, 10, 5, 7, 2]
    assert sum(counts) == 52


def test_activity_count_matches_table_rows_with_boards(catalog: dict, document: str) -> None:
    """Independently count table rows that name responsible boards in the goal section."""
    lines = document.splitlines()
    section = lines[lines.index("Mål kopplade till programmet") : lines.index("Samverkan")]
    rows = [
        line
        for line in section
        if "\t" in line
        and line.split("\t", 1)[1].strip()
        and not line.startswith(("Aktivitet\t", "---"))
    ]
    assert len(rows) == sum(len(g["activities"]) for g in catalog["goals"])


def test_activity_fields(catalog: dict) -> None:
    activity = _goal(catalog, 1)["activities"][0]
    assert activity == {
        "number": "",
        "text": "Implementera och sprida föräldraskapsstödsprogram i syfte att förebygga våld "
        "och konflikter inklusive hedersrelaterat våld och förtryck",
        "responsible_text": "Socialnämnden och stadsdelsnämnderna",
        "responsible": ["socialnamnden", "stadsdelsnamnderna"],
        "co_responsible": [],
        "prevention_level": "",
        "note": "",
    }
    for goal in catalog["goals"]:
        for activity in goal["activities"]:
            assert activity["number"] == ""
            assert activity["prevention_level"] == ""
            assert activity["co_responsible"] == []


def test_rows_broken_by_a_page_break_are_joined(catalog: dict) -> None:
    centrum = _activity(catalog, 1, "Centrum för samhällsorientering")
    assert centrum["text"] == CENTRUM_ROW
    assert centrum["responsible"] == ["arbetsmarknadsnamnden"]
    sip = _activity(catalog, 4, "Arbeta för att öka förekomsten")
    assert sip["text"] == SIP_ROW
    assert sip["responsible_text"] == "Socialnämnden, stadsdelsnämnderna och äldrenämnden"
    assert sip["responsible"] == ["socialnamnden", "stadsdelsnamnderna", "aldrenamnden"]
    all_activity_texts = [a["text"] for g in catalog["goals"] for a in g["activities"]]
    assert not any(
        text.startswith(("innehåller kunskap", "behov av")) for text in all_activity_texts
    )


def test_rows_after_a_blank_line_stay_separate(catalog: dict) -> None:
    goal2 = [a["text"] for a in _goal(catalog, 2)["activities"]]
    assert goal2[2:4] == [
        "Erbjuda vuxna och äldre som utövar våld i nära relationer och eller hedersrelaterat "
        "våld och förtryck samtalsstöd i syfte att sluta utöva våld",
        "Erbjuda vuxna och äldre som utövar våld i nära relationer och eller hedersrelaterat "
        "våld och förtryck tillfälligt boende i syfte att våldsutsatta ska kunna bo kvar hemma",
    ]
    assert _goal(catalog, 6)["activities"][-1]["text"] == (
        "Följa användandet av bedömningsinstrumentet iRisk inom barn- och ungdomsvården i staden"
    )


def test_same_activity_in_two_goals(catalog: dict) -> None:
    for number in (4, 7):
        activity = _activity(catalog, number, "Genomföra strukturerade hot- och riskbedömningar")
        assert activity["text"] == RISK_ROW
        assert activity["responsible"] == ["socialnamnden", "stadsdelsnamnderna"]


def test_footnote_becomes_a_note(catalog: dict) -> None:
    kast = _activity(catalog, 2, "KAST")
    assert kast["text"] == (
        "KAST erbjuder unga, vuxna och äldre som har köpt sex eller är i riskzonen samtalsstöd"
    )
    assert kast["note"] == "KAST - Köpare Av Sexuella Tjänster"
    assert _activity(catalog, 3, "KAST")["note"] == ""


def test_authors_wording_is_kept(catalog: dict) -> None:
    kampanj = _activity(catalog, 3, "Genomföra ”kampanj”")
    assert kampanj["text"].endswith("kring barn- och tvångsgiftemål samt könsstympning")
    assert _goal(catalog, 6)["activities"][0]["text"] == (
        "Yrkesverksamma inom förskola utbildar sig kring våld i nära relation, "
        "hedersrelaterat våld och förtryck samt könsstämpning"
    )
    assert _goal(catalog, 6)["activities"][2]["text"] == 'Sprida grundkursen "Webbkurs Heder"'


def test_split_words_are_repaired(catalog: dict) -> None:
    goal4 = _goal(catalog, 4)
    assert goal4["activities"][0]["text"] == (
        "Erbjuda insatser och stöd till våldsutsatta barn och unga på kort och lång sikt"
    )
    assert "arbetssätt" in goal4["prerequisites"][0]
    assert "överensstämmer" in goal4["prerequisites"][0]
    assert goal4["activities"][2]["text"] == RISK_ROW
    dump = json.dumps(catalog, ensure_ascii=False)
    for damaged, _ in WORD_REPAIRS:
        assert damaged not in dump


def test_repairs_only_join_words(document: str) -> None:
    """Each repair must fix damage that is really there, and only remove a space."""
    for damaged, repaired in WORD_REPAIRS:
        assert damaged in document
        assert repaired == damaged.replace(" ", "")


def test_no_debris_in_texts(catalog: dict) -> None:
    for text in _all_texts(catalog):
        assert text == _normalise(text)
        assert not re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]", text), text
        for debris in ("<", ">", "➤", "---", "*", "\t", "style="):
            assert debris not in text, (debris, text)


def test_responsible_groups_and_companies(catalog: dict) -> None:
    spread = _activity(catalog, 3, "Sprida lättillgänglig information på flera språk")
    assert spread["responsible_text"] == (
        "Arbetsmarknadsnämnden, idrottsnämnden, kulturnämnden, stadsdelsnämnderna, "
        "socialnämnden, utbildningsnämnden, äldrenämnden och bostadsbolagen"
    )
    assert spread["responsible"] == [
        "arbetsmarknadsnamnden",
        "idrottsnamnden",
        "kulturnamnden",
        "stadsdelsnamnderna",
        "socialnamnden",
        "utbildningsnamnden",
        "aldrenamnden",
        "bostadsbolagen",
    ]
    chefer = _activity(catalog, 3, "Utveckla stöd till chefer")
    assert chefer["responsible"] == ["kommunstyrelsen", "socialnamnden"]
    known = {b["slug"] for b in catalog["boards"]} | {g["slug"] for g in catalog["board_groups"]}
    for goal in catalog["goals"]:
        for item in goal["indicators"] + goal["activities"]:
            assert item["responsible"], item
            assert set(item["responsible"]) <= known


def test_unknown_board_is_refused(document: str) -> None:
    damaged = document.replace(
        "Hjälpa till att sprida rapporter och stödmaterial från civilsamhället\tSocialnämnden",
        "Hjälpa till att sprida rapporter och stödmaterial från civilsamhället\t"
        "Socialnämnden och trafiknämnden",
    )
    assert damaged != document
    with pytest.raises(ValueError, match="trafiknämnden"):
        parse_stockholm_programme(damaged)


def test_nothing_is_invented(catalog: dict, document: str) -> None:
    """Every text is in the (repaired) document; only the two page-broken rows are joined."""
    haystack = _repaired_document(document)
    joined = set()
    for text in _all_texts(catalog):
        if text in haystack:
            continue
        words = text.split(" ")
        splits = [
            (" ".join(words[:i]), " ".join(words[i:]))
            for i in range(1, len(words))
            if " ".join(words[:i]) in haystack and " ".join(words[i:]) in haystack
        ]
        assert splits, f"Finns inte i dokumentet: {text!r}"
        joined.add(text)
    assert joined == {CENTRUM_ROW, SIP_ROW}


def test_fixture_matches_the_parser(catalog: dict) -> None:
    assert FIXTURE.read_text(encoding="utf-8") == catalog_json(catalog)


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="no shared/seeds beside the checkout")
def test_repository_copy_of_the_programme_is_the_original() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()

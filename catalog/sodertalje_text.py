"""Read Södertälje's scanned action plan "Fri från våld" 2024–2027 into a catalog document.

The source is an OCR text of a laid-out PDF, so besides reading the plan's structure this
module repairs the kinds of damage the scan did, each in an explicit table a reviewer can check
against the text:

- letters: å/ä/ö read as other letters (`Atgard` → `Åtgärd`), in `WORD_REPAIRS` (one OCR word →
  the author's word) and `PHRASE_REPAIRS` (where the damage spans words);
- words split at line ends: joined by one rule (`_join_lines`), the hyphen kept only before
  "och"/"eller" ("Kultur- och fritidsnämnderna");
- the measure tables, whose columns (measure, responsible boards, co-responsible boards after
  "Medansvarig:", prevention level) the OCR interleaved: read by the layout rules in
  `_read_table`, and where the layout leaves a choice, by the decisions in the tables from
  `PAGE_HEADERS_READ_AS_MEASURES` to `OTHER_DECISIONS`, each with its line in the source, the
  OCR line and the reason (`sodertalje_decisions()` lists them all).

Everything else is kept as the plan has it. Text the catalog format has no place for (the
introduction's purpose, target groups, the prevention levels, each focus area's introduction)
goes under `NOT_LOADED_KEY`, which `catalog.services.programme_load` does not read.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from catalog.cycles import SODERTALJE_CYCLE

PROGRAMME_SOURCE = "003_aff136b640d4724a.txt"
ORGANISATION = "Södertälje kommun"
SLUG_PREFIX = "sodertalje-"
NOT_LOADED_KEY = "plan_text_not_in_catalog_format"

# The plan's own boards, companies and councils as its measure tables name them (name, kind).
# The plan names some boards only collectively ("Utbildningsnämnderna"); it never says which
# boards those are, so each such name is kept as one reporting unit rather than guessed apart.
# The two councils (råd) are advisory bodies, not boards; BoardKind has no kind for them, so
# they are listed as facknämnder (see OTHER_DECISIONS).
SODERTALJE_BOARDS: tuple[tuple[str, str], ...] = (
    ("Kommunstyrelsen", "kommunstyrelse"),
    ("Arbets- och näringslivsnämnden", "facknamnd"),
    ("Kultur- och fritidsnämnderna", "facknamnd"),
    ("Miljönämnden", "facknamnd"),
    ("Omsorgsnämnden", "facknamnd"),
    ("Samhällsbyggnadsnämnderna", "facknamnd"),
    ("Socialnämnden", "facknamnd"),
    ("Utbildningsnämnderna", "facknamnd"),
    ("Äldreomsorgsnämnden", "facknamnd"),
    ("Överförmyndarnämnden", "facknamnd"),
    ("Kommunala funktionshinderrådet", "facknamnd"),
    ("Kommunala pensionärsrådet", "facknamnd"),
    ("Telge AB", "bolag"),
    ("Telge Bostäder", "bolag"),
)

# OCR word → the author's word. A word is a run of non-blank characters without the
# punctuation around it; the OCR read å/ä/ö as a, d, é, &, @, 6 and others. Only the words of
# the parts this module reads are listed; any other word is kept as the scan has it.
WORD_REPAIRS: dict[str, str] = {
    "anvdander": "använder",
    "anvénder": "använder",
    "arbetssatt": "arbetssätt",
    "arbetssdtt": "arbetssätt",
    "arbetssdétt": "arbetssätt",
    "arbetssétt": "arbetssätt",
    "begrdnsningar": "begränsningar",
    "behodver": "behöver",
    "behéver": "behöver",
    "bekdmpa": "bekämpa",
    "bekédmpa": "bekämpa",
    "bekémpa": "bekämpa",
    "berdtta": "berätta",
    "Berdrd": "Berörd",
    "Berérd": "Berörd",
    "berérd": "berörd",
    "Berérda": "Berörda",
    "berérda": "berörda",
    "beteendeféréindrande": "beteendeförändrande",
    "blédning": "blödning",
    "Bost&der": "Bostäder",
    "Bostader": "Bostäder",
    "Bostdéder": "Bostäder",
    "brottsférebyggande": "brottsförebyggande",
    "brdk": "bråk",
    "brék": "bråk",
    "bdsta": "bästa",
    "béde": "både",
    "bor": "bör",
    "civilsamhdllet": "civilsamhället",
    "dar": "där",
    "ddr": "där",
    "dé": "då",
    "ersattning": "ersättning",
    "ersdttning": "ersättning",
    "fokusomrédena": "fokusområdena",
    "framfér": "framför",
    "framstdlls": "framställs",
    "fritidsnamn-": "fritidsnämn-",
    "fritidsnédmn-": "fritidsnämn-",
    "fritidsnamnderna": "fritidsnämnderna",
    "fritidsndmnderna": "fritidsnämnderna",
    "fritidsnédmnderna": "fritidsnämnderna",
    "fritidsverksambheter": "fritidsverksamheter",
    "framija": "främja",
    "frémja": "främja",
    "frdga": "fråga",
    "fréga": "fråga",
    "fran": "från",
    "frén": "från",
    "funktionshinderradet": "funktionshinderrådet",
    "funktionshinderrddet": "funktionshinderrådet",
    "funktionsnedsattning": "funktionsnedsättning",
    "funktionsnedsdttning": "funktionsnedsättning",
    "f&": "få",
    "f&r": "får",
    "Félja": "Följa",
    "félja": "följa",
    "For": "För",
    "for": "för",
    "féor": "för",
    "fér": "för",
    "férdjupa": "fördjupa",
    "férdjupad": "fördjupad",
    "férdjupade": "fördjupade",
    "férdjupningsutbildning": "fördjupningsutbildning",
    "forebygga": "förebygga",
    "férebygga": "förebygga",
    "férebyggande": "förebyggande",
    "férekommer": "förekommer",
    "férekomsten": "förekomsten",
    "féresld": "föreslå",
    "forhindra": "förhindra",
    "férkommer": "förkommer",
    "férmdga": "förmåga",
    "férskolan": "förskolan",
    "Férslag": "Förslag",
    "forstdelse": "förståelse",
    "forstéelse": "förståelse",
    "fortroendevalda": "förtroendevalda",
    "fortryck": "förtryck",
    "foértryck": "förtryck",
    "fértryck": "förtryck",
    "forutsattningar": "förutsättningar",
    "forutsattningarna": "förutsättningarna",
    "férvaltningens": "förvaltningens",
    "Foraldrar": "Föräldrar",
    "foréldraskapsprogram": "föräldraskapsprogram",
    "férdldrautbildningar": "föräldrautbildningar",
    "féradndra": "förändra",
    "férandra": "förändra",
    "Féréndringen": "Förändringen",
    "Genomfoéra": "Genomföra",
    "genomgd": "genomgå",
    "grundldggande": "grundläggande",
    "grundlédggande": "grundläggande",
    "gdllande": "gällande",
    "gdller": "gäller",
    "hjalp": "hjälp",
    "hjdlp-": "hjälp-",
    "halso-": "hälso-",
    "hdlso-": "hälso-",
    "hélso-": "hälso-",
    "hanvisa": "hänvisa",
    "hdr": "här",
    "hér": "här",
    "|": "I",
    "individnivé": "individnivå",
    "jamstallda": "jämställda",
    "jémstdallda": "jämställda",
    "jamstdlldhet": "jämställdhet",
    "Jamstdlldhetsmyndigheten": "Jämställdhetsmyndigheten",
    "Kartlégga": "Kartlägga",
    "klientnéra": "klientnära",
    "krisstod": "krisstöd",
    "kréivs": "krävs",
    "kunskapsomrddet": "kunskapsområdet",
    "kvalitetssdkrar": "kvalitetssäkrar",
    "kén": "kön",
    "kdnsnormer": "könsnormer",
    "kdnsstympning": "könsstympning",
    "képa": "köpa",
    "Kdpare": "Köpare",
    "kdper": "köper",
    "kopt": "köpt",
    "l&gesbild": "lägesbild",
    "Iampligt": "lämpligt",
    "Ldnsstyrelsens": "Länsstyrelsens",
    "Ldnsstyrelserna": "Länsstyrelserna",
    "ldroplanen": "läroplanen",
    "lattillganglig": "lättillgänglig",
    "l&ngsiktiga": "långsiktiga",
    "MiljdBnédmnden": "Miljönämnden",
    "Miljéndmnden": "Miljönämnden",
    "mdnniskohandel": "människohandel",
    "mdénniskohandel": "människohandel",
    "ménniskohandel": "människohandel",
    "mdéns": "mäns",
    "malgruppsanpassat": "målgruppsanpassat",
    "mdjligheterna": "möjligheterna",
    "mojligheterna": "möjligheterna",
    "méter": "möter",
    "nivder": "nivåer",
    "nivén": "nivån",
    "ndmnders": "nämnders",
    "ndr": "när",
    "nér": "när",
    "nara": "nära",
    "nd@ra": "nära",
    "ndra": "nära",
    "néra": "nära",
    "narings-": "närings-",
    "ndrings-": "närings-",
    "nérings-": "närings-",
    "naringslivsndmnden": "näringslivsnämnden",
    "ndringslivsndmnden": "näringslivsnämnden",
    "ndringslivsnédmnden": "näringslivsnämnden",
    "néringslivsndmnden": "näringslivsnämnden",
    "néringslivsnédmnden": "näringslivsnämnden",
    "ocksd": "också",
    "ocksé": "också",
    "Omsorgsnadmnden": "Omsorgsnämnden",
    "Omsorgsndmnden": "Omsorgsnämnden",
    "Omsorgsnédmnden": "Omsorgsnämnden",
    "pensionarsrédet": "pensionärsrådet",
    "pensiondrsrédet": "pensionärsrådet",
    "preventionsnivé": "preventionsnivå",
    "p&": "på",
    "pa": "på",
    "pd": "på",
    "pd&": "på",
    "pda": "på",
    "pé": "på",
    "pé&": "på",
    "Relationsvdldscenter": "Relationsvåldscenter",
    "Relationsvdldscenters": "Relationsvåldscenters",
    "riskbedédmningar": "riskbedömningar",
    "rattigheter": "rättigheter",
    "ror": "rör",
    "Samhdllsbyggnadsnédmnderna": "Samhällsbyggnadsnämnderna",
    "samtalsstéd": "samtalsstöd",
    "sjukvarden": "sjukvården",
    "sjukvérden": "sjukvården",
    "sjdlvskadebeteende": "självskadebeteende",
    "skolenkdterna": "skolenkäterna",
    "Socialndmnden": "Socialnämnden",
    "Socialnédmnden": "Socialnämnden",
    "socialtjanst": "socialtjänst",
    "socialtjgnst": "socialtjänst",
    "socialtjinsten": "socialtjänsten",
    "socialtjéinsten": "socialtjänsten",
    "socialtjéinstens": "socialtjänstens",
    "sprak": "språk",
    "sprék": "språk",
    "stérka": "stärka",
    "stdéd": "stöd",
    "stod": "stöd",
    "stéd": "stöd",
    "stdéd-": "stöd-",
    "stéd-": "stöd-",
    "stédet": "stödet",
    "stédinsatser": "stödinsatser",
    "stédja": "stödja",
    "stédmaterial": "stödmaterial",
    "stédverksamheter": "stödverksamheter",
    "storre": "större",
    "stétta": "stötta",
    "Sdakerstdlla": "Säkerställa",
    "Sdkerstdlla": "Säkerställa",
    "sarskild": "särskild",
    "sdrskilda": "särskilda",
    "sdrskilt": "särskilt",
    "sérskilt": "särskilt",
    "sé": "så",
    "sérbara": "sårbara",
    "sdrbarhet": "sårbarhet",
    "séisom": "såsom",
    "Sédertdlje": "Södertälje",
    "Sédertdljes": "Södertäljes",
    "soker": "söker",
    "tillfalligt": "tillfälligt",
    "tillgdnglig": "tillgänglig",
    "tillgéingliga": "tillgängliga",
    "tilldmpas": "tillämpas",
    "tilldimpbar": "tillämpbar",
    "tjanst": "tjänst",
    "tjdnster": "tjänster",
    "tjéinster": "tjänster",
    "tvéngsgifte": "tvångsgifte",
    "t&inkande": "tänkande",
    "uppfoéljning": "uppföljning",
    "uppféljning": "uppföljning",
    "upphéra": "upphöra",
    "uppmdarksamma": "uppmärksamma",
    "upprattas": "upprättas",
    "upprdttas": "upprättas",
    "uppstar": "uppstår",
    "upptdcka": "upptäcka",
    "upptéacka": "upptäcka",
    "upptécka": "upptäcka",
    "upptdackt": "upptäckt",
    "upptdéckt": "upptäckt",
    "Utbildningsndmnderna": "Utbildningsnämnderna",
    "Utbildningsnédmnderna": "Utbildningsnämnderna",
    "Utbildningsnémnderna": "Utbildningsnämnderna",
    "utifran": "utifrån",
    "utifrdn": "utifrån",
    "utifrén": "utifrån",
    "utstréickning": "utsträckning",
    "utsattas": "utsättas",
    "utsdattas": "utsättas",
    "utséttas": "utsättas",
    "utsdtter": "utsätter",
    "utsdtts": "utsätts",
    "utvérderar": "utvärderar",
    "utvérdering": "utvärdering",
    "Utdtriktad": "Utåtriktad",
    "vénda": "vända",
    "vald": "våld",
    "vdld": "våld",
    "véild": "våld",
    "véld": "våld",
    "valdet": "våldet",
    "véldet": "våldet",
    "valdsforebyggande": "våldsförebyggande",
    "valdsférebyggande": "våldsförebyggande",
    "véldsférebyggande": "våldsförebyggande",
    "véldsférebyggande-": "våldsförebyggande-",
    "véldshéndelser": "våldshändelser",
    "Valdsutsatta": "Våldsutsatta",
    "valdsutsatta": "våldsutsatta",
    "vdldsutsatta": "våldsutsatta",
    "véldsutsatta": "våldsutsatta",
    "valdsutsatthet": "våldsutsatthet",
    "véldsutsatthet": "våldsutsatthet",
    "véldsutsattheterna": "våldsutsattheterna",
    "valdsutévande": "våldsutövande",
    "Véldsutdvare": "Våldsutövare",
    "valdsutdvare": "våldsutövare",
    "valdsutodvare": "våldsutövare",
    "valdsutoévare": "våldsutövare",
    "valdsutévare": "våldsutövare",
    "vdldsutévare": "våldsutövare",
    "véldsutovare": "våldsutövare",
    "véldsutévare": "våldsutövare",
    "valdsutévaren": "våldsutövaren",
    "égt": "ägt",
    "dldre": "äldre",
    "Aldreomsorgsnédmn-": "Äldreomsorgsnämn-",
    "Aldreomsorgsnadmnden": "Äldreomsorgsnämnden",
    "Aldreomsorgsndmnden": "Äldreomsorgsnämnden",
    "Aldreomsorgsnédmnden": "Äldreomsorgsnämnden",
    "andamdl": "ändamål",
    "dndamadl": "ändamål",
    "dndamdi": "ändamål",
    "dndamdl": "ändamål",
    "&r": "är",
    "ar": "är",
    "dr": "är",
    "ér": "är",
    "drenden": "ärenden",
    "dven": "även",
    "édven": "även",
    "aterfall": "återfall",
    "Aterfallsférebyggande": "Återfallsförebyggande",
    "aterfallsforebyggande": "återfallsförebyggande",
    "éterfallsférebyggande": "återfallsförebyggande",
    "dtgarder": "åtgärder",
    "Atgarderna": "Åtgärderna",
    "6ka": "öka",
    "6kad": "ökad",
    "6ver": "över",
    "éverensstémmer": "överensstämmer",
    "Overféormyndarndmnden": "Överförmyndarnämnden",
    "Overférmyndarnédmnden": "Överförmyndarnämnden",
}

# Damage spanning words, applied to the joined text before WORD_REPAIRS.
PHRASE_REPAIRS: tuple[tuple[str, str], ...] = (
    # The dash read for the hyphen of "kultur- och fritidsverksamheter" (as in 1:2).
    ("kultur — och", "kultur- och"),
    # A space lost after a comma and after a day's number.
    ("Barn,unga", "Barn, unga"),
    ("1juli", "1 juli"),
    # The course 5:3 names "Webbkurs heder"; the OCR ran the two words together in 5:8.
    ("webbkursheder", "webbkurs heder"),
)

# Level words as printed. The plan's own description of the levels calls the third one
# "Indikerad prevention"; two tables print it "Indikativ" (see OTHER_DECISIONS).
LEVEL_WORDS: dict[str, str] = {
    "Universell": "universell",
    "Selektiv": "selektiv",
    "Indikerad": "indikerad",
    "Indikativ": "indikerad",
}

# Where the OCR's layout leaves a choice, the decision is taken here, each with the source
# line it concerns (1-based), the OCR line as it reads there, and the reason. The code that
# applies a decision checks that the line still reads so, so a change of the source cannot
# silently move a decision onto another line.

# Lines at the top of a table page where the other pages print the column header "Åtgärd":
# each repeats the number of the page's first measure elsewhere in the focus area and carries
# no text, boards or level of its own, so it is the header misread, not a measure.
PAGE_HEADERS_READ_AS_MEASURES: dict[int, tuple[str, str]] = {
    843: (" Atgard 4:1", "sidhuvud på sidan med 4:5–4:7; 4:1 står redan på rad 796"),
    973: (" Atgard 5:1", "sidhuvud på sidan med 5:4–5:7; 5:1 står redan på rad 897"),
    1045: (" Atgard 5:1", "sidhuvud på sidan med 5:8–5:9; 5:1 står redan på rad 897"),
}

# Measure numbers the OCR misread: line -> (OCR line, number, reason).
MEASURE_NUMBER_REPAIRS: dict[int, tuple[str, str, str]] = {
    386: ("Atgard 111", "1:1", "kolonet läst som 1; första åtgärden i fokusområde 1, före 1:2"),
}

# Numbers the plan skips: number -> (line of the next measure, OCR line, reason).
NUMBERING_GAPS: dict[str, tuple[int, str, str]] = {
    "1:7": (
        459,
        "Atgérd1:8",
        "sidan har fyra åtgärder (1:5, 1:6, 1:8, 1:9), fyra block av nämnder och fyra "
        "nivåer: inget saknas, planens numrering hoppar över 1:7",
    ),
}

# Pages whose board column the OCR put after all the page's measures, with nothing in the
# column itself marking where one measure's boards end and the next one's begin: measure ->
# (line of its first board, OCR line, reason). (Where a board line carries the level, that
# line starts the block and needs no decision.)
BOARD_BLOCK_STARTS: dict[str, tuple[int, str, str]] = {
    "1:5": (490, "« Socialndmnden", "första nämnden i kolumnen"),
    "1:6": (
        492,
        "+ Kommunstyrelsen",
        "fyra åtgärder, fyra ansvariga som inleder var sitt block; Kommunstyrelsen som "
        "ansvarig för kampanjveckan med Medansvarig-listan under sig",
    ),
    "1:8": (
        510,
        "+ Kommunstyrelsen",
        "nytt block efter 1:6:s medansvariga (Arbets- och näringslivsnämnden avslutar "
        "1:6:s lista); styrgruppen är kontorsövergripande, Kommunstyrelsen ansvarig",
    ),
    "1:9": (
        541,
        "« Socialnédmnden",
        "Socialnämnden står redan bland 1:8:s medansvariga (rad 514), så här börjar 1:9: "
        "ansvarig Socialnämnden, medansvarig Kommunstyrelsen",
    ),
    "3:1": (700, "« Socialndmnden", "första nämnden i kolumnen"),
    "3:2": (
        716,
        "+ Utbildningsndmnderna",
        "Utbildningsnämnderna står redan bland 3:1:s medansvariga (rad 704), så här börjar "
        "3:2; Socialnämnden på raden direkt under (utan tomrad) hör till samma cell: "
        "stödmaterial till förskolan och socialtjänstens verksamheter, två ansvariga",
    ),
    "3:3": (
        719,
        "+ Utbildningsndmnderna",
        "tredje blocket, efter en tomrad: barnets rättigheter i skolan",
    ),
    "5:4": (1013, "+ Kommunstyrelsen", "första nämnden i kolumnen"),
    "5:5": (
        1020,
        "+ Kommunstyrelsen",
        "Kommunstyrelsen står redan som ansvarig för 5:4, så här börjar 5:5 (tre rader "
        "utan tomrad emellan: en cell)",
    ),
    "5:6": (
        1024,
        "» Socialndmnden",
        "Socialnämnden står redan i 5:5:s cell; blocket med fem nämnder som i 5:1 och 5:3 "
        "(utbildning av berörd personal)",
    ),
    "5:7": (1036, "« Socialnédmnden", "sista blocket: Relationsvåldscenter hör till Socialnämnden"),
}

# A focus area's title is the lines after its heading up to the first blank line, except where
# the OCR put a blank line inside the title: line -> (OCR line, reason).
TITLE_CONTINUATIONS: dict[int, tuple[str, str]] = {
    643: (
        "valdsutsatthet",
        "rubriken ”Kommunen arbetar aktivt för att upptäcka” fortsätter; översikten "
        "(rad 340) har ”… upptäcka våldsutsatthet”",
    ),
}

# Other choices, listed for the reviewer; each is applied by the rule named.
OTHER_DECISIONS: tuple[tuple[int, str, str], ...] = (
    (
        782,
        "Valdsutsatta vuxna och barn erbjuds insatser",
        "fokusområde 4 heter i översikten (rad 342) ”… har tillgång till insatser utifrån "
        "sina behov”, i sin egen rubrik ”… erbjuds insatser utifrån sina specifika behov”: "
        "rubriken över åtgärderna gäller (som för de andra fyra)",
    ),
    (
        575,
        "Sprida information pd& » Socialndmnden Indikerad Selektiv",
        "två nivåer på en åtgärd (även 2:2 rad 586, 3:1 rad 721, 3:4 rad 777/779): "
        "prevention_level får den först tryckta, prevention_levels (läses inte av "
        "inläsningen) har båda",
    ),
    (
        721,
        "Indikativ Selektiv",
        "”Indikativ” (även rad 777) är nivån planen kallar ”Indikerad prevention”: indikerad",
    ),
    (
        777,
        "Indikativ",
        "3:4 är ensam på sidan: båda nivåraderna (777, 779) hör till den",
    ),
    (
        704,
        "» Utbildningsnédmnderna",
        "planen nämner Utbildningsnämnderna, Kultur- och fritidsnämnderna och "
        "Samhällsbyggnadsnämnderna bara samlat och säger inte vilka nämnder de är: var och "
        "en blir en rapporterande enhet med planens namn, inte en gissad grupp",
    ),
    (
        535,
        "« Kommunala pensio-",
        "Kommunala pensionärsrådet och funktionshinderrådet är råd, inte nämnder; BoardKind "
        "har ingen typ för råd, de listas som facknämnder",
    ),
    (
        425,
        "Exempelvis: Safe Dates",
        "en åtgärds cell är dess mening (till första raden som slutar med punkt) och därefter "
        "exempel (”Exempelvis …”, ”KAST …”, ”Förslag på kurser …”): exemplen blir `note`",
    ),
    (
        295,
        "Handlingsplan Fri frén vald | Att forsté utsattheterna",
        "skanningen har ingen titelsida; sidhuvudet ger namnet ”Handlingsplan Fri från våld”, "
        "giltighetstiden (rad 362–363) åren 2024–2027",
    ),
    (
        56,
        "Handlingsplanen ska fungera som ett stéd for férvaltningens strukturerade",
        "planen anger ingen egen vision (rad 330 citerar länsstrategins vision för Stockholms "
        "län); som vision står planens syfte, dess första mening under ”Syfte”",
    ),
)

_BULLETS = "+«»•"
_INNER_BULLET_RE = re.compile(r"\s[+«»•]\s")
_BLOCK_START_LINES = {line: number for number, (line, _ocr, _why) in BOARD_BLOCK_STARTS.items()}
# The plan's footnote markers (the scan has no footnotes) read as ”, ’ or ® after a full stop.
_FOOTNOTE_MARKER_RE = re.compile(r"\.[”’®]+")
_LEVEL_WORDS_RE = re.compile(r"(?:\s+|^)(Universell|Selektiv|Indikerad|Indikativ)$")
_HEADING_RE = re.compile(r"^\s*Fokusomr\S*\s+([I1-5]):$")
_PREREQUISITES_RE = re.compile(r"^For att uppnd fokusom\S+ beh\S+ f\S+ vara pd plats:$")
_TABLE_HEADER_RE = re.compile(r"^\s*Atg\S* ?rd$")
_MEASURE_RE = re.compile(r"^\s*Atg\S*?\s*(\d):(\d+)$")
_CO_RESPONSIBLE = "Medansvarig:"
_TARGET_GROUPS_END = "Ansvar, genomférande och uppféljning"
_VALIDITY_RE = re.compile(r"giltighetstid,\s*(\d{4})-(\d{4})\.")
_NAME_HEADER_RE = re.compile(r"^(Handlingsplan Fri \S+ \S+) \|")
_TRAILING_PUNCTUATION = '.,:;)”’"®'
_LEADING_PUNCTUATION = '(”’"'


@dataclass
class _BoardEntry:
    """A line of the board column: a board (its OCR name, possibly cut at a line end, and the
    levels printed on its line), or the "Medansvarig:" line that starts the co-responsible."""

    line: int
    raw: str = ""
    levels: list[str] = field(default_factory=list)
    marks_co_responsible: bool = False


@dataclass
class _Measure:
    line: int
    number: str
    text_lines: list[str] = field(default_factory=list)
    boards: list[_BoardEntry] = field(default_factory=list)


@dataclass
class _Segment:
    """One table page: its measures, and the board and level columns as the OCR gave them."""

    measures: list[_Measure] = field(default_factory=list)
    column: list[_BoardEntry] = field(default_factory=list)
    level_lines: list[list[str]] = field(default_factory=list)
    rows: bool = False  # some line holds both a measure's text and its board: row layout


def parse_sodertalje_plan(text: str, source: str = PROGRAMME_SOURCE) -> dict[str, Any]:
    """Return the programme, its boards and its focus areas as plain, JSON-ready data."""
    lines = text.splitlines()
    known = {name: SLUG_PREFIX + slugify(name) for name, _kind in SODERTALJE_BOARDS}
    headings = [i for i, line in enumerate(lines) if _HEADING_RE.match(line)]
    if len(headings) != 5:
        raise ValueError(f"Väntade fem fokusområden, hittade {len(headings)}")
    goals, introductions = [], {}
    bounds = zip(headings, [*headings[1:], len(lines)], strict=True)
    for number, (start, end) in enumerate(bounds, start=1):
        printed = _HEADING_RE.match(lines[start]).group(1)  # type: ignore[union-attr]
        if printed.replace("I", "1") != str(number):  # the OCR read 1 as I
            raise ValueError(f"Fokusområde {printed} på plats {number}")
        goal, introduction = _focus_area(lines, number, start, end, known)
        goals.append(goal)
        introductions[str(number)] = introduction
    numbers = {activity["number"] for goal in goals for activity in goal["activities"]}
    if not set(BOARD_BLOCK_STARTS) <= numbers:
        raise ValueError(f"Beslut om åtgärder som inte finns: {set(BOARD_BLOCK_STARTS) - numbers}")
    return {
        "programme": _programme(lines, source),
        "boards": [
            {"slug": known[name], "name": name, "kind": kind} for name, kind in SODERTALJE_BOARDS
        ],
        "board_groups": [],
        # "följa upp de delar som rör deras verksamheter i delårsbokslut och årsberättelser"
        "cycle": SODERTALJE_CYCLE,
        "goals": goals,
        NOT_LOADED_KEY: {
            "about": (
                "Planens text som katalogformatet saknar plats för; läses inte in "
                "(catalog.services.programme_load läser bara programme, boards, "
                "board_groups, cycle och goals)."
            ),
            "purpose": _paragraphs(lines, "Syfte", "Malgrupper"),
            "target_groups": _bullets(_section(lines, "Malgrupper", _TARGET_GROUPS_END)),
            "prevention_levels": _paragraphs(lines, " Preventionsnivder", "Samverkan"),
            "focus_area_introductions": introductions,
        },
    }


def _programme(lines: list[str], source: str) -> dict[str, Any]:
    joined = " ".join(lines)
    validity = _VALIDITY_RE.search(joined)
    header = next((m for m in map(_NAME_HEADER_RE.match, lines) if m), None)
    if validity is None or header is None:
        raise ValueError("Hittar inte planens namn (sidhuvudet) eller giltighetstid")
    start_year, end_year = int(validity.group(1)), int(validity.group(2))
    return {
        "slug": f"sodertalje-fri-fran-vald-{start_year}-{end_year}",
        "name": f"{_clean(header.group(1))} {start_year}\u2013{end_year}",
        "short_name": f"Fri från våld {start_year}\u2013{end_year}",
        "organisation": ORGANISATION,
        # "Kommunstyrelsens kontor (Ksk) samordnar uppföljningen." The scan names no decision
        # or diarienummer, so the documents name none.
        "issuer": "Kommunstyrelsens kontor",
        "start_year": start_year,
        "end_year": end_year,
        "vision": _paragraphs(lines, "Syfte", "Malgrupper")[0],
        "goal_label": "Fokusområde",
        "activity_label": "Åtgärd",
        # Decided from "Ansvar, genomförande och uppföljning": the boards "har utifrån sitt
        # uppdrag ansvar för att verkställa åtgärderna enskilt och i samverkan med varandra och
        # följa upp de delar som rör deras verksamheter": a medansvarig board carries out its
        # part of the measure too, so it follows it up in its own report.
        "co_responsible_reports": True,
        "source": source,
    }


def _section(lines: list[str], start: str, end: str) -> list[str]:
    first = lines.index(start) + 1
    return lines[first : lines.index(end, first)]


def _paragraphs(lines: list[str], start: str, end: str) -> list[str]:
    """The paragraphs between two headings. The OCR put blank lines inside paragraphs too, so a
    blank line ends a paragraph only after a line that ends a sentence."""
    paragraphs: list[list[str]] = [[]]
    for line in _section(lines, start, end):
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1] and paragraphs[-1][-1].rstrip().endswith((".", ":", "”", "’", "®")):
            paragraphs.append([])
    return [_clean(_join_lines(p)) for p in paragraphs if p]


def _bullets(lines: list[str]) -> list[str]:
    """List items: a line starting with a bullet (the OCR read them as +, « or ») starts one."""
    items: list[list[str]] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[0] in _BULLETS:
            items.append([stripped[1:]])
        elif items:
            items[-1].append(stripped)
        else:
            raise ValueError(f"Text före första punkten: {line!r}")
    return [_clean(_join_lines(item)) for item in items]


def _focus_area(
    lines: list[str], number: int, start: int, end: int, known: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """A focus area from its heading to the next one: title, introduction, what must be in
    place (the bullets after "För att uppnå fokusområdet behöver följande vara på plats:")
    and its measure table."""
    title, i = _title(lines, start + 1)
    prerequisites_at = next(j for j in range(i, end) if _PREREQUISITES_RE.match(lines[j]))
    table_at = next(
        j
        for j in range(prerequisites_at, end)
        if _TABLE_HEADER_RE.match(lines[j]) or _MEASURE_RE.match(lines[j])
    )
    goal = {
        "number": number,
        "title": title,
        "prerequisites": _bullets(lines[prerequisites_at + 1 : table_at]),
        "indicators": [],  # the plan has no indicators
        "activities": [_activity(m, known) for m in _read_table(lines, table_at, end, known)],
    }
    return goal, _clean(_join_lines(lines[i:prerequisites_at]))


def _title(lines: list[str], i: int) -> tuple[str, int]:
    """The title: the lines up to the first blank line (or a listed continuation after it);
    returns it and the index of the line after it."""
    while not lines[i].strip():
        i += 1
    title = []
    while True:
        while lines[i].strip():
            title.append(lines[i])
            i += 1
        following = next(j for j in range(i, len(lines)) if lines[j].strip())
        if following + 1 not in TITLE_CONTINUATIONS:
            return _clean(_join_lines(title)), i
        _check_line(lines, following + 1, TITLE_CONTINUATIONS[following + 1][0])
        i = following


def _check_line(lines: list[str], number: int, expected: str) -> None:
    """A decision names a source line; refuse to apply it if the line no longer reads so."""
    if lines[number - 1] != expected:
        raise ValueError(f"Rad {number} läser {lines[number - 1]!r}, inte {expected!r}")


def _read_table(lines: list[str], start: int, end: int, known: dict[str, str]) -> list[_Measure]:
    """Read a focus area's measure table, page by page, into its measures in printed order."""
    segments: list[_Segment] = [_Segment()]
    pending: _BoardEntry | None = None  # a board name cut at a line end, waiting for its rest
    for index in range(start, end):
        number, line = index + 1, lines[index]
        if not line.strip():
            if segments[-1].measures:  # blank lines separate the items of a measure's note
                segments[-1].measures[-1].text_lines.append("")
            continue
        if number in PAGE_HEADERS_READ_AS_MEASURES or _TABLE_HEADER_RE.match(line):
            if number in PAGE_HEADERS_READ_AS_MEASURES:
                _check_line(lines, number, PAGE_HEADERS_READ_AS_MEASURES[number][0])
            if segments[-1].measures:
                segments.append(_Segment())
            continue
        segment = segments[-1]
        measure_number = _measure_number(lines, number)
        if measure_number:
            segment.measures.append(_Measure(number, measure_number))
            continue
        if not segment.measures:
            raise ValueError(f"Rad {number} före första åtgärden: {line!r}")
        if line.strip() == _CO_RESPONSIBLE:
            segment.column.append(_BoardEntry(number, marks_co_responsible=True))
            continue
        text, board, rest_of_pending, levels = _split_row(line, pending, known)
        if rest_of_pending and pending is not None:
            pending.raw = _join_lines([pending.raw, rest_of_pending])
            pending = None
        if board:
            entry = _BoardEntry(number, board, levels)
            segment.column.append(entry)
            pending = None if _clean(board) in known else entry
        elif levels and not text and not rest_of_pending:
            segment.level_lines.append(levels)
        elif levels:
            raise ValueError(f"Nivå utan nämnd på rad {number}: {line!r}")
        if text:
            segment.measures[-1].text_lines.append(text)
            segment.rows = segment.rows or bool(board or rest_of_pending)
    if pending is not None:
        raise ValueError(f"Nämndnamnet på rad {pending.line} fortsätter aldrig: {pending.raw!r}")
    measures = [measure for segment in segments for measure in _assemble(segment, lines)]
    _check_numbering(measures, lines)
    for measure in measures:
        decided = BOARD_BLOCK_STARTS.get(measure.number)
        if decided and measure.boards[0].line != decided[0]:
            raise ValueError(f"Åtgärd {measure.number}: nämnderna börjar inte på rad {decided[0]}")
    return measures


def _measure_number(lines: list[str], number: int) -> str:
    """The measure number a line starts, or "" if it starts none."""
    if number in MEASURE_NUMBER_REPAIRS:
        ocr, repaired, _reason = MEASURE_NUMBER_REPAIRS[number]
        _check_line(lines, number, ocr)
        return repaired
    match = _MEASURE_RE.match(lines[number - 1])
    return f"{match.group(1)}:{match.group(2)}" if match else ""


def _split_row(
    line: str, pending: _BoardEntry | None, known: dict[str, str]
) -> tuple[str, str, str, list[str]]:
    """Split a table line into the measure text, a board, the rest of a board name cut at the
    previous line's end, and the levels printed at its end; any of them may be empty.

    The columns' order on a line is measure, board, level; a board starts at a bullet (read as
    +, « or »), or is a line that is a board's name (or the start of one) on its own.
    """
    rest = line.strip()
    levels: list[str] = []
    while match := _LEVEL_WORDS_RE.search(rest):
        levels.insert(0, match.group(1))
        rest = rest[: match.start()].strip()
    if pending is not None and rest:
        before, _, last = rest.rpartition(" ")
        if _clean(_join_lines([pending.raw, last])) in known:
            return before, "", last, levels
    if rest and rest[0] in _BULLETS:
        return "", rest[1:].strip(), "", levels
    bullet = _INNER_BULLET_RE.search(rest)
    if bullet:
        return rest[: bullet.start()], rest[bullet.end() :], "", levels
    if _is_board_start(rest, known):
        return "", rest, "", levels
    return rest, "", "", levels


def _is_board_start(text: str, known: dict[str, str]) -> bool:
    name = _clean(text)
    if name in known:
        return True
    return name.endswith("-") and any(board.startswith(name[:-1]) for board in known)


def _assemble(segment: _Segment, lines: list[str]) -> list[_Measure]:
    """Give each measure of a page its boards and levels.

    In row layout (or with one measure) a board belongs to the measure printed above it. In
    column layout the page's boards come after all its measures, one block per measure in
    order; a block starts at a board line that carries the level, or at a line listed in
    BOARD_BLOCK_STARTS. Levels on lines of their own go to the page's measures in order.
    """
    measures = segment.measures
    if segment.rows or len(measures) == 1:
        for entry in segment.column:
            owner = [m for m in measures if m.line < entry.line][-1]
            owner.boards.append(entry)
    else:
        starts = [
            i
            for i, entry in enumerate(segment.column)
            if i == 0 or entry.levels or entry.line in _BLOCK_START_LINES
        ]
        if len(starts) != len(measures):
            raise ValueError(
                f"{len(measures)} åtgärder men {len(starts)} block av nämnder "
                f"från rad {measures[0].line}"
            )
        for measure, first, following in zip(measures, starts, [*starts[1:], None], strict=True):
            first_entry = segment.column[first]
            if first_entry.line in _BLOCK_START_LINES:
                decided = _BLOCK_START_LINES[first_entry.line]
                if decided != measure.number:
                    raise ValueError(
                        f"Rad {first_entry.line} inleder {decided}, inte {measure.number}"
                    )
                _check_line(lines, first_entry.line, BOARD_BLOCK_STARTS[decided][1])
            measure.boards = segment.column[first:following]
    without_level = [m for m in measures if not _levels(m)]
    if segment.level_lines:
        if len(without_level) == 1:
            without_level[0].boards[0].levels = [w for ls in segment.level_lines for w in ls]
        elif len(without_level) == len(segment.level_lines):
            for measure, levels in zip(without_level, segment.level_lines, strict=True):
                measure.boards[0].levels = levels
        else:
            raise ValueError(
                f"{len(segment.level_lines)} nivårader för {len(without_level)} åtgärder "
                f"från rad {measures[0].line}"
            )
    return measures


def _levels(measure: _Measure) -> list[str]:
    return [level for entry in measure.boards for level in entry.levels]


def _check_numbering(measures: list[_Measure], lines: list[str]) -> None:
    """Numbers run 1, 2, 3 … within a focus area, skipping only the listed gaps."""
    expected = 1
    for measure in measures:
        area, _, position = measure.number.partition(":")
        gap = f"{area}:{expected}"
        if int(position) != expected and gap in NUMBERING_GAPS:
            next_line, ocr, _reason = NUMBERING_GAPS[gap]
            _check_line(lines, next_line, ocr)
            expected += 1
        if int(position) != expected:
            raise ValueError(f"Åtgärd {measure.number} på rad {measure.line}, väntade {gap}")
        expected += 1


def _activity(measure: _Measure, known: dict[str, str]) -> dict[str, Any]:
    """The catalog's activity for a measure: its sentence as text, examples after it as note."""
    ends = [i for i, line in enumerate(measure.text_lines) if line.rstrip().endswith(".")]
    if not ends:
        raise ValueError(f"Åtgärd {measure.number} har ingen mening som slutar med punkt")
    text = _clean(_join_lines(measure.text_lines[: ends[0] + 1]))
    examples = _note_items(measure.text_lines[ends[0] + 1 :])
    note = "\n".join(_clean(_join_lines(item)) for item in examples)
    responsible: list[str] = []
    co_responsible: list[str] = []
    co = False
    for entry in measure.boards:
        if entry.marks_co_responsible:
            co = True
            continue
        name = _clean(entry.raw)
        if name not in known:
            raise ValueError(f"Okänd nämnd {name!r} (rad {entry.line}) i åtgärd {measure.number}")
        (co_responsible if co else responsible).append(name)
    levels = list(dict.fromkeys(LEVEL_WORDS[word] for word in _levels(measure)))
    if not responsible or not levels:
        raise ValueError(f"Åtgärd {measure.number} saknar ansvarig nämnd eller nivå")
    return {
        "number": measure.number,
        "text": text,
        "responsible_text": ", ".join(responsible),
        "responsible": [known[name] for name in responsible],
        "co_responsible": [known[name] for name in co_responsible],
        "prevention_level": levels[0],
        "prevention_levels": levels,
        "note": note,
    }


def _note_items(lines: list[str]) -> list[list[str]]:
    """Split a measure's examples into the items the plan prints on lines of their own (the
    courses of 5:8): an item starts with a capital letter after a blank line. The OCR also put
    blank lines inside items, but there the next line goes on in lower case."""
    items: list[list[str]] = []
    blank = True
    for line in lines:
        if not line.strip():
            blank = True
            continue
        if not items or (blank and line.strip()[0].isupper()):
            items.append([])
        items[-1].append(line)
        blank = False
    return items


def _join_lines(lines: list[str]) -> str:
    """Join lines, mending words split at a line end: the hyphen goes, except before "och" or
    "eller", where it is the plan's own ("Kultur- och fritidsnämnderna")."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text.endswith("-") and not text.endswith(" -"):
            first_word = line.split(" ", 1)[0]
            text = f"{text} {line}" if first_word in ("och", "eller") else text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _clean(text: str) -> str:
    """Repair the OCR's letters, word by word, and normalise whitespace."""
    text = _FOOTNOTE_MARKER_RE.sub(".", " ".join(text.split()))
    for damaged, repaired in PHRASE_REPAIRS:
        text = text.replace(damaged, repaired)
    return " ".join(_repair_word(word) for word in text.split())


def _repair_word(word: str) -> str:
    core = word.lstrip(_LEADING_PUNCTUATION)
    leading = word[: len(word) - len(core)]
    stripped = core.rstrip(_TRAILING_PUNCTUATION)
    trailing = core[len(stripped) :]
    return leading + WORD_REPAIRS.get(stripped, stripped) + trailing


def sodertalje_decisions() -> list[tuple[int, str, str]]:
    """Every layout decision, by source line: for review and for the report."""
    headers = PAGE_HEADERS_READ_AS_MEASURES.items()
    decisions = [(line, ocr, why) for line, (ocr, why) in headers]
    repairs = MEASURE_NUMBER_REPAIRS.items()
    decisions += [(line, ocr, f"{num}: {why}") for line, (ocr, num, why) in repairs]
    gaps = NUMBERING_GAPS.items()
    decisions += [(line, ocr, f"{num} saknas: {why}") for num, (line, ocr, why) in gaps]
    blocks = BOARD_BLOCK_STARTS.items()
    decisions += [(line, ocr, f"{num}: {why}") for num, (line, ocr, why) in blocks]
    decisions += [(line, ocr, why) for line, (ocr, why) in TITLE_CONTINUATIONS.items()]
    decisions += list(OTHER_DECISIONS)
    return sorted(decisions)

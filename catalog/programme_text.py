"""Parse the text of Stockholm's programme against violence into a catalog.

The source is a PDF converted to text, so besides reading the document's structure this
module repairs the few, known kinds of conversion damage: words split in two, table rows
broken across a page break, footnote markers, HTML and table debris. Every repair is
listed here explicitly so that a reviewer can check it against the document; everything
else is kept word for word, including the authors' own spellings.
"""

import json
import re
from typing import Any

from django.utils.text import slugify

PROGRAMME_SOURCE = "004_f3951f16b3a371fa.txt"
ORGANISATION = "Stockholms stad"

# Words the PDF conversion split in two, as (damaged, repaired). Only these are joined.
WORD_REPAIRS: tuple[tuple[str, str], ...] = (
    ("vålds utsatta", "våldsutsatta"),
    ("vålds utsatthet", "våldsutsatthet"),
    ("arbets sätt", "arbetssätt"),
    ("överens stämmer", "överensstämmer"),
)

# The city's boards are not listed in the programme text, so they are kept here:
# (name, kind). Order: facknämnder, kommunstyrelsen, the 13 district boards of 2020
# onwards, the three housing companies.
STOCKHOLM_BOARDS: tuple[tuple[str, str], ...] = (
    ("Arbetsmarknadsnämnden", "facknamnd"),
    ("Idrottsnämnden", "facknamnd"),
    ("Kulturnämnden", "facknamnd"),
    ("Socialnämnden", "facknamnd"),
    ("Utbildningsnämnden", "facknamnd"),
    ("Äldrenämnden", "facknamnd"),
    ("Kommunstyrelsen", "kommunstyrelse"),
    ("Bromma stadsdelsnämnd", "stadsdelsnamnd"),
    ("Enskede-Årsta-Vantörs stadsdelsnämnd", "stadsdelsnamnd"),
    ("Farsta stadsdelsnämnd", "stadsdelsnamnd"),
    ("Hägersten-Älvsjö stadsdelsnämnd", "stadsdelsnamnd"),
    ("Hässelby-Vällingby stadsdelsnämnd", "stadsdelsnamnd"),
    ("Kungsholmens stadsdelsnämnd", "stadsdelsnamnd"),
    ("Norrmalms stadsdelsnämnd", "stadsdelsnamnd"),
    ("Rinkeby-Kista stadsdelsnämnd", "stadsdelsnamnd"),
    ("Skarpnäcks stadsdelsnämnd", "stadsdelsnamnd"),
    ("Skärholmens stadsdelsnämnd", "stadsdelsnamnd"),
    ("Spånga-Tensta stadsdelsnämnd", "stadsdelsnamnd"),
    ("Södermalms stadsdelsnämnd", "stadsdelsnamnd"),
    ("Östermalms stadsdelsnämnd", "stadsdelsnamnd"),
    ("AB Familjebostäder", "bolag"),
    ("AB Stockholmshem", "bolag"),
    ("AB Svenska Bostäder", "bolag"),
)

# Collective names the programme uses for several boards at once: name -> board kind.
STOCKHOLM_BOARD_GROUPS: tuple[tuple[str, str], ...] = (
    ("stadsdelsnämnderna", "stadsdelsnamnd"),
    ("bostadsbolagen", "bolag"),
)

_SECTION_START = "Mål kopplade till programmet"
_SECTION_END = "Samverkan"
_PREREQUISITES_INTRO = "För att nå dit behöver följande vara på plats:"
_GOAL_RE = re.compile(r"^Mål (\d+) (.+)$")
_INDICATOR_HEADING_RE = re.compile(r"^Indikator(er)?:?$")
_ACTIVITY_HEADING_RE = re.compile(r"^Aktivitet\tAnsvariga( nämnder)?$")
_FOOTNOTE_LINE_RE = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+) (.+)$")
_FOOTNOTE_MARKER_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_HTML_TAG_RE = re.compile(r"<[^>]*>")
_TABLE_RULE_RE = re.compile(r"^[-\s]+$")
_INDICATOR_RE = re.compile(r"^➤\s*(?P<text>.*?)\s*\((?P<responsible>[^()]*)\)$")
_VISION_RE = re.compile(r"visionen ”\*(?P<vision>[^*]+)\*”")
_TITLE_YEARS_RE = re.compile(r"(\d{4})-(\d{4})$")


def parse_stockholm_programme(text: str, source: str = PROGRAMME_SOURCE) -> dict:
    """Return the programme, its boards and its goals as plain, JSON-ready data."""
    lines = text.splitlines()
    section = _goal_section(lines)
    footnotes = _footnotes(section)
    body = [line for line in section if not _FOOTNOTE_LINE_RE.match(line)]
    boards = _boards()
    groups = _board_groups()
    known = {board["name"].lower(): board["slug"] for board in boards}
    known.update({group["name"].lower(): group["slug"] for group in groups})
    return {
        "programme": _programme(lines, section, source),
        "boards": boards,
        "board_groups": groups,
        "goals": [_goal(block, footnotes, known) for block in _goal_blocks(body)],
    }


def _goal_section(lines: list[str]) -> list[str]:
    """Cut out the goal section; the table of contents has the same heading plus a page."""
    start = lines.index(_SECTION_START)
    end = lines.index(_SECTION_END, start)
    return lines[start:end]


def _programme(lines: list[str], section: list[str], source: str) -> dict:
    """Describe the programme itself, from its title page and the goal section's intro."""
    name = _title(lines)
    years = _TITLE_YEARS_RE.search(name)
    if years is None:
        raise ValueError(f"Hittar inga programår i titeln: {name!r}")
    start_year, end_year = int(years.group(1)), int(years.group(2))
    return {
        "slug": f"stockholm-{start_year}-{end_year}",
        "name": name,
        "short_name": f"Program mot våld {start_year}\u2013{end_year}",
        "organisation": ORGANISATION,
        # The implementation plan: "Socialförvaltningen har ett huvudansvar för
        # implementeringen av programmet" and the social services board compiles the follow-up;
        # "I juni 2021 godkändes ... av kommunfullmäktige" (seeds/000); the programme's
        # ärende at kommunstyrelsen is "dnr KS 2020/924" (the remiss, seeds/002).
        "issuer": "Socialförvaltningen",
        "decision": "Godkänt av kommunfullmäktige i juni 2021",
        "reference": "KS 2020/924",
        "start_year": start_year,
        "end_year": end_year,
        "vision": _vision(section),
        "goal_label": "Mål",
        "activity_label": "Aktivitet",
        "source": source,
    }


def _title(lines: list[str]) -> str:
    """Join the bold title, which the PDF conversion broke over several lines."""
    start = next(i for i, line in enumerate(lines) if line.startswith("**"))
    end = next(i for i in range(start, len(lines)) if lines[i].endswith("**"))
    return _normalise(" ".join(lines[start : end + 1]).strip("*"))


def _vision(section: list[str]) -> str:
    """Take the vision as the goal section quotes it (in italics) to introduce the goals."""
    for line in section:
        match = _VISION_RE.search(line)
        if match:
            return _normalise(match.group("vision"))
    raise ValueError("Hittar inte visionen i målavsnittet")


def _footnotes(section: list[str]) -> dict[str, str]:
    """Map footnote markers to their explanations, which may sit in a later goal's text."""
    footnotes = {}
    for line in section:
        match = _FOOTNOTE_LINE_RE.match(line)
        if match:
            footnotes[match.group(1)] = _normalise(match.group(2))
    return footnotes


def _goal_blocks(body: list[str]) -> list[list[str]]:
    """Split the section into one list of lines per goal, each starting at 'Mål N …'."""
    blocks: list[list[str]] = []
    for line in body:
        if _GOAL_RE.match(line):
            blocks.append([])
        if blocks:
            blocks[-1].append(line)
    return blocks


def _goal(block: list[str], footnotes: dict[str, str], known: dict[str, str]) -> dict:
    """Read one goal: its heading, the list of prerequisites, indicators and activity table.

    Any line that fits none of these raises, so nothing in the document is silently lost.
    """
    heading = _GOAL_RE.match(block[0])
    assert heading is not None  # each block starts at a goal heading (_goal_blocks)
    goal: dict[str, Any] = {
        "number": int(heading.group(1)),
        "title": _clean(heading.group(2)),
        "prerequisites": [],
        "indicators": [],
        "activities": [],
    }
    part = ""
    for line in block[1:]:
        line = _HTML_TAG_RE.sub("", line).strip(" ")
        if not line.strip() or _TABLE_RULE_RE.match(line):
            continue
        if line == _PREREQUISITES_INTRO:
            part = "prerequisites"
        elif _INDICATOR_HEADING_RE.match(line):
            part = "indicators"
        elif _ACTIVITY_HEADING_RE.match(line):
            part = "activities"
        elif part == "prerequisites" and line.startswith("- "):
            goal["prerequisites"].append(_clean(line[2:]))
        elif part == "indicators" and line.startswith("➤"):
            goal["indicators"].append(_indicator(line, known))
        elif part == "activities" and "\t" in line:
            _add_activity_row(goal["activities"], line, footnotes, known)
        else:
            raise ValueError(f"Oväntad rad i mål {goal['number']}: {line!r}")
    return goal


def _indicator(line: str, known: dict[str, str]) -> dict:
    """Split '➤ Andel … . (Nämnd)' into the measure and the boards that report it."""
    match = _INDICATOR_RE.match(line)
    if match is None:
        raise ValueError(f"Indikatorn saknar ansvariga nämnder: {line!r}")
    text = _clean(match.group("text"))
    responsible_text = _normalise(match.group("responsible"))
    return {
        "text": text,
        "kind": _indicator_kind(text),
        "responsible_text": responsible_text,
        "responsible": _responsible_slugs(responsible_text, known),
        "co_responsible": [],
    }


def _indicator_kind(text: str) -> str:
    """Shares and counts are figures to follow up; the rest are yes/no statements."""
    if text.startswith("Andel"):
        return "share"
    if text.startswith("Antal"):
        return "count"
    return "yes_no"


def _add_activity_row(
    activities: list[dict], line: str, footnotes: dict[str, str], known: dict[str, str]
) -> None:
    """Add a table row, or join it to the previous one when a page break split the row.

    The continuation of a broken row has an empty board cell; a blank line alone is not
    a sign of continuation, since full rows also follow blank lines.
    """
    cell_text, cell_responsible = (cell.strip() for cell in line.split("\t", 1))
    if not cell_responsible:
        if not activities:
            raise ValueError(f"Tabellrad utan ansvariga nämnder: {line!r}")
        previous = activities[-1]
        previous["text"] = _clean(f"{previous['text']} {cell_text}")
        return
    markers = _FOOTNOTE_MARKER_RE.findall(cell_text)
    missing = [marker for marker in markers if marker not in footnotes]
    if missing:
        raise ValueError(f"Fotnot {missing} saknas för aktiviteten: {cell_text!r}")
    responsible_text = _normalise(cell_responsible)
    activities.append(
        {
            "number": "",
            "text": _clean(_FOOTNOTE_MARKER_RE.sub("", cell_text)),
            "responsible_text": responsible_text,
            "responsible": _responsible_slugs(responsible_text, known),
            "co_responsible": [],
            "prevention_level": "",
            "note": " ".join(footnotes[marker] for marker in markers),
        }
    )


def _responsible_slugs(responsible_text: str, known: dict[str, str]) -> list[str]:
    """Turn 'A, b och c' into board or board-group slugs, refusing any unknown name."""
    slugs = []
    for name in re.split(r", | och ", responsible_text):
        slug = known.get(name.strip().lower())
        if slug is None:
            raise ValueError(f"Okänd nämnd {name.strip()!r} i {responsible_text!r}")
        slugs.append(slug)
    return slugs


def _boards() -> list[dict]:
    return [{"slug": slugify(name), "name": name, "kind": kind} for name, kind in STOCKHOLM_BOARDS]


def _board_groups() -> list[dict]:
    return [
        {
            "slug": slugify(name),
            "name": name,
            "boards": [slugify(board) for board, kind in STOCKHOLM_BOARDS if kind == group_kind],
        }
        for name, group_kind in STOCKHOLM_BOARD_GROUPS
    ]


def _clean(text: str) -> str:
    """Repair the split words and normalise whitespace; the wording is otherwise kept.

    Footnote markers are only expected (and turned into notes) in activities; one left
    anywhere else raises rather than leaking into, or silently vanishing from, the text.
    """
    if _FOOTNOTE_MARKER_RE.search(text):
        raise ValueError(f"Oväntad fotnotsmarkör i: {text!r}")
    text = _normalise(text)
    for damaged, repaired in WORD_REPAIRS:
        text = text.replace(damaged, repaired)
    return text


def _normalise(text: str) -> str:
    return " ".join(text.split())


def catalog_json(catalog: dict) -> str:
    """Serialise a parsed catalog the one way fixtures are written, so reruns are identical."""
    return json.dumps(catalog, ensure_ascii=False, indent=2) + "\n"

"""The catalogs the tests build on: Stockholm's real programme and a small one shaped like
Södertälje's action plan (focus areas, numbered measures, co-responsible boards).

Stockholm's catalog is loaded once per test session (tests/conftest.py): tests fetch it with
`stockholm()` rather than loading it again."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from catalog.models import Board, BoardGroup, Programme
from catalog.services import programme_load

STOCKHOLM_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "stockholm-2021-2025.json"
STOCKHOLM = "stockholm-2021-2025"


def stockholm_data() -> dict[str, Any]:
    return json.loads(STOCKHOLM_FIXTURE.read_text(encoding="utf-8"))


def load_stockholm() -> Programme:
    """Load (or reload) Stockholm's catalog as `load_programme` does. The session does this
    once; a test calls it only when loading is what it tests."""
    programme, _ = programme_load(data=stockholm_data())
    return programme


SODERTALJE_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "sodertalje-2024-2027.json"


def load_sodertalje() -> Programme:
    """Load Södertälje's real action plan (the fixture `make run` loads), with its cycle."""
    data = json.loads(SODERTALJE_FIXTURE.read_text(encoding="utf-8"))
    programme, _ = programme_load(data=data)
    return programme


def stockholm() -> Programme:
    """Stockholm's programme, as the session loaded it."""
    return Programme.objects.get(slug=STOCKHOLM)


def catalog_remove() -> None:
    """Remove every programme and board, for a test that starts from an empty catalog. Call it
    inside the test's transaction (a TestCase): the rollback brings the session's back."""
    Programme.objects.all().delete()
    BoardGroup.objects.all().delete()
    Board.objects.all().delete()


SMALL = "provprogrammet-2021-2025"
SMALL_DISTRICT = "prov-norra-stadsdelsnamnd"
SMALL_OTHER = "prov-sodra-stadsdelsnamnd"


def small_data() -> dict[str, Any]:
    """A programme shaped like Stockholm's, a hundredth of its size: two goals, two district
    boards responsible for everything, an activity each and an indicator of every kind. For
    tests about what the application does with any catalog, where Stockholm's rows would
    only make each page and document slower to build."""

    def commitment(text: str) -> dict[str, Any]:
        return {
            "text": text,
            "responsible_text": "Stadsdelsnämnderna",
            "responsible": [SMALL_DISTRICT, SMALL_OTHER],
            "co_responsible": [],
        }

    def activity(text: str) -> dict[str, Any]:
        return {"number": "", **commitment(text), "prevention_level": "", "note": ""}

    def indicator(text: str, kind: str) -> dict[str, Any]:
        return {**commitment(text), "kind": kind}

    return {
        "programme": {
            "slug": SMALL,
            "name": "Provprogrammet mot våld 2021–2025",
            "short_name": "Provprogrammet 2021–2025",
            "organisation": "Provstaden",
            "start_year": 2021,
            "end_year": 2025,
            "vision": "Provstaden är fri från våld.",
            "goal_label": "Mål",
            "activity_label": "Aktivitet",
        },
        "boards": [
            {"slug": SMALL_DISTRICT, "name": "Norra stadsdelsnämnden", "kind": "stadsdelsnamnd"},
            {"slug": SMALL_OTHER, "name": "Södra stadsdelsnämnden", "kind": "stadsdelsnamnd"},
        ],
        "board_groups": [],
        "goals": [
            {
                "number": 1,
                "title": "Verksamheterna arbetar våldsförebyggande",
                "prerequisites": ["Kunskap om våldsförebyggande arbete finns."],
                "activities": [activity("Utbilda personalen i våldsförebyggande arbete.")],
                "indicators": [
                    indicator("Andel skolor med våldsförebyggande program.", "share"),
                    indicator("Antal genomförda utbildningar.", "count"),
                ],
            },
            {
                "number": 2,
                "title": "Våldsutsatta får stöd",
                "prerequisites": ["Stödet är känt bland invånarna."],
                "activities": [activity("Sprida information om stödet på flera språk.")],
                "indicators": [
                    indicator("Verksamheten använder en standardiserad bedömningsmetod.", "yes_no")
                ],
            },
        ],
    }


def sodertalje_data() -> dict[str, Any]:
    return {
        "programme": {
            "slug": "sodertalje-fri-fran-vald-2024-2027",
            "name": "Fri från våld – Södertälje kommuns handlingsplan 2024–2027",
            "short_name": "Fri från våld 2024–2027",
            "organisation": "Södertälje kommun",
            "start_year": 2024,
            "end_year": 2027,
            "vision": "Södertälje är fritt från våld.",
            "goal_label": "Fokusområde",
            "activity_label": "Åtgärd",
        },
        "boards": [
            {"slug": "sodertalje-socialnamnden", "name": "Socialnämnden", "kind": "facknamnd"},
            {
                "slug": "sodertalje-barn-och-utbildningsnamnden",
                "name": "Barn- och utbildningsnämnden",
                "kind": "facknamnd",
            },
        ],
        "board_groups": [],
        "goals": [
            {
                "number": 1,
                "title": "Förebyggande arbete",
                "prerequisites": [],
                "activities": [
                    {
                        "number": "1:1",
                        "text": "Genomföra våldsförebyggande program i skolan.",
                        "responsible_text": "Barn- och utbildningsnämnden",
                        "responsible": ["sodertalje-barn-och-utbildningsnamnden"],
                        "co_responsible": ["sodertalje-socialnamnden"],
                        "prevention_level": "universell",
                        "note": "",
                    }
                ],
                "indicators": [],
            }
        ],
    }

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


def stockholm() -> Programme:
    """Stockholm's programme, as the session loaded it."""
    return Programme.objects.get(slug=STOCKHOLM)


def catalog_remove() -> None:
    """Remove every programme and board, for a test that starts from an empty catalog. Call it
    inside the test's transaction (a TestCase): the rollback brings the session's back."""
    Programme.objects.all().delete()
    BoardGroup.objects.all().delete()
    Board.objects.all().delete()


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

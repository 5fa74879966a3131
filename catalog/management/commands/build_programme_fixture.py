"""Regenerate a programme fixture from the programme's text, so the two never drift apart."""

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from catalog.programme_text import catalog_json, parse_stockholm_programme
from catalog.sodertalje_text import parse_sodertalje_plan

# Each programme text has its own reader; the fixture each one writes by default.
READERS: dict[str, tuple[Callable[[str, str], dict], str]] = {
    "stockholm": (parse_stockholm_programme, "fixtures/stockholm-2021-2025.json"),
    "sodertalje": (parse_sodertalje_plan, "fixtures/sodertalje-2024-2027.json"),
}


class Command(BaseCommand):
    help = (
        "Tolkar ett programs text (Stockholm eller Södertälje) och skriver katalogen som "
        "JSON-fixtur."
    )
    # Only reads and writes files: it must work before URLs, models or the database exist.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Programmets text, konverterad från PDF eller skannad.")
        parser.add_argument(
            "--programme",
            choices=sorted(READERS),
            default="stockholm",
            help="Vilket programs text det är (standard: %(default)s).",
        )
        parser.add_argument(
            "--output",
            help="Var fixturen skrivs (standard: programmets fixtur under fixtures/).",
        )

    def handle(self, *args: object, **options: str) -> None:
        read, default_output = READERS[options["programme"]]
        source = Path(options["source"])
        output = Path(options["output"] or default_output)
        catalog = read(source.read_text(encoding="utf-8"), source.name)
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(catalog_json(catalog))
        goals = catalog["goals"]
        indicators = sum(len(goal["indicators"]) for goal in goals)
        activities = sum(len(goal["activities"]) for goal in goals)
        self.stdout.write(
            f"Skrev {output}: {len(goals)} mål, {indicators} indikatorer, {activities} aktiviteter"
        )

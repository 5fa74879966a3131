"""Regenerate the programme fixture from the programme text, so the two never drift apart."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from catalog.programme_text import catalog_json, parse_stockholm_programme


class Command(BaseCommand):
    help = "Tolkar Stockholms programtext och skriver katalogen som JSON-fixtur."
    # Only reads and writes files: it must work before URLs, models or the database exist.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Programmets text, konverterad från PDF.")
        parser.add_argument(
            "--output",
            default="fixtures/stockholm-2021-2025.json",
            help="Var fixturen skrivs (standard: %(default)s).",
        )

    def handle(self, *args: object, **options: str) -> None:
        source = Path(options["source"])
        output = Path(options["output"])
        catalog = parse_stockholm_programme(source.read_text(encoding="utf-8"), source.name)
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(catalog_json(catalog))
        goals = catalog["goals"]
        indicators = sum(len(goal["indicators"]) for goal in goals)
        activities = sum(len(goal["activities"]) for goal in goals)
        self.stdout.write(
            f"Skrev {output}: {len(goals)} mål, {indicators} indikatorer, {activities} aktiviteter"
        )

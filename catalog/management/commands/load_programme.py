import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.services import CatalogDataError, programme_load

DEFAULT_FIXTURE = settings.BASE_DIR / "fixtures" / "stockholm-2021-2025.json"


class Command(BaseCommand):
    help = (
        "Läser in ett programs katalog (mål, förutsättningar, aktiviteter, indikatorer, nämnder) "
        "från en katalogfil. Idempotent: samma fil två gånger ändrar ingenting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="katalogfiler (standard: Stockholms program)"
        )

    def handle(self, *args: object, paths: list[Path], **options: object) -> None:
        for path in paths or [DEFAULT_FIXTURE]:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                programme, summary = programme_load(data=data)
            except (OSError, json.JSONDecodeError, KeyError, CatalogDataError) as error:
                raise CommandError(f"Kunde inte läsa in {path}: {error}") from error
            self.stdout.write(f"{programme.short_name} ({programme.slug}): {summary}")

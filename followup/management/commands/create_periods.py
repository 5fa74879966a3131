from django.core.management.base import BaseCommand, CommandParser

from catalog.models import Programme
from followup.services import periods_create


class Command(BaseCommand):
    help = (
        "Skapar perioderna i varje programs egen rapportcykel (Stockholm T1, T2 och VB) för "
        "varje år som saknar dem (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", help="programmets kortnamn i adresser (slug)")

    def handle(self, *args: object, programme: str | None, **options: object) -> None:
        programmes = Programme.objects.all()
        if programme:
            programmes = programmes.filter(slug=programme)
        for item in programmes:
            created = periods_create(programme=item)
            self.stdout.write(f"{item.short_name}: {len(created)} nya perioder")

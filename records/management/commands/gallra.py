"""Apply the retention periods (README "Gallring"). For cron, e.g. nightly:
`manage.py gallra`; `--dry-run` tells what would go and changes nothing."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from records import retention
from records.locks import exclusive


class Command(BaseCommand):
    help = "Gallrar det som har passerat sin bevarandetid (settings.RETENTION)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa vad som skulle tas bort, utan att ta bort något.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        with exclusive("gallra") as held:
            if not held:
                self.stderr.write("Gallringen körs redan i en annan process; inget gjordes.")
                return
            outcomes = retention.run(dry_run=dry_run)
        verb = "skulle tas bort" if dry_run else "borttagna"
        for outcome in outcomes:
            kind = outcome.kind
            if outcome.removed is None:
                self.stdout.write(f"{kind.label}: finns inte i den här installationen.")
                continue
            self.stdout.write(
                f"{kind.label}: {outcome.removed} {verb} "
                f"(sparas {outcome.days} {'dag' if outcome.days == 1 else 'dagar'} "
                f"efter att de {kind.age_from})."
            )

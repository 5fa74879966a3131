"""Delete the made documents whose keep time (DOCUMENT_KEEP_HOURS) has passed, files first.
For cron, e.g. hourly: `manage.py prune_documents`."""

from typing import Any

from django.core.management.base import BaseCommand

from followup.documents.jobs import prune


class Command(BaseCommand):
    help = "Tar bort gjorda dokument (ZIP av styrkort, PDF) vars sparatid har gått ut."

    def handle(self, *args: Any, **options: Any) -> None:
        count = prune()
        self.stdout.write(f"{count} dokument borttagna.")

from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from followup.models import ReminderKind
from followup.reminders import DueReminders, reminders_deliver, reminders_due


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Datumet ska skrivas ÅÅÅÅ-MM-DD, inte {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Påminner nämndernas rapportörer om öppna perioders sista dag: en vecka före, på "
        "dagen och när rapporten är försenad. Samma påminnelse skickas aldrig två gånger. "
        "Körs en gång om dagen, t.ex. från cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="day",
            type=_date,
            help="dagen att räkna från (ÅÅÅÅ-MM-DD); i dag om den inte anges",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="visa vad som skulle skickas, utan att skicka eller spara något",
        )

    def handle(self, *args: object, day: date | None, dry_run: bool, **options: object) -> None:
        today = day or timezone.localdate()
        due = reminders_due(today=today)
        if dry_run:
            self.stdout.write(f"Provkörning för {today:%Y-%m-%d}: inget skickas eller sparas.")
            for reminder in due.reminders:
                report = reminder.report
                self.stdout.write(
                    f"  {reminder.get_kind_display()}: {report.board.name}, "
                    f"{report.period.label} → {reminder.email}"
                )
            self._summary(due, Counter(r.kind for r in due.reminders), "skulle skickas")
            return
        sent = reminders_deliver(due)
        self.stdout.write(f"Påminnelser {today:%Y-%m-%d}:")
        self._summary(due, Counter(r.kind for r in sent), "skickade")

    def _summary(self, due: DueReminders, by_kind: Counter, verb: str) -> None:
        self.stdout.write(f"  {sum(by_kind.values())} {verb}")
        for kind in ReminderKind:
            self.stdout.write(f"    {kind.label}: {by_kind[kind]}")
        users = sorted({user.get_username() for _, user in due.without_email})
        self.stdout.write(
            f"  {len(due.without_email)} hoppades över eftersom rapportören saknar e-postadress"
            + (f" ({', '.join(users)})" if users else "")
        )

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.seed import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DemoError,
    DemoSummary,
    demo_seed,
    demo_summary_of_second,
)
from followup.models import ReportState


class Command(BaseCommand):
    help = (
        "Lägger in demodata: användare i alla roller (lösenord ”demo”) och fem års rapporter "
        "för Stockholms program, med en öppen period just nu, och Södertäljes plan med sin "
        "rapportcykel om den är inläst. Bara i demoläge (DEMO_MODE). "
        "Gör ingenting om det redan finns rapporter eller demoanvändare."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="antal exemplar av varje nämnd, för mätningar (standard 1)",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="slumpfrö; samma frö ger samma data"
        )

    def handle(self, *args: object, scale: int, seed: int, **options: object) -> None:
        started = time.perf_counter()
        try:
            summary = demo_seed(scale=scale, seed=seed)
        except DemoError as error:
            raise CommandError(str(error)) from error
        if not summary.created:
            self.stdout.write(
                "Demodata finns redan: databasen har redan rapporter eller demoanvändare. "
                "Ingenting ändrades. Börja från en tom databas för att lägga in demodata på nytt."
            )
            return
        self._summary_write(summary, scale=scale, seed=seed)
        if second := demo_summary_of_second():
            self.stdout.write(
                "Södertälje: samordnare-sodertalje, rapportor-sodertalje-<nämnd>, "
                "lasare-sodertalje-<nämnd>; rapportor-tva-kommuner har roller i båda kommunerna."
            )
            self._periods_write(second)
        self.stdout.write(f"Tid: {time.perf_counter() - started:.1f} s".replace(".", ","))

    def _summary_write(self, summary: DemoSummary, *, scale: int, seed: int) -> None:
        write = self.stdout.write
        write(f"Demodata inlagd (skala {scale}, frö {seed}).")
        write(
            f"Användare: {summary.users}, alla med lösenordet ”{DEMO_PASSWORD}” "
            "(samordnare, admin, rapportor-<nämnd>, lasare-<nämnd>)."
        )
        write(f"Nämnder med rapporter: {summary.boards}, varav {summary.copies} kopior.")
        self._periods_write(summary)

    def _periods_write(self, summary: DemoSummary) -> None:
        write = self.stdout.write
        labels = dict(ReportState.choices)
        total: dict[str, int] = {}
        for count in summary.periods:
            period = count.period
            states = ", ".join(
                f"{labels[state]} {count.states[state]}"
                for state in ReportState.values
                if state in count.states
            )
            write(f"  {period.kind} {period.year} ({period.get_state_display().lower()}): {states}")
            for state, number in count.states.items():
                total[state] = total.get(state, 0) + number
        write(
            "Rapporter: "
            + ", ".join(
                f"{labels[state]} {total[state]}" for state in ReportState.values if state in total
            )
        )
        write(
            f"Rader: {summary.activity_rows} aktivitetsstatusar, {summary.indicator_rows} "
            f"indikatorutfall, {summary.goal_rows} målbedömningar."
        )

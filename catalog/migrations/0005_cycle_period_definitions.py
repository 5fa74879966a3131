"""Each programme gets its own reporting cycle; the programmes already here get the one
every programme had until now, Stockholm's T1, T2 and VB (a catalog that names its own
cycle replaces it when loaded)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# (code, name, position, opens (years after, month, day), deadline (…), annual)
STOCKHOLM_CYCLE = [
    ("T1", "Tertialrapport 1", 1, (0, 5, 2), (0, 5, 20), False),
    ("T2", "Tertialrapport 2", 2, (0, 9, 1), (0, 9, 20), False),
    ("VB", "Verksamhetsberättelse", 3, (1, 1, 10), (1, 2, 10), True),
]


def default_cycles(apps, schema_editor):
    Programme = apps.get_model("catalog", "Programme")
    PeriodDefinition = apps.get_model("catalog", "PeriodDefinition")
    for programme in Programme.objects.all():
        for code, name, position, opens, due, annual in STOCKHOLM_CYCLE:
            PeriodDefinition.objects.get_or_create(
                programme=programme,
                code=code,
                defaults={
                    "name": name,
                    "position": position,
                    "opens_year_offset": opens[0],
                    "opens_month": opens[1],
                    "opens_day": opens[2],
                    "deadline_year_offset": due[0],
                    "deadline_month": due[1],
                    "deadline_day": due[2],
                    "is_annual": annual,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_guard_swedish_admin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalPeriodDefinition",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="Kort namn i adresser, filnamn och API:t, t.ex. ”T1” eller ”DB”.",
                        max_length=10,
                        verbose_name="kod",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="namn")),
                ("position", models.PositiveSmallIntegerField(verbose_name="ordning i året")),
                (
                    "opens_year_offset",
                    models.PositiveSmallIntegerField(default=0, verbose_name="öppnar år efter"),
                ),
                ("opens_month", models.PositiveSmallIntegerField(verbose_name="öppnar månad")),
                ("opens_day", models.PositiveSmallIntegerField(verbose_name="öppnar dag")),
                (
                    "deadline_year_offset",
                    models.PositiveSmallIntegerField(default=0, verbose_name="sista dag år efter"),
                ),
                (
                    "deadline_month",
                    models.PositiveSmallIntegerField(verbose_name="sista dag månad"),
                ),
                ("deadline_day", models.PositiveSmallIntegerField(verbose_name="sista dag dag")),
                (
                    "is_annual",
                    models.BooleanField(
                        default=False,
                        help_text="Årets samlade rapport: med målbedömningar, grund för samlad uppföljning.",
                        verbose_name="årsrapport",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical period i rapportcykeln",
                "verbose_name_plural": "historical rapportcykel",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PeriodDefinition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="Kort namn i adresser, filnamn och API:t, t.ex. ”T1” eller ”DB”.",
                        max_length=10,
                        verbose_name="kod",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="namn")),
                ("position", models.PositiveSmallIntegerField(verbose_name="ordning i året")),
                (
                    "opens_year_offset",
                    models.PositiveSmallIntegerField(default=0, verbose_name="öppnar år efter"),
                ),
                ("opens_month", models.PositiveSmallIntegerField(verbose_name="öppnar månad")),
                ("opens_day", models.PositiveSmallIntegerField(verbose_name="öppnar dag")),
                (
                    "deadline_year_offset",
                    models.PositiveSmallIntegerField(default=0, verbose_name="sista dag år efter"),
                ),
                (
                    "deadline_month",
                    models.PositiveSmallIntegerField(verbose_name="sista dag månad"),
                ),
                ("deadline_day", models.PositiveSmallIntegerField(verbose_name="sista dag dag")),
                (
                    "is_annual",
                    models.BooleanField(
                        default=False,
                        help_text="Årets samlade rapport: med målbedömningar, grund för samlad uppföljning.",
                        verbose_name="årsrapport",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cycle",
                        to="catalog.programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "period i rapportcykeln",
                "verbose_name_plural": "rapportcykel",
                "ordering": ["programme", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("programme", "code"), name="cycle_unique_code"),
                    models.UniqueConstraint(
                        fields=("programme", "position"), name="cycle_unique_position"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("is_annual", True)),
                        fields=("programme",),
                        name="cycle_one_annual",
                    ),
                ],
            },
        ),
        migrations.RunPython(default_cycles, migrations.RunPython.noop),
    ]

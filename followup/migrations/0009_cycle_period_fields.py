"""A period's name, order in the year and annualness come from its programme's cycle
(catalog.PeriodDefinition); Stockholm's existing periods keep T1, T2 and VB as they were."""

from django.db import migrations, models


# Stockholm's cycle as it was before cycles were per programme: T1 < T2 < VB.
OLD_KINDS = {
    "T1": ("Tertialrapport 1", 1, False),
    "T2": ("Tertialrapport 2", 2, False),
    "VB": ("Verksamhetsberättelse", 3, True),
}


def copy_from_cycle(apps, schema_editor):
    ReportingPeriod = apps.get_model("followup", "ReportingPeriod")
    PeriodDefinition = apps.get_model("catalog", "PeriodDefinition")
    steps = {
        (step.programme_id, step.code): (step.name, step.position, step.is_annual)
        for step in PeriodDefinition.objects.all()
    }
    for period in ReportingPeriod.objects.all():
        name, position, is_annual = steps.get(
            (period.programme_id, period.kind), OLD_KINDS.get(period.kind, (period.kind, 9, False))
        )
        period.name, period.position, period.is_annual = name, position, is_annual
        period.save(update_fields=["name", "position", "is_annual"])


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0008_sso_role_source"),
        ("catalog", "0005_cycle_period_definitions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reportingperiod",
            options={
                "ordering": ["programme", "year", "position"],
                "verbose_name": "rapportperiod",
                "verbose_name_plural": "rapportperioder",
            },
        ),
        migrations.AddField(
            model_name="historicalreportingperiod",
            name="is_annual",
            field=models.BooleanField(default=False, verbose_name="årsrapport"),
        ),
        migrations.AddField(
            model_name="historicalreportingperiod",
            name="name",
            field=models.CharField(default="", max_length=100, verbose_name="namn"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalreportingperiod",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="ordning i året"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reportingperiod",
            name="is_annual",
            field=models.BooleanField(default=False, verbose_name="årsrapport"),
        ),
        migrations.AddField(
            model_name="reportingperiod",
            name="name",
            field=models.CharField(default="", max_length=100, verbose_name="namn"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reportingperiod",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="ordning i året"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="historicalreportingperiod",
            name="kind",
            field=models.CharField(max_length=10, verbose_name="period"),
        ),
        migrations.AlterField(
            model_name="reportingperiod",
            name="kind",
            field=models.CharField(max_length=10, verbose_name="period"),
        ),
        migrations.RunPython(copy_from_cycle, migrations.RunPython.noop),
    ]

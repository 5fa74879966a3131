"""The samlad uppföljning's summary of its frozen figures (`city.figures_summary`), made for
the documents already final; reversible (the field is derived)."""

from django.db import migrations, models


def summarise(apps, schema_editor) -> None:
    from followup.city import figures_summary

    CityFollowup = apps.get_model("followup", "CityFollowup")
    for followup in CityFollowup.objects.filter(figures__isnull=False).iterator():
        followup.summary = figures_summary(followup.figures)
        followup.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0014_reminders_now"),
    ]

    operations = [
        migrations.AddField(
            model_name="cityfollowup",
            name="summary",
            field=models.JSONField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="sammanfattade siffror när den blev slutlig",
            ),
        ),
        migrations.RunPython(summarise, migrations.RunPython.noop),
    ]

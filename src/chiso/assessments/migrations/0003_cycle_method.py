# A cycle stores the method its points and ranks are computed with (chiso.frameworks.method). The
# cycles already here get the method of their framework as it stands now, marked
# "recorded": "migration".

from django.db import migrations, models


def record_methods(apps, schema_editor):
    from chiso.frameworks.method import method_from_data

    Cycle = apps.get_model("assessments", "Cycle")
    for cycle in Cycle.objects.using(schema_editor.connection.alias).select_related("framework__index"):
        if cycle.method:
            continue
        index = cycle.framework.index
        cycle.method = method_from_data(
            cycle.framework.definition, index.precision, index.groups, cycle.framework.scope, "migration"
        )
        cycle.save(update_fields=["method"], using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_cycle_organiser"),
        ("frameworks", "0004_index_as_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="method",
            field=models.JSONField(blank=True, default=dict, verbose_name="phương pháp"),
        ),
        migrations.RunPython(record_methods, migrations.RunPython.noop),
    ]

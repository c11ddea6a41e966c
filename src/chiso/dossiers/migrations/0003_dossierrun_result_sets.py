"""A run writes one result set per level that has scores (departments, communes …): the run's one
result set becomes its result sets, the existing link kept."""

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    """Each run's result set becomes one of its result sets."""
    run = apps.get_model("dossiers", "DossierRun")
    db = schema_editor.connection.alias
    for found in run.objects.using(db).exclude(result_set=None):
        found.result_sets.add(found.result_set_id)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_dossierrun_result_set"),
        ("results", "0005_resultset_level"),
    ]

    operations = [
        migrations.AlterField(  # its reverse name goes to the new field
            model_name="dossierrun",
            name="result_set",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="results.resultset",
            ),
        ),
        migrations.AddField(
            model_name="dossierrun",
            name="result_sets",
            field=models.ManyToManyField(blank=True, related_name="dossier_runs", to="results.resultset"),
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
        migrations.RemoveField(model_name="dossierrun", name="result_set"),
    ]

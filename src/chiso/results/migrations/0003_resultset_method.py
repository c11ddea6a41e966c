# A result set stores the method that produced its figures (chiso.frameworks.method): the framework's
# content hash and version, the ranking precision, the group rule, the peers and the code version.
# The result sets already here get the method of their framework as it stands now, marked
# "recorded": "migration".

from django.db import migrations, models


def record_methods(apps, schema_editor):
    from chiso.frameworks.method import method_from_data

    ResultSet = apps.get_model("results", "ResultSet")
    for row in ResultSet.objects.using(schema_editor.connection.alias).select_related(
        "framework", "index", "framework__index"
    ):
        if row.method:
            continue
        index = row.framework.index
        row.method = method_from_data(
            row.framework.definition, index.precision, index.groups, row.index.unit_level, "migration"
        )
        row.save(update_fields=["method"], using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0004_index_as_data"),
        ("results", "0002_versions_and_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="resultset",
            name="method",
            field=models.JSONField(blank=True, default=dict, verbose_name="phương pháp"),
        ),
        migrations.RunPython(record_methods, migrations.RunPython.noop),
    ]

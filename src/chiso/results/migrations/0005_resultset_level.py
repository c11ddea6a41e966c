"""Result sets get the level of their units: one result set per level of an index of several levels
(the 766 ranks departments and communes). The existing ones are of their index's first level."""

from django.db import migrations, models


def fill_levels(apps, schema_editor):
    """Every result set without a level gets its index's first level (`Index.unit_level`)."""
    result_set = apps.get_model("results", "ResultSet")
    index = apps.get_model("frameworks", "Index")
    db = schema_editor.connection.alias
    for pk, level in index.objects.using(db).values_list("pk", "unit_level"):
        result_set.objects.using(db).filter(index_id=pk, level="").update(level=level)


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0005_organiser"),
        ("results", "0004_resultset_period"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="resultset", name="resultset_unique_version"),
        migrations.RemoveConstraint(model_name="resultset", name="resultset_one_published"),
        migrations.RemoveConstraint(model_name="resultset", name="resultset_one_draft"),
        migrations.AddField(
            model_name="resultset",
            name="level",
            field=models.CharField(default="", max_length=16, verbose_name="cấp đơn vị"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_levels, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="resultset",
            constraint=models.UniqueConstraint(
                fields=("index", "year", "period", "level", "version"), name="resultset_unique_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="resultset",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "published")),
                fields=("index", "year", "period", "level"),
                name="resultset_one_published",
            ),
        ),
        migrations.AddConstraint(
            model_name="resultset",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("index", "year", "period", "level"),
                name="resultset_one_draft",
            ),
        ),
    ]

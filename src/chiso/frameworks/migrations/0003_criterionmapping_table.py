"""CriterionMapping moves from `administration` (step 3 of 3): its table takes this app's name
(ALTER TABLE … RENAME, on SQLite and PostgreSQL alike; rows, keys and the constraint are kept), and
the admin site's content type follows the model, so permissions granted on it stay."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="frameworks", model="criterionmapping").exists():
        return
    ContentType.objects.using(db).filter(app_label="administration", model="criterionmapping").update(
        app_label="frameworks"
    )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="administration", model="criterionmapping").exists():
        return
    ContentType.objects.using(db).filter(app_label="frameworks", model="criterionmapping").update(
        app_label="administration"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0002_criterionmapping_from_administration"),
        ("administration", "0002_criterionmapping_to_frameworks"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="criterionmapping", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]

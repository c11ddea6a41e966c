"""The change log (auditlog's LogEntry table) is append-only: triggers refuse UPDATE and DELETE on
SQLite and PostgreSQL, and TRUNCATE on PostgreSQL (see chiso.core.changelog.append_only_sql)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from chiso.core.changelog import append_only_sql

    for statement in append_only_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    from chiso.core.changelog import drop_append_only_sql

    for statement in drop_append_only_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

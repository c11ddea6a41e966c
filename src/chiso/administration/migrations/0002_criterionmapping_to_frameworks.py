"""CriterionMapping moves to `frameworks` (step 2 of 3): removed from this app's state only; its
table and rows stay (frameworks 0002 took the model over on the same table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0001_initial"),
        ("frameworks", "0002_criterionmapping_from_administration"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CriterionMapping")],
            database_operations=[],
        ),
    ]

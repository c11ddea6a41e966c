"""CriterionMapping moves from `administration` to `frameworks` (step 1 of 3): the model enters this
app's state on the existing table; no SQL is run. administration 0002 then drops it from that app's
state, and frameworks 0003 renames the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
        ("administration", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CriterionMapping",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "mapping",
                            models.JSONField(blank=True, default=dict, verbose_name="đối chiếu mã tiêu chí"),
                        ),
                        ("updated", models.DateTimeField(auto_now=True)),
                        (
                            "source",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mappings_out",
                                to="frameworks.framework",
                                verbose_name="khung cũ",
                            ),
                        ),
                        (
                            "target",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mappings_in",
                                to="frameworks.framework",
                                verbose_name="khung mới",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "đối chiếu tiêu chí giữa hai khung",
                        "verbose_name_plural": "đối chiếu tiêu chí giữa hai khung",
                        "db_table": "administration_criterionmapping",
                        "constraints": [
                            models.UniqueConstraint(fields=("source", "target"), name="criterionmapping_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

"""CriterionMapping moved from `administration` to `frameworks`: a database migrated before the move
keeps its mapping rows, now read through the frameworks app from the renamed table."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chiso.frameworks.models import CriterionMapping

BEFORE = [("administration", "0001_initial"), ("frameworks", "0001_initial")]
AFTER = [
    ("administration", "0002_criterionmapping_to_frameworks"),
    ("frameworks", "0003_criterionmapping_table"),
]


def test_the_model_belongs_to_frameworks():
    assert CriterionMapping._meta.app_label == "frameworks"
    assert CriterionMapping._meta.db_table == "frameworks_criterionmapping"


@pytest.mark.django_db(transaction=True)
def test_a_mapping_row_survives_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Index = old_apps.get_model("frameworks", "Index")
    Framework = old_apps.get_model("frameworks", "Framework")
    OldMapping = old_apps.get_model("administration", "CriterionMapping")
    index = Index.objects.create(code="thu", short_name="Thử", name_vi="Chỉ số thử")
    old = Framework.objects.create(index=index, code="thu-2025", name_vi="Khung 2025", definition={})
    new = Framework.objects.create(index=index, code="thu-2026", name_vi="Khung 2026", definition={})
    OldMapping.objects.create(source=old, target=new, mapping={"1.1": "1.2", "2": ""})
    assert "administration_criterionmapping" in connection.introspection.table_names()

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    tables = connection.introspection.table_names()
    assert "frameworks_criterionmapping" in tables and "administration_criterionmapping" not in tables
    new_apps = executor.loader.project_state(AFTER).apps
    moved = new_apps.get_model("frameworks", "CriterionMapping").objects.get(source__code="thu-2025")
    assert moved.target.code == "thu-2026" and moved.mapping == {"1.1": "1.2", "2": ""}

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # the rest of the project, as it was
    row = CriterionMapping.objects.get(source__code="thu-2025")
    assert row.mapping == {"1.1": "1.2", "2": ""}

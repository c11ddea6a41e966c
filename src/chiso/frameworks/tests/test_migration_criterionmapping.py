"""CriterionMapping moved from `administration` to `frameworks`: a database migrated before the move
keeps its mapping rows, now read through the frameworks app from the renamed table.

The migrations run on a database of their own (an SQLite file), so that going back and forth leaves
the test database and its built-in data alone."""

from __future__ import annotations

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from chiso.frameworks.models import CriterionMapping

ALIAS = "criterionmapping_move"
BEFORE = [("administration", "0001_initial"), ("frameworks", "0001_initial")]
AFTER = [
    ("administration", "0002_criterionmapping_to_frameworks"),
    ("frameworks", "0003_criterionmapping_table"),
]


def test_the_model_belongs_to_frameworks():
    assert CriterionMapping._meta.app_label == "frameworks"
    assert CriterionMapping._meta.db_table == "frameworks_criterionmapping"


@pytest.fixture
def scratch(tmp_path, django_db_blocker):
    """A connection to an empty SQLite database, removed afterwards."""
    connections.settings[ALIAS] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "move.sqlite3"),
        "OPTIONS": {},  # not PostgreSQL's pool
        "CONN_MAX_AGE": 0,
    }
    with django_db_blocker.unblock():
        yield connections[ALIAS]
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def test_a_mapping_row_survives_the_move(scratch):
    executor = MigrationExecutor(scratch)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Index = old_apps.get_model("frameworks", "Index")
    Framework = old_apps.get_model("frameworks", "Framework")
    OldMapping = old_apps.get_model("administration", "CriterionMapping")
    index = Index.objects.using(ALIAS).create(code="thu", short_name="Thử", name_vi="Chỉ số thử")
    frameworks = [
        Framework.objects.using(ALIAS).create(index=index, code=code, name_vi=code, definition={})
        for code in ("thu-2025", "thu-2026")
    ]
    OldMapping.objects.using(ALIAS).create(
        source=frameworks[0], target=frameworks[1], mapping={"1.1": "1.2", "2": ""}
    )
    assert "administration_criterionmapping" in scratch.introspection.table_names()

    executor = MigrationExecutor(scratch)
    executor.migrate(AFTER)
    tables = scratch.introspection.table_names()
    assert "frameworks_criterionmapping" in tables and "administration_criterionmapping" not in tables
    new_apps = executor.loader.project_state(AFTER).apps
    model = new_apps.get_model("frameworks", "CriterionMapping")
    assert model._meta.db_table == CriterionMapping._meta.db_table
    moved = model.objects.using(ALIAS).get(source__code="thu-2025")
    assert moved.target.code == "thu-2026" and moved.mapping == {"1.1": "1.2", "2": ""}

    executor = MigrationExecutor(scratch)
    executor.migrate(BEFORE)  # and back: the row returns to administration's table
    old_apps = executor.loader.project_state(BEFORE).apps
    back = old_apps.get_model("administration", "CriterionMapping").objects.using(ALIAS).get()
    assert back.mapping == {"1.1": "1.2", "2": ""}

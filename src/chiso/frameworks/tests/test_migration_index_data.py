"""Migration 0004: an index becomes data. A database from before it gets the built-in indices' scale,
precision and groups, and every other index keeps its level and defines no groups.

The migrations run on a database of their own (an SQLite file), as in the CriterionMapping test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

ALIAS = "index_as_data"
BEFORE = [("frameworks", "0003_criterionmapping_table")]
AFTER = [("frameworks", "0004_index_as_data")]


@pytest.fixture
def scratch(tmp_path, django_db_blocker):
    """A connection to an empty SQLite database, removed afterwards."""
    connections.settings[ALIAS] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "indices.sqlite3"),
        "OPTIONS": {},  # not PostgreSQL's pool
        "CONN_MAX_AGE": 0,
    }
    with django_db_blocker.unblock():
        yield connections[ALIAS]
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def test_the_builtin_indices_get_their_values(scratch):
    executor = MigrationExecutor(scratch)
    executor.migrate(BEFORE)
    Old = executor.loader.project_state(BEFORE).apps.get_model("frameworks", "Index")
    for code in ("papi", "par_index", "sipas"):
        Old.objects.using(ALIAS).create(code=code, short_name=code.upper(), name_vi=code)
    Old.objects.using(ALIAS).create(code="cchc_xa", short_name="CCHC xã", name_vi="x", unit_level="commune")

    executor = MigrationExecutor(scratch)
    executor.migrate(AFTER)
    Index = executor.loader.project_state(AFTER).apps.get_model("frameworks", "Index")
    rows = {i.code: i for i in Index.objects.using(ALIAS).all()}
    assert rows["papi"].max_points == Decimal(80) and rows["papi"].precision == 4
    assert rows["papi"].groups["method"] == "quartiles" and not rows["papi"].share_of_max
    assert rows["par_index"].groups["bands"][0]["min_percent"] == "90"
    assert rows["sipas"].percent and rows["sipas"].groups == {"method": "none"}
    assert rows["cchc_xa"].unit_levels == ["commune"] and rows["cchc_xa"].groups == {"method": "none"}
    assert rows["papi"].peer_nouns == {"province": "tỉnh, thành phố"}

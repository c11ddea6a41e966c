"""Migrations results 0003 and assessments 0003: the result sets and cycles of a database from before
methods were stored get the method of their framework (its index's precision and groups where it
inherits them), marked as recorded by the migration."""

from __future__ import annotations

import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps

from chiso.assessments.models import Cycle
from chiso.frameworks.method import method_of
from chiso.frameworks.models import Framework, Index
from chiso.results.models import Dataset, ResultSet
from chiso.units.organisers import default_organiser

pytestmark = pytest.mark.django_db
DEFINITION = {
    "code": "own-2021",
    "index": "own",
    "name_vi": "Khung riêng",
    "scope": "department",
    "version": "2021",
    "years": {"first": 2021, "last": None},
    "ranking": {"of": "peer_set"},  # precision and groups: the index's
    "root": {"code": "total", "name_vi": "Tổng", "max_points": "10", "method": "self"},
}
EDITOR = SimpleNamespace(connection=SimpleNamespace(alias="default"))


def test_existing_result_sets_and_cycles_get_the_method_of_their_framework():
    index = Index.objects.create(
        code="own",
        short_name="OWN",
        name_vi="Chỉ số riêng",
        unit_level="department",
        precision=3,
        groups={"method": "quartiles"},
    )
    framework = Framework.objects.create(
        index=index, code="own-2021", name_vi="Khung riêng", scope="department", definition=DEFINITION
    )
    dataset = Dataset.objects.create(code="d", title="Bảng")
    result_set = ResultSet.objects.create(index=index, year=2021, framework=framework, dataset=dataset)
    cycle = Cycle.objects.create(
        organiser=default_organiser(),
        name="Kỳ 2021",
        framework=framework,
        year=2021,
        block="Sở",
        self_assessment_due=date(2021, 12, 31),
    )
    assert result_set.method == {} and cycle.method == {}
    importlib.import_module("chiso.results.migrations.0003_resultset_method").record_methods(apps, EDITOR)
    importlib.import_module("chiso.assessments.migrations.0003_cycle_method").record_methods(apps, EDITOR)
    result_set.refresh_from_db()
    cycle.refresh_from_db()
    expected = method_of(framework, "migration")
    assert result_set.method == expected and cycle.method == expected
    assert expected["precision"] == 3 and expected["groups"]["method"] == "quartiles"
    # A row that has its method keeps it.
    papi = ResultSet.objects.published().get(index__code="papi", year=2021)
    assert papi.method["recorded"] == "write"

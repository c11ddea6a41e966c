"""Result sets of one level: migration 0005 fills the level of the existing ones; writing takes the
level (the index's first by default) and versions each level on its own; the analysis of one level
ranks its units only."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from chiso.engine.units import Unit as EngineUnit
from chiso.frameworks.models import Framework, Index
from chiso.results.models import Dataset, ResultSet
from chiso.results.services import ResultSetData, UnitRow, analyse, result_levels, write_result_set
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db
EDITOR = SimpleNamespace(connection=SimpleNamespace(alias="default"))
DEFINITION = {
    "code": "two-2025",
    "index": "two",
    "name_vi": "Khung hai cấp",
    "scope": "department",
    "version": "2025",
    "years": {"first": 2025, "last": None},
    "ranking": {"of": "peer_set"},
    "root": {"code": "total", "name_vi": "Tổng", "max_points": "10", "method": "self"},
}


@pytest.fixture
def two_levels() -> tuple[Index, Framework]:
    index = Index.objects.create(
        code="two", short_name="TWO", name_vi="Chỉ số hai cấp", unit_levels=["department", "commune"]
    )
    framework = Framework.objects.create(
        index=index, code="two-2025", name_vi="Khung", scope="department", definition=DEFINITION
    )
    Unit.objects.create(level="province", code="98", name="Tỉnh Hai")
    for i in range(1, 4):
        Unit.objects.create(level="department", code=f"98.S{i}", name=f"Sở {i}", parent_code="98")
        Unit.objects.create(level="commune", code=f"9800{i}", name=f"Xã {i}", parent_code="98")
    return index, framework


def rows(level: str, points: list[str]) -> list[UnitRow]:
    units = Unit.objects.filter(level=level, parent_code="98").order_by("code")
    return [
        UnitRow(unit=unit.to_engine(), values={"total": Decimal(p)})
        for unit, p in zip(units, points, strict=False)
    ]


def write(index: Index, framework: Framework, level: str, points: list[str]) -> ResultSet:
    data = ResultSetData(index, 2025, framework, rows(level, points), period="2025-10", level=level)
    dataset = Dataset.objects.create(code=f"d-{level}-{Dataset.objects.count()}", title="Bảng")
    return write_result_set(data, dataset, replace=True, publish=True)


def test_the_migration_gives_existing_result_sets_their_indexs_first_level(two_levels) -> None:
    index, framework = two_levels
    dataset = Dataset.objects.create(code="d", title="Bảng")
    result_set = ResultSet.objects.create(index=index, year=2024, framework=framework, dataset=dataset)
    assert result_set.level == "department"  # written without a level: the index's first
    ResultSet.objects.filter(pk=result_set.pk).update(level="")  # as before the migration
    papi = ResultSet.objects.filter(index__code="papi").values_list("pk", flat=True)[0]
    ResultSet.objects.filter(pk=papi).update(level="")
    importlib.import_module("chiso.results.migrations.0005_resultset_level").fill_levels(apps, EDITOR)
    assert ResultSet.objects.get(pk=result_set.pk).level == "department"
    assert ResultSet.objects.get(pk=papi).level == "province"
    assert not ResultSet.objects.filter(level="").exists()


def test_a_department_and_a_commune_set_coexist_each_versioned(two_levels) -> None:
    index, framework = two_levels
    departments = write(index, framework, "department", ["9", "7", "8"])
    communes = write(index, framework, "commune", ["5", "6"])
    assert (departments.level, departments.version, communes.level, communes.version) == (
        "department",
        1,
        "commune",
        1,
    )
    assert departments.status == communes.status == ResultSet.Status.PUBLISHED
    assert communes.method["level"] == "commune"
    again = write(index, framework, "commune", ["6", "5"])
    departments.refresh_from_db()
    communes.refresh_from_db()
    assert again.version == 2 and communes.status == ResultSet.Status.SUPERSEDED
    assert departments.status == ResultSet.Status.PUBLISHED  # the other level untouched
    assert result_levels(index, 2025, "2025-10") == ["department", "commune"]
    with pytest.raises(IntegrityError), transaction.atomic():  # still one published per level
        ResultSet.objects.create(
            index=index,
            year=2025,
            period="2025-10",
            level="commune",
            framework=framework,
            dataset=again.dataset,
            version=7,
            status=ResultSet.Status.PUBLISHED,
        )


def test_each_level_is_analysed_among_its_own_units(two_levels) -> None:
    index, framework = two_levels
    write(index, framework, "department", ["9", "7", "8"])
    write(index, framework, "commune", ["5", "6"])
    departments = analyse(index, 2025, period="2025-10")
    communes = analyse(index, 2025, period="2025-10", level="commune")
    assert {u.level for u in departments.current.peers} == {"department"}
    assert {u.level for u in communes.current.peers} == {"commune"}
    ranks = {e.unit.code: (e.rank, communes.total_ranking.of) for e in communes.total_ranking.entries}
    assert ranks == {"98001": (2, 3), "98002": (1, 3)}


def test_a_unit_of_another_level_is_not_written(two_levels) -> None:
    index, framework = two_levels
    commune = Unit.objects.filter(level="commune").first()
    assert commune is not None
    wrong = [UnitRow(unit=EngineUnit(code=commune.code, name=commune.name, level="commune"), values={})]
    data = ResultSetData(index, 2025, framework, wrong, period="2025-10")  # the departments' set
    with pytest.raises(LookupError):
        write_result_set(data, Dataset.objects.create(code="w", title="Bảng"))
    assert not ResultSet.objects.filter(index=index).exists()

"""Every framework file shipped in chiso/data/frameworks loads, round-trips and has no validation error."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

import chiso
from chiso.engine.scoring import aggregate, score_unit
from chiso.engine.validation import validate_framework
from chiso.frameworks.io import dump_framework_yaml, load_framework_yaml

FRAMEWORK_DIR = Path(chiso.__file__).parent / "data" / "frameworks"
FILES = sorted(FRAMEWORK_DIR.glob("*.yaml"))


def test_there_are_framework_files() -> None:
    names = {f.stem for f in FILES}
    assert {"par-index-province-876-2022", "sipas-2023", "camau-1880-2013-partial"} <= names


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_framework_file_is_valid(path: Path) -> None:
    framework = load_framework_yaml(path)
    assert framework.code == path.stem
    errors = [str(p) for p in validate_framework(framework) if p.severity == "error"]
    assert errors == []
    assert load_framework_yaml(dump_framework_yaml(framework)) == framework


def par_files() -> list[Path]:
    return [f for f in FILES if f.stem.startswith("par-index-province-")]


@pytest.mark.parametrize("path", par_files(), ids=[f.stem for f in par_files()])
def test_par_index_files(path: Path) -> None:
    framework = load_framework_yaml(path)
    assert framework.index == "par_index"
    assert framework.max_points == D(100)
    assert len(framework.root.children) == 8
    assert [b.min_percent for b in framework.ranking.groups.bands] == [D(90), D(80), D(70), D(0)]
    assert framework.ranking.precision == 2


def test_par_index_years_cover_2012_to_2025_without_overlap() -> None:
    frameworks = [load_framework_yaml(p) for p in par_files()]
    for year in range(2012, 2027):
        covering = [f.code for f in frameworks if f.covers(year)]
        assert len(covering) == 1, (year, covering)


def test_1150_self_assessed_maxima_total_65() -> None:
    framework = load_framework_yaml(FRAMEWORK_DIR / "par-index-province-1150-2019.yaml")
    parts = [n.max_points for n in framework.nodes() if n.code.endswith("-TD")]
    assert parts == [D(7), D(5), D(14), D("7.5"), D(8), D("8.5"), D(9), D(6)]
    assert sum((p for p in parts if p is not None), D(0)) == D(65)
    assert all(n.max_points is None for n in framework.nodes() if n.code.endswith("-XHH"))


def test_sipas_root_is_the_mean_of_its_factors() -> None:
    framework = load_framework_yaml(FRAMEWORK_DIR / "sipas-2023.yaml")
    factors = [c.code for c in framework.root.children]
    # SIPAS 2023 factor results as reported: 83, 83.02, 83.12, 83.03, 82.27.
    values = dict(zip(factors, [D("83"), D("83.02"), D("83.12"), D("83.03"), D("82.27")], strict=True))
    assert aggregate(framework, values)["sipas"].points == D("82.888")


def test_camau_rules_score_a_unit() -> None:
    framework = load_framework_yaml(FRAMEWORK_DIR / "camau-1880-2013-partial.yaml")
    inputs = {
        "1.1.1": {"choice": "khong_kip_thoi"},
        "1.1.2": {"choice": "dat"},
        "1.1.3": {"choice": "khong_dat"},
        "1.1.4": {"value": "90"},  # "từ 70% - 90%": 1 point
        "1.2.1": {"choice": "dat"},
        "1.2.2": {"choice": "dat"},
        "1.3": {"points": "2,5"},
    }
    result = score_unit(framework, inputs)
    assert result.points("1.1") == D("2.5")
    assert result.points("1.2") == D(2)
    assert result.points("1") == D(7)  # only the legible criteria
    assert result.node("1.1").percent == D(50)

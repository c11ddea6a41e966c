"""The built-in frameworks of the indices run below the province and beside the Ministry's: DGI
(Quảng Ninh), DDCI (districts and departments), the e-government level (2392/QĐ-BTTTT) and DTI
(922/QĐ-BTTTT). What the sources give is checked; what they do not give must stay unknown."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

import chiso
from chiso.engine.frameworks import WEIGHTED, Framework
from chiso.engine.scoring import aggregate
from chiso.engine.validation import validate_framework
from chiso.frameworks.io import load_framework_yaml

DATA_DIR = Path(chiso.__file__).parent / "data"
FRAMEWORK_DIR = DATA_DIR / "frameworks"

# file stem → (index, scope)
NEW_FILES = {
    "dgi-quang-ninh-949-2019": ("dgi", "district"),
    "dgi-quang-ninh-3447-2022": ("dgi", "district"),
    "ddci-district": ("ddci", "district"),
    "ddci-department": ("ddci", "department"),
    "egov-district-2392-2018": ("egov", "district"),
    "egov-commune-2392-2018": ("egov", "commune"),
    "dti-province-922-2022": ("dti", "province"),
}


def load(stem: str) -> Framework:
    return load_framework_yaml(FRAMEWORK_DIR / f"{stem}.yaml")


@pytest.mark.parametrize("stem", sorted(NEW_FILES))
def test_file_validates_with_its_index_scope_sources_and_no_groups(stem: str) -> None:
    framework = load(stem)
    index, scope = NEW_FILES[stem]
    assert (framework.code, framework.index, framework.scope) == (stem, index, scope)
    assert [p for p in validate_framework(framework) if p.is_error] == []
    # Sources: a decision (or the model's page) with its number, the research note, and a note.
    assert framework.legal_basis and all(lb.number for lb in framework.legal_basis)
    assert "domain.md §" in framework.source
    assert framework.note and framework.name_en
    # None of these publishers defines groups: no quartiles by default.
    assert framework.ranking.groups.method == "none"
    assert framework.ranking.groups.labels_vi == ()


@pytest.mark.parametrize("stem", sorted(NEW_FILES))
def test_every_index_of_the_frameworks_is_shipped(stem: str) -> None:
    indices = yaml.safe_load((DATA_DIR / "indices.yaml").read_text(encoding="utf-8"))
    codes = {item["code"]: item for item in indices}
    index = codes[NEW_FILES[stem][0]]
    assert index["short_name"] and index["name_vi"] and index["name_en"] and index["publisher"]


def test_dgi_maxima_unknown_under_949_and_80_inferred_under_3447() -> None:
    old, new = load("dgi-quang-ninh-949-2019"), load("dgi-quang-ninh-3447-2022")
    assert old.max_points is None and old.root.is_leaf
    assert new.max_points == D(80) and new.root.is_leaf
    assert "949/QĐ-UBND" in [lb.number for lb in old.legal_basis]
    assert "3447/QĐ-UBND" in [lb.number for lb in new.legal_basis]
    # Seed 004: "được 73,18 điểm đạt 91,48 %" is what makes the 80; the file says it is inferred.
    assert round(D("73.18") / new.max_points * 100, 2) == D("91.48")
    assert "suy ra" in new.note and "73,18" in new.note
    # The two versions follow each other, ending when the districts did (30/06/2025).
    covering = {year: [f.code for f in (old, new) if f.covers(year)] for year in range(2019, 2026)}
    assert all(len(codes) == 1 for year, codes in covering.items() if year < 2025)
    assert covering[2025] == []


def test_ddci_district_has_the_10_core_components_with_unknown_maxima() -> None:
    framework = load("ddci-district")
    names = [child.name_vi for child in framework.root.children]
    assert len(names) == 10
    assert names[0] == "Chi phí gia nhập thị trường"
    assert names[9].startswith("Hiệu quả của công tác an ninh trật tự")
    assert all(node.max_points is None for node in framework.nodes())
    # Weights unknown: a total is never made up from the components.
    assert framework.aggregation == WEIGHTED
    values = {child.code: D(6) for child in framework.root.children}
    assert aggregate(framework, values)["total"].points is None


def test_ddci_department_has_5_components_the_fifth_a_marked_placeholder() -> None:
    framework = load("ddci-department")
    children = framework.root.children
    assert len(children) == 5
    assert children[1].name_vi == "Chất lượng dịch vụ công"
    fifth = children[4]
    assert fifth.code == "component_5"
    assert "chưa rõ tên" in fifth.name_vi and "unknown" in fifth.name_en
    assert "Chỗ giữ" in fifth.note
    assert all(node.max_points is None for node in framework.nodes())


def test_egov_220_is_data_and_said_to_be_unverified() -> None:
    district, commune = load("egov-district-2392-2018"), load("egov-commune-2392-2018")
    assert district.max_points == D(220)
    assert "CHƯA KIỂM CHỨNG" in district.note and "UNVERIFIED" in district.note
    # Seed 004: "165,02/220 điểm đạt 75,01 %".
    assert round(D("165.02") / district.max_points * 100, 2) == D("75.01")
    assert commune.max_points is None
    assert {lb.number for lb in district.legal_basis} >= {"2392/QĐ-BTTTT"}
    assert [lb.date for lb in commune.legal_basis] == ["25/12/2017"]


def test_dti_has_9_main_indices_adding_up_to_1000() -> None:
    framework = load("dti-province-922-2022")
    assert framework.max_points == D(1000)
    groups = framework.root.children
    assert [g.max_points for g in groups] == [D(500), D(500)]
    main = [node for group in groups for node in group.children]
    assert [n.code for n in main] == [str(i) for i in range(1, 10)]
    assert [n.max_points for n in main] == [D(p) for p in (100, 100, 100, 100, 100, 0, 200, 150, 150)]
    assert sum((n.max_points for n in main if n.max_points is not None), D(0)) == D(1000)
    assert main[5].name_vi == "Đô thị thông minh"  # not scored
    assert "suy ra" in main[8].note  # the 150 of index 9 is inferred, and said so
    assert [lb.number for lb in framework.legal_basis] == ["922/QĐ-BTTTT"]


def test_dti_reproduces_a_published_total_from_its_main_indices() -> None:
    """Quảng Ninh, DTI 2022 (dti.gov.vn): main indices as shares 0–1, total 0,7024 — in points ×1000."""
    framework = load("dti-province-922-2022")
    shares = ["0.9581", "0.9000", "0.7648", "0.6250", "0.5382", "0", "0.8385", "0.5904", "0.4505"]
    main = [node for group in framework.root.children for node in group.children]
    maxima = [node.max_points or D(0) for node in main]
    values = {node.code: D(share) * top for node, share, top in zip(main, shares, maxima, strict=True)}
    total = aggregate(framework, values)["total"].points
    assert total is not None and round(total, framework.ranking.precision) == D("702.4")


@pytest.mark.django_db
def test_setup_loads_them_and_frameworks_list_shows_them(capsys: pytest.CaptureFixture[str]) -> None:
    from chiso.cli.main import main
    from chiso.frameworks.models import Framework as FrameworkRow
    from chiso.frameworks.models import Index
    from chiso.frameworks.services import find_index, framework_for, load_builtin

    load_builtin()
    for stem, (index, scope) in NEW_FILES.items():
        row = FrameworkRow.objects.get(code=stem)
        assert row.builtin and row.index.code == index and row.scope == scope
    assert Index.objects.get(code="dgi").unit_level == "district"
    assert find_index("e-government").code == "egov"
    assert framework_for(find_index("DGI"), 2022).code == "dgi-quang-ninh-3447-2022"
    assert framework_for(find_index("dti"), 2023).code == "dti-province-922-2022"
    assert main(["frameworks", "list"]) == 0
    out = capsys.readouterr().out
    for stem in NEW_FILES:
        assert stem in out


@pytest.mark.django_db
def test_framework_for_picks_the_framework_of_a_level() -> None:
    from chiso.frameworks.services import find_index, framework_for

    ddci, egov = find_index("ddci"), find_index("egov")
    assert ddci.levels == ["district", "department"]
    # By default the ranked level (the districts); a level reaches the other framework.
    assert framework_for(ddci, 2024).code == "ddci-district"
    assert framework_for(ddci, 2024, "district").code == "ddci-district"
    assert framework_for(ddci, 2024, "department").code == "ddci-department"
    assert framework_for(ddci, 2026, "department").code == "ddci-department"  # no years: any year
    assert framework_for(egov, 2020, "commune").code == "egov-commune-2392-2018"
    # None: the message names the index, the year and the level.
    with pytest.raises(LookupError) as caught:
        framework_for(ddci, 2026)  # the district DDCI ends in 2024
    assert str(caught.value) == (
        "Chỉ số DDCI chưa có khung tiêu chí cho năm 2026, cấp huyện, thị xã, thành phố (district)."
    )
    with pytest.raises(
        LookupError, match=r"^Chỉ số DDCI .* năm 2024, cấp phòng, ban chuyên môn \(office\)\.$"
    ):
        framework_for(ddci, 2024, "office")

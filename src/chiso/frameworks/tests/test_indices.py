"""Indices as data: the built-in file, `chiso indices …`, a framework file that carries its index."""

import json
from decimal import Decimal

import pytest

from chiso.cli.main import main
from chiso.frameworks.indices import IndexDataError, clean_index, ensure_index, import_indices
from chiso.frameworks.io import load_framework_yaml
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import framework_for, save_framework

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


DGI_FILE = """\
- code: dgx
  short_name: DGI
  name_vi: Chỉ số Chuyển đổi số
  unit_levels: [district]
  max_points: 80
  share_of_max: true
  peer_nouns: {district: 'huyện, thị xã, thành phố'}
- code: egx
  name_vi: Chỉ số Chính quyền điện tử
  unit_levels: [district]
  max_points: 220
  groups: none
"""

DGI_FRAMEWORK = """\
code: dgx-district-2021
index:
  code: dgx
  short_name: DGI
  name_vi: Chỉ số Chuyển đổi số
  unit_levels: [district]
  max_points: 80
  share_of_max: true
name_vi: Chỉ số Chuyển đổi số cấp huyện
scope: district
years: {first: 2021, last: null}
root:
  code: total
  name_vi: Tổng điểm
  max_points: 80
  children:
  - {code: a, name_vi: Hạ tầng, max_points: 40}
  - {code: b, name_vi: Dịch vụ, max_points: 40}
"""


def test_the_builtin_indices_carry_their_scale_and_groups():
    papi, par, sipas, pci = (Index.objects.get(code=c) for c in ("papi", "par_index", "sipas", "pci"))
    assert (papi.max_points, papi.precision, papi.groups["method"]) == (Decimal(80), 4, "quartiles")
    assert par.groups["method"] == "bands" and par.group_rule().bands[0].min_percent == Decimal(90)
    assert sipas.percent and sipas.maximum == Decimal(100) and sipas.groups == {"method": "none"}
    assert pci.groups["method"] == "published" and pci.group_rule().labels_vi[0] == "Rất tốt"
    assert not papi.share_of_max and papi.peer_noun() == "tỉnh, thành phố"
    # The built-in frameworks state their own groups: nothing changes for them.
    assert framework_for(papi, 2021).to_engine().ranking.groups.method == "quartiles"


def test_list_and_show(capsys):
    code, out, _ = run(capsys, "indices", "list")
    assert code == 0
    assert "papi" in out and "/80" in out and "quartiles" in out and "sipas" in out
    code, out, _ = run(capsys, "indices", "show", "par")
    assert code == 0 and "PAR INDEX" in out and "bands" in out and "876/QĐ-BNV" in out
    code, out, _ = run(capsys, "indices", "show", "sipas", "--format", "json")
    assert json.loads(out)["percent"] is True


def test_add_a_district_index_then_show_it(capsys):
    code, out, err = run(
        capsys,
        "indices", "add", "dgx", "--name", "Chỉ số Chuyển đổi số", "--short-name", "DGI",
        "--max", "80", "--level", "district", "--share-of-max",
    )  # fmt: skip
    assert code == 0, err
    index = Index.objects.get(code="dgx")
    assert index.unit_level == "district" and index.levels == ["district"]
    assert index.groups == {"method": "none"} and index.share_of_max
    assert index.wording("district").peer_noun == "huyện, thị xã, thành phố"
    code, out, _ = run(capsys, "indices", "show", "dgx", "--format", "yaml")
    assert "max_points: 80" in out and "share_of_max: true" in out
    code, _, err = run(capsys, "indices", "add", "dgx", "--name", "Lại", "--max", "80")
    assert code == 1 and "Đã có chỉ số dgx" in err


def test_add_refuses_bad_values_naming_the_field(capsys):
    code, _, err = run(capsys, "indices", "add", "x", "--name", "X", "--max", "abc", "--level", "huyen")
    assert code == 1
    assert "Chỉ số x, trường max_points" in err and "Chỉ số x, trường unit_levels" in err
    assert not Index.objects.filter(code="x").exists()


def test_add_needs_a_maximum_or_percent(capsys):
    with pytest.raises(SystemExit):
        main(["indices", "add", "x", "--name", "X"])
    assert "--max" in capsys.readouterr().err


def test_a_percentage_index_and_a_peer_noun_of_its_own(capsys):
    code, _, err = run(
        capsys,
        "indices", "add", "sipas_qn", "--name", "SIPAS huyện", "--percent", "--level", "commune",
        "--peer-noun", "xã, phường, thị trấn", "--groups", "quartiles", "--precision", "3",
    )  # fmt: skip
    assert code == 0, err
    index = Index.objects.get(code="sipas_qn")
    assert index.percent and index.maximum == Decimal(100) and index.precision == 3
    assert index.peer_noun("commune") == "xã, phường, thị trấn"
    assert index.group_rule().method == "quartiles" and len(index.group_rule().labels_vi) == 4


def test_import_a_file_then_again(tmp_path, capsys):
    path = tmp_path / "indices.yaml"
    path.write_text(DGI_FILE, encoding="utf-8")
    code, out, err = run(capsys, "indices", "import", str(path))
    assert code == 0, err
    assert "dgx: đã thêm" in out and "egx: đã thêm" in out
    assert Index.objects.get(code="egx").max_points == Decimal(220)
    code, out, _ = run(capsys, "indices", "import", str(path))
    assert "dgx: không đổi" in out
    path.write_text(DGI_FILE.replace("max_points: 220", "max_points: 200"), encoding="utf-8")
    code, out, _ = run(capsys, "indices", "import", str(path))
    assert "egx: đã cập nhật" in out and Index.objects.get(code="egx").max_points == Decimal(200)


def test_an_import_with_one_bad_entry_writes_nothing(tmp_path, capsys):
    path = tmp_path / "indices.yaml"
    path.write_text(DGI_FILE + "  precision: many\n  colour: red\n", encoding="utf-8")
    code, _, err = run(capsys, "indices", "import", str(path))
    assert code == 1
    assert "Chỉ số egx, trường precision" in err and "Chỉ số egx, trường colour" in err
    assert not Index.objects.filter(code__in=["dgx", "egx"]).exists()


def test_import_problems_with_groups_and_levels():
    _, problems = clean_index(
        {"code": "a", "name_vi": "A", "unit_levels": ["hamlet"], "groups": {"method": "bands", "bands": []}},
        "a",
    )
    assert any("unit_levels" in p and "office, service_unit, central_agency" in p for p in problems)
    assert any("groups.bands" in p for p in problems)
    values, problems = clean_index(
        {"code": "a", "name_vi": "A", "unit_levels": ["hamlet"], "peer_nouns": {"hamlet": "thôn"}}, "a"
    )
    assert problems == [] and values["unit_levels"] == ["hamlet"]
    # The offices of a district, public service units and central agencies are known levels.
    values, problems = clean_index(
        {"code": "a", "name_vi": "A", "unit_levels": ["office", "service_unit", "central_agency"]}, "a"
    )
    assert problems == [] and values["unit_levels"] == ["office", "service_unit", "central_agency"]
    _, problems = clean_index({"code": "A b", "name_vi": "", "unit_levels": ["province"]}, "A b")
    assert any("trường code" in p for p in problems) and any("trường name_vi" in p for p in problems)


def test_a_framework_file_may_carry_its_index(tmp_path, capsys):
    path = tmp_path / "dgx.yaml"
    path.write_text(DGI_FRAMEWORK, encoding="utf-8")
    code, out, err = run(capsys, "frameworks", "import", str(path))
    assert code == 0, err
    assert "Đã thêm chỉ số dgx." in out
    index = Index.objects.get(code="dgx")
    framework = framework_for(index, 2022).to_engine()
    # The file states no ranking: the index's (no groups, 2 decimals) applies, never quartiles.
    assert framework.ranking.groups.method == "none" and framework.ranking.precision == 2
    assert "groups" not in Framework.objects.get(code="dgx-district-2021").definition["ranking"]


def test_a_framework_file_whose_index_differs_is_refused(tmp_path, capsys):
    ensure_index(
        {"code": "dgx", "name_vi": "Chỉ số Chuyển đổi số", "unit_levels": ["district"], "max_points": 100}
    )
    path = tmp_path / "dgx.yaml"
    path.write_text(DGI_FRAMEWORK, encoding="utf-8")
    code, _, err = run(capsys, "frameworks", "import", str(path))
    assert code == 1
    assert "max_points, share_of_max." in err
    assert not Framework.objects.filter(code="dgx-district-2021").exists()


def test_a_framework_carrying_an_identical_index_is_accepted():
    ensure_index({"code": "dgx", "name_vi": "DGI", "unit_levels": ["district"]})
    index, created = ensure_index({"code": "dgx", "name_vi": "DGI"})
    assert not created and index.code == "dgx"
    with pytest.raises(IndexDataError):
        ensure_index({"code": "dgx", "name_vi": "Khác"})


def test_changing_the_index_reaches_frameworks_that_inherit():
    import_indices(DGI_FILE)
    _head, tree = DGI_FRAMEWORK.split("name_vi: Chỉ số Chuyển đổi số cấp huyện\n")
    save_framework(load_framework_yaml("code: dgx-district-2021\nindex: dgx\nname_vi: DGI huyện\n" + tree))
    index = Index.objects.get(code="dgx")
    assert framework_for(index, 2021).to_engine().ranking.groups.method == "none"
    index.groups = {"method": "quartiles"}
    index.precision = 3
    index.save()
    framework = framework_for(index, 2021).to_engine()
    assert framework.ranking.groups.method == "quartiles" and framework.ranking.precision == 3


def test_profile_json_states_the_peer_noun_and_share_of_the_maximum(capsys):
    code, out, err = run(capsys, "profile", "papi", "2021", "Ninh Thuận", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["peer_noun"] == "tỉnh, thành phố"
    assert data["percent_of_max"] == 54.79 and data["percent"] is False
    assert "14/63 tỉnh, thành phố" in data["sentence_vi"]


EGOV_FRAMEWORK = """\
code: egx-province-2021
index:
  code: egx
  short_name: CQĐT
  name_vi: Chỉ số Chính quyền điện tử
  unit_levels: [province]
  max_points: 220
  share_of_max: true
name_vi: Chỉ số Chính quyền điện tử cấp tỉnh
scope: province
years: {first: 2021, last: null}
root:
  code: total
  name_vi: Tổng điểm
  max_points: 220
  children:
  - {code: a, name_vi: Hạ tầng, max_points: 120}
  - {code: b, name_vi: Dịch vụ, max_points: 100}
"""


def test_a_new_index_from_its_framework_file_to_the_profile_sentence(tmp_path, capsys):
    """The index of a framework file, two years of results, and the sentence in the index's words:
    the share of the maximum, the peer noun, and no group for an index that defines none."""
    (tmp_path / "egx.yaml").write_text(EGOV_FRAMEWORK, encoding="utf-8")
    (tmp_path / "2021.csv").write_text("Tỉnh,a,b\nHà Nội,80,49.68\nNinh Thuận,95,60\nCao Bằng,50,45\n")
    (tmp_path / "2022.csv").write_text("Tỉnh,a,b\nHà Nội,100,65.02\nNinh Thuận,90,60\nCao Bằng,50,40\n")
    assert run(capsys, "frameworks", "import", str(tmp_path / "egx.yaml"))[0] == 0
    for year in ("2021", "2022"):
        code, _, err = run(
            capsys,
            "import-results",
            str(tmp_path / f"{year}.csv"),
            "--index",
            "egx",
            "--year",
            year,
            "--publish",
        )
        assert code == 0, err
    code, out, err = run(capsys, "profile", "egx", "2022", "Hà Nội", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["group"] is None and data["percent_of_max"] == 75.01
    assert data["sentence_vi"] == (
        "Chỉ số CQĐT năm 2022 của thành phố Hà Nội đạt 165,02/220 điểm, đạt 75,01 %, "
        "xếp hạng 1/63 tỉnh, thành phố; tăng 35,34 điểm và tăng 1 bậc so với năm 2021."
    )

"""A framework that figures were computed on (a result set, a cycle in which a unit has started)
never changes, whatever the path: the command line, the web pages, the editor, the built-in loader,
the Django admin. The guard is in the services (`save_framework`, `save_index`); a change is a new
version."""

from __future__ import annotations

import json

import pytest
import yaml
from django.contrib import admin
from django.urls import reverse

from chiso.assessments.models import Cycle
from chiso.cli.main import main
from chiso.frameworks import editor
from chiso.frameworks.copy import copy_framework
from chiso.frameworks.indices import import_indices, index_to_dict
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import FrameworkLocked, load_builtin, save_framework
from chiso.frameworks.tests.test_indices import EGOV_FRAMEWORK
from chiso.results.models import ResultSet

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ninh_thuan_2021(capsys) -> tuple[int, int]:
    code, out, err = run(capsys, "profile", "papi", "2021", "Ninh Thuận", "--format", "json")
    assert code == 0, err
    profile = json.loads(out)
    return profile["rank"], profile["of"]


def test_the_attack_export_change_the_precision_import_replace_is_refused(tmp_path, capsys):
    """`chiso frameworks export papi-2018`, precision 4 → 0, `import --replace`: Ninh Thuận's PAPI
    2021 would go from 14/63 (the press's figure) to 9/63."""
    stored = Framework.objects.get(code="papi-2018")
    target = tmp_path / "x.yaml"
    assert run(capsys, "frameworks", "export", "papi-2018", "-o", target)[0] == 0
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data["ranking"]["precision"] = 0
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _out, err = run(capsys, "frameworks", "import", target, "--replace")
    assert code == 1
    assert "papi-2018" in err and "kết quả PAPI năm" in err and "phiên bản mới" in err
    row = Framework.objects.get(code="papi-2018")
    assert row.definition == stored.definition and row.builtin and row.updated == stored.updated
    assert ninh_thuan_2021(capsys) == (14, 63)


def test_the_same_file_imported_again_changes_nothing_and_keeps_builtin(tmp_path, capsys):
    stored = Framework.objects.get(code="papi-2018")
    target = tmp_path / "x.yaml"
    assert run(capsys, "frameworks", "export", "papi-2018", "-o", target)[0] == 0
    code, _out, err = run(capsys, "frameworks", "import", target, "--replace")
    assert code == 0, err
    row = Framework.objects.get(code="papi-2018")
    assert row.builtin and row.definition == stored.definition and row.updated == stored.updated


def test_a_builtin_framework_without_figures_is_not_replaced_nor_loses_its_flag(tmp_path, capsys):
    """DTI 922/2022 has no result set: still, a replace from a file may not turn it into an ordinary
    framework (only the built-in loader writes it)."""
    assert not ResultSet.objects.filter(framework__code="dti-province-922-2022").exists()
    target = tmp_path / "dti.yaml"
    assert run(capsys, "frameworks", "export", "dti-province-922-2022", "-o", target)[0] == 0
    target.write_text(target.read_text(encoding="utf-8").replace("precision: 1", "precision: 3"), "utf-8")
    code, _out, err = run(capsys, "frameworks", "import", target, "--replace")
    assert code == 1 and "có sẵn trong chiso" in err
    row = Framework.objects.get(code="dti-province-922-2022")
    assert row.builtin and row.to_engine().ranking.precision == 1


def _own_framework_with_results(tmp_path, capsys) -> Framework:
    """An index and a framework of the officer's (inheriting the index's precision and groups) with
    one published result set."""
    (tmp_path / "egx.yaml").write_text(EGOV_FRAMEWORK, encoding="utf-8")
    (tmp_path / "2021.csv").write_text("Tỉnh,a,b\nHà Nội,80,49.68\nNinh Thuận,95,60\nCao Bằng,80,49.6\n")
    assert run(capsys, "frameworks", "import", tmp_path / "egx.yaml")[0] == 0
    code, _out, err = run(
        capsys, "import-results", tmp_path / "2021.csv", "--index", "egx", "--year", "2021", "--publish"
    )
    assert code == 0, err
    return Framework.objects.get(code="egx-province-2021")


def test_the_editor_refuses_a_framework_with_result_sets_and_a_copy_is_the_way(tmp_path, capsys):
    row = _own_framework_with_results(tmp_path, capsys)
    assert not row.builtin
    refusal = editor.edit_refusal(row)
    assert "kết quả CQĐT năm 2021" in refusal
    with pytest.raises(editor.EditRefused):
        editor.move_node(row, None, "b", -1)
    with pytest.raises(FrameworkLocked):
        engine = row.to_engine()
        engine.root.children.reverse()
        save_framework(engine)
    assert Framework.objects.get(pk=row.pk).definition == row.definition
    # A new version (a copy under a new code) may be edited.
    copy, _mapping = copy_framework(row, "egx-province-2023", 2023)
    assert editor.edit_refusal(copy) == ""
    editor.move_node(copy, None, "b", -1)


def test_the_web_import_refuses_a_framework_with_result_sets(tmp_path, capsys, officer_client):
    row = _own_framework_with_results(tmp_path, capsys)
    text = EGOV_FRAMEWORK.replace("max_points: 120", "max_points: 110").replace(
        "max_points: 100}", "max_points: 110}"
    )
    upload = tmp_path / "egx2.yaml"
    upload.write_text(text, encoding="utf-8")
    with upload.open("rb") as handle:
        response = officer_client.post(reverse("frameworks:list"), {"file": handle, "replace": "on"})
    assert "kết quả CQĐT năm 2021" in response.content.decode()
    assert Framework.objects.get(pk=row.pk).definition == row.definition


def test_an_index_change_that_an_inheriting_framework_in_use_would_feel_is_refused(tmp_path, capsys):
    row = _own_framework_with_results(tmp_path, capsys)
    assert row.to_engine().ranking.inherited == {"precision", "groups"}
    before = index_to_dict(Index.objects.get(code="egx"))
    for change in ({"precision": 0}, {"groups": "quartiles"}, {"unit_levels": ["district"]}):
        entry = {**before, "max_points": 220, **change}
        (tmp_path / "egx-index.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), "utf-8")
        code, _out, err = run(capsys, "indices", "import", tmp_path / "egx-index.yaml")
        assert code == 1 and "egx-province-2021" in err, change
        assert index_to_dict(Index.objects.get(code="egx")) == before
    # What does not move figures may change (the publisher, the wording).
    entry = {**before, "max_points": 220, "publisher": "Sở Khoa học và Công nghệ"}
    assert import_indices(yaml.safe_dump([entry], allow_unicode=True))[0][1] == "updated"


def test_the_index_page_refuses_it_too(tmp_path, capsys, officer_client):
    _own_framework_with_results(tmp_path, capsys)
    index = Index.objects.get(code="egx")
    data = {
        "short_name": index.short_name,
        "name_vi": index.name_vi,
        "unit_levels": "province",
        "max_points": "220",
        "precision": "0",
        "groups": "none",
        "share_of_max": "on",
    }
    response = officer_client.post(reverse("frameworks:index_edit", args=["egx"]), data)
    assert response.status_code == 422
    assert "egx-province-2021" in response.content.decode()
    assert Index.objects.get(code="egx").precision == index.precision


def test_a_started_cycle_freezes_its_framework_for_every_path(cycle):
    """The cycle fixture has a unit started on its framework: a file import is refused as the
    editor is."""
    row = cycle.framework
    engine = row.to_engine()
    engine.root.children[0].name_vi = "Tên khác"
    with pytest.raises(FrameworkLocked, match="đã bắt đầu tự đánh giá"):
        save_framework(engine)
    # Before any unit starts, the framework may still be corrected.
    Cycle.objects.filter(pk=cycle.pk).delete()
    assert save_framework(engine).to_engine().root.children[0].name_vi == "Tên khác"


def test_reloading_the_builtin_files_never_changes_a_framework_with_figures():
    """An upgrade adds what was shipped since and leaves the rest; a full reload that would change a
    framework with published figures is refused and writes nothing."""
    row = Framework.objects.get(code="papi-2018")
    edited = {**row.definition, "ranking": {**row.definition["ranking"], "precision": 3}}
    Framework.objects.filter(pk=row.pk).update(definition=edited)  # as if the shipped file had changed
    load_builtin(only_missing=True)
    assert Framework.objects.get(pk=row.pk).definition == edited
    with pytest.raises(FrameworkLocked, match="papi-2018"):
        load_builtin()
    assert Framework.objects.get(pk=row.pk).definition == edited
    Framework.objects.filter(pk=row.pk).update(definition=row.definition)
    assert load_builtin() == Framework.objects.filter(builtin=True).count()


def test_the_admin_cannot_change_what_figures_depend_on():
    """Indices, frameworks, result sets, their values and cycles are not in the Django admin, which
    would bypass the services' guards (criterion mappings are, and change no figure)."""
    from chiso.results.models import NodeValue, PublishedFigure, UnitResult

    for model in (Index, Framework, ResultSet, UnitResult, NodeValue, PublishedFigure, Cycle):
        assert not admin.site.is_registered(model), model

"""Published figures are reproducible: every stored result set carries the method that produced it,
and recomputing it from its stored values with that method gives the figures the pages show."""

from __future__ import annotations

import pytest

from chiso.engine.analysis import YearAnalysis
from chiso.frameworks.method import FIGURE_KEYS, content_sha256
from chiso.frameworks.models import Framework
from chiso.results.models import ResultSet
from chiso.results.reproduce import check, reproduce, result_set_use

pytestmark = pytest.mark.django_db


def test_every_stored_result_set_is_recomputed_from_its_stored_method_with_the_same_figures():
    """All built-in result sets (PAPI 2011–2024, PCI 2012–2016): totals, ranks, N and groups."""
    result_sets = list(ResultSet.objects.select_related("framework", "index", "dataset"))
    assert {(r.index.code, r.year) for r in result_sets} >= {("papi", 2021), ("pci", 2016), ("papi", 2011)}
    assert len(result_sets) >= 18
    for result_set in result_sets:
        assert set(FIGURE_KEYS) <= set(result_set.method), result_set
        assert result_set.method["recorded"] == "write" and result_set.method["code_version"]
        assert check(result_set) == [], result_set


def test_the_stored_method_gives_the_figures_the_press_and_the_publishers_state():
    papi = ResultSet.objects.published().get(index__code="papi", year=2021)
    assert papi.method["precision"] == 4 and papi.method["groups"]["method"] == "quartiles"
    assert papi.method["framework_sha256"] == content_sha256(papi.framework.to_engine())
    analysis = YearAnalysis(reproduce(papi))
    ninh_thuan = next(u.ref for u in analysis.current.peers if u.code == "58")
    assert (analysis.total_ranking.rank_of(ninh_thuan), analysis.total_ranking.of) == (14, 63)
    for pci in ResultSet.objects.published().filter(index__code="pci"):
        analysis = YearAnalysis(reproduce(pci))
        official = analysis.current.published_ranks
        assert len(official) == 63
        assert {ref: analysis.total_ranking.rank_of(ref) for ref in official} == official


def test_a_framework_changed_behind_the_services_back_is_found():
    """Were the framework changed anyway (here by an SQL update), the check names the change of method
    and every figure that moved; the stored method still gives the published figures."""
    papi = ResultSet.objects.published().get(index__code="papi", year=2021)
    row = papi.framework
    Framework.objects.filter(pk=row.pk).update(
        definition={**row.definition, "ranking": {**row.definition["ranking"], "precision": 0}}
    )
    papi = ResultSet.objects.select_related("framework", "index").get(pk=papi.pk)
    problems = check(papi)
    assert any("precision" in p for p in problems) and any("framework_sha256" in p for p in problems)
    assert any("Ninh Thuận: tính lại được tổng 43.83" in p and "hạng 14/63" in p for p in problems)
    analysis = YearAnalysis(reproduce(papi))
    ninh_thuan = next(u.ref for u in analysis.current.peers if u.code == "58")
    assert analysis.total_ranking.rank_of(ninh_thuan) == 14


def test_a_result_set_without_a_method_is_reported():
    papi = ResultSet.objects.published().get(index__code="papi", year=2021)
    papi.method = {}
    assert check(papi) == [f"Kết quả {papi} không lưu phương pháp tính."]


def test_the_frameworks_app_is_told_which_frameworks_hold_result_sets():
    assert result_set_use(Framework.objects.get(code="papi-2018")).startswith("kết quả PAPI năm 2024")
    assert result_set_use(Framework.objects.get(code="dti-province-922-2022")) == ""

"""Golden checks: chiso reproduces what the press and the publishers state, from the real data."""

import json

import pytest

from chiso.cli.main import main

pytestmark = pytest.mark.django_db


def run_json(capsys, *args):
    assert main([*args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_seed_000_ninh_thuan_papi_2021(capsys):
    """ "Chỉ số PAPI đạt 43.83 điểm … xếp hạng 14/63 tỉnh, thành phố và tăng 44 bậc so với năm 2020"."""
    profile = run_json(capsys, "profile", "papi", "2021", "Ninh Thuận")
    assert profile["unit"] == {"code": "58", "name": "Ninh Thuận", "name_en": "Ninh Thuan"}
    assert round(profile["score"], 2) == 43.83
    assert (profile["rank"], profile["of"], profile["max"]) == (14, 63, 80)
    assert profile["previous"]["year"] == 2020 and profile["previous"]["rank"] == 58
    assert profile["change"]["rank"] == 44
    assert profile["group"] == "Nhóm đạt điểm cao nhất"
    assert profile["sentence_vi"] == (
        "Chỉ số PAPI năm 2021 của tỉnh Ninh Thuận đạt 43,83/80 điểm, xếp hạng 14/63 tỉnh, thành phố; "
        "tăng 3,08 điểm và tăng 44 bậc so với năm 2020; thuộc nhóm đạt điểm cao nhất."
    )
    assert len(profile["components"]) == 8
    assert (profile["mean_label"], profile["peer_scope"]) == ("trung bình cả nước", "national")


def test_seed_001_cao_bang_papi_2020(capsys):
    """ "chỉ số PAPI đạt 43,37/80 điểm, xếp hạng 19/63 …, thuộc nhóm Trung bình cao, giảm 4 bậc so với năm 2019"."""
    profile = run_json(capsys, "profile", "papi", "2020", "Cao Bằng")
    assert round(profile["score"], 2) == 43.37
    assert (profile["rank"], profile["of"]) == (19, 63)
    assert profile["change"]["rank"] == -4
    assert profile["group"] == "Nhóm đạt điểm trung bình cao"
    assert "giảm 4 bậc so với năm 2019" in profile["sentence_vi"]


def test_quang_ninh_first_in_papi_2020(capsys):
    ranking = run_json(capsys, "ranking", "papi", "2020")
    first = ranking["rows"][0]
    assert (first["name"], first["rank"]) == ("Quảng Ninh", 1)
    assert f"{first['score']:.2f}" == "48.81"


def test_papi_2021_counts_three_provinces_without_results_in_n(capsys):
    ranking = run_json(capsys, "ranking", "papi", "2021")
    assert (ranking["ranked"], ranking["of"]) == (60, 63)
    assert sorted(ranking["unranked"]) == ["Bắc Giang", "Bắc Ninh", "Quảng Ninh"]
    groups = [row["group"] for row in ranking["rows"] if row["group"]]
    assert len(groups) == 60


def test_papi_quartile_groups_are_16_16_15_16_in_a_complete_year(capsys):
    ranking = run_json(capsys, "ranking", "papi", "2020")
    labels = [row["group"] for row in ranking["rows"]]
    sizes = [labels.count(label) for label in dict.fromkeys(labels)]
    assert sizes == [16, 16, 15, 16]


@pytest.mark.parametrize("year", [2012, 2013, 2014, 2015, 2016])
def test_pci_ranks_equal_vcci_official_ranks(year):
    from chiso.frameworks.models import Index
    from chiso.results.services import analyse

    analysis = analyse(Index.objects.get(code="pci"), year)
    official = analysis.current.published_ranks
    assert len(official) == 63
    ours = {ref: analysis.total_ranking.rank_of(ref) for ref in official}
    assert ours == official


def test_pci_ranks_at_two_decimals_would_not_match():
    """The precision is a property of the index: ranking PCI at 2 decimals breaks official ranks."""
    from chiso.engine.ranking import rank
    from chiso.frameworks.models import Index
    from chiso.results.services import analyse

    analysis = analyse(Index.objects.get(code="pci"), 2015)
    official = analysis.current.published_ranks
    coarse = rank({ref: analysis.current.value(ref, "total") for ref in official}, 2)
    assert any(coarse.rank_of(ref) != official[ref] for ref in official)


def test_papi_2018_has_no_previous_year_to_compare_with(capsys):
    profile = run_json(capsys, "profile", "papi", "2018", "Cao Bằng")
    assert profile["previous"]["year"] is None and profile["change"]["rank"] is None
    assert "không có kết quả năm 2017" in profile["note"]


def test_partial_result_is_not_published_not_zero(capsys):
    profile = run_json(capsys, "profile", "papi", "2018", "Quảng Ninh")
    assert profile["score"] is None and profile["rank"] is None
    scored = {c["code"]: c["score"] for c in profile["components"]}
    assert scored["d2"] is None and scored["d4"] is None
    assert scored["d1"] is not None


def test_totals_equal_the_sum_of_dimensions_in_the_published_data():
    from decimal import Decimal

    from chiso.frameworks.models import Index
    from chiso.results.services import year_results

    for year in range(2019, 2025):
        results = year_results(Index.objects.get(code="papi"), year)
        assert results is not None
        for values in results.values.values():
            total = values.get("total")
            if total is None:
                continue
            dims = [d for i in range(1, 9) if (d := values[f"d{i}"]) is not None]
            if len(dims) == 8:
                assert abs(sum(dims) - total) < Decimal("0.0001")

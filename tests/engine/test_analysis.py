from decimal import Decimal as D

import pytest

from chiso.engine.analysis import YearAnalysis, YearResults
from chiso.engine.frameworks import Framework, Node
from chiso.engine.narrative import headline, mean_sentence, unit_phrase
from chiso.engine.units import Unit


def framework(max_points="20", code="f"):
    return Framework(
        code=code,
        index="demo",
        name_vi="Demo",
        root=Node(
            "total",
            "Tổng",
            max_points=D(max_points),
            children=[Node("d1", "Một", max_points=D(10)), Node("d2", "Hai", max_points=D(max_points) - 10)],
        ),
    )


UNITS = [
    Unit("01", "Hà Nội", kind="thành phố trực thuộc trung ương", region="Bắc"),
    Unit("02", "Hà Giang", kind="tỉnh", region="Bắc"),
    Unit("79", "TP. Hồ Chí Minh", kind="thành phố trực thuộc trung ương", region="Nam"),
    Unit("80", "Long An", kind="tỉnh", region="Nam"),
]


def results(year, scores, fw=None):
    values = {}
    for unit, (d1, d2) in zip(UNITS, scores, strict=True):
        values[unit.ref] = {
            "d1": d1,
            "d2": d2,
            "total": None if d1 is None or d2 is None else d1 + d2,
        }
    return YearResults(fw or framework(), year, UNITS, values)


@pytest.fixture
def analysis():
    current = results(2021, [(D(9), D(8)), (D(5), D(5)), (D(7), D(9)), (None, D(2))])
    previous = results(2020, [(D(8), D(8)), (D(6), D(7)), (D(4), D(4)), (D(3), D(3))])
    return YearAnalysis(current, previous)


def test_profile_puts_together_rank_change_region_and_components(analysis):
    ho_chi_minh = UNITS[2].ref
    profile = analysis.profile(ho_chi_minh)
    assert (profile.score, profile.rank, profile.of) == (D(16), 2, 4)
    assert profile.change.rank == 1 and profile.change.score == D(8)
    assert (profile.regional_rank, profile.regional_of) == (1, 2)
    assert profile.national_mean == D("14.33333333333333333333333333")
    assert profile.national_mean_source == "computed"
    d2 = next(c for c in profile.components if c.code == "d2")
    assert (d2.rank, d2.best) == (1, D(9))
    assert [c.code for c in profile.strengths] == ["d2"]


def test_league_table_lists_units_without_result_last(analysis):
    table = analysis.league_table()
    assert [row.unit.name for row in table] == ["Hà Nội", "TP. Hồ Chí Minh", "Hà Giang", "Long An"]
    assert table[-1].rank is None and table[-1].score is None


def test_published_mean_wins_over_the_computed_one(analysis):
    analysis.current.published_means["total"] = (D("14.5"), "press release")
    assert analysis.national_mean() == (D("14.5"), "published: press release")


def test_no_comparison_across_scales():
    current = results(2018, [(D(9), D(8))] * 4)
    previous = results(2017, [(D(9), D(8))] * 4, framework("30", "old"))
    analysis = YearAnalysis(current, previous)
    assert analysis.previous is None and analysis.previous_not_comparable
    assert "không so sánh với năm trước" in analysis.profile(UNITS[0].ref).status_note


def test_headline_in_the_press_style(analysis):
    sentence = headline(analysis.profile(UNITS[2].ref), "DEMO")
    assert sentence == (
        "Chỉ số DEMO năm 2021 của Thành phố Hồ Chí Minh đạt 16,00/20 điểm, xếp hạng 2/4 tỉnh, thành phố; "
        "tăng 8,00 điểm và tăng 1 bậc so với năm 2020; thuộc nhóm đạt điểm trung bình cao."
    )
    assert (
        headline(analysis.profile(UNITS[3].ref), "DEMO")
        == "Chỉ số DEMO năm 2021 của tỉnh Long An không được công bố."
    )
    assert (
        mean_sentence(analysis.profile(UNITS[1].ref)) == "Thấp hơn trung bình cả nước (14,33 điểm) 4,33 điểm."
    )


def test_unit_phrases():
    assert unit_phrase(UNITS[0]) == "thành phố Hà Nội"
    assert unit_phrase(UNITS[1]) == "tỉnh Hà Giang"
    assert unit_phrase(UNITS[2]) == "Thành phố Hồ Chí Minh"

"""What an index says about its frameworks (inherited precision and groups) and its sentences."""

from decimal import Decimal as D

from chiso.engine.analysis import YearAnalysis, YearResults
from chiso.engine.frameworks import (
    BANDS,
    QUARTILES,
    Framework,
    Node,
    framework_from_dict,
    framework_to_dict,
)
from chiso.engine.indices import (
    DEFAULT_PEER_NOUNS,
    IndexDefaults,
    IndexWording,
    apply_index_defaults,
    no_groups,
    peer_noun,
    score_phrase,
    share_of_max,
)
from chiso.engine.narrative import headline, mean_sentence
from chiso.engine.units import LEVELS, Unit
from chiso.reports.narrative import headline_paragraph

DISTRICTS = [
    Unit(f"{code}", name, level="district", kind="huyện")
    for code, name in [("193", "Tiên Yên"), ("198", "Bình Liêu"), ("199", "Đầm Hà")]
]


def dgi_dict(**ranking):
    data = {
        "code": "dgi-2021",
        "index": "dgi",
        "name_vi": "DGI",
        "scope": "district",
        "root": {
            "code": "total",
            "name_vi": "Tổng",
            "children": [{"code": "a", "name_vi": "A", "max_points": 40}, {"code": "b", "name_vi": "B"}],
        },
    }
    if ranking:
        data["ranking"] = ranking
    return data


def test_a_framework_without_groups_gets_none_from_an_index_without_groups():
    framework = framework_from_dict(dgi_dict())
    assert framework.ranking.inherited == {"precision", "groups"}
    used = apply_index_defaults(framework, IndexDefaults(precision=3))
    assert used.ranking.groups.method == "none"
    assert used.ranking.precision == 3 and used.display_precision == 3
    assert used.root.max_points is None  # an unknown total stays unknown


def test_the_framework_s_own_ranking_wins_over_the_index():
    framework = framework_from_dict(dgi_dict(precision=4, groups={"method": BANDS, "bands": []}))
    used = apply_index_defaults(framework, IndexDefaults(precision=2, groups=no_groups()))
    assert used.ranking.precision == 4 and used.ranking.groups.method == BANDS


def test_inherited_fields_stay_out_when_written_back():
    framework = framework_from_dict(dgi_dict(of="ranked"))
    used = apply_index_defaults(framework, IndexDefaults(precision=3))
    data = framework_to_dict(used)
    assert data["ranking"] == {"of": "ranked"} and "display_precision" not in data
    assert framework_from_dict(data).ranking.inherited == {"precision", "groups"}


def test_a_framework_built_in_code_keeps_its_quartiles():
    framework = Framework(code="f", index="x", name_vi="F", root=Node("total", "T", max_points=D(10)))
    assert apply_index_defaults(framework, IndexDefaults()).ranking.groups.method == QUARTILES


def test_peer_nouns_follow_the_level_and_the_index():
    assert peer_noun("district") == "huyện, thị xã, thành phố"
    assert peer_noun("commune", {"commune": "xã, phường, thị trấn"}) == "xã, phường, thị trấn"
    assert peer_noun("department") == "sở, ban, ngành"
    assert peer_noun("office") == "phòng, ban chuyên môn"
    assert peer_noun("service_unit") == "đơn vị sự nghiệp"
    assert peer_noun("central_agency") == "cơ quan Trung ương trên địa bàn"
    assert peer_noun("hamlet") == "đơn vị"


def test_every_unit_level_has_a_peer_noun():
    assert set(DEFAULT_PEER_NOUNS) == set(LEVELS)


def test_share_of_the_maximum_as_the_press_writes_it():
    assert share_of_max(D("165.02"), D(220)) == D("75.01")
    assert share_of_max(D("73.18"), D(80)) == D("91.48")
    assert share_of_max(D(5), None) is None
    both = IndexWording(share_of_max=True)
    assert score_phrase(D("165.02"), D(220), 2, both) == "165,02/220 điểm, đạt 75,01 %"
    assert score_phrase(D("88.64"), D(100), 2, IndexWording(percent=True)) == "88,64 %"
    assert score_phrase(D("43.83"), D(80), 2, IndexWording()) == "43,83/80 điểm"


def _district_analysis():
    framework = apply_index_defaults(framework_from_dict(dgi_dict()), IndexDefaults(precision=2))
    framework.root.max_points = D(80)
    framework.root.children[1].max_points = D(40)

    def year(y, scores):
        values = {
            u.ref: {"a": a, "b": b, "total": a + b} for u, (a, b) in zip(DISTRICTS, scores, strict=True)
        }
        return YearResults(framework, y, DISTRICTS, values)

    current = year(2022, [(D(39), D(39)), (D("36.18"), D(37)), (D(30), D(30))])
    previous = year(2021, [(D(38), D(38)), (D(36), D("36.43")), (D(37), D(37))])
    return YearAnalysis(current, previous)


def test_a_district_sentence_with_the_share_of_the_maximum_and_no_invented_group():
    profile = _district_analysis().profile(DISTRICTS[1].ref)
    assert profile.group is None
    wording = IndexWording(peer_noun="huyện, thị xã, thành phố", share_of_max=True)
    assert headline(profile, "DGI", wording) == (
        "Chỉ số DGI năm 2022 của Bình Liêu đạt 73,18/80 điểm, đạt 91,48 %, xếp hạng 2/3 huyện, thị xã, "
        "thành phố; tăng 0,75 điểm và tăng 1 bậc so với năm 2021."
    )
    assert headline_paragraph(profile, "DGI", wording) == (
        "Năm 2022, Chỉ số DGI của Bình Liêu đạt 73,18/80 điểm, đạt 91,48 %, xếp vị thứ 2/3 huyện, thị xã, "
        "thành phố; tăng 0,75 điểm và tăng 1 bậc so với năm 2021."
    )


def test_a_percentage_index_is_written_in_percent():
    profile = _district_analysis().profile(DISTRICTS[2].ref)
    wording = IndexWording(peer_noun="huyện, thị xã, thành phố", percent=True)
    assert headline_paragraph(profile, "SIPAS", wording) == (
        "Năm 2022, Chỉ số SIPAS của Đầm Hà đạt 60,00 %, xếp vị thứ 3/3 huyện, thị xã, thành phố; "
        "giảm 14,00 % và giảm 1 bậc so với năm 2021."
    )


def test_the_mean_of_a_percentage_index_in_percent():
    profile = _district_analysis().profile(DISTRICTS[2].ref)
    assert (
        mean_sentence(profile, IndexWording(percent=True)) == "Thấp hơn trung bình cả nước (70,39 %) 10,39 %."
    )
    assert mean_sentence(profile) == "Thấp hơn trung bình cả nước (70,39 điểm) 10,39 điểm."

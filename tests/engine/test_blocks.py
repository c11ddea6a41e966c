"""Ranks within a block (khối): one more peer group, ties shared, N the block's units."""

from decimal import Decimal as D

from chiso.engine.analysis import BLOCK, REGION, YearAnalysis, YearResults
from chiso.engine.frameworks import Framework, Node
from chiso.engine.narrative import block_rank_phrase
from chiso.engine.units import DEPARTMENT, PROVINCE, Unit

DEPARTMENTS = "Khối sở, ban, ngành"
CENTRAL = "Khối cơ quan Trung ương trên địa bàn"


def framework() -> Framework:
    return Framework(
        code="f",
        index="cchc",
        name_vi="Chỉ số CCHC",
        root=Node("total", "Tổng", max_points=D(100), children=[Node("d1", "Một", max_points=D(100))]),
    )


def analysis(units: list[Unit], scores: list[str | None]) -> YearAnalysis:
    values = {
        u.ref: {"d1": None if s is None else D(s), "total": None if s is None else D(s)}
        for u, s in zip(units, scores, strict=True)
    }
    return YearAnalysis(YearResults(framework(), 2025, units, values))


def unit(code: str, block: str | None) -> Unit:
    return Unit(code, f"Đơn vị {code}", level=DEPARTMENT, block=block)


UNITS = [
    unit("a1", DEPARTMENTS),
    unit("a2", DEPARTMENTS),
    unit("a3", DEPARTMENTS),
    unit("a4", DEPARTMENTS),
    unit("b1", CENTRAL),
    unit("b2", CENTRAL),
    unit("c1", None),
]


def test_ties_within_a_block_share_a_rank_and_the_next_rank_is_skipped():
    result = analysis(UNITS, ["90", "80", "80", "50", "95", "60", "70"])
    blocks = result.peer_group_rankings()[BLOCK]
    assert set(blocks) == {DEPARTMENTS, CENTRAL}  # a unit without a block is in none
    departments = blocks[DEPARTMENTS]
    assert [departments.rank_of(u.ref) for u in UNITS[:4]] == [1, 2, 2, 4]
    assert departments.of == 4
    assert [blocks[CENTRAL].rank_of(u.ref) for u in UNITS[4:6]] == [1, 2]
    rows = {row.unit.code: row for row in result.league_table()}
    assert (rows["a3"].rank, rows["a3"].block_rank, rows["a3"].block_of) == (3, 2, 4)
    assert (rows["b2"].rank, rows["b2"].block_rank, rows["b2"].block_of) == (6, 2, 2)
    assert (rows["c1"].block_rank, rows["c1"].block_of) == (None, None)


def test_a_unit_without_a_result_counts_in_its_block_but_is_not_ranked():
    result = analysis(UNITS, ["90", None, "80", "50", "95", "60", "70"])
    departments = result.peer_group_rankings()[BLOCK][DEPARTMENTS]
    assert [departments.rank_of(u.ref) for u in UNITS[:4]] == [1, None, 2, 3]
    assert departments.of == 4  # N is the block's units (the peer set), as for the whole ranking


def test_the_profile_carries_the_block_rank_with_the_block_mean():
    profile = analysis(UNITS, ["90", "80", "80", "50", "95", "60", "70"]).profile(UNITS[2].ref)
    block = next(g for g in profile.peer_groups if g.kind == BLOCK)
    assert (block.name, block.rank, block.of, block.mean) == (DEPARTMENTS, 2, 4, D(75))
    assert block_rank_phrase(block.rank, block.of, block.name) == "xếp thứ 2/4 trong khối sở, ban, ngành"


def test_provinces_have_no_block_group():
    provinces = [Unit("01", "Hà Nội", level=PROVINCE, region="Bắc"), Unit("02", "Hà Giang", region="Bắc")]
    result = analysis(provinces, ["60", "50"])
    assert result.peer_group_rankings()[BLOCK] == {}
    assert [g.kind for g in result.profile(provinces[0].ref).peer_groups] == [REGION]

from decimal import Decimal as D

import pytest

from chiso.engine.compare import (
    ComponentStanding,
    assign_groups,
    is_strength,
    is_weakness,
    mean,
    movers,
    percentile,
    quartile_cuts,
    strengths_and_weaknesses,
)
from chiso.engine.frameworks import BANDS, GroupBand, GroupRule
from chiso.engine.ranking import rank


def test_quartile_groups_are_16_16_15_16_for_63_units():
    values = {f"u{i}": D(i) for i in range(63)}
    groups = assign_groups(values, GroupRule())
    sizes = [sum(1 for g in groups.values() if g.position == p) for p in range(4)]
    assert sizes == [16, 16, 15, 16]
    assert groups["u62"].label_vi == "Nhóm đạt điểm cao nhất"
    assert groups["u0"].position == 3


def test_percentile_interpolates_linearly_like_numpy():
    ordered = [D(1), D(2), D(3), D(4)]
    assert percentile(ordered, D("0.25")) == D("1.75")
    assert percentile(ordered, D("0.5")) == D("2.5")
    assert quartile_cuts([D(4), D(1), D(3), D(2)]) == (D("1.75"), D("2.5"), D("3.25"))


def test_fixed_bands_on_percent_of_maximum():
    rule = GroupRule(
        method=BANDS,
        bands=[GroupBand("A", D(90)), GroupBand("B", D(80)), GroupBand("C", D(70)), GroupBand("D", D(0))],
    )
    groups = assign_groups({"x": D("92.18"), "y": D("90"), "z": D("89.99"), "w": D("61")}, rule, D(100))
    assert {k: g.label_vi for k, g in groups.items()} == {"x": "A", "y": "A", "z": "B", "w": "D"}


def test_mean_and_movers():
    assert mean([D(1), D(2)]) == D("1.5")
    assert mean([]) is None
    now = rank({"a": D(10), "b": D(8), "c": D(5)}, 2)
    before = rank({"a": D(9), "b": D(9), "c": D(5)}, 2)
    moved = movers(now, before)
    assert (moved.up, moved.down, moved.same) == (1, 1, 1)
    assert moved.biggest_gains == [("a", D(1))]
    assert moved.biggest_losses == [("b", D(-1))]


def test_strengths_and_weaknesses_by_rank_not_points():
    standings = [
        ComponentStanding("d1", 6, 63),
        ComponentStanding("d2", 60, 63),
        ComponentStanding("d3", 2, 63),
        ComponentStanding("d4", 48, 63),
    ]
    strong, weak = strengths_and_weaknesses(standings)
    assert [s.code for s in strong] == ["d3", "d1"]
    assert [s.code for s in weak] == ["d2", "d4"]


def test_a_mid_table_rank_is_never_a_strength_nor_a_weakness():
    standings = [
        ComponentStanding("d7", 31, 63),
        ComponentStanding("d1", 37, 63),
        ComponentStanding("x", 28, 63),
    ]
    assert strengths_and_weaknesses(standings) == ([], [])


@pytest.mark.parametrize(
    ("of", "last_strength", "first_weakness"),
    [(63, 16, 48), (34, 9, 26), (8, 2, 7), (2, 1, 2)],
)
def test_the_quarters(of, last_strength, first_weakness):
    assert is_strength(last_strength, of) and not is_strength(last_strength + 1, of)
    assert is_weakness(first_weakness, of) and not is_weakness(first_weakness - 1, of)


def test_a_single_ranked_unit_has_neither():
    assert not is_strength(1, 1) and not is_weakness(1, 1)

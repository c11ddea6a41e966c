"""The tile grid of the provinces: 63 squares, the 34 provinces of 2025 dissolved along the lineage,
and the colour classes."""

from datetime import date
from decimal import Decimal

from chiso.data import province_registry
from chiso.engine import tilemap


def _contiguous(tiles):
    tiles = set(tiles)
    start = next(iter(tiles))
    seen, todo = {start}, [start]
    while todo:
        column, row = todo.pop()
        for near in ((column + 1, row), (column - 1, row), (column, row + 1), (column, row - 1)):
            if near in tiles and near not in seen:
                seen.add(near)
                todo.append(near)
    return seen == tiles


def test_the_63_provinces_have_one_square_each_inside_the_grid():
    shapes = tilemap.shapes(province_registry(), date(2024, 12, 31))
    assert len(shapes) == 63
    assert all(len(s.tiles) == 1 for s in shapes)
    squares = [s.tiles[0] for s in shapes]
    assert len(set(squares)) == 63
    assert all(0 <= c < tilemap.COLUMNS and 0 <= r < tilemap.ROWS for c, r in squares)
    assert {s.code for s in shapes} == set(tilemap.GRID_63)


def test_the_34_provinces_are_the_union_of_their_predecessors_squares():
    shapes = {s.code: s for s in tilemap.shapes(province_registry(), date(2025, 12, 31))}
    assert len(shapes) == 34
    assert sum(len(s.tiles) for s in shapes.values()) == 63  # every square used once
    grid = tilemap.GRID_63
    assert set(shapes["79"].tiles) == {grid["79"], grid["74"], grid["77"]}  # TP. Hồ Chí Minh
    assert set(shapes["80"].tiles) == {grid["72"], grid["80"]}  # Tây Ninh (code 80 was Long An)
    assert shapes["80"].short == "TNi" and shapes["15"].short == "LCa"
    assert shapes["04"].tiles == (grid["04"],)  # Cao Bằng, unchanged
    assert all(_contiguous(s.tiles) for s in shapes.values())  # merged provinces are one piece


def test_the_archipelagos_belong_to_da_nang_and_khanh_hoa_in_both_registries():
    assert {(a.key, a.province_code) for a in tilemap.ARCHIPELAGOS} == {
        ("hoang-sa", "48"),
        ("truong-sa", "56"),
    }
    for day in (date(2024, 12, 31), date(2025, 12, 31)):
        names = {s.code: s.unit.name for s in tilemap.shapes(province_registry(), day)}
        assert names["48"] == "Đà Nẵng" and names["56"] == "Khánh Hòa"


def test_quantile_classes_split_evenly_and_equal_values_give_one_class():
    values = [Decimal(v) for v in range(1, 11)]
    breaks = tilemap.quantile_breaks(values)
    assert breaks == [Decimal(3), Decimal(5), Decimal(7), Decimal(9)]
    assert [tilemap.class_of(v, breaks) for v in values] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert tilemap.quantile_breaks([Decimal(5)] * 4) == []
    assert tilemap.class_of(None, breaks) is None


def test_the_change_scale_diverges_around_zero():
    step = tilemap.change_step([Decimal("-2"), Decimal("1"), Decimal("0"), Decimal("3")])
    assert step == Decimal(2)
    classes = [tilemap.change_class(Decimal(v), step) for v in ("-2", "-1", "0", "1", "2.5")]
    assert classes == [0, 1, 2, 3, 4]


def test_the_border_of_a_merged_province_goes_around_it_once():
    one = tilemap.border([(0, 0)], 10, 2)
    assert sorted(one) == sorted([(0, 0, 10, 0), (0, 10, 10, 10), (0, 0, 0, 10), (10, 0, 10, 10)])
    # Two squares side by side: top and bottom of each and of the join, the two outer sides.
    two = tilemap.border([(0, 0), (1, 0)], 10, 2)
    assert len(two) == 8
    assert (
        (10, 0, 12, 0) in two
        and (10, 0, 10, 10) not in two
        and (0, 0, 0, 10) in two
        and (22, 0, 22, 10) in two
    )

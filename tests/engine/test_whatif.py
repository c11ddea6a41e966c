from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.analysis import YearAnalysis, YearResults
from chiso.engine.frameworks import MEAN, Framework, Node
from chiso.engine.units import Unit
from chiso.engine.whatif import Change, WhatIfError, contribution, rank_target, what_if


def framework(children=3, aggregation="sum"):
    nodes = [
        Node(f"c{i}", f"Nội dung {i}", max_points=D(10), children=[Node(f"c{i}.1", "x", max_points=D(10))])
        for i in range(1, children + 1)
    ]
    fw = Framework("f", "demo", "Demo", Node("total", "Tổng", max_points=D(10 * children), children=nodes))
    fw.aggregation = aggregation
    fw.ranking.precision = 2
    return fw


def analysis_for(rows, aggregation="sum"):
    fw = framework(len(rows[0]), aggregation)
    units = [Unit(f"{i:02d}", f"Đơn vị {i}") for i in range(len(rows))]
    values = {}
    for unit, row in zip(units, rows, strict=True):
        v = {f"c{i}": D(x) for i, x in enumerate(row, 1)}
        v.update({f"c{i}.1": D(x) for i, x in enumerate(row, 1)})
        total = sum(v[f"c{i}"] for i in range(1, len(row) + 1))
        v["total"] = total / len(row) if aggregation == MEAN else total
        values[unit.ref] = v
    return YearAnalysis(YearResults(fw, 2025, units, values)), units


def test_what_if_moves_the_total_and_the_rank():
    analysis, units = analysis_for([["9", "9", "9"], ["8", "8", "8"], ["7", "7", "7"]])
    result = what_if(analysis, units[2].ref, [Change.parse("c1=+3,0")])  # ties with the second: rank 2
    assert (result.score, result.rank, result.new_score, result.new_rank) == (D(21), 3, D(24), 2)
    result = what_if(analysis, units[2].ref, [Change.parse("c2.1=10")])  # a sub-node moves its ancestors
    assert result.new_values["c2"] == D(10) and result.new_score == D(24)
    with pytest.raises(WhatIfError, match="ngoài khoảng"):
        what_if(analysis, units[2].ref, [Change.parse("c1=+5")])
    with pytest.raises(WhatIfError, match="Không có nội dung"):
        what_if(analysis, units[2].ref, [Change.parse("zz=+1")])


def test_contribution_under_a_mean():
    fw = framework(4, MEAN)
    assert contribution(fw, "c1") == D("0.25") and contribution(fw, "c1.1") == D("0.25")


def test_target_fills_the_cheapest_component_first_and_explains():
    analysis, units = analysis_for([["9", "9", "9"], ["8", "8", "8"], ["5", "6", "7"]])
    result = rank_target(analysis, units[2].ref, 2, effort={"c1": D(3)}, unit_name="Đơn vị 2")
    assert result.reachable and result.needed_gain == D("5.995")  # 24 at 2 decimals: 23.995 rounds up
    assert [(g.code, g.points) for g in result.gains] == [("c2", D(3)), ("c3", D(2)), ("c1", D("0.995"))]
    assert "Đơn vị 2 cần tối thiểu 24,00 điểm" in result.explanation_vi


def test_unreachable_target_says_the_best_rank():
    analysis, units = analysis_for([["9", "9"], ["8", "8"], ["2", "2"]])
    result = rank_target(analysis, units[2].ref, 1, feasible={"c1": D(1), "c2": D(1)})
    assert not result.reachable and result.best_reachable_rank == 3
    assert "Không đạt được" in result.explanation_vi


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=3), min_size=4, max_size=8
    ),
    st.lists(st.integers(min_value=1, max_value=9), min_size=3, max_size=3),
    st.data(),
)
def test_target_plan_reaches_the_rank_at_the_linear_programme_optimum(rows, efforts, data):
    optimize = pytest.importorskip("scipy.optimize")
    analysis, units = analysis_for([[str(D(x) / 10) for x in row] for row in rows])
    me = units[-1].ref
    current = analysis.total_ranking.rank_of(me)
    target = data.draw(st.integers(min_value=1, max_value=current))
    cost = {f"c{i}": D(e) for i, e in enumerate(efforts, 1)}
    result = rank_target(analysis, me, target, effort=cost)
    if not result.reachable or result.needed_gain == 0:
        return
    plan = [Change(g.code, g.points, True) for g in result.gains]
    assert what_if(analysis, me, plan).new_rank <= target
    # An independent LP solver finds no cheaper plan within the same bounds.
    codes = ["c1", "c2", "c3"]
    best = {c: max(analysis.current.value(u.ref, c) for u in units) for c in codes}
    bounds = [(0, float(max(D(0), best[c] - analysis.current.value(me, c)))) for c in codes]
    lp = optimize.linprog(
        c=[float(cost[c]) for c in codes],
        A_ub=[[-1.0] * 3],
        b_ub=[-float(result.needed_gain)],
        bounds=bounds,
        method="highs",
    )
    assert lp.status == 0
    assert abs(lp.fun - float(result.total_effort)) < 1e-6

"""Design-based survey estimation: hand-worked values, agreement with `svy`, properties."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.survey import (
    ALL_TYPES,
    OVERALL,
    Design,
    Item,
    SurveyDesignError,
    SurveyMethod,
    estimate_ratios,
    estimate_satisfaction,
    index_to_points,
    sample_size,
    t_quantile,
)

# ---------------------------------------------------------------------------------------------
# A design small enough to work out by hand
#
#   stratum A: PSU 1 = r1 (w 1), r2 (w 1); PSU 2 = r3 (w 2)
#   stratum B: PSU 3 = r4 (w 1);           PSU 4 = r5 (w 2), r6 (w 1)
#   q1 (1–5):  5, 2, 4, 4, 1, 3        → satisfied (4 5): 1, 0, 1, 1, 0, 0
#   q2 (1–5):  5, –, 2, 5, –, 4        → satisfied:       1, –, 0, 1, –, 1
# ---------------------------------------------------------------------------------------------

SMALL = pl.DataFrame(
    {
        "unit": ["U"] * 6,
        "stratum": ["A", "A", "A", "B", "B", "B"],
        "psu": ["1", "1", "2", "3", "4", "4"],
        "w": [1.0, 1.0, 2.0, 1.0, 2.0, 1.0],
        "q1": ["5", "2", "4", "4", "1", "3"],
        "q2": ["5", None, "2", "5", None, "4"],
    }
)
SMALL_DESIGN = Design(unit="unit", weight="w", stratum="stratum", psu="psu")
TOP2 = ("4", "5")


def row(result: pl.DataFrame, code: str, **keys: str) -> dict:
    found = result.filter(pl.col("code") == code, *[pl.col(k) == v for k, v in keys.items()])
    assert found.height == 1, found
    return found.row(0, named=True)


def test_hand_worked_question_index_se_df_and_ci():
    result = estimate_satisfaction(SMALL, [Item("q1", TOP2, factor="F1")], SMALL_DESIGN)
    q1 = row(result, "q1")
    # R = Σw·sat / Σw = (1 + 2 + 1) / 8 = 0.5
    assert q1["index"] == pytest.approx(0.5, abs=1e-15)
    # z = w(y − R)/8 summed per PSU: PSU1 = 0, PSU2 = 0.125, PSU3 = 0.0625, PSU4 = −0.1875.
    # Stratum A: 2/1 · ((0 − 0.0625)² + (0.125 − 0.0625)²) = 0.015625
    # Stratum B: 2/1 · ((0.0625 + 0.0625)² + (−0.1875 + 0.0625)²) = 0.0625
    se = math.sqrt(0.015625 + 0.0625)
    assert q1["se"] == pytest.approx(se, abs=1e-15)
    assert q1["df"] == 2  # 4 PSUs − 2 strata
    t2 = 0.95 / math.sqrt(2 * 0.975 * 0.025)  # closed form of the t quantile with 2 df
    assert q1["ci_low"] == pytest.approx(0.5 - t2 * se, abs=1e-12)
    assert q1["ci_high"] == pytest.approx(0.5 + t2 * se, abs=1e-12)
    assert q1["n"] == 6
    assert q1["n_eff"] == pytest.approx(8**2 / 12)  # Kish: (Σw)² / Σw²
    assert q1["small_n"] is True
    assert "respondent_mean" in q1["method"] and "4 5" in q1["method"]


def test_hand_worked_factor_indices_both_aggregations():
    items = [Item("q1", TOP2, factor="F1"), Item("q2", TOP2, factor="F1")]
    mean = estimate_satisfaction(SMALL, items, SMALL_DESIGN)
    # respondent scores 1, 0, ½, 1, 0, ½ with weights 1, 1, 2, 1, 2, 1 → 3.5 / 8
    assert row(mean, "F1")["index"] == pytest.approx(3.5 / 8, abs=1e-15)
    assert row(mean, OVERALL)["index"] == pytest.approx(3.5 / 8, abs=1e-15)
    q2 = row(mean, "q2")
    assert q2["n"] == 4 and q2["index"] == pytest.approx(
        3 / 5
    )  # r1, r4, r6 satisfied of r1, r3 (w 2), r4, r6
    pooled = estimate_satisfaction(SMALL, items, SMALL_DESIGN, SurveyMethod(aggregation="pooled"))
    # satisfied answers 2, 0, 2, 2, 0, 1 (weighted) over answers 2, 1, 4, 2, 2, 2 → 7 / 13
    assert row(pooled, "F1")["index"] == pytest.approx(7 / 13, abs=1e-15)
    assert "pooled" in row(pooled, "F1")["method"]


def test_singleton_strata_raise_by_default_and_name_the_stratum():
    lonely = SMALL.with_columns(
        pl.when(pl.col("stratum") == "B").then(pl.lit("3")).otherwise("psu").alias("psu")
    )
    with pytest.raises(SurveyDesignError, match=r"một PSU.*: B"):
        estimate_satisfaction(lonely, [Item("q1", TOP2)], SMALL_DESIGN)
    skip = estimate_satisfaction(lonely, [Item("q1", TOP2)], SMALL_DESIGN, SurveyMethod(singleton="skip"))
    center = estimate_satisfaction(lonely, [Item("q1", TOP2)], SMALL_DESIGN, SurveyMethod(singleton="center"))
    # skip: only stratum A's 0.015625; center: B's single PSU total (0.0625 − 0.1875)² is added.
    assert row(skip, "q1")["se"] == pytest.approx(math.sqrt(0.015625), abs=1e-15)
    assert row(center, "q1")["se"] == pytest.approx(math.sqrt(0.015625 + 0.125**2), abs=1e-15)


def test_bad_design_columns_are_reported_with_row_and_field():
    bad = SMALL.with_columns(pl.Series("w", [1.0, 1.0, -2.0, 1.0, 2.0, 1.0]))
    with pytest.raises(SurveyDesignError, match=r"Dòng 3, cột 'w'"):
        estimate_satisfaction(bad, [Item("q1", TOP2)], SMALL_DESIGN)
    with pytest.raises(SurveyDesignError, match="Thiếu cột: q9"):
        estimate_satisfaction(SMALL, [Item("q9", TOP2)], SMALL_DESIGN)
    with pytest.raises(SurveyDesignError, match="Không có câu hỏi nào"):
        estimate_satisfaction(SMALL, [], SMALL_DESIGN)
    with pytest.raises(SurveyDesignError, match="Quy tắc tầng một PSU"):
        SurveyMethod(singleton="average")  # type: ignore[arg-type]


def test_t_quantiles_match_closed_forms_and_tables():
    assert t_quantile(0.975, 1) == pytest.approx(math.tan(math.pi * 0.475), rel=1e-13)
    assert t_quantile(0.975, 2) == pytest.approx(0.95 / math.sqrt(0.04875), rel=1e-13)
    # reference values: scipy.stats.t.ppf
    assert t_quantile(0.975, 10) == pytest.approx(2.228138851986274, rel=1e-13)
    assert t_quantile(0.975, 30) == pytest.approx(2.0422724563012378, rel=1e-13)
    assert t_quantile(0.975, 1001) == pytest.approx(1.9623367052808798, rel=1e-13)
    assert t_quantile(0.975, 5000) == pytest.approx(1.9604385517065073, rel=1e-13)
    assert math.isnan(t_quantile(0.975, 0))


def test_normal_interval_option():
    result = estimate_satisfaction(SMALL, [Item("q1", TOP2)], SMALL_DESIGN, SurveyMethod(ci="normal"))
    q1 = row(result, "q1")
    assert q1["ci_high"] - q1["index"] == pytest.approx(1.959963984540054 * q1["se"], rel=1e-12)


def test_sample_size_planner_and_points_boundary():
    assert sample_size(1000, 0.05) == 286  # 1000 / 3.5 = 285.7 → 286
    assert sample_size(10_000) == 385  # 10000 / 26 = 384.6
    assert sample_size(400, 0.05) == 200
    with pytest.raises(SurveyDesignError):
        sample_size(0)
    assert index_to_points(0.8266, "10") == Decimal("8.27")
    assert index_to_points(0.125, 1, places=2) == Decimal("0.13")  # half-up
    with pytest.raises(SurveyDesignError):
        index_to_points(1.2, 10)


# ---------------------------------------------------------------------------------------------
# An independent per-domain reference: the textbook formula, one domain at a time
# ---------------------------------------------------------------------------------------------


def textbook(frame: pl.DataFrame, y: str, x: str, domain: pl.Expr) -> tuple[float, float]:
    """R and its with-replacement Taylor variance for one domain, written out plainly."""
    d = frame.with_columns(domain.alias("_d"))
    w, yy, xx, dd = (d[c].to_numpy().astype(float) for c in ("w", y, x, "_d"))
    r = (w * yy * dd).sum() / (w * xx * dd).sum()
    z = w * dd * (yy - r * xx) / (w * xx * dd).sum()
    variance = 0.0
    d = d.with_columns(pl.Series("_z", z))
    for _, stratum in d.group_by("stratum"):
        totals = stratum.group_by("psu").agg(pl.col("_z").sum())["_z"].to_numpy()
        nh = len(totals)
        variance += nh / (nh - 1) * ((totals - totals.mean()) ** 2).sum()
    return r, math.sqrt(variance)


def synthetic(seed: int, n: int = 500, units: int = 4, lonely: bool = False) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 5, n)
    psu = rng.integers(0, 4, n)
    if lonely:
        psu[stratum == 4] = 0
    q = rng.integers(1, 6, (3, n)).astype(float)
    q[rng.uniform(size=(3, n)) < 0.15] = np.nan
    frame = pl.DataFrame(
        {
            "unit": rng.integers(0, units, n).astype(str),
            "type": rng.choice(["citizen", "business"], n),
            "stratum": stratum.astype(str),
            "psu": psu.astype(str),
            "w": rng.uniform(0.5, 6.0, n),
            **{f"q{i}": q[i] for i in range(3)},
        }
    )
    return frame.with_columns(pl.col(f"q{i}").fill_nan(None).cast(pl.Int64) for i in range(3))


DESIGN = Design(unit="unit", respondent_type="type", weight="w", stratum="stratum", psu="psu")
ITEMS = [Item("q0", TOP2, factor="F1"), Item("q1", TOP2, factor="F1"), Item("q2", ("5",), factor="F2")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_domains_equal_the_per_domain_textbook_formula(seed):
    frame = synthetic(seed)
    result = estimate_satisfaction(frame, ITEMS, DESIGN)
    flags = frame.with_columns(
        pl.col("q0").is_in([4, 5]).fill_null(False).cast(pl.Float64).alias("y"),
        pl.col("q0").is_not_null().cast(pl.Float64).alias("x"),
    )
    for (unit, kind), _ in frame.group_by("unit", "type"):
        r, se = textbook(
            flags, "y", "x", ((pl.col("unit") == unit) & (pl.col("type") == kind)).cast(pl.Float64)
        )
        got = row(result, "q0", unit=unit, respondent_type=kind)
        assert got["index"] == pytest.approx(r, abs=1e-12)
        assert got["se"] == pytest.approx(se, abs=1e-12)


def test_all_types_pools_the_respondent_types_of_a_unit():
    frame = synthetic(4)
    result = estimate_satisfaction(frame, ITEMS, DESIGN, all_types=True)
    pooled = result.filter(pl.col("respondent_type") == ALL_TYPES)
    assert pooled.height > 0
    flags = frame.with_columns(
        pl.col("q1").is_in([4, 5]).fill_null(False).cast(pl.Float64).alias("y"),
        pl.col("q1").is_not_null().cast(pl.Float64).alias("x"),
    )
    r, se = textbook(flags, "y", "x", (pl.col("unit") == "0").cast(pl.Float64))
    got = row(pooled, "q1", unit="0")
    assert got["index"] == pytest.approx(r, abs=1e-12) and got["se"] == pytest.approx(se, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.1, 50.0), pick=st.integers(0, 2))
def test_index_and_se_do_not_depend_on_row_order_or_weight_scale(seed, scale, pick):
    frame = synthetic(seed, n=120, units=2)
    base = estimate_satisfaction(frame, ITEMS, DESIGN).sort("unit", "respondent_type", "code")
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed).with_columns(pl.col("w") * scale)
    other = estimate_satisfaction(shuffled, ITEMS, DESIGN).sort("unit", "respondent_type", "code")
    for column in ("index", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(other[column].to_numpy(), base[column].to_numpy(), rtol=1e-9, atol=1e-12)
    assert other["n"].to_list() == base["n"].to_list()
    assert ((base["index"] >= 0) & (base["index"] <= 1)).all()


# ---------------------------------------------------------------------------------------------
# Agreement with svy (which matches R's survey) to 1e-9
# ---------------------------------------------------------------------------------------------

svy = pytest.importorskip("svy")


def svy_sample(frame: pl.DataFrame, singleton: str | None = None, psu: bool = True, strata: bool = True):
    frame = frame.with_columns((pl.col("stratum") + "/" + pl.col("psu")).alias("psu_in_stratum"))
    design = svy.Design(
        stratum="stratum" if strata else None,
        psu="psu_in_stratum" if psu else None,
        wgt="w",
        **({"singleton": singleton} if singleton else {}),
    )
    return frame, svy.Sample(frame, design)


def assert_same(ours: pl.DataFrame, theirs: pl.DataFrame, keys: list[str]) -> None:
    joined = ours.join(theirs, on=keys, how="inner")
    assert joined.height == theirs.height == ours.height
    for mine, reference in (("index", "est"), ("se", "se"), ("ci_low", "lci"), ("ci_high", "uci")):
        np.testing.assert_allclose(joined[mine].to_numpy(), joined[reference].to_numpy(), rtol=0, atol=1e-9)
    assert joined["df"].to_list() == joined["df_right"].to_list()
    assert joined["n"].to_list() == joined["n_right"].to_list()


def ours_for(result: pl.DataFrame, code: str) -> pl.DataFrame:
    return result.filter(pl.col("code") == code).rename({"respondent_type": "type"})


@pytest.mark.parametrize("seed", [11, 12])
def test_question_indices_agree_with_svy_on_unit_by_type_domains(seed):
    frame = synthetic(seed, n=800)
    result = estimate_satisfaction(frame, ITEMS, DESIGN)
    _, sample = svy_sample(frame.with_columns(pl.col("q0").is_in([4, 5]).cast(pl.Float64).alias("y")))
    theirs = sample.estimation.mean("y", by=("unit", "type"), drop_nulls=True).to_polars()
    assert_same(ours_for(result, "q0"), theirs, ["unit", "type"])


@pytest.mark.parametrize("rule", ["skip", "center"])
def test_single_psu_strata_agree_with_svy_rules(rule):
    frame = synthetic(21, n=600, lonely=True)
    result = estimate_satisfaction(frame, ITEMS, DESIGN, SurveyMethod(singleton=rule))
    _, sample = svy_sample(
        frame.with_columns(pl.col("q2").is_in([5]).cast(pl.Float64).alias("y")), singleton=rule
    )
    theirs = sample.estimation.mean("y", by=("unit", "type"), drop_nulls=True).to_polars()
    assert_same(ours_for(result, "q2"), theirs, ["unit", "type"])


def test_factor_indices_agree_with_svy_mean_and_ratio():
    frame = synthetic(31, n=700)
    answered = pl.sum_horizontal(
        pl.col("q0").is_not_null().cast(pl.Int32), pl.col("q1").is_not_null().cast(pl.Int32)
    )
    satisfied = pl.sum_horizontal(
        pl.col("q0").is_in([4, 5]).fill_null(False).cast(pl.Int32),
        pl.col("q1").is_in([4, 5]).fill_null(False).cast(pl.Int32),
    )
    scored = frame.with_columns(  # respondents with no answer leave the domain (null), as in ours
        pl.when(answered > 0).then(satisfied / answered).alias("score"),
        pl.when(answered > 0).then(satisfied.cast(pl.Float64)).alias("sat"),
        pl.when(answered > 0).then(answered.cast(pl.Float64)).alias("ans"),
    )
    _, sample = svy_sample(scored)
    mean = estimate_satisfaction(frame, ITEMS, DESIGN)
    theirs = sample.estimation.mean("score", by=("unit", "type"), drop_nulls=True).to_polars()
    assert_same(ours_for(mean, "F1"), theirs, ["unit", "type"])
    pooled = estimate_satisfaction(frame, ITEMS, DESIGN, SurveyMethod(aggregation="pooled"))
    theirs = sample.estimation.ratio("sat", "ans", by=("unit", "type"), drop_nulls=True).to_polars()
    assert_same(ours_for(pooled, "F1"), theirs, ["unit", "type"])


def test_designs_without_psus_or_strata_agree_with_svy():
    frame = synthetic(41, n=400).with_columns(pl.col("q0").is_in([4, 5]).cast(pl.Float64).alias("y"))
    no_psu = estimate_satisfaction(
        frame, ITEMS, Design(unit="unit", respondent_type="type", weight="w", stratum="stratum")
    )
    _, sample = svy_sample(frame, psu=False)
    assert_same(
        ours_for(no_psu, "q0"),
        sample.estimation.mean("y", by=("unit", "type"), drop_nulls=True).to_polars(),
        ["unit", "type"],
    )
    no_strata = estimate_satisfaction(frame, ITEMS, Design(unit="unit", weight="w", psu="psu"))
    _, sample = svy_sample(frame.with_columns(pl.lit("s").alias("stratum")), strata=False)
    theirs = sample.estimation.mean("y", by="unit", drop_nulls=True).to_polars()
    assert_same(no_strata.filter(pl.col("code") == "q0"), theirs, ["unit"])


def test_estimate_ratios_means_agree_with_svy():
    frame = synthetic(51, n=500).with_columns(pl.col("q1").cast(pl.Float64).alias("score"))
    ours = estimate_ratios(frame, ["score"], [None], DESIGN)
    _, sample = svy_sample(frame)
    theirs = sample.estimation.mean("score", by=("unit", "type"), drop_nulls=True).to_polars()
    assert_same(ours.rename({"respondent_type": "type"}), theirs, ["unit", "type"])


def test_the_method_is_explained_in_plain_words():
    from chiso.engine.survey.design import SurveyMethod, explain_method

    text = explain_method(SurveyMethod(satisfied_rule="top2 → 4 5", min_n=25).as_dict())
    assert "hài lòng là chọn 4 hoặc 5" in text and "dưới 25 phiếu" in text and "95%" in text
    assert "Taylor" not in text and "respondent_mean" not in text
    pooled = explain_method(SurveyMethod(satisfied_rule="none", aggregation="pooled", alpha=0.1).as_dict())
    assert "gộp mọi câu trả lời" in pooled and "90%" in pooled and "none" not in pooled

"""Design-based estimates for every domain at once: satisfaction indices (question, factor,
overall) and ratios of numeric columns; the boundary from an index to framework points."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

import numpy as np
import polars as pl

from chiso.engine.i18n import gettext as _
from chiso.engine.survey.design import ALL_TYPES, OVERALL, Design, Item, SurveyDesignError, SurveyMethod
from chiso.engine.survey.linearisation import Layout, build_layout, ratio_block
from chiso.engine.survey.tdist import critical_values

_BLOCK = 8  # measures estimated together; bounds memory at ~3 float64 arrays of BLOCK × rows


def _codes(frame: pl.DataFrame, columns: list[str], name: str) -> tuple[np.ndarray, pl.DataFrame]:
    """Dense integer codes (0..K-1, in sorted key order) for the combinations of `columns`."""
    keys = frame.select(columns).unique().sort(columns).with_row_index(name)
    codes = frame.select(columns).join(keys, on=columns, how="left", maintain_order="left")[name]
    return codes.to_numpy().astype(np.int64), keys


def _answer_match(column: pl.Expr, dtype: pl.DataType, codes: Sequence[str]) -> pl.Expr:
    if dtype.is_numeric():
        try:
            numbers = [float(c) for c in codes]
        except ValueError:
            return column.cast(pl.Utf8).is_in(list(codes))
        return column.cast(pl.Float64).is_in(numbers)
    return column.cast(pl.Utf8).str.strip_chars().is_in(list(codes))


def _check_design(frame: pl.DataFrame, design: Design, items: Sequence[Item]) -> None:
    needed = [
        c for c in (design.unit, design.respondent_type, design.weight, design.stratum, design.psu) if c
    ]
    needed += [item.code for item in items]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise SurveyDesignError(_("Thiếu cột: {columns}.").format(columns=", ".join(missing)))
    for column in (design.unit, design.respondent_type, design.stratum, design.psu):
        if column and frame[column].null_count():
            row = int(frame[column].is_null().arg_true()[0])
            raise SurveyDesignError(
                _("Dòng {row}, cột {column}: trống.").format(row=row + 1, column=repr(column))
            )
    if design.weight:
        weights = frame[design.weight].cast(pl.Float64, strict=False)
        bad = weights.is_null() | ~weights.is_finite() | (weights <= 0)
        if bad.any():
            row = int(bad.arg_true()[0])
            raise SurveyDesignError(
                _("Dòng {row}, cột {column}: trọng số phải là số dương.").format(
                    row=row + 1, column=repr(design.weight)
                )
            )


Measure = tuple[str, str, "str | None", Callable[[], np.ndarray], Callable[[], np.ndarray]]


def estimate_satisfaction(
    frame: pl.DataFrame,
    items: Sequence[Item],
    design: Design,
    method: SurveyMethod | None = None,
    *,
    all_types: bool = False,
) -> pl.DataFrame:
    """Satisfaction indices with design-based 95 % CIs for every domain at once.

    `frame` has one row per respondent and one column per item (answer codes; null or blank = not
    answered). Domains are (unit, respondent type) × (each item | each factor | overall). With
    `all_types`, the respondent types of a unit are also pooled (respondent_type ``"*"``).

    Returns one row per non-empty domain, columns: unit, respondent_type, level ("question",
    "factor", "overall"), code, factor, n, n_eff (Kish, weighting only), index (share 0–1), se,
    ci_low, ci_high, df, small_n, method.
    """
    method = method or SurveyMethod()
    if not items:
        raise SurveyDesignError(_("Không có câu hỏi nào để tính chỉ số."))
    _check_design(frame, design, items)
    groupings = [[design.unit] + ([design.respondent_type] if design.respondent_type else [])]
    if all_types and design.respondent_type:
        groupings.append([design.unit])
    parts = []
    for cols in groupings:
        prepared = _prepare(frame, design, method, cols)
        order = prepared[0]

        # Item-level 0/1 columns (satisfied, answered), computed once, in sorted row order.
        expressions = []
        for i, it in enumerate(items):
            column, dtype = pl.col(it.code), frame.schema[it.code]
            answered = column.is_not_null()
            if dtype == pl.Utf8:
                answered = answered & (column.str.strip_chars() != "")
            satisfied = _answer_match(column, dtype, it.satisfied).fill_null(False) & answered
            expressions += [satisfied.alias(f"s{i}"), answered.alias(f"a{i}")]
        flags = frame.select(expressions)[pl.Series(order)]
        sat = {it.code: flags[f"s{i}"].to_numpy() for i, it in enumerate(items)}
        ans = {it.code: flags[f"a{i}"].to_numpy() for i, it in enumerate(items)}
        del flags

        measures: list[Measure] = [
            (
                "question",
                it.code,
                it.factor,
                partial(sat.__getitem__, it.code),
                partial(ans.__getitem__, it.code),
            )
            for it in items
        ]
        factors: dict[str, list[str]] = {}
        for it in items:
            if it.factor:
                factors.setdefault(it.factor, []).append(it.code)
        aggregates: list[tuple[str, str, str | None, list[str]]] = [
            ("factor", f, f, codes) for f, codes in factors.items()
        ]
        overall = [it.code for it in items if it.in_overall]
        if overall:
            aggregates.append(("overall", OVERALL, None, overall))
        for level, code, factor, codes in aggregates:
            y, x = _aggregate(sat, ans, codes, method.aggregation)
            measures.append((level, code, factor, y, x))
        parts.append(_estimate(prepared, measures, design, method, cols))
    return pl.concat(parts, how="vertical")


def _aggregate(
    sat: dict[str, np.ndarray], ans: dict[str, np.ndarray], codes: list[str], aggregation: str
) -> tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]:
    """Lazy respondent-level y and x of a factor (or overall) under the chosen aggregation."""

    def counts() -> tuple[np.ndarray, np.ndarray]:
        n_sat = np.zeros(len(sat[codes[0]]), dtype=np.int32)
        n_ans = np.zeros_like(n_sat)
        for code in codes:
            n_sat += sat[code]
            n_ans += ans[code]
        return n_sat, n_ans

    if aggregation == "pooled":
        return (lambda: counts()[0]), (lambda: counts()[1])

    def score() -> np.ndarray:
        n_sat, n_ans = counts()
        return np.divide(n_sat, n_ans, out=np.zeros(len(n_sat)), where=n_ans > 0)

    return score, (lambda: counts()[1] > 0)


def _prepare(
    frame: pl.DataFrame, design: Design, method: SurveyMethod, group_cols: list[str]
) -> tuple[np.ndarray, pl.DataFrame, Layout]:
    """Row order (by group, stratum, PSU), the group keys and the design layout."""
    g, keys = _codes(frame, group_cols, "_g")
    if design.stratum:
        h, strata = _codes(frame, [design.stratum], "_h")
        strata_names = strata[design.stratum].cast(pl.Utf8)
    else:
        h, strata_names = np.zeros(frame.height, dtype=np.int64), pl.Series(["(all)"])
    if design.psu:
        p, _ = _codes(frame, [design.stratum, design.psu] if design.stratum else [design.psu], "_p")
    else:
        p = np.arange(frame.height, dtype=np.int64)  # each respondent is its own PSU
    w = (
        frame[design.weight].cast(pl.Float64).to_numpy()
        if design.weight
        else np.ones(frame.height, dtype=np.float64)
    )
    order = pl.DataFrame({"g": g, "h": h, "p": p}).select(pl.arg_sort_by(["g", "h", "p"]))["g"].to_numpy()
    g, h, p, w = g[order], h[order], p[order], np.ascontiguousarray(w[order])
    return order, keys, build_layout(g, h, p, w, method.singleton, strata_names)


def _estimate(
    prepared: tuple[np.ndarray, pl.DataFrame, Layout],
    measures: list[Measure],
    design: Design,
    method: SurveyMethod,
    group_cols: list[str],
) -> pl.DataFrame:
    _, keys, lay = prepared
    rows = len(lay.weight)
    out: list[dict[str, np.ndarray]] = []
    for start in range(0, len(measures), _BLOCK):
        block = measures[start : start + _BLOCK]
        y = np.empty((len(block), rows))
        x = np.empty((len(block), rows))
        for i, measure in enumerate(block):
            y[i] = measure[3]()
            x[i] = measure[4]()
        out.append(ratio_block(y, x, lay, method.singleton))
        del y, x
    stacked = {key: np.concatenate([o[key] for o in out], axis=0) for key in out[0]}  # (M, G)

    n_measures, n_groups = stacked["est"].shape
    est = stacked["est"].ravel()
    se = np.sqrt(stacked["var"]).ravel()
    dfs = stacked["df"].ravel()
    q = critical_values(dfs, method.alpha, method.ci)
    n = stacked["n"].ravel()
    group_index = np.tile(np.arange(n_groups), n_measures)[n > 0]
    measure_index = np.repeat(np.arange(n_measures), n_groups)[n > 0]
    keep = n > 0
    if design.respondent_type and design.respondent_type in group_cols:
        types = keys[design.respondent_type].cast(pl.Utf8).gather(group_index)
    else:
        types = pl.Series([ALL_TYPES if design.respondent_type else ""] * len(group_index), dtype=pl.Utf8)
    pick = pl.Series(measure_index)
    return pl.DataFrame(
        {
            "unit": keys[design.unit].cast(pl.Utf8).gather(group_index),
            "respondent_type": types,
            "level": pl.Series([m[0] for m in measures], dtype=pl.Utf8).gather(pick),
            "code": pl.Series([m[1] for m in measures], dtype=pl.Utf8).gather(pick),
            "factor": pl.Series([m[2] for m in measures], dtype=pl.Utf8).gather(pick),
            "n": n[keep],
            "n_eff": stacked["n_eff"].ravel()[keep],
            "index": est[keep],
            "se": se[keep],
            "ci_low": (est - q * se)[keep],
            "ci_high": (est + q * se)[keep],
            "df": dfs[keep],
            "small_n": n[keep] < method.min_n,
            "method": pl.Series([method.describe()], dtype=pl.Utf8).gather(
                np.zeros(int(keep.sum()), dtype=np.int64)
            ),
        }
    )


def estimate_ratios(
    frame: pl.DataFrame,
    y: Sequence[str],
    x: Sequence[str | None],
    design: Design,
    method: SurveyMethod | None = None,
) -> pl.DataFrame:
    """Design-based ratios Σwy/Σwx of numeric columns per (unit, respondent type).

    With x None the measure is the mean of `y` over its non-null rows (PAPI-style mean scores);
    otherwise rows where either is null leave the estimate. Same variance, df and CI rules as
    `estimate_satisfaction`; level is "mean" or "ratio", code the column name(s).
    """
    method = method or SurveyMethod()
    _check_design(frame, design, [Item(c, ()) for c in [*y, *(c for c in x if c)]])
    cols = [design.unit] + ([design.respondent_type] if design.respondent_type else [])
    prepared = _prepare(frame, design, method, cols)
    exprs = []
    for i, (ycol, xcol) in enumerate(zip(y, x, strict=True)):
        valid = pl.col(ycol).is_not_null() & (pl.col(xcol).is_not_null() if xcol else pl.lit(True))
        exprs.append(pl.when(valid).then(pl.col(ycol).cast(pl.Float64)).otherwise(0.0).alias(f"y{i}"))
        denominator = pl.col(xcol).cast(pl.Float64) if xcol else pl.lit(1.0)
        exprs.append(pl.when(valid).then(denominator).otherwise(0.0).alias(f"x{i}"))
    values = frame.select(exprs)[pl.Series(prepared[0])]
    measures: list[Measure] = [
        (
            "mean" if xcol is None else "ratio",
            ycol if xcol is None else f"{ycol}/{xcol}",
            None,
            partial(_column, values, f"y{i}"),
            partial(_column, values, f"x{i}"),
        )
        for i, (ycol, xcol) in enumerate(zip(y, x, strict=True))
    ]
    return _estimate(prepared, measures, design, method, cols)


def _column(frame: pl.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy()


def index_to_points(index: float, max_points: Decimal | str | int, places: int = 2) -> Decimal:
    """The boundary to framework points: an index share (0–1, float) times the criterion's
    maximum points, as a Decimal rounded half-up to `places` (Vietnamese practice)."""
    if not math.isfinite(index) or not 0 <= index <= 1:
        raise SurveyDesignError(_("Chỉ số phải trong [0, 1]: {index}.").format(index=index))
    value = Decimal(repr(float(index))) * Decimal(str(max_points))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

"""Design-based estimation of survey indices (SIPAS-style satisfaction, PAPI-style shares).

Ước lượng theo thiết kế mẫu cho các chỉ số khảo sát: tỷ lệ hài lòng theo câu hỏi, theo yếu tố
và chung, cho mọi đơn vị và loại người trả lời cùng một lúc.

What is estimated
-----------------
Every estimate is a ratio of two weighted totals over a *domain*,

    R_d = Σ_i w_i y_i d_i / Σ_i w_i x_i d_i ,

where the domain indicator d_i is "respondent i belongs to group g (unit × respondent type)".
A question's satisfaction index is the mean of the 0/1 "satisfied" indicator among those who
answered it (y = satisfied, x = answered), which is exactly `svy`'s `mean(y, by=..., drop_nulls=True)`
and R's `svyby(~y, ~g, design, svymean, na.rm=TRUE)`. Factor and overall indices use one of two
respondent-level aggregations, chosen in `SurveyMethod.aggregation`:

* ``"respondent_mean"`` (default): each respondent's score is the share of the factor's items they
  answered that count as satisfied; the index is the design-weighted mean of that score over the
  respondents who answered at least one of the items (y = score, x = 1).
* ``"pooled"``: all answered items of the factor are pooled; the index is the weighted number of
  satisfied answers over the weighted number of answers (y = #satisfied, x = #answered) — a ratio
  estimator, as `svy`'s `ratio(y, x)`.

The official SIPAS formula (Decision 1001/QĐ-BNV) was not available, so both are offered and the
method is written into every result row (column ``method``).

Variance
--------
Taylor linearisation with the with-replacement (first-stage) approximation, as `svydesign(ids=~psu,
strata=~stratum, weights=~w)` in R and `svy.Design(stratum=, psu=, wgt=)`:

    z_i  = w_i d_i (y_i − R_d x_i) / X_d                  (linearised values)
    V(R_d) = Σ_h n_h/(n_h−1) Σ_j (z_hj − z̄_h)²            (z_hj: PSU totals, n_h: PSUs in stratum h)

PSUs are nested in strata (a PSU code is read inside its stratum). A PSU holding no member of the
domain contributes z_hj = 0 but still counts in n_h, which is what makes domain estimation
design-consistent. No finite-population correction. Without PSUs each respondent is its own PSU;
without strata the design has one stratum; without weights every weight is 1.

Single-PSU strata: like `svy` (whose default raises), the default ``singleton="error"`` stops with
the list of such strata. ``"skip"`` gives them no variance (R ``lonely.psu="remove"``/``"certainty"``,
svy ``"skip"``); ``"center"`` centres their PSU total on the grand mean, which for a linearised
ratio is zero (R ``"adjust"``, svy ``"center"``).

Confidence interval: ``est ± q·se`` with q the Student-t quantile on the *domain* degrees of freedom
(number of PSUs holding domain members minus number of strata holding them), which is `svy`'s
default for `mean`; ``ci="normal"`` gives R `confint`'s normal interval. Domains with df = 0 have no
interval (NaN), as in `svy`.

Why float64 and not Decimal: these are statistical estimates with sampling error many orders of
magnitude above float rounding, computed over millions of answers. Decimal enters only at the
boundary where an index becomes framework points (`index_to_points`).

Vectorisation: rows are sorted once by (group, stratum, PSU); all sums are `np.add.reduceat` over
contiguous runs, for a block of measures at a time. There is no Python loop over domains.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from operator import getitem
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import polars as pl

SingletonRule = Literal["error", "skip", "center"]
Aggregation = Literal["respondent_mean", "pooled"]
CiRule = Literal["t", "normal"]

SINGLETON_RULES: tuple[str, ...] = ("error", "skip", "center")
AGGREGATIONS: tuple[str, ...] = ("respondent_mean", "pooled")
CI_RULES: tuple[str, ...] = ("t", "normal")
OVERALL = "overall"
ALL_TYPES = "*"

_BLOCK = 8  # measures estimated together; bounds memory at ~3 float64 arrays of BLOCK × rows


class SurveyDesignError(ValueError):
    """A design or data problem that makes estimation impossible (bilingual message)."""


# ---------------------------------------------------------------------------------------------
# Specifications
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One question that enters the index.

    `code` is the column holding the answer codes; `satisfied` the answer codes that count as
    satisfied; `factor` the factor it feeds (None: reported per question only); `in_overall`
    whether it enters the overall index.
    """

    code: str
    satisfied: tuple[str, ...]
    factor: str | None = None
    in_overall: bool = True


@dataclass(frozen=True)
class Design:
    """Column names of the survey design in the response frame (None: not given)."""

    unit: str
    respondent_type: str | None = None
    weight: str | None = None
    stratum: str | None = None
    psu: str | None = None


@dataclass(frozen=True)
class SurveyMethod:
    """Every choice that shapes a result; recorded with each result row."""

    satisfied_rule: str = "top-2 of a 5-point scale (4 5)"
    aggregation: Aggregation = "respondent_mean"
    ci: CiRule = "t"
    alpha: float = 0.05
    singleton: SingletonRule = "error"
    min_n: int = 30
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise SurveyDesignError(
                f"Cách gộp không hợp lệ {self.aggregation!r} / unknown aggregation; dùng / use {AGGREGATIONS}."
            )
        if self.ci not in CI_RULES:
            raise SurveyDesignError(
                f"Khoảng tin cậy {self.ci!r} không hợp lệ / unknown CI rule; dùng / use {CI_RULES}."
            )
        if self.singleton not in SINGLETON_RULES:
            raise SurveyDesignError(
                f"Quy tắc tầng một PSU {self.singleton!r} không hợp lệ / unknown singleton rule; dùng / use {SINGLETON_RULES}."
            )
        if not 0 < self.alpha < 1:
            raise SurveyDesignError(f"alpha phải trong (0, 1) / alpha must be in (0, 1): {self.alpha}.")

    def describe(self) -> str:
        """One line naming every choice, stored in the ``method`` column of each result."""
        level = f"{(1 - self.alpha) * 100:g}%"
        ci = "t (domain df)" if self.ci == "t" else "normal"
        text = (
            f"share satisfied; satisfied = {self.satisfied_rule}; factor/overall = {self.aggregation}; "
            f"variance = Taylor linearisation, with-replacement PSUs, strata; single-PSU strata = {self.singleton}; "
            f"CI {level} {ci}; small n < {self.min_n}"
        )
        return text + "".join(f"; {note}" for note in self.notes)

    def as_dict(self) -> dict[str, Any]:
        """The method as plain data (for JSON output and storage)."""
        data = asdict(self)
        data["notes"] = list(self.notes)
        data["variance"] = "taylor-linearisation-with-replacement"
        data["description"] = self.describe()
        return data


# ---------------------------------------------------------------------------------------------
# Distribution helpers (no SciPy: the t quantile is solved on the exact integer-df CDF)
# ---------------------------------------------------------------------------------------------


def _t_two_sided_mass(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with integer df (Abramowitz & Stegun 26.7.3–26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    s = math.sin(theta)
    if df % 2 == 1:
        total, term = 0.0, 1.0
        if df > 1:
            total = 1.0
            for k in range(1, (df - 3) // 2 + 1):
                term *= c2 * (2 * k) / (2 * k + 1)
                total += term
            total *= s * math.cos(theta)
        return 2 / math.pi * (theta + total)
    total, term = 1.0, 1.0
    for k in range(1, (df - 2) // 2 + 1):
        term *= c2 * (2 * k - 1) / (2 * k)
        total += term
    return s * total


def t_quantile(p: float, df: int) -> float:
    """The p-quantile (p > 0.5) of Student's t with integer df ≥ 1, to about 1e-13."""
    if df < 1:
        return math.nan
    if df > 2000:  # Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5), error far below 1e-12
        z = NormalDist().inv_cdf(p)
        g = (
            (z**3 + z) / 4,
            (5 * z**5 + 16 * z**3 + 3 * z) / 96,
            (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
            (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
        )
        return z + sum(term / df ** (k + 1) for k, term in enumerate(g))
    mass = 2 * p - 1
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    t = NormalDist().inv_cdf(p)
    for _ in range(100):
        density = math.exp(log_c - (df + 1) / 2 * math.log1p(t * t / df))
        step = (_t_two_sided_mass(t, df) - mass) / (2 * density)
        t -= step
        if abs(step) < 1e-14 * max(1.0, t):
            break
    return t


def _critical_values(df: np.ndarray, alpha: float, rule: str) -> np.ndarray:
    if rule == "normal":
        return np.where(df >= 1, NormalDist().inv_cdf(1 - alpha / 2), np.nan)
    out = np.full(df.shape, np.nan)
    for value in np.unique(df):
        if value >= 1:
            out[df == value] = t_quantile(1 - alpha / 2, int(value))
    return out


# ---------------------------------------------------------------------------------------------
# Design layout: rows sorted by (group, stratum, PSU), with run boundaries
# ---------------------------------------------------------------------------------------------


@dataclass
class _Layout:
    weight: np.ndarray  # (n,) in sorted order
    cell_starts: np.ndarray  # (C,) first row of each (group, stratum, psu) cell
    cell_group: np.ndarray  # (C,)
    gh_starts: np.ndarray  # (GH,) first cell of each (group, stratum) run
    gh_psus: np.ndarray  # (GH,) n_h of the stratum of the run
    group_cell_starts: np.ndarray  # (G,) first cell of each group
    group_gh_starts: np.ndarray  # (G,) first (group, stratum) run of each group


def _run_starts(*keys: np.ndarray) -> np.ndarray:
    change = np.zeros(len(keys[0]), dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def _layout(
    g: np.ndarray, h: np.ndarray, p: np.ndarray, w: np.ndarray, singleton: str, strata: pl.Series
) -> _Layout:
    cell_starts = _run_starts(g, h, p)
    cg, ch = g[cell_starts], h[cell_starts]
    # PSUs per stratum over the whole design (not per group).
    n_strata = int(h.max()) + 1
    psu_keys = np.unique(h.astype(np.int64) * (int(p.max()) + 1) + p)
    per_stratum = np.bincount(psu_keys // (int(p.max()) + 1), minlength=n_strata)
    lonely = np.flatnonzero(per_stratum == 1)
    if len(lonely) and singleton == "error":
        names = ", ".join(str(strata[int(i)]) for i in lonely[:10])
        more = f" (+{len(lonely) - 10})" if len(lonely) > 10 else ""
        raise SurveyDesignError(
            f"Tầng chỉ có một PSU, không ước lượng được phương sai: {names}{more}. Chọn quy tắc singleton "
            f"'skip' hoặc 'center'. / Strata with a single PSU have no variance estimate: {names}{more}. "
            "Choose the singleton rule 'skip' or 'center'."
        )
    gh_starts = _run_starts(cg, ch)
    group_cell_starts = _run_starts(cg)
    group_gh_starts = _run_starts(cg[gh_starts])
    return _Layout(
        weight=w,
        cell_starts=cell_starts,
        cell_group=cg,
        gh_starts=gh_starts,
        gh_psus=per_stratum[ch[gh_starts]],
        group_cell_starts=group_cell_starts,
        group_gh_starts=group_gh_starts,
    )


def _ratio_block(y: np.ndarray, x: np.ndarray, lay: _Layout, singleton: str) -> dict[str, np.ndarray]:
    """Estimates for a block of k measures: y, x of shape (k, n) in sorted row order.

    Returns arrays of shape (k, G): est, var, n, df, n_eff. `y` and `x` are overwritten.
    """
    w = lay.weight
    wm = (x > 0).astype(np.float64)
    cnt = np.add.reduceat(wm, lay.cell_starts, axis=1).round().astype(np.int64)
    wm *= w
    m1 = np.add.reduceat(wm, lay.cell_starts, axis=1)
    wm *= w
    m2 = np.add.reduceat(wm, lay.cell_starts, axis=1)
    del wm
    y *= w
    x *= w
    a = np.add.reduceat(y, lay.cell_starts, axis=1)  # (k, C) weighted y per cell
    b = np.add.reduceat(x, lay.cell_starts, axis=1)

    def per_group(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, lay.group_cell_starts, axis=1)

    y_tot, x_tot = per_group(a), per_group(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = y_tot / x_tot
        z = (a - est[:, lay.cell_group] * b) / x_tot[:, lay.cell_group]  # PSU totals of z
    z = np.nan_to_num(z, nan=0.0)
    t_sum = np.add.reduceat(z, lay.gh_starts, axis=1)
    q_sum = np.add.reduceat(z * z, lay.gh_starts, axis=1)
    nh = lay.gh_psus.astype(np.float64)
    multi = nh > 1
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = np.where(multi, nh / (nh - 1) * (q_sum - t_sum * t_sum / nh), 0.0)
    if singleton == "center":
        contrib = np.where(multi, contrib, q_sum)
    var = np.maximum(np.add.reduceat(contrib, lay.group_gh_starts, axis=1), 0.0)

    present = cnt > 0
    n = per_group(cnt)
    psus = per_group(present.astype(np.int64))
    strata_present = np.add.reduceat(present.astype(np.int64), lay.gh_starts, axis=1) > 0
    strata = np.add.reduceat(strata_present.astype(np.int64), lay.group_gh_starts, axis=1)
    s1, s2 = per_group(m1), per_group(m2)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = s1 * s1 / s2
    return {"est": est, "var": var, "n": n, "df": psus - strata, "n_eff": n_eff}


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


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
        raise SurveyDesignError(f"Thiếu cột / missing columns: {', '.join(missing)}.")
    for column in (design.unit, design.respondent_type, design.stratum, design.psu):
        if column and frame[column].null_count():
            row = int(frame[column].is_null().arg_true()[0])
            raise SurveyDesignError(
                f"Dòng {row + 1}, cột {column!r}: trống / row {row + 1}, field {column!r}: empty."
            )
    if design.weight:
        weights = frame[design.weight].cast(pl.Float64, strict=False)
        bad = weights.is_null() | ~weights.is_finite() | (weights <= 0)
        if bad.any():
            row = int(bad.arg_true()[0])
            raise SurveyDesignError(
                f"Dòng {row + 1}, cột {design.weight!r}: trọng số phải là số dương / row {row + 1}, field "
                f"{design.weight!r}: weights must be positive numbers."
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
        raise SurveyDesignError("Không có câu hỏi nào để tính chỉ số / no items to estimate.")
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
            ("question", it.code, it.factor, partial(getitem, sat, it.code), partial(getitem, ans, it.code))
            for it in items
        ]
        factors: dict[str, list[str]] = {}
        for it in items:
            if it.factor:
                factors.setdefault(it.factor, []).append(it.code)
        aggregates = [("factor", f, f, codes) for f, codes in factors.items()]
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
) -> tuple[np.ndarray, pl.DataFrame, _Layout]:
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
    return order, keys, _layout(g, h, p, w, method.singleton, strata_names)


def _estimate(
    prepared: tuple[np.ndarray, pl.DataFrame, _Layout],
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
        out.append(_ratio_block(y, x, lay, method.singleton))
        del y, x
    stacked = {key: np.concatenate([o[key] for o in out], axis=0) for key in out[0]}  # (M, G)

    n_measures, n_groups = stacked["est"].shape
    est = stacked["est"].ravel()
    se = np.sqrt(stacked["var"]).ravel()
    dfs = stacked["df"].ravel()
    q = _critical_values(dfs, method.alpha, method.ci)
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


def sample_size(population: int, margin: float = 0.05) -> int:
    """Slovin's sample size n = N / (1 + N·e²), rounded up — the formula of the MOHA SIPAS
    sampling guidance (N: number of transactions or people, e: allowed error, 5 % by default)."""
    if population < 1:
        raise SurveyDesignError(f"Quy mô tổng thể phải ≥ 1 / population must be ≥ 1: {population}.")
    if not 0 < margin < 1:
        raise SurveyDesignError(f"Sai số cho phép phải trong (0, 1) / margin must be in (0, 1): {margin}.")
    exact = Decimal(population) / (1 + Decimal(population) * Decimal(str(margin)) ** 2)
    return int(exact.to_integral_value(rounding="ROUND_CEILING"))


def index_to_points(index: float, max_points: Decimal | str | int, places: int = 2) -> Decimal:
    """The boundary to framework points: an index share (0–1, float) times the criterion's
    maximum points, as a Decimal rounded half-up to `places` (Vietnamese practice)."""
    if not math.isfinite(index) or not 0 <= index <= 1:
        raise SurveyDesignError(f"Chỉ số phải trong [0, 1] / index must be in [0, 1]: {index}.")
    value = Decimal(repr(float(index))) * Decimal(str(max_points))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

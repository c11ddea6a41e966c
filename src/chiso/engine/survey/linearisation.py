"""The design layout (rows sorted by group, stratum, PSU, with run boundaries) and the ratio
estimator with its Taylor-linearised variance, for a block of measures at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from chiso.engine.i18n import gettext as _
from chiso.engine.survey.design import SurveyDesignError


@dataclass
class Layout:
    """The sorted rows' weights and the first row (or cell) of each run, for `np.add.reduceat`."""

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


def build_layout(
    g: np.ndarray, h: np.ndarray, p: np.ndarray, w: np.ndarray, singleton: str, strata: pl.Series
) -> Layout:
    """The run boundaries of the sorted rows; stops on single-PSU strata under the "error" rule."""
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
            _(
                "Tầng chỉ có một PSU, không ước lượng được phương sai: {strata}. "
                "Chọn quy tắc singleton 'skip' hoặc 'center'."
            ).format(strata=names + more)
        )
    gh_starts = _run_starts(cg, ch)
    group_cell_starts = _run_starts(cg)
    group_gh_starts = _run_starts(cg[gh_starts])
    return Layout(
        weight=w,
        cell_starts=cell_starts,
        cell_group=cg,
        gh_starts=gh_starts,
        gh_psus=per_stratum[ch[gh_starts]],
        group_cell_starts=group_cell_starts,
        group_gh_starts=group_gh_starts,
    )


def ratio_block(y: np.ndarray, x: np.ndarray, lay: Layout, singleton: str) -> dict[str, np.ndarray]:
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

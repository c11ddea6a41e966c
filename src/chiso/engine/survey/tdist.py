"""Distribution helpers without SciPy: the Student-t quantile solved on the exact integer-df CDF,
and the critical values of a confidence interval."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


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


def critical_values(df: np.ndarray, alpha: float, rule: str) -> np.ndarray:
    """Per domain, the quantile q of the interval est ± q·se: Student-t on the domain df, or normal;
    NaN where df < 1."""
    if rule == "normal":
        return np.where(df >= 1, NormalDist().inv_cdf(1 - alpha / 2), np.nan)
    out = np.full(df.shape, np.nan)
    for value in np.unique(df):
        if value >= 1:
            out[df == value] = t_quantile(1 - alpha / 2, int(value))
    return out

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

Modules: `design` (items, design columns, method), `estimation` (the public estimators and the
boundary to points), `linearisation` (the layout and the ratio estimator with its variance),
`tdist` (the t quantile), `sampling` (sample size).
"""

from chiso.engine.survey.design import (
    AGGREGATIONS,
    ALL_TYPES,
    CI_RULES,
    OVERALL,
    SINGLETON_RULES,
    Aggregation,
    CiRule,
    Design,
    Item,
    SingletonRule,
    SurveyDesignError,
    SurveyMethod,
)
from chiso.engine.survey.estimation import estimate_ratios, estimate_satisfaction, index_to_points
from chiso.engine.survey.sampling import sample_size
from chiso.engine.survey.tdist import t_quantile

__all__ = [
    "AGGREGATIONS",
    "ALL_TYPES",
    "CI_RULES",
    "OVERALL",
    "SINGLETON_RULES",
    "Aggregation",
    "CiRule",
    "Design",
    "Item",
    "SingletonRule",
    "SurveyDesignError",
    "SurveyMethod",
    "estimate_ratios",
    "estimate_satisfaction",
    "index_to_points",
    "sample_size",
    "t_quantile",
]

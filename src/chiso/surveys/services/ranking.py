"""Units ranked on one index with their confidence intervals, and the neighbours each cannot be
told apart from."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from chiso.engine.survey import OVERALL
from chiso.surveys.models import Survey, SurveyResult
from chiso.surveys.services.common import ALL_TYPES
from chiso.units.models import Unit

# -- ranking with confidence intervals ---------------------------------------------------------------

INDISTINGUISHABLE_RULE = (
    "Two neighbours in the ranking are statistically indistinguishable when their 95% confidence "
    "intervals overlap: the lower bound of the higher-ranked unit is at or below the upper bound of "
    "the next one (or either has no interval)."
)


@dataclass
class RankRow:
    """One unit in the ranking of one index, with its interval and its neighbours."""

    rank: int
    unit: Unit
    result: SurveyResult
    tied_above: bool = False  # CI overlaps the unit ranked just above
    tied_below: bool = False  # CI overlaps the unit ranked just below
    factors: dict[str, SurveyResult] = field(default_factory=dict)

    @property
    def percent(self) -> Decimal:
        return to_percent(self.result.index)

    @property
    def low(self) -> Decimal | None:
        return None if self.result.ci_low is None else to_percent(max(self.result.ci_low, 0.0))

    @property
    def high(self) -> Decimal | None:
        return None if self.result.ci_high is None else to_percent(min(self.result.ci_high, 1.0))


def to_percent(share: float) -> Decimal:
    """A share (0–1) as a percentage Decimal rounded half-up to 2 places (86.545 → 86.55)."""
    return (Decimal(repr(float(share))) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def overlaps(higher: SurveyResult, lower: SurveyResult) -> bool:
    """Do the 95% intervals of two neighbours overlap (`higher` has the larger index)? A missing
    interval (df = 0) cannot tell the two apart, so it counts as overlapping."""
    if higher.ci_low is None or lower.ci_high is None:
        return True
    return higher.ci_low <= lower.ci_high


def ranking(
    survey: Survey, code: str = OVERALL, respondent_type: str = ALL_TYPES, with_factors: bool = True
) -> list[RankRow]:
    """Units ranked on one index (overall or a factor), best first, with the neighbours each one
    cannot be told apart from. Equal percentages (2 places) share a rank."""
    level = SurveyResult.ResultLevel.OVERALL if code == OVERALL else SurveyResult.ResultLevel.FACTOR
    results = list(
        SurveyResult.objects.filter(survey=survey, level=level, code=code, respondent_type=respondent_type)
        .select_related("unit")
        .order_by("-index", "unit__name")
    )
    rows: list[RankRow] = []
    for position, result in enumerate(results, start=1):
        rank = position
        if rows and to_percent(rows[-1].result.index) == to_percent(result.index):
            rank = rows[-1].rank
        rows.append(RankRow(rank=rank, unit=result.unit, result=result))
    for above, below in itertools.pairwise(rows):
        if overlaps(above.result, below.result):
            above.tied_below = below.tied_above = True
    if with_factors and rows:
        factors = SurveyResult.objects.filter(
            survey=survey, level=SurveyResult.ResultLevel.FACTOR, respondent_type=respondent_type
        )
        by_unit = {row.unit.pk: row for row in rows}
        for result in factors:
            if result.unit_id in by_unit:
                by_unit[result.unit_id].factors[result.code] = result
    return rows

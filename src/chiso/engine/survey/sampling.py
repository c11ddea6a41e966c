"""Sample planning: how many respondents a unit needs."""

from __future__ import annotations

from decimal import Decimal

from chiso.engine.i18n import gettext as _
from chiso.engine.survey.design import SurveyDesignError


def sample_size(population: int, margin: float = 0.05) -> int:
    """Slovin's sample size n = N / (1 + N·e²), rounded up — the formula of the MOHA SIPAS
    sampling guidance (N: number of transactions or people, e: allowed error, 5 % by default)."""
    if population < 1:
        raise SurveyDesignError(_("Quy mô tổng thể phải ≥ 1: {population}.").format(population=population))
    if not 0 < margin < 1:
        raise SurveyDesignError(_("Sai số cho phép phải trong (0, 1): {margin}.").format(margin=margin))
    exact = Decimal(population) / (1 + Decimal(population) * Decimal(str(margin)) ** 2)
    return int(exact.to_integral_value(rounding="ROUND_CEILING"))

"""Rule types that scale a ratio to the maximum: a share counted by the unit, a value against the
best peer, a survey index."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import HUNDRED, ZERO
from chiso.engine.rules.base import RuleContext, RuleType, ScoringInputError, clamp, negative, number

_NO_OCCURRENCE = ("full", "zero", "error")


class Proportional(RuleType):
    """ratio × max, clamped to [0, max]: inputs `numerator`, `denominator`.

    A zero denominator (nothing to count) follows `when_no_occurrence`: "full" points, "zero"
    points, or "error" (the default: the case must be decided, not guessed).
    """

    name = "proportional"
    inputs = ("numerator", "denominator")

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        mode = params.get("when_no_occurrence", "error")
        if mode not in _NO_OCCURRENCE:
            problems.append(
                _(
                    "proportional: 'when_no_occurrence' phải là full, zero hoặc error, không phải {mode}"
                ).format(mode=repr(mode))
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.when_no_occurrence = self.params.get("when_no_occurrence", "error")

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        code = context.code
        numerator = number(inputs, "numerator", code)
        denominator = number(inputs, "denominator", code)
        if numerator < ZERO:
            raise ScoringInputError(code, "numerator", negative(numerator))
        if denominator < ZERO:
            raise ScoringInputError(code, "denominator", negative(denominator))
        if denominator == ZERO:
            if self.when_no_occurrence == "full":
                return max_points
            if self.when_no_occurrence == "zero":
                return ZERO
            raise ScoringInputError(
                code,
                "denominator",
                _("bằng 0 và quy tắc không nói cách chấm khi không phát sinh"),
            )
        return clamp(numerator * max_points / denominator, max_points)


class NormalisedToBest(RuleType):
    """value / best value among the peer units × max: input `value` (≥ 0).

    The best value comes from the context (every unit scored together). When the best is 0
    (no unit has anything), `when_all_zero` says "zero" (default) or "full".
    """

    name = "normalised_to_best"
    inputs = ("value",)
    peer_field = "value"

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        mode = params.get("when_all_zero", "zero")
        if mode not in ("zero", "full"):
            problems.append(
                _("normalised_to_best: 'when_all_zero' phải là zero hoặc full, không phải {mode}").format(
                    mode=repr(mode)
                )
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.when_all_zero = self.params.get("when_all_zero", "zero")

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        value = number(inputs, "value", context.code)
        if value < ZERO:
            raise ScoringInputError(context.code, "value", negative(value))
        best = context.best(context.code)
        if best is None:
            raise ScoringInputError(
                context.code,
                "value",
                _("không có giá trị của các đơn vị để so sánh"),
            )
        if value > best:
            raise ScoringInputError(
                context.code,
                "value",
                _("{value} lớn hơn giá trị cao nhất của các đơn vị ({best})").format(value=value, best=best),
            )
        if best == ZERO:
            return max_points if self.when_all_zero == "full" else ZERO
        return value * max_points / best


class SurveyShare(RuleType):
    """Survey index (percent, 0..100) × max / 100: input `index_percent`."""

    name = "survey_share"
    inputs = ("index_percent",)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        percent = number(inputs, "index_percent", context.code)
        if percent < ZERO or percent > HUNDRED:
            raise ScoringInputError(
                context.code, "index_percent", _("{percent} ngoài khoảng 0–100").format(percent=percent)
            )
        return percent * max_points / HUNDRED

"""Bonus and penalty items: signed points added to the total, capped at the item's maximum."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import ZERO, parse_decimal
from chiso.engine.rules.base import RuleContext, RuleType, ScoringInputError, negative, number, param_number


class Adjustment(RuleType):
    """Signed points for a bonus or penalty item, capped at the adjustment's maximum.

    Input `points` (the size of the bonus or deduction; a penalty may be written with or without
    its minus sign), or `count` with the parameter `per_item` (points per counted item).
    """

    inputs = ("points",)
    signed = True
    sign: ClassVar[int] = 1

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        if max_points is not None and max_points < 0:
            problems.append(_("{rule}: điểm tối đa phải ≥ 0").format(rule=cls.name))
        per_item = param_number(params, "per_item", cls.name, problems)
        if per_item is not None and per_item <= 0:
            problems.append(_("{rule}: 'per_item' phải dương").format(rule=cls.name))
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        per_item = self.params.get("per_item")
        self.per_item = None if per_item is None else parse_decimal(per_item)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        if self.per_item is not None and "count" in inputs:
            count = number(inputs, "count", context.code)
            if count < ZERO:
                raise ScoringInputError(context.code, "count", negative(count))
            size = count * self.per_item
        else:
            size = number(inputs, "points", context.code)
            if self.sign > 0 and size < ZERO:
                raise ScoringInputError(
                    context.code, "points", _("điểm thưởng âm ({points})").format(points=size)
                )
            size = abs(size)
        if size > max_points:
            size = max_points
        return size if self.sign > 0 else -size


class Bonus(Adjustment):
    """Points added to the total."""

    name = "bonus"
    sign = 1


class Penalty(Adjustment):
    """Points taken from the total."""

    name = "penalty"
    sign = -1

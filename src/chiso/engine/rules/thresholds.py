"""Rule types that compare a value with thresholds: a table of steps, a target to reach."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import ZERO, parse_decimal
from chiso.engine.rules.base import RuleContext, RuleType, check_points, clamp, missing, number, param_number


class StepTable(RuleType):
    """Thresholds → points: input `value`; the highest step reached gives its points.

    `steps: [{min: 70, points: 1}, {min: 90, points: 2, strict: true}]` in increasing order;
    a step is reached when value ≥ min, or value > min with `strict: true` (per step, or for
    every step with a rule-level `strict: true`). Below the first step: `below` points (0).
    """

    name = "step_table"
    inputs = ("value",)

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        steps = params.get("steps")
        if not steps or not isinstance(steps, list):
            problems.append(missing(cls.name, "steps"))
            return problems
        default_strict = bool(params.get("strict", False))
        previous: tuple[Decimal, bool] | None = None
        for i, step in enumerate(steps):
            if not isinstance(step, Mapping) or "min" not in step or "points" not in step:
                problems.append(_("step_table: bậc {number} cần 'min' và 'points'").format(number=i + 1))
                previous = None
                continue
            threshold = param_number(step, "min", cls.name, problems)
            points = param_number(step, "points", cls.name, problems)
            if points is not None:
                check_points(cls.name, _("bậc {number}").format(number=i + 1), points, max_points, problems)
            if threshold is None:
                previous = None
                continue
            key = (threshold, bool(step.get("strict", default_strict)))
            if previous is not None and key <= previous:
                problems.append(
                    _("step_table: các ngưỡng phải tăng dần (bậc {number}: {threshold})").format(
                        number=i + 1, threshold=threshold
                    )
                )
            previous = key
        below = param_number(params, "below", cls.name, problems)
        if below is not None:
            check_points(cls.name, "'below'", below, max_points, problems)
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        default_strict = bool(self.params.get("strict", False))
        # Highest step first, so the first step reached is the answer.
        self.steps = [
            (parse_decimal(s["min"]), bool(s.get("strict", default_strict)), parse_decimal(s["points"]))
            for s in reversed(self.params["steps"])
        ]
        below = self.params.get("below")
        self.below = ZERO if below is None else parse_decimal(below)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        value = number(inputs, "value", context.code)
        for threshold, strict, points in self.steps:
            if value > threshold or (not strict and value == threshold):
                return points
        return self.below


class TargetAttainment(RuleType):
    """Full points when `value` ≥ `target`; otherwise 0, or value/target × max with
    `partial: proportional`."""

    name = "target_attainment"
    inputs = ("value",)

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        if params.get("target") is None:
            problems.append(missing(cls.name, "target"))
        else:
            target = param_number(params, "target", cls.name, problems)
            if target is not None and target <= 0 and params.get("partial") == "proportional":
                problems.append(_("target_attainment: 'target' phải dương khi partial là proportional"))
        partial = params.get("partial", "none")
        if partial not in ("none", "proportional"):
            problems.append(
                _("target_attainment: 'partial' phải là none hoặc proportional, không phải {partial}").format(
                    partial=repr(partial)
                )
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.target = parse_decimal(self.params["target"])
        self.proportional = self.params.get("partial") == "proportional"

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        value = number(inputs, "value", context.code)
        if value >= self.target:
            return max_points
        if self.proportional:
            return clamp(value * max_points / self.target, max_points)
        return ZERO

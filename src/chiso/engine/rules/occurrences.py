"""The rule type for things that should not happen: full points when nothing occurred."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import ZERO, parse_decimal
from chiso.engine.rules.base import (
    RULE_TYPES,
    RuleContext,
    RuleType,
    ScoringInputError,
    clamp,
    number,
    param_number,
    validate_rule,
)


class NoOccurrenceFull(RuleType):
    """Full points when nothing occurred (input `occurrences` = 0, e.g. no complaint, no late
    report); otherwise either a nested rule (`then: {type, params}`, given the same inputs) or a
    deduction of `deduction_per_occurrence` points per occurrence, not below 0."""

    name = "no_occurrence_full"
    inputs = ("occurrences",)

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        then = params.get("then")
        has_deduction = params.get("deduction_per_occurrence") is not None
        if (then is None) == (not has_deduction):
            problems.append(
                _(
                    "no_occurrence_full: cần đúng một trong 'then' (quy tắc lồng) "
                    "hoặc 'deduction_per_occurrence'"
                )
            )
            return problems
        if has_deduction:
            deduction = param_number(params, "deduction_per_occurrence", cls.name, problems)
            if deduction is not None and deduction <= 0:
                problems.append(_("no_occurrence_full: 'deduction_per_occurrence' phải dương"))
            return problems
        if not isinstance(then, Mapping) or "type" not in then:
            problems.append(_("no_occurrence_full: 'then' cần 'type'"))
            return problems
        if then["type"] in ("bonus", "penalty"):
            problems.append(_("no_occurrence_full: 'then' không thể là điểm thưởng/trừ"))
            return problems
        for message in validate_rule(str(then["type"]), then.get("params"), max_points):
            problems.append(f"no_occurrence_full > then: {message}")
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        then = self.params.get("then")
        self.then = RULE_TYPES[then["type"]](then.get("params")) if then else None
        deduction = self.params.get("deduction_per_occurrence")
        self.deduction = None if deduction is None else parse_decimal(deduction)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        count = number(inputs, "occurrences", context.code)
        if count < ZERO or count != count.to_integral_value():
            raise ScoringInputError(
                context.code,
                "occurrences",
                _("phải là số nguyên không âm ({count})").format(count=count),
            )
        if count == ZERO:
            return max_points
        if self.then is not None:
            return self.then.score(inputs, max_points, context)
        assert self.deduction is not None  # validate() asks for exactly one of `then` and the deduction
        return clamp(max_points - count * self.deduction, max_points)

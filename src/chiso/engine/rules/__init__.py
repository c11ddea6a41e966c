"""Scoring rule types: how a leaf criterion turns its inputs into points.

Each rule type is a small class in `RULE_TYPES`, looked up by the name a framework writes in
`rule.type`. A rule type offers

- `validate(params, max_points) -> list[str]`: what is wrong with the parameters (empty when
  nothing is), each message in the active language;
- `RuleType(params)` then `score(inputs, max_points, context) -> Decimal`: the points for one
  unit. Parameters are read once, when the rule is built, not on every call.

Points stay in [0, max] for criteria; adjustments (`bonus`, `penalty`) are signed and capped at
the adjustment's maximum. A value that cannot be used raises `ScoringInputError` naming the
criterion and the input field. Nothing here rounds: rounding belongs to the framework's
published precision, applied when figures are shown or ranked.

The package holds the shared parts in `base` and one module per family of rule types:
`entered` (points, a choice, a checklist), `ratios` (proportional, normalised to the best,
survey share), `thresholds` (step table, target attainment), `occurrences` (no occurrence:
full points) and `adjustments` (bonus, penalty). A new rule type subclasses `RuleType` and is
added with `register`.
"""

from __future__ import annotations

from chiso.engine.rules.adjustments import Adjustment, Bonus, Penalty
from chiso.engine.rules.base import (
    RULE_TYPES,
    RuleContext,
    RuleType,
    ScoringInputError,
    build_rule,
    register,
    rule_type,
    validate_rule,
)
from chiso.engine.rules.entered import Checklist, Choice, Manual
from chiso.engine.rules.occurrences import NoOccurrenceFull
from chiso.engine.rules.ratios import NormalisedToBest, Proportional, SurveyShare
from chiso.engine.rules.thresholds import StepTable, TargetAttainment

# The order in which the framework editor offers the rule types.
for _rule in (
    Manual,
    Choice,
    Proportional,
    NormalisedToBest,
    StepTable,
    Checklist,
    TargetAttainment,
    SurveyShare,
    NoOccurrenceFull,
    Bonus,
    Penalty,
):
    register(_rule)
del _rule

__all__ = [
    "RULE_TYPES",
    "Adjustment",
    "Bonus",
    "Checklist",
    "Choice",
    "Manual",
    "NoOccurrenceFull",
    "NormalisedToBest",
    "Penalty",
    "Proportional",
    "RuleContext",
    "RuleType",
    "ScoringInputError",
    "StepTable",
    "SurveyShare",
    "TargetAttainment",
    "build_rule",
    "register",
    "rule_type",
    "validate_rule",
]

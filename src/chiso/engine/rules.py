"""Scoring rule types: how a leaf criterion turns its inputs into points.

Each rule type is a small class in `RULE_TYPES`, looked up by the name a framework writes in
`rule.type`. A rule type offers

- `validate(params, max_points) -> list[str]`: what is wrong with the parameters (empty when
  nothing is); each message is English text and carries the Vietnamese text in `.vi`;
- `RuleType(params)` then `score(inputs, max_points, context) -> Decimal`: the points for one
  unit. Parameters are read once, when the rule is built, not on every call.

Points stay in [0, max] for criteria; adjustments (`bonus`, `penalty`) are signed and capped at
the adjustment's maximum. A value that cannot be used raises `ScoringInputError` naming the
criterion and the input field. Nothing here rounds: rounding belongs to the framework's
published precision, applied when figures are shown or ranked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from chiso.engine.numbers import HUNDRED, ZERO, NumberError, parse_decimal


class ScoringInputError(ValueError):
    """An input value that a rule cannot score; the message names the criterion and the field."""

    def __init__(self, code: str, field_name: str, problem_vi: str, problem_en: str) -> None:
        self.code = code
        self.field = field_name
        self.problem_vi = problem_vi
        self.problem_en = problem_en
        super().__init__(
            f"Tiêu chí {code}, trường '{field_name}': {problem_vi} / "
            f"criterion {code}, field '{field_name}': {problem_en}"
        )


class RuleMessage(str):
    """A validation message: the English text, with the Vietnamese text in `.vi`."""

    vi: str

    def __new__(cls, vi: str, en: str) -> RuleMessage:
        message = super().__new__(cls, en)
        message.vi = vi
        return message


@dataclass
class RuleContext:
    """What a rule may know beyond one unit's inputs.

    `code` names the criterion (for messages). `peer_values` holds, per leaf code, the values of
    every unit scored together (for `normalised_to_best`); `peer_best` may carry the best value
    per leaf already computed, which the scorer does once for all units.
    """

    code: str = ""
    peer_values: Mapping[str, Sequence[Decimal]] = field(default_factory=dict)
    peer_best: dict[str, Decimal] = field(default_factory=dict)

    def best(self, code: str) -> Decimal | None:
        """The largest peer value of leaf `code`, or None when no peer has one."""
        if code in self.peer_best:
            return self.peer_best[code]
        values = self.peer_values.get(code)
        best = max(values) if values else None
        if best is not None:
            self.peer_best[code] = best
        return best


# -- helpers ----------------------------------------------------------------------------------------


def _number(inputs: Mapping[str, Any], key: str, code: str) -> Decimal:
    """The input `key` as a Decimal; missing or unreadable values raise ScoringInputError."""
    value = inputs.get(key)
    kind = type(value)
    if kind is Decimal and value.is_finite():  # the common case first: scoring runs this a lot
        return value
    if kind is int:
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ScoringInputError(code, key, f"{value!r} không phải số", f"{value!r} is not a number")
        return value
    if value is None or value == "":
        raise ScoringInputError(code, key, "thiếu giá trị", "value missing")
    try:
        return parse_decimal(value)
    except NumberError:
        raise ScoringInputError(code, key, f"{value!r} không phải số", f"{value!r} is not a number") from None


def _param_number(params: Mapping[str, Any], key: str, rule: str, problems: list[str]) -> Decimal | None:
    """Read a numeric parameter for validation; records a problem and returns None if it is bad."""
    if key not in params or params[key] is None:
        return None
    try:
        return parse_decimal(params[key])
    except NumberError:
        problems.append(
            RuleMessage(
                f"{rule}: tham số '{key}' không phải số: {params[key]!r}",
                f"{rule}: '{key}' is not a number: {params[key]!r}",
            )
        )
        return None


def _missing(rule: str, key: str) -> RuleMessage:
    return RuleMessage(f"{rule}: thiếu tham số '{key}'", f"{rule}: '{key}' missing")


def _max_unknown(rule: str) -> RuleMessage:
    return RuleMessage(
        f"{rule}: cần biết điểm tối đa của tiêu chí",
        f"{rule}: the criterion's maximum must be known",
    )


def _check_points(
    rule: str, what: str, points: Decimal, max_points: Decimal | None, problems: list[str]
) -> None:
    if points < 0:
        problems.append(
            RuleMessage(
                f"{rule}: {what} có điểm âm ({points})", f"{rule}: {what} has negative points ({points})"
            )
        )
    elif max_points is not None and points > max_points:
        problems.append(
            RuleMessage(
                f"{rule}: {what} có {points} điểm, vượt điểm tối đa {max_points}",
                f"{rule}: {what} gives {points} points, above the maximum {max_points}",
            )
        )


def _clamp(points: Decimal, max_points: Decimal) -> Decimal:
    if points < ZERO:
        return ZERO
    if points > max_points:
        return max_points
    return points


# -- the registry -----------------------------------------------------------------------------------


def _check_coded_points(
    rule: str,
    params: Mapping[str, Any],
    key: str,
    noun: tuple[str, str],
    max_points: Decimal | None,
    problems: list[str],
) -> bool:
    """Check a list of `{code, points}` entries (choice options, checklist items): present, each
    with a code and points, codes unique, points within the maximum. False when the list is missing."""
    entries = params.get(key)
    if not entries or not isinstance(entries, list):
        problems.append(_missing(rule, key))
        return False
    noun_vi, noun_en = noun
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or "code" not in entry or "points" not in entry:
            problems.append(
                RuleMessage(
                    f"{rule}: {noun_vi} {i + 1} cần 'code' và 'points'",
                    f"{rule}: {noun_en} {i + 1} needs 'code' and 'points'",
                )
            )
            continue
        code = str(entry["code"])
        if code in seen:
            problems.append(
                RuleMessage(
                    f"{rule}: mã {noun_vi} '{code}' bị trùng", f"{rule}: duplicate {noun_en} code '{code}'"
                )
            )
        seen.add(code)
        points = _param_number(entry, "points", rule, problems)
        if points is not None:
            _check_points(rule, f"{noun_en} '{code}'", points, max_points, problems)
    return True


class RuleType:
    """Base of every rule type. Subclasses set `name` and `inputs` and override both methods."""

    name: ClassVar[str] = ""
    inputs: ClassVar[tuple[str, ...]] = ()  # the input fields the rule reads
    needs_max: ClassVar[bool] = True
    peer_field: ClassVar[str | None] = None  # the input compared across units, if any
    signed: ClassVar[bool] = False  # adjustments: points may be negative

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        self.params = dict(params or {})

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems: list[str] = []
        if cls.needs_max and max_points is None:
            problems.append(_max_unknown(cls.name))
        return problems

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        raise NotImplementedError


RULE_TYPES: dict[str, type[RuleType]] = {}


def register(cls: type[RuleType]) -> type[RuleType]:
    """Add a rule type to the registry under its `name`."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    RULE_TYPES[cls.name] = cls
    return cls


def rule_type(name: str) -> type[RuleType]:
    """The rule type registered as `name`; KeyError for an unknown name."""
    return RULE_TYPES[name]


def validate_rule(name: str, params: Mapping[str, Any] | None, max_points: Decimal | None) -> list[str]:
    """Problems with a rule of type `name` and these parameters (unknown type included)."""
    cls = RULE_TYPES.get(name)
    if cls is None:
        known = ", ".join(sorted(RULE_TYPES))
        return [
            RuleMessage(
                f"loại quy tắc không có: '{name}' (có: {known})", f"unknown rule type '{name}' ({known})"
            )
        ]
    if params is not None and not isinstance(params, Mapping):
        return [
            RuleMessage(
                f"{name}: 'params' phải là một mục có các trường", f"{name}: 'params' must be a mapping"
            )
        ]
    return cls.validate(params or {}, max_points)


def build_rule(name: str, params: Mapping[str, Any] | None, max_points: Decimal | None) -> RuleType:
    """A ready-to-score rule; raises ValueError listing the problems if the parameters are invalid."""
    problems = validate_rule(name, params, max_points)
    if problems:
        raise ValueError("; ".join(problems))
    return RULE_TYPES[name](params)


# -- rule types -------------------------------------------------------------------------------------


@register
class Manual(RuleType):
    """Points entered directly (appraised score): input `points`, 0 ≤ points ≤ max.

    Works with an unknown maximum (then only points ≥ 0 is checked).
    """

    name = "manual"
    inputs = ("points",)
    needs_max = False

    def score(self, inputs: Mapping[str, Any], max_points: Decimal | None, context: RuleContext) -> Decimal:
        points = _number(inputs, "points", context.code)
        if points < ZERO:
            raise ScoringInputError(
                context.code, "points", f"điểm âm ({points})", f"negative points ({points})"
            )
        if max_points is not None and points > max_points:
            raise ScoringInputError(
                context.code,
                "points",
                f"{points} vượt điểm tối đa {max_points}",
                f"{points} is above the maximum {max_points}",
            )
        return points


@register
class Choice(RuleType):
    """One of a fixed list of outcomes, each with its points: input `choice` = an option code.

    `options: [{code: kip_thoi, label_vi: "Ban hành kịp thời", points: 1}, ...]` — the tiered
    wording of Vietnamese scoring tables ("kịp thời: 1; không kịp thời: 0,5; không ban hành: 0").
    """

    name = "choice"
    inputs = ("choice",)

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        _check_coded_points(cls.name, params, "options", ("lựa chọn", "option"), max_points, problems)
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.points = {str(o["code"]): parse_decimal(o["points"]) for o in self.params["options"]}

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        if inputs.get("choice") in (None, ""):
            raise ScoringInputError(context.code, "choice", "thiếu giá trị", "value missing")
        choice = str(inputs["choice"])
        try:
            return self.points[choice]
        except KeyError:
            known = ", ".join(self.points)
            raise ScoringInputError(
                context.code,
                "choice",
                f"'{choice}' không có trong các lựa chọn ({known})",
                f"'{choice}' is not one of {known}",
            ) from None


_NO_OCCURRENCE = ("full", "zero", "error")


@register
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
                RuleMessage(
                    f"proportional: 'when_no_occurrence' phải là full, zero hoặc error, không phải {mode!r}",
                    f"proportional: 'when_no_occurrence' must be full, zero or error, not {mode!r}",
                )
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.when_no_occurrence = self.params.get("when_no_occurrence", "error")

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        code = context.code
        numerator = _number(inputs, "numerator", code)
        denominator = _number(inputs, "denominator", code)
        if numerator < ZERO:
            raise ScoringInputError(code, "numerator", f"số âm ({numerator})", f"negative ({numerator})")
        if denominator < ZERO:
            raise ScoringInputError(
                code, "denominator", f"số âm ({denominator})", f"negative ({denominator})"
            )
        if denominator == ZERO:
            if self.when_no_occurrence == "full":
                return max_points
            if self.when_no_occurrence == "zero":
                return ZERO
            raise ScoringInputError(
                code,
                "denominator",
                "bằng 0 và quy tắc không nói cách chấm khi không phát sinh",
                "is 0 and the rule does not say how to score when nothing occurred (when_no_occurrence)",
            )
        return _clamp(numerator * max_points / denominator, max_points)


@register
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
                RuleMessage(
                    f"normalised_to_best: 'when_all_zero' phải là zero hoặc full, không phải {mode!r}",
                    f"normalised_to_best: 'when_all_zero' must be zero or full, not {mode!r}",
                )
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.when_all_zero = self.params.get("when_all_zero", "zero")

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        value = _number(inputs, "value", context.code)
        if value < ZERO:
            raise ScoringInputError(context.code, "value", f"số âm ({value})", f"negative ({value})")
        best = context.best(context.code)
        if best is None:
            raise ScoringInputError(
                context.code,
                "value",
                "không có giá trị của các đơn vị để so sánh",
                "no peer values to compare with (normalised_to_best needs every unit's value)",
            )
        if value > best:
            raise ScoringInputError(
                context.code,
                "value",
                f"{value} lớn hơn giá trị cao nhất của các đơn vị ({best})",
                f"{value} is above the best peer value ({best})",
            )
        if best == ZERO:
            return max_points if self.when_all_zero == "full" else ZERO
        return value * max_points / best


@register
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
            problems.append(_missing(cls.name, "steps"))
            return problems
        default_strict = bool(params.get("strict", False))
        previous: tuple[Decimal, bool] | None = None
        for i, step in enumerate(steps):
            if not isinstance(step, Mapping) or "min" not in step or "points" not in step:
                problems.append(
                    RuleMessage(
                        f"step_table: bậc {i + 1} cần 'min' và 'points'",
                        f"step_table: step {i + 1} needs 'min' and 'points'",
                    )
                )
                previous = None
                continue
            threshold = _param_number(step, "min", cls.name, problems)
            points = _param_number(step, "points", cls.name, problems)
            if points is not None:
                _check_points(cls.name, f"step {i + 1}", points, max_points, problems)
            if threshold is None:
                previous = None
                continue
            key = (threshold, bool(step.get("strict", default_strict)))
            if previous is not None and key <= previous:
                problems.append(
                    RuleMessage(
                        f"step_table: các ngưỡng phải tăng dần (bậc {i + 1}: {threshold})",
                        f"step_table: thresholds must be increasing (step {i + 1}: {threshold})",
                    )
                )
            previous = key
        below = _param_number(params, "below", cls.name, problems)
        if below is not None:
            _check_points(cls.name, "'below'", below, max_points, problems)
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
        value = _number(inputs, "value", context.code)
        for threshold, strict, points in self.steps:
            if value > threshold or (not strict and value == threshold):
                return points
        return self.below


@register
class Checklist(RuleType):
    """Sum of the points of the items marked done, capped at `cap` (and at the maximum).

    `items: [{code: a, points: 1}, ...]`; input `done`: a list of item codes, or a mapping
    item code → true/false.
    """

    name = "checklist"
    inputs = ("done",)

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        if not _check_coded_points(cls.name, params, "items", ("mục", "item"), max_points, problems):
            return problems
        cap = _param_number(params, "cap", cls.name, problems)
        if cap is not None:
            _check_points(cls.name, "'cap'", cap, max_points, problems)
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.items = {str(i["code"]): parse_decimal(i["points"]) for i in self.params["items"]}
        cap = self.params.get("cap")
        self.cap = None if cap is None else parse_decimal(cap)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        done = inputs.get("done")
        if done is None:
            raise ScoringInputError(context.code, "done", "thiếu giá trị", "value missing")
        if isinstance(done, (list, tuple, set, frozenset)):  # tested first: ABC checks are slow
            codes = {c if type(c) is str else str(c) for c in done}
            unknown = sorted(c for c in codes if c not in self.items)
        elif isinstance(done, Mapping):
            codes = {str(k) for k, v in done.items() if v}
            unknown = sorted(str(k) for k in done if str(k) not in self.items)
        else:
            raise ScoringInputError(
                context.code,
                "done",
                "phải là danh sách mã mục",
                f"must be a list of item codes, got {done!r}",
            )
        if unknown:
            raise ScoringInputError(
                context.code,
                "done",
                f"mục không có: {', '.join(unknown)}",
                f"unknown items: {', '.join(unknown)}",
            )
        items = self.items
        total = ZERO
        for c in codes:
            total += items[c]
        if self.cap is not None and total > self.cap:
            total = self.cap
        return _clamp(total, max_points)


@register
class TargetAttainment(RuleType):
    """Full points when `value` ≥ `target`; otherwise 0, or value/target × max with
    `partial: proportional`."""

    name = "target_attainment"
    inputs = ("value",)

    @classmethod
    def validate(cls, params: Mapping[str, Any], max_points: Decimal | None) -> list[str]:
        problems = super().validate(params, max_points)
        if params.get("target") is None:
            problems.append(_missing(cls.name, "target"))
        else:
            target = _param_number(params, "target", cls.name, problems)
            if target is not None and target <= 0 and params.get("partial") == "proportional":
                problems.append(
                    RuleMessage(
                        "target_attainment: 'target' phải dương khi partial là proportional",
                        "target_attainment: 'target' must be positive with partial: proportional",
                    )
                )
        partial = params.get("partial", "none")
        if partial not in ("none", "proportional"):
            problems.append(
                RuleMessage(
                    f"target_attainment: 'partial' phải là none hoặc proportional, không phải {partial!r}",
                    f"target_attainment: 'partial' must be none or proportional, not {partial!r}",
                )
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.target = parse_decimal(self.params["target"])
        self.proportional = self.params.get("partial") == "proportional"

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        value = _number(inputs, "value", context.code)
        if value >= self.target:
            return max_points
        if self.proportional:
            return _clamp(value * max_points / self.target, max_points)
        return ZERO


@register
class SurveyShare(RuleType):
    """Survey index (percent, 0..100) × max / 100: input `index_percent`."""

    name = "survey_share"
    inputs = ("index_percent",)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        percent = _number(inputs, "index_percent", context.code)
        if percent < ZERO or percent > HUNDRED:
            raise ScoringInputError(
                context.code, "index_percent", f"{percent} ngoài khoảng 0–100", f"{percent} is outside 0–100"
            )
        return percent * max_points / HUNDRED


@register
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
                RuleMessage(
                    "no_occurrence_full: cần đúng một trong 'then' (quy tắc lồng) "
                    "hoặc 'deduction_per_occurrence'",
                    "no_occurrence_full: give exactly one of 'then' (a nested rule) "
                    "or 'deduction_per_occurrence'",
                )
            )
            return problems
        if has_deduction:
            deduction = _param_number(params, "deduction_per_occurrence", cls.name, problems)
            if deduction is not None and deduction <= 0:
                problems.append(
                    RuleMessage(
                        "no_occurrence_full: 'deduction_per_occurrence' phải dương",
                        "no_occurrence_full: 'deduction_per_occurrence' must be positive",
                    )
                )
            return problems
        if not isinstance(then, Mapping) or "type" not in then:
            problems.append(
                RuleMessage(
                    "no_occurrence_full: 'then' cần 'type'", "no_occurrence_full: 'then' needs a 'type'"
                )
            )
            return problems
        if then["type"] in ("bonus", "penalty"):
            problems.append(
                RuleMessage(
                    "no_occurrence_full: 'then' không thể là điểm thưởng/trừ",
                    "no_occurrence_full: 'then' cannot be a bonus or penalty",
                )
            )
            return problems
        for message in validate_rule(str(then["type"]), then.get("params"), max_points):
            problems.append(
                RuleMessage(
                    f"no_occurrence_full > then: {message.vi}", f"no_occurrence_full > then: {message}"
                )
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        then = self.params.get("then")
        self.then = RULE_TYPES[then["type"]](then.get("params")) if then else None
        deduction = self.params.get("deduction_per_occurrence")
        self.deduction = None if deduction is None else parse_decimal(deduction)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        count = _number(inputs, "occurrences", context.code)
        if count < ZERO or count != count.to_integral_value():
            raise ScoringInputError(
                context.code,
                "occurrences",
                f"phải là số nguyên không âm ({count})",
                f"must be a whole number ≥ 0 ({count})",
            )
        if count == ZERO:
            return max_points
        if self.then is not None:
            return self.then.score(inputs, max_points, context)
        return _clamp(max_points - count * self.deduction, max_points)


class _Adjustment(RuleType):
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
            problems.append(
                RuleMessage(
                    f"{cls.name}: điểm tối đa phải ≥ 0",
                    f"{cls.name}: the maximum must be ≥ 0 (the sign comes from the kind)",
                )
            )
        per_item = _param_number(params, "per_item", cls.name, problems)
        if per_item is not None and per_item <= 0:
            problems.append(
                RuleMessage(f"{cls.name}: 'per_item' phải dương", f"{cls.name}: 'per_item' must be positive")
            )
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        per_item = self.params.get("per_item")
        self.per_item = None if per_item is None else parse_decimal(per_item)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        if self.per_item is not None and "count" in inputs:
            count = _number(inputs, "count", context.code)
            if count < ZERO:
                raise ScoringInputError(context.code, "count", f"số âm ({count})", f"negative ({count})")
            size = count * self.per_item
        else:
            size = _number(inputs, "points", context.code)
            if self.sign > 0 and size < ZERO:
                raise ScoringInputError(
                    context.code, "points", f"điểm thưởng âm ({size})", f"a bonus cannot be negative ({size})"
                )
            size = abs(size)
        if size > max_points:
            size = max_points
        return size if self.sign > 0 else -size


@register
class Bonus(_Adjustment):
    name = "bonus"
    sign = 1


@register
class Penalty(_Adjustment):
    name = "penalty"
    sign = -1

"""What every rule type shares: the error for unusable inputs, the context, the base class, the
registry, and the helpers that read and check numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import ZERO, NumberError, parse_decimal


class ScoringInputError(ValueError):
    """An input value that a rule cannot score; the message names the criterion and the field.

    `problem` is what is wrong with the value, in the active language; the message adds the
    criterion and the field.
    """

    def __init__(self, code: str, field_name: str, problem: str) -> None:
        self.code = code
        self.field = field_name
        self.problem = problem
        super().__init__(
            _("Tiêu chí {code}, trường '{field}': {problem}").format(
                code=code, field=field_name, problem=problem
            )
        )


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


def not_a_number(value: object) -> str:
    """The problem "… is not a number", for a value shown as Python writes it."""
    return _("{value} không phải số").format(value=repr(value))


def value_missing() -> str:
    """The problem "value missing"."""
    return _("thiếu giá trị")


def negative(value: Decimal) -> str:
    """The problem "negative (…)"."""
    return _("số âm ({value})").format(value=value)


def number(inputs: Mapping[str, Any], key: str, code: str) -> Decimal:
    """The input `key` as a Decimal; missing or unreadable values raise ScoringInputError."""
    value = inputs.get(key)
    if type(value) is Decimal and value.is_finite():  # the common case first: scoring runs this a lot
        return value
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ScoringInputError(code, key, not_a_number(value))
        return value
    if value is None or value == "":
        raise ScoringInputError(code, key, value_missing())
    try:
        return parse_decimal(value)
    except NumberError:
        raise ScoringInputError(code, key, not_a_number(value)) from None


def param_number(params: Mapping[str, Any], key: str, rule: str, problems: list[str]) -> Decimal | None:
    """Read a numeric parameter for validation; records a problem and returns None if it is bad."""
    if key not in params or params[key] is None:
        return None
    try:
        return parse_decimal(params[key])
    except NumberError:
        problems.append(
            _("{rule}: tham số '{key}' không phải số: {value}").format(
                rule=rule, key=key, value=repr(params[key])
            )
        )
        return None


def missing(rule: str, key: str) -> str:
    """The problem "parameter `key` missing"."""
    return _("{rule}: thiếu tham số '{key}'").format(rule=rule, key=key)


def check_points(
    rule: str, what: str, points: Decimal, max_points: Decimal | None, problems: list[str]
) -> None:
    """Record a problem when `points` (of `what`, e.g. an option) is negative or above the maximum."""
    if points < 0:
        problems.append(_("{rule}: {what} có điểm âm ({points})").format(rule=rule, what=what, points=points))
    elif max_points is not None and points > max_points:
        problems.append(
            _("{rule}: {what} có {points} điểm, vượt điểm tối đa {max}").format(
                rule=rule, what=what, points=points, max=max_points
            )
        )


def check_coded_points(
    rule: str,
    params: Mapping[str, Any],
    key: str,
    noun: str,
    max_points: Decimal | None,
    problems: list[str],
) -> bool:
    """Check a list of `{code, points}` entries (choice options, checklist items): present, each
    with a code and points, codes unique, points within the maximum. False when the list is missing.

    `noun` names one entry in the active language ("lựa chọn", "mục").
    """
    entries = params.get(key)
    if not entries or not isinstance(entries, list):
        problems.append(missing(rule, key))
        return False
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or "code" not in entry or "points" not in entry:
            problems.append(
                _("{rule}: {noun} {number} cần 'code' và 'points'").format(rule=rule, noun=noun, number=i + 1)
            )
            continue
        code = str(entry["code"])
        if code in seen:
            problems.append(_("{rule}: mã {noun} '{code}' bị trùng").format(rule=rule, noun=noun, code=code))
        seen.add(code)
        points = param_number(entry, "points", rule, problems)
        if points is not None:
            check_points(rule, f"{noun} '{code}'", points, max_points, problems)
    return True


def clamp(points: Decimal, max_points: Decimal) -> Decimal:
    """`points` held within [0, max_points]."""
    if points < ZERO:
        return ZERO
    if points > max_points:
        return max_points
    return points


# -- the base class and the registry ----------------------------------------------------------------


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
        """What is wrong with these parameters for a criterion of this maximum (empty: nothing)."""
        problems: list[str] = []
        if cls.needs_max and max_points is None:
            problems.append(_("{rule}: cần biết điểm tối đa của tiêu chí").format(rule=cls.name))
        return problems

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        """The points these inputs give (ScoringInputError when a value cannot be used)."""
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
        return [_("loại quy tắc không có: '{name}' (có: {known})").format(name=name, known=known)]
    if params is not None and not isinstance(params, Mapping):
        return [_("{rule}: 'params' phải là một mục có các trường").format(rule=name)]
    return cls.validate(params or {}, max_points)


def build_rule(name: str, params: Mapping[str, Any] | None, max_points: Decimal | None) -> RuleType:
    """A ready-to-score rule; raises ValueError listing the problems if the parameters are invalid."""
    problems = validate_rule(name, params, max_points)
    if problems:
        raise ValueError("; ".join(problems))
    return RULE_TYPES[name](params)

"""Rule types whose input the unit states directly: points, one option, the items done."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import ZERO, parse_decimal
from chiso.engine.rules.base import (
    RuleContext,
    RuleType,
    ScoringInputError,
    check_coded_points,
    check_points,
    clamp,
    number,
    param_number,
    value_missing,
)


class Manual(RuleType):
    """Points entered directly (appraised score): input `points`, 0 ≤ points ≤ max.

    Works with an unknown maximum (then only points ≥ 0 is checked).
    """

    name = "manual"
    inputs = ("points",)
    needs_max = False

    def score(self, inputs: Mapping[str, Any], max_points: Decimal | None, context: RuleContext) -> Decimal:
        points = number(inputs, "points", context.code)
        if points < ZERO:
            raise ScoringInputError(context.code, "points", _("điểm âm ({points})").format(points=points))
        if max_points is not None and points > max_points:
            raise ScoringInputError(
                context.code,
                "points",
                _("{points} vượt điểm tối đa {max}").format(points=points, max=max_points),
            )
        return points


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
        check_coded_points(cls.name, params, "options", _("lựa chọn"), max_points, problems)
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.points = {str(o["code"]): parse_decimal(o["points"]) for o in self.params["options"]}

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        if inputs.get("choice") in (None, ""):
            raise ScoringInputError(context.code, "choice", value_missing())
        choice = str(inputs["choice"])
        try:
            return self.points[choice]
        except KeyError:
            known = ", ".join(self.points)
            raise ScoringInputError(
                context.code,
                "choice",
                _("'{choice}' không có trong các lựa chọn ({known})").format(choice=choice, known=known),
            ) from None


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
        if not check_coded_points(cls.name, params, "items", _("mục"), max_points, problems):
            return problems
        cap = param_number(params, "cap", cls.name, problems)
        if cap is not None:
            check_points(cls.name, "'cap'", cap, max_points, problems)
        return problems

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.items = {str(i["code"]): parse_decimal(i["points"]) for i in self.params["items"]}
        cap = self.params.get("cap")
        self.cap = None if cap is None else parse_decimal(cap)

    def score(self, inputs: Mapping[str, Any], max_points: Decimal, context: RuleContext) -> Decimal:
        done = inputs.get("done")
        if done is None:
            raise ScoringInputError(context.code, "done", value_missing())
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
                _("phải là danh sách mã mục"),
            )
        if unknown:
            raise ScoringInputError(
                context.code, "done", _("mục không có: {items}").format(items=", ".join(unknown))
            )
        items = self.items
        total = ZERO
        for c in codes:
            total += items[c]
        if self.cap is not None and total > self.cap:
            total = self.cap
        return clamp(total, max_points)

"""Reading what a criterion form sends: the raw inputs its rule needs, and how each input is shown.

The input fields come from the rule type (`inputs`), so a new rule type gets its form for free as
long as its inputs are among the kinds below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from chiso.engine.frameworks import Node
from chiso.engine.numbers import NumberError, parse_decimal
from chiso.engine.rules import RULE_TYPES, Manual, RuleType
from chiso.engine.rules import rule_type as find_rule_type

CHECKLIST = "done"
CHOICE = "choice"


def rule_class(node: Node) -> type[RuleType]:
    if node.rule is None:
        return Manual
    try:
        return find_rule_type(node.rule.type)
    except KeyError:
        return Manual


def rule_params(node: Node) -> Mapping[str, Any]:
    return (node.rule.params or {}) if node.rule else {}


def input_names(node: Node) -> tuple[str, ...]:
    return rule_class(node).inputs


def read_inputs(node: Node, data: QueryDict) -> dict[str, Any]:
    """The raw inputs of a leaf from a submitted form (checklists send several values)."""
    values: dict[str, Any] = {}
    for name in input_names(node):
        if name == CHECKLIST:
            values[name] = [v for v in data.getlist(name) if v]
        else:
            values[name] = data.get(name, "").strip()
    return values


def has_any_input(inputs: Mapping[str, Any]) -> bool:
    return any(v not in ("", None, []) for v in inputs.values())


@dataclass
class Option:
    code: str
    label: str
    points: Decimal | None
    selected: bool


@dataclass
class InputField:
    """One input of a criterion form, ready for the template."""

    name: str
    label: str
    kind: str  # number | choice | checklist
    value: str = ""
    options: list[Option] = field(default_factory=list)
    suffix: str = ""


def _points(value: Any) -> Decimal | None:
    try:
        return parse_decimal(value)
    except (NumberError, TypeError):
        return None


def _label(item: Mapping[str, Any], lang: str) -> str:
    if lang == "en" and item.get("label_en"):
        return str(item["label_en"])
    return str(item.get("label_vi") or item.get("code"))


def input_fields(node: Node, values: Mapping[str, Any], lang: str = "vi") -> list[InputField]:
    """The inputs to show for a leaf, filled with `values` (saved or just typed)."""
    rule = rule_class(node)
    params = rule_params(node)
    fields = []
    for name in rule.inputs:
        if name == CHOICE:
            chosen = str(values.get(name) or "")
            options = [
                Option(str(o["code"]), _label(o, lang), _points(o.get("points")), str(o["code"]) == chosen)
                for o in params.get("options", [])
            ]
            fields.append(InputField(name, _("Mức đạt được"), "choice", chosen, options))
        elif name == CHECKLIST:
            done = {str(v) for v in (values.get(name) or [])}
            options = [
                Option(str(i["code"]), _label(i, lang), _points(i.get("points")), str(i["code"]) in done)
                for i in params.get("items", [])
            ]
            fields.append(InputField(name, _("Các nội dung đã thực hiện"), "checklist", "", options))
        else:
            fields.append(
                InputField(name, input_label(rule.name, name), "number", str(values.get(name, "") or ""))
            )
    return fields


def input_label(rule_name: str, name: str) -> str:
    labels = {
        "points": _("Điểm tự chấm"),
        "numerator": _("Số đạt yêu cầu"),
        "denominator": _("Tổng số"),
        "occurrences": _("Số lần phát sinh"),
        "index_percent": _("Chỉ số khảo sát (%)"),
        "count": _("Số lượng"),
    }
    if name == "value":
        return {
            "step_table": _("Số lượng đạt được"),
            "target_attainment": _("Kết quả đạt được"),
            "normalised_to_best": _("Giá trị của đơn vị"),
        }.get(rule_name, _("Giá trị"))
    return labels.get(name, name)


def rule_hint(node: Node, places_format) -> str:
    """One line telling the unit how the points follow from its inputs."""
    rule = rule_class(node)
    params = rule_params(node)
    maximum = places_format(node.max_points)
    if rule.name == "proportional":
        return _("Điểm = số đạt yêu cầu / tổng số × %(max)s") % {"max": maximum}
    if rule.name == "step_table":
        steps = "; ".join(
            _("từ %(min)s: %(points)s điểm")
            % {
                "min": places_format(_points(s.get("min")), 0),
                "points": places_format(_points(s.get("points"))),
            }
            for s in params.get("steps", [])
        )
        return steps
    if rule.name == "target_attainment":
        target = places_format(_points(params.get("target")))
        if params.get("partial") == "proportional":
            return _("Đạt mục tiêu %(target)s: %(max)s điểm; chưa đạt: tính theo tỷ lệ") % {
                "target": target,
                "max": maximum,
            }
        return _("Đạt mục tiêu %(target)s: %(max)s điểm; chưa đạt: 0 điểm") % {
            "target": target,
            "max": maximum,
        }
    if rule.name == "no_occurrence_full":
        deduction = params.get("deduction_per_occurrence")
        if deduction is not None:
            return _("Không phát sinh: %(max)s điểm; mỗi lần phát sinh trừ %(d)s điểm") % {
                "max": maximum,
                "d": places_format(_points(deduction)),
            }
        return _("Không phát sinh: %(max)s điểm") % {"max": maximum}
    if rule.name == "normalised_to_best":
        return _("Điểm tính theo tỷ lệ so với đơn vị có giá trị cao nhất")
    if rule.name == "survey_share":
        return _("Điểm = chỉ số khảo sát (%%) × %(max)s / 100") % {"max": maximum}
    if rule.name == "manual":
        return _("Nhập điểm từ 0 đến %(max)s") % {"max": maximum}
    return ""


def is_known_rule(name: str) -> bool:
    return name in RULE_TYPES

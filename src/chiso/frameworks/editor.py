"""Editing a criteria framework in the web pages: the tree operations, the rule parameters as small
forms, the guards (built-in frameworks, frameworks in use by a started cycle or by result sets, nodes
with scores) and the audit trail; `save_framework` refuses a framework in use whatever the path.

A framework is edited as its engine form (`chiso.engine.frameworks.Framework`) and stored back with
`save_framework`; every change is validated afterwards and written to the audit log with action
"framework_edit", the node code as `field` and the node before and after as JSON.

What the guards and the audit trail need to know about cycles (the higher layer) they ask through
`chiso.frameworks.usage`, which the assessments app answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, overload

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.engine.frameworks import SELF_ASSESSED, Node, Rule, node_to_dict
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.numbers import NumberError, format_number, parse_decimal
from chiso.engine.rules import RULE_TYPES
from chiso.engine.validation import Problem, validate_framework
from chiso.frameworks.models import Framework
from chiso.frameworks.services import FrameworkLocked, change_refusal, save_framework
from chiso.frameworks.usage import EDIT_ACTION, EditRecord, usage

ACTION = EDIT_ACTION

LEVEL_LABELS = {
    "index": gettext_lazy("Chỉ số"),
    "field": gettext_lazy("Lĩnh vực"),
    "criterion": gettext_lazy("Tiêu chí"),
    "component": gettext_lazy("Tiêu chí thành phần"),
    "item": gettext_lazy("Nội dung chấm"),
}
METHOD_LABELS = {
    "self": gettext_lazy("Tự đánh giá, thẩm định"),
    "survey": gettext_lazy("Điều tra xã hội học"),
    "data": gettext_lazy("Số liệu từ hệ thống"),
    "published": gettext_lazy("Nhập số liệu công bố"),
}
RULE_LABELS = {
    "manual": gettext_lazy("Chấm điểm trực tiếp"),
    "proportional": gettext_lazy("Theo tỷ lệ"),
    "step_table": gettext_lazy("Theo bậc ngưỡng"),
    "checklist": gettext_lazy("Danh mục nội dung"),
    "choice": gettext_lazy("Chọn một mức"),
    "target_attainment": gettext_lazy("Đạt chỉ tiêu"),
    "survey_share": gettext_lazy("Theo chỉ số khảo sát"),
    "no_occurrence_full": gettext_lazy("Không phát sinh thì đạt tối đa"),
    "normalised_to_best": gettext_lazy("So với đơn vị cao nhất"),
}
# The rule types a criterion may use (bonus and penalty are for adjustments only).
CRITERION_RULES = [name for name in RULE_TYPES if name not in ("bonus", "penalty")]

# Rule type → (parameters edited by the small form, the columns of its rows, the rows' parameter).
SIMPLE_RULES: dict[str, tuple[set[str], tuple[str, ...], str]] = {
    "manual": (set(), (), ""),
    "survey_share": (set(), (), ""),
    "proportional": ({"when_no_occurrence"}, (), ""),
    "step_table": ({"steps", "below"}, ("min", "points"), "steps"),
    "checklist": ({"items", "cap"}, ("code", "label_vi", "points"), "items"),
    "choice": ({"options"}, ("code", "label_vi", "points"), "options"),
    "target_attainment": ({"target", "partial"}, (), ""),
    "no_occurrence_full": ({"deduction_per_occurrence"}, (), ""),
}
NUMERIC_COLUMNS = {"min", "points"}
BLANK_ROWS = 2


class EditError(ValueError):
    """A change that cannot be made (the message says why, in the user's language)."""


class EditRefused(EditError):
    """The framework may not be edited at all (built-in, or in use)."""


# -- guards -----------------------------------------------------------------------------------------


def edit_refusal(row: Framework) -> str:
    """Why this framework cannot be edited, or "" when it can."""
    if row.builtin:
        return _(
            "Khung %(code)s có sẵn trong chiso (khung của chỉ số quốc gia) nên chỉ xem được. "
            "Hãy sao chép thành khung mới rồi sửa bản sao."
        ) % {"code": row.code}
    cycle = usage().cycle_in_progress(row)
    if cycle is not None:
        return _(
            "Khung %(code)s đang dùng cho kỳ «%(cycle)s», các đơn vị đã bắt đầu tự đánh giá nên không "
            "sửa được khung. Hãy sao chép sang năm mới rồi sửa bản sao."
        ) % {"code": row.code, "cycle": cycle}
    return change_refusal(row)  # figures stored on it (result sets)


def scored_codes(row: Framework, codes: set[str]) -> list[str]:
    """The codes among `codes` that have a score row in some cycle on this framework."""
    return sorted(usage().scored_criteria(row, codes))


def usable_for_cycles(engine: EngineFramework) -> bool:
    return not any(p.is_error for p in validate_framework(engine))


# -- numbers ----------------------------------------------------------------------------------------


def plain(value: Decimal | None, lang: str = "vi") -> str:
    """A maximum or a parameter as people write it: 2 · 2,5 · 0,25 (never 2,00); "" when unknown."""
    if value is None:
        return ""
    value = Decimal(value)
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(value, places, lang)


def stored(value: Decimal) -> str:
    """A number as the framework file stores it: "2.5", "100"."""
    text = format(value.normalize(), "f")
    return text


@overload
def read_number(text: str, what: str, required: Literal[True]) -> Decimal: ...
@overload
def read_number(text: str, what: str, required: bool = False) -> Decimal | None: ...


def read_number(text: str, what: str, required: bool = False) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise EditError(_("%(what)s: cần nhập số.") % {"what": what})
        return None
    try:
        return parse_decimal(text)
    except NumberError:
        raise EditError(_("%(what)s: «%(text)s» không phải số.") % {"what": what, "text": text}) from None


# -- rule parameters --------------------------------------------------------------------------------


def simple_form_fits(rule_type: str, params: Mapping[str, Any]) -> bool:
    """Whether the small form of this rule type shows every parameter (otherwise JSON is edited)."""
    if rule_type not in SIMPLE_RULES:
        return False
    keys, columns, rows_key = SIMPLE_RULES[rule_type]
    if not set(params) <= keys:
        return False
    if rows_key:
        rows = params.get(rows_key) or []
        if not isinstance(rows, list):
            return False
        for row in rows:
            if not isinstance(row, Mapping) or not set(row) <= set(columns):
                return False
    return True


@dataclass
class RuleParamsView:
    """What the rule parameters block shows: a small form (with rows) or a JSON text."""

    type: str
    mode: str  # "none", "form" or "json"
    values: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    rows: list[dict[str, str]] = field(default_factory=list)
    json_text: str = ""


def params_view(rule_type: str, params: Mapping[str, Any] | None, lang: str = "vi") -> RuleParamsView:
    params = dict(params or {})
    if not rule_type:
        return RuleParamsView("", "none")
    if not simple_form_fits(rule_type, params):
        return RuleParamsView(
            rule_type, "json", json_text=json.dumps(params, ensure_ascii=False, indent=2) if params else "{}"
        )
    keys, columns, rows_key = SIMPLE_RULES[rule_type]
    values = {}
    for key in keys - {rows_key}:
        value = params.get(key)
        if value is None:
            values[key] = ""
        elif key in ("when_no_occurrence", "partial"):
            values[key] = str(value)
        else:
            try:
                values[key] = plain(parse_decimal(value), lang)
            except NumberError:
                values[key] = str(value)
    rows = []
    for item in params.get(rows_key) or [] if rows_key else []:
        row = {}
        for column in columns:
            value = item.get(column)
            if value is None:
                row[column] = ""
            elif column in NUMERIC_COLUMNS:
                try:
                    row[column] = plain(parse_decimal(value), lang)
                except NumberError:
                    row[column] = str(value)
            else:
                row[column] = str(value)
        rows.append(row)
    if rows_key:
        rows += [dict.fromkeys(columns, "") for _ in range(max(BLANK_ROWS, 4 - len(rows)))]
    return RuleParamsView(rule_type, "form", values, columns, rows)


def params_from_post(rule_type: str, data: Mapping[str, str]) -> dict[str, Any]:
    """The parameters typed in the rule block; EditError for text that is not a number or not JSON."""
    if not rule_type:
        return {}
    if data.get("rule_mode") == "json" or rule_type not in SIMPLE_RULES:
        text = (data.get("rule_json") or "").strip() or "{}"
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EditError(
                _("Tham số quy tắc không phải JSON hợp lệ (dòng %(line)s): %(msg)s")
                % {"line": exc.lineno, "msg": exc.msg}
            ) from None
        if not isinstance(decoded, dict):
            raise EditError(_("Tham số quy tắc phải là một đối tượng JSON {…}."))
        return decoded
    keys, columns, rows_key = SIMPLE_RULES[rule_type]
    params: dict[str, Any] = {}
    for key in sorted(keys - {rows_key}):
        text = (data.get(f"p-{key}") or "").strip()
        if not text:
            continue
        if key in ("when_no_occurrence", "partial"):
            params[key] = text
        else:
            params[key] = stored(read_number(text, key, required=True))  # text is not empty
    if rows_key:
        rows = []
        for i in range(200):
            cells = {column: (data.get(f"r-{i}-{column}") or "").strip() for column in columns}
            if not any(f"r-{i}-{column}" in data for column in columns):
                break
            if not any(cells.values()):
                continue
            row: dict[str, Any] = {}
            for column in columns:
                if column in NUMERIC_COLUMNS:
                    number = read_number(
                        cells[column], _("dòng %(n)s, %(col)s") % {"n": i + 1, "col": column}
                    )
                    if number is not None:
                        row[column] = stored(number)
                elif cells[column]:
                    row[column] = cells[column]
            rows.append(row)
        params[rows_key] = rows
    return params


def rule_summary(rule: Rule | None, lang: str = "vi") -> str:
    """A short description of a rule for the tree: its name and its main parameters."""
    if rule is None:
        return ""
    label = str(RULE_LABELS.get(rule.type, rule.type))
    params = rule.params or {}
    detail = ""
    try:
        if rule.type == "step_table" and isinstance(params.get("steps"), list):
            detail = "; ".join(
                f"≥ {plain(parse_decimal(s['min']), lang)} → {plain(parse_decimal(s['points']), lang)}"
                for s in params["steps"]
            )
        elif rule.type in ("checklist", "choice"):
            rows = params.get("items" if rule.type == "checklist" else "options") or []
            detail = (
                _("%(n)s mục") % {"n": len(rows)}
                if rule.type == "checklist"
                else _("%(n)s mức") % {"n": len(rows)}
            )
            if params.get("cap") is not None:
                detail += ", " + _("tối đa %(cap)s") % {"cap": plain(parse_decimal(params["cap"]), lang)}
        elif rule.type == "target_attainment" and params.get("target") is not None:
            detail = _("chỉ tiêu %(target)s") % {"target": plain(parse_decimal(params["target"]), lang)}
        elif rule.type == "no_occurrence_full" and params.get("deduction_per_occurrence") is not None:
            detail = _("trừ %(points)s mỗi lần") % {
                "points": plain(parse_decimal(params["deduction_per_occurrence"]), lang)
            }
        elif rule.type == "proportional" and params.get("when_no_occurrence"):
            detail = _("không phát sinh: %(mode)s") % {"mode": params["when_no_occurrence"]}
    except (KeyError, TypeError, NumberError):
        detail = ""
    return f"{label} ({detail})" if detail else label


# -- the tree ---------------------------------------------------------------------------------------


def locate(engine: EngineFramework, code: str) -> tuple[Node | None, Node]:
    """(parent, node) for a code; the root has no parent. EditError for an unknown code."""
    if engine.root.code == code:
        return None, engine.root
    for parent in engine.nodes():
        for child in parent.children:
            if child.code == code:
                return parent, child
    raise EditError(_("Không có nút mã %(code)s trong khung.") % {"code": code})


def child_level(parent: Node) -> str:
    order = list(LEVEL_LABELS)
    if parent.level in order and order.index(parent.level) + 1 < len(order):
        return order[order.index(parent.level) + 1]
    return "criterion"


def new_code(engine: EngineFramework, parent: Node) -> str:
    """The next free code under a parent: 1, 2 … under the root, 2.1, 2.2 … under node 2."""
    taken = {node.code for node in engine.nodes()}
    prefix = "" if parent is engine.root else f"{parent.code}."
    n = len(parent.children) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def new_node(engine: EngineFramework, parent: Node) -> Node:
    level = child_level(parent)
    name = _("Lĩnh vực mới") if level == "field" else _("Tiêu chí mới")
    return Node(code=new_code(engine, parent), name_vi=name, level=level, method=SELF_ASSESSED)


def shallow(node: Node | None) -> dict[str, Any] | None:
    """A node's dictionary form without its children (what an edit of one node changes)."""
    if node is None:
        return None
    data = node_to_dict(node)
    data.pop("children", None)
    return data


# -- applying a change ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """A saved change: the node to show (open for editing after an addition) and the problems."""

    focus: str
    problems: list[Problem]
    message: str


Change = Callable[[EngineFramework], tuple[str, Any, Any, str, str]]


@transaction.atomic
def apply(row: Framework, user, op: str, change: Change) -> Outcome:
    """Lock the framework, refuse if it may not change, apply `change` to its engine form, validate,
    save and audit. `change` returns (node code, before, after, node to focus, message)."""
    locked = Framework.objects.select_for_update().get(pk=row.pk)
    refusal = edit_refusal(locked)
    if refusal:
        raise EditRefused(refusal)
    engine = locked.to_engine()
    code, before, after, focus, message = change(engine)
    problems = validate_framework(engine)
    try:
        save_framework(engine)
    except FrameworkLocked as exc:
        raise EditRefused(str(exc)) from exc
    usage().record_edit(
        user,
        field=code[:40],
        before={"framework": locked.code, "op": op, "node": before},
        after={"framework": locked.code, "op": op, "node": after},
        reason=message,
    )
    return Outcome(focus, problems, message)


def edit_node(row: Framework, user, code: str, values: dict[str, Any]) -> Outcome:
    """Replace one node's own fields (not its children) by `values` (a cleaned node form)."""

    def change(engine: EngineFramework):
        _parent, node = locate(engine, code)
        before = shallow(node)
        new_code_ = values["code"]
        if new_code_ != code:
            if any(n.code == new_code_ for n in engine.nodes()):
                raise EditError(_("Mã %(code)s đã có trong khung.") % {"code": new_code_})
            if scored_codes(row, {code}):
                raise EditError(
                    _("Nút %(code)s đã có điểm trong kỳ đánh giá nên không đổi mã được.") % {"code": code}
                )
        node.code = new_code_
        node.name_vi = values["name_vi"]
        node.name_en = values.get("name_en", "")
        node.level = values.get("level", "")
        node.max_points = values.get("max_points")
        node.method = values.get("method") or SELF_ASSESSED
        node.evidence_required = bool(values.get("evidence_required"))
        rule_type = values.get("rule_type") or ""
        node.rule = Rule(rule_type, values.get("rule_params") or {}) if rule_type else None
        message = _("Đã lưu nút %(code)s.") % {"code": node.code}
        return code, before, shallow(node), node.code, message

    return apply(row, user, "edit", change)


def add_node(row: Framework, user, code: str, where: str) -> Outcome:
    """A new node as the last child of `code` (where="child") or right after it (where="after")."""

    def change(engine: EngineFramework):
        parent, node = locate(engine, code)
        if where == "child":
            target, position = node, len(node.children)
            if node.rule is not None and not node.children:
                node.rule = None  # a parent takes its points from its children
        else:
            if parent is None:
                raise EditError(_("Gốc của khung không có nút cùng cấp."))
            target, position = parent, parent.children.index(node) + 1
        added = new_node(engine, target)
        target.children.insert(position, added)
        message = _("Đã thêm nút %(code)s.") % {"code": added.code}
        return added.code, None, shallow(added), added.code, message

    return apply(row, user, "add_child" if where == "child" else "add_after", change)


def move_node(row: Framework, user, code: str, step: int) -> Outcome:
    def change(engine: EngineFramework):
        parent, node = locate(engine, code)
        if parent is None:
            raise EditError(_("Không di chuyển được gốc của khung."))
        siblings = parent.children
        i = siblings.index(node)
        j = i + step
        if not 0 <= j < len(siblings):
            raise EditError(_("Nút %(code)s đã ở đầu hoặc cuối nhóm.") % {"code": code})
        siblings[i], siblings[j] = siblings[j], siblings[i]
        order = [child.code for child in siblings]
        message = _("Đã chuyển nút %(code)s.") % {"code": code}
        return code, {"position": i + 1}, {"position": j + 1, "order": order}, code, message

    return apply(row, user, "move_up" if step < 0 else "move_down", change)


def delete_node(row: Framework, user, code: str) -> Outcome:
    def change(engine: EngineFramework):
        parent, node = locate(engine, code)
        if parent is None:
            raise EditError(_("Không xóa được gốc của khung."))
        scored = scored_codes(row, {n.code for n in node.walk()})
        if scored:
            raise EditError(
                _("Không xóa được nút %(code)s: đã có điểm trong kỳ đánh giá (%(codes)s).")
                % {"code": code, "codes": ", ".join(scored)}
            )
        parent.children.remove(node)
        message = _("Đã xóa nút %(code)s.") % {"code": code}
        return code, node_to_dict(node), None, parent.code, message

    return apply(row, user, "delete", change)


def history(row: Framework, limit: int = 30) -> Sequence[EditRecord]:
    """The framework's edits, newest first."""
    return usage().edit_history(row, limit)


def posted_params_view(rule_type: str, data: Mapping[str, str]) -> RuleParamsView:
    """The rule block as it was typed (shown again when the form has an error)."""
    if not rule_type:
        return RuleParamsView("", "none")
    if data.get("rule_mode") == "json" or rule_type not in SIMPLE_RULES:
        return RuleParamsView(rule_type, "json", json_text=data.get("rule_json") or "{}")
    keys, columns, rows_key = SIMPLE_RULES[rule_type]
    values = {key: data.get(f"p-{key}", "") for key in keys - {rows_key}}
    rows = []
    if rows_key:
        i = 0
        while any(f"r-{i}-{column}" in data for column in columns):
            rows.append({column: data.get(f"r-{i}-{column}", "") for column in columns})
            i += 1
        rows += [dict.fromkeys(columns, "") for _ in range(BLANK_ROWS)]
    return RuleParamsView(rule_type, "form", values, columns, rows)

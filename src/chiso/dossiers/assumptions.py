"""What the organiser assumes where Decision 766 leaves the points unknown.

The shipped framework (`service-766-2022`) holds only what is confirmed: groups 3 and 4, most
criteria and the case "nothing to count" are `unknown`, so no unit has a total. An organiser that
wants a total sets them in its own version of the framework — a copy made and edited with the same
services as the framework editor (`chiso.frameworks.copy`, `chiso.frameworks.editor`), owned by the
organiser, audited like any edit. The built-in file is never changed.

`organiser_version` is the version the computations use; `assumed` lists what it sets that the
decision does not (shown on the page as "giả định của tổ chức đánh giá, chưa có nguồn chính thức");
`missing_for_total` says why there is no total when nobody has set them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.dossiers.inputs import FRAMEWORK_CODE, INDEX_CODE
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.frameworks import Node, Rule
from chiso.frameworks.models import Framework


@dataclass(frozen=True)
class Setting:
    """One node's assumed maximum and, for a criterion, its rule (type and parameters)."""

    max_points: Decimal
    rule_type: str = ""
    rule_params: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Assumption:
    """A node whose maximum or rule the organiser's version sets and the decision does not."""

    code: str
    name: str
    max_points: Decimal | None
    rule: str  # the rule in words ("Theo tỷ lệ (không phát sinh: full)"), "" for a group


def builtin() -> Framework:
    """The shipped 766 framework (loaded from the built-in files when missing)."""
    found = Framework.objects.filter(code=FRAMEWORK_CODE).select_related("index").first()
    if found is None:
        from chiso.frameworks.services import load_builtin

        load_builtin(only_missing=True)
        found = Framework.objects.select_related("index").get(code=FRAMEWORK_CODE)
    return found


def organiser_version(year: int | None = None) -> Framework | None:
    """The organiser's own version of the 766 framework (the newest that covers `year`), if any."""
    versions = (
        Framework.objects.filter(index__code=INDEX_CODE, builtin=False)
        .select_related("index")
        .order_by("-first_year", "-updated", "-pk")
    )
    return next((row for row in versions if year is None or row.covers(year)), None)


@transaction.atomic
def set_assumptions(organiser: Any, user: Any, settings: Mapping[str, Setting]) -> Framework:
    """The organiser's version of the 766 framework with these maxima and rules (made the first time
    by copying the built-in one), each node changed through the framework editor's service."""
    from chiso.frameworks.copy import copy_framework
    from chiso.frameworks.editor import edit_node

    source = builtin()
    code = f"{FRAMEWORK_CODE}-{organiser.code}"[:80]
    row = Framework.objects.filter(code=code).first()
    if row is None:
        row, _mapping = copy_framework(
            source,
            code,
            source.first_year or 2022,
            name_vi=_("{name} — điểm chưa có nguồn do {organiser} đặt").format(
                name=source.name_vi, organiser=organiser.name
            )[:300],
        )
        row.organiser = organiser
        row.save(update_fields=["organiser"])
    for node_code, setting in settings.items():
        node = row.to_engine().node(node_code)
        edit_node(row, user, node_code, _node_values(node, setting))
        row.refresh_from_db()
    return row


def _node_values(node: Node, setting: Setting) -> dict[str, Any]:
    """The editor's node form, cleaned: the node as it is, with the assumed maximum and rule."""
    values: dict[str, Any] = {
        "code": node.code,
        "name_vi": node.name_vi,
        "name_en": node.name_en,
        "level": node.level,
        "max_points": setting.max_points,
        "method": node.method,
        "evidence_required": node.evidence_required,
        "rule_type": node.rule.type if node.rule else "",
        "rule_params": dict(node.rule.params or {}) if node.rule else {},
    }
    if setting.rule_type:
        values |= {"rule_type": setting.rule_type, "rule_params": dict(setting.rule_params or {})}
        values["method"] = "data"  # scored from the dossier records
    return values


def assumed(row: Framework) -> list[Assumption]:
    """What `row` sets that the shipped framework leaves unknown (a maximum, a rule, its parameters),
    in tree order; nothing for the shipped framework itself. A confirmed maximum is not repeated."""
    if row.code == FRAMEWORK_CODE:
        return []
    shipped = {node.code: node for node in builtin().to_engine().nodes()}
    out = []
    for node in row.to_engine().nodes():
        before = shipped.get(node.code)
        if before is None:
            continue
        max_set = before.max_points is None and node.max_points is not None
        rule_set = node.rule is not None and (
            before.rule is None
            or before.rule.type != node.rule.type
            or dict(before.rule.params or {}) != dict(node.rule.params or {})
        )
        if max_set or rule_set:
            out.append(
                Assumption(
                    node.code,
                    node.name,
                    node.max_points if max_set else None,
                    describe_rule(node.rule) if rule_set and node.rule else "",
                )
            )
    return out


def describe_rule(rule: Rule) -> str:
    """A 766 criterion's rule as the page says it: "theo tỷ lệ; không phát sinh: đủ điểm"."""
    from chiso.frameworks.editor import plain, rule_summary

    params = rule.params or {}
    if rule.type == "proportional":
        text = _("theo tỷ lệ")
        mode = params.get("when_no_occurrence", "error")
        if mode == "full":
            text += "; " + _("không phát sinh: đủ điểm")
        elif mode == "zero":
            text += "; " + _("không phát sinh: 0 điểm")
        return text
    if rule.type == "target_attainment" and params.get("target") is not None:
        text = _("đạt chỉ tiêu {target} % thì đủ điểm").format(target=plain(Decimal(str(params["target"]))))
        if params.get("partial") == "proportional":
            text += "; " + _("chưa đạt: theo tỷ lệ so với chỉ tiêu")
        return text
    return rule_summary(rule)


def missing_for_total(framework: EngineFramework) -> list[str]:
    """The codes of the nodes that keep the total from being computed: a maximum unknown, a
    criterion without a rule (the decision does not say how it scores)."""
    missing = []
    for node in framework.nodes():
        if node.max_points is None or (node.is_leaf and node.rule is None):
            missing.append(node.code)
    return missing

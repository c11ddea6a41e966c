"""Versioned criteria frameworks: the tree of fields, criteria and components with their maxima.

A framework is data (YAML a user can write, or an Excel sheet); this module turns the plain
dictionary form into typed objects and back. Validation lives in `validate_framework`.
A maximum that the sources do not give is `None` ("unknown") — never invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chiso.engine.i18n import gettext as _
from chiso.engine.i18n import localized
from chiso.engine.numbers import NumberError, parse_decimal

# Evaluation methods of a leaf.
SELF_ASSESSED = "self"  # tự đánh giá, then appraised
SURVEY = "survey"  # điều tra xã hội học / survey index
DATA_FEED = "data"  # computed from a data feed (e.g. dossier statistics)
PUBLISHED = "published"  # a published figure entered as is (national results)
METHODS = (SELF_ASSESSED, SURVEY, DATA_FEED, PUBLISHED)

QUARTILES = "quartiles"
BANDS = "bands"
# The ranking fields a framework may leave to its index (`chiso.engine.indices`).
INHERITABLE = ("precision", "groups")

# How a parent's points follow from its children's.
SUM = "sum"  # the parent is the sum of its children (PAR INDEX, PAPI)
MEAN = "mean"  # the parent is the mean of its children, all on the parent's scale (SIPAS percentages)
WEIGHTED = (
    "weighted"  # a weighted sum whose weights are not in the framework (PCI): parents only as published
)
AGGREGATIONS = (SUM, MEAN, WEIGHTED)


class FrameworkError(ValueError):
    """A framework file that cannot be read; the message names the place."""


@dataclass(frozen=True)
class LegalBasis:
    """The decision that defines a framework version (e.g. 876/QĐ-BNV of 10/11/2022)."""

    number: str
    date: str = ""  # dd/mm/yyyy as printed
    issuer: str = ""
    title: str = ""
    url: str = ""


@dataclass
class Rule:
    """How a leaf turns its inputs into points: a rule type name and its parameters."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Node:
    """One node of the tree: the index, a field/dimension, a criterion, a component or an item."""

    code: str
    name_vi: str
    name_en: str = ""
    level: str = ""
    max_points: Decimal | None = None
    method: str = PUBLISHED
    evidence_required: bool = False
    rule: Rule | None = None
    children: list[Node] = field(default_factory=list)
    note: str = ""
    weight: Decimal | None = None  # with `weighted` aggregation: parent = Σ weight × child

    @property
    def name(self) -> str:
        """The node's name in the active language."""
        return localized(self.name_vi, self.name_en)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Node]:
        """This node and every descendant, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Adjustment:
    """A bonus or penalty item outside the tree (điểm thưởng / điểm trừ)."""

    code: str
    name_vi: str
    kind: str  # "bonus" | "penalty"
    max_points: Decimal
    rule: Rule | None = None
    name_en: str = ""

    @property
    def name(self) -> str:
        """The item's name in the active language."""
        return localized(self.name_vi, self.name_en)


@dataclass
class GroupBand:
    """A fixed band of a grouping: units at or above `min_percent` of the maximum (and below the
    next band) belong to it."""

    label_vi: str
    min_percent: Decimal
    label_en: str = ""

    @property
    def label(self) -> str:
        """The band's label in the active language."""
        return localized(self.label_vi, self.label_en)


@dataclass
class GroupRule:
    """How units are put into performance groups.

    `quartiles`: by percentiles of the ranked scores, linear interpolation between order
    statistics (R type 7, numpy's default): highest ≥ P75, upper-middle [P50, P75),
    lower-middle [P25, P50), lowest < P25 — 16/16/15/16 with 63 provinces, as PAPI publishes.
    `bands`: by fixed thresholds on the percentage of the maximum (PAR INDEX A ≥ 90 %, B 80–<90 % …).
    """

    method: str = QUARTILES
    labels_vi: tuple[str, ...] = (
        "Nhóm đạt điểm cao nhất",
        "Nhóm đạt điểm trung bình cao",
        "Nhóm đạt điểm trung bình thấp",
        "Nhóm đạt điểm thấp nhất",
    )
    labels_en: tuple[str, ...] = ("Highest", "Upper middle", "Lower middle", "Lowest")
    bands: list[GroupBand] = field(default_factory=list)

    @property
    def labels(self) -> tuple[str, ...]:
        """The group labels (quartiles, best first) in the active language."""
        english = tuple(self.labels_en) + ("",) * (len(self.labels_vi) - len(self.labels_en))
        return tuple(localized(vi, en) for vi, en in zip(self.labels_vi, english, strict=False))


@dataclass
class RankingRule:
    """How an index is ranked.

    `precision`: decimals at which scores are published; two scores equal at this precision tie.
    `of`: what N in "x/N" counts — `peer_set` (every unit of the peer set valid that year, with
    or without a result, as the press writes "14/63" in years when 3 provinces had no PAPI result)
    or `ranked` (only units with a result).
    `inherited`: the fields ("precision", "groups") that the framework file leaves to its index;
    they are filled by `chiso.engine.indices.apply_index_defaults` and left out again when the
    framework is written back, so that a change of the index reaches its frameworks.
    """

    precision: int = 2
    of: str = "peer_set"
    groups: GroupRule = field(default_factory=GroupRule)
    inherited: frozenset[str] = frozenset()


@dataclass
class Framework:
    """A versioned criteria framework of one index for one scope and a range of years."""

    code: str
    index: str
    name_vi: str
    root: Node
    name_en: str = ""
    scope: str = "province"
    version: str = "1"
    first_year: int | None = None
    last_year: int | None = None
    legal_basis: list[LegalBasis] = field(default_factory=list)
    status: str = "confirmed"  # confirmed | partial | assumed
    display_precision: int = 2
    display_precision_given: bool = True  # False: follows the (possibly inherited) ranking precision
    ranking: RankingRule = field(default_factory=RankingRule)
    adjustments: list[Adjustment] = field(default_factory=list)
    adjusted_floor: Decimal | None = None
    adjusted_cap: Decimal | None = None
    source: str = ""
    note: str = ""
    aggregation: str = SUM  # SUM, MEAN or WEIGHTED, for every parent of the tree
    # The index's data when the file carries it (an `index:` mapping instead of a code); not
    # written back: the index is stored on its own.
    index_data: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        """The framework's name in the active language."""
        return localized(self.name_vi, self.name_en)

    def nodes(self) -> Iterator[Node]:
        return self.root.walk()

    def node(self, code: str) -> Node:
        for node in self.nodes():
            if node.code == code:
                return node
        raise KeyError(code)

    def leaves(self) -> list[Node]:
        return [n for n in self.nodes() if n.is_leaf]

    def parent_map(self) -> dict[str, str]:
        """code → parent code for every node but the root."""
        return {child.code: node.code for node in self.nodes() for child in node.children}

    def covers(self, year: int) -> bool:
        starts_ok = self.first_year is None or self.first_year <= year
        ends_ok = self.last_year is None or year <= self.last_year
        return starts_ok and ends_ok

    @property
    def max_points(self) -> Decimal | None:
        return self.root.max_points

    @property
    def years_label(self) -> str:
        first = str(self.first_year) if self.first_year else "…"
        last = str(self.last_year) if self.last_year else _("nay")
        return first if self.first_year == self.last_year else f"{first}–{last}"


# -- reading and writing the dictionary (YAML) form -------------------------------------------------


def _decimal_or_none(value: Any, where: str) -> Decimal | None:
    if value is None or value == "" or (isinstance(value, str) and value.strip().lower() == "unknown"):
        return None
    try:
        return parse_decimal(value)
    except NumberError as exc:
        raise FrameworkError(f"{where}: {exc}") from exc


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise FrameworkError(_("{where}: thiếu trường '{key}'").format(where=where, key=key))
    return data[key]


def node_from_dict(data: dict[str, Any], where: str = "root") -> Node:
    """Build a node (and its subtree) from its dictionary form."""
    if not isinstance(data, dict):
        raise FrameworkError(
            _("{where}: phải là một mục có các trường, không phải {data!r}").format(where=where, data=data)
        )
    code = str(_require(data, "code", where))
    here = f"{where} [{code}]" if where == "root" else f"{where} > {code}"
    rule_data = data.get("rule")
    rule = None
    if rule_data is not None:
        if not isinstance(rule_data, dict) or "type" not in rule_data:
            raise FrameworkError(_("{where}: 'rule' cần 'type'").format(where=here))
        rule = Rule(type=str(rule_data["type"]), params=dict(rule_data.get("params") or {}))
    children_data = data.get("children") or []
    if not isinstance(children_data, list):
        raise FrameworkError(_("{where}: 'children' phải là danh sách").format(where=here))
    return Node(
        code=code,
        name_vi=str(_require(data, "name_vi", here)),
        name_en=str(data.get("name_en") or ""),
        level=str(data.get("level") or ""),
        max_points=_decimal_or_none(data.get("max_points"), f"{here} max_points"),
        method=str(data.get("method") or PUBLISHED),
        evidence_required=bool(data.get("evidence_required", False)),
        rule=rule,
        children=[node_from_dict(child, here) for child in children_data],
        note=str(data.get("note") or ""),
        weight=_decimal_or_none(data.get("weight"), f"{here} weight"),
    )


def group_rule_from_dict(data: dict[str, Any] | None) -> GroupRule:
    """A group rule from its dictionary form (`ranking.groups` of a framework, `groups` of an index)."""
    if not data:
        return GroupRule()
    rule = GroupRule(method=str(data.get("method", QUARTILES)))
    # A key that is present wins even when empty (a framework without groups has no labels).
    if "labels_vi" in data:
        rule.labels_vi = tuple(data["labels_vi"] or ())
    if "labels_en" in data:
        rule.labels_en = tuple(data["labels_en"] or ())
    for i, band in enumerate(data.get("bands") or []):
        rule.bands.append(
            GroupBand(
                label_vi=str(_require(band, "label_vi", f"ranking.groups.bands[{i}]")),
                label_en=str(band.get("label_en") or ""),
                min_percent=_decimal_or_none(band.get("min_percent"), f"ranking.groups.bands[{i}]")
                or Decimal(0),
            )
        )
    return rule


def framework_from_dict(data: dict[str, Any]) -> Framework:
    """Build a framework from its dictionary (YAML) form; raises FrameworkError naming the place."""
    if not isinstance(data, dict):
        raise FrameworkError(_("Tệp khung tiêu chí phải là một mục có các trường."))
    years = data.get("years") or {}
    ranking_data = data.get("ranking") or {}
    index_data = data.get("index") if isinstance(data.get("index"), dict) else None
    index_code = _require(index_data, "code", "index") if index_data is not None else None
    ranking = RankingRule(
        precision=int(ranking_data.get("precision", 2)),
        of=str(ranking_data.get("of", "peer_set")),
        groups=group_rule_from_dict(ranking_data.get("groups")),
        inherited=frozenset(key for key in INHERITABLE if key not in ranking_data),
    )
    adjustments = [
        Adjustment(
            code=str(_require(item, "code", f"adjustments[{i}]")),
            name_vi=str(_require(item, "name_vi", f"adjustments[{i}]")),
            name_en=str(item.get("name_en") or ""),
            kind=str(_require(item, "kind", f"adjustments[{i}]")),
            max_points=_decimal_or_none(item.get("max_points"), f"adjustments[{i}]") or Decimal(0),
            rule=Rule(item["rule"]["type"], dict(item["rule"].get("params") or {}))
            if item.get("rule")
            else None,
        )
        for i, item in enumerate(data.get("adjustments") or [])
    ]
    return Framework(
        code=str(_require(data, "code", "framework")),
        index=str(index_code or _require(data, "index", "framework")),
        index_data=index_data,
        name_vi=str(_require(data, "name_vi", "framework")),
        name_en=str(data.get("name_en") or ""),
        scope=str(data.get("scope") or "province"),
        version=str(data.get("version") or "1"),
        first_year=years.get("first"),
        last_year=years.get("last"),
        legal_basis=[
            LegalBasis(**{k: str(v) for k, v in lb.items()}) for lb in data.get("legal_basis") or []
        ],
        status=str(data.get("status") or "confirmed"),
        display_precision=int(data.get("display_precision", ranking.precision)),
        display_precision_given="display_precision" in data,
        ranking=ranking,
        adjustments=adjustments,
        adjusted_floor=_decimal_or_none(data.get("adjusted_floor"), "adjusted_floor"),
        adjusted_cap=_decimal_or_none(data.get("adjusted_cap"), "adjusted_cap"),
        root=node_from_dict(_require(data, "root", "framework")),
        source=str(data.get("source") or ""),
        note=str(data.get("note") or ""),
        aggregation=str(data.get("aggregation") or SUM),
    )


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def node_to_dict(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {"code": node.code, "name_vi": node.name_vi}
    if node.name_en:
        data["name_en"] = node.name_en
    if node.level:
        data["level"] = node.level
    data["max_points"] = _plain(node.max_points) if node.max_points is not None else "unknown"
    data["method"] = node.method
    if node.evidence_required:
        data["evidence_required"] = True
    if node.rule is not None:
        data["rule"] = {"type": node.rule.type, "params": node.rule.params}
    if node.note:
        data["note"] = node.note
    if node.weight is not None:
        data["weight"] = _plain(node.weight)
    if node.children:
        data["children"] = [node_to_dict(child) for child in node.children]
    return data


def group_rule_to_dict(groups: GroupRule) -> dict[str, Any]:
    """The dictionary form of a group rule."""
    return {
        "method": groups.method,
        "labels_vi": list(groups.labels_vi),
        "labels_en": list(groups.labels_en),
        "bands": [
            {"label_vi": b.label_vi, "label_en": b.label_en, "min_percent": _plain(b.min_percent)}
            for b in groups.bands
        ],
    }


def framework_to_dict(framework: Framework) -> dict[str, Any]:
    """The dictionary (YAML) form; `framework_from_dict(framework_to_dict(f))` equals `f`.
    Ranking fields the framework leaves to its index stay out."""
    data: dict[str, Any] = {
        "code": framework.code,
        "index": framework.index,
        "name_vi": framework.name_vi,
        "name_en": framework.name_en,
        "scope": framework.scope,
        "version": framework.version,
        "years": {"first": framework.first_year, "last": framework.last_year},
        "legal_basis": [{k: v for k, v in vars(lb).items() if v} for lb in framework.legal_basis],
        "status": framework.status,
        "display_precision": framework.display_precision,
        "ranking": {
            "precision": framework.ranking.precision,
            "of": framework.ranking.of,
            "groups": group_rule_to_dict(framework.ranking.groups),
        },
        "source": framework.source,
        "note": framework.note,
        "root": node_to_dict(framework.root),
    }
    if framework.adjustments:
        data["adjustments"] = [
            {
                "code": a.code,
                "name_vi": a.name_vi,
                "name_en": a.name_en,
                "kind": a.kind,
                "max_points": _plain(a.max_points),
                **({"rule": {"type": a.rule.type, "params": a.rule.params}} if a.rule else {}),
            }
            for a in framework.adjustments
        ]
    for key in framework.ranking.inherited:
        del data["ranking"][key]
    if not framework.display_precision_given:
        del data["display_precision"]
    if framework.aggregation != SUM:
        data["aggregation"] = framework.aggregation
    if framework.adjusted_floor is not None:
        data["adjusted_floor"] = _plain(framework.adjusted_floor)
    if framework.adjusted_cap is not None:
        data["adjusted_cap"] = _plain(framework.adjusted_cap)
    return data

"""Checking a framework before it is used: `validate_framework(framework) -> list[Problem]`.

Errors make a framework unusable for scoring; warnings record what the sources leave open
(unknown maxima are legitimate: many decisions were never published in full). Messages are
in the active language (`chiso.engine.i18n`), written when the problem is found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.frameworks import (
    AGGREGATIONS,
    BANDS,
    MEAN,
    METHODS,
    PUBLISHED,
    QUARTILES,
    WEIGHTED,
    Framework,
    Node,
)
from chiso.engine.i18n import gettext as _
from chiso.engine.rules import RULE_TYPES, validate_rule

ERROR = "error"
WARNING = "warning"

# "published": the groups come with the published results (PCI tiers); "none": no grouping (SIPAS).
GROUP_METHODS = (QUARTILES, BANDS, "published", "none")
RANK_OF = ("peer_set", "ranked")
ADJUSTMENT_KINDS = ("bonus", "penalty")
STATUSES = ("confirmed", "partial", "assumed")


@dataclass(frozen=True)
class Problem:
    """One finding: where (`code` = a node code, an adjustment code or "framework"), what, how bad."""

    code: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        return f"[{self.severity}] {self.code}: {self.message}"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def _fmt(value: Decimal | None) -> str:
    return "?" if value is None else format(value.normalize(), "f")


def _check_children(framework: Framework, node: Node, problems: list[Problem]) -> None:
    """Children's maxima against the parent's: a sum (default) or, for `mean`, each equal.
    With `weighted` (weights not in the framework) there is nothing to check."""
    if framework.aggregation == WEIGHTED:
        return
    maxima = [child.max_points for child in node.children]
    unknown = [child.code for child in node.children if child.max_points is None]
    if framework.aggregation == MEAN:
        if node.max_points is None or unknown:
            problems.append(
                Problem(
                    node.code,
                    _(
                        "chưa biết điểm tối đa của nút cha hoặc của một số nút con "
                        "nên không kiểm tra được trung bình"
                    ),
                    WARNING,
                )
            )
            return
        for child in node.children:
            if child.max_points != node.max_points:
                problems.append(
                    Problem(
                        node.code,
                        _(
                            "cách tổng hợp là trung bình nên điểm tối đa của {child} "
                            "({child_max}) phải bằng của nút cha ({parent_max})"
                        ).format(
                            child=child.code,
                            child_max=_fmt(child.max_points),
                            parent_max=_fmt(node.max_points),
                        ),
                    )
                )
        return
    known_sum = sum((m for m in maxima if m is not None), Decimal(0))
    if unknown or node.max_points is None:
        what = ", ".join(unknown) if unknown else node.code
        problems.append(
            Problem(
                node.code,
                _(
                    "không kiểm tra được tổng điểm tối đa: chưa biết điểm tối đa của {what} "
                    "(các nút con đã biết cộng lại {known}, nút cha {parent_max})"
                ).format(what=what, known=_fmt(known_sum), parent_max=_fmt(node.max_points)),
                WARNING,
            )
        )
        if node.max_points is not None and known_sum > node.max_points:
            problems.append(
                Problem(
                    node.code,
                    _("các nút con đã biết cộng lại {known}, vượt điểm tối đa {parent_max}").format(
                        known=_fmt(known_sum), parent_max=_fmt(node.max_points)
                    ),
                )
            )
        return
    if known_sum != node.max_points:
        # A fragment (status "partial") may lack some children: a shortfall is then expected.
        shortfall_in_fragment = framework.status == "partial" and known_sum < node.max_points
        if shortfall_in_fragment:
            message = _(
                "tổng điểm tối đa của các nút con là {known}, khác điểm tối đa {parent_max} "
                "(khung chưa đầy đủ)"
            )
        else:
            message = _("tổng điểm tối đa của các nút con là {known}, khác điểm tối đa {parent_max}")
        problems.append(
            Problem(
                node.code,
                message.format(known=_fmt(known_sum), parent_max=_fmt(node.max_points)),
                WARNING if shortfall_in_fragment else ERROR,
            )
        )


def _check_node(
    framework: Framework, node: Node, problems: list[Problem], unruled_published: list[str]
) -> None:
    if node.max_points is not None and node.max_points < 0:
        problems.append(
            Problem(node.code, _("điểm tối đa âm ({maximum})").format(maximum=_fmt(node.max_points)))
        )
    if node.method not in METHODS:
        problems.append(
            Problem(
                node.code,
                _("phương pháp đánh giá không có: '{method}' (có: {known})").format(
                    method=node.method, known=", ".join(METHODS)
                ),
            )
        )
    if node.children:
        _check_children(framework, node, problems)
        if node.rule is not None:
            problems.append(
                Problem(
                    node.code,
                    _("nút có nút con không dùng quy tắc chấm điểm (điểm là tổng của nút con)"),
                    WARNING,
                )
            )
        return
    if node.rule is None:
        if node.method == PUBLISHED:
            unruled_published.append(node.code)
        else:
            problems.append(
                Problem(
                    node.code,
                    _("tiêu chí lá (phương pháp '{method}') chưa có quy tắc chấm điểm").format(
                        method=node.method
                    ),
                )
            )
        return
    if node.rule.type in ("bonus", "penalty"):
        problems.append(
            Problem(
                node.code,
                _("quy tắc '{rule}' chỉ dùng cho điểm thưởng/điểm trừ, không dùng cho tiêu chí").format(
                    rule=node.rule.type
                ),
            )
        )
        return
    for message in validate_rule(node.rule.type, node.rule.params, node.max_points):
        problems.append(Problem(node.code, message))


def _check_ranking(framework: Framework, problems: list[Problem]) -> None:
    ranking = framework.ranking
    if ranking.of not in RANK_OF:
        problems.append(
            Problem(
                "framework",
                _("ranking.of phải là peer_set hoặc ranked, không phải '{value}'").format(value=ranking.of),
            )
        )
    if ranking.precision < 0:
        problems.append(Problem("framework", _("ranking.precision phải ≥ 0")))
    groups = ranking.groups
    if groups.method not in GROUP_METHODS:
        problems.append(
            Problem(
                "framework",
                _("cách phân nhóm không có: '{method}' (có: {known})").format(
                    method=groups.method, known=", ".join(GROUP_METHODS)
                ),
            )
        )
    if groups.method == BANDS:
        if not groups.bands:
            problems.append(Problem("framework", _("phân nhóm theo ngưỡng nhưng chưa có ngưỡng nào")))
        previous: Decimal | None = None
        for band in groups.bands:
            if previous is not None and band.min_percent >= previous:
                problems.append(
                    Problem(
                        "framework",
                        _(
                            "các ngưỡng nhóm phải giảm dần: '{band}' ({threshold}) "
                            "không thấp hơn nhóm trước ({previous})"
                        ).format(band=band.label, threshold=_fmt(band.min_percent), previous=_fmt(previous)),
                    )
                )
            if not Decimal(0) <= band.min_percent <= Decimal(100):
                problems.append(
                    Problem("framework", _("ngưỡng nhóm '{band}' ngoài khoảng 0–100").format(band=band.label))
                )
            previous = band.min_percent


def _check_adjustments(framework: Framework, problems: list[Problem], codes: set[str]) -> None:
    seen: set[str] = set()
    for adjustment in framework.adjustments:
        if adjustment.code in codes or adjustment.code in seen:
            problems.append(Problem(adjustment.code, _("mã '{code}' bị trùng").format(code=adjustment.code)))
        seen.add(adjustment.code)
        if adjustment.kind not in ADJUSTMENT_KINDS:
            problems.append(
                Problem(
                    adjustment.code,
                    _("loại điều chỉnh phải là bonus hoặc penalty, không phải '{kind}'").format(
                        kind=adjustment.kind
                    ),
                )
            )
        if adjustment.max_points < 0:
            problems.append(
                Problem(
                    adjustment.code,
                    _("điểm tối đa âm ({maximum}); dấu do loại điều chỉnh quyết định").format(
                        maximum=_fmt(adjustment.max_points)
                    ),
                )
            )
        rule = adjustment.rule
        if rule is not None:
            # An unknown rule type is reported by validate_rule below.
            if (
                rule.type in RULE_TYPES
                and adjustment.kind in ADJUSTMENT_KINDS
                and rule.type != adjustment.kind
            ):
                if rule.type in ADJUSTMENT_KINDS:
                    message = _("quy tắc '{rule}' trái với loại '{kind}'").format(
                        rule=rule.type, kind=adjustment.kind
                    )
                else:
                    message = _("điểm thưởng/trừ cần quy tắc bonus hoặc penalty, không phải '{rule}'").format(
                        rule=rule.type
                    )
                problems.append(Problem(adjustment.code, message))
            for rule_message in validate_rule(rule.type, rule.params, adjustment.max_points):
                problems.append(Problem(adjustment.code, rule_message))
    floor, cap = framework.adjusted_floor, framework.adjusted_cap
    if floor is not None and cap is not None and floor > cap:
        problems.append(
            Problem(
                "framework",
                _("adjusted_floor ({floor}) lớn hơn adjusted_cap ({cap})").format(
                    floor=_fmt(floor), cap=_fmt(cap)
                ),
            )
        )


def validate_framework(framework: Framework) -> list[Problem]:
    """Every problem found in the framework, errors and warnings, in tree order."""
    problems: list[Problem] = []
    if (
        framework.first_year is not None
        and framework.last_year is not None
        and framework.first_year > framework.last_year
    ):
        problems.append(
            Problem(
                "framework",
                _("năm đầu ({first}) sau năm cuối ({last})").format(
                    first=framework.first_year, last=framework.last_year
                ),
            )
        )
    if framework.status not in STATUSES:
        problems.append(
            Problem(
                "framework",
                _("trạng thái phải là {known}, không phải '{status}'").format(
                    known=", ".join(STATUSES), status=framework.status
                ),
            )
        )
    if framework.aggregation not in AGGREGATIONS:
        problems.append(
            Problem(
                "framework",
                _("cách tổng hợp phải là {known}, không phải '{aggregation}'").format(
                    known=", ".join(AGGREGATIONS), aggregation=framework.aggregation
                ),
            )
        )
    if framework.aggregation == WEIGHTED and any(
        child.weight is None for node in framework.nodes() for child in node.children
    ):
        problems.append(
            Problem(
                "framework",
                _("tổng có trọng số nhưng khung chưa ghi đủ trọng số: điểm nút cha chỉ có khi được công bố"),
                WARNING,
            )
        )
    nodes = list(framework.nodes())
    counts = Counter(node.code for node in nodes)
    for code, count in counts.items():
        if count > 1:
            problems.append(
                Problem(code, _("mã '{code}' xuất hiện {count} lần").format(code=code, count=count))
            )
    unruled_published: list[str] = []
    for node in nodes:
        _check_node(framework, node, problems, unruled_published)
    if unruled_published:
        shown = ", ".join(unruled_published[:8]) + (" …" if len(unruled_published) > 8 else "")
        problems.append(
            Problem(
                "framework",
                _(
                    "{count} tiêu chí lá không có quy tắc chấm điểm; "
                    "điểm được nhập theo số liệu công bố: {codes}"
                ).format(count=len(unruled_published), codes=shown),
                WARNING,
            )
        )
    _check_ranking(framework, problems)
    _check_adjustments(framework, problems, set(counts))
    return problems

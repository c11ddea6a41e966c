"""Checking a framework before it is used: `validate_framework(framework) -> list[Problem]`.

Errors make a framework unusable for scoring; warnings record what the sources leave open
(unknown maxima are legitimate: many decisions were never published in full). Messages are
given in Vietnamese and in English.
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
    message_vi: str
    message_en: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        return f"[{self.severity}] {self.code}: {self.message_vi} / {self.message_en}"


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
                    "chưa biết điểm tối đa của nút cha hoặc của một số nút con "
                    "nên không kiểm tra được trung bình",
                    "the parent's or some children's maxima are unknown, so the mean cannot be checked",
                    WARNING,
                )
            )
            return
        for child in node.children:
            if child.max_points != node.max_points:
                problems.append(
                    Problem(
                        node.code,
                        f"cách tổng hợp là trung bình nên điểm tối đa của {child.code} "
                        f"({_fmt(child.max_points)}) phải bằng của nút cha ({_fmt(node.max_points)})",
                        f"with mean aggregation the maximum of {child.code} ({_fmt(child.max_points)}) "
                        f"must equal the parent's ({_fmt(node.max_points)})",
                    )
                )
        return
    known_sum = sum((m for m in maxima if m is not None), Decimal(0))
    if unknown or node.max_points is None:
        what = ", ".join(unknown) if unknown else node.code
        problems.append(
            Problem(
                node.code,
                f"không kiểm tra được tổng điểm tối đa: chưa biết điểm tối đa của {what} "
                f"(các nút con đã biết cộng lại {_fmt(known_sum)}, nút cha {_fmt(node.max_points)})",
                f"cannot check the sum of maxima: unknown maximum of {what} "
                f"(known children add up to {_fmt(known_sum)}, parent {_fmt(node.max_points)})",
                WARNING,
            )
        )
        if node.max_points is not None and known_sum > node.max_points:
            problems.append(
                Problem(
                    node.code,
                    f"các nút con đã biết cộng lại {_fmt(known_sum)}, "
                    f"vượt điểm tối đa {_fmt(node.max_points)}",
                    f"the known children already add up to {_fmt(known_sum)}, above the maximum "
                    f"{_fmt(node.max_points)}",
                )
            )
        return
    if known_sum != node.max_points:
        # A fragment (status "partial") may lack some children: a shortfall is then expected.
        shortfall_in_fragment = framework.status == "partial" and known_sum < node.max_points
        problems.append(
            Problem(
                node.code,
                f"tổng điểm tối đa của các nút con là {_fmt(known_sum)}, "
                f"khác điểm tối đa {_fmt(node.max_points)}"
                + (" (khung chưa đầy đủ)" if shortfall_in_fragment else ""),
                f"children's maxima add up to {_fmt(known_sum)}, not the maximum {_fmt(node.max_points)}"
                + (" (incomplete framework)" if shortfall_in_fragment else ""),
                WARNING if shortfall_in_fragment else ERROR,
            )
        )


def _check_node(
    framework: Framework, node: Node, problems: list[Problem], unruled_published: list[str]
) -> None:
    if node.max_points is not None and node.max_points < 0:
        problems.append(
            Problem(
                node.code,
                f"điểm tối đa âm ({_fmt(node.max_points)})",
                f"negative maximum ({_fmt(node.max_points)})",
            )
        )
    if node.method not in METHODS:
        problems.append(
            Problem(
                node.code,
                f"phương pháp đánh giá không có: '{node.method}' (có: {', '.join(METHODS)})",
                f"unknown evaluation method '{node.method}' (known: {', '.join(METHODS)})",
            )
        )
    if node.children:
        _check_children(framework, node, problems)
        if node.rule is not None:
            problems.append(
                Problem(
                    node.code,
                    "nút có nút con không dùng quy tắc chấm điểm (điểm là tổng của nút con)",
                    "a node with children takes its points from them; its rule is never used",
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
                    f"tiêu chí lá (phương pháp '{node.method}') chưa có quy tắc chấm điểm",
                    f"leaf evaluated by '{node.method}' has no scoring rule",
                )
            )
        return
    if node.rule.type in ("bonus", "penalty"):
        problems.append(
            Problem(
                node.code,
                f"quy tắc '{node.rule.type}' chỉ dùng cho điểm thưởng/điểm trừ, không dùng cho tiêu chí",
                f"rule '{node.rule.type}' is for adjustments (bonus/penalty), not for a criterion",
            )
        )
        return
    for message in validate_rule(node.rule.type, node.rule.params, node.max_points):
        problems.append(Problem(node.code, getattr(message, "vi", str(message)), str(message)))


def _check_ranking(framework: Framework, problems: list[Problem]) -> None:
    ranking = framework.ranking
    if ranking.of not in RANK_OF:
        problems.append(
            Problem(
                "framework",
                f"ranking.of phải là peer_set hoặc ranked, không phải '{ranking.of}'",
                f"ranking.of must be peer_set or ranked, not '{ranking.of}'",
            )
        )
    if ranking.precision < 0:
        problems.append(
            Problem("framework", "ranking.precision phải ≥ 0", "ranking.precision must be ≥ 0"),
        )
    groups = ranking.groups
    if groups.method not in GROUP_METHODS:
        problems.append(
            Problem(
                "framework",
                f"cách phân nhóm không có: '{groups.method}' (có: {', '.join(GROUP_METHODS)})",
                f"unknown grouping method '{groups.method}' (known: {', '.join(GROUP_METHODS)})",
            )
        )
    if groups.method == BANDS:
        if not groups.bands:
            problems.append(
                Problem(
                    "framework",
                    "phân nhóm theo ngưỡng nhưng chưa có ngưỡng nào",
                    "bands grouping without bands",
                )
            )
        previous: Decimal | None = None
        for band in groups.bands:
            if previous is not None and band.min_percent >= previous:
                problems.append(
                    Problem(
                        "framework",
                        f"các ngưỡng nhóm phải giảm dần: '{band.label_vi}' ({_fmt(band.min_percent)}) "
                        f"không thấp hơn nhóm trước ({_fmt(previous)})",
                        f"bands must be decreasing: '{band.label_vi}' ({_fmt(band.min_percent)}) "
                        f"is not below the band before ({_fmt(previous)})",
                    )
                )
            if not Decimal(0) <= band.min_percent <= Decimal(100):
                problems.append(
                    Problem(
                        "framework",
                        f"ngưỡng nhóm '{band.label_vi}' ngoài khoảng 0–100",
                        f"band '{band.label_vi}' threshold outside 0–100",
                    )
                )
            previous = band.min_percent


def _check_adjustments(framework: Framework, problems: list[Problem], codes: set[str]) -> None:
    seen: set[str] = set()
    for adjustment in framework.adjustments:
        if adjustment.code in codes or adjustment.code in seen:
            problems.append(
                Problem(
                    adjustment.code, f"mã '{adjustment.code}' bị trùng", f"duplicate code '{adjustment.code}'"
                )
            )
        seen.add(adjustment.code)
        if adjustment.kind not in ADJUSTMENT_KINDS:
            problems.append(
                Problem(
                    adjustment.code,
                    f"loại điều chỉnh phải là bonus hoặc penalty, không phải '{adjustment.kind}'",
                    f"adjustment kind must be bonus or penalty, not '{adjustment.kind}'",
                )
            )
        if adjustment.max_points < 0:
            problems.append(
                Problem(
                    adjustment.code,
                    f"điểm tối đa âm ({_fmt(adjustment.max_points)}); dấu do loại điều chỉnh quyết định",
                    f"negative maximum ({_fmt(adjustment.max_points)}); the sign comes from the kind",
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
                    problems.append(
                        Problem(
                            adjustment.code,
                            f"quy tắc '{rule.type}' trái với loại '{adjustment.kind}'",
                            f"rule '{rule.type}' contradicts kind '{adjustment.kind}'",
                        )
                    )
                else:
                    problems.append(
                        Problem(
                            adjustment.code,
                            f"điểm thưởng/trừ cần quy tắc bonus hoặc penalty, không phải '{rule.type}'",
                            f"an adjustment needs a bonus or penalty rule, not '{rule.type}'",
                        )
                    )
            for message in validate_rule(rule.type, rule.params, adjustment.max_points):
                problems.append(Problem(adjustment.code, getattr(message, "vi", str(message)), str(message)))
    floor, cap = framework.adjusted_floor, framework.adjusted_cap
    if floor is not None and cap is not None and floor > cap:
        problems.append(
            Problem(
                "framework",
                f"adjusted_floor ({_fmt(floor)}) lớn hơn adjusted_cap ({_fmt(cap)})",
                f"adjusted_floor ({_fmt(floor)}) is above adjusted_cap ({_fmt(cap)})",
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
                f"năm đầu ({framework.first_year}) sau năm cuối ({framework.last_year})",
                f"first year ({framework.first_year}) is after last year ({framework.last_year})",
            )
        )
    if framework.status not in STATUSES:
        problems.append(
            Problem(
                "framework",
                f"trạng thái phải là {', '.join(STATUSES)}, không phải '{framework.status}'",
                f"status must be one of {', '.join(STATUSES)}, not '{framework.status}'",
            )
        )
    if framework.aggregation not in AGGREGATIONS:
        problems.append(
            Problem(
                "framework",
                f"cách tổng hợp phải là {', '.join(AGGREGATIONS)}, không phải '{framework.aggregation}'",
                f"aggregation must be one of {', '.join(AGGREGATIONS)}, not '{framework.aggregation}'",
            )
        )
    if framework.aggregation == WEIGHTED and any(
        child.weight is None for node in framework.nodes() for child in node.children
    ):
        problems.append(
            Problem(
                "framework",
                "tổng có trọng số nhưng khung chưa ghi đủ trọng số: điểm nút cha chỉ có khi được công bố",
                "weighted aggregation with weights missing in the framework: "
                "such a parent has points only when published",
                WARNING,
            )
        )
    nodes = list(framework.nodes())
    counts = Counter(node.code for node in nodes)
    for code, count in counts.items():
        if count > 1:
            problems.append(
                Problem(code, f"mã '{code}' xuất hiện {count} lần", f"code '{code}' appears {count} times")
            )
    unruled_published: list[str] = []
    for node in nodes:
        _check_node(framework, node, problems, unruled_published)
    if unruled_published:
        shown = ", ".join(unruled_published[:8]) + (" …" if len(unruled_published) > 8 else "")
        problems.append(
            Problem(
                "framework",
                f"{len(unruled_published)} tiêu chí lá không có quy tắc chấm điểm; "
                f"điểm được nhập theo số liệu công bố: {shown}",
                f"{len(unruled_published)} leaves have no scoring rule; "
                f"their points are entered as published: {shown}",
                WARNING,
            )
        )
    _check_ranking(framework, problems)
    _check_adjustments(framework, problems, set(counts))
    return problems

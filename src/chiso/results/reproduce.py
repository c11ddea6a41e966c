"""Published figures are reproducible: a result set stores the method that produced its figures
(`ResultSet.method`, built by `chiso.frameworks.method`), and its framework never changes once it
has figures (`chiso.frameworks.services.save_framework` refuses it; this module tells the frameworks
app which frameworks hold result sets).

`check` recomputes a result set from its stored values and its *stored* method — the framework
whose content hash is stored, ranked at the stored precision among the stored level's peers,
grouped by the stored rule — and compares every unit's total, rank and group with the figures the
pages and exports show (`results_of`, on the framework as it is now). Any difference is a problem
named in words: it means that the figures moved since they were stored.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _

from chiso.engine.analysis import TOTAL, YearAnalysis, YearResults
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.frameworks import group_rule_from_dict
from chiso.frameworks import method as methods
from chiso.frameworks.models import Framework
from chiso.results.models import ResultSet
from chiso.results.services import build_year_results, results_of, stored_values


def result_set_use(framework: Framework) -> str:
    """The result set computed on `framework`, in words ("kết quả PAPI năm 2021, phiên bản 1"), or "".
    Registered with `chiso.frameworks.usage.register_use` (any version counts: a draft or a
    superseded version keeps its figures too)."""
    found = (
        ResultSet.objects.filter(framework=framework)
        .select_related("index")
        .order_by("-year", "-period", "-version")
        .first()
    )
    if found is None:
        return ""
    if found.period:
        return _("kết quả {index} {period}, phiên bản {version} ({status})").format(
            index=found.index.short_name,
            period=found.period_label,
            version=found.version,
            status=found.get_status_display(),
        )
    return _("kết quả {index} năm {year}, phiên bản {version} ({status})").format(
        index=found.index.short_name,
        year=found.year,
        version=found.version,
        status=found.get_status_display(),
    )


def current_method(result_set: ResultSet) -> dict[str, Any]:
    """The method the result set's figures are computed with now (its framework as it stands)."""
    return methods.method_of(result_set.framework, "check", result_set.level)


def stored_framework(result_set: ResultSet) -> EngineFramework:
    """The framework of the stored method: the tree of the stored framework, ranked at the stored
    precision by the stored peers rule and grouped by the stored group rule."""
    stored = result_set.method
    framework = result_set.framework.to_engine()
    ranking = dataclasses.replace(
        framework.ranking,
        precision=int(stored["precision"]),
        of=str(stored["peers"]),
        groups=group_rule_from_dict(stored["groups"]),
        inherited=frozenset(),
    )
    return dataclasses.replace(framework, ranking=ranking)


def reproduce(result_set: ResultSet) -> YearResults:
    """The result set's figures recomputed from its stored values with its stored method."""
    return build_year_results(
        stored_framework(result_set),
        str(result_set.method["level"]),
        result_set.year,
        *stored_values(result_set),
        period=result_set.period,
    )


def _figures(results: YearResults) -> dict[Any, tuple[Any, int | None, str, int]]:
    analysis = YearAnalysis(results)
    ranking = analysis.total_ranking
    groups = analysis.total_groups
    return {
        unit.ref: (
            results.value(unit.ref, TOTAL),
            ranking.rank_of(unit.ref),
            groups[unit.ref].label_vi if unit.ref in groups else "",
            ranking.of,
        )
        for unit in results.peers
    }


def check(result_set: ResultSet) -> list[str]:
    """What differs between the result set's stored method and figures recomputed with it, and the
    method and figures of its framework now; empty when the figures are those that were stored."""
    stored = result_set.method
    if not stored:
        return [_("Kết quả {name} không lưu phương pháp tính.").format(name=result_set)]
    current = current_method(result_set)
    problems = [
        _("Kết quả {name}: phương pháp đã đổi ở «{key}» (lúc lưu: {old}; nay: {new}).").format(
            name=result_set, key=key, old=stored.get(key), new=current.get(key)
        )
        for key in methods.differences(stored, current)
    ]
    shown = results_of(result_set)
    served = _figures(shown)
    again = _figures(reproduce(result_set))
    names = {unit.ref: unit.name for unit in shown.peers}
    for ref, figures in again.items():
        if served.get(ref) != figures:
            problems.append(
                _("Kết quả {name}, {unit}: tính lại được {again}; trang đang hiện {served}.").format(
                    name=result_set,
                    unit=names.get(ref, ref),
                    again=_describe(figures),
                    served=_describe(served.get(ref)),
                )
            )
    return problems


def _describe(figures: tuple[Any, int | None, str, int] | None) -> str:
    if figures is None:
        return "–"
    total, rank, group, of = figures
    return _("tổng {total}, hạng {rank}/{of}, nhóm «{group}»").format(
        total="–" if total is None else format(total.normalize(), "f"), rank=rank or "–", of=of, group=group
    )

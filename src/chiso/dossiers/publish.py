"""A computation of the 766 index as the index's published result sets for its period, one per level.

`dossiers.services.compute` scores every unit of the dossiers for a month ("2025-10"), a quarter
("2025-Q4") or a year ("2025"); this writes those scores as the index's result sets (`dvc766`)
for that year and period (the whole year: period ""), one per level, published at once: the officer computes, the
figures are the index's for the period. A computation again is a new version that replaces the
published one, which is kept, marked superseded (`results.services.write_result_set`), so the
ranking, profile, points-lost, what-if and target pages, and the plans made from them, read the
766 as any other index (`?ky=2025-10` on their paths).

Units are by official code, resolved at each of the index's levels in order (`Index.levels`: the
departments, then the communes …) on the period's last day: one result set per level that has
scores (`ResultSet.level`), each ranking its units among their own level. A code that names no unit
of any of the index's levels is left out, and listed in the run (`DossierRun.unmatched`) and in
each result set's method (`unmatched_units`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from chiso.engine.periods import period_label, split_period
from chiso.engine.units import UnitError


@dataclass
class Written:
    """What `write_period_results` wrote for a run: a result set per level that has scores (none
    when no unit matched), in the index's order of levels, and the codes left out."""

    result_sets: list[Any] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def write_period_results(
    framework: Any,
    period: str,
    scores: Mapping[str, Mapping[str, Decimal]],
    method: dict[str, Any],
    files: list[str],
    user: Any = None,
) -> Written:
    """Write and publish the scores of a period (unit code → node code → points) as the index's
    result sets of that year and period, one per level; `method` (engine, seconds, files) is
    recorded with each."""
    from chiso.results.services import ResultSetData, write_result_set

    year, stored_period = split_period(period)
    index = framework.index
    by_level, unmatched = rows_by_level(index, year, stored_period, scores)
    if not by_level:
        return Written([], unmatched)
    dataset = _dataset(index, year, period, stored_period, files, user)
    written = []
    for level, rows in by_level.items():
        data = ResultSetData(
            index=index,
            year=year,
            framework=framework,
            rows=rows,
            period=stored_period,
            method={"dossiers": {**method, "files": files, "unmatched_units": unmatched}},
            level=level,
        )
        written.append(write_result_set(data, dataset, replace=True, publish=True))
    return Written(written, unmatched)


def rows_by_level(
    index: Any, year: int, period: str, scores: Mapping[str, Mapping[str, Decimal]]
) -> tuple[dict[str, list[Any]], list[str]]:
    """The rows to write by level (in the index's order of levels; a level without scores absent),
    each unit code resolved at the first of the index's levels holding it on the period's last day,
    and the codes no level holds."""
    from chiso.results.services import UnitRow, reference_date
    from chiso.units.registry import registry

    levels = index.levels
    units = registry(tuple(levels))
    on = reference_date(year, period)
    found: dict[str, list[Any]] = {}
    unmatched = []
    for code in sorted(scores):
        unit = _unit_at_levels(units, code, levels, on)
        if unit is None:
            unmatched.append(code)
            continue
        values = {node: Decimal(value) for node, value in scores[code].items()}
        if values:
            found.setdefault(unit.level, []).append(UnitRow(unit=unit, values=values))
    return {level: found[level] for level in levels if level in found}, unmatched


def _unit_at_levels(units: Any, code: str, levels: list[str], on: Any) -> Any:
    """The unit holding `code` on `on` at the first of `levels` that has one (None: no level has)."""
    for level in levels:
        try:
            return units.by_code(code, level, on)
        except UnitError:
            continue
    return None


def _dataset(index: Any, year: int, period: str, stored_period: str, files: list[str], user: Any) -> Any:
    """The dataset of a computation: the files it read, whom it was run by."""
    from chiso.results.models import Dataset

    label = period_label(year, stored_period)
    return Dataset.objects.create(
        code=_dataset_code(index.code, period),
        title=f"{index.short_name} {label}: {', '.join(files)}"[:300],
        publisher=_("Tính từ hồ sơ thủ tục hành chính đã nhập"),
        document="Quyết định 766/QĐ-TTg",
        imported_file=", ".join(files)[:300],
        imported_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _dataset_code(index_code: str, period: str) -> str:
    """A new dataset code for each computation: index, period and a counter ("dvc766-2025-10-3")."""
    from chiso.results.models import Dataset

    stem = f"{index_code}-{period.strip().lower()}"
    taken = Dataset.objects.filter(code__startswith=f"{stem}-").count()
    code = f"{stem}-{taken + 1}"
    while Dataset.objects.filter(code=code).exists():
        taken += 1
        code = f"{stem}-{taken + 1}"
    return code[:80]

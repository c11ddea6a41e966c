"""A computation of the 766 index as the index's published result set for its period.

`dossiers.services.compute` scores every unit of the dossiers for a month ("2025-10"), a quarter
("2025-Q4") or a year ("2025"); this writes those scores as a `ResultSet` of the index (`dvc766`)
for that year and period (the whole year: period ""), published at once: the officer computes, the
figures are the index's for the period. A computation again is a new version that replaces the
published one, which is kept, marked superseded (`results.services.write_result_set`), so the
ranking, profile, points-lost, what-if and target pages, and the plans made from them, read the
766 as any other index (`?ky=2025-10` on their paths).

Units are by official code, of the index's level (`Index.unit_level`): a code that names no unit of
that level on the period's last day is left out, and listed in the run (`DossierRun.unmatched`)
and in the result set's method (`unmatched_units`).
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
    """What `write_result_set` wrote for a run: the result set (None when no unit matched) and the
    codes left out."""

    result_set: Any = None
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
    result set of that year and period; `method` (engine, seconds, files) is recorded with it."""
    from chiso.results.models import Dataset
    from chiso.results.services import ResultSetData, UnitRow, reference_date, write_result_set
    from chiso.units.registry import registry

    year, stored_period = split_period(period)
    index = framework.index
    level = index.unit_level
    units = registry((level,))
    on = reference_date(year, stored_period)
    rows, unmatched = [], []
    for code in sorted(scores):
        try:
            unit = units.by_code(code, level, on)
        except UnitError:
            unmatched.append(code)
            continue
        values = {node: Decimal(value) for node, value in scores[code].items()}
        if values:
            rows.append(UnitRow(unit=unit, values=values))
    if not rows:
        return Written(None, unmatched)
    label = period_label(year, stored_period)
    dataset = Dataset.objects.create(
        code=_dataset_code(index.code, period),
        title=f"{index.short_name} {label}: {', '.join(files)}"[:300],
        publisher=_("Tính từ hồ sơ thủ tục hành chính đã nhập"),
        document="Quyết định 766/QĐ-TTg",
        imported_file=", ".join(files)[:300],
        imported_by=user if getattr(user, "is_authenticated", False) else None,
    )
    data = ResultSetData(
        index=index,
        year=year,
        framework=framework,
        rows=rows,
        period=stored_period,
        method={"dossiers": {**method, "files": files, "unmatched_units": unmatched}},
    )
    result_set = write_result_set(data, dataset, replace=True, publish=True)
    return Written(result_set, unmatched)


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

"""What an analysis page is about: one unit's result in a published index-year, or in an internal
cycle, with its analysis (`YearAnalysis`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from chiso.accounts.permissions import EVERYONE_INSIDE, acts_for, own_units
from chiso.assessments.actions import sees_cycle_results
from chiso.assessments.models import Cycle
from chiso.engine.analysis import YearAnalysis
from chiso.engine.periods import period_label
from chiso.engine.units import UnitRef
from chiso.frameworks.models import Framework, Index
from chiso.units.models import Unit


@dataclass
class Subject:
    """One unit in one analysis: a province in an index-year (or in a month or quarter of it:
    `period`, the real-time 766 index; a department or commune among its `level`'s units), or a
    unit in an internal cycle."""

    analysis: YearAnalysis
    framework: Framework
    unit: Unit
    ref: UnitRef
    year: int
    index: Index | None = None
    cycle: Cycle | None = None
    period: str = ""
    level: str = ""  # the level of the units it is ranked among ("" in an internal cycle)

    @property
    def label(self) -> str:
        if self.cycle is not None:
            return self.cycle.name
        if self.period:
            return f"{self.index.short_name} {period_label(self.year, self.period)}"  # type: ignore[union-attr]
        return f"{self.index.short_name} {self.year}"  # type: ignore[union-attr]

    @property
    def query(self) -> str:
        """What the subject's links add to their path to keep its period and level
        ("?ky=2025-10&cap=commune", or "")."""
        from chiso.results.levels import shown
        from chiso.results.periods import query

        return query(self.period, shown(self.index, self.level) if self.index is not None else "")

    @property
    def source(self) -> str:
        """Whom the figures are credited to: the published dataset's source and document for an
        index-year, the framework's source for an internal cycle."""
        if self.index is not None:
            from chiso.results.services import credit_of

            found = credit_of(self.index, self.year, period=self.period, level=self.level or None)
            return found or self.analysis.framework.source
        return self.analysis.framework.source

    @property
    def url_args(self) -> list[Any]:
        if self.cycle is not None:
            return [self.cycle.pk, self.unit.code]
        return [self.index.code, self.year, self.unit.code]  # type: ignore[union-attr]

    @property
    def url_prefix(self) -> str:
        return "cycle" if self.cycle is not None else "national"

    def url(self, page: str) -> str:
        """The subject's analysis page: "losses", "whatif" or "target" (keeping its period)."""
        return reverse(f"results:{self.url_prefix}_{page}", args=self.url_args) + self.query


def national_subject(
    index_code: str, year: int, unit_code: str, period: str = "", level: str | None = None
) -> Subject:
    """A unit's result in a published index-year (or `period` of it), among the units of `level`
    (by default the unit's own level of the index: a department among the departments, a commune
    among the communes). LookupError when there is none."""
    from chiso.engine.units import UnitError
    from chiso.frameworks.services import IndexNotFound, find_index
    from chiso.results.cache import cached_registry
    from chiso.results.levels import checked, level_of_unit
    from chiso.results.services import analyse, reference_date, result_set_of

    try:
        index = find_index(index_code)
        level = checked(index, level) if level else level_of_unit(index, unit_code)
        analysis = analyse(index, year, period=period, level=level)
        unit = cached_registry((level,)).by_code(unit_code, level, reference_date(year, period))
    except (IndexNotFound, UnitError) as exc:
        raise LookupError(str(exc)) from exc
    row = Unit.objects.filter(level=unit.level, code=unit.code, valid_from=unit.valid_from).first()
    if row is None or unit.ref not in analysis.units:
        raise LookupError(unit_code)
    result_set = result_set_of(index, year, period=period, level=level)
    if result_set is None:
        raise LookupError(unit_code)
    framework = result_set.framework
    return Subject(analysis, framework, row, unit.ref, year, index=index, period=period, level=level)


def may_analyse(user: User | AnonymousUser, cycle: Cycle, unit_id: int) -> bool:
    """May the user open the analysis pages of a unit in an internal cycle? The inside roles of the
    cycle's organiser may; the unit's own staff and head only once the cycle is published, because
    every figure of these pages (ranks, means, the best, the chart of all units, what a rank target
    would take) speaks of the other units too (`actions.sees_cycle_results`)."""
    if acts_for(user, cycle.organiser_id, *EVERYONE_INSIDE):
        return True
    return sees_cycle_results(user, cycle) and unit_id in own_units(user)


def cycle_subject(cycle: Cycle, unit_code: str) -> Subject:
    """A unit's result in an internal cycle (final points where approved, else the latest stage)."""
    from chiso.assessments.scoring import cycle_analysis

    assessment = cycle.assessments.select_related("unit").filter(unit__code=unit_code).first()
    if assessment is None:
        raise LookupError(unit_code)
    analysis = cycle_analysis(cycle)
    ref = assessment.unit.to_engine().ref
    return Subject(analysis, cycle.framework, assessment.unit, ref, cycle.year, cycle=cycle)

"""Feeding an assessment cycle: survey indices put into the survey criteria of every assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.assessments.models import Cycle
from chiso.assessments.scoring import survey_leaves
from chiso.assessments.workflow import current_version, set_survey_index
from chiso.surveys.models import Survey, SurveyResult
from chiso.surveys.services.common import ALL_TYPES, SurveyError
from chiso.surveys.services.estimation import survey_method
from chiso.surveys.services.ranking import to_percent
from chiso.units.models import Unit

# -- feeding an assessment cycle ---------------------------------------------------------------------


@dataclass
class LinkReport:
    updated: list[tuple[Unit, str, Decimal, Decimal | None]] = field(default_factory=list)
    missing: list[tuple[Unit, str]] = field(default_factory=list)


def survey_criteria(cycle: Cycle) -> list:
    """The survey criteria (leaves scored from survey results) of a cycle's framework."""
    return survey_leaves(cycle)


def link_to_cycle(survey: Survey, cycle: Cycle, criterion_map: Mapping[str, str], user: User) -> LinkReport:
    """Put the survey's indices into the survey criteria of every assessment of `cycle`.

    `criterion_map`: criterion code → factor code or ``"overall"``. Each assessment whose unit has
    a result gets ``set_survey_index`` (percent rounded half-up to 2 places, the method in the
    audit source), so its points and totals follow; units without a result are reported. All or
    nothing: one refusal undoes every change — an assessment with the council or approved, or a
    published cycle, refuses (reopen the assessment first)."""
    if not criterion_map:
        raise SurveyError(_("Chưa chọn tiêu chí nào."))
    leaves = {node.code: node for node in survey_criteria(cycle)}
    unknown = [c for c in criterion_map if c not in leaves]
    if unknown:
        raise SurveyError(
            _("Không phải tiêu chí khảo sát của khung {framework}: {codes}.").format(
                framework=cycle.framework.code, codes=", ".join(unknown)
            )
        )
    results: dict[tuple[int, str], SurveyResult] = {
        (r.unit_id, r.code): r
        for r in SurveyResult.objects.filter(
            survey=survey,
            respondent_type=ALL_TYPES,
            level__in=[SurveyResult.ResultLevel.FACTOR, SurveyResult.ResultLevel.OVERALL],
        )
    }
    if not results:
        raise SurveyError(_("Đợt khảo sát chưa có kết quả; hãy tính trước."))
    codes = {code for _unit, code in results}
    bad = sorted({v for v in criterion_map.values() if v not in codes})
    if bad:
        raise SurveyError(
            _("Không có kết quả cho {missing}; dùng: {codes}.").format(
                missing=", ".join(bad), codes=", ".join(sorted(codes))
            )
        )
    method = survey_method(survey).describe()
    report = LinkReport()
    with transaction.atomic():
        for assessment in cycle.assessments.select_related("unit").order_by("unit__name"):
            for criterion, code in criterion_map.items():
                result = results.get((assessment.unit_id, code))
                if result is None:
                    report.missing.append((assessment.unit, criterion))
                    continue
                percent = to_percent(result.index)
                row = set_survey_index(
                    user,
                    assessment,
                    criterion,
                    percent,
                    source=_source_text(survey, result, percent, method),
                    expected_version=current_version(assessment, criterion),
                )
                report.updated.append((assessment.unit, criterion, percent, row.self_points))
    return report


def _source_text(survey: Survey, result: SurveyResult, percent: Decimal, method: str) -> str:
    def vi(value: Decimal | None) -> str:
        return "–" if value is None else format(value, "f").replace(".", ",")

    low = None if result.ci_low is None else to_percent(max(result.ci_low, 0.0))
    high = None if result.ci_high is None else to_percent(min(result.ci_high, 1.0))
    small = _("; cỡ mẫu nhỏ") if result.small_n else ""
    return _(
        "Khảo sát «{title}» năm {year} (#{survey}), {code}: {percent}% "
        "(KTC 95% {low}–{high}; n = {n}{small}). Phương pháp: {method}"
    ).format(
        title=survey.title,
        year=survey.year,
        survey=survey.pk,
        code=result.code,
        percent=vi(percent),
        low=vi(low),
        high=vi(high),
        n=result.n,
        small=small,
        method=method,
    )

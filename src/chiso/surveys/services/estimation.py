"""Estimating a survey's indices from its stored responses, through the engine."""

from __future__ import annotations

import math
from typing import cast

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core import changelog
from chiso.core.progress import Progress, no_progress
from chiso.engine.survey import (
    Aggregation,
    Design,
    SingletonRule,
    SurveyDesignError,
    SurveyMethod,
    estimate_satisfaction,
)
from chiso.surveys import responses as R
from chiso.surveys.models import Survey, SurveyResult
from chiso.surveys.services import answers
from chiso.surveys.services.common import BATCH_SIZE, SurveyError, require_manager

# -- estimation --------------------------------------------------------------------------------------


def survey_method(survey: Survey) -> SurveyMethod:
    form = survey.questionnaire.form()
    # The model's choices are the engine's values; SurveyMethod itself rejects any other value.
    return SurveyMethod(
        satisfied_rule=form.satisfied_description(survey.questionnaire.satisfied_codes()),
        aggregation=cast(Aggregation, survey.aggregation),
        singleton=cast(SingletonRule, survey.singleton),
        min_n=survey.min_n,
    )


def _all_or_none(frame: pl.DataFrame, column: str, name: str) -> bool:
    """Whether every response gives `column` (True), none does (False); some but not all refuses."""
    given = pl.col(column).is_not_null()
    if frame.schema[column] == pl.Utf8:
        given = given & (pl.col(column) != "")
    counted = frame.select(given.sum()).item()
    if counted and counted < frame.height:
        raise SurveyError(
            _("Một số phiếu có {field}, một số không: không ước lượng được.").format(field=name)
        )
    return bool(counted)


def response_frame(survey: Survey) -> tuple[pl.DataFrame, Design, list]:
    """The survey's responses as the engine's frame (one row per respondent), design and items:
    columns scanned from the imports' Parquet files and the paper forms, no object per response."""
    form = survey.questionnaire.form()
    items = form.items(survey.questionnaire.satisfied_codes())
    codes = list(dict.fromkeys(item.code for item in items))
    frame = (
        answers.answers(survey, codes)
        .select(
            pl.col(R.UNIT).cast(pl.Utf8),
            R.RESPONDENT_TYPE,
            R.WEIGHT,
            R.STRATUM,
            R.PSU,
            *codes,
        )
        .collect()
    )
    if not frame.height:
        raise SurveyError(_("Đợt khảo sát chưa có phiếu nào."))
    design = {"unit": R.UNIT, "respondent_type": R.RESPONDENT_TYPE}
    unused = []
    for column, role in ((R.WEIGHT, "weight"), (R.STRATUM, "stratum"), (R.PSU, "psu")):
        if _all_or_none(frame, column, role):
            design[role] = column
        else:
            unused.append(column)
    return frame.drop(unused), Design(**design), items


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


@transaction.atomic
def estimate(survey: Survey, user: User | None = None, progress: Progress = no_progress) -> int:
    """Estimate every index of the survey (all units, types, questions, factors, overall) and store
    them, replacing the survey's previous results. Returns the number of result rows. `progress`
    hears the steps: responses read, estimated, stored."""
    require_manager(user, survey)
    progress(0, 3, _("Đang đọc các phiếu"))
    frame, design, items = response_frame(survey)
    method = survey_method(survey)
    progress(1, 3, _("Đang ước lượng {n} phiếu").format(n=frame.height))
    try:
        result = estimate_satisfaction(frame, items, design, method, all_types=True)
    except SurveyDesignError as exc:
        raise SurveyError(str(exc)) from exc
    progress(2, 3, _("Đang lưu kết quả"))
    stored_method = method.as_dict() | {
        "questionnaire": survey.questionnaire.sha256,
        "responses": frame.height,
    }
    now = timezone.now()
    before = SurveyResult.objects.filter(survey=survey).count()
    SurveyResult.objects.filter(survey=survey).delete()
    objects = [
        SurveyResult(
            survey=survey,
            unit_id=int(r["unit"]),
            respondent_type=r["respondent_type"],
            level=r["level"],
            code=r["code"],
            n=int(r["n"]),
            n_eff=_finite(r["n_eff"]),
            index=float(r["index"]),
            se=_finite(r["se"]),
            ci_low=_finite(r["ci_low"]),
            ci_high=_finite(r["ci_high"]),
            df=int(r["df"]),
            small_n=bool(r["small_n"]),
            method=stored_method,
            computed_at=now,
        )
        for r in result.iter_rows(named=True)
    ]
    SurveyResult.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    survey.estimated_at = now
    survey.save(update_fields=["estimated_at"])
    changelog.log_counts(survey, {"survey_results": (before, len(objects))})  # replaced in bulk
    progress(3, 3, _("Đã lưu {n} kết quả").format(n=len(objects)))
    return len(objects)

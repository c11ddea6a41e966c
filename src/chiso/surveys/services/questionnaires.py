"""Questionnaires (XLSForms stored by content hash) and the survey rounds that use them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.limits import field_problem, label
from chiso.core.logs import logged_import
from chiso.frameworks.ownership import owner_for
from chiso.surveys.definition import form_to_dict
from chiso.surveys.models import Questionnaire, Survey
from chiso.surveys.services.common import SurveyError, actor, read_file, require_manager, sha256
from chiso.surveys.xlsform import Form, FormError, read_xlsform

# -- questionnaires ----------------------------------------------------------------------------------


@logged_import("questionnaire")
@transaction.atomic
def import_questionnaire(
    file: Any,
    user: User | None = None,
    *,
    name: str = "",
    satisfied: str = "",
    origin: str = Questionnaire.Origin.UPLOAD,
) -> Questionnaire:
    """Store an XLSForm by content hash with its parsed definition; the same file twice is one row."""
    require_manager(user)
    data, filename = read_file(file)
    digest = sha256(data)
    existing = Questionnaire.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    try:
        form = read_xlsform(data)
    except FormError as exc:
        raise SurveyError(str(exc)) from exc
    if not form.indexed:
        raise SurveyError(_("Bảng hỏi không có câu nào gắn yếu tố (cột chiso_factor)."))
    if not form.role("unit"):
        raise SurveyError(_("Bảng hỏi không có trường đơn vị (chiso_role = unit)."))
    codes = satisfied.replace(",", " ").split()
    if codes:
        _check_satisfied(form, codes)
    problem = field_problem(Questionnaire, "satisfied", " ".join(codes))
    if problem is not None:
        raise SurveyError(f"{label(Questionnaire, 'satisfied')}: {problem}")
    questionnaire = Questionnaire(
        name=(name or form.title or filename)[:300],
        form_id=form.form_id[:100],
        version=form.version[:60],
        original_name=filename[:255],
        sha256=digest,
        definition=form_to_dict(form),
        satisfied=" ".join(codes),
        respondent_types=list(form.respondent_types) or [form.default_respondent_type],
        source=form.source,
        origin=origin,
        uploaded_by=actor(user),
    )
    questionnaire.file.save(filename, ContentFile(data), save=False)
    questionnaire.save()
    return questionnaire


def _check_satisfied(form: Form, codes: list[str]) -> None:
    for q in form.indexed:
        names = {c.name for c in q.choices}
        unknown = [c for c in codes if c not in names]
        if unknown:
            raise SurveyError(
                _("Đáp án {answers} không có trong thang của câu {question}.").format(
                    answers=", ".join(unknown), question=q.name
                )
            )


def sipas_questionnaire(user: User | None = None) -> Questionnaire:
    """The shipped SIPAS questionnaire (Decision 1001/QĐ-BNV structure), imported once."""
    from chiso.data import data_path
    from chiso.surveys.sipas import SHIPPED

    return import_questionnaire(data_path(*SHIPPED), user, origin=Questionnaire.Origin.SHIPPED)


# -- surveys -----------------------------------------------------------------------------------------


def create_survey(
    questionnaire: Questionnaire,
    title: str,
    year: int,
    unit_level: str,
    user: User | None = None,
    **method: Any,
) -> Survey:
    """A survey round of the user's organiser (`owner_for`); `method` may set aggregation,
    singleton and min_n."""
    require_manager(user)
    survey = Survey(
        organiser_id=owner_for(user) if user is not None else None,
        questionnaire=questionnaire,
        title=title,
        year=year,
        unit_level=unit_level,
        created_by=actor(user),
        **method,
    )
    survey.full_clean()
    survey.save()
    return survey

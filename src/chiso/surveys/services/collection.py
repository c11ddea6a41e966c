"""Collecting responses: KoboToolbox/ODK exports checked and imported (all or nothing), paper
forms typed in one by one."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.limits import max_length
from chiso.core.logs import logged_import
from chiso.core.progress import Progress, no_progress
from chiso.core.uploads import MAX_ERRORS
from chiso.engine.units import UnitError
from chiso.surveys import responses as R
from chiso.surveys.models import ImportBatch, Response, Survey
from chiso.surveys.responses import (
    ImportReport,
    Problem,
    ResponseImportError,
    read_responses,
    unknown_unit_message,
)
from chiso.surveys.services import answers as stored
from chiso.surveys.services.common import (
    RESPONSE_SUFFIXES,
    SurveyError,
    actor,
    read_file,
    require_manager,
    sha256,
)
from chiso.units.models import Unit
from chiso.units.registry import registry

# -- responses ---------------------------------------------------------------------------------------


class _UnitResolver:
    """Unit text → (database id, name) at the survey's level, remembering the closest names."""

    def __init__(self, survey: Survey):
        self.level = survey.unit_level
        self.on = date(survey.year, 12, 31)
        self.registry = registry((self.level,))
        self.ids = {
            (code, valid_from): pk
            for pk, code, valid_from in Unit.objects.filter(level=self.level).values_list(
                "pk", "code", "valid_from"
            )
        }
        self.valid_names = {u.name for u in self.registry.valid_units(self.level, self.on)}
        self.closest: dict[str, list[str]] = {}

    def __call__(self, text: str) -> tuple[str, str]:
        try:
            try:  # an official code first (department codes such as "QN.STP" are not digits)
                unit = self.registry.by_code(text, self.level, self.on)
            except UnitError:
                unit = self.registry.resolve(text, self.level, self.on)
        except UnitError as exc:
            names = exc.suggestions or self.registry.closest_names(text, self.level, limit=10)
            current = [name for name in names if name in self.valid_names]
            self.closest[text] = (current or names)[:5]
            raise
        return str(self.ids[(unit.code, unit.valid_from)]), unit.name

    def explain(self, report: ImportReport) -> ImportReport:
        """Add the closest unit names to every unknown-unit problem."""
        for number, problem in enumerate(report.problems):
            if problem.kind != "unknown_unit":
                continue
            for text, names in self.closest.items():
                if problem.message == unknown_unit_message(text) and names:
                    message = _("{problem} — gần nhất: {names}").format(
                        problem=problem.message, names=", ".join(names)
                    )
                    report.problems[number] = Problem(problem.row, problem.field, problem.kind, message)
                    break
        return report


def _problems_json(report: ImportReport) -> list[dict[str, Any]]:
    """The batch's record of problems and duplicates: the first `MAX_ERRORS` (the batch counts all)."""
    return [
        {"row": p.row, "field": p.field, "kind": p.kind, "message": p.message}
        for p in [*report.problems[:MAX_ERRORS], *report.duplicates[:MAX_ERRORS]][:MAX_ERRORS]
    ]


def _too_long(frame: pl.DataFrame, report: ImportReport) -> list[Problem]:
    """Values longer than the column that would store them (a submission id, a stratum …)."""
    found: list[Problem] = []
    for column, field in (
        (R.SUBMISSION_ID, "submission_id"),
        (R.RESPONDENT_TYPE, "respondent_type"),
        (R.STRATUM, "stratum"),
        (R.PSU, "psu"),
    ):
        limit = max_length(Response, field)
        if column not in frame.columns or limit is None:
            continue
        long = (
            frame.lazy()
            .select(R.ROW, column)
            .filter(pl.col(column).cast(pl.Utf8).str.len_chars() > limit)
            .head(MAX_ERRORS)
            .collect()
        )
        for row, value in long.iter_rows():
            found.append(
                Problem(
                    row,
                    column,
                    "too_long",
                    _("dài {length} ký tự, tối đa {limit}").format(length=len(value), limit=limit),
                )
            )
    return found


def check_responses(survey: Survey, file: Any, valid_only: bool = False) -> tuple[pl.DataFrame, ImportReport]:
    """Read a response file against the survey's questionnaire without writing anything."""
    frame, report, _name, _digest = _check(survey, file, valid_only)
    return frame, report


def _check(survey: Survey, file: Any, valid_only: bool) -> tuple[pl.DataFrame, ImportReport, str, str]:
    """The checked frame, the report, the file's name and its SHA-256 (the file's bytes are let go
    before the table is read: at a million rows they are half a gigabyte)."""
    data, filename = read_file(file)
    suffix = Path(filename).suffix.lower()
    if suffix not in RESPONSE_SUFFIXES:
        raise SurveyError(
            _("Tệp {name}: chỉ nhận CSV hoặc XLSX (xuất từ KoboToolbox/ODK).").format(name=filename)
        )
    digest = sha256(data)
    form = survey.questionnaire.form()
    resolver = _UnitResolver(survey)
    known = stored.submission_ids(survey)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"responses{suffix}"
        path.write_bytes(data)
        del data
        try:
            imported = read_responses(
                path, form, valid_only=valid_only, resolve_unit=resolver, known_ids=known
            )
        except ResponseImportError as exc:
            report = resolver.explain(exc.report) if exc.report else None
            message = str(exc).replace(path.name, filename)
            if report is not None and report.problems:
                head = message.split("\n")[0]
                message = "\n".join([head, *(str(p) for p in report.problems[:20])])
            raise SurveyError(message, report) from exc
    long = _too_long(imported.frame, imported.report)
    if long:
        imported.report.problems = long
        raise SurveyError(
            "\n".join([_("Không nhập: có giá trị dài quá cột lưu trữ."), *(str(p) for p in long[:20])]),
            imported.report,
        )
    return imported.frame, resolver.explain(imported.report), filename, digest


def _lock(survey: Survey) -> None:
    """One import or paper form of a survey at a time (until the transaction ends): the duplicate
    check then sees every submission id, those in the files included."""
    list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk", flat=True))


@logged_import("survey responses")
@transaction.atomic
def import_responses(
    survey: Survey,
    file: Any,
    valid_only: bool = False,
    user: User | None = None,
    progress: Progress = no_progress,
) -> ImportBatch:
    """Import a KoboToolbox/ODK export. Any invalid row stops the import (nothing written) unless
    `valid_only`; submission ids already in the survey or repeated in the file are reported as
    duplicates and never counted twice. `progress` hears the steps: read and checked, stored. The accepted responses become one Parquet file
    (`chiso.surveys.services.answers`), moved in when the transaction commits."""
    require_manager(user, survey)
    if survey.status == Survey.Status.CLOSED:
        raise SurveyError(_("Đợt khảo sát đã đóng."))
    _lock(survey)
    progress(0, 2, _("Đang đọc và kiểm tra từng dòng"))
    frame, report, filename, digest = _check(survey, file, valid_only)
    progress(1, 2, _("Đang lưu {n} phiếu").format(n=frame.height))
    form = survey.questionnaire.form()
    answer_fields = [q.name for q in form.questions if q.role is None and q.name in frame.columns]
    batch = ImportBatch.objects.create(
        survey=survey,
        file_name=filename[:255],
        sha256=digest,
        valid_only=valid_only,
        total_rows=report.total_rows,
        imported=frame.height,
        invalid_rows=report.invalid_rows,
        duplicates=len(report.duplicates),
        problems=_problems_json(report),
        user=actor(user),
    )
    try:
        stored.write_batch(batch, stored.batch_frame(frame, answer_fields))
        batch.save(update_fields=["path", "columns"])
    except BaseException:
        stored.discard_pending(batch)
        raise
    progress(2, 2, _("Đã lưu {n} phiếu").format(n=frame.height))
    return batch


@transaction.atomic
def add_paper_response(
    survey: Survey,
    user: User | None,
    unit: Unit,
    respondent_type: str,
    answers: Mapping[str, str],
    submission_id: str = "",
) -> Response:
    """One paper questionnaire typed in by a user; answers are choice codes (blank: not answered)."""
    require_manager(user, survey)
    if survey.status == Survey.Status.CLOSED:
        raise SurveyError(_("Đợt khảo sát đã đóng."))
    if unit.level != survey.unit_level:
        raise SurveyError(_("{unit} không thuộc cấp của đợt khảo sát.").format(unit=unit.name))
    form = survey.questionnaire.form()
    types = survey.questionnaire.respondent_types
    if respondent_type not in types:
        raise SurveyError(
            _("Loại người trả lời {value} không hợp lệ; dùng một trong {choices}.").format(
                value=repr(respondent_type), choices=", ".join(types)
            )
        )
    clean: dict[str, str] = {}
    for name, value in answers.items():
        if value in (None, ""):
            continue
        try:
            question = form.question(name)
        except KeyError:
            raise SurveyError(_("Không có câu {question}.").format(question=name)) from None
        if question.choices and str(value) not in {c.name for c in question.choices}:
            raise SurveyError(
                _("Câu {question}: đáp án {answer} ngoài thang.").format(question=name, answer=value)
            )
        clean[name] = str(value)
    if not any(q.name in clean for q in form.indexed):
        raise SurveyError(_("Phiếu chưa có câu trả lời nào."))
    sid = submission_id or f"paper-{uuid.uuid4().hex[:16]}"
    _lock(survey)
    if stored.has_submission(survey, sid):
        raise SurveyError(_("Phiếu {form} đã có.").format(form=sid))
    return Response.objects.create(
        survey=survey,
        submission_id=sid,
        unit=unit,
        respondent_type=respondent_type,
        answers=clean,
        source=Response.Source.PAPER,
        entered_by=actor(user),
    )

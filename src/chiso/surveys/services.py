"""Survey services: questionnaires, response imports, paper forms, estimation and the link to a cycle.

Views and the ``chiso survey`` commands call these functions; each change runs in one transaction,
so a failed import or link writes nothing.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.assessments.models import Cycle
from chiso.assessments.permissions import can_manage
from chiso.assessments.scoring import survey_leaves
from chiso.assessments.workflow import set_survey_index
from chiso.engine.survey import OVERALL, Design, SurveyDesignError, SurveyMethod, estimate_satisfaction
from chiso.engine.units import UnitError
from chiso.surveys import responses as R
from chiso.surveys.definition import form_to_dict
from chiso.surveys.models import ImportBatch, Questionnaire, Response, Survey, SurveyResult
from chiso.surveys.responses import (
    ImportReport,
    Problem,
    ResponseImportError,
    read_responses,
    unknown_unit_message,
)
from chiso.surveys.xlsform import Form, FormError, read_xlsform
from chiso.units.models import Unit
from chiso.units.registry import registry

ALL_TYPES = SurveyResult.ALL_TYPES
RESPONSE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
BATCH_SIZE = 2000


class SurveyError(Exception):
    """A survey action that cannot be done; the message (Vietnamese / English) says why."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.report = report


class NotAllowed(SurveyError):
    pass


def _require_manager(user: User | AnonymousUser | None) -> None:
    """`None` is the command line (the operator of the machine); a web user must be an officer."""
    if user is not None and not can_manage(user):
        raise NotAllowed("Chỉ Sở Nội vụ và quản trị viên được thực hiện / officers and admins only.")


def _actor(user: User | AnonymousUser | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _read(file: Any) -> tuple[bytes, str]:
    """Bytes and file name of a path, an uploaded file or a Django `File`."""
    if isinstance(file, (str, Path)):
        path = Path(file)
        if not path.exists():
            raise SurveyError(f"Không có tệp {path.name} / no such file {path.name}.")
        return path.read_bytes(), path.name
    if isinstance(file, File) or hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
        return data, Path(getattr(file, "name", "") or "upload").name
    raise TypeError(f"not a file: {file!r}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- questionnaires ----------------------------------------------------------------------------------


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
    _require_manager(user)
    data, filename = _read(file)
    digest = sha256(data)
    existing = Questionnaire.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    try:
        form = read_xlsform(data)
    except FormError as exc:
        raise SurveyError(str(exc)) from exc
    if not form.indexed:
        raise SurveyError(
            "Bảng hỏi không có câu nào gắn yếu tố (cột chiso_factor) / no question has a chiso_factor."
        )
    if not form.role("unit"):
        raise SurveyError(
            "Bảng hỏi không có trường đơn vị (chiso_role = unit) / no unit field (chiso_role = unit)."
        )
    codes = satisfied.replace(",", " ").split()
    if codes:
        _check_satisfied(form, codes)
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
        uploaded_by=_actor(user),
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
                f"Đáp án {', '.join(unknown)} không có trong thang của câu {q.name} / "
                f"answers {', '.join(unknown)} are not on the scale of {q.name}."
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
    """A survey round; `method` may set aggregation, singleton and min_n."""
    _require_manager(user)
    survey = Survey(
        questionnaire=questionnaire,
        title=title,
        year=year,
        unit_level=unit_level,
        created_by=_actor(user),
        **method,
    )
    survey.full_clean()
    survey.save()
    return survey


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
                    message = f"{problem.message} — gần nhất / closest: {', '.join(names)}"
                    report.problems[number] = Problem(problem.row, problem.field, problem.kind, message)
                    break
        return report


def _problems_json(report: ImportReport) -> list[dict[str, Any]]:
    return [
        {"row": p.row, "field": p.field, "kind": p.kind, "message": p.message}
        for p in [*report.problems, *report.duplicates]
    ]


def check_responses(survey: Survey, file: Any, valid_only: bool = False) -> tuple[pl.DataFrame, ImportReport]:
    """Read a response file against the survey's questionnaire without writing anything."""
    data, filename = _read(file)
    suffix = Path(filename).suffix.lower()
    if suffix not in RESPONSE_SUFFIXES:
        raise SurveyError(
            f"Tệp {filename}: chỉ nhận CSV hoặc XLSX (xuất từ KoboToolbox/ODK) / only CSV or XLSX files."
        )
    form = survey.questionnaire.form()
    resolver = _UnitResolver(survey)
    known = Response.objects.filter(survey=survey).values_list("submission_id", flat=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"responses{suffix}"
        path.write_bytes(data)
        try:
            imported = read_responses(
                path, form, valid_only=valid_only, resolve_unit=resolver, known_ids=known.iterator()
            )
        except ResponseImportError as exc:
            report = resolver.explain(exc.report) if exc.report else None
            message = str(exc).replace(path.name, filename)
            if report is not None and report.problems:
                head = message.split("\n")[0]
                message = "\n".join([head, *(str(p) for p in report.problems[:20])])
            raise SurveyError(message, report) from exc
    return imported.frame, resolver.explain(imported.report)


@transaction.atomic
def import_responses(
    survey: Survey, file: Any, valid_only: bool = False, user: User | None = None
) -> ImportBatch:
    """Import a KoboToolbox/ODK export. Any invalid row stops the import (nothing written) unless
    `valid_only`; submission ids already in the survey or repeated in the file are reported as
    duplicates and never counted twice."""
    _require_manager(user)
    if survey.status == Survey.Status.CLOSED:
        raise SurveyError("Đợt khảo sát đã đóng / the survey is closed.")
    data, filename = _read(file)
    frame, report = check_responses(survey, ContentFile(data, name=filename), valid_only)
    form = survey.questionnaire.form()
    answer_fields = [q.name for q in form.questions if q.role is None and q.name in frame.columns]
    batch = ImportBatch.objects.create(
        survey=survey,
        file_name=filename[:255],
        sha256=sha256(data),
        valid_only=valid_only,
        total_rows=report.total_rows,
        imported=frame.height,
        invalid_rows=report.invalid_rows,
        duplicates=len(report.duplicates),
        problems=_problems_json(report),
        user=_actor(user),
    )
    has = {column: column in frame.columns for column in (R.WEIGHT, R.STRATUM, R.PSU)}
    rows = []
    for record in frame.iter_rows(named=True):
        rows.append(
            Response(
                survey=survey,
                submission_id=str(record[R.SUBMISSION_ID])[:120],
                unit_id=int(record[R.UNIT]),
                respondent_type=record[R.RESPONDENT_TYPE] or "",
                weight=record[R.WEIGHT] if has[R.WEIGHT] else None,
                stratum=(record[R.STRATUM] or "") if has[R.STRATUM] else "",
                psu=(record[R.PSU] or "") if has[R.PSU] else "",
                answers={name: record[name] for name in answer_fields if record[name] is not None},
                source=Response.Source.IMPORT,
                batch=batch,
                entered_by=_actor(user),
            )
        )
    try:
        with transaction.atomic():
            Response.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    except IntegrityError as exc:
        raise SurveyError(
            "Có phiếu vừa được nhập cùng lúc; hãy nhập lại / responses were imported meanwhile; try again."
        ) from exc
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
    _require_manager(user)
    if survey.status == Survey.Status.CLOSED:
        raise SurveyError("Đợt khảo sát đã đóng / the survey is closed.")
    if unit.level != survey.unit_level:
        raise SurveyError(f"{unit.name} không thuộc cấp của đợt khảo sát / not at the survey's level.")
    form = survey.questionnaire.form()
    types = survey.questionnaire.respondent_types
    if respondent_type not in types:
        raise SurveyError(
            f"Loại người trả lời {respondent_type!r} không hợp lệ / unknown respondent type; dùng / use {', '.join(types)}."
        )
    clean: dict[str, str] = {}
    for name, value in answers.items():
        if value in (None, ""):
            continue
        try:
            question = form.question(name)
        except KeyError:
            raise SurveyError(f"Không có câu {name} / no question {name}.") from None
        if question.choices and str(value) not in {c.name for c in question.choices}:
            raise SurveyError(f"Câu {name}: đáp án {value} ngoài thang / answer {value} is not on the scale.")
        clean[name] = str(value)
    if not any(q.name in clean for q in form.indexed):
        raise SurveyError("Phiếu chưa có câu trả lời nào / the form has no answer.")
    sid = submission_id or f"paper-{uuid.uuid4().hex[:16]}"
    if Response.objects.filter(survey=survey, submission_id=sid).exists():
        raise SurveyError(f"Phiếu {sid} đã có / form {sid} was already entered.")
    return Response.objects.create(
        survey=survey,
        submission_id=sid,
        unit=unit,
        respondent_type=respondent_type,
        answers=clean,
        source=Response.Source.PAPER,
        entered_by=_actor(user),
    )


# -- estimation --------------------------------------------------------------------------------------


def survey_method(survey: Survey) -> SurveyMethod:
    form = survey.questionnaire.form()
    return SurveyMethod(
        satisfied_rule=form.satisfied_description(survey.questionnaire.satisfied_codes()),
        aggregation=survey.aggregation,
        singleton=survey.singleton,
        min_n=survey.min_n,
    )


def _all_or_none(values: list[Any], name: str) -> bool:
    given = [v not in (None, "") for v in values]
    if any(given) and not all(given):
        raise SurveyError(
            f"Một số phiếu có {name}, một số không: không ước lượng được / some responses have a {name}, others do not."
        )
    return all(given) and bool(given)


def response_frame(survey: Survey) -> tuple[pl.DataFrame, Design, list]:
    """The survey's responses as the engine's frame (one row per respondent), design and items."""
    form = survey.questionnaire.form()
    items = form.items(survey.questionnaire.satisfied_codes())
    rows = list(
        survey.responses.values_list("unit_id", "respondent_type", "weight", "stratum", "psu", "answers")
    )
    if not rows:
        raise SurveyError("Đợt khảo sát chưa có phiếu nào / the survey has no responses.")
    columns: dict[str, list[Any]] = {
        R.UNIT: [str(r[0]) for r in rows],
        R.RESPONDENT_TYPE: [r[1] for r in rows],
    }
    schema: dict[str, Any] = {R.UNIT: pl.Utf8, R.RESPONDENT_TYPE: pl.Utf8}
    design = {"unit": R.UNIT, "respondent_type": R.RESPONDENT_TYPE}
    for position, column, role, dtype in (
        (2, R.WEIGHT, "weight", pl.Float64),
        (3, R.STRATUM, "stratum", pl.Utf8),
        (4, R.PSU, "psu", pl.Utf8),
    ):
        values = [r[position] for r in rows]
        if _all_or_none(values, role):
            columns[column], schema[column] = values, dtype
            design[role] = column
    for item in items:
        columns[item.code] = [r[5].get(item.code) for r in rows]
        schema[item.code] = pl.Utf8
    return pl.DataFrame(columns, schema=schema), Design(**design), items


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


@transaction.atomic
def estimate(survey: Survey, user: User | None = None) -> int:
    """Estimate every index of the survey (all units, types, questions, factors, overall) and store
    them, replacing the survey's previous results. Returns the number of result rows."""
    _require_manager(user)
    frame, design, items = response_frame(survey)
    method = survey_method(survey)
    try:
        result = estimate_satisfaction(frame, items, design, method, all_types=True)
    except SurveyDesignError as exc:
        raise SurveyError(str(exc)) from exc
    stored_method = method.as_dict() | {
        "questionnaire": survey.questionnaire.sha256,
        "responses": frame.height,
    }
    now = timezone.now()
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
    return len(objects)


# -- ranking with confidence intervals ---------------------------------------------------------------

INDISTINGUISHABLE_RULE = (
    "Two neighbours in the ranking are statistically indistinguishable when their 95% confidence "
    "intervals overlap: the lower bound of the higher-ranked unit is at or below the upper bound of "
    "the next one (or either has no interval)."
)


@dataclass
class RankRow:
    """One unit in the ranking of one index, with its interval and its neighbours."""

    rank: int
    unit: Unit
    result: SurveyResult
    tied_above: bool = False  # CI overlaps the unit ranked just above
    tied_below: bool = False  # CI overlaps the unit ranked just below
    factors: dict[str, SurveyResult] = field(default_factory=dict)

    @property
    def percent(self) -> Decimal:
        return to_percent(self.result.index)

    @property
    def low(self) -> Decimal | None:
        return None if self.result.ci_low is None else to_percent(max(self.result.ci_low, 0.0))

    @property
    def high(self) -> Decimal | None:
        return None if self.result.ci_high is None else to_percent(min(self.result.ci_high, 1.0))


def to_percent(share: float) -> Decimal:
    """A share (0–1) as a percentage Decimal rounded half-up to 2 places (86.545 → 86.55)."""
    return (Decimal(repr(float(share))) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def overlaps(higher: SurveyResult, lower: SurveyResult) -> bool:
    """Do the 95% intervals of two neighbours overlap (`higher` has the larger index)? A missing
    interval (df = 0) cannot tell the two apart, so it counts as overlapping."""
    if higher.ci_low is None or lower.ci_high is None:
        return True
    return higher.ci_low <= lower.ci_high


def ranking(
    survey: Survey, code: str = OVERALL, respondent_type: str = ALL_TYPES, with_factors: bool = True
) -> list[RankRow]:
    """Units ranked on one index (overall or a factor), best first, with the neighbours each one
    cannot be told apart from. Equal percentages (2 places) share a rank."""
    level = SurveyResult.ResultLevel.OVERALL if code == OVERALL else SurveyResult.ResultLevel.FACTOR
    results = list(
        SurveyResult.objects.filter(survey=survey, level=level, code=code, respondent_type=respondent_type)
        .select_related("unit")
        .order_by("-index", "unit__name")
    )
    rows: list[RankRow] = []
    for position, result in enumerate(results, start=1):
        rank = position
        if rows and to_percent(rows[-1].result.index) == to_percent(result.index):
            rank = rows[-1].rank
        rows.append(RankRow(rank=rank, unit=result.unit, result=result))
    for above, below in itertools.pairwise(rows):
        if overlaps(above.result, below.result):
            above.tied_below = below.tied_above = True
    if with_factors and rows:
        factors = SurveyResult.objects.filter(
            survey=survey, level=SurveyResult.ResultLevel.FACTOR, respondent_type=respondent_type
        )
        by_unit = {row.unit.pk: row for row in rows}
        for result in factors:
            if result.unit_id in by_unit:
                by_unit[result.unit_id].factors[result.code] = result
    return rows


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
    nothing: one refusal undoes every change."""
    if not criterion_map:
        raise SurveyError("Chưa chọn tiêu chí nào / no criterion mapped.")
    leaves = {node.code: node for node in survey_criteria(cycle)}
    unknown = [c for c in criterion_map if c not in leaves]
    if unknown:
        raise SurveyError(
            f"Không phải tiêu chí khảo sát của khung {cycle.framework.code}: {', '.join(unknown)} / "
            f"not survey criteria of the framework: {', '.join(unknown)}."
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
        raise SurveyError("Đợt khảo sát chưa có kết quả; hãy tính trước / no results yet: estimate first.")
    codes = {code for _, code in results}
    bad = sorted({v for v in criterion_map.values() if v not in codes})
    if bad:
        raise SurveyError(
            f"Không có kết quả cho {', '.join(bad)}; dùng / no results for {', '.join(bad)}; use: "
            f"{', '.join(sorted(codes))}."
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
                    user, assessment, criterion, percent, source=_source_text(survey, result, percent, method)
                )
                report.updated.append((assessment.unit, criterion, percent, row.self_points))
    return report


def _source_text(survey: Survey, result: SurveyResult, percent: Decimal, method: str) -> str:
    def vi(value: Decimal | None) -> str:
        return "–" if value is None else format(value, "f").replace(".", ",")

    low = None if result.ci_low is None else to_percent(max(result.ci_low, 0.0))
    high = None if result.ci_high is None else to_percent(min(result.ci_high, 1.0))
    small = "; cỡ mẫu nhỏ / small sample" if result.small_n else ""
    return (
        f"Khảo sát «{survey.title}» năm {survey.year} (#{survey.pk}), {result.code}: {vi(percent)}% "
        f"(KTC 95% / 95% CI {vi(low)}–{vi(high)}; n = {result.n}{small}). Phương pháp / method: {method}"
    )

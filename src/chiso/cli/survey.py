"""``chiso survey``: satisfaction indices from survey microdata.

Files only, no database:

    chiso survey estimate --form FORM.xlsx --responses FILE.csv [--format table|json|csv]
    chiso survey plan --population N [--margin 0.05]

With the database (the same services as the web pages):

    chiso survey import-form FILE.xlsx | --sipas
    chiso survey create --form ID --title "…" --year 2025 --level department
    chiso survey list
    chiso survey import-responses SURVEY FILE.csv [--valid-only]
    chiso survey compute SURVEY
    chiso survey results SURVEY [--factor F1] [--format table|json|csv]
    chiso survey link SURVEY --cycle ID --map 8.1=overall --map 8.2=F3 --user USERNAME
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from chiso.cli.common import django_ready, render_table
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext
from chiso.cli.progress import Bar
from chiso.core.text import local_moment


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 9)


def cmd_estimate(args: argparse.Namespace) -> str:
    """Run the estimate subcommand and return its output text."""
    import polars as pl

    from chiso.engine.survey import Design, SurveyDesignError, SurveyMethod, estimate_satisfaction
    from chiso.surveys import responses as R
    from chiso.surveys.responses import ResponseImportError, read_responses
    from chiso.surveys.xlsform import FormError, read_xlsform

    try:
        form = read_xlsform(args.form)
        columns = {
            role: value
            for role, value in (
                ("unit", args.unit_column),
                ("weight", args.weight_column),
                ("stratum", args.strata_column),
                ("psu", args.psu_column),
            )
            if value
        }
        imported = read_responses(args.responses, form, valid_only=args.valid_only, columns=columns)
        satisfied = args.satisfied.replace(",", " ").split() if args.satisfied else None
        frame = imported.frame
        design = Design(
            unit=R.UNIT,
            respondent_type=R.RESPONDENT_TYPE,
            weight=R.WEIGHT if R.WEIGHT in frame.columns else None,
            stratum=R.STRATUM if R.STRATUM in frame.columns else None,
            psu=R.PSU if R.PSU in frame.columns else None,
        )
        method = SurveyMethod(
            satisfied_rule=form.satisfied_description(satisfied),
            aggregation=args.aggregation,
            singleton=args.singleton,
            min_n=args.min_n,
        )
        items = [it for it in form.items(satisfied) if it.code in frame.columns]
        if frame.height == 0:
            raise SurveyDesignError(_("Không còn dòng hợp lệ nào."))
        result = estimate_satisfaction(frame, items, design, method)
    except (FormError, ResponseImportError, SurveyDesignError) as exc:
        raise SystemExit(f"chiso survey estimate: {exc}") from exc

    names = dict(zip(frame[R.UNIT], frame[R.UNIT_NAME], strict=False))
    factor_names = {f.code: f.name for f in form.factors}
    if not args.questions:
        result = result.filter(pl.col("level") != "question")
    order = {code: i for i, code in enumerate([f.code for f in form.factors] + ["overall"])}
    result = (
        result.with_columns(pl.col("code").replace_strict(order, default=len(order)).alias("_o"))
        .sort("unit", "respondent_type", "level", "_o", "code")
        .drop("_o")
    )
    records = [
        {
            "unit": r["unit"],
            "unit_name": names.get(r["unit"]),
            "respondent_type": r["respondent_type"],
            "level": r["level"],
            "code": r["code"],
            "name": factor_names.get(r["code"], _("Chung") if r["code"] == "overall" else r["code"]),
            "n": r["n"],
            "index": _number(r["index"]),
            "ci_low": _number(r["ci_low"]),
            "ci_high": _number(r["ci_high"]),
            "se": _number(r["se"]),
            "df": r["df"],
            "small_n": r["small_n"],
        }
        for r in result.iter_rows(named=True)
    ]
    report = imported.report
    if args.format == "json":
        return json.dumps(
            {
                "form": form.form_id,
                "import": {
                    "rows": report.total_rows,
                    "valid": report.valid_rows,
                    "problems": [str(p) for p in report.problems],
                    "duplicates": [str(p) for p in report.duplicates],
                },
                "method": method.as_dict(),
                "results": records,
            },
            ensure_ascii=False,
            indent=2,
        )
    if args.format == "csv":
        return pl.DataFrame(records).write_csv()

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value * 100:.2f}"

    rows = [
        [
            f"{r['unit_name'] or r['unit']}",
            r["respondent_type"],
            r["name"] if r["level"] != "question" else r["code"],
            str(r["n"]) + (" *" if r["small_n"] else ""),
            pct(r["index"]),
            pct(r["ci_low"]),
            pct(r["ci_high"]),
        ]
        for r in records
    ]
    table = render_table(
        [_("Đơn vị"), _("Loại"), _("Yếu tố"), "n", _("Chỉ số %"), _("CI thấp"), _("CI cao")],
        rows,
        [False, False, False, True, True, True, True],
    )
    notes = [
        report.summary(),
        _("Phương pháp: {method}").format(method=method.describe()),
        f"* n < {method.min_n}",
    ]
    notes += [str(p) for p in report.problems[:20]] + [str(p) for p in report.duplicates[:20]]
    return table + "\n\n" + "\n".join(notes)


def cmd_plan(args: argparse.Namespace) -> str:
    """Run the plan subcommand: Slovin's n = N/(1+N·e²)."""
    from chiso.engine.survey import SurveyDesignError, sample_size

    try:
        n = sample_size(args.population, args.margin)
    except SurveyDesignError as exc:
        raise SystemExit(f"chiso survey plan: {exc}") from exc
    return f"n = {n}  (N = {args.population}, e = {args.margin}; n = N/(1+N·e²))"


# -- database commands ---------------------------------------------------------------------------


def _fail(command: str, exc: Exception) -> SystemExit:
    return SystemExit(f"chiso survey {command}: {exc}")


def _survey(pk: int, command: str):
    from chiso.surveys.models import Survey

    try:
        return Survey.objects.select_related("questionnaire").get(pk=pk)
    except Survey.DoesNotExist:
        raise SystemExit(
            f"chiso survey {command}: "
            + _("không có đợt khảo sát {pk} (xem chiso survey list)").format(pk=pk)
        ) from None


def cmd_import_form(args: argparse.Namespace) -> str:
    django_ready()
    from chiso.surveys import services

    if not args.sipas and args.file is None:
        raise SystemExit("chiso survey import-form: " + _("cần FILE hoặc --sipas"))
    try:
        if args.sipas:
            questionnaire = services.sipas_questionnaire()
        else:
            questionnaire = services.import_questionnaire(args.file, name=args.name, satisfied=args.satisfied)
    except services.SurveyError as exc:
        raise _fail("import-form", exc) from exc
    form = questionnaire.form()
    return _("Bảng hỏi {pk}: {name} — {questions} câu tính chỉ số, {factors} yếu tố (sha256 {sha})").format(
        pk=questionnaire.pk,
        name=questionnaire.name,
        questions=len(form.indexed),
        factors=len({q.factor for q in form.indexed}),
        sha=questionnaire.sha256[:12],
    )


def cmd_create(args: argparse.Namespace) -> str:
    django_ready()
    from django.core.exceptions import ValidationError

    from chiso.surveys import services
    from chiso.surveys.models import Questionnaire

    try:
        questionnaire = Questionnaire.objects.get(pk=args.form)
        survey = services.create_survey(
            questionnaire,
            args.title,
            args.year,
            args.level,
            aggregation=args.aggregation,
            singleton=args.singleton,
            min_n=args.min_n,
        )
    except Questionnaire.DoesNotExist:
        raise SystemExit("chiso survey create: " + _("không có bảng hỏi {pk}").format(pk=args.form)) from None
    except (ValidationError, services.SurveyError) as exc:
        raise _fail("create", exc) from exc
    return _("Đợt khảo sát {pk}: {survey}").format(pk=survey.pk, survey=survey)


def cmd_list(args: argparse.Namespace) -> str:
    django_ready()
    from chiso.surveys import services
    from chiso.surveys.models import Questionnaire, Survey

    forms = [
        [str(q.pk), q.name, q.form_id, q.version, q.get_origin_display()] for q in Questionnaire.objects.all()
    ]
    surveys = [
        [
            str(s.pk),
            s.title,
            str(s.year),
            s.unit_level,
            str(s.questionnaire_id),
            str(services.response_counts(s).count),
            local_moment(s.estimated_at),
        ]
        for s in Survey.objects.all()
    ]
    return "\n\n".join(
        [
            render_table(
                [_("Bảng hỏi"), _("Tên"), _("Mã"), _("Phiên bản"), _("Xuất xứ")],
                forms,
                [True, False, False, False, False],
            ),
            render_table(
                [_("Đợt"), _("Tên"), _("Năm"), _("Cấp"), _("Bảng hỏi"), _("Số phiếu"), _("Đã tính")],
                surveys,
                [True, False, True, False, True, True, False],
            ),
        ]
    )


def cmd_import_responses(args: argparse.Namespace) -> str:
    django_ready()
    from chiso.surveys import services

    survey = _survey(args.survey, "import-responses")
    try:
        batch = services.import_responses(
            survey, args.file, valid_only=args.valid_only, progress=Bar(_("Nhập tệp trả lời"))
        )
    except services.SurveyError as exc:
        raise _fail("import-responses", exc) from exc
    lines = [
        _("{file}: {rows} dòng, nhập {imported}, lỗi {invalid}, trùng {duplicates}").format(
            file=batch.file_name,
            rows=batch.total_rows,
            imported=batch.imported,
            invalid=batch.invalid_rows,
            duplicates=batch.duplicates,
        )
    ]
    lines += [
        _("Dòng {row}, {field}: {message}").format(row=p["row"], field=p["field"], message=p["message"])
        for p in batch.problems[:30]
    ]
    if len(batch.problems) > 30:
        lines.append(f"… (+{len(batch.problems) - 30})")
    return "\n".join(lines)


def cmd_compute(args: argparse.Namespace) -> str:
    django_ready()
    from chiso.surveys import services

    survey = _survey(args.survey, "compute")
    try:
        count = services.estimate(survey, progress=Bar(_("Tính chỉ số khảo sát")))
    except services.SurveyError as exc:
        raise _fail("compute", exc) from exc
    stored = ngettext("Đã lưu {count} kết quả.", "Đã lưu {count} kết quả.", count).format(count=count)
    return f"{stored} {services.survey_method(survey).describe()}"


def _vi(value: Any) -> str:
    """A Decimal as Vietnamese prints it, to 2 places: 86,55."""
    if value is None:
        return "–"
    from chiso.engine.numbers import round_half_up

    return format(round_half_up(value, 2), "f").replace(".", ",")


def cmd_results(args: argparse.Namespace) -> str:
    django_ready()
    import polars as pl

    from chiso.surveys import services

    survey = _survey(args.survey, "results")
    if not survey.results.exists():
        try:
            services.estimate(survey)
        except services.SurveyError as exc:
            raise _fail("results", exc) from exc
    rows = services.ranking(survey, args.factor, args.type, with_factors=False)
    if not rows:
        raise SystemExit(
            "chiso survey results: " + _("không có kết quả cho {factor}").format(factor=args.factor)
        )
    method = rows[0].result.method
    records = [
        {
            "rank": r.rank,
            "unit_code": r.unit.code,
            "unit": r.unit.name,
            "index_percent": float(r.percent),
            "ci_low_percent": None if r.low is None else float(r.low),
            "ci_high_percent": None if r.high is None else float(r.high),
            "n": r.result.n,
            "small_n": r.result.small_n,
            "indistinguishable_from_above": r.tied_above,
            "indistinguishable_from_below": r.tied_below,
        }
        for r in rows
    ]
    if args.format == "json":
        return json.dumps(
            {
                "survey": survey.pk,
                "title": survey.title,
                "year": survey.year,
                "index": args.factor,
                "respondent_type": args.type,
                "rule": services.INDISTINGUISHABLE_RULE,
                "method": method,
                "ranking": records,
            },
            ensure_ascii=False,
            indent=2,
        )
    if args.format == "csv":
        return pl.DataFrame(records).write_csv()
    table = render_table(
        [_("Hạng"), _("Đơn vị"), _("Chỉ số %"), _("KTC 95%"), "n", _("≈ trên"), _("≈ dưới")],
        [
            [
                str(r.rank),
                r.unit.name,
                _vi(r.percent),
                f"{_vi(r.low)}–{_vi(r.high)}",
                str(r.result.n) + (" *" if r.result.small_n else ""),
                "≈" if r.tied_above else "",
                "≈" if r.tied_below else "",
            ]
            for r in rows
        ],
        [True, False, True, True, True, False, False],
    )
    notes = [
        _(
            "≈: khoảng tin cậy 95% chồng lên khoảng của đơn vị liền trên/dưới — hai đơn vị không phân biệt được "
            "về thống kê (cận dưới của đơn vị xếp trên ≤ cận trên của đơn vị xếp dưới)."
        ),
        f"≈: {services.INDISTINGUISHABLE_RULE}",
        f"* n < {survey.min_n}. " + _("Phương pháp: {method}").format(method=method.get("description", "")),
    ]
    return f"{survey} — {args.factor}\n\n{table}\n\n" + "\n".join(notes)


def cmd_link(args: argparse.Namespace) -> str:
    django_ready()
    from django.contrib.auth.models import User

    from chiso.assessments.models import Cycle
    from chiso.assessments.workflow import WorkflowError
    from chiso.core.request_context import set_actor
    from chiso.surveys import services

    survey = _survey(args.survey, "link")
    mapping = {}
    for item in args.map:
        criterion, sep, code = item.partition("=")
        if not sep or not criterion.strip() or not code.strip():
            raise SystemExit(f"chiso survey link: --map {item!r}: " + _("cần TIÊU_CHÍ=YẾU_TỐ"))
        mapping[criterion.strip()] = code.strip()
    try:
        cycle = Cycle.objects.get(pk=args.cycle)
        user = User.objects.get(username=args.user)
        set_actor(user)  # the change log names the officer
        report = services.link_to_cycle(survey, cycle, mapping, user)
    except Cycle.DoesNotExist:
        raise SystemExit(
            "chiso survey link: " + _("không có kỳ đánh giá {pk}").format(pk=args.cycle)
        ) from None
    except User.DoesNotExist:
        raise SystemExit(
            "chiso survey link: " + _("không có người dùng {user}").format(user=args.user)
        ) from None
    except (services.SurveyError, WorkflowError) as exc:
        raise _fail("link", exc) from exc
    updated = len(report.updated)
    lines = [
        f"{cycle}: "
        + ngettext("cập nhật {count} tiêu chí", "cập nhật {count} tiêu chí", updated).format(count=updated)
    ]
    lines += [
        "  "
        + _("{unit} {criterion}: {percent}% → {points} điểm").format(
            unit=u.name, criterion=c, percent=_vi(p), points=_vi(pts)
        )
        for u, c, p, pts in report.updated
    ]
    if report.missing:
        lines.append(_("Không có kết quả khảo sát ({count}):").format(count=len(report.missing)))
        lines += [f"  {u.name} {c}" for u, c in report.missing]
    return "\n".join(lines)

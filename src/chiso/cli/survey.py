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

Wire into the main parser with ``register(sub)`` (``sub`` = the main ``add_subparsers`` object).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import polars as pl

from chiso.engine.survey import (
    AGGREGATIONS,
    SINGLETON_RULES,
    Design,
    SurveyDesignError,
    SurveyMethod,
    estimate_satisfaction,
    sample_size,
)
from chiso.surveys import responses as R
from chiso.surveys.responses import ResponseImportError, read_responses
from chiso.surveys.xlsform import FormError, read_xlsform

FORMATS = ("table", "json", "csv")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``survey`` command group (estimate, plan) to a main parser's subparsers."""
    parser = subparsers.add_parser(
        "survey", help="khảo sát: tính chỉ số hài lòng từ tệp bảng hỏi và tệp trả lời"
    )
    sub = parser.add_subparsers(dest="survey_command", required=True)

    p = sub.add_parser("estimate", help="chỉ số hài lòng theo đơn vị, yếu tố, kèm khoảng tin cậy 95%%")
    p.add_argument("--form", required=True, type=Path, help="bảng hỏi XLSForm (.xlsx)")
    p.add_argument(
        "--responses", required=True, type=Path, help="dữ liệu trả lời xuất từ Kobo/ODK (.csv/.xlsx)"
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--unit-column", help="cột đơn vị trong tệp trả lời (nếu bảng hỏi không đánh dấu chiso_role=unit)"
    )
    p.add_argument("--weight-column", help="cột trọng số")
    p.add_argument("--strata-column", help="cột tầng")
    p.add_argument("--psu-column", help="cột đơn vị mẫu cấp 1 (PSU)")
    p.add_argument(
        "--satisfied", help='đáp án tính là hài lòng, ví dụ "4 5" (mặc định: theo bảng hỏi, top-2)'
    )
    p.add_argument("--min-n", type=int, default=30, help="cỡ mẫu dưới mức này bị đánh dấu (mặc định 30)")
    p.add_argument("--aggregation", choices=AGGREGATIONS, default="respondent_mean")
    p.add_argument("--singleton", choices=SINGLETON_RULES, default="error", help="tầng chỉ có một PSU")
    p.add_argument("--valid-only", action="store_true", help="chỉ nhập các dòng hợp lệ, báo cáo các dòng lỗi")
    p.add_argument("--questions", action="store_true", help="in cả chỉ số từng câu hỏi")
    p.set_defaults(func=cmd_estimate)

    p = sub.add_parser("plan", help="cỡ mẫu n = N/(1+N·e²)")
    p.add_argument("--population", required=True, type=int, help="quy mô tổng thể N")
    p.add_argument("--margin", type=float, default=0.05, help="sai số cho phép e (mặc định 0.05)")
    p.set_defaults(func=cmd_plan)
    register_database_commands(sub)
    return parser


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 9)


def cmd_estimate(args: argparse.Namespace) -> str:
    """Run the estimate subcommand and return its output text."""
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
            raise SurveyDesignError("Không còn dòng hợp lệ nào / no valid rows left.")
        result = estimate_satisfaction(frame, items, design, method)
    except (FormError, ResponseImportError, SurveyDesignError) as exc:
        raise SystemExit(f"chiso survey estimate: {exc}") from exc

    names = dict(zip(frame[R.UNIT], frame[R.UNIT_NAME], strict=False))
    factor_names = {f.code: f.name_vi for f in form.factors}
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
            "name": factor_names.get(r["code"], "Chung / overall" if r["code"] == "overall" else r["code"]),
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
    from chiso.cli.output import render_table

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
        ["Đơn vị", "Loại", "Yếu tố", "n", "Chỉ số %", "CI thấp", "CI cao"],
        rows,
        [False, False, False, True, True, True, True],
    )
    notes = [report.summary(), f"Phương pháp / method: {method.describe()}", f"* n < {method.min_n}"]
    notes += [str(p) for p in report.problems[:20]] + [str(p) for p in report.duplicates[:20]]
    return table + "\n\n" + "\n".join(notes)


def cmd_plan(args: argparse.Namespace) -> str:
    """Run the plan subcommand: Slovin's n = N/(1+N·e²)."""
    try:
        n = sample_size(args.population, args.margin)
    except SurveyDesignError as exc:
        raise SystemExit(f"chiso survey plan: {exc}") from exc
    return f"n = {n}  (N = {args.population}, e = {args.margin}; n = N/(1+N·e²))"


# -- database commands ---------------------------------------------------------------------------

LEVELS = ("province", "commune", "department", "ministry")


def register_database_commands(sub: Any) -> None:
    """The subcommands that read and write the chiso database."""
    p = sub.add_parser("import-form", help="nạp bảng hỏi XLSForm vào cơ sở dữ liệu (lưu theo mã băm)")
    p.add_argument("file", nargs="?", type=Path, help="tệp XLSForm (.xlsx)")
    p.add_argument("--sipas", action="store_true", help="nạp bảng hỏi SIPAS có sẵn trong chiso")
    p.add_argument("--name", default="", help="tên bảng hỏi (mặc định: form_title)")
    p.add_argument("--satisfied", default="", help='đáp án tính là hài lòng, ví dụ "4 5" (mặc định: top-2)')
    p.set_defaults(func=cmd_import_form)

    p = sub.add_parser("create", help="tạo đợt khảo sát")
    p.add_argument("--form", required=True, type=int, help="số hiệu bảng hỏi (xem: chiso survey list)")
    p.add_argument("--title", required=True)
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--level", required=True, choices=LEVELS, help="cấp đơn vị được khảo sát")
    p.add_argument("--aggregation", choices=AGGREGATIONS, default="respondent_mean")
    p.add_argument("--singleton", choices=SINGLETON_RULES, default="error", help="tầng chỉ có một PSU")
    p.add_argument("--min-n", type=int, default=30, help="cỡ mẫu dưới mức này bị đánh dấu (mặc định 30)")
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("list", help="các bảng hỏi và đợt khảo sát")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("import-responses", help="nhập tệp trả lời (Kobo/ODK) vào một đợt khảo sát")
    p.add_argument("survey", type=int, help="số hiệu đợt khảo sát")
    p.add_argument("file", type=Path, help="tệp CSV/XLSX xuất từ KoboToolbox/ODK")
    p.add_argument("--valid-only", action="store_true", help="chỉ nhập các dòng hợp lệ, báo cáo các dòng lỗi")
    p.set_defaults(func=cmd_import_responses)

    p = sub.add_parser("compute", help="tính và lưu mọi chỉ số của đợt khảo sát")
    p.add_argument("survey", type=int)
    p.set_defaults(func=cmd_compute)

    p = sub.add_parser("results", help="xếp hạng kèm khoảng tin cậy 95%% và các đơn vị không phân biệt được")
    p.add_argument("survey", type=int)
    p.add_argument("--factor", default="overall", help="mã yếu tố (mặc định: chỉ số chung)")
    p.add_argument("--type", default="*", help="loại người trả lời (mặc định * = tất cả)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_results)

    p = sub.add_parser("link", help="đưa chỉ số khảo sát vào các tiêu chí khảo sát của một kỳ đánh giá")
    p.add_argument("survey", type=int)
    p.add_argument("--cycle", required=True, type=int, help="số hiệu kỳ đánh giá")
    p.add_argument(
        "--map",
        action="append",
        required=True,
        metavar="TIÊU_CHÍ=YẾU_TỐ",
        help="tiêu chí = mã yếu tố hoặc overall, ví dụ 8.1=overall (lặp lại được)",
    )
    p.add_argument("--user", required=True, help="tên đăng nhập của cán bộ Sở Nội vụ thực hiện")
    p.set_defaults(func=cmd_link)


def _fail(command: str, exc: Exception) -> SystemExit:
    return SystemExit(f"chiso survey {command}: {exc}")


def _django() -> None:
    from chiso.bootstrap import ensure_ready, setup_django

    setup_django()
    ensure_ready()


def _survey(pk: int, command: str):
    from chiso.surveys.models import Survey

    try:
        return Survey.objects.select_related("questionnaire").get(pk=pk)
    except Survey.DoesNotExist:
        raise SystemExit(
            f"chiso survey {command}: không có đợt khảo sát {pk} / no survey {pk} (chiso survey list)"
        ) from None


def cmd_import_form(args: argparse.Namespace) -> str:
    _django()
    from chiso.surveys import services

    if not args.sipas and args.file is None:
        raise SystemExit("chiso survey import-form: cần FILE hoặc --sipas / FILE or --sipas is required")
    try:
        if args.sipas:
            questionnaire = services.sipas_questionnaire()
        else:
            questionnaire = services.import_questionnaire(args.file, name=args.name, satisfied=args.satisfied)
    except services.SurveyError as exc:
        raise _fail("import-form", exc) from exc
    form = questionnaire.form()
    return (
        f"Bảng hỏi / questionnaire {questionnaire.pk}: {questionnaire.name} — {len(form.indexed)} câu tính chỉ số, "
        f"{len({q.factor for q in form.indexed})} yếu tố / indexed questions, factors (sha256 {questionnaire.sha256[:12]})"
    )


def cmd_create(args: argparse.Namespace) -> str:
    _django()
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
        raise SystemExit(f"chiso survey create: không có bảng hỏi {args.form} / no questionnaire") from None
    except (ValidationError, services.SurveyError) as exc:
        raise _fail("create", exc) from exc
    return f"Đợt khảo sát / survey {survey.pk}: {survey}"


def cmd_list(args: argparse.Namespace) -> str:
    _django()
    from chiso.cli.output import render_table
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
            str(s.responses.count()),
            s.estimated_at.strftime("%d/%m/%Y %H:%M") if s.estimated_at else "–",
        ]
        for s in Survey.objects.all()
    ]
    return "\n\n".join(
        [
            render_table(
                ["Bảng hỏi", "Tên", "Mã", "Phiên bản", "Xuất xứ"], forms, [True, False, False, False, False]
            ),
            render_table(
                ["Đợt", "Tên", "Năm", "Cấp", "Bảng hỏi", "Số phiếu", "Đã tính"],
                surveys,
                [True, False, True, False, True, True, False],
            ),
        ]
    )


def cmd_import_responses(args: argparse.Namespace) -> str:
    _django()
    from chiso.surveys import services

    survey = _survey(args.survey, "import-responses")
    try:
        batch = services.import_responses(survey, args.file, valid_only=args.valid_only)
    except services.SurveyError as exc:
        raise _fail("import-responses", exc) from exc
    lines = [
        f"{batch.file_name}: {batch.total_rows} dòng, nhập {batch.imported}, lỗi {batch.invalid_rows}, trùng "
        f"{batch.duplicates} / {batch.total_rows} rows, {batch.imported} imported, {batch.invalid_rows} invalid, "
        f"{batch.duplicates} duplicates"
    ]
    lines += [f"Dòng {p['row']}, {p['field']}: {p['message']}" for p in batch.problems[:30]]
    if len(batch.problems) > 30:
        lines.append(f"… (+{len(batch.problems) - 30})")
    return "\n".join(lines)


def cmd_compute(args: argparse.Namespace) -> str:
    _django()
    from chiso.surveys import services

    survey = _survey(args.survey, "compute")
    try:
        count = services.estimate(survey)
    except services.SurveyError as exc:
        raise _fail("compute", exc) from exc
    return f"Đã lưu {count} kết quả / stored {count} results. {services.survey_method(survey).describe()}"


def _vi(value: Any) -> str:
    """A Decimal as Vietnamese prints it, to 2 places: 86,55."""
    if value is None:
        return "–"
    from chiso.engine.numbers import round_half_up

    return format(round_half_up(value, 2), "f").replace(".", ",")


def cmd_results(args: argparse.Namespace) -> str:
    _django()
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
            f"chiso survey results: không có kết quả cho {args.factor} / no results for {args.factor}"
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
    from chiso.cli.output import render_table

    table = render_table(
        ["Hạng", "Đơn vị", "Chỉ số %", "KTC 95%", "n", "≈ trên", "≈ dưới"],
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
        "≈: khoảng tin cậy 95% chồng lên khoảng của đơn vị liền trên/dưới — hai đơn vị không phân biệt được về "
        "thống kê (cận dưới của đơn vị xếp trên ≤ cận trên của đơn vị xếp dưới).",
        f"≈: {services.INDISTINGUISHABLE_RULE}",
        f"* n < {survey.min_n}. Phương pháp / method: {method.get('description', '')}",
    ]
    return f"{survey} — {args.factor}\n\n{table}\n\n" + "\n".join(notes)


def cmd_link(args: argparse.Namespace) -> str:
    _django()
    from django.contrib.auth.models import User

    from chiso.assessments.models import Cycle
    from chiso.assessments.workflow import WorkflowError
    from chiso.surveys import services

    survey = _survey(args.survey, "link")
    mapping = {}
    for item in args.map:
        criterion, sep, code = item.partition("=")
        if not sep or not criterion.strip() or not code.strip():
            raise SystemExit(
                f"chiso survey link: --map {item!r}: cần TIÊU_CHÍ=YẾU_TỐ / expected CRITERION=FACTOR"
            )
        mapping[criterion.strip()] = code.strip()
    try:
        cycle = Cycle.objects.get(pk=args.cycle)
        user = User.objects.get(username=args.user)
        report = services.link_to_cycle(survey, cycle, mapping, user)
    except Cycle.DoesNotExist:
        raise SystemExit(f"chiso survey link: không có kỳ đánh giá {args.cycle} / no cycle") from None
    except User.DoesNotExist:
        raise SystemExit(f"chiso survey link: không có người dùng {args.user} / no such user") from None
    except (services.SurveyError, WorkflowError) as exc:
        raise _fail("link", exc) from exc
    lines = [f"{cycle}: cập nhật {len(report.updated)} tiêu chí / {len(report.updated)} criteria updated"]
    lines += [f"  {u.name} {c}: {_vi(p)}% → {_vi(pts)} điểm / points" for u, c, p, pts in report.updated]
    if report.missing:
        lines.append(f"Không có kết quả khảo sát / no survey result ({len(report.missing)}):")
        lines += [f"  {u.name} {c}" for u, c in report.missing]
    return "\n".join(lines)

"""``chiso survey``: satisfaction indices from a form and a response file — files only, no database.

    chiso survey estimate --form FORM.xlsx --responses FILE.csv [--format table|json|csv]
    chiso survey plan --population N [--margin 0.05]

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

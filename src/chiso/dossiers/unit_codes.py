"""The unit codes of an import checked against the unit registry, row by row.

A dossier's unit is the one valid on the day it was received (a procedure's, on the day it was
published): a code the registry does not hold, or holds only for other dates (a commune merged on
01/07/2025), is reported with the rows that carry it. The rows are imported all the same — their
figures are the unit's, whatever chiso's registry knows — and the officer sees which rows and codes
to fix (the page shows such a unit as "(mã không có trong danh mục)").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.utils.translation import gettext as _

from chiso.engine.numbers import format_date
from chiso.units.models import Unit

ROW_MESSAGES = 50  # row-level messages listed; the summary counts every row


@dataclass
class UnknownCodes:
    """The rows whose unit code the registry does not know on their date."""

    rows: int = 0
    by_code: dict[str, int] = field(default_factory=dict)  # code → rows
    messages: list[str] = field(default_factory=list)  # "Dòng 12, cột unit_code: …" (the first ones)

    def summary(self) -> str:
        """One sentence: how many rows, which codes."""
        if not self.rows:
            return ""
        codes = ", ".join(f"{code} ({count})" for code, count in sorted(self.by_code.items()))
        return _(
            "{rows} dòng có mã đơn vị không có trong danh mục đơn vị vào ngày của hồ sơ: {codes}. Các dòng "
            "này vẫn được nhập; hãy sửa mã trong hệ thống một cửa hoặc bổ sung đơn vị vào danh mục."
        ).format(rows=rows_text(self.rows), codes=codes)


def rows_text(count: int) -> str:
    """A count as Vietnamese writes it: 12.345."""
    return f"{count:,}".replace(",", ".")


def check(rows: pl.DataFrame, lines: pl.Series | None, day_column: str) -> UnknownCodes:
    """The rows of `rows` (with `unit_code` and the date column) whose code no unit of the registry
    carries on that day; `lines` numbers them as the file's messages do."""
    if rows.is_empty():
        return UnknownCodes()
    numbered = rows.select(
        pl.col("unit_code"),
        pl.col(day_column).cast(pl.Date).alias("day"),
        (lines if lines is not None else pl.int_range(1, pl.len() + 1, dtype=pl.Int64)).alias("line"),
    )
    pairs = numbered.select("unit_code", "day").unique()
    codes = pairs["unit_code"].unique().to_list()
    spans = _spans(codes)
    unknown = [
        (code, day)
        for code, day in pairs.iter_rows()
        if not any(_covers(span, day) for span in spans.get(code, ()))
    ]
    if not unknown:
        return UnknownCodes()
    bad = numbered.join(
        pl.DataFrame(unknown, schema={"unit_code": pl.String, "day": pl.Date}, orient="row"),
        on=["unit_code", "day"],
        how="semi",
    ).sort("line")
    counts = bad.group_by("unit_code").len()
    result = UnknownCodes(rows=bad.height, by_code=dict(counts.iter_rows()))
    for code, day, line in bad.head(ROW_MESSAGES).iter_rows():
        if code in spans:
            text = _("Dòng {row}, cột unit_code: mã đơn vị “{code}” không có hiệu lực ngày {day}.")
        else:
            text = _("Dòng {row}, cột unit_code: mã đơn vị “{code}” không có trong danh mục đơn vị.")
        result.messages.append(text.format(row=line, code=code, day=format_date(day) if day else ""))
    if bad.height > ROW_MESSAGES:
        result.messages.append(
            _("… và {more} dòng khác có mã đơn vị không có trong danh mục.").format(
                more=rows_text(bad.height - ROW_MESSAGES)
            )
        )
    return result


def _spans(codes: list[str]) -> dict[str, list[tuple[date | None, date | None]]]:
    """Every validity period of the units with these codes, in one query."""
    spans: dict[str, list[tuple[date | None, date | None]]] = {}
    found = Unit.objects.filter(code__in=codes).values_list("code", "valid_from", "valid_to")
    for code, start, end in found:
        spans.setdefault(code, []).append((start, end))
    return spans


def _covers(span: tuple[date | None, date | None], day: date | None) -> bool:
    start, end = span
    if day is None:
        return True
    return (start is None or start <= day) and (end is None or day <= end)

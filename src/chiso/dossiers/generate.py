"""Synthetic dossier records for a list of units and a month: seeded, vectorised, with the skews that
real one-stop systems have.

- a few units are large (log-normal sizes) and a few procedures take most dossiers (Zipf);
- late dossiers are concentrated: a few procedures are late-prone, a few units are slow;
- received on working days, in office hours, with a peak in the month's last days; about a tenth
  carried over from the weeks before the month;
- a share of each unit's dossiers is submitted online (full or partial online service), a few by post;
- ratings are given by a minority, complaints (PAKN) are rare, much more frequent on late dossiers;
- the procedures export lists the month's publications and, published by the first publisher years
  before, the whole catalogue with its (synthetic) names, so that every code has a name to show.

The export is a snapshot at the month's end: what happens after it (a result, a complaint's
handling) is not yet known, so those dossiers are still ``processing``. No Django: the command line
(`chiso dossiers generate`) resolves the units and calls `generate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from chiso.dossiers.periods import month_after
from chiso.dossiers.schema import DOSSIER_SCHEMA, PROCEDURE_SCHEMA

SECOND = 1_000_000  # microseconds
HOUR = 3600 * SECOND
DAY = 24 * HOUR
STATUTORY_DAYS = np.array([1, 2, 3, 5, 7, 10, 15, 20, 30])

# Synthetic procedure names: an action on a licence or certificate (150 distinct names; a larger
# catalogue numbers its repeats). Real catalogues come from the national procedures database.
ACTIONS = ("Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn")
OBJECTS = (
    "giấy phép xây dựng",
    "giấy phép kinh doanh vận tải",
    "giấy chứng nhận đăng ký hộ kinh doanh",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "giấy phép khai thác nước mặt",
    "giấy phép môi trường",
    "giấy phép hoạt động khám bệnh, chữa bệnh",
    "chứng chỉ hành nghề dược",
    "giấy phép lao động cho người nước ngoài",
    "giấy chứng nhận đăng ký hợp tác xã",
    "giấy phép tổ chức biểu diễn nghệ thuật",
    "giấy phép quảng cáo",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép thành lập cơ sở giáo dục",
    "giấy chứng nhận cơ sở đủ điều kiện chăn nuôi",
    "giấy phép bán lẻ sản phẩm rượu",
    "giấy phép bán lẻ sản phẩm thuốc lá",
    "giấy chứng nhận đăng ký xe máy chuyên dùng",
    "giấy phép hoạt động điện lực",
    "giấy phép sử dụng vật liệu nổ công nghiệp",
    "chứng chỉ hành nghề hoạt động xây dựng",
    "giấy phép hoạt động cơ sở trợ giúp xã hội",
    "giấy chứng nhận đăng ký hoạt động chi nhánh",
    "giấy phép kinh doanh karaoke",
    "giấy chứng nhận trang trại",
    "giấy phép khai thác khoáng sản",
    "giấy phép thăm dò khoáng sản",
    "giấy chứng nhận đăng ký tàu cá",
    "giấy phép nhập khẩu xuất bản phẩm",
    "giấy phép hoạt động in",
)


@dataclass(frozen=True)
class Generated:
    """The dossiers of the month, the procedures published (those of the month, and the catalogue
    published years before by the first publisher) and the catalogue's names."""

    dossiers: pl.DataFrame
    procedures: pl.DataFrame
    names: pl.DataFrame  # procedure_code, procedure_name


def _micros(day: date) -> int:
    """Microseconds from 1970-01-01 to the day's midnight (naive: the export's own local time)."""
    return (day - date(1970, 1, 1)).days * DAY


def procedure_name(position: int) -> str:
    """The synthetic name of the catalogue's procedure at `position` (distinct for the first 150)."""
    kinds = len(ACTIONS) * len(OBJECTS)
    action, thing = ACTIONS[position % len(ACTIONS)], OBJECTS[(position // len(ACTIONS)) % len(OBJECTS)]
    repeat = position // kinds
    return f"{action} {thing}" + (f" ({repeat + 1})" if repeat else "")


def _procedure_catalogue(rng: np.random.Generator, count: int) -> pl.DataFrame:
    """`count` procedures: a TTHC code, a Zipf popularity, statutory days, a fee, a late propensity."""
    numbers = rng.choice(np.arange(1000, 14000), size=count, replace=False)
    levels = rng.choice(np.array(["1", "2"]), size=count, p=[0.7, 0.3])
    codes = [f"{level}.{number:06d}" for level, number in zip(levels, numbers, strict=True)]
    popularity = 1.0 / np.arange(1, count + 1) ** 1.1
    days = rng.choice(STATUTORY_DAYS, size=count).astype(np.float64)
    days[rng.random(count) < 0.03] = np.nan  # no deadline (result given at once, or none set)
    late_prone = rng.random(count) < 0.08
    return pl.DataFrame(
        {
            "procedure_code": codes,
            "procedure_name": [procedure_name(i) for i in range(count)],
            "weight": popularity / popularity.sum(),
            "days": days,
            "fee": rng.random(count) < 0.45,
            "late": np.where(late_prone, 0.30, 0.015),
        }
    )


def generate(
    units: list[str],
    month: date,
    rows: int,
    seed: int = 766,
    publishers: list[str] | None = None,
    procedures: int = 150,
    first: int = 0,
) -> Generated:
    """`rows` dossiers of the units for the month of `month` (and the weeks before it), and the
    procedures published in the month by `publishers` (default: the units themselves).

    `first` numbers the dossiers from there: a large month is generated in parts with distinct seeds
    and consecutive numbers (the benchmark does so)."""
    if not units:
        raise ValueError("no unit")
    rng = np.random.default_rng(seed)
    start = date(month.year, month.month, 1)
    end = month_after(start)
    start_us, end_us = _micros(start), _micros(end)
    days_in_month = (end - start).days

    n_units = len(units)
    sizes = rng.lognormal(0.0, 1.0, n_units)
    online_share = rng.beta(4, 4, n_units)
    slow_units = rng.random(n_units) < 0.12  # the few slow units, at least one among five or more
    if n_units >= 5 and not slow_units.any():
        slow_units[rng.integers(n_units)] = True
    slow = np.where(slow_units, 6.0, 1.0)
    catalogue = _procedure_catalogue(rng, procedures)

    unit = rng.choice(n_units, size=rows, p=sizes / sizes.sum())
    proc = rng.choice(procedures, size=rows, p=catalogue["weight"].to_numpy())
    statutory = catalogue["days"].to_numpy()[proc]
    late_p = np.minimum(catalogue["late"].to_numpy()[proc] * slow[unit], 0.8)

    # Reception: working days weighted to the month's end, office hours; a tenth carried over.
    weekday_of_first = start.weekday()
    day_index = np.arange(days_in_month)
    weights = np.where((weekday_of_first + day_index) % 7 >= 5, 0.15, 1.0)
    weights *= 1.0 + 1.5 * np.clip(day_index - (days_in_month - 6), 0, None) / 5
    day = rng.choice(days_in_month, size=rows, p=weights / weights.sum())
    carried = rng.random(rows) < 0.10
    day = np.where(carried, -rng.integers(1, 46, size=rows), day)
    received = start_us + day * DAY + 7 * HOUR + rng.integers(0, 10 * HOUR, size=rows)

    # Processing: on time within the statutory days, or late by up to a few weeks.
    has_due = ~np.isnan(statutory)
    statutory_us = np.nan_to_num(statutory) * DAY
    due = received + statutory_us.astype(np.int64)
    late = (rng.random(rows) < late_p) & has_due
    on_time_us = statutory_us * rng.uniform(0.15, 1.0, rows)
    late_us = statutory_us + rng.lognormal(np.log(4 * DAY), 0.7, rows)
    instant_us = rng.uniform(0.05, 3.0, rows) * DAY
    duration = np.where(has_due, np.where(late, late_us, on_time_us), instant_us).astype(np.int64)
    finished = received + duration
    returned = finished + rng.integers(0, 3 * DAY, size=rows)

    fate = rng.random(rows)
    withdrawn = fate < 0.01
    rejected = (fate >= 0.01) & (fate < 0.025)
    finished = np.where(rejected, received + rng.integers(HOUR, 3 * DAY, size=rows), finished)
    done = ~withdrawn & (finished < end_us)
    returned_ok = done & ~rejected & (rng.random(rows) < 0.85) & (returned < end_us)
    status = np.where(
        withdrawn,
        "withdrawn",
        np.where(
            ~done, "processing", np.where(rejected, "rejected", np.where(returned_ok, "returned", "finished"))
        ),
    )

    # Channels and the online service.
    draw = rng.random(rows)
    online = draw < online_share[unit]
    post = ~online & (draw > 0.98)
    channel = np.where(online, "online", np.where(post, "post", "direct"))
    level = np.where(online, np.where(rng.random(rows) < 0.55, "full", "partial"), "none")
    fee = catalogue["fee"].to_numpy()[proc]
    paid_online = fee & (rng.random(rows) < np.where(online, 0.6, 0.05))
    digitised = rng.random(rows) < np.where(online, 0.92, 0.6)
    result_digitised = done & (rng.random(rows) < 0.7)
    reused = rng.random(rows) < 0.25

    # Satisfaction: few ratings, rare complaints, both worse on late dossiers.
    rated = rng.random(rows) < 0.2
    unsatisfied = rng.random(rows) < np.where(late, 0.3, 0.02)
    rating = np.where(rated, np.where(unsatisfied, "unsatisfied", "satisfied"), "")
    complaint = rng.random(rows) < np.where(late, 0.05, 0.002)
    complaint_at = received + rng.integers(DAY, 20 * DAY, size=rows)
    complaint = complaint & (complaint_at < end_us)
    complaint_due = complaint_at + 10 * DAY
    handling = rng.random(rows)
    handled = np.where(
        handling < 0.85,
        complaint_at + rng.integers(HOUR, 10 * DAY, size=rows),
        complaint_due + rng.integers(DAY, 10 * DAY, size=rows),
    )
    handled_known = complaint & (handling < 0.95) & (handled < end_us)

    code = np.array(units)[unit]
    stamp = pl.Datetime("us")
    frame = pl.DataFrame(
        {
            "unit_code": code,
            "procedure_code": catalogue["procedure_code"].to_numpy()[proc],
            "channel": channel,
            "online_level": level,
            "received_at": pl.Series(received).cast(stamp),
            "due_at": pl.Series(np.where(has_due, due, 0)).cast(stamp),
            "finished_at": pl.Series(finished).cast(stamp),
            "returned_at": pl.Series(returned).cast(stamp),
            "status": status,
            "fee_required": fee,
            "paid_online": paid_online,
            "digitised_dossier": digitised,
            "digitised_result": result_digitised,
            "reused_data": reused,
            "rating": rating,
            "complaint_at": pl.Series(complaint_at).cast(stamp),
            "complaint_due_at": pl.Series(complaint_due).cast(stamp),
            "complaint_handled_at": pl.Series(handled).cast(stamp),
            "_has_due": has_due,
            "_done": done,
            "_returned": returned_ok,
            "_complaint": complaint,
            "_handled": handled_known,
        }
    )
    yymm = f"{start:%y%m}"
    frame = frame.with_columns(
        pl.concat_str(
            pl.col("unit_code"),
            pl.lit(f"-{yymm}-"),
            pl.int_range(first, first + pl.len()).cast(pl.String).str.zfill(9),
        ).alias("dossier_id"),
        pl.when(pl.col("rating") != "").then("rating").alias("rating"),
        pl.when("_has_due").then("due_at").alias("due_at"),
        pl.when("_done").then("finished_at").alias("finished_at"),
        pl.when("_returned").then("returned_at").alias("returned_at"),
        pl.when("_complaint").then("complaint_at").alias("complaint_at"),
        pl.when("_complaint").then("complaint_due_at").alias("complaint_due_at"),
        pl.when("_handled").then("complaint_handled_at").alias("complaint_handled_at"),
    )
    # Whole seconds, as one-stop systems record them (and as a CSV export writes them).
    dossiers = frame.select(
        pl.col(name).dt.truncate("1s") if dtype == pl.Datetime("us") else pl.col(name).cast(dtype)
        for name, dtype in DOSSIER_SCHEMA.items()
    ).sort("received_at", maintain_order=True)
    published = _published(rng, publishers or units, catalogue, start, days_in_month)
    names = catalogue.select("procedure_code", "procedure_name")
    return Generated(dossiers, published, names)


def _published(
    rng: np.random.Generator, publishers: list[str], catalogue: pl.DataFrame, start: date, days: int
) -> pl.DataFrame:
    """The procedures each publisher announced in the month: most on time, some late."""
    counts = rng.poisson(4, len(publishers))
    total = int(counts.sum())
    codes = catalogue["procedure_code"].to_numpy()
    published = rng.integers(0, days, total)
    slack = np.where(rng.random(total) < 0.85, rng.integers(0, 10, total), -rng.integers(1, 15, total))
    first = np.datetime64(start, "D")
    month = pl.DataFrame(
        {
            "procedure_code": rng.choice(codes, total),
            "unit_code": np.repeat(np.array(publishers), counts),
            "published_at": first + published,
            "due_at": first + published + slack,
        },
        schema=PROCEDURE_SCHEMA,
    )
    # The catalogue as announced three years before (on time): outside any period computed from
    # this month's dossiers, it only gives every procedure its name.
    announced = date(start.year - 3, 1, 2)
    catalogue_rows = pl.DataFrame(
        {
            "procedure_code": codes,
            "unit_code": [publishers[0]] * len(codes),
            "published_at": [announced] * len(codes),
            "due_at": [announced] * len(codes),
        },
        schema=PROCEDURE_SCHEMA,
    )
    return pl.concat([catalogue_rows, month])


def procedures_path(path: Path) -> Path:
    """Where the procedures published go, beside the dossiers: ``october.parquet`` →
    ``october-procedures.parquet``."""
    return path.with_name(f"{path.stem}-procedures{path.suffix}")


def write(generated: Generated, path: Path) -> tuple[Path, Path]:
    """Write the dossiers to `path` (Parquet, or CSV when it ends in .csv) and the procedures beside
    it, with their names; return both paths."""
    other = procedures_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    procedures = generated.procedures.join(
        generated.names, on="procedure_code", how="left", maintain_order="left"
    )
    for frame, target in ((generated.dossiers, path), (procedures, other)):
        if target.suffix.lower() == ".csv":
            frame.write_csv(target, datetime_format="%Y-%m-%dT%H:%M:%S", date_format="%Y-%m-%d")
        else:
            frame.write_parquet(target, statistics=True)
    return path, other

"""The generator: seeded, canonical, and with the skews of real one-stop systems; its command."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from chiso.cli.main import main
from chiso.dossiers.generate import generate, write
from chiso.dossiers.schema import DOSSIER_SCHEMA, PROCEDURE_SCHEMA, read_procedures

UNITS = [f"22{index:03d}" for index in range(50)]
OCTOBER = date(2025, 10, 1)


@pytest.fixture(scope="module")
def month() -> pl.DataFrame:
    return generate(UNITS, OCTOBER, 200_000, seed=7).dossiers


def test_the_same_seed_gives_the_same_month():
    first, again = generate(UNITS, OCTOBER, 5_000, seed=1), generate(UNITS, OCTOBER, 5_000, seed=1)
    assert_frame_equal(first.dossiers, again.dossiers)
    assert_frame_equal(first.procedures, again.procedures)
    assert not generate(UNITS, OCTOBER, 5_000, seed=2).dossiers.equals(first.dossiers)


def test_canonical_columns_and_values(month):
    assert month.schema == pl.Schema(DOSSIER_SCHEMA)
    assert month["dossier_id"].n_unique() == month.height
    assert set(month["status"].unique()) <= {"processing", "finished", "returned", "withdrawn", "rejected"}
    assert month["received_at"].max() < datetime(2025, 11, 1)
    assert (month["finished_at"] >= month["received_at"]).all()
    assert (
        month.filter(pl.col("status") == "processing")["finished_at"].null_count()
        == month.filter(pl.col("status") == "processing").height
    )
    assert generate(UNITS, OCTOBER, 10).procedures.schema == pl.Schema(PROCEDURE_SCHEMA)


def _late(month: pl.DataFrame) -> pl.DataFrame:
    end = datetime(2025, 11, 1)
    return month.filter(
        (pl.col("finished_at") > pl.col("due_at"))
        | (pl.col("finished_at").is_null() & (pl.col("due_at") < end))
    )


def test_late_dossiers_are_concentrated_in_a_few_procedures_and_units(month):
    late = _late(month)
    assert 0.02 < late.height / month.height < 0.2
    by_procedure = late.group_by("procedure_code").len().sort("len", descending=True)
    procedures = month["procedure_code"].n_unique()
    top = by_procedure.head(procedures // 10)["len"].sum()
    assert top / late.height > 0.5  # a tenth of the procedures make more than half the late dossiers
    rate = month.group_by("unit_code").agg(
        pl.col("dossier_id").is_in(late["dossier_id"].implode()).mean().alias("rate")
    )["rate"]
    assert rate.max() > 2.5 * rate.median()  # a few slow units


def test_a_month_end_peak_and_quiet_weekends(month):
    received = month.filter(pl.col("received_at") >= datetime(2025, 10, 1))
    per_day = received.group_by(pl.col("received_at").dt.day().alias("day")).len()
    count = dict(zip(per_day["day"], per_day["len"], strict=True))
    weekdays = [day for day in range(1, 32) if date(2025, 10, day).weekday() < 5]
    early = sum(count[d] for d in weekdays if d <= 20) / len([d for d in weekdays if d <= 20])
    late = sum(count[d] for d in weekdays if d >= 27) / len([d for d in weekdays if d >= 27])
    assert late > 1.5 * early
    assert count[4] < 0.3 * early  # Saturday 4 October


def test_a_share_online_and_rare_complaints(month):
    online = (month["channel"] == "online").mean()
    assert 0.3 < online < 0.7
    assert month.filter(pl.col("channel") != "online")["online_level"].unique().to_list() == ["none"]
    complaints = month["complaint_at"].is_not_null().mean()
    assert 0 < complaints < 0.01
    rated = month["rating"].is_not_null().mean()
    assert 0.1 < rated < 0.3


def test_the_command_writes_parquet_and_csv(tmp_path, capsys):
    assert main(["dossiers", "generate", "--rows", "300", "--period", "2025-10", "--units", "22001,22002",
                 "-o", str(tmp_path / "oct.parquet"), "--seed", "5"]) == 0  # fmt: skip
    assert "300" in capsys.readouterr().out
    assert pl.read_parquet(tmp_path / "oct.parquet").height == 300
    assert (tmp_path / "oct-procedures.parquet").exists()
    assert main(["dossiers", "generate", "--rows", "300", "--period", "2025-10", "--units", "22001,22002",
                 "-o", str(tmp_path / "oct.csv"), "--seed", "5"]) == 0  # fmt: skip
    assert pl.read_csv(tmp_path / "oct.csv").height == 300


@pytest.mark.parametrize(
    ("period", "message"), [("2025-13", "không hợp lệ"), ("2025-Q4", "một tháng"), ("2025", "một tháng")]
)
def test_the_command_wants_one_month(tmp_path, capsys, period, message):
    code = main(
        [
            "dossiers",
            "generate",
            "--rows",
            "5",
            "--period",
            period,
            "--units",
            "A",
            "-o",
            str(tmp_path / "x.parquet"),
        ]
    )
    assert code == 1
    assert message in capsys.readouterr().err


@pytest.mark.django_db
def test_under_a_province_takes_its_units_from_the_registry(tmp_path, capsys):
    from chiso.cli.dossiers import units_under
    from chiso.units.models import Unit

    if not Unit.objects.filter(level="province", code="22").exists():
        Unit.objects.create(level="province", code="22", name="Quảng Ninh")
    Unit.objects.create(level="department", code="22-SNV", name="Sở Nội vụ", parent_code="22")
    Unit.objects.create(level="department", code="22-STP", name="Sở Tư pháp", parent_code="22")
    Unit.objects.create(level="department", code="01-SNV", name="Sở Nội vụ Hà Nội", parent_code="01")
    codes, publishers = units_under("22", OCTOBER)
    assert {"22-SNV", "22-STP"} <= set(codes) and "01-SNV" not in codes
    assert publishers == ["22-SNV", "22-STP"]  # the departments publish, not the province
    assert main(["dossiers", "generate", "--rows", "500", "--period", "2025-10", "--under", "22",
                 "-o", str(tmp_path / "qn.parquet")]) == 0  # fmt: skip
    written = pl.read_parquet(tmp_path / "qn.parquet")
    assert set(written["unit_code"].unique()) <= set(codes)
    published = pl.read_parquet(tmp_path / "qn-procedures.parquet")["unit_code"].unique().to_list()
    assert sorted(published) == ["22-SNV", "22-STP"]


def test_every_procedure_of_the_dossiers_has_a_name_in_the_procedures_file(tmp_path):
    made = generate(UNITS, OCTOBER, 3_000, seed=5, publishers=["22"])
    _dossiers, procedures = write(made, tmp_path / "october.parquet")
    names = read_procedures(procedures).names
    assert names is not None
    named = dict(names.iter_rows())
    used = set(made.dossiers["procedure_code"].to_list())
    assert used <= set(named) and all(named[code] for code in used)
    assert len(set(named.values())) == len(named)  # distinct names for a catalogue of 150
    # The catalogue is announced years before: none of it counts among the month's publications.
    month = made.procedures.filter(pl.col("published_at") >= OCTOBER)
    assert 0 < month.height < made.procedures.height
    assert made.procedures.filter(pl.col("published_at") < date(2023, 1, 1))[
        "unit_code"
    ].unique().to_list() == ["22"]

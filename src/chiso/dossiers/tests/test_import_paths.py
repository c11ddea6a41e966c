"""Bad input on every path (the service, `chiso dossiers import`, the page's background job): a
message naming the row and the column, nothing written; unknown unit codes listed row by row; a
custom column mapping (`--mapping`), good and malformed; the progress the command line shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from chiso.cli.main import main
from chiso.dossiers import services
from chiso.dossiers.generate import generate, write
from chiso.dossiers.models import DossierImport
from chiso.jobs.models import Job
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

UNITS = ["88001", "88002"]

# (column, bad value, the message's words), put in the first finished dossier (`finished_row`).
BAD_CELLS = [
    ("received_at", "31/02/2025", "ngày giờ “31/02/2025” không đọc được"),
    ("status", "mất hồ sơ", "giá trị “mất hồ sơ” không có trong bảng ánh xạ"),
    ("fee_required", "có lẽ", "“có lẽ” không phải có/không"),
    ("dossier_id", "", "thiếu giá trị"),
    ("finished_at", "01/01/2020", "ngày có kết quả trước ngày tiếp nhận"),
]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    for code in UNITS:
        Unit.objects.create(level="commune", code=code, name=f"Xã {code}", parent_code="88")
    dossiers, _ = write(generate(UNITS, date(2025, 10, 1), 40, seed=2), tmp_path / "good.csv")
    return dossiers


def finished_row(frame: pl.DataFrame) -> int:
    """The index of the first finished dossier (a finish before its reception is then wrong)."""
    return frame.with_row_index().filter(pl.col("finished_at").is_not_null())["index"][0]


def _with(frame: pl.DataFrame, row: int, cells: dict[str, str], path: Path) -> Path:
    changed = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
        for column, value in cells.items()
    )
    changed.write_csv(path)
    return path


@pytest.mark.parametrize(("column", "value", "words"), BAD_CELLS)
def test_a_bad_cell_is_named_by_row_and_column_on_every_path(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, value: str, words: str
) -> None:
    frame = pl.read_csv(export, infer_schema=False)
    row = finished_row(frame)
    bad = _with(frame, row, {column: value}, tmp_path / "bad.csv")
    expected = f"Dòng {row + 2}, cột {column}: "
    outcome = services.import_file(bad)
    assert not outcome.ok and any(e.startswith(expected) and words in e for e in outcome.errors)
    assert main(["dossiers", "import", str(bad)]) not in (0, None)
    err = capsys.readouterr().err
    assert expected in err and words in err
    user = User.objects.create_superuser("officer88", password="x-very-long-pass")
    client = Client()
    client.force_login(user)
    with bad.open("rb") as handle:
        client.post(reverse("dossiers:upload"), {"file": handle, "kind": "dossiers"})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and any(p.startswith(expected) and words in p for p in job.problems)
    assert not DossierImport.objects.exists() and services.files("dossiers") == []


def test_unknown_unit_codes_are_imported_and_listed_with_their_rows(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pl.read_csv(export, infer_schema=False)
    odd = _with(frame, 6, {"unit_code": "88999"}, tmp_path / "odd.csv")
    odd = _with(pl.read_csv(odd, infer_schema=False), 9, {"unit_code": "88999"}, odd)
    assert main(["dossiers", "import", str(odd)]) in (0, None)
    out = capsys.readouterr().out
    assert "2 dòng có mã đơn vị không có trong danh mục đơn vị vào ngày của hồ sơ: 88999 (2)" in out
    assert "Dòng 8, cột unit_code: mã đơn vị “88999” không có trong danh mục đơn vị." in out
    assert "Dòng 11, cột unit_code: mã đơn vị “88999”" in out
    assert DossierImport.objects.get().rows == 40


def test_a_code_valid_only_at_other_dates_is_named_with_the_date(export: Path, tmp_path: Path) -> None:
    Unit.objects.filter(code="88002").update(valid_to=date(2025, 6, 30))
    outcome = services.import_file(export)
    assert outcome.ok and set(outcome.unknown_units) == {"88002"}
    assert any("mã đơn vị “88002” không có hiệu lực ngày" in w for w in outcome.warnings)


def test_unknown_publishers_of_procedures_are_listed(export: Path, tmp_path: Path) -> None:
    path = tmp_path / "procedures.csv"
    pl.DataFrame(
        {"Mã TTHC": ["1.1", "1.2"], "Mã đơn vị": ["88001", "XX"], "Ngày công bố": ["01/10/2025"] * 2}
    ).write_csv(path)
    outcome = services.import_file(path, kind=DossierImport.Kind.PROCEDURES)
    assert outcome.ok and outcome.unknown_units == {"XX": 1}
    assert "Dòng 3, cột unit_code: mã đơn vị “XX” không có trong danh mục đơn vị." in outcome.warnings


def test_a_custom_mapping_reads_the_export(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pl.read_csv(export, infer_schema=False).rename(
        {
            "dossier_id": "Số HS",
            "unit_code": "Đơn vị tiếp nhận",
            "received_at": "Ngày nhận",
            "status": "Tình trạng",
        }
    )
    frame = frame.with_columns(
        pl.col("Tình trạng").replace({"finished": "Hoàn thành", "processing": "Đang làm"}),
        pl.col("Ngày nhận").str.slice(0, 10).str.replace_all("-", ""),
    )
    own = tmp_path / "own.csv"
    frame.write_csv(own)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  Số HS: dossier_id\n  Đơn vị tiếp nhận: unit_code\n  Ngày nhận: received_at\n"
        "  Tình trạng: status\nvalues:\n  status: {Hoàn thành: finished, Đang làm: processing}\n"
        "datetime_formats: ['%Y%m%d', '%Y-%m-%dT%H:%M:%S']\n",
        encoding="utf-8",
    )
    assert main(["dossiers", "import", str(own), "--mapping", str(mapping)]) in (0, None)
    assert "đã nhập 40/40 dòng" in capsys.readouterr().out
    held = pl.read_parquet(services.files("dossiers")[0])
    assert held.height == 40 and set(held["unit_code"]) <= set(UNITS)
    assert held["received_at"].dt.hour().max() == 0  # read with the mapping's own date format


MALFORMED = [
    ("columns: [dossier_id, unit_code]\n", "mục columns phải là các cặp"),
    ("columns:\n  Số HS: dosier_id\n", "“Số HS” chỉ tới “dosier_id”, không phải cột chuẩn"),
    ("values:\n  status: Hoàn thành\n", "values.status: cần các cặp"),
    ("values:\n  status: {Hoàn thành: done}\n", "Giá trị 'done' của cột status không hợp lệ"),
    ("cot: {}\n", "Bảng ánh xạ có khóa lạ: cot."),
    ("columns: {a: b\n", "Không đọc được bảng ánh xạ"),
    ("true_values: có\n", "mục true_values phải là một danh sách"),
]


@pytest.mark.parametrize(("text", "words"), MALFORMED)
def test_a_malformed_mapping_stops_with_a_clear_message_and_writes_nothing(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text, encoding="utf-8")
    assert main(["dossiers", "import", str(export), "--mapping", str(mapping)]) not in (0, None)
    assert words in capsys.readouterr().err
    assert not DossierImport.objects.exists()


def test_import_and_compute_show_progress_lines(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dossiers", "import", str(export)]) in (0, None)
    err = capsys.readouterr().err
    assert (
        "Nhập good.csv" in err
        and "Đọc và kiểm tra từng dòng của good.csv" in err
        and "Đã nhập 40 dòng" in err
    )
    assert main(["dossiers", "import", str(export)]) in (0, None)
    assert "Thay các hồ sơ đã nhập trước (tệp 1/1)" in capsys.readouterr().err
    assert main(["dossiers", "compute", "--period", "2025-10"]) in (0, None)
    err = capsys.readouterr().err
    assert "Tính chỉ số 766" in err and "Đã tính tháng 10/2025: 2 đơn vị" in err and "2/2" in err

"""Reading an export: a good file, bad rows named by row and column in Vietnamese, nothing partial,
an idempotent dedupe on dossier_id, and the column mapping (YAML, values, dates)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from chiso.dossiers.generate import generate, write
from chiso.dossiers.mapping import ColumnMapping, MappingError
from chiso.dossiers.schema import DOSSIER_SCHEMA, SchemaError, read_dossiers, read_procedures

HEADER = "Mã hồ sơ,Mã đơn vị,Mã TTHC,Kênh nộp,Ngày tiếp nhận,Hạn xử lý,Ngày có kết quả,Trạng thái,Có phí,Đánh giá\n"


def _csv(tmp_path, body: str, name: str = "export.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_generated_export_reads_back_unchanged(tmp_path, suffix):
    made = generate(["22001", "22002"], date(2025, 10, 1), 2_000, seed=3)
    dossiers, procedures = write(made, tmp_path / f"october{suffix}")
    result = read_dossiers(dossiers)
    assert result.ok and result.total == 2_000 and result.duplicates == 0
    assert result.rows.schema == pl.Schema(DOSSIER_SCHEMA)
    assert_frame_equal(result.rows, made.dossiers)
    assert_frame_equal(read_procedures(procedures).rows, made.procedures)


def test_vietnamese_headers_values_and_dates(tmp_path):
    path = _csv(
        tmp_path,
        "H1,22,1.000001,Trực tuyến,01/10/2025 08:30,5/10/2025,2025-10-03T10:00:00,Đã giải quyết,có,Hài lòng\n"
        "H2,22,1.000002, trực tiếp ,2025-10-02,,,ĐANG XỬ LÝ,không,\n",
    )
    result = read_dossiers(path)
    assert result.ok, result.messages()
    first, second = result.rows.to_dicts()
    assert first["channel"] == "online" and first["status"] == "finished" and first["rating"] == "satisfied"
    assert first["received_at"] == datetime(2025, 10, 1, 8, 30)
    assert first["due_at"] == datetime(2025, 10, 5)
    assert first["finished_at"] == datetime(2025, 10, 3, 10)
    assert first["fee_required"] is True and first["paid_online"] is False  # absent column: false
    assert second["channel"] == "direct" and second["status"] == "processing"
    assert second["due_at"] is None and second["rating"] is None and second["complaint_at"] is None


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_kept(tmp_path):
    path = _csv(
        tmp_path,
        "H1,22,1.000001,Trực tuyến,01/10/2025,05/10/2025,03/10/2025,Đã giải quyết,có,\n"
        "H2,22,1.000001,Fax,01/10/2025,05/10/2025,,Đang xử lý,không,\n"
        "H3,22,,trực tiếp,32/10/2025,,,Đang xử lý,có,\n"
        "H4,22,1.000002,Trực tiếp,02/10/2025,05/10/2025,01/10/2025,Đã giải quyết,có lẽ,tệ\n"
        "H5,22,1.000002,Trực tiếp,02/10/2025,05/10/2025,,Đã trả kết quả,có,\n",
    )
    result = read_dossiers(path)
    assert not result.ok
    assert result.rows.is_empty()  # nothing partial
    assert result.messages() == [
        "Dòng 3, cột channel: giá trị “Fax” không có trong bảng ánh xạ (direct, online, post).",
        "Dòng 4, cột procedure_code: thiếu giá trị.",
        "Dòng 4, cột received_at: ngày giờ “32/10/2025” không đọc được (dd/mm/yyyy [hh:mm[:ss]] hoặc "
        "yyyy-mm-dd).",
        "Dòng 5, cột fee_required: “có lẽ” không phải có/không.",
        "Dòng 5, cột rating: giá trị “tệ” không có trong bảng ánh xạ (satisfied, unsatisfied).",
        "Dòng 5, cột finished_at: ngày có kết quả trước ngày tiếp nhận.",
        "Dòng 6, cột finished_at: hồ sơ đã giải quyết mà không có ngày có kết quả.",
    ]
    assert result.errors.select("row", "field").row(0) == (3, "channel")


def test_parquet_rows_are_numbered_from_one(tmp_path):
    made = generate(["22001"], date(2025, 10, 1), 10, seed=1).dossiers
    made = made.with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(None).otherwise("unit_code").alias("unit_code")
    )
    made.write_parquet(tmp_path / "x.parquet")
    assert read_dossiers(tmp_path / "x.parquet").messages() == ["Dòng 5, cột unit_code: thiếu giá trị."]


def test_dedupe_keeps_the_last_row_and_is_idempotent(tmp_path):
    path = _csv(
        tmp_path,
        "H1,22,1.000001,Trực tuyến,01/10/2025,,,Đang xử lý,có,\n"
        "H2,22,1.000001,Trực tuyến,01/10/2025,,,Đang xử lý,có,\n"
        "H1,22,1.000001,Trực tuyến,01/10/2025,,03/10/2025,Đã giải quyết,có,Hài lòng\n",
    )
    first = read_dossiers(path)
    assert first.ok and first.total == 3 and first.duplicates == 1
    assert first.rows["dossier_id"].to_list() == ["H2", "H1"]
    assert first.rows.filter(pl.col("dossier_id") == "H1")["status"].item() == "finished"
    first.rows.write_parquet(tmp_path / "clean.parquet")
    again = read_dossiers(tmp_path / "clean.parquet")
    assert again.duplicates == 0
    assert_frame_equal(again.rows, first.rows)


def test_a_yaml_mapping_names_other_columns_values_and_formats(tmp_path):
    (tmp_path / "mapping.yaml").write_text(
        "columns:\n  So HS: dossier_id\n  Don vi: unit_code\n  TTHC: procedure_code\n"
        "  Nhan: received_at\n  TT: status\n  Kenh: channel\n"
        "values:\n  channel: {Quầy: direct, Cổng: online}\n  status: {XONG: finished, DANG: processing}\n"
        "datetime_formats: ['%Y%m%d']\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping.load(tmp_path / "mapping.yaml")
    path = tmp_path / "other.csv"
    path.write_text(
        "So HS,Don vi,TTHC,Nhan,TT,Kenh,Ignored\nA,22,1.1,20251002,dang,cổng,x\n", encoding="utf-8"
    )
    result = read_dossiers(path, mapping)
    assert result.ok, result.messages()
    row = result.rows.row(0, named=True)
    assert (row["channel"], row["status"], row["received_at"]) == (
        "online",
        "processing",
        datetime(2025, 10, 2),
    )


def test_a_missing_column_stops_the_whole_file(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("Mã hồ sơ,Mã đơn vị\nH1,22\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="thiếu cột procedure_code, received_at, status"):
        read_dossiers(path)


def test_two_columns_for_one_canonical_column_are_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("Mã hồ sơ,Số hồ sơ\nH1,H1\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="nhiều cột cùng là cột dossier_id"):
        read_dossiers(path)


def test_a_mapping_to_an_unknown_value_is_refused():
    with pytest.raises(MappingError, match="không hợp lệ"):
        ColumnMapping.from_dict({"values": {"channel": {"Fax": "fax"}}})
    with pytest.raises(MappingError, match="khóa lạ"):
        ColumnMapping.from_dict({"colums": {}})


def test_other_formats_are_refused(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"")
    with pytest.raises(SchemaError, match="CSV hoặc Parquet"):
        read_dossiers(tmp_path / "x.xlsx")


def test_a_procedures_file_given_as_dossiers_says_how_to_import_it(tmp_path):
    made = generate(["22001"], date(2025, 10, 1), 50, seed=3)
    dossiers, procedures = write(made, tmp_path / "october.parquet")
    with pytest.raises(SchemaError, match="--procedures"):
        read_dossiers(procedures)
    with pytest.raises(SchemaError, match="tệp hồ sơ"):
        read_procedures(dossiers)

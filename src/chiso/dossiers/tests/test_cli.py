"""`chiso dossiers import` and `compute` end to end: the same services as the web."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chiso.cli.main import main
from chiso.dossiers.generate import generate, write
from chiso.dossiers.models import DossierImport, DossierRun

pytestmark = pytest.mark.django_db


def test_import_twice_then_compute(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dossiers, procedures = write(generate(["B1", "B2"], date(2025, 10, 1), 400, seed=5), tmp_path / "oct.csv")
    assert main(["dossiers", "import", str(dossiers), "--procedures", str(procedures)]) in (0, None)
    assert main(["dossiers", "import", str(dossiers)]) in (0, None)
    out = capsys.readouterr().out
    assert "thay 0 hồ sơ" in out and "thay 400 hồ sơ" in out
    assert sum(i.rows for i in DossierImport.objects.filter(kind="dossiers")) == 400
    assert main(["dossiers", "compute", "--period", "2025-10"]) in (0, None)
    out = capsys.readouterr().out
    assert "Kỳ 2025-10: 2 đơn vị" in out and "1/2" in out
    assert DossierRun.objects.get().period == "2025-10"


def test_a_bad_file_fails_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("dossier_id,unit_code\nX1,B1\n", encoding="utf-8")
    assert main(["dossiers", "import", str(bad)]) not in (0, None)
    assert not DossierImport.objects.exists()

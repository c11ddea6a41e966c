"""Two generated months of dossiers for the demo province's departments and communes, imported and
computed, so that the officer's 766 page shows ranks, a change and where points are lost."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from chiso.demo.people import PROVINCE_CODE
from chiso.units.models import Unit

ROWS_PER_MONTH = 6000


def _months_before(today: date) -> list[date]:
    first = today.replace(day=1)
    last = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    before = date(last.year - (last.month == 1), (last.month - 2) % 12 + 1, 1)
    return [before, last]


def create_dossiers(units: dict[str, Unit], today: date) -> None:
    """Once: generate, import and compute the two months before `today`."""
    from chiso.dossiers import services
    from chiso.dossiers.generate import generate, write
    from chiso.dossiers.models import DossierImport, DossierRun

    if DossierRun.objects.exists():
        return
    codes = sorted({unit.code for unit in units.values()})
    with tempfile.TemporaryDirectory() as folder:
        for seed, month in enumerate(_months_before(today), start=766):
            generated = generate(codes, month, ROWS_PER_MONTH, seed=seed, publishers=[PROVINCE_CODE])
            dossiers, procedures = write(generated, Path(folder) / f"{month:%Y-%m}.parquet")
            services.import_file(dossiers)
            services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES)
            services.compute(f"{month:%Y-%m}")

"""Two generated months of dossiers for the demo province's departments and communes, imported and
computed, so that the officer's 766 page shows ranks, a change and where points are lost.

Before computing, the demo organiser (Quảng Ninh's Sở Nội vụ) sets what Decision 766 leaves unknown
— the maxima of groups 3 and 4, the criteria under them and the other unknown criteria, how a ratio
with nothing to count scores, the satisfaction target — in its own version of the framework, through
the framework editor's service (`chiso.dossiers.assumptions`). These are the ORGANISER'S ASSUMPTIONS
of this demo, not sources: the page labels them so; the built-in framework keeps them unknown.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from chiso.demo.people import PROVINCE_CODE
from chiso.units.models import Unit

ROWS_PER_MONTH = 6000

# node → (maximum, rule type, rule parameters): the demo organiser's assumptions (see above). Groups
# 3 and 4 share the 44 points the confirmed groups leave; a ratio with nothing to count gives full
# points (nothing was late); 1.2, which no dossier measures, gives every unit the same points; the
# satisfaction target is NQ 76/NQ-CP's 2025 aim of 90 % as the organiser reads it.
FULL = {"when_no_occurrence": "full"}
DEMO_ASSUMPTIONS: dict[str, tuple[int, str, dict[str, str]]] = {
    "1.1": (4, "proportional", FULL),
    "1.2": (14, "proportional", FULL),
    "2.1": (20, "proportional", FULL),
    "3": (22, "", {}),
    "3.1": (8, "proportional", FULL),
    "3.2": (7, "proportional", FULL),
    "3.3": (7, "proportional", FULL),
    "4": (22, "", {}),
    "4.1": (8, "proportional", FULL),
    "4.2": (7, "proportional", FULL),
    "4.3": (7, "proportional", FULL),
    "5.1": (6, "proportional", FULL),
    "5.2": (6, "proportional", FULL),
    "5.3": (6, "target_attainment", {"target": "90", "partial": "proportional"}),
}


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
    set_demo_assumptions()
    codes = sorted({unit.code for unit in units.values()})
    # The departments publish the procedures of their sectors (a province's own code would be
    # scored on its publications alone, a one-unit ranking of the province level).
    publishers = sorted({unit.code for unit in units.values() if unit.level == "department"})
    with tempfile.TemporaryDirectory() as folder:
        for seed, month in enumerate(_months_before(today), start=766):
            generated = generate(codes, month, ROWS_PER_MONTH, seed=seed, publishers=publishers)
            dossiers, procedures = write(generated, Path(folder) / f"{month:%Y-%m}.parquet")
            services.import_file(dossiers)
            services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES)
            services.compute(f"{month:%Y-%m}")


def set_demo_assumptions() -> None:
    """The demo organiser's own version of the 766 framework, its assumptions set by its officer."""
    from decimal import Decimal

    from django.contrib.auth.models import User

    from chiso.dossiers.assumptions import Setting, set_assumptions
    from chiso.units.models import Organiser
    from chiso.units.organisers import default_organiser

    organiser = (
        Organiser.objects.filter(unit__code=PROVINCE_CODE).order_by("pk").first() or default_organiser()
    )
    officer = User.objects.filter(username="sonoivu").first()
    set_assumptions(
        organiser,
        officer,
        {
            code: Setting(Decimal(points), rule, params)
            for code, (points, rule, params) in DEMO_ASSUMPTIONS.items()
        },
    )

"""Creating cycles: the internal indices and sample frameworks, a cycle with its assessments."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chiso.assessments.models import Assessment, Cycle, CycleVersion
from chiso.assessments.scoring import cycle_method
from chiso.core import changelog
from chiso.data import data_path
from chiso.frameworks.io import load_framework_yaml
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import save_framework
from chiso.units.models import Organiser, Unit
from chiso.units.organisers import default_organiser

INTERNAL_INDICES = [
    {
        "code": "cchc_so",
        "short_name": "CCHC sở",
        "name_vi": "Chỉ số cải cách hành chính các sở, ban, ngành",
        "name_en": "PAR index of provincial departments",
        "publisher": "Sở Nội vụ",
        "unit_level": "department",
    },
    {
        "code": "cchc_xa",
        "short_name": "CCHC xã",
        "name_vi": "Chỉ số cải cách hành chính UBND cấp xã",
        "name_en": "PAR index of communes",
        "publisher": "Sở Nội vụ",
        "unit_level": "commune",
    },
]


@transaction.atomic
def load_sample_frameworks() -> list[Framework]:
    """The internal indices and the two sample frameworks (departments, communes) of the demo."""
    for item in INTERNAL_INDICES:
        Index.objects.update_or_create(
            code=item["code"], defaults={k: v for k, v in item.items() if k != "code"}
        )
    return [save_framework(load_framework_yaml(path)) for path in sorted(data_path("demo").glob("*.yaml"))]


@transaction.atomic
def create_cycle(
    framework: Framework,
    year: int,
    block: str,
    units: list[Unit],
    self_assessment_due: date,
    name: str = "",
    organiser: Organiser | None = None,
) -> Cycle:
    """A cycle of `organiser` (the installation's first by default) and one assessment per unit, all
    in draft; the cycle records the method of its framework (recorded again at publication)."""
    cycle = Cycle.objects.create(
        organiser=organiser or default_organiser(),
        name=name or f"{framework.index.short_name} năm {year} — {block}",
        framework=framework,
        year=year,
        block=block,
        self_assessment_due=self_assessment_due,
        method=cycle_method(framework, "create"),
    )
    CycleVersion.objects.create(cycle=cycle)  # its figures' version (chiso.assessments.standings)
    assessments = Assessment.objects.bulk_create([Assessment(cycle=cycle, unit=unit) for unit in units])
    changelog.log_created(assessments)  # bulk_create sends no signal
    return cycle

"""The demo province: Quảng Ninh, its departments and some of its communes, the sample internal
frameworks, three cycles with units in every state, and a demo user for every role.

Demo mode only: `seed_demo` refuses to run unless CHISO_DEMO=1 (set by `chiso demo`), because it
creates users with the published password `chiso-demo`.

Sources of the real facts used here:
- Departments: the specialised agencies of the Quảng Ninh Provincial People's Committee after the
  2025 reorganisation, as reported by Lao Động ("Tình hình sắp xếp các đơn vị khối chính quyền ở
  Quảng Ninh" and "Quảng Ninh công bố nhân sự các cơ quan chuyên môn thuộc UBND tỉnh", 2025).
  Their codes ("22.SNV" …) are a LOCAL scheme made up for the demo (22 is Quảng Ninh's province
  code); the official electronic agency codes (mã định danh điện tử của cơ quan, tổ chức) should
  replace them. Validity dates are left open, and the 2024 demo cycle uses the same list (the
  pre-2025 departments and their lineage are not modelled here).
- Communes: the official 5-digit codes and names of the communes, wards and special zones valid
  from 01/07/2025, from chiso's commune list loaded by `units.registry.load_communes`.

Everything the demo units "did" goes through the workflow services, so the audit log is real.
Points are invented (deterministic per unit), like the sample frameworks themselves.

Surveys: the shipped SIPAS questionnaire, an empty 2025 survey of the departments waiting for the
officer to import the SYNTHETIC sample file ``data/demo/sipas-2025-kobo-demo.csv`` (written by
`chiso.demo.survey_file`; three rows in it are bad on purpose), and a 2024 survey
already imported (synthetic rows from the same generator), estimated and published.

Improvement plans: who leads and supports each PAPI 2018+ dimension and each criterion of the
sample department framework (a plausible assignment after the 2025 reorganisation, not a decision of
the province), and the province's plan after its real PAPI 2024 result: the dimensions below 60 %
of their maximum, with tasks done, under way and one overdue, quarterly progress reports with one
agency silent, two commitments signed, and the escalations recorded (no e-mail sent).
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.assessments import workflow
from chiso.assessments.models import Cycle, State
from chiso.assessments.setup import load_sample_frameworks
from chiso.core.text import render_table
from chiso.demo import survey_file
from chiso.demo.cycles import (
    BLOCK_COMMUNES,
    BLOCK_DEPARTMENTS,
    COMMUNE_STATES,
    CYCLE_NAMES,
    DEPARTMENT_STATES,
    cycle,
)
from chiso.demo.dossiers import create_dossiers
from chiso.demo.people import Account, assign_blocks, communes, departments, people_and_accounts
from chiso.demo.plans import assign_responsibilities, create_plan
from chiso.demo.rounds import create_round
from chiso.demo.surveys import SURVEY_TITLES, create_surveys
from chiso.frameworks.models import Framework


class DemoRefused(RuntimeError):
    """seed_demo outside demo mode: no default passwords outside `chiso demo`."""


def seed_demo(out: TextIO = sys.stdout, today: date | None = None) -> list[Account]:
    """Create (once) the demo province, cycles and users; print the demo accounts."""
    if os.environ.get("CHISO_DEMO") != "1":
        raise DemoRefused(
            _(
                "seed_demo chỉ chạy trong chế độ demo (CHISO_DEMO=1, lệnh `chiso demo`): "
                "nó tạo người dùng với mật khẩu mặc định."
            )
        )
    today = today or date.today()
    with transaction.atomic():
        department_units = departments()
        commune_units = communes()
        assign_blocks(department_units, commune_units)
        frameworks = {f.scope: f for f in load_sample_frameworks()}
        people, accounts = people_and_accounts({**department_units, **commune_units})
        if not Cycle.objects.filter(name=CYCLE_NAMES[2024]).exists():
            last_year = cycle(
                CYCLE_NAMES[2024],
                frameworks["department"],
                2024,
                BLOCK_DEPARTMENTS,
                department_units,
                {slug: State.APPROVED for slug in department_units},
                today + timedelta(days=30),
                people,
            )
            # Last year's cycle closed long ago; it was run with a deadline of 31/01/2025.
            last_year.self_assessment_due = date(2025, 1, 31)
            last_year.save(update_fields=["self_assessment_due"])
            workflow.publish(people["sonoivu"], last_year)
        cycle(
            CYCLE_NAMES[2025],
            frameworks["department"],
            2025,
            BLOCK_DEPARTMENTS,
            department_units,
            DEPARTMENT_STATES,
            today + timedelta(days=21),
            people,
        )
        if not Cycle.objects.filter(name=CYCLE_NAMES["communes"]).exists():
            communes_cycle = cycle(
                CYCLE_NAMES["communes"],
                frameworks["commune"],
                2025,
                BLOCK_COMMUNES,
                commune_units,
                COMMUNE_STATES,
                today + timedelta(days=21),
                people,
            )
            # The communes' deadline has passed: the dashboard shows who is overdue.
            communes_cycle.self_assessment_due = today - timedelta(days=3)
            communes_cycle.save(update_fields=["self_assessment_due"])
        create_surveys(people["sonoivu"])
        assign_responsibilities(
            frameworks | {"papi-2018": Framework.objects.get(code="papi-2018")},
            {**department_units, **commune_units},
        )
        create_plan(people, {**department_units, **commune_units}, today)
        create_round(people, department_units, today)
        create_dossiers({**department_units, **commune_units}, today)
    print_accounts(accounts, out)
    print_sample_file(out)
    return accounts


def print_accounts(accounts: list[Account], out: TextIO) -> None:
    rows = [[a.username, a.role, a.unit or "—", a.password] for a in accounts]
    out.write("\n" + _("Tài khoản demo (chỉ dùng cho bản demo):") + "\n\n")
    headers = [_("Tên đăng nhập"), _("Vai trò"), _("Đơn vị"), _("Mật khẩu")]
    out.write(render_table(headers, rows, [False, False, False, False]))
    out.write("\n\n")


def print_sample_file(out: TextIO) -> None:
    from chiso.data import data_path

    message = _("Tệp khảo sát mẫu (dữ liệu giả lập) để nhập tại /khao-sat/ vào «{survey}»:").format(
        survey=SURVEY_TITLES[2025]
    )
    out.write(f"{message}\n  {data_path(*survey_file.SAMPLE_FILE)}\n\n")

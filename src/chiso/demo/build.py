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
  from 01/07/2025, from the vietnam-provinces data loaded by `units.registry.load_communes`.

Everything the demo units "did" goes through the workflow services, so the audit log is real.
Points are invented (deterministic per unit), like the sample frameworks themselves.

Surveys: the shipped SIPAS questionnaire, an empty 2025 survey of the departments waiting for the
officer to import the SYNTHETIC sample file ``data/demo/sipas-2025-kobo-demo.csv`` (written by
`chiso.administration.make_demo_survey`; three rows in it are bad on purpose), and a 2024 survey
already imported (synthetic rows from the same generator), estimated and published.

Improvement plans: who leads and supports each PAPI 2018+ dimension and each criterion of the
sample department framework (a plausible assignment after the 2025 reorganisation, not a decision of
the province), and the province's plan after its real PAPI 2024 result: the dimensions below 60 %
of their maximum, with tasks done, under way and one overdue, quarterly progress reports with one
agency silent, two commitments signed, and the escalations recorded (no e-mail sent).
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chiso.accounts.models import Membership, Role
from chiso.administration import make_demo_survey
from chiso.assessments import workflow
from chiso.assessments.models import Assessment, Cycle, State
from chiso.assessments.setup import create_cycle, load_sample_frameworks
from chiso.cli.output import render_table
from chiso.engine.frameworks import SURVEY, Node
from chiso.frameworks.models import Framework
from chiso.plans import services as plans
from chiso.plans.models import Frequency, Plan, PlanItem, Responsibility, Task
from chiso.surveys import services as surveys
from chiso.surveys.models import Survey
from chiso.units.models import Unit

DEMO_PASSWORD = "chiso-demo"
PROVINCE_CODE = "22"  # Quảng Ninh
EMAIL_DOMAIN = "chiso.example"

# (local code, name, kind, login suffix)
DEPARTMENTS = [
    ("22.VP", "Văn phòng UBND tỉnh", "văn phòng", "vanphong"),
    ("22.SNV", "Sở Nội vụ", "sở", "sonoivu"),
    ("22.STP", "Sở Tư pháp", "sở", "sotuphap"),
    ("22.STC", "Sở Tài chính", "sở", "sotaichinh"),
    ("22.SCT", "Sở Công Thương", "sở", "socongthuong"),
    ("22.SNNMT", "Sở Nông nghiệp và Môi trường", "sở", "sonongnghiep"),
    ("22.SXD", "Sở Xây dựng", "sở", "soxaydung"),
    ("22.SKHCN", "Sở Khoa học và Công nghệ", "sở", "sokhoahoc"),
    ("22.SGDDT", "Sở Giáo dục và Đào tạo", "sở", "sogiaoduc"),
    ("22.SYT", "Sở Y tế", "sở", "soyte"),
    ("22.SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "sở", "sovanhoa"),
    ("22.SDTTG", "Sở Dân tộc và Tôn giáo", "sở", "sodantoc"),
    ("22.SNGV", "Sở Ngoại vụ", "sở", "songoaivu"),
    ("22.TTR", "Thanh tra tỉnh", "thanh tra", "thanhtra"),
]

# official code → login suffix: wards of Hạ Long's old area, Cẩm Phả, and the two special zones
COMMUNES = {
    "06688": "halong",
    "06673": "baichay",
    "06685": "honggai",
    "06652": "hatu",
    "06706": "tuanchau",
    "06793": "campha",
    "06994": "vandon",
    "07192": "coto",
}

# Units whose staff and head can log in with the demo password (the others' accounts exist only
# as the authors of the seeded history and cannot log in).
LOGIN_UNITS = ("sotuphap", "soyte", "halong", "vandon")

# The 2025 departments cycle: where each unit is left.
STARTED = "started"
DEPARTMENT_STATES = {
    "sotuphap": STARTED,
    "sovanhoa": STARTED,
    "songoaivu": State.DRAFT,
    "sodantoc": State.DRAFT,
    "socongthuong": State.AWAITING_HEAD,
    "soxaydung": State.SUBMITTED,
    "sotaichinh": State.UNDER_APPRAISAL,
    "soyte": State.APPRAISED,
    "sogiaoduc": State.EXPLAINED,
    "sokhoahoc": State.COUNCIL,
    "sonoivu": State.APPROVED,
    "vanphong": State.APPROVED,
    "thanhtra": State.APPROVED,
    "sonongnghiep": State.APPROVED,
}
COMMUNE_STATES = {
    "halong": STARTED,
    "baichay": State.DRAFT,
    "honggai": State.AWAITING_HEAD,
    "hatu": State.SUBMITTED,
    "tuanchau": State.APPRAISED,
    "campha": State.APPROVED,
    "vandon": STARTED,
    "coto": State.DRAFT,
}

BLOCK_DEPARTMENTS = "Sở, ban, ngành"
BLOCK_COMMUNES = "UBND cấp xã"
CYCLE_NAMES = {
    2024: "Chỉ số CCHC các sở, ban, ngành năm 2024",
    2025: "Chỉ số CCHC các sở, ban, ngành năm 2025",
    "communes": "Chỉ số CCHC UBND cấp xã năm 2025",
}

APPRAISAL_REASONS = [
    "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả thực hiện trong năm.",
    "Báo cáo gửi chậm so với thời hạn quy định.",
    "Số liệu tự đánh giá chưa khớp với số liệu trên Hệ thống thông tin giải quyết thủ tục hành chính.",
]
EXPLANATION = (
    "Đơn vị bổ sung văn bản và số liệu tổng hợp; đề nghị Tổ thẩm định xem xét lại điểm tiêu chí này."
)
NOTE = "Tài liệu kiểm chứng lưu tại bộ phận văn thư của đơn vị, sẽ cung cấp khi thẩm định."


class DemoRefused(RuntimeError):
    """seed_demo outside demo mode: no default passwords outside `chiso demo`."""


@dataclass
class Account:
    username: str
    role: str
    unit: str
    password: str


def _pdf(text: str) -> bytes:
    """A one-page PDF showing one line of (ASCII) text, with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


EVIDENCE_PDF = _pdf("chiso demo - tai lieu kiem chung (demo evidence document)")


# -- units, frameworks, people ----------------------------------------------------------------------


def _departments() -> dict[str, Unit]:
    units = {}
    for code, name, kind, slug in DEPARTMENTS:
        unit, _ = Unit.objects.update_or_create(
            level="department",
            code=code,
            valid_from=None,
            defaults={"name": name, "kind": kind, "parent_code": PROVINCE_CODE},
        )
        units[slug] = unit
    return units


def _communes() -> dict[str, Unit]:
    if not Unit.objects.filter(level="commune", code__in=list(COMMUNES)).exists():
        from chiso.units.registry import load_communes

        load_communes()
    found = {u.code: u for u in Unit.objects.filter(level="commune", code__in=list(COMMUNES), valid_to=None)}
    return {slug: found[code] for code, slug in COMMUNES.items()}


def _user(username: str, first: str, last: str, can_log_in: bool, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@{EMAIL_DOMAIN}",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        if can_log_in:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _member(user: User, role: str, unit: Unit | None = None) -> None:
    Membership.objects.get_or_create(user=user, role=role, unit=unit)


def _people(units: dict[str, Unit]) -> tuple[dict[str, User], list[Account]]:
    people: dict[str, User] = {}
    accounts: list[Account] = []
    for username, role, first, last in (
        ("admin", Role.ADMIN, "Quản trị", "hệ thống"),
        ("sonoivu", Role.OFFICER, "Chuyên viên", "Sở Nội vụ"),
        ("thamdinh", Role.APPRAISER, "Tổ", "thẩm định"),
        ("hoidong", Role.COUNCIL, "Hội đồng", "đánh giá"),
        ("lanhdao", Role.LEADER, "Lãnh đạo", "UBND tỉnh"),
    ):
        user = _user(username, first, last, True, superuser=username == "admin")
        _member(user, role)
        people[username] = user
        accounts.append(Account(username, str(Role(role).label), "", DEMO_PASSWORD))
    for slug, unit in units.items():
        can_log_in = slug in LOGIN_UNITS
        for prefix, role, title in (
            ("canbo", Role.UNIT_STAFF, "Cán bộ"),
            ("thutruong", Role.UNIT_HEAD, "Thủ trưởng"),
        ):
            user = _user(f"{prefix}_{slug}", title, unit.name, can_log_in)
            _member(user, role, unit)
            people[f"{prefix}_{slug}"] = user
            if can_log_in:
                accounts.append(Account(user.username, str(Role(role).label), unit.name, DEMO_PASSWORD))
    return people, accounts


# -- filling assessments ----------------------------------------------------------------------------


def _inputs(node: Node, rng: random.Random) -> dict:
    """Plausible raw inputs for a leaf under its rule, varied per unit."""
    rule = node.rule.type if node.rule else "manual"
    params = node.rule.params if node.rule else {}
    maximum = node.max_points or Decimal(10)
    if rule == "choice":
        options = params["options"]
        return {"choice": options[0 if rng.random() < 0.7 else min(1, len(options) - 1)]["code"]}
    if rule == "proportional":
        denominator = rng.randint(40, 400)
        return {
            "numerator": str(denominator - rng.randint(0, denominator // 6)),
            "denominator": str(denominator),
        }
    if rule == "step_table":
        thresholds = [Decimal(str(step["min"])) for step in params["steps"]]
        return {"value": str(rng.choice(thresholds[-2:] if len(thresholds) > 1 else thresholds))}
    if rule == "checklist":
        items = [item["code"] for item in params["items"]]
        return {"done": [code for code in items if rng.random() < 0.8]}
    if rule == "target_attainment":
        target = Decimal(str(params["target"]))
        return {"value": str((target * Decimal(rng.randint(85, 110)) / 100).quantize(Decimal("0.1")))}
    if rule == "no_occurrence_full":
        return {"occurrences": "0" if rng.random() < 0.7 else str(rng.randint(1, 2))}
    share = Decimal(rng.choice([100, 100, 90, 80, 75])) / 100
    return {"points": str((maximum * share * 4).to_integral_value() / 4)}


def _self_leaves(assessment: Assessment) -> list[Node]:
    return [n for n in assessment.cycle.framework.to_engine().leaves() if n.method != SURVEY]


def _fill(staff: User, assessment: Assessment, rng: random.Random, share: float = 1.0) -> None:
    """The unit's staff scores (part of) the self-assessment, with evidence or a note."""
    leaves = _self_leaves(assessment)
    for i, node in enumerate(leaves[: max(1, round(len(leaves) * share))]):
        inputs = _inputs(node, rng)
        if node.evidence_required and i % 3 == 0:
            workflow.save_self_score(staff, assessment, node.code, inputs)
            upload = SimpleUploadedFile(
                f"tai-lieu-{node.code}.pdf", EVIDENCE_PDF, content_type="application/pdf"
            )
            workflow.add_evidence(staff, assessment, node.code, upload)
        else:
            workflow.save_self_score(
                staff, assessment, node.code, inputs, note=NOTE if node.evidence_required else ""
            )


def _appraise(appraiser: User, assessment: Assessment, rng: random.Random) -> str:
    """The appraiser lowers one criterion, with a reason; returns its code."""
    rows = {r.criterion: r for r in assessment.scores.all()}
    candidates = [n for n in _self_leaves(assessment) if rows.get(n.code) and rows[n.code].self_points]
    node = rng.choice(candidates)
    own = rows[node.code].self_points
    lower = max(Decimal(0), own - max(Decimal("0.5"), (own / 4).quantize(Decimal("0.25"))))
    workflow.set_appraised(appraiser, assessment, node.code, lower, rng.choice(APPRAISAL_REASONS))
    return node.code


def _survey(officer: User, assessment: Assessment, rng: random.Random, year: int) -> None:
    for node in assessment.cycle.framework.to_engine().leaves():
        if node.method == SURVEY:
            percent = Decimal(rng.randint(700, 960)) / 10
            workflow.set_survey_index(
                officer,
                assessment,
                node.code,
                percent,
                f"Kết quả khảo sát sự hài lòng năm {year} (số liệu mẫu)",
            )


def _drive(assessment: Assessment, target: str, people: dict[str, User], slug: str) -> None:
    """Take one assessment through the workflow services to `target`."""
    rng = random.Random(f"{assessment.cycle.year}-{assessment.cycle.block}-{assessment.unit.code}")
    staff, head = people[f"canbo_{slug}"], people[f"thutruong_{slug}"]
    appraiser, council, officer = people["thamdinh"], people["hoidong"], people["sonoivu"]
    if target == State.DRAFT:
        return
    if target == STARTED:
        _fill(staff, assessment, rng, share=0.4)
        return
    _fill(staff, assessment, rng)
    if target == State.AWAITING_HEAD:
        workflow.send_to_head(staff, assessment)
        return
    workflow.send_to_head(staff, assessment)
    workflow.head_approve(head, assessment)
    if target == State.SUBMITTED:
        return
    code = _appraise(appraiser, assessment, rng)
    if target == State.UNDER_APPRAISAL:
        return
    workflow.send_appraisal(appraiser, assessment)
    if target == State.APPRAISED:
        return
    if target == State.EXPLAINED:
        workflow.explain(staff, assessment, code, EXPLANATION)
        workflow.finish_explanation(staff, assessment)
        return
    workflow.send_to_council(appraiser, assessment)
    if target == State.COUNCIL:
        return
    _survey(officer, assessment, rng, assessment.cycle.year)
    workflow.council_approve(council, assessment)


def _cycle(
    name: str,
    framework: Framework,
    year: int,
    block: str,
    units: dict[str, Unit],
    states: dict[str, str],
    due: date,
    people: dict[str, User],
) -> Cycle:
    cycle = Cycle.objects.filter(name=name).first()
    if cycle is not None:
        return cycle
    cycle = create_cycle(framework, year, block, [units[slug] for slug in states], due, name=name)
    cycle.appraisal_due = due + timedelta(days=30)
    cycle.explanation_due = due + timedelta(days=45)
    cycle.save(update_fields=["appraisal_due", "explanation_due"])
    workflow.audit(people["sonoivu"], "create_cycle", cycle=cycle, after={"units": len(states)})
    for slug, target in states.items():
        _drive(cycle.assessments.get(unit=units[slug]), target, people, slug)
    return cycle


# -- surveys ----------------------------------------------------------------------------------------

SURVEY_TITLES = {
    2025: "Khảo sát SIPAS các sở, ban, ngành năm 2025",
    2024: "Khảo sát SIPAS các sở, ban, ngành năm 2024",
}


def _surveys(officer: User) -> None:
    """The SIPAS questionnaire; 2025 waits for the officer's import, 2024 is imported and estimated."""
    questionnaire = surveys.sipas_questionnaire(officer)
    if not Survey.objects.filter(title=SURVEY_TITLES[2025], year=2025).exists():
        surveys.create_survey(questionnaire, SURVEY_TITLES[2025], 2025, "department", officer)
    if Survey.objects.filter(title=SURVEY_TITLES[2024], year=2024).exists():
        return
    last_year = surveys.create_survey(questionnaire, SURVEY_TITLES[2024], 2024, "department", officer)
    rows = make_demo_survey.to_csv(make_demo_survey.responses(2024, bad_rows=False))
    surveys.import_responses(last_year, ContentFile(rows, name="sipas-2024-kobo-demo.csv"), user=officer)
    surveys.estimate(last_year, officer)
    last_year.status, last_year.published = Survey.Status.CLOSED, True
    last_year.save(update_fields=["status", "published"])


# -- responsibilities and the improvement plan ------------------------------------------------------

# criterion → (lead, supporters), by login suffix (see DEPARTMENTS)
RESPONSIBILITIES = {
    "papi-2018": {
        "d1": ("sonoivu", ["sotuphap"]),
        "d1.1": ("sotuphap", ["sonoivu"]),
        "d2": ("vanphong", ["sotaichinh", "sonongnghiep"]),
        "d2.2": ("sonongnghiep", []),
        "d2.3": ("sotaichinh", []),
        "d2.4": ("sonongnghiep", ["soxaydung"]),
        "d3": ("thanhtra", ["vanphong", "sotuphap"]),
        "d3.3": ("sotuphap", []),
        "d4": ("thanhtra", ["sonoivu"]),
        "d4.3": ("sonoivu", []),
        "d5": ("vanphong", ["sotuphap", "soxaydung", "sonongnghiep"]),
        "d5.1": ("sotuphap", []),
        "d5.2": ("soxaydung", []),
        "d5.3": ("sonongnghiep", []),
        "d6": ("soyte", ["sogiaoduc", "soxaydung"]),
        "d6.2": ("sogiaoduc", []),
        "d6.3": ("soxaydung", []),
        "d7": ("sonongnghiep", ["soxaydung", "soyte"]),
        "d8": ("sokhoahoc", ["vanphong", "sovanhoa"]),
    },
    "department": {
        "1": ("sonoivu", ["vanphong"]),
        "2": ("sotuphap", []),
        "3": ("vanphong", ["sokhoahoc"]),
        "3.3": ("sokhoahoc", ["vanphong"]),
        "4": ("sonoivu", []),
        "5": ("sonoivu", []),
        "6": ("sotaichinh", []),
        "7": ("sokhoahoc", ["vanphong"]),
        "8": ("sonoivu", []),
    },
}

PLAN_TITLE = "Kế hoạch cải thiện Chỉ số PAPI năm 2025 của tỉnh Quảng Ninh"
PLAN_THRESHOLD = 60  # percent of a dimension's maximum
PLAN_STARTED_DAYS_AGO = 135

# dimension → (deadline in days from today, actions, latest % done reported or None for silence,
# tasks: (title, owner, due in days from today, status))
DONE, UNDER_WAY, NOT_STARTED = Task.Status.DONE, Task.Status.IN_PROGRESS, Task.Status.NOT_STARTED
PLAN_ITEMS = {
    "d8": (
        200,
        "Nâng cấp Cổng thông tin điện tử tỉnh và Cổng dịch vụ công; hướng dẫn người dân dùng dịch vụ "
        "công trực tuyến ngay tại bộ phận một cửa.",
        45,
        [
            ("Rà soát, nâng cấp chức năng hỏi đáp trên Cổng thông tin điện tử tỉnh", "sokhoahoc", -40, DONE),
            (
                "Bố trí người hướng dẫn dịch vụ công trực tuyến tại bộ phận một cửa cấp xã",
                "sokhoahoc",
                60,
                UNDER_WAY,
            ),
            (
                "Công khai kết quả trả lời kiến nghị của người dân trên Cổng thông tin điện tử",
                "vanphong",
                120,
                NOT_STARTED,
            ),
        ],
    ),
    "d7": (
        230,
        "Tăng cường kiểm tra xử lý chất thải tại khu, cụm công nghiệp và cơ sở y tế; công khai kết quả "
        "quan trắc không khí, nước.",
        None,
        [
            ("Kiểm tra việc xử lý chất thải tại các khu, cụm công nghiệp", "sonongnghiep", 90, UNDER_WAY),
            ("Kiểm tra thu gom, xử lý chất thải y tế tại các cơ sở y tế công lập", "soyte", 100, NOT_STARTED),
        ],
    ),
    "d3": (
        170,
        "Giải quyết dứt điểm khiếu nại, tố cáo tồn đọng; đưa trợ giúp pháp lý về cơ sở; lãnh đạo các sở "
        "tiếp công dân định kỳ.",
        50,
        [
            (
                "Công khai kết quả giải quyết khiếu nại, tố cáo trên Cổng thông tin điện tử tỉnh",
                "thanhtra",
                -30,
                DONE,
            ),
            ("Tổ chức trợ giúp pháp lý lưu động tại các xã vùng sâu, vùng xa", "sotuphap", -12, UNDER_WAY),
            ("Lãnh đạo các sở, ngành tiếp công dân định kỳ theo lịch công khai", "thanhtra", 75, UNDER_WAY),
        ],
    ),
    "d2": (
        260,
        "Công khai đầy đủ danh sách hộ nghèo, thu chi ngân sách xã, quy hoạch và bảng giá đất tại nơi "
        "người dân dễ tiếp cận.",
        35,
        [
            ("Hướng dẫn cấp xã công khai thu chi ngân sách theo quy định", "sotaichinh", -20, DONE),
            (
                "Công khai danh sách hộ nghèo, hộ cận nghèo tại nhà văn hóa thôn, khu phố",
                "sonongnghiep",
                45,
                UNDER_WAY,
            ),
        ],
    ),
    "d1": (
        290,
        "Hướng dẫn bầu cử trưởng thôn, tổ trưởng dân phố đúng quy định; phổ biến quy định về dân chủ ở cơ sở.",
        5,
        [
            ("Phổ biến quy định về thực hiện dân chủ ở cơ sở cho người dân", "sotuphap", 100, UNDER_WAY),
            (
                "Hướng dẫn tổ chức bầu cử trưởng thôn, tổ trưởng dân phố đúng quy định",
                "sonoivu",
                150,
                NOT_STARTED,
            ),
        ],
    ),
}
PROGRESS_TEXT = "Đã triển khai các nhiệm vụ theo kế hoạch; kết quả chi tiết trong báo cáo kèm theo."
TASK_REPORT_TEXT = "Đã tổ chức 3 trong 5 đợt trợ giúp pháp lý lưu động; 2 đợt còn lại chậm do mưa bão."
SIGNERS = ("sotuphap", "sokhoahoc")  # heads who sign; Sở Y tế's head is left to sign in the demo


def _responsibilities(frameworks: dict[str, Framework], units: dict[str, Unit]) -> None:
    """Who leads and supports each criterion; rows the officer has set are left alone."""
    for key, table in RESPONSIBILITIES.items():
        framework = frameworks.get(key) or Framework.objects.get(code=key)
        for criterion, (lead, supporters) in table.items():
            row, created = Responsibility.objects.get_or_create(
                framework=framework, criterion=criterion, defaults={"lead": units[lead]}
            )
            if created:
                row.supporters.set([units[slug] for slug in supporters])


def _plan(people: dict[str, User], units: dict[str, Unit], today: date) -> None:
    """The province's PAPI plan after its 2024 result, half a year under way; then the escalations."""
    if Plan.objects.filter(title=PLAN_TITLE).exists():
        return
    officer = people["sonoivu"]
    started = today - timedelta(days=PLAN_STARTED_DAYS_AGO)
    subject = plans.national_subject("papi", 2024, PROVINCE_CODE)
    plan = plans.plan_for(subject, officer)
    plan.title, plan.starts, plan.report_every = PLAN_TITLE, started, Frequency.QUARTERLY
    plan.save(update_fields=["title", "starts", "report_every"])
    slug_of = {unit.pk: slug for slug, unit in units.items()}
    rng = random.Random("chiso-demo-plan")
    for proposal in plans.propose_items(subject.analysis, subject.ref, PLAN_THRESHOLD, subject.framework):
        deadline_days, actions, percent, tasks = PLAN_ITEMS[proposal.code]
        target = max(proposal.points, proposal.max_points * PLAN_THRESHOLD / 100)
        item = plans.add_item(
            officer,
            plan,
            criterion=proposal.code,
            lead=proposal.lead,
            supporters=proposal.supporters,
            deadline=today + timedelta(days=deadline_days),
            actions=actions,
            target_points=target,
            expected_gain=target - proposal.points,
            current_points=proposal.points,
        )
        PlanItem.objects.filter(pk=item.pk).update(created=started)
        item.created = started
        for title, owner, due, status in tasks:
            task = plans.add_task(
                officer,
                item,
                title=title,
                owner=units[owner],
                due=today + timedelta(days=due),
                owner_user=people[f"canbo_{owner}"],
            )
            if status != NOT_STARTED:
                done_on = today + timedelta(days=due - rng.randint(1, 10))
                plans.set_task_status(people[f"canbo_{owner}"], task, status, today=done_on)
        if percent is None:
            continue  # the silent owner: no report for the periods already due
        staff = people[f"canbo_{slug_of[item.lead_id]}"]
        entries = [e for e in plans.schedule(item, today) if e.period.start <= today]
        for number, entry in enumerate(entries, start=1):
            upload = None
            if number == len(entries):
                upload = SimpleUploadedFile(
                    "bao-cao-tien-do.pdf", EVIDENCE_PDF, content_type="application/pdf"
                )
            plans.submit_report(
                staff,
                item,
                period=entry.period,
                text=PROGRESS_TEXT,
                percent_done=percent * number // len(entries),
                evidence=upload,
            )
    late = Task.objects.get(item__plan=plan, title=PLAN_ITEMS["d3"][3][1][0])
    plans.submit_report(
        people["canbo_sotuphap"],
        late.item,
        period=plans.Period.containing(plan.report_every, today),
        text=TASK_REPORT_TEXT,
        percent_done=60,
        task=late,
    )
    for slug in SIGNERS:
        plans.sign_commitment(people[f"thutruong_{slug}"], plan, units[slug])
    plans.escalate(today, send=False)


def seed_demo(out: TextIO = sys.stdout, today: date | None = None) -> list[Account]:
    """Create (once) the demo province, cycles and users; print the demo accounts."""
    if os.environ.get("CHISO_DEMO") != "1":
        raise DemoRefused(
            "seed_demo chỉ chạy trong chế độ demo (CHISO_DEMO=1, lệnh `chiso demo`): "
            "nó tạo người dùng với mật khẩu mặc định. / demo mode only: it creates default passwords."
        )
    today = today or date.today()
    with transaction.atomic():
        departments = _departments()
        communes = _communes()
        frameworks = {f.scope: f for f in load_sample_frameworks()}
        people, accounts = _people({**departments, **communes})
        if not Cycle.objects.filter(name=CYCLE_NAMES[2024]).exists():
            last_year = _cycle(
                CYCLE_NAMES[2024],
                frameworks["department"],
                2024,
                BLOCK_DEPARTMENTS,
                departments,
                {slug: State.APPROVED for slug in departments},
                today + timedelta(days=30),
                people,
            )
            # Last year's cycle closed long ago; it was run with a deadline of 31/01/2025.
            Cycle.objects.filter(pk=last_year.pk).update(self_assessment_due=date(2025, 1, 31))
            workflow.publish(people["sonoivu"], last_year)
        _cycle(
            CYCLE_NAMES[2025],
            frameworks["department"],
            2025,
            BLOCK_DEPARTMENTS,
            departments,
            DEPARTMENT_STATES,
            today + timedelta(days=21),
            people,
        )
        if not Cycle.objects.filter(name=CYCLE_NAMES["communes"]).exists():
            communes_cycle = _cycle(
                CYCLE_NAMES["communes"],
                frameworks["commune"],
                2025,
                BLOCK_COMMUNES,
                communes,
                COMMUNE_STATES,
                today + timedelta(days=21),
                people,
            )
            # The communes' deadline has passed: the dashboard shows who is overdue.
            Cycle.objects.filter(pk=communes_cycle.pk).update(self_assessment_due=today - timedelta(days=3))
        _surveys(people["sonoivu"])
        _responsibilities(frameworks | {"papi-2018": Framework.objects.get(code="papi-2018")}, departments)
        _plan(people, departments, today)
    print_accounts(accounts, out)
    print_sample_file(out)
    return accounts


def print_accounts(accounts: list[Account], out: TextIO) -> None:
    rows = [[a.username, a.role, a.unit or "—", a.password] for a in accounts]
    out.write("\nTài khoản demo / demo accounts (chỉ dùng cho bản demo / demo only):\n\n")
    out.write(
        render_table(["Tên đăng nhập", "Vai trò", "Đơn vị", "Mật khẩu"], rows, [False, False, False, False])
    )
    out.write("\n\n")


def print_sample_file(out: TextIO) -> None:
    from chiso.data import data_path

    out.write(
        f"Tệp khảo sát mẫu (dữ liệu giả lập) để nhập tại /khao-sat/ vào «{SURVEY_TITLES[2025]}» / "
        f"sample survey file (synthetic) to import at /khao-sat/:\n  "
        f"{data_path(*make_demo_survey.SAMPLE_FILE)}\n\n"
    )

"""The demo cycles: assessments taken through the workflow services to every state, with invented
points (deterministic per unit), evidence, appraisal reasons and explanations."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.assessments import evidence as evidence_service
from chiso.assessments import workflow
from chiso.assessments.models import Assessment, Cycle, State
from chiso.assessments.setup import create_cycle
from chiso.engine.frameworks import SURVEY, Node
from chiso.frameworks.models import Framework
from chiso.units.models import Unit

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
        version = workflow.current_version(assessment, node.code)
        if node.evidence_required and i % 3 == 0:
            workflow.save_self_score(staff, assessment, node.code, inputs, expected_version=version)
            upload = SimpleUploadedFile(
                f"tai-lieu-{node.code}.pdf", EVIDENCE_PDF, content_type="application/pdf"
            )
            evidence_service.add_evidence(staff, assessment, node.code, upload)
        else:
            workflow.save_self_score(
                staff,
                assessment,
                node.code,
                inputs,
                note=NOTE if node.evidence_required else "",
                expected_version=version,
            )


def _appraise(appraiser: User, assessment: Assessment, rng: random.Random) -> str:
    """The appraiser lowers one criterion, with a reason; returns its code."""
    rows = {r.criterion: r for r in assessment.scores.all()}
    candidates = [n for n in _self_leaves(assessment) if rows.get(n.code) and rows[n.code].self_points]
    node = rng.choice(candidates)
    own = rows[node.code].self_points
    assert own is not None  # the candidates are the criteria with self points
    lower = max(Decimal(0), own - max(Decimal("0.5"), (own / 4).quantize(Decimal("0.25"))))
    workflow.set_appraised(
        appraiser,
        assessment,
        node.code,
        lower,
        rng.choice(APPRAISAL_REASONS),
        expected_version=rows[node.code].version,
    )
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
                expected_version=workflow.current_version(assessment, node.code),
            )


def drive(assessment: Assessment, target: str, people: dict[str, User], slug: str) -> None:
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
    if target == State.APPROVED:  # the survey indices come in before the council locks the points
        _survey(officer, assessment, rng, assessment.cycle.year)
    workflow.send_to_council(appraiser, assessment)
    if target == State.COUNCIL:
        return
    workflow.council_approve(council, assessment)


def cycle(
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
        drive(cycle.assessments.get(unit=units[slug]), target, people, slug)
    return cycle

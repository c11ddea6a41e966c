"""Filling an assessment the way a unit would, for tests."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.assessments import evidence as evidence_service
from chiso.assessments import workflow
from chiso.assessments.models import Assessment
from chiso.engine.frameworks import SURVEY

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def inputs_for(node) -> dict:
    """Plausible raw inputs for a leaf, whatever its rule."""
    rule = node.rule.type if node.rule else "manual"
    params = node.rule.params if node.rule else {}
    if rule == "choice":
        return {"choice": params["options"][0]["code"]}
    if rule == "proportional":
        return {"numerator": "950", "denominator": "1000"}
    if rule == "step_table":
        return {"value": "4"}
    if rule == "checklist":
        return {"done": [item["code"] for item in params["items"]][:2]}
    if rule == "target_attainment":
        return {"value": "72"}
    if rule == "no_occurrence_full":
        return {"occurrences": "0"}
    return {"points": str(node.max_points - Decimal("0.5"))}


def fill_self_assessment(user, assessment, with_evidence: bool = True) -> None:
    framework = assessment.cycle.framework.to_engine()
    for node in framework.leaves():
        if node.method == SURVEY:
            continue
        workflow.save_self_score(
            user,
            assessment,
            node.code,
            inputs_for(node),
            expected_version=workflow.current_version(assessment, node.code),
        )
        if node.evidence_required:
            if with_evidence:
                upload = SimpleUploadedFile(f"bao-cao-{node.code}.pdf", PDF, content_type="application/pdf")
                evidence_service.add_evidence(user, assessment, node.code, upload)
            else:
                workflow.save_self_score(
                    user,
                    assessment,
                    node.code,
                    inputs_for(node),
                    note="Tài liệu đang trình ký, sẽ bổ sung.",
                    expected_version=workflow.current_version(assessment, node.code),
                )


def version_of(assessment) -> int:
    """The assessment's version now: what its page posts with each step."""
    return Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)


def version(assessment, criterion: str) -> int:
    """A criterion score's version now: what its form posts with each save."""
    return workflow.current_version(assessment, criterion)

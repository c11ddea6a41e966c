"""A cycle stores the method its points and ranks are computed with: when it is created, and again
when it is published (the framework cannot change once a unit has started)."""

from __future__ import annotations

import pytest

from chiso.assessments import workflow
from chiso.assessments.tests.helpers import fill_self_assessment
from chiso.frameworks.method import FIGURE_KEYS, content_sha256

pytestmark = pytest.mark.django_db


def test_a_new_cycle_records_its_method(cycle):
    method = cycle.method
    assert set(FIGURE_KEYS) <= set(method) and method["recorded"] == "create"
    framework = cycle.framework.to_engine()
    assert method["framework"] == cycle.framework.code and method["framework_version"] == framework.version
    assert method["framework_sha256"] == content_sha256(framework)
    assert method["precision"] == framework.ranking.precision and method["level"] == "department"
    assert method["code_version"]


def test_publication_records_the_method_of_the_published_figures(cycle, people):
    for assessment, staff, head in (
        (cycle.assessments.get(unit__code="QN.STP"), people["staff"], people["head"]),
        (cycle.assessments.get(unit__code="QN.SYT"), people["other_staff"], people["other_head"]),
    ):
        fill_self_assessment(staff, assessment, with_evidence=False)
        workflow.head_approve(head, assessment)
        workflow.send_appraisal(people["appraiser"], assessment)
        for code in ("8.1", "8.2"):
            workflow.set_survey_index(
                people["officer"],
                assessment,
                code,
                "80",
                expected_version=workflow.current_version(assessment, code),
            )
        workflow.send_to_council(people["officer"], assessment)
        workflow.council_approve(people["council"], assessment)
    workflow.publish(people["officer"], cycle)
    cycle.refresh_from_db()
    assert cycle.method["recorded"] == "publish"
    assert cycle.method["framework_sha256"] == content_sha256(cycle.framework.to_engine())

"""Points relative to the other units (`normalised_to_best`) are computed over the whole cycle: when
one unit saves, every other unit's points of that criterion are scored again, at every stage, in
the same transaction, and the change is audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from chiso.assessments import workflow
from chiso.assessments.models import Assessment, AuditEntry, CriterionScore
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, cycle_analysis, leaf_points
from chiso.assessments.setup import create_cycle
from chiso.engine.frameworks import Framework, Node, Rule
from chiso.frameworks.models import Index
from chiso.frameworks.services import save_framework
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer_cycle(departments):
    """Two departments; criterion 1 (4 points) compares each one's value with the best one's,
    criterion 2 (4 points) is scored directly."""
    Index.objects.get_or_create(
        code="peer_test", defaults={"short_name": "PEER", "name_vi": "Chỉ số thử", "unit_level": "department"}
    )
    root = Node(
        code="total",
        name_vi="Tổng",
        level="index",
        max_points=Decimal(8),
        method="self",
        children=[
            Node(
                code="1",
                name_vi="Tỷ lệ so với đơn vị cao nhất",
                level="criterion",
                max_points=Decimal(4),
                method="self",
                rule=Rule("normalised_to_best", {}),
            ),
            Node(code="2", name_vi="Chấm trực tiếp", level="criterion", max_points=Decimal(4), method="self"),
        ],
    )
    framework = save_framework(
        Framework(
            code="peer-test-2025", index="peer_test", name_vi="Khung thử", root=root, scope="department"
        )
    )
    return create_cycle(framework, 2025, "Sở", departments, date.today() + timedelta(days=30))


def _save(user, assessment, code, inputs):
    row = CriterionScore.objects.filter(assessment=assessment, criterion=code).first()
    return workflow.save_self_score(
        user, assessment, code, inputs, expected_version=row.version if row else 0
    )


def _points(assessment, code="1"):
    row = CriterionScore.objects.get(assessment=assessment, criterion=code)
    return row.self_points, row.appraised_points, row.final_points


def _rank(cycle, unit, stage=SELF):
    analysis = cycle_analysis(cycle, stage)
    return analysis.total_ranking.rank_of(unit.to_engine().ref)


def test_the_probe_one_unit_enters_10_another_40_gives_1_and_4(peer_cycle, departments, people):
    justice, health = departments
    a_justice = peer_cycle.assessments.get(unit=justice)
    a_health = peer_cycle.assessments.get(unit=health)
    _save(people["staff"], a_justice, "1", {"value": "10"})
    _save(people["staff"], a_justice, "2", {"points": "2"})
    assert _points(a_justice)[0] == Decimal(4)  # alone, it is the best
    _save(people["other_staff"], a_health, "1", {"value": "40"})
    _save(people["other_staff"], a_health, "2", {"points": "2"})
    assert _points(a_justice)[0] == Decimal(1)
    assert _points(a_health)[0] == Decimal(4)
    assert (_rank(peer_cycle, health), _rank(peer_cycle, justice)) == (1, 2)
    entry = AuditEntry.objects.get(action="peer_rescore", assessment=a_justice)
    assert entry.user == people["other_staff"] and entry.criterion == "1"
    assert isinstance(entry.before, dict) and isinstance(entry.after, dict)
    assert Decimal(entry.before["self"]) == 4 and Decimal(entry.after["self"]) == 1
    assert entry.before["final"] is None and entry.after["final"] is None
    # The other unit's name is not written into this unit's log.
    assert health.name not in entry.reason


def test_a_unit_lowering_its_own_value_is_compared_with_the_others_not_with_its_old_value(
    peer_cycle, departments, people
):
    justice, health = departments
    a_justice = peer_cycle.assessments.get(unit=justice)
    a_health = peer_cycle.assessments.get(unit=health)
    _save(people["staff"], a_justice, "1", {"value": "10"})
    _save(people["other_staff"], a_health, "1", {"value": "40"})
    # The form's preview gives what a save will store.
    assert leaf_points(a_health, peer_cycle.framework.to_engine().node("1"), {"value": "5"}) == Decimal(2)
    _save(people["other_staff"], a_health, "1", {"value": "5"})
    assert _points(a_health)[0] == Decimal(2)  # 5 of the best 10, not of its own former 40
    assert _points(a_justice)[0] == Decimal(4)  # the best again
    # Clearing a value takes it out of the comparison too.
    _save(people["staff"], a_justice, "1", {})
    assert _points(a_justice)[0] is None and _points(a_health)[0] == Decimal(4)


def _approve(people, assessment, staff, head, appraised_1=None):
    """Submit, appraise (criterion 1 at `appraised_1` with a reason, if given), approve."""
    workflow.head_approve(people[head], assessment)
    if appraised_1 is not None:
        workflow.set_appraised(
            people["appraiser"],
            assessment,
            "1",
            appraised_1,
            "Số liệu chưa đủ căn cứ",
            expected_version=workflow.current_version(assessment, "1"),
        )
    workflow.send_appraisal(people["appraiser"], assessment)  # unappraised: appraised = self
    workflow.send_to_council(people["appraiser"], assessment)
    workflow.council_approve(people["council"], assessment)  # final = appraised


def test_the_appraised_and_final_stages_follow_and_an_appraisers_decision_stays(
    peer_cycle, departments, people
):
    justice, health = departments
    a_justice = peer_cycle.assessments.get(unit=justice)
    a_health = peer_cycle.assessments.get(unit=health)
    _save(people["staff"], a_justice, "1", {"value": "10"})
    _save(people["staff"], a_justice, "2", {"points": "2"})
    _approve(people, a_justice, "staff", "head")
    assert _points(a_justice) == (Decimal(4), Decimal(4), Decimal(4))

    _save(people["other_staff"], a_health, "1", {"value": "40"})
    _save(people["other_staff"], a_health, "2", {"points": "2"})
    # The approved unit's points of every stage follow the rule: its final total is 1 + 2.
    assert _points(a_justice) == (Decimal(1), Decimal(1), Decimal(1))
    final = cycle_analysis(peer_cycle, FINAL)
    assert final.current.value(justice.to_engine().ref, "total") == Decimal(3)
    assert _rank(peer_cycle, health, APPRAISED) == 1 and _rank(peer_cycle, justice, APPRAISED) == 2

    # The appraiser decides 3.5 for Sở Y tế's criterion 1 (the rule gave 4); a third unit then
    # enters a higher value: the rule's points move, the appraiser's decision stays.
    _approve(people, a_health, "other_staff", "other_head", appraised_1="3.5")
    assert _points(a_health) == (Decimal(4), Decimal("3.5"), Decimal("3.5"))
    works = Unit.objects.create(
        level="department", code="QN.SXD", name="Sở Xây dựng", kind="sở", parent_code="22"
    )
    a_works = Assessment.objects.create(cycle=peer_cycle, unit=works)
    staff = User.objects.create_user("canbo_sxd", "canbo_sxd@example.vn", "pw")
    Membership.objects.create(user=staff, role=Role.UNIT_STAFF, unit=works)
    _save(staff, a_works, "1", {"value": "80"})
    assert _points(a_justice) == (Decimal("0.5"), Decimal("0.5"), Decimal("0.5"))
    assert _points(a_health) == (Decimal(2), Decimal("3.5"), Decimal("3.5"))
    assert _points(a_works)[0] == Decimal(4)


def test_other_rules_do_not_touch_the_other_units(peer_cycle, departments, people):
    justice, health = departments
    a_justice = peer_cycle.assessments.get(unit=justice)
    _save(people["staff"], a_justice, "2", {"points": "3"})
    _save(people["other_staff"], peer_cycle.assessments.get(unit=health), "2", {"points": "1"})
    assert _points(a_justice, "2")[0] == Decimal(3)
    assert not AuditEntry.objects.filter(action="peer_rescore").exists()


def test_the_audit_page_states_a_peer_rescore_in_words():
    from chiso.assessments.views.audit import ACTION_LABELS, describe

    assert describe({"self": "4", "appraised": "4", "final": None}, "peer") == "tự chấm 4,00; thẩm định 4,00"
    assert describe({"self": None, "appraised": None, "final": None}, "peer") == "–"
    assert str(ACTION_LABELS["peer_rescore"]) == "Tính lại điểm so với đơn vị cao nhất"

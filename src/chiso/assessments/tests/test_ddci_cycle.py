"""A DDCI cycle of departments and one of districts, run from the shipped frameworks
(`ddci-department`, `ddci-district`) through the whole workflow to publication.

The shipped DDCI frameworks know the components but not their weights (the total is a weighted sum;
each province decides its weights): the components are ranked, the total stays missing and is never
made up. An organiser who has its province's weights declares them in a copy of the framework
(`weight` on each component, as `chiso frameworks export` → edit → `chiso frameworks import`
does); the total and the ranking then follow.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import yaml
from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from chiso.assessments import workflow
from chiso.assessments.models import Cycle, State
from chiso.assessments.scoring import cycle_analysis, cycle_results
from chiso.assessments.setup import create_cycle
from chiso.engine.frameworks import WEIGHTED
from chiso.engine.validation import validate_framework
from chiso.frameworks.io import dump_framework_yaml, load_framework_yaml
from chiso.frameworks.models import Framework
from chiso.frameworks.services import find_index, framework_for, save_framework
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

YEAR = 2024
DEPARTMENTS = [
    ("QN.SXD", "Sở Xây dựng"),
    ("QN.STC", "Sở Tài chính"),
    ("QN.SCT", "Sở Công Thương"),
    ("QN.SNN", "Sở Nông nghiệp và Môi trường"),
]
DISTRICTS = [
    ("QN.H1", "Huyện Tiên Yên"),
    ("QN.H2", "Huyện Bình Liêu"),
    ("QN.H3", "Huyện Đầm Hà"),
    ("QN.H4", "Huyện Hải Hà"),
]


def _user(name: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(name, f"{name}@example.vn", "pw")
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


def _units(level: str, rows: list[tuple[str, str]]) -> list[Unit]:
    return [Unit.objects.create(level=level, code=code, name=name, parent_code="22") for code, name in rows]


@pytest.fixture
def organisers(db) -> dict[str, User]:
    return {
        "officer": _user("sonoivu", Role.OFFICER),
        "appraiser": _user("thamdinh", Role.APPRAISER),
        "council": _user("hoidong", Role.COUNCIL),
    }


def run_cycle(framework: Framework, units: list[Unit], points: dict[str, list[str]], people: dict) -> Cycle:
    """Create the cycle, let every unit score every leaf (points[unit code], in leaf order), pass it
    through the head, the appraiser and the council, and publish it."""
    cycle = create_cycle(framework, YEAR, "DDCI", units, date.today() + timedelta(days=30))
    leaves = framework.to_engine().leaves()
    for assessment in cycle.assessments.select_related("unit"):
        code = assessment.unit.code
        staff = _user(f"canbo_{cycle.pk}_{code}", Role.UNIT_STAFF, assessment.unit)
        head = _user(f"thutruong_{cycle.pk}_{code}", Role.UNIT_HEAD, assessment.unit)
        assert len(points[code]) == len(leaves)
        for leaf, value in zip(leaves, points[code], strict=True):
            workflow.save_self_score(staff, assessment, leaf.code, {"points": value}, expected_version=0)
        assert workflow.missing_for_submission(assessment) == []
        workflow.send_to_head(staff, assessment)
        workflow.head_approve(head, assessment)
        workflow.send_appraisal(people["appraiser"], assessment)
        workflow.send_to_council(people["officer"], assessment)
        workflow.council_approve(people["council"], assessment)
        assessment.refresh_from_db()
        assert assessment.state == State.APPROVED
    workflow.publish(people["officer"], cycle)
    cycle.refresh_from_db()
    assert cycle.is_published
    return cycle


def with_declared_weights(source: Framework, code: str, weights: list[str]) -> Framework:
    """The organiser's copy of a shipped framework with its province's weights, one per component,
    declared the way a framework file declares them (`weight:`); nothing else changes."""
    data = yaml.safe_load(dump_framework_yaml(source.to_engine()))
    data["code"] = code
    data["status"] = "confirmed"
    components = data["root"]["children"]
    assert len(components) == len(weights)
    for component, weight in zip(components, weights, strict=True):
        component["weight"] = weight
    return save_framework(load_framework_yaml(yaml.safe_dump(data, allow_unicode=True)))


# Component points of four departments (5 components each). Sở Tài chính and Sở Công Thương tie on
# the first component; with the copy's weights their totals tie too (ranks 1, 2, 2, 4).
DEPARTMENT_POINTS = {
    "QN.SXD": ["8", "7", "9", "6", "7"],
    "QN.STC": ["7", "6.5", "8", "7", "6"],
    "QN.SCT": ["7", "7", "7", "7", "7"],
    "QN.SNN": ["5", "6", "6", "5.5", "4"],
}


def test_a_department_ddci_from_the_shipped_framework_ranks_components_never_a_made_up_total(organisers):
    ddci = find_index("ddci")
    framework = framework_for(ddci, YEAR, "department")
    assert framework.code == "ddci-department"
    engine = framework.to_engine()
    assert engine.aggregation == WEIGHTED and all(c.weight is None for c in engine.root.children)
    # It validates: no error, one warning that the weights are not known.
    problems = validate_framework(engine)
    assert [p for p in problems if p.is_error] == []
    assert any("trọng số" in p.message for p in problems)

    cycle = run_cycle(framework, _units("department", DEPARTMENTS), DEPARTMENT_POINTS, organisers)

    results = cycle_results(cycle)
    construction = next(u.ref for u in results.peers if u.code == "QN.SXD")
    assert results.value(construction, "legal_planning") == D(8)
    # The weights are unknown: every total is missing, none is invented (not a sum, not zero).
    assert all(results.value(unit.ref, "total") is None for unit in results.peers)
    analysis = cycle_analysis(cycle)
    assert analysis.total_ranking.entries == [] and len(analysis.total_ranking.unranked) == 4
    assert [row.rank for row in analysis.league_table()] == [None] * 4
    # Each component is ranked on its own: ties share a rank and the next rank is skipped.
    table = analysis.league_table("legal_planning")
    assert [(row.unit.code, row.rank) for row in table] == [
        ("QN.SXD", 1),
        ("QN.SCT", 2),
        ("QN.STC", 2),
        ("QN.SNN", 4),
    ]
    assert analysis.ranking("legal_planning").of == 4
    assert [row.rank for row in analysis.league_table("component_5")] == [1, 1, 3, 4]


def test_a_department_ddci_with_the_weights_the_organiser_declared_has_totals_and_ranks(organisers):
    shipped = framework_for(find_index("ddci"), YEAR, "department")
    # A province's weights (test data, not a source): 30 %, 20 %, 20 %, 20 %, 10 %.
    framework = with_declared_weights(shipped, "ddci-department-qn", ["0.3", "0.2", "0.2", "0.2", "0.1"])
    assert not [p for p in validate_framework(framework.to_engine()) if "trọng số" in p.message]
    assert Framework.objects.get(code="ddci-department").to_engine().root.children[0].weight is None

    cycle = run_cycle(framework, _units("department", DEPARTMENTS), DEPARTMENT_POINTS, organisers)

    analysis = cycle_analysis(cycle)
    table = analysis.league_table()
    # 0.3·8 + 0.2·(7 + 9 + 6) + 0.1·7 = 7.5; 0.3·7 + 0.2·(6.5 + 8 + 7) + 0.1·6 = 7.0; 7.0; 5.4
    assert [(row.unit.code, row.score, row.rank) for row in table] == [
        ("QN.SXD", D("7.5"), 1),
        ("QN.SCT", D("7.0"), 2),
        ("QN.STC", D("7.0"), 2),
        ("QN.SNN", D("5.4"), 4),
    ]
    assert analysis.total_ranking.of == 4
    assert analysis.computed_mean() == D("6.725")


# Ten components per district; Tiên Yên and Đầm Hà tie on the mean of the ten.
DISTRICT_POINTS = {
    "QN.H1": ["6", "7", "5", "8", "6", "7", "6", "5", "7", "8"],
    "QN.H2": ["5", "5", "6", "6", "5", "6", "5", "5", "6", "5"],
    "QN.H3": ["7", "6", "6", "7", "7", "6", "7", "6", "6", "7"],
    "QN.H4": ["8", "8", "7", "8", "7", "8", "7", "7", "8", "8"],
}


def test_a_district_ddci_runs_from_the_shipped_framework_and_from_a_weighted_copy(organisers):
    ddci = find_index("ddci")
    shipped = framework_for(ddci, YEAR)  # the districts are the level DDCI ranks
    assert shipped.code == "ddci-district" and shipped.scope == "district"
    districts = _units("district", DISTRICTS)

    cycle = run_cycle(shipped, districts, DISTRICT_POINTS, organisers)
    analysis = cycle_analysis(cycle)
    assert [row.score for row in analysis.league_table()] == [None] * 4
    assert [(row.unit.code, row.rank) for row in analysis.league_table("entry_costs")] == [
        ("QN.H4", 1),
        ("QN.H3", 2),
        ("QN.H1", 3),
        ("QN.H2", 4),
    ]

    # Equal weights, declared by the organiser: the total is the mean of the ten components.
    framework = with_declared_weights(shipped, "ddci-district-qn-2024", ["0.1"] * 10)
    cycle = run_cycle(framework, districts, DISTRICT_POINTS, organisers)
    table = cycle_analysis(cycle).league_table()
    assert [(row.unit.code, row.score, row.rank) for row in table] == [
        ("QN.H4", D("7.6"), 1),
        ("QN.H3", D("6.5"), 2),  # Đầm Hà before Tiên Yên: a tie is listed in alphabetical order
        ("QN.H1", D("6.5"), 2),
        ("QN.H2", D("5.4"), 4),
    ]

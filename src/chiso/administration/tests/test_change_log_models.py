"""One change log for everything (issue 10, attack 8): every create, update and delete of the
objects behind chiso's figures is logged with its actor and request id — bulk writes included —
and nothing cascades the log away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, ProtectedError

from chiso.accounts.models import Membership, Role
from chiso.assessments import workflow
from chiso.assessments.models import (
    Assessment,
    AuditEntry,
    CriterionScore,
    Cycle,
    Evidence,
    Explanation,
    State,
)
from chiso.assessments.setup import create_cycle
from chiso.core import changelog
from chiso.core.request_context import acting
from chiso.demo.cycles import drive
from chiso.frameworks.models import CriterionMapping, Framework, Index
from chiso.plans.models import (
    Commitment,
    Escalation,
    Plan,
    PlanItem,
    ProgressReport,
    Responsibility,
    Task,
)
from chiso.results.models import Dataset, PublishedFigure, ResultSet
from chiso.rounds.models import Answer, Attachment, Request, Round
from chiso.surveys.models import ImportBatch, Questionnaire, Response, Survey
from chiso.units.blocks import STANDARD_BLOCKS, ensure_standard_blocks
from chiso.units.models import Block, BlockMembership, Organiser, Unit, UnitLineage, UnitStatistic
from chiso.units.organisers import default_organiser

pytestmark = pytest.mark.django_db

# What the issue lists: indices, frameworks (+ mappings), units (+ lineage, statistics, organisers,
# blocks, memberships), result sets (+ datasets, published figures), cycles, assessments, scores,
# evidence, explanations, surveys (+ questionnaires, imports, responses), plans, items, tasks,
# progress reports, commitments, escalations, responsibilities, users and roles.
LOGGED = {
    "frameworks.index",
    "frameworks.framework",
    "frameworks.criterionmapping",
    "units.unit",
    "units.unitlineage",
    "units.unitstatistic",
    "units.organiser",
    "units.block",
    "units.blockmembership",
    "results.dataset",
    "results.resultset",
    "results.publishedfigure",
    "assessments.cycle",
    "assessments.assessment",
    "assessments.criterionscore",
    "assessments.evidence",
    "assessments.explanation",
    "surveys.questionnaire",
    "surveys.survey",
    "surveys.importbatch",
    "surveys.response",
    "plans.responsibility",
    "plans.plan",
    "plans.planitem",
    "plans.task",
    "plans.progressreport",
    "plans.commitment",
    "plans.escalation",
    "rounds.round",
    "rounds.request",
    "rounds.answer",
    "rounds.attachment",
    "auth.user",
    "accounts.membership",
}


def entries_of(obj: Model | type[Model], pk: Any) -> list[LogEntry]:
    kind = ContentType.objects.get_for_model(obj)
    return list(LogEntry.objects.filter(content_type=kind, object_pk=str(pk)).order_by("id"))


def test_every_model_of_the_issue_is_in_the_change_log():
    assert {model._meta.label_lower for model in changelog.registered_models()} == LOGGED


# -- one object of each kind: made, changed, deleted ------------------------------------------------


@pytest.fixture
def w(cycle, departments, people, framework, tmp_path):
    """What the objects below hang on: the officers' cycle of four departments and its people."""
    index = framework.index
    dataset = Dataset.objects.create(code="thu-nghiem", title="Bộ dữ liệu thử")
    result_set = ResultSet.objects.create(index=index, year=2031, framework=framework, dataset=dataset)
    questionnaire = Questionnaire.objects.create(
        name="Phiếu thử", file="q.xlsx", original_name="q.xlsx", sha256="0" * 64, definition={}
    )
    survey = Survey.objects.create(
        questionnaire=questionnaire, title="Khảo sát thử", year=2031, unit_level="department"
    )
    plan = Plan.objects.create(
        index=index, framework=framework, year=2031, unit=departments["snv"], title="Kế hoạch thử"
    )
    item = PlanItem.objects.create(
        plan=plan, criterion="1", lead=departments["stp"], deadline=date.today() + timedelta(days=30)
    )
    assessment = cycle.assessments.get(unit=departments["stp"])
    return SimpleNamespace(
        cycle=cycle,
        units=departments,
        people=people,
        framework=framework,
        index=index,
        dataset=dataset,
        result_set=result_set,
        questionnaire=questionnaire,
        survey=survey,
        plan=plan,
        item=item,
        assessment=assessment,
        block=Block.objects.create(code="khoi-thu", name="Khối thử"),
    )


def _unit(code: str) -> Unit:
    return Unit.objects.create(level="department", code=code, name=f"Sở {code}", kind="sở", parent_code="22")


def _round(w) -> Round:
    today = date.today()
    return Round.objects.create(
        organiser=default_organiser(), number="1/SNV", issued=today, deadline=today, title="Đợt", year=2031
    )


def _request(w) -> Request:
    return Request.objects.create(round=_round(w), agency=w.units["stp"])


def _answer(w) -> Answer:
    return Answer.objects.create(request=_request(w), framework=w.framework, criterion="1")


# model → (make, change): each makes one object from the world `w` and changes one of its fields.
CASES: dict[type[Model], tuple[Callable[[Any], Model], Callable[[Model], None]]] = {
    Unit: (lambda w: _unit("T.NEW"), lambda o: setattr(o, "name", "Sở Mới")),
    UnitLineage: (
        lambda w: UnitLineage.objects.create(
            old=_unit("T.OLD"), new=w.units["stp"], effective=date(2025, 7, 1), relation="merged_into"
        ),
        lambda o: setattr(o, "note", "sáp nhập"),
    ),
    UnitStatistic: (
        lambda w: UnitStatistic.objects.create(
            unit=w.units["stp"], kind="population_average", year=2031, value=Decimal(1000), source="thử"
        ),
        lambda o: setattr(o, "value", Decimal(1200)),
    ),
    Organiser: (
        lambda w: Organiser.objects.create(code="phong-thu", name="Phòng Nội vụ thử"),
        lambda o: setattr(o, "name", "Phòng Nội vụ mới"),
    ),
    Block: (
        lambda w: Block.objects.create(code="khoi-moi", name="Khối mới"),
        lambda o: setattr(o, "order", 9),
    ),
    BlockMembership: (
        lambda w: BlockMembership.objects.create(unit=w.units["syt"], block=w.block),
        lambda o: setattr(o, "valid_from", date(2031, 1, 1)),
    ),
    Index: (
        lambda w: Index.objects.create(code="thu", short_name="Thử", name_vi="Chỉ số thử"),
        lambda o: setattr(o, "precision", 4),
    ),
    Framework: (
        lambda w: Framework.objects.create(
            index=w.index, code="thu-2031", name_vi="Khung thử", definition={}
        ),
        lambda o: setattr(o, "definition", {"code": "thu-2031"}),
    ),
    CriterionMapping: (
        lambda w: CriterionMapping.objects.create(
            source=w.framework,
            target=Framework.objects.create(index=w.index, code="thu-2032", name_vi="Khung", definition={}),
        ),
        lambda o: setattr(o, "mapping", {"1.1": "1.2"}),
    ),
    Dataset: (
        lambda w: Dataset.objects.create(code="bo-moi", title="Bộ mới"),
        lambda o: setattr(o, "title", "Bộ đã sửa"),
    ),
    ResultSet: (
        lambda w: ResultSet.objects.create(
            index=w.index, year=2032, framework=w.framework, dataset=w.dataset
        ),
        lambda o: setattr(o, "status", ResultSet.Status.PUBLISHED),
    ),
    PublishedFigure: (
        lambda w: PublishedFigure.objects.create(
            result_set=w.result_set, kind="national_mean", value=Decimal("40.5"), source="thử"
        ),
        lambda o: setattr(o, "value", Decimal("41.5")),
    ),
    User: (
        lambda w: User.objects.create_user("nguoi_moi", "moi@example.vn", "pw"),
        lambda o: setattr(o, "first_name", "Mới"),
    ),
    Membership: (
        lambda w: Membership.objects.create(user=w.people["lanhdao"], role=Role.APPRAISER),
        lambda o: setattr(o, "role", Role.COUNCIL),
    ),
    Cycle: (
        lambda w: Cycle.objects.create(
            organiser=default_organiser(),
            name="Kỳ thử",
            framework=w.framework,
            year=2031,
            block="Khối thử",
            self_assessment_due=date(2031, 3, 1),
        ),
        lambda o: setattr(o, "self_assessment_due", date(2031, 4, 1)),
    ),
    Assessment: (
        lambda w: Assessment.objects.create(cycle=w.cycle, unit=_unit("T.ASS")),
        lambda o: setattr(o, "state", State.SUBMITTED),
    ),
    CriterionScore: (
        lambda w: CriterionScore.objects.create(assessment=w.assessment, criterion="9.9"),
        lambda o: setattr(o, "self_points", Decimal("1.5")),
    ),
    Evidence: (
        lambda w: Evidence.objects.create(
            assessment=w.assessment,
            criterion="1.1",
            file="evidence/x",
            original_name="x.pdf",
            content_type="application/pdf",
            size=10,
            sha256="1" * 64,
        ),
        lambda o: setattr(o, "removed", True),
    ),
    Explanation: (
        lambda w: Explanation.objects.create(
            score=CriterionScore.objects.create(assessment=w.assessment, criterion="9.8"), round=1, text="Vì"
        ),
        lambda o: setattr(o, "text", "Vì thế"),
    ),
    Questionnaire: (
        lambda w: Questionnaire.objects.create(
            name="Phiếu", file="p.xlsx", original_name="p.xlsx", sha256="2" * 64, definition={}
        ),
        lambda o: setattr(o, "name", "Phiếu mới"),
    ),
    Survey: (
        lambda w: Survey.objects.create(
            questionnaire=w.questionnaire, title="Đợt mới", year=2032, unit_level="department"
        ),
        lambda o: setattr(o, "published", True),
    ),
    ImportBatch: (
        lambda w: ImportBatch.objects.create(survey=w.survey, file_name="r.csv", imported=80),
        lambda o: setattr(o, "imported", 79),
    ),
    Response: (
        lambda w: Response.objects.create(
            survey=w.survey, submission_id="p-1", unit=w.units["stp"], respondent_type="citizen"
        ),
        lambda o: setattr(o, "answers", {"q1": "5"}),
    ),
    Responsibility: (
        lambda w: Responsibility.objects.create(framework=w.framework, criterion="1", lead=w.units["stp"]),
        lambda o: setattr(o, "criterion", "1.1"),
    ),
    Plan: (
        lambda w: Plan.objects.create(
            index=w.index, framework=w.framework, year=2032, unit=w.units["stp"], title="Kế hoạch"
        ),
        lambda o: setattr(o, "title", "Kế hoạch mới"),
    ),
    PlanItem: (
        lambda w: PlanItem.objects.create(
            plan=w.plan, criterion="2", lead=w.units["syt"], deadline=date.today() + timedelta(days=60)
        ),
        lambda o: setattr(o, "actions", "Làm ngay"),
    ),
    Task: (
        lambda w: Task.objects.create(
            item=w.item, title="Việc", owner=w.units["stp"], due=date.today() + timedelta(days=10)
        ),
        lambda o: setattr(o, "title", "Việc mới"),
    ),
    ProgressReport: (
        lambda w: ProgressReport.objects.create(
            item=w.item,
            agency=w.units["stp"],
            period_kind="quarter",
            period_year=2031,
            period_number=1,
            text="Đã làm",
            percent_done=20,
        ),
        lambda o: setattr(o, "percent_done", 40),
    ),
    Commitment: (
        lambda w: Commitment.objects.create(
            plan=w.plan, agency=w.units["stp"], head=w.people["thutruong_stp"], text="Cam kết"
        ),
        lambda o: setattr(o, "text", "Cam kết mới"),
    ),
    Escalation: (
        lambda w: Escalation.objects.create(item=w.item, agency=w.units["stp"], kind="silent", key="q1"),
        lambda o: setattr(o, "key", "q2"),
    ),
    Round: (_round, lambda o: setattr(o, "title", "Đợt mới")),
    Request: (_request, lambda o: setattr(o, "reminders", 1)),
    Answer: (_answer, lambda o: setattr(o, "causes", "Nguyên nhân")),
    Attachment: (
        lambda w: Attachment.objects.create(
            answer=_answer(w), file="rounds/00/00", name="a.pdf", sha256="0" * 64
        ),
        lambda o: setattr(o, "name", "b.pdf"),
    ),
}


def test_the_cases_cover_every_logged_model():
    assert {model._meta.label_lower for model in CASES} == LOGGED


@pytest.mark.parametrize("model", list(CASES), ids=lambda model: model._meta.label_lower)
def test_create_update_and_delete_are_logged_with_actor_and_request_id(model, w):
    make, change = CASES[model]
    officer = w.people["sonoivu"]
    with acting(actor=officer, via="test") as context:
        obj = make(w)
        change(obj)
        obj.save()
        pk = obj.pk
        obj.delete()
    found = entries_of(model, pk)
    actions = [entry.action for entry in found]
    assert actions[0] == changelog.CREATE and changelog.UPDATE in actions and actions[-1] == changelog.DELETE
    assert {(entry.actor_id, entry.cid) for entry in found} == {(officer.pk, context.request_id)}
    assert all(entry.additional_data == {"via": "test"} for entry in found)


def test_a_password_is_logged_as_changed_never_with_its_hash(people):
    user = people["lanhdao"]
    with acting(actor=people["admin"]):
        user.set_password("Mat-khau-moi-2031!")
        user.save()
    entry = entries_of(User, user.pk)[-1]
    assert entry.changes == {"password": ["••••••", "••••••"]}
    assert "pbkdf2" not in str(entry.changes) and "md5" not in str(entry.changes)


def test_a_user_named_in_the_change_log_cannot_be_deleted(people):
    officer = people["sonoivu"]
    with acting(actor=officer):
        _unit("T.LOG")
    with pytest.raises(ProtectedError, match="sonoivu"), transaction.atomic():
        officer.delete()
    assert User.objects.filter(pk=officer.pk).exists()


def test_the_admin_says_why_a_logged_user_cannot_be_deleted(client, people):
    officer, admin = people["sonoivu"], User.objects.create_superuser("goc", "goc@example.vn", "pw")
    with acting(actor=officer):
        _unit("T.LOG")
    client.force_login(admin)
    url = f"/admin/auth/user/{officer.pk}/delete/"
    assert "nhật ký thay đổi ghi tên người này" in client.get(url).content.decode()
    client.post(url, {"post": "yes"})
    assert User.objects.filter(pk=officer.pk).exists()


# -- what signals do not see ------------------------------------------------------------------------


def test_send_appraisal_copies_of_the_units_points_are_logged(cycle, departments, people):
    """The appraisal keeps the unit's points where the appraiser gave none: each copy is a change of
    the criterion's appraised points, logged under the appraiser and the request."""
    assessment = cycle.assessments.get(unit=departments["snv"])
    drive(assessment, State.UNDER_APPRAISAL, people, "snv")
    copied = set(
        assessment.scores.filter(appraised_points__isnull=True, self_points__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert len(copied) >= 5
    appraiser = people["thamdinh"]
    with acting(actor=appraiser) as context:
        workflow.send_appraisal(appraiser, assessment)
    logged = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CriterionScore), cid=context.request_id
    )
    assert {int(entry.object_pk) for entry in logged if "appraised_points" in entry.changes} == copied
    assert {entry.actor_id for entry in logged} == {appraiser.pk}


def test_a_new_cycles_assessments_are_logged(framework, departments, people):
    with acting(actor=people["sonoivu"]) as context:
        cycle = create_cycle(framework, 2031, "Khối thử", list(departments.values()), date(2031, 3, 1))
    created = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Assessment),
        action=changelog.CREATE,
        cid=context.request_id,
    )
    assert sorted(int(entry.object_pk) for entry in created) == sorted(
        cycle.assessments.values_list("pk", flat=True)
    )
    assert all(entry.actor_id == people["sonoivu"].pk for entry in created)


def test_a_result_sets_rows_are_logged_with_their_counts(framework):
    from chiso.results.services import MeanFigure, ResultSetData, UnitRow, write_result_set

    row = UnitRow(unit=_unit("T.RES").to_engine(), values={"1": Decimal("3.5"), "2": Decimal("4")})
    data = ResultSetData(
        framework.index, 2031, framework, [row], national_means=[MeanFigure(Decimal("3.7"), "thử", "1")]
    )
    dataset = Dataset.objects.create(code="bo-ket-qua", title="Kết quả thử")
    with acting(via="cli", command="import-results") as context:
        result_set = write_result_set(data, dataset)
    found = entries_of(ResultSet, result_set.pk)
    assert [entry.action for entry in found] == [changelog.CREATE, changelog.UPDATE]
    assert found[1].changes == {"unit_results": [None, "1"], "node_values": [None, "2"]}
    assert {entry.cid for entry in found} == {context.request_id}
    figure = result_set.published_figures.get()
    assert [entry.action for entry in entries_of(PublishedFigure, figure.pk)] == [changelog.CREATE]


def test_the_standard_blocks_are_logged():
    Block.objects.all().delete()
    with acting(via="cli", command="setup"):
        ensure_standard_blocks()
    created = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Block))
    assert {entry.object_repr for entry in created if entry.action == changelog.CREATE} >= {
        name for _code, name, _en, _order in STANDARD_BLOCKS
    }


def test_loading_the_communes_is_one_entry_with_their_codes():
    from chiso.units.registry import load_communes

    with acting(via="cli", command="units load"):
        count = load_communes()
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Unit), object_pk="").get()
    assert entry.changes == {"count": [None, str(count)]} and len(entry.additional_data["codes"]) == count


# -- nothing cascades it away -----------------------------------------------------------------------


def test_deleting_a_cycle_leaves_its_change_log_and_its_audit_trail(cycle, people):
    """On main the workflow's audit entries were deleted with their cycle (on_delete=CASCADE)."""
    audit = list(AuditEntry.objects.filter(cycle=cycle).values_list("pk", "assessment_id"))
    assert audit
    scores = list(CriterionScore.objects.filter(assessment__cycle=cycle).values_list("pk", flat=True))
    name, pk = cycle.name, cycle.pk
    with acting(actor=people["admin"]):
        for plan in cycle.plans.all():
            plan.delete()
        cycle.delete()
    kept = AuditEntry.objects.filter(pk__in=[entry for entry, _assessment in audit])
    assert kept.count() == len(audit)
    assert {entry.cycle_name for entry in kept} == {name}
    had_a_unit = {entry for entry, assessment in audit if assessment is not None}
    assert had_a_unit and all(entry.unit_name for entry in kept if entry.pk in had_a_unit)
    assert [entry.action for entry in entries_of(Cycle, pk)][-1] == changelog.DELETE
    deleted = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CriterionScore),
        object_pk__in=[str(score) for score in scores],
        action=changelog.DELETE,
    )
    assert deleted.count() == len(scores)


def test_an_audit_entry_keeps_its_request_id(cycle, departments, people):
    assessment = cycle.assessments.get(unit=departments["stp"])
    with acting(actor=people["canbo_stp"]) as context:
        workflow.audit(people["canbo_stp"], "self_score", assessment=assessment, criterion="1.1", reason="Vì")
    entry = AuditEntry.objects.latest("id")
    assert (entry.cid, entry.cycle_name, entry.unit_name) == (context.request_id, cycle.name, "Sở Tư pháp")


def test_supporting_agencies_added_and_removed_are_logged(w):
    with acting(actor=w.people["sonoivu"]) as context:
        w.item.supporters.add(w.units["syt"], w.units["sxd"])
        w.item.supporters.remove(w.units["sxd"])
    found = [entry for entry in entries_of(PlanItem, w.item.pk) if entry.cid == context.request_id]
    assert [entry.changes["supporters"]["operation"] for entry in found] == ["add", "delete"]
    assert sorted(found[0].changes["supporters"]["objects"]) == sorted(
        [str(w.units["syt"]), str(w.units["sxd"])]
    )

"""Everything that changes an assessment, in one place: checked against the permission table,
applied in a transaction, written to the audit log. Views and commands call these functions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.permissions import own_units
from chiso.assessments import actions as perm
from chiso.assessments.models import (
    Assessment,
    AuditEntry,
    CriterionScore,
    Cycle,
    Explanation,
    State,
)
from chiso.assessments.scoring import cycle_method, leaf_points, lock_peers, rescore_peers, survey_leaves
from chiso.engine.frameworks import SURVEY, Node
from chiso.engine.numbers import NumberError, parse_decimal
from chiso.engine.rules import ScoringInputError


class WorkflowError(Exception):
    """An action that is not allowed now, or input that is not valid; the message says why."""


class NotAllowed(WorkflowError):
    pass


@dataclass
class StaleEdit(WorkflowError):
    """Someone saved this criterion after the form was opened: nothing was overwritten."""

    criterion: str
    theirs: Any
    yours: Any
    by: str

    def __str__(self) -> str:
        return _(
            "Tiêu chí {criterion} vừa được {by} lưu (giá trị hiện tại: {theirs}); "
            "giá trị bạn nhập ({yours}) chưa được lưu. Hãy xem lại rồi lưu lại."
        ).format(criterion=self.criterion, by=self.by, theirs=self.theirs, yours=self.yours)


@dataclass
class StaleAssessment(WorkflowError):
    """The assessment moved on (another step was taken) after the page was opened: nothing was done."""

    unit: str
    state: str

    def __str__(self) -> str:
        return _(
            "Bản đánh giá của {unit} vừa được người khác chuyển sang trạng thái «{state}»; "
            "thao tác của bạn chưa được thực hiện. Hãy xem lại trang rồi làm lại."
        ).format(unit=self.unit, state=self.state)


def require_allowed(user: User, action: str, assessment: Assessment) -> None:
    """Refuse what the permission table does not allow (`actions.allowed`), saying which lock holds
    when the user's role would otherwise allow it."""
    if perm.allowed(user, action, assessment):
        return
    unit, state = assessment.unit.display_name, assessment.get_state_display()
    message = _("Bạn không có quyền thực hiện thao tác này với {unit} ở trạng thái «{state}».").format(
        unit=unit, state=state
    )
    if perm.holds_role_for(user, action, assessment):
        if action != perm.VIEW and assessment.cycle.is_published:
            message = _(
                "Kỳ đánh giá «{cycle}» đã công bố: kết quả của {unit} không thay đổi được nữa."
            ).format(cycle=assessment.cycle.name, unit=unit)
        elif action in perm.JUDGING and assessment.unit_id in own_units(user):
            message = _(
                "Bạn thuộc {unit}: người của đơn vị không thẩm định, trình hay phê duyệt kết quả của đơn vị mình."
            ).format(unit=unit)
        elif assessment.state in perm.LOCKED_STATES and action not in (perm.COUNCIL_APPROVE, perm.REOPEN):
            message = _(
                "Điểm của {unit} đã khóa (trạng thái «{state}»): chỉ thay đổi được sau khi bản đánh giá "
                "được mở lại, có nêu lý do."
            ).format(unit=unit, state=state)
    raise NotAllowed(message)


def check_assessment_version(assessment: Assessment, expected_version: int | None) -> Assessment:
    """Lock the assessment and refuse a step taken from a page older than its last step (optimistic
    locking of the transitions: the web sends the version it showed). Call inside the transaction of
    the step."""
    locked = locked_for_update(assessment)
    if expected_version is None:
        raise WorkflowError(_("Biểu mẫu thiếu số phiên bản nên chưa được thực hiện; hãy tải lại trang."))
    if locked.version != expected_version:
        raise StaleAssessment(locked.unit.display_name, locked.get_state_display())
    return locked


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def audit(
    user: User | None,
    action: str,
    *,
    assessment: Assessment | None = None,
    cycle: Cycle | None = None,
    criterion: str = "",
    field: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user,
        user_name=user.get_username() if user else "system",
        action=action,
        assessment=assessment,
        cycle=cycle or (assessment.cycle if assessment else None),
        criterion=criterion,
        field=field,
        before=_json(before),
        after=_json(after),
        reason=reason,
    )


def locked_for_update(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("cycle__framework", "unit")
        .get(pk=assessment.pk)
    )


def leaf_node(assessment: Assessment, criterion: str) -> Node:
    framework = assessment.cycle.framework.to_engine()
    try:
        node = framework.node(criterion)
    except KeyError:
        raise WorkflowError(
            _("Không có tiêu chí {criterion} trong khung.").format(criterion=criterion)
        ) from None
    if node.children:
        raise WorkflowError(
            _("{criterion} không phải tiêu chí lá; chấm điểm ở các tiêu chí con.").format(criterion=criterion)
        )
    return node


def _score_row(assessment: Assessment, criterion: str) -> CriterionScore:
    row, _created = CriterionScore.objects.select_for_update().get_or_create(
        assessment=assessment, criterion=criterion
    )
    return row


def current_version(assessment: Assessment, criterion: str) -> int:
    """The version of a criterion's score now (0 before its first save). A caller without a form —
    the demo, a command importing survey results — passes it as `expected_version`."""
    row = CriterionScore.objects.filter(assessment=assessment, criterion=criterion).only("version").first()
    return row.version if row is not None else 0


def _check_version(row: CriterionScore, expected_version: int | None, field: str, yours: Any) -> None:
    """Optimistic locking, required on every edit of a score: the version the editor saw must be
    the stored one, and a save that does not say which version it edits is refused."""
    if expected_version is None:
        raise WorkflowError(
            _(
                "Tiêu chí {criterion}: biểu mẫu thiếu số phiên bản nên chưa lưu (để không ghi đè thay "
                "đổi của người khác). Hãy tải lại trang rồi lưu lại."
            ).format(criterion=row.criterion)
        )
    if row.version != expected_version:
        by = row.updated_by.get_username() if row.updated_by else _("người khác")
        raise StaleEdit(row.criterion, getattr(row, field), yours, by)


# -- self-assessment -------------------------------------------------------------------------------


@transaction.atomic
def save_self_score(
    user: User,
    assessment: Assessment,
    criterion: str,
    inputs: dict[str, Any],
    note: str = "",
    *,
    expected_version: int | None,
) -> CriterionScore:
    """Save the unit's raw inputs (or points) for a leaf; the points follow from the leaf's rule.
    `expected_version` is the score's version the unit saw (`current_version`); required."""
    assessment = locked_for_update(assessment)
    require_allowed(user, perm.EDIT_SELF, assessment)
    node = leaf_node(assessment, criterion)
    if node.method == SURVEY:
        raise WorkflowError(
            _("Tiêu chí {criterion} chấm qua điều tra xã hội học, không tự chấm.").format(criterion=criterion)
        )
    cleaned = {k: v for k, v in inputs.items() if v not in ("", None)}
    lock_peers(assessment, node)  # points relative to the best unit: one save of the leaf at a time
    try:
        points = leaf_points(assessment, node, cleaned) if cleaned else None
    except ScoringInputError as exc:
        raise WorkflowError(str(exc)) from exc
    row = _score_row(assessment, criterion)
    _check_version(row, expected_version, "self_points", points)
    before = {"inputs": row.self_inputs, "points": row.self_points, "note": row.self_note}
    row.self_inputs, row.self_points, row.self_note = _json(cleaned), points, note.strip()
    row.version += 1
    row.updated_by = user
    row.save()
    if not assessment.started:
        assessment.started = True
        assessment.save(update_fields=["started"])
    audit(
        user,
        "self_score",
        assessment=assessment,
        criterion=criterion,
        field="self",
        before=before,
        after={"inputs": cleaned, "points": points, "note": row.self_note},
    )
    for change in rescore_peers(assessment, node):  # the other units' points relative to the best
        audit(user, "peer_rescore", **change.audit_fields())
    return row


def missing_for_submission(assessment: Assessment) -> list[str]:
    """What stops a submission: leaves without points, and leaves requiring evidence with neither a
    document nor an explanation."""
    framework = assessment.cycle.framework.to_engine()
    rows = {r.criterion: r for r in assessment.scores.all()}
    documented = set(assessment.evidence.filter(removed=False).values_list("criterion", flat=True))
    problems = []
    for node in framework.leaves():
        if node.method == SURVEY:
            continue
        row = rows.get(node.code)
        if row is None or row.self_points is None:
            problems.append(_("{criterion}: chưa chấm điểm").format(criterion=node.code))
        elif node.evidence_required and node.code not in documented and not row.self_note:
            problems.append(
                _("{criterion}: thiếu tài liệu kiểm chứng hoặc giải trình").format(criterion=node.code)
            )
    return problems


def _transition(
    user: User, assessment: Assessment, action: str, new_state: str, reason: str = ""
) -> Assessment:
    assessment = locked_for_update(assessment)
    require_allowed(user, action, assessment)
    old_state = assessment.state
    assessment.state = new_state
    assessment.version += 1
    assessment.save()
    audit(
        user, action, assessment=assessment, field="state", before=old_state, after=new_state, reason=reason
    )
    return assessment


@transaction.atomic
def send_to_head(user: User, assessment: Assessment) -> Assessment:
    require_allowed(user, perm.SEND_TO_HEAD, locked_for_update(assessment))
    problems = missing_for_submission(assessment)
    if problems:
        raise WorkflowError(_("Chưa thể gửi: {problems}").format(problems="; ".join(problems[:10])))
    return _transition(user, assessment, perm.SEND_TO_HEAD, State.AWAITING_HEAD)


@transaction.atomic
def head_approve(user: User, assessment: Assessment) -> Assessment:
    """The unit head approves the self-assessment; this is the submission for appraisal."""
    require_allowed(user, perm.HEAD_APPROVE, locked_for_update(assessment))
    problems = missing_for_submission(assessment)
    if problems:
        raise WorkflowError(_("Chưa thể phê duyệt: {problems}").format(problems="; ".join(problems[:10])))
    assessment = _transition(user, assessment, perm.HEAD_APPROVE, State.SUBMITTED)
    assessment.head_approved_by = user
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["head_approved_by", "submitted_at"])
    return assessment


@transaction.atomic
def withdraw(user: User, assessment: Assessment, reason: str) -> Assessment:
    require_allowed(
        user, perm.WITHDRAW, locked_for_update(assessment)
    )  # refuse the wrong people before judging input
    if not reason.strip():
        raise WorkflowError(_("Cần nêu lý do rút lại."))
    assessment = _transition(user, assessment, perm.WITHDRAW, State.DRAFT, reason)
    assessment.submitted_at = None
    assessment.head_approved_by = None
    assessment.save(update_fields=["submitted_at", "head_approved_by"])
    return assessment


# -- appraisal, explanation, council ---------------------------------------------------------------


@transaction.atomic
def set_appraised(
    user: User,
    assessment: Assessment,
    criterion: str,
    points: Any,
    reason: str,
    *,
    expected_version: int | None,
) -> CriterionScore:
    """The appraiser sets a leaf's appraised points; a difference from the self score needs a reason.
    `expected_version` is the score's version the appraiser saw; required."""
    assessment = locked_for_update(assessment)
    require_allowed(user, perm.APPRAISE, assessment)
    node = leaf_node(assessment, criterion)
    try:
        value = parse_decimal(points)
    except NumberError as exc:
        raise WorkflowError(f"{criterion}: {exc}") from exc
    if value < 0 or (node.max_points is not None and value > node.max_points):
        raise WorkflowError(
            _("{criterion}: điểm phải từ 0 đến {maximum}.").format(
                criterion=criterion, maximum=node.max_points
            )
        )
    row = _score_row(assessment, criterion)
    _check_version(row, expected_version, "appraised_points", value)
    if value != row.self_points and not reason.strip():
        raise WorkflowError(
            _("{criterion}: cần nêu lý do khi điểm thẩm định khác điểm tự đánh giá.").format(
                criterion=criterion
            )
        )
    before = {"points": row.appraised_points, "reason": row.appraisal_reason}
    row.appraised_points, row.appraisal_reason = value, reason.strip()
    row.version += 1
    row.updated_by = user
    row.save()
    if assessment.state == State.SUBMITTED:
        assessment.state = State.UNDER_APPRAISAL
        assessment.save(update_fields=["state"])
        audit(
            user,
            "start_appraisal",
            assessment=assessment,
            field="state",
            before=State.SUBMITTED,
            after=State.UNDER_APPRAISAL,
        )
    audit(
        user,
        "appraise",
        assessment=assessment,
        criterion=criterion,
        field="appraised",
        before=before,
        after={"points": value, "reason": row.appraisal_reason},
        reason=row.appraisal_reason,
    )
    return row


@transaction.atomic
def send_appraisal(user: User, assessment: Assessment) -> Assessment:
    """Send the appraised result to the unit; unappraised leaves keep their self points."""
    locked = locked_for_update(assessment)
    require_allowed(user, perm.SEND_APPRAISAL, locked)  # refused before anything is copied
    for row in locked.scores.select_for_update():
        if row.appraised_points is None and row.self_points is not None:
            row.appraised_points = row.self_points
            row.save(update_fields=["appraised_points"])
    locked = _transition(user, locked, perm.SEND_APPRAISAL, State.APPRAISED)
    locked.round += 1
    locked.save(update_fields=["round"])
    return locked


@transaction.atomic
def explain(user: User, assessment: Assessment, criterion: str, text: str) -> Explanation:
    assessment = locked_for_update(assessment)
    require_allowed(user, perm.EXPLAIN, assessment)
    leaf_node(assessment, criterion)
    if not text.strip():
        raise WorkflowError(_("Nội dung giải trình trống."))
    row = _score_row(assessment, criterion)
    explanation = Explanation.objects.create(
        score=row, round=assessment.round, text=text.strip(), author=user
    )
    audit(
        user, "explain", assessment=assessment, criterion=criterion, field="explanation", after=text.strip()
    )
    return explanation


@transaction.atomic
def finish_explanation(user: User, assessment: Assessment) -> Assessment:
    """The unit sends its explanations back to the appraiser (state "explained")."""
    return _transition(user, assessment, perm.EXPLAIN, State.EXPLAINED)


@transaction.atomic
def send_to_council(user: User, assessment: Assessment) -> Assessment:
    return _transition(user, assessment, perm.SEND_TO_COUNCIL, State.COUNCIL)


@transaction.atomic
def council_approve(user: User, assessment: Assessment) -> Assessment:
    """The council finalises: final points = appraised points (survey leaves keep their survey points);
    the assessment is locked."""
    locked = locked_for_update(assessment)
    require_allowed(user, perm.COUNCIL_APPROVE, locked)
    for row in locked.scores.select_for_update():
        final = row.appraised_or_self_points
        if row.final_points != final:
            audit(
                user,
                "finalise",
                assessment=locked,
                criterion=row.criterion,
                field="final",
                before=row.final_points,
                after=final,
            )
            row.final_points = final
            row.save(update_fields=["final_points"])
    locked = _transition(user, locked, perm.COUNCIL_APPROVE, State.APPROVED)
    locked.approved_at = timezone.now()
    locked.save(update_fields=["approved_at"])
    return locked


@transaction.atomic
def reopen(user: User, assessment: Assessment, reason: str) -> Assessment:
    require_allowed(
        user, perm.REOPEN, locked_for_update(assessment)
    )  # refuse the wrong people before judging input
    if not reason.strip():
        raise WorkflowError(_("Cần nêu lý do mở lại."))
    if assessment.cycle.is_published:
        raise WorkflowError(_("Kỳ đánh giá đã công bố; không mở lại được."))
    assessment = _transition(user, assessment, perm.REOPEN, State.UNDER_APPRAISAL, reason)
    assessment.approved_at = None
    assessment.save(update_fields=["approved_at"])
    return assessment


@transaction.atomic
def set_survey_index(
    user: User,
    assessment: Assessment,
    criterion: str,
    percent: Any,
    source: str = "",
    *,
    expected_version: int | None,
) -> CriterionScore:
    """Survey criteria: the officer enters the survey index (%); the points follow from the rule.
    Refused once the assessment is with the council or approved (reopen it first) and in a
    published cycle (`actions.ENTER_SURVEY`); `expected_version` as for the other scores."""
    assessment = locked_for_update(assessment)
    require_allowed(user, perm.ENTER_SURVEY, assessment)
    node = leaf_node(assessment, criterion)
    if node.code not in {n.code for n in survey_leaves(assessment.cycle)}:
        raise WorkflowError(
            _("{criterion} không phải tiêu chí điều tra xã hội học.").format(criterion=criterion)
        )
    try:
        value = parse_decimal(percent)
    except NumberError as exc:
        raise WorkflowError(f"{criterion}: {exc}") from exc
    if not Decimal(0) <= value <= Decimal(100):
        raise WorkflowError(_("{criterion}: chỉ số khảo sát phải từ 0 đến 100.").format(criterion=criterion))
    row = _score_row(assessment, criterion)
    _check_version(row, expected_version, "survey_index", value)
    before = row.survey_index
    row.survey_index = value
    points = leaf_points(assessment, node, {"index_percent": value})
    row.self_points = row.appraised_points = points
    row.version += 1
    row.updated_by = user
    row.save()
    audit(
        user,
        "survey_index",
        assessment=assessment,
        criterion=criterion,
        field="survey_index",
        before=before,
        after=value,
        reason=source,
    )
    return row


@transaction.atomic
def publish(user: User, cycle: Cycle) -> Cycle:
    """Make a cycle's results public; every assessment must be approved."""
    if not perm.can_publish(user, cycle):
        raise NotAllowed(_("Bạn không có quyền công bố kỳ đánh giá này."))
    pending = cycle.assessments.exclude(state=State.APPROVED)
    if pending.exists():
        names = ", ".join(a.unit.display_name for a in pending.select_related("unit")[:10])
        raise WorkflowError(_("Còn đơn vị chưa được phê duyệt: {units}").format(units=names))
    cycle.published_at = timezone.now()
    cycle.published_by = user
    cycle.method = cycle_method(cycle.framework, "publish")
    cycle.save(update_fields=["published_at", "published_by", "method"])
    audit(user, "publish", cycle=cycle, field="published", before=None, after=cycle.published_at.isoformat())
    return cycle

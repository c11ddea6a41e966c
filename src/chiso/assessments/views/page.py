"""The assessment page built once per request: the criterion cards along the tree, the totals of each
stage, the buttons of the transitions the reader may make, and what still stops a submission."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.assessments import actions as perm
from chiso.assessments import forms, workflow
from chiso.assessments.models import Assessment, CriterionScore, CycleVersion, Evidence, Explanation, State
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, row_points, stage_tree
from chiso.assessments.standings import version_of
from chiso.assessments.templatetags.chiso_ui import lang
from chiso.assessments.views.common import (
    APPRAISAL_SENT,
    STAGE_LABELS,
    STATE_ORDER,
    fmt,
    is_inside,
    node_name,
    places_of,
)
from chiso.core.pagecache import fields_of
from chiso.engine.frameworks import SURVEY, Framework, Node
from chiso.engine.scoring import NodeScore


@dataclass
class Totals:
    """A node's points at the stages the reader may see, with a provisional sum when incomplete."""

    self: NodeScore | None = None
    appraised: NodeScore | None = None
    final: NodeScore | None = None
    self_partial: Decimal | None = None


def partial_sum(framework: Framework, node: Node, points: dict[str, Decimal | None]) -> Decimal | None:
    values = [points.get(leaf.code) for leaf in node.walk() if not leaf.children]
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


# -- the criterion card ------------------------------------------------------------------------------


@dataclass
class Criterion:
    node: Node
    code: str
    name: str
    max_points: Decimal | None
    is_survey: bool
    hint: str
    fields: list[forms.InputField]
    row: CriterionScore | None
    version: int
    self_points: Decimal | None
    appraised_points: Decimal | None
    final_points: Decimal | None
    note: str
    reason: str
    survey_index: Decimal | None
    evidence: list[Evidence]
    explanations: list[Explanation]
    evidence_required: bool
    can_edit: bool
    can_appraise: bool
    can_explain: bool
    show_appraised: bool
    show_final: bool
    differs: bool
    difference: Decimal | None
    depth: int = 0
    error: str = ""
    saved: bool = False
    conflict: dict[str, Any] | None = None
    appraise_value: str = ""
    appraise_reason: str = ""
    explain_text: str = ""


@dataclass
class Page:
    """Everything the assessment page shows, built once per request."""

    assessment: Assessment
    framework: Framework
    actions: set[str]
    places: int
    rows: dict[str, CriterionScore]
    evidence: dict[str, list[Evidence]]
    explanations: dict[str, list[Explanation]]
    show_appraised: bool
    show_final: bool
    trees: dict[str, dict[str, NodeScore]] = field(default_factory=dict)
    self_points: dict[str, Decimal | None] = field(default_factory=dict)

    def criterion(self, node: Node, depth: int = 0) -> Criterion:
        row = self.rows.get(node.code)
        is_survey = node.method == SURVEY
        self_points = row.self_points if row else None
        appraised = row.appraised_points if row else None
        difference = (
            appraised - self_points
            if self.show_appraised
            and appraised is not None
            and self_points is not None
            and appraised != self_points
            else None
        )
        values = row.self_inputs if row else {}
        return Criterion(
            node=node,
            code=node.code,
            name=node_name(node),
            max_points=node.max_points,
            is_survey=is_survey,
            hint=forms.rule_hint(node, lambda v, p=self.places: fmt(v, p)),
            fields=[] if is_survey else forms.input_fields(node, values, lang()),
            row=row,
            version=row.version if row else 0,
            self_points=self_points,
            appraised_points=appraised,
            final_points=row.final_points if row else None,
            note=row.self_note if row else "",
            reason=row.appraisal_reason if row else "",
            survey_index=row.survey_index if row else None,
            evidence=self.evidence.get(node.code, []),
            explanations=self.explanations.get(node.code, []),
            evidence_required=node.evidence_required,
            can_edit=perm.EDIT_SELF in self.actions and not is_survey,
            can_appraise=perm.APPRAISE in self.actions and not is_survey,
            can_explain=perm.EXPLAIN in self.actions and not is_survey,
            show_appraised=self.show_appraised,
            show_final=self.show_final,
            differs=difference is not None,
            difference=difference,
            depth=depth,
            appraise_value=fmt(row.appraised_or_self_points, self.places)
            if row and row.appraised_or_self_points is not None
            else "",
            appraise_reason=row.appraisal_reason if row else "",
        )

    def totals(self, node: Node) -> Totals:
        return Totals(
            self=self.trees[SELF].get(node.code),
            appraised=self.trees[APPRAISED].get(node.code) if self.show_appraised else None,
            final=self.trees[FINAL].get(node.code) if self.show_final else None,
            self_partial=partial_sum(self.framework, node, self.self_points),
        )


def build_page(request: HttpRequest, assessment: Assessment) -> Page:
    framework = assessment.cycle.framework.to_engine()
    user = request.user
    actions = perm.allowed_actions(user, assessment)
    rows = {r.criterion: r for r in assessment.scores.select_related("updated_by")}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in assessment.evidence.filter(removed=False).select_related("uploaded_by"):
        evidence[item.criterion].append(item)
    explanations: dict[str, list[Explanation]] = defaultdict(list)
    for explanation in Explanation.objects.filter(score__assessment=assessment).select_related(
        "score", "author"
    ):
        explanations[explanation.score.criterion].append(explanation)
    show_appraised = assessment.state in APPRAISAL_SENT or (
        is_inside(user, assessment.cycle) and assessment.state not in (State.DRAFT, State.AWAITING_HEAD)
    )
    page = Page(
        assessment=assessment,
        framework=framework,
        actions=actions,
        places=places_of(framework),
        rows=rows,
        evidence=evidence,
        explanations=explanations,
        show_appraised=show_appraised,
        show_final=assessment.state == State.APPROVED,
    )
    for stage in (SELF, APPRAISED, FINAL):
        page.trees[stage] = stage_tree(assessment, stage, framework)
    page.self_points = {code: row.self_points for code, row in rows.items()}
    return page


def sections(page: Page) -> list[dict[str, Any]]:
    """The criteria tree grouped by field (the root's children), with sub-headings below."""
    sections = []
    for field_node in page.framework.root.children:
        items: list[dict[str, Any]] = []
        if not field_node.children:
            items.append({"criterion": page.criterion(field_node)})
        else:
            stack = [(child, 0) for child in reversed(field_node.children)]
            while stack:
                node, depth = stack.pop()
                if node.children:
                    items.append({"heading": node, "name": node_name(node), "depth": depth})
                    stack.extend((child, depth + 1) for child in reversed(node.children))
                else:
                    items.append({"criterion": page.criterion(node, depth)})
        sections.append(
            {
                "node": field_node,
                "name": node_name(field_node),
                "totals": page.totals(field_node),
                "items": items,
                "is_survey": field_node.method == SURVEY,
            }
        )
    return sections


def action_buttons(page: Page) -> list[dict[str, Any]]:
    """The transitions the user may make now, with what each does (for the confirmation)."""
    buttons = []
    a = page.assessment
    specs = [
        (
            perm.SEND_TO_HEAD,
            "send_to_head",
            _("Gửi thủ trưởng phê duyệt"),
            _("Gửi bản tự đánh giá cho thủ trưởng đơn vị phê duyệt?"),
            False,
            "primary",
        ),
        (
            perm.HEAD_APPROVE,
            "head_approve",
            _("Phê duyệt và gửi thẩm định"),
            _("Phê duyệt bản tự đánh giá và gửi Sở Nội vụ thẩm định?"),
            False,
            "primary",
        ),
        (
            perm.WITHDRAW,
            "withdraw",
            _("Rút lại để chỉnh sửa"),
            _("Rút bản đã gửi về để chỉnh sửa?"),
            True,
            "quiet",
        ),
        (
            perm.SEND_APPRAISAL,
            "send_appraisal",
            _("Gửi kết quả thẩm định cho đơn vị"),
            _("Gửi kết quả thẩm định cho đơn vị? Tiêu chí chưa chấm giữ điểm tự đánh giá."),
            False,
            "primary",
        ),
        (
            perm.EXPLAIN,
            "finish_explanation",
            _("Hoàn thành giải trình"),
            _("Gửi các nội dung giải trình cho tổ thẩm định?"),
            False,
            "primary",
        ),
        (
            perm.SEND_TO_COUNCIL,
            "send_to_council",
            _("Trình hội đồng"),
            _("Trình kết quả thẩm định lên hội đồng?"),
            False,
            "secondary",
        ),
        (
            perm.COUNCIL_APPROVE,
            "council_approve",
            _("Hội đồng phê duyệt"),
            _("Phê duyệt kết quả? Điểm sẽ được chốt và khóa."),
            False,
            "primary",
        ),
        (perm.REOPEN, "reopen", _("Mở lại"), _("Mở lại bản đánh giá để thẩm định lại?"), True, "quiet"),
    ]
    for action, slug, label, confirm, needs_reason, style in specs:
        if action not in page.actions:
            continue
        if slug == "reopen" and a.cycle.is_published:
            continue
        buttons.append(
            {
                "slug": slug,
                "label": label,
                "confirm": confirm,
                "needs_reason": needs_reason,
                "style": style,
                "url": reverse("assessments:transition", args=[a.pk, slug]),
            }
        )
    return buttons


def _stage_total(page: Page, stage: str) -> dict[str, Any]:
    root = page.framework.root
    tree = page.trees[stage]
    score = tree.get(root.code)
    partial = None
    if score is None or score.points is None:
        points = {code: row_points(row, stage) for code, row in page.rows.items()}
        partial = partial_sum(page.framework, root, points)
    return {
        "label": STAGE_LABELS[stage],
        "points": fmt(score.points if score else None, page.places),
        "partial": fmt(partial, page.places) if partial is not None else "",
        "max": fmt(root.max_points, 0),
        "percent": fmt(score.percent, 1) if score and score.percent is not None else "",
        "stage": stage,
    }


def page_totals(page: Page) -> list[dict[str, Any]]:
    stages = [SELF]
    if page.show_appraised:
        stages.append(APPRAISED)
    if page.show_final:
        stages.append(FINAL)
    return [_stage_total(page, stage) for stage in stages]


def progress_steps(assessment: Assessment) -> list[dict[str, Any]]:
    current = STATE_ORDER.index(assessment.state)
    return [
        {"label": State(s).label, "status": "done" if i < current else "current" if i == current else "todo"}
        for i, s in enumerate(STATE_ORDER)
    ]


def missing_items(assessment: Assessment, framework: Framework) -> list[dict[str, str]]:
    """What still stops a submission, per criterion, in words (from the workflow's own check)."""
    problems = []
    for text in workflow.missing_for_submission(assessment):
        code, _sep, rest = text.partition(":")
        kind = "points" if "chưa chấm" in rest else "evidence"
        problems.append(
            {
                "code": code,
                "text": _("chưa chấm điểm")
                if kind == "points"
                else _("thiếu tài liệu kiểm chứng hoặc thuyết minh"),
            }
        )
    return problems


def _fingerprint_sql() -> str:
    version, evidence = CycleVersion._meta.db_table, Evidence._meta.db_table
    explanation, score = Explanation._meta.db_table, CriterionScore._meta.db_table
    explanations = f"FROM {explanation} x JOIN {score} s ON x.score_id = s.id WHERE s.assessment_id = %s"
    return (
        f"SELECT (SELECT version FROM {version} WHERE cycle_id = %s),"
        f" (SELECT MAX(id) FROM {evidence} WHERE assessment_id = %s),"
        f" (SELECT COUNT(*) {explanations}), (SELECT MAX(x.id) {explanations}),"
        f" (SELECT COUNT(*) FROM {evidence} WHERE assessment_id = %s AND removed = %s)"
    )


_FINGERPRINT_SQL = _fingerprint_sql()


def fingerprint(assessment: Assessment, actions: set[str], inside: bool) -> tuple[Any, ...]:
    """Everything the assessment page shows besides its code and language, named cheaply (one
    query): the assessment's and its cycle's own fields, the cycle's version (moved on by every
    change of a criterion score, `chiso.assessments.standings`), the framework's last change, the
    evidence and explanations (how many and the newest), what the viewer may do, and today (the
    deadlines decide what may be done). Two requests with the same fingerprint see the same page."""
    with connection.cursor() as cursor:  # plain SQL: the ORM would take longer to write it than to run it
        cursor.execute(_FINGERPRINT_SQL, [assessment.cycle_id, *[assessment.pk] * 4, False])
        counts = tuple(cursor.fetchone() or ())
    if counts[0] is None:  # no version yet: made now, or the next score saved would not move it
        counts = (version_of(assessment.cycle_id), *counts[1:])
    cycle = assessment.cycle
    return (
        "assessment",
        fields_of(assessment),
        fields_of(cycle),
        cycle.framework.updated.isoformat(),
        counts,
        tuple(sorted(actions)),
        inside,
        date.today().isoformat(),
    )

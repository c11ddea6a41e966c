"""The assessment cycle on the web: work lists, a unit's assessment along the criteria tree (self
score, evidence, appraisal, explanation), the audit log, and a cycle's results.

Every change goes through `workflow` (which checks the permission table and writes the audit log);
every page first checks `permissions.allowed(user, VIEW, …)` and answers 404 otherwise, so that
staff of one unit cannot even learn that another unit's draft exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import permissions as perm
from chiso.assessments import forms, workflow
from chiso.assessments.models import (
    Assessment,
    AuditEntry,
    CriterionScore,
    Cycle,
    Evidence,
    Explanation,
    State,
)
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, cycle_analysis, leaf_points, stage_tree
from chiso.assessments.templatetags.chiso_ui import lang
from chiso.engine.frameworks import SURVEY, Framework, Node
from chiso.engine.numbers import format_date, format_number, format_rank, format_signed
from chiso.engine.rules import ScoringInputError
from chiso.engine.scoring import NodeScore

# States after which the unit sees the appraised points (the appraisal has been sent to it).
APPRAISAL_SENT = {State.APPRAISED, State.EXPLAINED, State.COUNCIL, State.APPROVED}
STATE_ORDER = [s.value for s in State]

ACTION_LABELS = {
    "self_score": gettext_lazy("Tự chấm điểm"),
    "add_evidence": gettext_lazy("Thêm tài liệu kiểm chứng"),
    "remove_evidence": gettext_lazy("Gỡ tài liệu kiểm chứng"),
    perm.SEND_TO_HEAD: gettext_lazy("Gửi thủ trưởng phê duyệt"),
    perm.HEAD_APPROVE: gettext_lazy("Thủ trưởng phê duyệt, gửi thẩm định"),
    perm.WITHDRAW: gettext_lazy("Rút lại để chỉnh sửa"),
    "start_appraisal": gettext_lazy("Bắt đầu thẩm định"),
    "appraise": gettext_lazy("Chấm điểm thẩm định"),
    perm.SEND_APPRAISAL: gettext_lazy("Gửi kết quả thẩm định cho đơn vị"),
    perm.EXPLAIN: gettext_lazy("Giải trình"),
    perm.SEND_TO_COUNCIL: gettext_lazy("Trình hội đồng"),
    perm.COUNCIL_APPROVE: gettext_lazy("Hội đồng phê duyệt"),
    "finalise": gettext_lazy("Chốt điểm cuối cùng"),
    perm.REOPEN: gettext_lazy("Mở lại"),
    "survey_index": gettext_lazy("Nhập chỉ số khảo sát"),
    "publish": gettext_lazy("Công bố kết quả"),
}

# The next step a user can take, most urgent first: (action, label).
NEXT_STEPS = [
    (perm.HEAD_APPROVE, gettext_lazy("Phê duyệt và gửi thẩm định")),
    (perm.EDIT_SELF, gettext_lazy("Tự đánh giá")),
    (perm.EXPLAIN, gettext_lazy("Giải trình kết quả thẩm định")),
    (perm.APPRAISE, gettext_lazy("Thẩm định")),
    (perm.SEND_TO_COUNCIL, gettext_lazy("Trình hội đồng")),
    (perm.COUNCIL_APPROVE, gettext_lazy("Hội đồng xem xét, phê duyệt")),
    (perm.WITHDRAW, gettext_lazy("Đã gửi — có thể rút lại để sửa")),
]
TODO_ACTIONS = {a for a, _label in NEXT_STEPS} - {perm.WITHDRAW}

STAGE_SLUGS = {"tu-danh-gia": SELF, "tham-dinh": APPRAISED, "chinh-thuc": FINAL}
STAGE_LABELS = {
    SELF: gettext_lazy("Tự đánh giá"),
    APPRAISED: gettext_lazy("Thẩm định"),
    FINAL: gettext_lazy("Chính thức"),
}


# -- helpers ---------------------------------------------------------------------------------------


def _places(framework: Framework) -> int:
    return framework.display_precision if framework.display_precision is not None else 2


def _fmt(value: Decimal | None, places: int = 2) -> str:
    return format_number(value, places, lang())


def _when(moment) -> str:
    if moment is None:
        return "–"
    local = timezone.localtime(moment)
    return f"{format_date(local.date())} {local:%H:%M}"


def _message(exc: Exception) -> str:
    """The workflow's bilingual messages ("Việt / English"), in the reader's language."""
    text = str(exc)
    if " / " not in text:
        return text
    vi, en = text.split(" / ", 1)
    return en if lang() == "en" else vi


def _node_name(node: Node) -> str:
    return node.name_en if lang() == "en" and node.name_en else node.name_vi


def _get_assessment(request: HttpRequest, pk: int) -> Assessment:
    """The assessment if the user may see it; 404 otherwise (never reveal another unit's work)."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("cycle__framework__index", "unit"), pk=pk
    )
    if not perm.allowed(request.user, perm.VIEW, assessment):
        raise Http404("không tìm thấy")
    return assessment


def _inside(user) -> bool:
    return perm.has_role(user, *perm.EVERYONE_INSIDE)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    template = "assessments/_forbidden.html" if request.htmx else "assessments/forbidden.html"
    return render(request, template, {"message": message}, status=403)


def _leaf_or_404(framework: Framework, code: str) -> Node:
    try:
        node = framework.node(code)
    except KeyError:
        raise Http404("không có tiêu chí") from None
    if node.children:
        raise Http404("không phải tiêu chí lá")
    return node


@dataclass
class Totals:
    """A node's points at the stages the reader may see, with a provisional sum when incomplete."""

    self: NodeScore | None = None
    appraised: NodeScore | None = None
    final: NodeScore | None = None
    self_partial: Decimal | None = None


def _partial_sum(framework: Framework, node: Node, points: dict[str, Decimal | None]) -> Decimal | None:
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
        differs = (
            self.show_appraised
            and appraised is not None
            and self_points is not None
            and appraised != self_points
        )
        values = row.self_inputs if row else {}
        return Criterion(
            node=node,
            code=node.code,
            name=_node_name(node),
            max_points=node.max_points,
            is_survey=is_survey,
            hint=forms.rule_hint(node, lambda v, p=self.places: _fmt(v, p)),
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
            differs=differs,
            difference=(appraised - self_points) if differs else None,
            depth=depth,
            appraise_value=_fmt(appraised if appraised is not None else self_points, self.places)
            if (appraised is not None or self_points is not None)
            else "",
            appraise_reason=row.appraisal_reason if row else "",
        )

    def totals(self, node: Node) -> Totals:
        return Totals(
            self=self.trees[SELF].get(node.code),
            appraised=self.trees[APPRAISED].get(node.code) if self.show_appraised else None,
            final=self.trees[FINAL].get(node.code) if self.show_final else None,
            self_partial=_partial_sum(self.framework, node, self.self_points),
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
    for item in Explanation.objects.filter(score__assessment=assessment).select_related("score", "author"):
        explanations[item.score.criterion].append(item)
    show_appraised = assessment.state in APPRAISAL_SENT or (
        _inside(user) and assessment.state not in (State.DRAFT, State.AWAITING_HEAD)
    )
    page = Page(
        assessment=assessment,
        framework=framework,
        actions=actions,
        places=_places(framework),
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


def _sections(page: Page) -> list[dict[str, Any]]:
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
                    items.append({"heading": node, "name": _node_name(node), "depth": depth})
                    stack.extend((child, depth + 1) for child in reversed(node.children))
                else:
                    items.append({"criterion": page.criterion(node, depth)})
        sections.append(
            {
                "node": field_node,
                "name": _node_name(field_node),
                "totals": page.totals(field_node),
                "items": items,
                "is_survey": field_node.method == SURVEY,
            }
        )
    return sections


def _action_buttons(page: Page) -> list[dict[str, Any]]:
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
        points = {code: value for code, value in _stage_leaf_points(page, stage).items()}
        partial = _partial_sum(page.framework, root, points)
    return {
        "label": STAGE_LABELS[stage],
        "points": _fmt(score.points if score else None, page.places),
        "partial": _fmt(partial, page.places) if partial is not None else "",
        "max": _fmt(root.max_points, 0),
        "percent": _fmt(score.percent, 1) if score and score.percent is not None else "",
        "stage": stage,
    }


def _stage_leaf_points(page: Page, stage: str) -> dict[str, Decimal | None]:
    result = {}
    for code, row in page.rows.items():
        if stage == SELF:
            result[code] = row.self_points
        elif stage == APPRAISED:
            result[code] = row.appraised_points if row.appraised_points is not None else row.self_points
        else:
            result[code] = row.final_points
    return result


def _page_totals(page: Page) -> list[dict[str, Any]]:
    stages = [SELF]
    if page.show_appraised:
        stages.append(APPRAISED)
    if page.show_final:
        stages.append(FINAL)
    return [_stage_total(page, stage) for stage in stages]


# -- work list and cycle --------------------------------------------------------------------------


def _next_step(actions: set[str]) -> str:
    for action, label in NEXT_STEPS:
        if action in actions:
            return str(label)
    return _("Xem")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the user has to do now, and the cycles or units they follow."""
    user = request.user
    visible = perm.visible_assessments(
        user, Assessment.objects.select_related("cycle__framework", "unit")
    ).order_by("-cycle__year", "cycle__block", "unit__name")
    todo, mine = [], []
    inside = _inside(user)
    own = perm.own_units(user)
    for assessment in visible:
        actions = perm.allowed_actions(user, assessment)
        item = {
            "assessment": assessment,
            "next": _next_step(actions),
            "due": format_date(assessment.cycle.self_assessment_due),
            "urgent": bool(actions & TODO_ACTIONS),
        }
        if item["urgent"]:
            todo.append(item)
        if assessment.unit_id in own:
            mine.append(item)
    cycles = []
    if inside:
        for cycle in perm.visible_cycles(user).select_related("framework__index"):
            counts = defaultdict(int)
            for state in cycle.assessments.values_list("state", flat=True):
                counts[state] += 1
            total = sum(counts.values())
            cycles.append(
                {
                    "cycle": cycle,
                    "total": total,
                    "approved": counts[State.APPROVED],
                    "states": [
                        {"label": State(s).label, "count": counts[s], "state": s}
                        for s in STATE_ORDER
                        if counts[s]
                    ],
                    "due": format_date(cycle.self_assessment_due),
                }
            )
    context = {
        "todo": todo[:60],
        "todo_more": max(0, len(todo) - 60),
        "mine": mine,
        "cycles": cycles,
        "inside": inside,
    }
    return render(request, "assessments/home.html", context)


def _cycle_or_404(request: HttpRequest, pk: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("framework__index"), pk=pk)
    if not _inside(request.user):
        raise Http404("không tìm thấy")
    return cycle


@login_required
@require_GET
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    """A cycle's units with their state and totals at each stage (inside roles only)."""
    the_cycle = _cycle_or_404(request, pk)
    framework = the_cycle.framework.to_engine()
    places = _places(framework)
    state_filter = request.GET.get("trang-thai", "")
    rows = []
    counts: dict[str, int] = defaultdict(int)
    assessments = (
        the_cycle.assessments.select_related("unit").prefetch_related("scores").order_by("unit__name")
    )
    for assessment in assessments:
        counts[assessment.state] += 1
        if state_filter and assessment.state != state_filter:
            continue
        totals = {}
        for stage in (SELF, APPRAISED, FINAL):
            tree = stage_tree(assessment, stage, framework)
            score = tree.get(framework.root.code)
            totals[stage] = _fmt(score.points if score else None, places)
        rows.append(
            {
                "assessment": assessment,
                "self": totals[SELF],
                "appraised": totals[APPRAISED]
                if assessment.state in APPRAISAL_SENT or assessment.state in (State.UNDER_APPRAISAL,)
                else "–",
                "final": totals[FINAL] if assessment.state == State.APPROVED else "–",
                "submitted": _when(assessment.submitted_at),
                "next": _next_step(perm.allowed_actions(request.user, assessment)),
            }
        )
    context = {
        "cycle": the_cycle,
        "framework": framework,
        "rows": rows,
        "states": [{"state": s, "label": State(s).label, "count": counts[s]} for s in STATE_ORDER],
        "state_filter": state_filter,
        "total": sum(counts.values()),
        "due": format_date(the_cycle.self_assessment_due),
        "can_publish": perm.can_publish(request.user, the_cycle),
    }
    return render(request, "assessments/cycle.html", context)


# -- one unit's assessment ---------------------------------------------------------------------------


@login_required
@require_GET
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    the_assessment = _get_assessment(request, pk)
    page = build_page(request, the_assessment)
    missing = []
    if (
        page.actions & {perm.EDIT_SELF, perm.SEND_TO_HEAD, perm.HEAD_APPROVE}
        and the_assessment.state == State.DRAFT
    ):
        missing = _missing(the_assessment, page.framework)
    context = {
        "a": the_assessment,
        "page": page,
        "sections": _sections(page),
        "totals": _page_totals(page),
        "buttons": _action_buttons(page),
        "missing": missing,
        "due": format_date(the_assessment.cycle.self_assessment_due),
        "inside": _inside(request.user),
        "can_edit": perm.EDIT_SELF in page.actions,
        "can_appraise": perm.APPRAISE in page.actions,
        "can_explain": perm.EXPLAIN in page.actions,
        "head_name": the_assessment.head_approved_by.get_username()
        if the_assessment.head_approved_by
        else "",
        "submitted": _when(the_assessment.submitted_at),
        "approved": _when(the_assessment.approved_at),
        "evidence_accept": ",".join(workflow.EVIDENCE_TYPES),
        "steps": _steps(the_assessment),
    }
    return render(request, "assessments/assessment.html", context)


def _steps(assessment: Assessment) -> list[dict[str, Any]]:
    current = STATE_ORDER.index(assessment.state)
    return [
        {"label": State(s).label, "status": "done" if i < current else "current" if i == current else "todo"}
        for i, s in enumerate(STATE_ORDER)
    ]


def _missing(assessment: Assessment, framework: Framework) -> list[dict[str, str]]:
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


def _render_criterion(
    request: HttpRequest,
    assessment: Assessment,
    node: Node,
    status: int = 200,
    **changes: Any,
) -> HttpResponse:
    """The criterion card after a change, with the field subtotal and page totals swapped out of band."""
    assessment.refresh_from_db()
    page = build_page(request, assessment)
    criterion = page.criterion(node)
    for key, value in changes.items():
        setattr(criterion, key, value)
    field_node = _field_of(page.framework, node)
    html = render_to_string(
        "assessments/_criterion.html",
        {"c": criterion, "a": assessment, "page": page, "evidence_accept": ",".join(workflow.EVIDENCE_TYPES)},
        request=request,
    )
    html += render_to_string(
        "assessments/_oob_totals.html",
        {
            "field": {"node": field_node, "totals": page.totals(field_node)} if field_node else None,
            "totals": _page_totals(page),
            "page": page,
            "a": assessment,
        },
        request=request,
    )
    return HttpResponse(html, status=status)


def _field_of(framework: Framework, node: Node) -> Node | None:
    for field_node in framework.root.children:
        if any(n.code == node.code for n in field_node.walk()):
            return field_node
    return None


def _back(assessment: Assessment, code: str = "") -> HttpResponse:
    url = reverse("assessments:assessment", args=[assessment.pk])
    if code:
        url += f"#tc-{code.replace('.', '-')}"
    return redirect(url)


def _criterion_post(
    handler: Callable[[HttpRequest, Assessment, Node], HttpResponse],
) -> Callable[[HttpRequest, int, str], HttpResponse]:
    """Common frame of the per-criterion actions: login, POST, visibility, the leaf, refusals."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
        the_assessment = _get_assessment(request, pk)
        node = _leaf_or_404(the_assessment.cycle.framework.to_engine(), code)
        try:
            return handler(request, the_assessment, node)
        except workflow.NotAllowed as exc:
            return forbidden(request, _message(exc))

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


def _error(
    request: HttpRequest, assessment: Assessment, node: Node, message: str, **changes: Any
) -> HttpResponse:
    if request.htmx:
        return _render_criterion(request, assessment, node, status=422, error=message, **changes)
    messages.error(request, f"{node.code}: {message}")
    return _back(assessment, node.code)


def _scoring_message(exc: Exception) -> str:
    cause = exc.__cause__ if isinstance(exc, workflow.WorkflowError) else exc
    if isinstance(cause, ScoringInputError):
        label = forms.input_label("", cause.field)
        problem = cause.problem_en if lang() == "en" else cause.problem_vi
        return f"{label}: {problem}"
    return _message(exc)


@_criterion_post
def preview(request: HttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """The points these inputs would give, as the unit types; nothing is saved."""
    if not perm.allowed(request.user, perm.EDIT_SELF, assessment):
        raise workflow.NotAllowed(_("Bạn không sửa được bản đánh giá này."))
    inputs = {k: v for k, v in forms.read_inputs(node, request.POST).items() if v not in ("", None)}
    places = _places(assessment.cycle.framework.to_engine())
    context = {"points": None, "error": "", "max": _fmt(node.max_points, places)}
    if inputs:
        try:
            context["points"] = _fmt(leaf_points(assessment, node, inputs), places)
        except ScoringInputError as exc:
            context["error"] = _scoring_message(exc)
    return render(request, "assessments/_preview.html", context)


@_criterion_post
def save_self(request: HttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """Save the unit's inputs and note for one criterion (optimistic locking on `version`)."""
    inputs = forms.read_inputs(node, request.POST)
    note = request.POST.get("note", "")
    version = _int_or_none(request.POST.get("version"))
    typed = {"fields": forms.input_fields(node, inputs, lang()), "note": note}
    return _save_criterion(
        request,
        assessment,
        node,
        lambda: workflow.save_self_score(
            request.user, assessment, node.code, inputs, note, expected_version=version
        ),
        typed,
        _("Đã lưu tiêu chí %(code)s.") % {"code": node.code},
        _scoring_message,
    )


def _save_criterion(
    request: HttpRequest,
    assessment: Assessment,
    node: Node,
    save: Callable[[], object],
    typed: dict[str, Any],
    done: str,
    describe: Callable[[workflow.WorkflowError], str],
) -> HttpResponse:
    """Run one criterion's save; a concurrent edit shows both values (409), a refused value is
    shown next to the inputs the user typed, and NotAllowed goes on to the 403 handler."""
    try:
        save()
    except workflow.StaleEdit as exc:
        conflict = _conflict(exc, assessment)
        if request.htmx:
            return _render_criterion(request, assessment, node, status=409, conflict=conflict, **typed)
        messages.error(request, conflict["message"])
        return _back(assessment, node.code)
    except workflow.NotAllowed:
        raise
    except workflow.WorkflowError as exc:
        return _error(request, assessment, node, describe(exc), **typed)
    if request.htmx:
        return _render_criterion(request, assessment, node, saved=True)
    messages.success(request, done)
    return _back(assessment, node.code)


def _conflict(exc: workflow.StaleEdit, assessment: Assessment) -> dict[str, Any]:
    places = _places(assessment.cycle.framework.to_engine())
    theirs = _fmt(exc.theirs, places) if isinstance(exc.theirs, Decimal) else (exc.theirs or "–")
    yours = _fmt(exc.yours, places) if isinstance(exc.yours, Decimal) else (exc.yours or "–")
    message = _(
        "Tiêu chí %(code)s vừa được %(by)s lưu với %(theirs)s điểm trong lúc bạn đang sửa. "
        "Giá trị bạn nhập (%(yours)s điểm) chưa được lưu. Hãy so sánh rồi bấm Lưu lần nữa nếu muốn giữ giá trị của bạn."
    ) % {"code": exc.criterion, "by": exc.by, "theirs": theirs, "yours": yours}
    return {"by": exc.by, "theirs": theirs, "yours": yours, "message": message}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@_criterion_post
def appraise(request: HttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """The appraiser's points and reason for one criterion."""
    points = request.POST.get("appraised_points", "").strip()
    reason = request.POST.get("reason", "")
    version = _int_or_none(request.POST.get("version"))
    typed = {"appraise_value": points, "appraise_reason": reason}
    if not points:
        return _error(request, assessment, node, _("Hãy nhập điểm thẩm định."), **typed)
    return _save_criterion(
        request,
        assessment,
        node,
        lambda: workflow.set_appraised(
            request.user, assessment, node.code, points, reason, expected_version=version
        ),
        typed,
        _("Đã lưu điểm thẩm định tiêu chí %(code)s.") % {"code": node.code},
        _message,
    )


@_criterion_post
def explain(request: HttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """The unit's explanation (giải trình) of an appraised difference."""
    text = request.POST.get("text", "")
    try:
        workflow.explain(request.user, assessment, node.code, text)
    except workflow.NotAllowed:
        raise
    except workflow.WorkflowError as exc:
        return _error(request, assessment, node, _message(exc), explain_text=text)
    if request.htmx:
        return _render_criterion(request, assessment, node, saved=True)
    messages.success(request, _("Đã ghi nội dung giải trình tiêu chí %(code)s.") % {"code": node.code})
    return _back(assessment, node.code)


@_criterion_post
def upload(request: HttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """Attach one or more evidence files to a criterion."""
    files = request.FILES.getlist("file")
    if not files:
        return _error(request, assessment, node, _("Hãy chọn tệp để tải lên."))
    added = 0
    for upload_file in files:
        try:
            workflow.add_evidence(request.user, assessment, node.code, upload_file)
            added += 1
        except workflow.NotAllowed:
            raise
        except workflow.WorkflowError as exc:
            return _error(request, assessment, node, _message(exc))
    if request.htmx:
        return _render_criterion(request, assessment, node, saved=True)
    messages.success(
        request, _("Đã tải lên %(n)s tệp cho tiêu chí %(code)s.") % {"n": added, "code": node.code}
    )
    return _back(assessment, node.code)


def _evidence_or_404(request: HttpRequest, pk: int, evidence_id: int) -> tuple[Assessment, Evidence]:
    the_assessment = _get_assessment(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_id, assessment=the_assessment)
    return the_assessment, evidence


@login_required
@require_POST
def remove_evidence(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    the_assessment, evidence = _evidence_or_404(request, pk, evidence_id)
    node = _leaf_or_404(the_assessment.cycle.framework.to_engine(), evidence.criterion)
    try:
        workflow.remove_evidence(request.user, evidence)
    except workflow.NotAllowed as exc:
        return forbidden(request, _message(exc))
    if request.htmx:
        return _render_criterion(request, the_assessment, node, saved=True)
    messages.success(request, _("Đã gỡ tệp %(name)s.") % {"name": evidence.original_name})
    return _back(the_assessment, node.code)


@login_required
@require_GET
def download_evidence(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    """The document with its original name; only for those who may see the assessment."""
    _the_assessment, evidence = _evidence_or_404(request, pk, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("tệp không còn") from None
    inline = evidence.content_type in ("application/pdf", "image/png", "image/jpeg")
    response = FileResponse(
        handle, as_attachment=not inline, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- transitions ------------------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[Callable[..., Any], bool, Any]] = {
    "send_to_head": (workflow.send_to_head, False, gettext_lazy("Đã gửi thủ trưởng đơn vị phê duyệt.")),
    "head_approve": (workflow.head_approve, False, gettext_lazy("Đã phê duyệt và gửi thẩm định.")),
    "withdraw": (
        workflow.withdraw,
        True,
        gettext_lazy("Đã rút lại; bản đánh giá trở về trạng thái đang tự đánh giá."),
    ),
    "send_appraisal": (workflow.send_appraisal, False, gettext_lazy("Đã gửi kết quả thẩm định cho đơn vị.")),
    "finish_explanation": (
        workflow.finish_explanation,
        False,
        gettext_lazy("Đã gửi giải trình cho tổ thẩm định."),
    ),
    "send_to_council": (workflow.send_to_council, False, gettext_lazy("Đã trình hội đồng.")),
    "council_approve": (
        workflow.council_approve,
        False,
        gettext_lazy("Hội đồng đã phê duyệt; điểm đã được chốt."),
    ),
    "reopen": (workflow.reopen, True, gettext_lazy("Đã mở lại bản đánh giá.")),
}


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One step of the cycle; refused steps answer 403, invalid ones come back with the reason."""
    if name not in TRANSITIONS:
        raise Http404("không có thao tác")
    the_assessment = _get_assessment(request, pk)
    function, needs_reason, done = TRANSITIONS[name]
    args = [request.POST.get("reason", "")] if needs_reason else []
    try:
        function(request.user, the_assessment, *args)
    except workflow.NotAllowed as exc:
        return forbidden(request, _message(exc))
    except workflow.WorkflowError as exc:
        if name in ("send_to_head", "head_approve"):
            missing = _missing(the_assessment, the_assessment.cycle.framework.to_engine())
            if missing:
                codes = ", ".join(m["code"] for m in missing[:12])
                messages.error(
                    request, _("Chưa thể gửi: còn tiêu chí chưa hoàn thành (%(codes)s).") % {"codes": codes}
                )
                return _back(the_assessment)
        if needs_reason and not request.POST.get("reason", "").strip():
            messages.error(request, _("Cần nêu lý do."))
        else:
            messages.error(request, _message(exc))
        return _back(the_assessment)
    messages.success(request, str(done))
    return _back(the_assessment)


# -- audit ------------------------------------------------------------------------------------------


def describe(value: Any, field_name: str, places: int = 2) -> str:
    """An audit value in words: points formatted, states named, files by name."""
    if value in (None, "", {}):
        return "–"
    if field_name == "state" and isinstance(value, str):
        try:
            return str(State(value).label)
        except ValueError:
            return value
    if isinstance(value, dict):
        parts = []
        if _dec(value.get("points")) is not None:
            parts.append(_("%(p)s điểm") % {"p": _fmt(_dec(value.get("points")), places)})
        inputs = value.get("inputs")
        if isinstance(inputs, dict) and inputs and set(inputs) != {"points"}:
            shown = []
            for key, item in inputs.items():
                if isinstance(item, list):
                    item = ", ".join(str(i) for i in item)
                shown.append(f"{forms.input_label('', key)}: {item}")
            parts.append("(" + "; ".join(shown) + ")")
        if value.get("note"):
            parts.append(_("thuyết minh: %(t)s") % {"t": value["note"]})
        if value.get("name"):
            parts.append(str(value["name"]))
        return " ".join(parts) or "–"
    if field_name in ("final", "survey_index"):
        number = _dec(value)
        return _fmt(number, places) if number is not None else str(value)
    return str(value)


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def _audit_rows(entries, places: int) -> list[dict[str, Any]]:
    return [
        {
            "time": _when(e.time),
            "user": e.user_name,
            "action": str(ACTION_LABELS.get(e.action, e.action)),
            "criterion": e.criterion,
            "before": describe(e.before, e.field, places),
            "after": describe(e.after, e.field, places),
            "reason": e.reason,
        }
        for e in entries
    ]


@login_required
@require_GET
def criterion_audit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The change history of one criterion (an htmx panel, or a page without JavaScript)."""
    the_assessment = _get_assessment(request, pk)
    framework = the_assessment.cycle.framework.to_engine()
    node = _leaf_or_404(framework, code)
    entries = AuditEntry.objects.filter(assessment=the_assessment, criterion=node.code)
    context = {"a": the_assessment, "node": node, "rows": _audit_rows(entries, _places(framework))}
    template = "assessments/_audit_panel.html" if request.htmx else "assessments/audit.html"
    if not request.htmx:
        context.update(_audit_page_context(the_assessment, framework, node.code, "", ""))
    return render(request, template, context)


def _audit_page_context(assessment: Assessment, framework: Framework, code: str, who: str, action: str):
    entries = AuditEntry.objects.filter(assessment=assessment)
    if code:
        entries = entries.filter(criterion=code)
    if who:
        entries = entries.filter(user_name=who)
    if action:
        entries = entries.filter(action=action)
    people = sorted(set(AuditEntry.objects.filter(assessment=assessment).values_list("user_name", flat=True)))
    used = set(AuditEntry.objects.filter(assessment=assessment).values_list("action", flat=True))
    return {
        "rows": _audit_rows(entries[:500], _places(framework)),
        "count": entries.count(),
        "criteria": [leaf.code for leaf in framework.leaves()],
        "people": people,
        "actions": [(key, str(label)) for key, label in ACTION_LABELS.items() if key in used],
        "f_code": code,
        "f_who": who,
        "f_action": action,
    }


@login_required
@require_GET
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of an assessment, filterable by criterion, person and action."""
    the_assessment = _get_assessment(request, pk)
    framework = the_assessment.cycle.framework.to_engine()
    context = {"a": the_assessment}
    context.update(
        _audit_page_context(
            the_assessment,
            framework,
            request.GET.get("tieu-chi", "").strip(),
            request.GET.get("nguoi", "").strip(),
            request.GET.get("hanh-dong", "").strip(),
        )
    )
    return render(request, "assessments/audit.html", context)


# -- results ----------------------------------------------------------------------------------------


def _stage_from(request: HttpRequest, cycle: Cycle) -> str:
    slug = request.GET.get("giai-doan", "")
    if slug in STAGE_SLUGS:
        return STAGE_SLUGS[slug]
    all_approved = not cycle.assessments.exclude(state=State.APPROVED).exists()
    return FINAL if all_approved else APPRAISED


def results_context(cycle: Cycle, stage: str) -> dict[str, Any]:
    """League table of the block (x/N, change against last year, groups) and the field breakdown."""
    analysis = cycle_analysis(cycle, stage)
    framework = analysis.framework
    places = _places(framework)
    fields = list(framework.root.children)
    of = analysis.total_ranking.of
    language = lang()
    rows = []
    for row in analysis.league_table():
        ref = row.unit.ref
        components = []
        for node in fields:
            value = analysis.current.value(ref, node.code)
            percent = value * 100 / node.max_points if value is not None and node.max_points else None
            components.append({"code": node.code, "points": _fmt(value, places), "percent": _fmt(percent, 1)})
        group = row.group
        rows.append(
            {
                "rank": format_rank(row.rank, of),
                "code": row.unit.code,
                "name": row.unit.name,
                "score": _fmt(row.score, places),
                "bar": _bar(row.score, framework.root.max_points),
                "change_score": format_signed(row.change.score, places, language) if row.change else "–",
                "change_rank": _signed_int(row.change.rank) if row.change else "–",
                "trend": _trend(row.change.rank if row.change else None),
                "group": (group.label_en if language == "en" else group.label_vi) if group else "–",
                "group_position": group.position if group else None,
                "components": components,
            }
        )
    mean = analysis.computed_mean()
    return {
        "cycle": cycle,
        "framework": framework,
        "rows": rows,
        "fields": [{"code": n.code, "name": _node_name(n), "max": _fmt(n.max_points, 0)} for n in fields],
        "of": of,
        "ranked": len(analysis.total_ranking),
        "mean": _fmt(mean, places),
        "max_points": _fmt(framework.root.max_points, 0),
        "previous": analysis.previous.year if analysis.previous else None,
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "bands": [
            {
                "label": b.label_en if language == "en" else b.label_vi,
                "min": _fmt(b.min_percent, 0),
                "position": i,
            }
            for i, b in enumerate(framework.ranking.groups.bands or [])
        ],
    }


def _bar(value: Decimal | None, maximum: Decimal | None) -> int:
    if value is None or not maximum:
        return 0
    return max(0, min(100, int(value * 100 / maximum)))


def _signed_int(value: int | None) -> str:
    if value is None:
        return "–"
    return f"+{value}" if value > 0 else str(value)


def _trend(rank_change: int | None) -> str:
    if rank_change is None:
        return ""
    return "up" if rank_change > 0 else "down" if rank_change < 0 else "same"


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's results for inside roles, at any stage; the officer publishes from here."""
    the_cycle = _cycle_or_404(request, pk)
    stage = _stage_from(request, the_cycle)
    context = results_context(the_cycle, stage)
    pending = the_cycle.assessments.exclude(state=State.APPROVED).count()
    context.update(
        {
            "public": False,
            "stages": [(slug, STAGE_LABELS[s], s == stage) for slug, s in STAGE_SLUGS.items()],
            "stage_slug": next(slug for slug, s in STAGE_SLUGS.items() if s == stage),
            "can_publish": perm.can_publish(request.user, the_cycle),
            "pending": pending,
            "published_at": _when(the_cycle.published_at) if the_cycle.published_at else "",
        }
    )
    return render(request, "assessments/results.html", context)


def _unit_context(cycle: Cycle, stage: str, unit_code: str) -> dict[str, Any]:
    analysis = cycle_analysis(cycle, stage)
    unit = next((u for u in analysis.current.peers if u.code == unit_code), None)
    if unit is None:
        raise Http404("không có đơn vị")
    assessment = cycle.assessments.select_related("unit").get(unit__code=unit_code)
    framework = analysis.framework
    places = _places(framework)
    profile = analysis.profile(unit.ref)
    tree = stage_tree(assessment, stage, framework)
    language = lang()
    fields = []
    for node, component in zip(framework.root.children, profile.components, strict=True):
        leaves = []
        for leaf in node.walk():
            if leaf.children:
                continue
            score = tree.get(leaf.code)
            leaves.append(
                {
                    "code": leaf.code,
                    "name": _node_name(leaf),
                    "points": _fmt(score.points if score else None, places),
                    "max": _fmt(leaf.max_points, places),
                    "bar": _bar(score.points if score else None, leaf.max_points),
                }
            )
        fields.append(
            {
                "code": node.code,
                "name": _node_name(node),
                "points": _fmt(component.score, places),
                "max": _fmt(node.max_points, 0),
                "percent": _fmt(component.score * 100 / node.max_points, 1)
                if component.score is not None and node.max_points
                else "–",
                "rank": format_rank(component.rank, component.of),
                "mean": _fmt(component.mean, places),
                "bar": _bar(component.score, node.max_points),
                "mean_bar": _bar(component.mean, node.max_points),
                "leaves": leaves,
            }
        )
    change = profile.change
    return {
        "cycle": cycle,
        "unit": unit,
        "assessment": assessment,
        "score": _fmt(profile.score, places),
        "max_points": _fmt(framework.root.max_points, 0),
        "rank": format_rank(profile.rank, profile.of),
        "group": (profile.group.label_en if language == "en" else profile.group.label_vi)
        if profile.group
        else "–",
        "group_position": profile.group.position if profile.group else None,
        "change_score": format_signed(change.score, places, language) if change else None,
        "change_rank": _signed_int(change.rank) if change else None,
        "previous_year": profile.previous_year,
        "mean": _fmt(profile.national_mean, places),
        "fields": fields,
        "stage_label": STAGE_LABELS[stage],
    }


@login_required
@require_GET
def results_unit(request: HttpRequest, pk: int, unit_code: str) -> HttpResponse:
    the_cycle = _cycle_or_404(request, pk)
    stage = _stage_from(request, the_cycle)
    context = _unit_context(the_cycle, stage, unit_code)
    context["public"] = False
    context["stage_slug"] = next(slug for slug, s in STAGE_SLUGS.items() if s == stage)
    return render(request, "assessments/results_unit.html", context)


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    the_cycle = _cycle_or_404(request, pk)
    return _excel_response(the_cycle, _stage_from(request, the_cycle))


def _excel_response(cycle: Cycle, stage: str) -> HttpResponse:
    from chiso.assessments.exports import cycle_workbook

    content = cycle_workbook(cycle, stage, lang())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{cycle.year}-ky-{cycle.pk}.xlsx"'
    return response


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    the_cycle = _cycle_or_404(request, pk)
    try:
        workflow.publish(request.user, the_cycle)
    except workflow.NotAllowed as exc:
        return forbidden(request, _message(exc))
    except workflow.WorkflowError as exc:
        messages.error(request, _message(exc))
        return redirect("assessments:results", pk=the_cycle.pk)
    messages.success(request, _("Đã công bố kết quả. Mọi người có thể xem mà không cần đăng nhập."))
    return redirect("assessments:published", pk=the_cycle.pk)


# -- public pages (published cycles only) -----------------------------------------------------------


def _published_or_404(pk: int) -> Cycle:
    return get_object_or_404(
        Cycle.objects.select_related("framework__index"), pk=pk, published_at__isnull=False
    )


@require_GET
def published_list(request: HttpRequest) -> HttpResponse:
    cycles = Cycle.objects.filter(published_at__isnull=False).select_related("framework__index")
    items = [{"cycle": c, "published": _when(c.published_at), "count": c.assessments.count()} for c in cycles]
    return render(request, "assessments/published_list.html", {"items": items})


@require_GET
def published(request: HttpRequest, pk: int) -> HttpResponse:
    the_cycle = _published_or_404(pk)
    context = results_context(the_cycle, FINAL)
    context.update({"public": True, "published_at": _when(the_cycle.published_at)})
    return render(request, "assessments/results.html", context)


@require_GET
def published_unit(request: HttpRequest, pk: int, unit_code: str) -> HttpResponse:
    the_cycle = _published_or_404(pk)
    context = _unit_context(the_cycle, FINAL, unit_code)
    context["public"] = True
    return render(request, "assessments/results_unit.html", context)


@require_GET
def published_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _excel_response(_published_or_404(pk), FINAL)

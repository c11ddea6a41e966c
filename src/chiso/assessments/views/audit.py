"""The audit log of an assessment: every change, in words, filterable by criterion, person and action."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import actions as perm
from chiso.assessments import forms
from chiso.assessments.models import Assessment, AuditEntry, State
from chiso.assessments.views.common import fmt, get_assessment, leaf_or_404, places_of, when
from chiso.engine.frameworks import Framework

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
    "peer_rescore": gettext_lazy("Tính lại điểm so với đơn vị cao nhất"),
    "publish": gettext_lazy("Công bố kết quả"),
}


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
    if isinstance(value, dict) and field_name == "peer":  # a peer re-score: the points of each stage
        stages = (("self", _("tự chấm")), ("appraised", _("thẩm định")), ("final", _("cuối cùng")))
        return (
            "; ".join(
                f"{label} {fmt(number, places)}"
                for key, label in stages
                if (number := _dec(value.get(key))) is not None
            )
            or "–"
        )
    if isinstance(value, dict):
        parts = []
        if _dec(value.get("points")) is not None:
            parts.append(_("%(p)s điểm") % {"p": fmt(_dec(value.get("points")), places)})
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
        return fmt(number, places) if number is not None else str(value)
    return str(value)


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def _audit_rows(entries, places: int) -> list[dict[str, Any]]:
    return [
        {
            "time": when(e.time),
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
def criterion_audit(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """The change history of one criterion (an htmx panel, or a page without JavaScript)."""
    the_assessment = get_assessment(request, pk)
    framework = the_assessment.cycle.framework.to_engine()
    node = leaf_or_404(framework, code)
    entries = AuditEntry.objects.filter(assessment=the_assessment, criterion=node.code)
    context = {"a": the_assessment, "node": node, "rows": _audit_rows(entries, places_of(framework))}
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
        "rows": _audit_rows(entries[:500], places_of(framework)),
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
    the_assessment = get_assessment(request, pk)
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

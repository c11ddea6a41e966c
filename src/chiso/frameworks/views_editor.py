"""The framework editor: the tree of a framework edited node by node (htmx inline forms, with plain
page fallbacks), every change validated and audited."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from chiso.accounts.permissions import officer_required
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.engine.frameworks import Node
from chiso.engine.validation import validate_framework
from chiso.frameworks import editor
from chiso.frameworks.forms import NodeForm
from chiso.frameworks.models import Framework
from chiso.frameworks.ownership import require_manages, visible
from chiso.frameworks.views import lang_of, years_of

ACTIONS = {"them-con", "them-sau", "len", "xuong", "xoa"}


# -- the editor -------------------------------------------------------------------------------------


def _problem(problem, lang: str, codes: set[str]) -> dict[str, Any]:
    return {
        "code": problem.code,
        "text": problem.message,
        "error": problem.is_error,
        "node": problem.code in codes,
    }


def _editor_context(
    request: HttpRequest,
    row: Framework,
    open_code: str | None = None,
    form: NodeForm | None = None,
    params: editor.RuleParamsView | None = None,
    notice: str = "",
    notice_kind: str = "success",
) -> dict[str, Any]:
    lang = lang_of(request)
    engine = row.to_engine()
    refusal = editor.edit_refusal(row)
    codes = {node.code for node in engine.nodes()}
    problems = [_problem(p, lang, codes) for p in validate_framework(engine)]
    by_code: dict[str, list] = defaultdict(list)
    for problem in problems:
        by_code[problem["code"]].append(problem)
    rows = []

    def walk(node: Node, depth: int, siblings: list[Node] | None) -> None:
        position = siblings.index(node) if siblings else 0
        is_open = node.code == open_code and not refusal
        node_form, node_params = None, None
        if is_open:
            node_form = form or NodeForm(initial=_node_initial(node, lang), current_level=node.level)
            node_params = params or editor.params_view(
                node.rule.type if node.rule else "", node.rule.params if node.rule else {}, lang
            )
        rows.append(
            {
                "node": node,
                "depth": depth,
                "max": editor.plain(node.max_points, lang),
                "level": editor.LEVEL_LABELS.get(node.level, node.level),
                "method": editor.METHOD_LABELS.get(node.method, node.method),
                "rule": editor.rule_summary(node.rule, lang),
                "problems": by_code.get(node.code, []),
                "errors": any(p["error"] for p in by_code.get(node.code, [])),
                "first": position == 0,
                "last": siblings is None or position == len(siblings) - 1,
                "root": siblings is None,
                "open": is_open,
                "form": node_form,
                "params": node_params,
            }
        )
        for child in node.children:
            walk(child, depth + 1, node.children)

    walk(engine.root, 0, None)
    return {
        "framework": row,
        "engine": engine,
        "years": years_of(row),
        "rows": rows,
        "problems": problems,
        "n_errors": sum(1 for p in problems if p["error"]),
        "n_warnings": sum(1 for p in problems if not p["error"]),
        "refusal": refusal,
        "editable": not refusal,
        "cycles": list(row.cycles.order_by("-year")),
        "history": editor.history(row),
        "notice": notice,
        "notice_kind": notice_kind,
        "section": "frameworks",
        "rule_labels": editor.RULE_LABELS,
        "lang": lang,
    }


def _node_initial(node: Node, lang: str) -> dict[str, Any]:
    return {
        "code": node.code,
        "name_vi": node.name_vi,
        "name_en": node.name_en,
        "level": node.level,
        "max_points": editor.plain(node.max_points, lang),
        "method": node.method,
        "evidence_required": node.evidence_required,
        "rule_type": node.rule.type if node.rule else "",
    }


def _editor(request: AuthenticatedHttpRequest, row: Framework, status: int = 200, **kwargs) -> HttpResponse:
    """The editor: the whole page, or (htmx) the part with the problems and the tree."""
    context = _editor_context(request, row, **kwargs)
    if request.htmx:
        response = render(request, "frameworks/framework_edit_tree.html", context, status=status)
        return reswap(retarget(response, "#editor"), "innerHTML")
    return render(request, "frameworks/framework_edit.html", context, status=status)


@officer_required
def framework_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The editor page: the tree, its problems, the history; `?sua=<code>` opens a node."""
    row = get_object_or_404(visible(request.user, Framework.objects.select_related("index")), code=code)
    return _editor(request, row, open_code=request.GET.get("sua") or None)


def _node_or_404(row: Framework, node_code: str) -> Node:
    try:
        return editor.locate(row.to_engine(), node_code)[1]
    except editor.EditError:
        raise Http404 from None


def _after_change(
    request: AuthenticatedHttpRequest, row: Framework, outcome: editor.Outcome, open_new: bool = False
) -> HttpResponse:
    row.refresh_from_db()
    if request.htmx:
        return _editor(request, row, open_code=outcome.focus if open_new else None, notice=outcome.message)
    messages.success(request, outcome.message)
    url = reverse("frameworks:edit", args=[row.code])
    if open_new:
        url += f"?sua={outcome.focus}"
    return redirect(f"{url}#n-{outcome.focus.replace('.', '-')}")


def _refused(
    request: AuthenticatedHttpRequest, row: Framework, exc: editor.EditError, **kwargs
) -> HttpResponse:
    status = 409 if isinstance(exc, editor.EditRefused) else 422
    return _editor(request, row, status=status, notice=str(exc), notice_kind="error", **kwargs)


@officer_required
def node_edit(request: AuthenticatedHttpRequest, code: str, node: str) -> HttpResponse:
    """The inline form of one node (htmx), and its saving."""
    row = get_object_or_404(visible(request.user, Framework.objects.select_related("index")), code=code)
    current = _node_or_404(row, node)
    if request.method != "POST":
        if not request.htmx:
            return redirect(f"{reverse('frameworks:edit', args=[row.code])}?sua={node}#n-{node}")
        open_code = None if request.GET.get("dong") else node
        return _node_fragment(request, row, node, open_code=open_code)
    require_manages(request.user, row)
    refusal = editor.edit_refusal(row)
    if refusal:
        return _refused(request, row, editor.EditRefused(refusal))
    form = NodeForm(request.POST, current_level=current.level)
    if form.is_valid():
        try:
            outcome = editor.edit_node(row, request.user, node, form.cleaned_data)
        except editor.EditError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_change(request, row, outcome)
    params = editor.posted_params_view(request.POST.get("rule_type", ""), request.POST)
    if request.htmx:
        return _node_fragment(request, row, node, open_code=node, form=form, params=params, status=422)
    return _editor(request, row, status=422, open_code=node, form=form, params=params)


def _node_fragment(
    request: AuthenticatedHttpRequest, row: Framework, node: str, status: int = 200, **kwargs
) -> HttpResponse:
    context = _editor_context(request, row, **kwargs)
    r = next(r for r in context["rows"] if r["node"].code == node)
    return render(request, "frameworks/framework_edit_node.html", {**context, "r": r}, status=status)


@officer_required
def node_rule(request: AuthenticatedHttpRequest, code: str, node: str) -> HttpResponse:
    """The rule parameters block for the rule type chosen in the form (htmx, on change)."""
    row = get_object_or_404(visible(request.user, Framework.objects.all()), code=code)
    current = _node_or_404(row, node)
    rule_type = request.GET.get("rule_type", "")
    if rule_type and rule_type not in editor.CRITERION_RULES:
        raise Http404
    rule = current.rule
    current_params = rule.params if rule is not None and rule.type == rule_type else {}
    params = editor.params_view(rule_type, current_params, lang_of(request))
    return render(request, "frameworks/framework_edit_rule.html", {"params": params})


@require_POST
@officer_required
def node_action(request: AuthenticatedHttpRequest, code: str, node: str, action: str) -> HttpResponse:
    """Add a child or a sibling, move up or down, or delete a node."""
    row = get_object_or_404(visible(request.user, Framework.objects.select_related("index")), code=code)
    if action not in ACTIONS:
        raise Http404
    _node_or_404(row, node)
    require_manages(request.user, row)
    try:
        if action == "them-con":
            outcome = editor.add_node(row, request.user, node, "child")
        elif action == "them-sau":
            outcome = editor.add_node(row, request.user, node, "after")
        elif action in ("len", "xuong"):
            outcome = editor.move_node(row, request.user, node, -1 if action == "len" else 1)
        else:
            outcome = editor.delete_node(row, request.user, node)
    except editor.EditError as exc:
        return _refused(request, row, exc)
    return _after_change(request, row, outcome, open_new=action in ("them-con", "them-sau"))

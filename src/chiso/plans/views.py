"""Pages from results to action: where points were lost, what-if, rank targets, responsibilities,
improvement plans with tasks, reports and commitments, and the leaders' dashboard."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
from datetime import date
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.permissions import EVERYONE_INSIDE, has_role, own_units
from chiso.assessments.models import Cycle
from chiso.engine.analysis import TOTAL
from chiso.engine.losses import NodeLoss, loss_analysis
from chiso.engine.numbers import NumberError, format_number, format_rank, format_signed, parse_decimal
from chiso.engine.whatif import Change, WhatIfError, rank_target, what_if
from chiso.frameworks.models import Framework
from chiso.plans import services
from chiso.plans.forms import (
    ImportForm,
    ItemForm,
    ItemStatusForm,
    PlanSettingsForm,
    ProposalRowForm,
    ReportForm,
    ResponsibilityForm,
    TaskForm,
    TaskStatusForm,
)
from chiso.plans.models import Escalation, Plan, PlanItem, ProgressReport, Responsibility, Task
from chiso.plans.services import PlanError, Subject

# -- plotly.js from the installed package -----------------------------------------------------------


def plotly_version() -> str:
    return importlib.metadata.version("plotly")


def plotly_js(request: HttpRequest) -> FileResponse:
    """The plotly.min.js bundled in the installed `plotly` package (no CDN: intranets are offline)."""
    path = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    response = FileResponse(path.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


# -- helpers ----------------------------------------------------------------------------------------


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _num(value: Decimal | None, places: int = 2) -> str:
    return format_number(value, places, _lang())


def _subject(request: HttpRequest, kwargs: dict) -> Subject:
    """The analysed unit from the URL; an internal cycle only for the people who may see it."""
    try:
        if "cycle_id" in kwargs:
            cycle = get_object_or_404(Cycle, pk=kwargs["cycle_id"])
            if not request.user.is_authenticated:
                raise PermissionDenied
            subject = services.cycle_subject(cycle, kwargs["unit_code"])
            if not (has_role(request.user, *EVERYONE_INSIDE) or subject.unit.pk in own_units(request.user)):
                raise PermissionDenied
            return subject
        return services.national_subject(kwargs["index_code"], kwargs["year"], kwargs["unit_code"])
    except LookupError as exc:
        raise Http404(str(exc)) from exc


def _subject_url(subject: Subject, name: str) -> str:
    return reverse(f"plans:{subject.url_prefix}_{name}", args=subject.url_args)


def manager_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
        if not services.manages(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _visible_plan(request: HttpRequest, pk: int) -> Plan:
    plan = services.visible_plans(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


# -- loss analysis ----------------------------------------------------------------------------------


def _ordered(rows: list[NodeLoss], analysis) -> list[NodeLoss]:
    """The tree with siblings sorted by points at stake, most first: points lost against the maximum,
    or, where a node has no maximum (PAPI's sub-dimensions), the gap to the best unit."""
    by_code = {r.code: r for r in rows}
    out: list[NodeLoss] = []

    def stake(code: str) -> tuple:
        row = by_code[code]
        value = row.lost if row.lost is not None else row.gap_to_best
        return (value is None, -(value or 0), code)

    def visit(node) -> None:
        for child in sorted(node.children, key=lambda c: stake(c.code)):
            out.append(by_code[child.code])
            visit(child)

    out.append(by_code[analysis.framework.root.code])
    visit(analysis.framework.root)
    return out


def _loss_rows(subject: Subject) -> list[dict]:
    analysis = subject.analysis
    places = analysis.framework.display_precision
    rows = []
    for r in _ordered(loss_analysis(analysis, subject.ref), analysis):
        rows.append(
            {
                "code": r.code,
                "name": r.name_vi,
                "depth": r.depth,
                "points": _num(r.points, places),
                "max": _num(r.max_points, places) if r.max_points is not None else "–",
                "lost": _num(r.lost, places) if r.lost is not None else "–",
                "percent": _num(r.percent, 1) if r.percent is not None else "–",
                "at_max": r.at_max,
                "rank": format_rank(r.rank, r.of),
                "change_points": format_signed(r.change_points, places, _lang())
                if r.change_points is not None
                else "–",
                "change_rank": (f"{r.change_rank:+d}" if r.change_rank else "0")
                if r.change_rank is not None
                else "–",
                "trend": "up" if (r.change_rank or 0) > 0 else "down" if (r.change_rank or 0) < 0 else "",
                "best": _num(r.best, places),
                "regional_best": _num(r.regional_best, places),
                "mean": _num(r.mean, places),
                "weak": r.percent is not None
                and r.depth > 0
                and r.mean is not None
                and r.points is not None
                and r.points < r.mean,
            }
        )
    return rows


def _float(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _charts(subject: Subject) -> dict:
    """Data for the two plotly charts: components against the mean and the best; the ranking."""
    analysis = subject.analysis
    components = []
    for node in analysis.components:
        ranking = analysis.ranking(node.code)
        components.append(
            {
                "code": node.code,
                "name": node.name_vi,
                "points": _float(analysis.current.value(subject.ref, node.code)),
                "mean": _float(analysis.computed_mean(node.code)),
                "best": _float(ranking.entries[0].value if ranking.entries else None),
                "max": _float(node.max_points),
            }
        )
    ranking = []
    for position, entry in enumerate(analysis.total_ranking.entries, start=1):
        ranking.append(
            {
                "position": position,
                "name": analysis.units[entry.unit].name,
                "rank": entry.rank,
                "score": _float(entry.value),
                "me": entry.unit == subject.ref,
            }
        )
    return {
        "components": components,
        "ranking": ranking,
        "unit": subject.unit.name,
        "of": analysis.total_ranking.of,
        "separators": ".," if _lang() == "en" else ",.",
        "labels": {
            "points": subject.unit.name,
            "mean": _("Trung bình"),
            "best": _("Cao nhất"),
            "score": _("Điểm tổng"),
            "rank": _("Hạng"),
        },
    }


def _stake_sentence(subject: Subject) -> str:
    rows = [r for r in loss_analysis(subject.analysis, subject.ref) if r.depth == 1 and r.lost and r.lost > 0]
    rows.sort(key=lambda r: -r.lost)  # type: ignore[operator]
    places = subject.analysis.framework.display_precision
    if not rows:
        return ""
    parts = ", ".join(f"{r.code} {r.name_vi} ({_num(r.lost, places)})" for r in rows[:3])
    return _("Mất nhiều điểm nhất ở: %(parts)s.") % {"parts": parts}


def losses(request: HttpRequest, **kwargs) -> HttpResponse:
    subject = _subject(request, kwargs)
    analysis = subject.analysis
    places = analysis.framework.display_precision
    score = analysis.current.value(subject.ref, TOTAL)
    if score is None:
        raise Http404(_("Đơn vị không có kết quả năm này."))
    nodes = services.plannable_nodes(analysis.framework)
    whatif_fields = [
        {
            "code": n.code,
            "name": n.name_vi,
            "value": _num(analysis.current.value(subject.ref, n.code), places),
            "max": _num(n.max_points, places),
        }
        for n in nodes
        if analysis.current.value(subject.ref, n.code) is not None
    ]
    effort_fields = [{"code": n.code, "name": n.name_vi} for n in analysis.components]
    current_rank = analysis.total_ranking.rank_of(subject.ref)
    plans = subject.plans().filter(pk__in=services.visible_plans(request.user).values("pk"))
    context = {
        "subject": subject,
        "rows": _loss_rows(subject),
        "charts": _charts(subject),
        "score": _num(score, places),
        "max_points": _num(analysis.framework.root.max_points, 0),
        "rank": format_rank(current_rank, analysis.total_ranking.of),
        "stake": _stake_sentence(subject),
        "whatif_fields": whatif_fields,
        "effort_fields": effort_fields,
        "target_default": max(1, (current_rank or 1) - 10),
        "of": analysis.total_ranking.of,
        "whatif_url": _subject_url(subject, "whatif"),
        "target_url": _subject_url(subject, "target"),
        "propose_url": _subject_url(subject, "propose"),
        "manages": services.manages(request.user),
        "plans": plans,
        "plotly_version": plotly_version(),
        "profile_url": reverse("results:profile", args=subject.url_args) if subject.index else "",
    }
    return render(request, "plans/losses.html", context)


@require_POST
def whatif(request: HttpRequest, **kwargs) -> HttpResponse:
    """htmx: the new total and rank if some nodes had other values."""
    subject = _subject(request, kwargs)
    places = subject.analysis.framework.display_precision
    changes, errors = [], []
    for key, value in request.POST.items():
        if not key.startswith("v_") or not value.strip():
            continue
        code = key[2:]
        current = subject.analysis.current.value(subject.ref, code)
        try:
            amount = parse_decimal(value)
        except NumberError:
            errors.append(_("%(code)s: “%(value)s” không phải số.") % {"code": code, "value": value})
            continue
        if current is not None and _num(amount, places) == _num(current, places):
            continue  # left as shown
        changes.append(Change(code, amount, relative=False))
    result = None
    if not errors and changes:
        try:
            result = what_if(subject.analysis, subject.ref, changes)
        except WhatIfError as exc:
            errors.append(str(exc))
    context = {"errors": errors, "changed": bool(changes)}
    if result is not None:
        moved = result.rank - result.new_rank
        context.update(
            {
                "score": _num(result.score, places),
                "new_score": _num(result.new_score, places),
                "delta": format_signed(result.new_score - result.score, places, _lang()),
                "rank": format_rank(result.rank, result.of),
                "new_rank": format_rank(result.new_rank, result.of),
                "moved": moved,
                "moved_abs": abs(moved),
                "changes": [
                    {
                        "code": c.code,
                        "name": subject.analysis.framework.node(c.code).name_vi,
                        "old": _num(subject.analysis.current.value(subject.ref, c.code), places),
                        "new": _num(c.amount, places),
                    }
                    for c in changes
                ],
            }
        )
    status = 422 if errors else 200
    return render(request, "plans/_whatif_result.html", context, status=status)


@require_POST
def target(request: HttpRequest, **kwargs) -> HttpResponse:
    """htmx: the cheapest way to a target rank, explained, with a button to plan it."""
    subject = _subject(request, kwargs)
    analysis = subject.analysis
    places = analysis.framework.display_precision
    errors = []
    try:
        wanted = int(request.POST.get("rank", ""))
    except ValueError:
        wanted = 0
        errors.append(_("Hạng mục tiêu phải là số nguyên."))
    effort = {}
    for key, value in request.POST.items():
        if key.startswith("e_") and value.strip():
            try:
                effort[key[2:]] = parse_decimal(value)
            except NumberError:
                errors.append(_("%(code)s: “%(value)s” không phải số.") % {"code": key[2:], "value": value})
            else:
                if effort[key[2:]] <= 0:
                    errors.append(_("%(code)s: chi phí phải lớn hơn 0.") % {"code": key[2:]})
    result = None
    if not errors:
        try:
            result = rank_target(
                analysis, subject.ref, wanted, effort=effort or None, unit_name=subject.unit.name
            )
        except WhatIfError as exc:
            errors.append(str(exc))
    context: dict = {"errors": errors, "manages": services.manages(request.user)}
    if result is not None:
        context.update(
            {
                "result": result,
                "explanation": result.explanation_vi,
                "gains": [
                    {
                        "code": g.code,
                        "name": g.name_vi,
                        "points": _num(g.points, places),
                        "raw": str(g.points),
                        "total_points": _num(g.total_points, places),
                        "feasible": _num(g.feasible, places),
                        "from": _num(analysis.current.value(subject.ref, g.code), places),
                        "to": _num((analysis.current.value(subject.ref, g.code) or 0) + g.points, places),
                    }
                    for g in result.gains
                ],
                "propose_url": _subject_url(subject, "propose"),
            }
        )
    return render(request, "plans/_target_result.html", context, status=422 if errors else 200)


# -- proposals → plan items -------------------------------------------------------------------------


def _proposals(request: HttpRequest, subject: Subject) -> tuple[list[services.Proposal], str]:
    source = request.POST if request.method == "POST" else request.GET
    gains = {}
    for key, value in source.items():
        if key.startswith("g_"):
            try:
                gains[key[2:]] = parse_decimal(value)
            except NumberError:
                continue
    known = {n.code for n in subject.analysis.framework.nodes()}
    gains = {code: gain for code, gain in gains.items() if code in known}
    if gains:
        return services.proposals_from_gains(
            subject.analysis, subject.ref, gains, subject.framework
        ), "target"
    try:
        threshold = parse_decimal(source.get("nguong") or "50")
    except NumberError:
        threshold = Decimal(50)
    proposals = services.propose_items(subject.analysis, subject.ref, threshold, subject.framework)
    for p in proposals:
        if p.max_points is not None and p.points is not None:
            p.target = max(p.points, p.max_points * threshold / 100)
    return proposals, str(threshold)


@manager_required
def propose(request: HttpRequest, **kwargs) -> HttpResponse:
    """The proposed items (below a threshold, or from a rank target): the officer keeps some, names
    the lead agency and sets the deadline of each, then creates them in the unit's plan."""
    subject = _subject(request, kwargs)
    proposals, source = _proposals(request, subject)
    places = subject.analysis.framework.display_precision
    rows = []
    for p in proposals:
        initial = {
            "keep": True,
            "target_points": _num(p.target, places) if p.target is not None else "",
            "lead": p.lead.pk if p.lead else None,
            "supporters": [s.pk for s in p.supporters],
        }
        form = ProposalRowForm(request.POST or None, prefix=p.code, initial=initial)
        rows.append(
            {
                "p": p,
                "form": form,
                "points": _num(p.points, places),
                "max": _num(p.max_points, places),
                "percent": _num(p.percent, 1) if p.percent is not None else "–",
                "gain": _num(p.gain, places) if p.gain is not None else "",
                "raw_gain": str(p.target - p.points) if p.target is not None and p.points is not None else "",
            }
        )
    if request.method == "POST" and all(row["form"].is_valid() for row in rows):
        kept = [row for row in rows if row["form"].cleaned_data["keep"]]
        if not kept:
            messages.error(request, _("Chưa chọn nội dung nào."))
        else:
            plan = services.plan_for(subject, request.user)
            for row in kept:
                data, p = row["form"].cleaned_data, row["p"]
                services.add_item(
                    request.user,
                    plan,
                    criterion=p.code,
                    lead=data["lead"],
                    supporters=list(data["supporters"]),
                    deadline=data["deadline"],
                    actions=data["actions"],
                    target_points=data["target_points"],
                    expected_gain=p.gain,
                    current_points=p.points,
                )
            messages.success(request, _("Đã thêm %(n)s nội dung vào kế hoạch.") % {"n": len(kept)})
            return redirect("plans:plan", pk=plan.pk)
    context = {
        "subject": subject,
        "rows": rows,
        "source": source,
        "losses_url": _subject_url(subject, "losses"),
        "threshold": source if source != "target" else "50",
        "responsibilities_url": reverse("plans:responsibilities", args=[subject.framework.code]),
    }
    return render(request, "plans/propose.html", context, status=422 if request.method == "POST" else 200)


# -- plans ------------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = services.visible_plans(request.user).order_by("-year", "title")
    frameworks = Framework.objects.select_related("index").order_by("index__code", "-first_year")
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans,
            "frameworks": frameworks if services.reads_all(request.user) else [],
            "reads_all": services.reads_all(request.user),
        },
    )


def _item_context(request: HttpRequest, item: PlanItem, today: date) -> dict:
    user = request.user
    state = services.health(item, today)
    tasks = list(item.tasks.all())
    mine = services.agencies_of(user)
    report_tasks = [(str(t.pk), t.title) for t in tasks if t.owner_id in mine]
    can_report_item = services.can_report(user, item)
    can_report = item.plan.status == Plan.Status.ACTIVE and (can_report_item or bool(report_tasks))
    periods = [(p.key, p.label) for p in services.reportable_periods(item, today)]
    report_form = None
    if can_report and periods:
        report_form = ReportForm(
            periods=periods,
            tasks=report_tasks,
            prefix=f"r{item.pk}",
        )
    return {
        "item": item,
        "health": state,
        "schedule": services.schedule(item, today),
        "tasks": [
            {"task": t, "late": t.is_late(today), "can_update": services.manages(user) or t.owner_id in mine}
            for t in tasks
        ],
        "reports": sorted(item.reports.all(), key=lambda r: r.submitted_at, reverse=True),
        "report_form": report_form,
        "task_form": TaskForm(prefix=f"t{item.pk}") if services.manages(user) else None,
        "status_form": ItemStatusForm(initial={"status": item.status}) if services.manages(user) else None,
        "task_status_choices": TaskStatusForm.base_fields["status"].choices,
    }


def _criteria_choices(plan: Plan) -> list[tuple[str, str]]:
    framework = plan.framework.to_engine()
    return [(n.code, f"{n.code} — {n.name_vi}") for n in framework.nodes() if n.code != framework.root.code]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    today = date.today()
    items = (
        plan.items.select_related("lead")
        .prefetch_related(
            "supporters", "tasks__owner", "tasks__owner_user", "reports__agency", "reports__task"
        )
        .order_by("deadline", "criterion")
    )
    heads = services.heads_of(request.user)
    signed = {c.agency_id: c for c in plan.commitments.select_related("head")}
    commitments = [
        {"agency": a, "signed": signed.get(a.pk), "can_sign": a.pk in heads and a.pk not in signed}
        for a in services.involved_agencies(plan)
    ]
    manages = services.manages(request.user)
    context = {
        "plan": plan,
        "items": [_item_context(request, item, today) for item in items],
        "commitments": commitments,
        "manages": manages,
        "item_form": ItemForm(criteria=_criteria_choices(plan), prefix="new") if manages else None,
        "settings_form": PlanSettingsForm(
            initial={"report_every": plan.report_every, "grace_days": plan.grace_days}
        )
        if manages
        else None,
        "losses_url": reverse(
            "plans:cycle_losses" if plan.cycle_id else "plans:national_losses",
            args=[plan.cycle_id, plan.unit.code]
            if plan.cycle_id
            else [plan.index.code, plan.year, plan.unit.code],
        ),
    }
    return render(request, "plans/plan.html", context)


@require_POST
@manager_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    form = ItemForm(request.POST, criteria=_criteria_choices(plan), prefix="new")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_item(
                request.user,
                plan,
                criterion=data["criterion"],
                lead=data["lead"],
                supporters=list(data["supporters"]),
                deadline=data["deadline"],
                actions=data["actions"],
                target_points=data["target_points"],
            )
        except PlanError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã thêm nội dung %(code)s.") % {"code": data["criterion"]})
    else:
        _form_errors(request, form)
    return redirect("plans:plan", pk=plan.pk)


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_POST
@manager_required
def plan_settings(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    form = PlanSettingsForm(request.POST)
    if form.is_valid():
        plan.report_every = form.cleaned_data["report_every"]
        plan.grace_days = form.cleaned_data["grace_days"]
        plan.save(update_fields=["report_every", "grace_days"])
        messages.success(request, _("Đã lưu lịch báo cáo."))
    else:
        _form_errors(request, form)
    return redirect("plans:plan", pk=plan.pk)


@require_POST
@manager_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem, pk=pk)
    form = TaskForm(request.POST, prefix=f"t{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        services.add_task(request.user, item, title=data["title"], owner=data["owner"], due=data["due"])
        messages.success(request, _("Đã giao nhiệm vụ cho %(agency)s.") % {"agency": data["owner"].name})
    else:
        _form_errors(request, form)
    return redirect(reverse("plans:plan", args=[item.plan_id]) + f"#item-{item.pk}")


@require_POST
@manager_required
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem, pk=pk)
    form = ItemStatusForm(request.POST)
    if form.is_valid():
        item.status = form.cleaned_data["status"]
        item.save(update_fields=["status"])
    return redirect(reverse("plans:plan", args=[item.plan_id]) + f"#item-{item.pk}")


@require_POST
@login_required
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("item"), pk=pk)
    _visible_plan(request, task.item.plan_id)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_task_status(request.user, task, form.cleaned_data["status"])
        except PlanError as exc:
            raise PermissionDenied(str(exc)) from exc
    return redirect(reverse("plans:plan", args=[task.item.plan_id]) + f"#item-{task.item_id}")


@require_POST
@login_required
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)
    _visible_plan(request, item.plan_id)
    mine = services.agencies_of(request.user)
    tasks = [(str(t.pk), t.title) for t in item.tasks.all() if t.owner_id in mine]
    periods = [(p.key, p.label) for p in services.reportable_periods(item)]
    form = ReportForm(request.POST, request.FILES, periods=periods, tasks=tasks, prefix=f"r{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        task = item.tasks.filter(pk=data["task"]).first() if data["task"] else None
        try:
            services.submit_report(
                request.user,
                item,
                period=services.Period.from_key(data["period"]),
                text=data["text"],
                percent_done=data["percent_done"],
                evidence=data["evidence"],
                task=task,
            )
        except PlanError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã gửi báo cáo tiến độ."))
    else:
        _form_errors(request, form)
    return redirect(reverse("plans:plan", args=[item.plan_id]) + f"#item-{item.pk}")


@login_required
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(ProgressReport.objects.select_related("item"), pk=pk)
    _visible_plan(request, report.item.plan_id)
    if not report.evidence:
        raise Http404
    return FileResponse(report.evidence.open("rb"), as_attachment=True, filename=report.evidence_name)


@require_POST
@login_required
def sign(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    agency = get_object_or_404(services.agencies(), pk=agency_id)
    try:
        services.sign_commitment(request.user, plan, agency)
    except PlanError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("%(agency)s đã ký cam kết.") % {"agency": agency.name})
    return redirect(reverse("plans:plan", args=[plan.pk]) + "#commitments")


# -- responsibilities -------------------------------------------------------------------------------


@login_required
def responsibilities(request: HttpRequest, framework_code: str) -> HttpResponse:
    """Criterion → lead and supporting agencies for one framework version; edited one row at a time
    or imported from Excel."""
    if not services.reads_all(request.user):
        raise PermissionDenied
    framework = get_object_or_404(Framework, code=framework_code)
    manages = services.manages(request.user)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        form = ResponsibilityForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_responsibility(
                    request.user, framework, data["criterion"], data["lead"], list(data["supporters"])
                )
            except PlanError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Đã lưu phân công cho %(code)s.") % {"code": data["criterion"]})
        return redirect(
            reverse("plans:responsibilities", args=[framework.code])
            + f"#c-{request.POST.get('criterion', '')}"
        )
    engine = framework.to_engine()
    found = {
        r.criterion: r
        for r in Responsibility.objects.filter(framework=framework)
        .select_related("lead")
        .prefetch_related("supporters")
    }
    parents = engine.parent_map()
    depth = {engine.root.code: 0}
    rows = []
    for node in engine.nodes():
        for child in node.children:
            depth[child.code] = depth[node.code] + 1
        if node.code == engine.root.code:
            continue
        row = found.get(node.code)
        inherited = None
        if row is None:
            parent = parents.get(node.code)
            while parent and parent not in found:
                parent = parents.get(parent)
            inherited = found.get(parent) if parent else None
        rows.append(
            {
                "code": node.code,
                "name": node.name_vi,
                "depth": depth[node.code],
                "row": row,
                "inherited": inherited,
                "form": ResponsibilityForm(
                    prefix=None,
                    initial={
                        "criterion": node.code,
                        "lead": row.lead_id if row else None,
                        "supporters": [s.pk for s in row.supporters.all()] if row else [],
                    },
                )
                if manages
                else None,
            }
        )
    context = {
        "framework": framework,
        "rows": rows,
        "manages": manages,
        "import_form": ImportForm(),
        "import_errors": request.session.pop("plans_import_errors", []),
        "agency_count": services.agencies().count(),
    }
    return render(request, "plans/responsibilities.html", context)


@require_POST
@manager_required
def responsibilities_import(request: HttpRequest, framework_code: str) -> HttpResponse:
    framework = get_object_or_404(Framework, code=framework_code)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            result = services.import_responsibilities(request.user, framework, form.cleaned_data["file"])
        except services.ResponsibilityImportError as exc:
            request.session["plans_import_errors"] = exc.errors
            messages.error(request, _("Không nhập được: tệp có lỗi, chưa ghi dòng nào."))
        else:
            messages.success(
                request,
                _("Đã nhập: %(created)s tiêu chí mới, %(updated)s tiêu chí cập nhật.")
                % {"created": result.created, "updated": result.updated},
            )
    return redirect("plans:responsibilities", framework_code=framework.code)


# -- leaders' dashboard -----------------------------------------------------------------------------


@login_required
def leaders(request: HttpRequest) -> HttpResponse:
    """On track, at risk, overdue — by agency; late tasks and silent owners; the escalations sent."""
    if not services.reads_all(request.user):
        raise PermissionDenied
    board = services.dashboard(services.visible_plans(request.user))
    chart = {
        "agencies": [row.agency.name for row in board.rows],
        "series": [
            {"key": key, "label": label, "values": [getattr(row, key) for row in board.rows]}
            for key, label in (
                ("on_track", _("Đúng tiến độ")),
                ("at_risk", _("Có nguy cơ chậm")),
                ("overdue", _("Quá hạn")),
                ("done", _("Hoàn thành")),
            )
        ],
    }
    escalations = [
        {"e": e, "text": services.describe(e)}
        for e in Escalation.objects.select_related("item__plan", "agency", "task").order_by("-created")[:50]
    ]
    context = {
        "board": board,
        "chart": chart,
        "escalations": escalations,
        "manages": services.manages(request.user),
        "plotly_version": plotly_version(),
    }
    return render(request, "plans/leaders.html", context)


@require_POST
@manager_required
def escalate_now(request: HttpRequest) -> HttpResponse:
    report = services.escalate()
    messages.success(
        request,
        _("Đã ghi %(new)s cảnh báo mới, gửi %(emails)s thư.")
        % {"new": len(report.new), "emails": report.emails},
    )
    return redirect("plans:leaders")

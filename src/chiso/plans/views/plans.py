"""Plans, items, tasks, progress reports and commitments."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.core import once
from chiso.core.files import clean_file_name
from chiso.core.pagination import paginate
from chiso.frameworks.models import Framework
from chiso.plans import services
from chiso.plans.forms import (
    ItemForm,
    ItemStatusForm,
    PlanSettingsForm,
    ReportForm,
    TaskForm,
    TaskStatusForm,
)
from chiso.plans.models import Plan, PlanItem, ProgressReport, Task
from chiso.plans.services import PlanError
from chiso.plans.views.common import form_errors, manager_required, visible_plan
from chiso.results.periods import query
from chiso.results.subjects import may_analyse
from chiso.units.models import Unit


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    # Each plan's number of items in the same query (a subquery: the visibility joins would
    # multiply a plain count); one page of a long list.
    items = (
        PlanItem.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    plans = (
        services.visible_plans(request.user)
        .annotate(item_count=Coalesce(Subquery(items), 0))
        .order_by("-year", "title")
    )
    pager = paginate(request, plans)
    frameworks = Framework.objects.select_related("index").order_by("index__code", "-first_year")
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": pager.rows,
            "pager": pager,
            "frameworks": frameworks if services.reads_all(request.user) else [],
            "reads_all": services.reads_all(request.user),
        },
    )


def _item_context(
    request: HttpRequest, item: PlanItem, today: date, territory: tuple[Unit | None, list[Unit]]
) -> dict:
    user = request.user
    root, listed = territory
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
        "task_form": TaskForm(prefix=f"t{item.pk}", root=root, listed=listed)
        if services.manages(user)
        else None,
        "status_form": ItemStatusForm(initial={"status": item.status}) if services.manages(user) else None,
        "task_status_choices": TaskStatusForm.STATUS_CHOICES,
    }


def _criteria_choices(plan: Plan) -> list[tuple[str, str]]:
    framework = plan.framework.to_engine()
    return [(n.code, f"{n.code} — {n.name}") for n in framework.nodes() if n.code != framework.root.code]


def _losses_url(request: HttpRequest, plan: Plan) -> str:
    """The loss analysis the plan was made from: its cycle's (when the reader may open it), or its
    national index's."""
    if plan.cycle is not None:
        if not may_analyse(request.user, plan.cycle, plan.unit_id):
            return ""
        return reverse("results:cycle_losses", args=[plan.cycle_id, plan.unit.code])
    assert plan.index is not None  # a plan without a cycle is a national index's (model constraint)
    url = reverse("results:national_losses", args=[plan.index.code, plan.year, plan.unit.code])
    return url + query(plan.period)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    today = date.today()
    items = list(
        plan.items.select_related("lead")
        .prefetch_related(
            "supporters", "tasks__owner", "tasks__owner_user", "reports__agency", "reports__task"
        )
        .order_by("deadline", "criterion")
    )
    from chiso.plans.services.commitments import commitment_statuses, sees_all_commitments

    commitments = commitment_statuses(request.user, plan)
    manages = services.manages(request.user)
    root = services.plan_root(plan)
    territory = (root, services.listed_agencies(root) if manages else [])
    context = {
        "plan": plan,
        "items": [_item_context(request, item, today, territory) for item in items],
        "reporting": services.reporting_by_agency(items, today) if services.reads_all(request.user) else [],
        "commitments": commitments,
        "scorecard": sees_all_commitments(request.user),
        "manages": manages,
        "item_form": ItemForm(criteria=_criteria_choices(plan), prefix="new", root=root, listed=territory[1])
        if manages
        else None,
        "settings_form": PlanSettingsForm(
            initial={"report_every": plan.report_every, "grace_days": plan.grace_days}
        )
        if manages
        else None,
        "losses_url": _losses_url(request, plan),
    }
    return render(request, "plans/plan.html", context)


@require_POST
@manager_required
def item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    form = ItemForm(
        request.POST, criteria=_criteria_choices(plan), prefix="new", root=services.plan_root(plan), listed=[]
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once.first_post(request) as first:  # the same form posted twice adds one item
                if first:
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
            if first:
                messages.success(request, _("Đã thêm nội dung %(code)s.") % {"code": data["criterion"]})
            else:
                messages.info(request, str(once.ALREADY))
    else:
        form_errors(request, form)
    return redirect("plans:plan", pk=plan.pk)


@require_POST
@manager_required
def plan_settings(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    form = PlanSettingsForm(request.POST)
    if form.is_valid():
        plan.report_every = form.cleaned_data["report_every"]
        plan.grace_days = form.cleaned_data["grace_days"]
        plan.save(update_fields=["report_every", "grace_days"])
        messages.success(request, _("Đã lưu lịch báo cáo."))
    else:
        form_errors(request, form)
    return redirect("plans:plan", pk=plan.pk)


@require_POST
@manager_required
def task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem, pk=pk)
    visible_plan(request, item.plan_id)
    form = TaskForm(request.POST, prefix=f"t{item.pk}", root=services.plan_root(item.plan), listed=[])
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once.first_post(request) as first:  # the same form posted twice gives one task
                if first:
                    services.add_task(
                        request.user, item, title=data["title"], owner=data["owner"], due=data["due"]
                    )
        except PlanError as exc:
            messages.error(request, str(exc))
        else:
            if first:
                messages.success(
                    request, _("Đã giao nhiệm vụ cho %(agency)s.") % {"agency": data["owner"].name}
                )
            else:
                messages.info(request, str(once.ALREADY))
    else:
        form_errors(request, form)
    return redirect(reverse("plans:plan", args=[item.plan_id]) + f"#item-{item.pk}")


@require_POST
@manager_required
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem, pk=pk)
    visible_plan(request, item.plan_id)
    form = ItemStatusForm(request.POST)
    if form.is_valid():
        item.status = form.cleaned_data["status"]
        item.save(update_fields=["status"])
    return redirect(reverse("plans:plan", args=[item.plan_id]) + f"#item-{item.pk}")


@require_POST
@login_required
def task_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("item"), pk=pk)
    visible_plan(request, task.item.plan_id)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_task_status(request.user, task, form.cleaned_data["status"])
        except PlanError as exc:
            raise PermissionDenied(str(exc)) from exc
    return redirect(reverse("plans:plan", args=[task.item.plan_id]) + f"#item-{task.item_id}")


@require_POST
@login_required
def report_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)
    mine = services.agencies_of(request.user)
    tasks = [(str(t.pk), t.title) for t in item.tasks.all() if t.owner_id in mine]
    if not (services.can_report(request.user, item) or tasks):
        # Another commune's, another department's staff: refused with the reason, whether or not
        # they may read the plan.
        raise PermissionDenied(
            _("Chỉ cơ quan, đơn vị được giao nội dung hoặc nhiệm vụ này mới gửi được báo cáo tiến độ.")
        )
    visible_plan(request, item.plan_id)
    periods = [(p.key, p.label) for p in services.reportable_periods(item)]
    form = ReportForm(request.POST, request.FILES, periods=periods, tasks=tasks, prefix=f"r{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        task = item.tasks.filter(pk=data["task"]).first() if data["task"] else None
        try:
            with once.first_post(request) as first:  # the same form posted twice reports once
                if first:
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
            if first:
                messages.success(request, _("Đã gửi báo cáo tiến độ."))
            else:
                messages.info(request, str(once.ALREADY))
    else:
        form_errors(request, form)
    return redirect(reverse("plans:plan", args=[item.plan_id]) + f"#item-{item.pk}")


@login_required
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(ProgressReport.objects.select_related("item"), pk=pk)
    visible_plan(request, report.item.plan_id)
    if not report.evidence:
        raise Http404
    return FileResponse(
        report.evidence.open("rb"),
        as_attachment=True,
        filename=clean_file_name(report.evidence_name) or "tep",
    )


@require_POST
@login_required
def sign(request: AuthenticatedHttpRequest, pk: int, agency_id: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    agency = next((a for a in services.involved_agencies(plan) if a.pk == agency_id), None)
    if agency is None:
        raise Http404
    try:
        services.sign_commitment(request.user, plan, agency)
    except PlanError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("%(agency)s đã ký cam kết.") % {"agency": agency.name})
    return redirect(reverse("plans:plan", args=[plan.pk]) + "#commitments")

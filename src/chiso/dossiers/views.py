"""The officer's monthly page of the 766 index: ranks and change among peers, the trend, where points
are lost, the upload of dossier files and the computation (both in the background, `chiso.jobs`),
and the assignment of a fix to the responsible unit."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.permissions import officer_required
from chiso.core.files import clean_file_name
from chiso.dossiers import page, services
from chiso.dossiers.forms import ComputeForm, UploadForm
from chiso.dossiers.inputs import INDEX_CODE
from chiso.dossiers.jobs import COMPUTE, IMPORT
from chiso.dossiers.models import DossierImport, DossierRun
from chiso.dossiers.periods import period_label, same_kind
from chiso.engine.periods import split_period
from chiso.jobs import services as jobs
from chiso.results import levels
from chiso.results import periods as result_periods

TREND_PERIODS = page.TREND_PERIODS


@officer_required
def month(request: HttpRequest) -> HttpResponse:
    return _render(request, UploadForm(), ComputeForm())


def _render(
    request: HttpRequest, upload_form: UploadForm, compute_form: ComputeForm, status: int = 200
) -> HttpResponse:
    runs = list(services.latest_runs(TREND_PERIODS * 2))
    months = [r for r in runs if len(r.period) == 7 and "Q" not in r.period]
    wanted = request.GET.get("ky", "")
    run = next((r for r in runs if r.period == wanted), months[0] if months else (runs[0] if runs else None))
    if run is not None and not compute_form.is_bound:
        compute_form = ComputeForm(initial={"period": run.period})
    context: dict = {
        "periods": [(r.period, period_label(r.period)) for r in runs],
        "run": run,
        "run_label": period_label(run.period) if run else "",
        "imports": DossierImport.objects.select_related("user")[:10],
        "upload_form": upload_form,
        "compute_form": compute_form,
        "section": "dossiers",
    }
    if run is not None:
        alike = [r for r in runs if same_kind(r.period, run.period)]
        context.update(page.build(run, alike))
        context["published"] = _published_links(run)
    return render(request, "dossiers/month.html", context, status=status)


def _published_links(run: DossierRun) -> list[tuple[str, str]]:
    """The public ranking of each result set the run published, one per level (the level's peer
    noun, the link), in the index's order of levels; none when it published none."""
    year, period = split_period(run.period)
    index = run.framework.index
    path = reverse("results:ranking", args=[INDEX_CODE, year])
    found = set(run.result_sets.values_list("level", flat=True))
    return [
        (capfirst(index.peer_noun(level)), path + result_periods.query(period, levels.shown(index, level)))
        for level in index.levels
        if level in found
    ]


@require_POST
@officer_required
def upload(request: HttpRequest) -> HttpResponse:
    """Save the file and import it in the background; the job's page shows the progress, then the
    outcome (or the rows to fix)."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, ComputeForm(), status=422)
    uploaded = form.cleaned_data["file"]
    job = jobs.start(
        IMPORT,
        _("Nhập tệp hồ sơ {file}").format(file=clean_file_name(uploaded.name)),
        request=request,
        upload=uploaded,
        params={"kind": form.cleaned_data["kind"]},
    )
    return redirect("jobs:job", job.pk)


@require_POST
@officer_required
def run(request: HttpRequest) -> HttpResponse:
    """Compute a period in the background; the job's page links to the period once it is done."""
    form = ComputeForm(request.POST)
    if not form.is_valid():
        return _render(request, UploadForm(), form, status=422)
    period = form.cleaned_data["period"]
    job = jobs.start(
        COMPUTE,
        _("Tính chỉ số 766 {period}").format(period=period_label(period)),
        request=request,
        params={"period": period},
    )
    return redirect("jobs:job", job.pk)


@require_POST
@officer_required
def assign(request: HttpRequest) -> HttpResponse:
    """A plan item for the responsible unit: the criterion where points are lost (on-time
    processing), the procedure named in its actions, a deadline a month away."""
    from chiso.dossiers.plans import assign_fix

    try:
        plan = assign_fix(
            request.user,
            unit_code=request.POST.get("unit", ""),
            procedure=request.POST.get("procedure", ""),
            period=request.POST.get("period", ""),
            deadline=date.today() + timedelta(days=30),
        )
    except LookupError as exc:
        messages.error(request, str(exc))
        return redirect("dossiers:month")
    messages.success(request, _("Đã giao khắc phục cho đơn vị chịu trách nhiệm."))
    return redirect("plans:plan", pk=plan.pk)

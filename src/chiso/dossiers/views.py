"""The officer's monthly page of the 766 index: ranks and change, the trend, where points are lost,
the upload of dossier files, the computation and the assignment of a fix to the responsible unit."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.permissions import officer_required
from chiso.core.files import clean_file_name
from chiso.core.svgcharts import Series, grouped_bars
from chiso.dossiers import services
from chiso.dossiers.engines import EngineError
from chiso.dossiers.models import DossierImport, DossierRun
from chiso.dossiers.periods import PeriodError
from chiso.units.models import Unit

TREND_PERIODS = 6
LOSS_SHOWN = 10


def _names(codes: set[str]) -> dict[str, str]:
    """Unit names by code, in one query (the latest version of each code)."""
    names: dict[str, str] = {}
    for code, name in Unit.objects.filter(code__in=codes).order_by("valid_from").values_list("code", "name"):
        names[code] = name
    return names


@officer_required
def month(request: HttpRequest) -> HttpResponse:
    runs = list(services.latest_runs(TREND_PERIODS * 2))
    months = [r for r in runs if len(r.period) == 7 and "Q" not in r.period]
    wanted = request.GET.get("ky", "")
    run = next((r for r in runs if r.period == wanted), months[0] if months else (runs[0] if runs else None))
    context: dict = {
        "runs": runs,
        "run": run,
        "imports": DossierImport.objects.all()[:10],
        "section": "dossiers",
    }
    if run is not None:
        node, rows = services.table(run)
        framework = run.framework.to_engine()
        groups = [(g.code, g.name_vi, g.max_points) for g in framework.root.children]
        codes = {r.code for r in rows} | {loss["unit_code"] for loss in run.losses}
        names = _names(codes)
        context.update(
            node=node,
            node_name=framework.node(node).name_vi,
            groups=groups,
            rows=[
                (row, names.get(row.code, row.code), [row.values.get(g[0]) for g in groups]) for row in rows
            ],
            of=len(rows),
            losses=[
                dict(loss, unit_name=names.get(loss["unit_code"], loss["unit_code"]))
                for loss in run.losses[:LOSS_SHOWN]
            ],
            units_late=_units_late(run, names),
            trend=_trend(months, node),
        )
    return render(request, "dossiers/month.html", context)


def _units_late(run: DossierRun, names: dict[str, str]) -> list[dict]:
    rows = [
        {
            "code": code,
            "name": names.get(code, code),
            **{
                k: m.get(k, 0)
                for k in ("dossiers_late", "dossiers_to_process", "complaints", "complaints_on_time")
            },
        }
        for code, m in run.measures.items()
    ]
    rows = [r for r in rows if r["dossiers_late"] or r["complaints"] - r["complaints_on_time"]]
    rows.sort(key=lambda r: (-r["dossiers_late"], r["code"]))
    return rows[:LOSS_SHOWN]


def _trend(months: list[DossierRun], node: str) -> str:
    """The mean points of the ranked node month by month (oldest first), server-side SVG."""
    shown = sorted(months[:TREND_PERIODS], key=lambda r: r.period)
    if not shown:
        return ""
    means: list[Decimal | None] = []
    for run in shown:
        values = [Decimal(v[node]) for v in run.scores.values() if node in v]
        means.append(sum(values, Decimal(0)) / len(values) if values else None)
    categories = [("", run.period) for run in shown]
    series = [Series(_("Điểm bình quân các đơn vị"), "#1f6f8b", [m]) for m in means]
    return (
        grouped_bars(
            categories,
            [Series(_("Điểm bình quân các đơn vị"), "#1f6f8b", means)],
            label=_("Xu hướng theo tháng"),
        )
        if series
        else ""
    )


@require_POST
@officer_required
def upload(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", DossierImport.Kind.DOSSIERS)
    if kind not in DossierImport.Kind.values:
        kind = DossierImport.Kind.DOSSIERS
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Chưa chọn tệp."))
        return redirect("dossiers:month")
    name = clean_file_name(uploaded.name) or "ho-so.csv"
    if Path(name).suffix.lower() not in (".csv", ".parquet"):
        messages.error(request, _("Tệp phải là .csv hoặc .parquet."))
        return redirect("dossiers:month")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        outcome = services.import_file(path, kind=kind, user=request.user)
    if outcome.ok:
        messages.success(
            request,
            _("Đã nhập {imported}/{total} dòng, thay {replaced} hồ sơ đã có.").format(
                imported=outcome.imported, total=outcome.total, replaced=outcome.replaced
            ),
        )
    else:
        messages.error(request, _("Không nhập dòng nào: tệp có dòng lỗi."))
        for message in outcome.errors[:20]:
            messages.error(request, message)
    return redirect("dossiers:month")


@require_POST
@officer_required
def run(request: HttpRequest) -> HttpResponse:
    period = request.POST.get("period", "").strip()
    try:
        computed = services.compute(period, user=request.user)
    except (PeriodError, EngineError) as exc:
        messages.error(request, str(exc))
        return redirect("dossiers:month")
    messages.success(request, _("Đã tính kỳ {period}.").format(period=computed.period))
    return redirect(f"{reverse('dossiers:month')}?ky={computed.period}")


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

"""The officer's units page: the units an organiser assesses (a province's departments and communes,
a district's offices and communes), and their import from Excel (all rows or none)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.permissions import officer_required
from chiso.core.files import clean_file_name
from chiso.core.pagination import paginate
from chiso.jobs import services as jobs
from chiso.units import registry
from chiso.units.blocks import blocks_on
from chiso.units.forms import LEVELS, UnitImportForm
from chiso.units.jobs import IMPORT_UNITS
from chiso.units.models import Block, Unit
from chiso.units.organisers import managed_by, top_level_officer


@officer_required
def units(request: HttpRequest) -> HttpResponse:
    """The units of one level, and the form that imports units from an Excel workbook."""
    organisers = managed_by(request.user)
    organiser = next((o for o in organisers if o.code == request.GET.get("to-chuc")), organisers[0])
    level = request.GET.get("cap", "department")
    if level not in dict(LEVELS):
        level = "department"
    form = UnitImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        # Saved in the data folder, then imported by the worker; the job's page shows the outcome.
        job = jobs.start(
            IMPORT_UNITS,
            _("Nhập đơn vị từ {file}").format(file=clean_file_name(form.cleaned_data["file"].name)),
            request=request,
            upload=form.cleaned_data["file"],
            params={
                "default_parent": organiser.unit.code if organiser.unit else "",
                "back": f"{reverse('units:list')}?cap={level}&to-chuc={organiser.code}",
            },
        )
        return redirect("jobs:job", job.pk)
    queryset = Unit.objects.filter(level=level).order_by("code", "valid_from")
    if organiser.unit is not None:
        queryset = queryset.filter(parent_code=organiser.unit.code)
    today = date.today()
    blocks = list(Block.objects.filter(Q(organiser__isnull=True) | Q(organiser=organiser)))
    chosen = next((b for b in blocks if b.code == request.GET.get("khoi")), None)
    if chosen is not None:
        queryset = queryset.filter(block_memberships__in=chosen.memberships.valid_on(today))
    pager = paginate(request, queryset)  # a province's communes, the 3,321 of the country …
    units_shown = list(pager.rows)
    block_of = blocks_on(units_shown, today)
    rows = [{"unit": unit, "block": block_of.get(unit.pk)} for unit in units_shown]
    return render(
        request,
        "units/units.html",
        {
            "rows": rows,
            "pager": pager,
            "level": level,
            "levels": LEVELS,
            "blocks": blocks,
            "chosen_block": chosen,
            "form": form,
            "problems": problems,
            "section": "units",
            "organiser": organiser,
            "organisers": organisers,
            "may_load_districts": top_level_officer(request.user),
            "districts_loaded": Unit.objects.filter(level="district").count(),
        },
        status=status,
    )


@require_POST
@officer_required
def load_districts(request: HttpRequest) -> HttpResponse:
    """Load the districts and communes in force until 30/06/2025 (those missing), with their lineage."""
    if not top_level_officer(request.user):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị tổ chức cấp cao nhất được nạp danh mục đơn vị."))
    districts, communes = registry.load_districts()
    messages.success(
        request,
        _("Đã nạp %(districts)s huyện và %(communes)s xã có hiệu lực đến 30/06/2025.")
        % {"districts": districts, "communes": communes},
    )
    return redirect(f"{reverse('units:list')}?cap=district")

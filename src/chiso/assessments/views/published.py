"""Public pages of a published cycle: no login, final points only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from chiso.assessments.models import Cycle
from chiso.assessments.scoring import FINAL
from chiso.assessments.views.common import when
from chiso.assessments.views.results import excel_response, results_context, unit_context

# -- public pages (published cycles only) -----------------------------------------------------------


def _published_or_404(pk: int) -> Cycle:
    return get_object_or_404(
        Cycle.objects.select_related("framework__index"), pk=pk, published_at__isnull=False
    )


@require_GET
def published_list(request: HttpRequest) -> HttpResponse:
    cycles = Cycle.objects.filter(published_at__isnull=False).select_related("framework__index")
    items = [{"cycle": c, "published": when(c.published_at), "count": c.assessments.count()} for c in cycles]
    return render(request, "assessments/published_list.html", {"items": items})


@require_GET
def published(request: HttpRequest, pk: int) -> HttpResponse:
    the_cycle = _published_or_404(pk)
    context = results_context(the_cycle, FINAL, request.GET.get("khoi", ""), request.GET.get("trang", ""))
    context.update({"public": True, "published_at": when(the_cycle.published_at)})
    return render(request, "assessments/results.html", context)


@require_GET
def published_unit(request: HttpRequest, pk: int, unit_code: str) -> HttpResponse:
    the_cycle = _published_or_404(pk)
    context = unit_context(the_cycle, FINAL, unit_code)
    context["public"] = True
    return render(request, "assessments/results_unit.html", context)


@require_GET
def published_export(request: HttpRequest, pk: int) -> HttpResponse:
    return excel_response(_published_or_404(pk), FINAL)

"""The unit search of the plan forms: a territory's units by name or code, grouped by level."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chiso.plans import services
from chiso.plans.views.common import manager_required
from chiso.units.models import Level, Unit
from chiso.units.services import vi_order


@require_GET
@manager_required
def unit_search(request: HttpRequest) -> HttpResponse:
    """The options (`<optgroup>`s by level) of at most 30 units of the territory `goc` whose name or
    code contains `q`: what plans/unit_picker.js puts in a unit list. Two queries at most."""
    root_pk = request.GET.get("goc", "")
    root = Unit.objects.filter(pk=root_pk).first() if root_pk.isdigit() else None
    found = services.search_agencies(request.GET.get("q", "")[:100], root)
    groups = []
    for level in Level.values:
        members = sorted((u for u in found if u.level == level), key=lambda u: vi_order(u.name))
        if members:
            groups.append({"label": Level(level).label, "units": members})
    return render(request, "plans/_unit_options.html", {"groups": groups})

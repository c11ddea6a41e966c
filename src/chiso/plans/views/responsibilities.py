"""Responsibilities: criterion → lead and supporting agencies, edited or imported from Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.frameworks.models import Framework
from chiso.plans import services
from chiso.plans.forms import (
    ImportForm,
    ResponsibilityForm,
)
from chiso.plans.models import Responsibility
from chiso.plans.services import PlanError
from chiso.plans.views.common import form_errors, manager_required


@login_required
def responsibilities(request: AuthenticatedHttpRequest, framework_code: str) -> HttpResponse:
    """Criterion → lead and supporting agencies for one framework version; edited one row at a time
    or imported from Excel."""
    if not services.reads_all(request.user):
        raise PermissionDenied
    framework = get_object_or_404(Framework, code=framework_code)
    manages = services.manages(request.user)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        root = services.responsibility_root(request.user, framework)
        form = ResponsibilityForm(request.POST, root=root, listed=[])
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_responsibility(
                    request.user, framework, data["criterion"], data["lead"], list(data["supporters"]), root
                )
            except PlanError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Đã lưu phân công cho %(code)s.") % {"code": data["criterion"]})
        else:
            form_errors(request, form)
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
    # The territory's agencies are read once for every row's two lists (not twice per criterion); a
    # row's own units (a commune, reached by the search) are added to its lists.
    root = services.responsibility_root(request.user, framework) if manages else None
    listed = services.listed_agencies(root) if manages else []
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
                "name": node.name,
                "depth": depth[node.code],
                "row": row,
                "inherited": inherited,
                "form": _row_form(node.code, row, root, listed) if manages else None,
            }
        )
    context = {
        "framework": framework,
        "rows": rows,
        "manages": manages,
        "import_form": ImportForm(),
        "import_errors": request.session.pop("plans_import_errors", []),
        "agency_count": services.agencies(root).count() if manages else 0,
    }
    return render(request, "plans/responsibilities.html", context)


def _row_form(code: str, row: Responsibility | None, root, listed: list) -> ResponsibilityForm:
    own = [row.lead, *row.supporters.all()] if row else []
    known = {u.pk for u in listed}
    return ResponsibilityForm(
        prefix=None,
        initial={
            "criterion": code,
            "lead": row.lead_id if row else None,
            "supporters": [s.pk for s in row.supporters.all()] if row else [],
        },
        root=root,
        listed=listed + [u for u in own if u.pk not in known],
    )


@require_POST
@manager_required
def responsibilities_import(request: AuthenticatedHttpRequest, framework_code: str) -> HttpResponse:
    framework = get_object_or_404(Framework, code=framework_code)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
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

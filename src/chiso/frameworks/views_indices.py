"""The officer's index pages: the list of indices, a new index and the edit of one. An index is data
(scale, ranking precision, groups, the wording of sentences); every save is written to the audit log
as the framework editor's edits are (`chiso.frameworks.usage`)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from chiso.accounts.permissions import officer_required
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.frameworks.forms import IndexForm
from chiso.frameworks.indices import IndexInUse, index_for_audit, save_index
from chiso.frameworks.models import Index
from chiso.frameworks.ownership import owner_for, require_manages, visible
from chiso.frameworks.usage import usage


@officer_required
def indices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every index with its levels, scale, ranking precision, groups and number of frameworks."""
    rows = (
        visible(request.user, Index.objects.all())
        .annotate(framework_count=Count("frameworks"))
        .order_by("code")
    )
    return render(request, "frameworks/indices.html", {"indices": rows, "section": "frameworks"})


def _save(request: AuthenticatedHttpRequest, form: IndexForm, existing: Index | None) -> Index | None:
    """Save the form's index and audit it; None (the refusal added to the form) when the change would
    move figures already computed (`IndexInUse`)."""
    try:
        return _save_audited(request, form, existing)
    except IndexInUse as exc:
        for problem in exc.problems:
            form.add_error(None, problem)
        return None


def _save_audited(request: AuthenticatedHttpRequest, form: IndexForm, existing: Index | None) -> Index:
    before = index_for_audit(existing) if existing is not None else {"index": form.values["code"]}
    with transaction.atomic():
        index = save_index(form.values, existing)
        if existing is None and index.organiser_id is None and owner_for(request.user) is not None:
            index.organiser_id = owner_for(request.user)
            index.save(update_fields=["organiser"])
        usage().record_edit(
            request.user,
            field="index",
            before=before,
            after=index_for_audit(index),
            reason=_("Tạo chỉ số") if existing is None else _("Sửa chỉ số"),
        )
    return index


@officer_required
def index_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new index (DGI of the districts, a province's own index …)."""
    form = IndexForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (index := _save(request, form, None)) is not None:
        messages.success(request, _("Đã tạo chỉ số %(code)s.") % {"code": index.code})
        return redirect("frameworks:indices")
    return render(
        request,
        "frameworks/index_form.html",
        {"form": form, "index": None, "section": "frameworks"},
        status=422 if form.is_bound else 200,
    )


@officer_required
def index_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Edit an index; its frameworks that leave precision or groups to it follow the change (refused
    when figures were computed on one of them)."""
    index = get_object_or_404(visible(request.user, Index.objects.all()), code=code)
    if request.method == "POST":
        require_manages(request.user, index)
    form = IndexForm(request.POST or None, existing=index)
    if request.method == "POST" and form.is_valid() and _save(request, form, index) is not None:
        messages.success(request, _("Đã lưu chỉ số %(code)s.") % {"code": index.code})
        return redirect("frameworks:indices")
    return render(
        request,
        "frameworks/index_form.html",
        {"form": form, "index": index, "section": "frameworks"},
        status=422 if form.is_bound else 200,
    )

"""The officer's framework pages: the list, upload and download (Excel, YAML), a new framework and
its general information, the copy into a new year and the criterion mapping between two versions.
The tree editor is in `views_editor`."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from chiso.accounts.permissions import officer_required
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.core.uploads import FileRefused, capped, decode_text
from chiso.engine.frameworks import (
    BANDS,
    FrameworkError,
    GroupBand,
    GroupRule,
    LegalBasis,
    Node,
    RankingRule,
    framework_to_dict,
)
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.validation import errors as only_errors
from chiso.engine.validation import validate_framework
from chiso.frameworks import editor
from chiso.frameworks.copy import CopyError, copy_framework, suggested_code
from chiso.frameworks.forms import (
    INHERIT_GROUPS,
    INTERNAL_SCOPES,
    CopyForm,
    FrameworkForm,
    FrameworkUploadForm,
)
from chiso.frameworks.indices import IndexDataError
from chiso.frameworks.io import (
    dump_framework_yaml,
    framework_from_xlsx,
    framework_to_xlsx,
    load_framework_yaml,
)
from chiso.frameworks.models import CriterionMapping, Framework, Index
from chiso.frameworks.ownership import may_change, owner_for, require_manages, visible
from chiso.frameworks.services import FrameworkLocked, save_framework
from chiso.frameworks.usage import usage


def lang_of(request: HttpRequest) -> str:
    """The language of the request, "vi" or "en" (for numbers and names stored in both)."""
    return "en" if getattr(request, "LANGUAGE_CODE", "vi").startswith("en") else "vi"


def years_of(framework: Framework) -> str:
    """The years a framework applies to: 2024, 2025–nay, …–2020."""
    first = str(framework.first_year) if framework.first_year else "…"
    last = str(framework.last_year) if framework.last_year else _("nay")
    return (
        first if framework.first_year and framework.first_year == framework.last_year else f"{first}–{last}"
    )


# -- frameworks -------------------------------------------------------------------------------------


def _read_framework(upload: UploadedFile) -> EngineFramework:
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "khung.xlsx"
            path.write_bytes(upload.read())
            return framework_from_xlsx(path)
    if name.endswith((".yaml", ".yml")):
        try:
            text = decode_text(upload.read(), upload.name or "")
        except FileRefused as exc:
            raise FrameworkError(str(exc)) from exc
        return load_framework_yaml(text if "\n" in text else text + "\n")
    raise FrameworkError(_("Chỉ nhận tệp .xlsx hoặc .yaml."))


@officer_required
def frameworks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The frameworks, national and internal, with their problems; the upload of a framework file."""
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    warnings: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        problems, warnings = _upload(request, form)
        if not problems:
            return redirect("frameworks:list")
        status = 422
    lang = lang_of(request)
    rows = []
    shown = visible(request.user, Framework.objects.select_related("index"))
    # The cycles counted and the mappings read in two queries, not two per framework.
    shown = shown.annotate(cycle_count=Count("cycles")).prefetch_related(
        Prefetch("mappings_in", queryset=CriterionMapping.objects.select_related("source"))
    )
    for framework in shown.order_by("index__code", "-first_year", "code"):
        try:
            found = validate_framework(framework.to_engine())
        except FrameworkError:
            found = []
        rows.append(
            {
                "framework": framework,
                "errors": len(only_errors(found)),
                "warnings": len(found) - len(only_errors(found)),
                "years": years_of(framework),
                "cycles": framework.cycle_count,
                "internal": framework.scope in INTERNAL_SCOPES,
            }
        )
    groups = [
        (_("Khung đánh giá sở, ngành và cấp xã"), [r for r in rows if r["internal"]]),
        (_("Khung các chỉ số quốc gia"), [r for r in rows if not r["internal"]]),
    ]
    return render(
        request,
        "frameworks/frameworks.html",
        {
            "groups": groups,
            "form": form,
            "problems": problems,
            "warnings": warnings,
            "section": "frameworks",
            "lang": lang,
        },
        status=status,
    )


def _upload(request: HttpRequest, form: FrameworkUploadForm) -> tuple[list[str], list[str]]:
    try:
        engine = _read_framework(form.cleaned_data["file"])
    except FrameworkError as exc:
        return [str(exc)], []
    found = validate_framework(engine)
    bad = only_errors(found)
    if bad:
        return capped([str(p) for p in bad]), []
    warnings = capped([str(p) for p in found if not p.is_error])
    if engine.index_data is None and not Index.objects.filter(code=engine.index).exists():
        return [_("Chưa có chỉ số mã %(code)s; hãy tạo chỉ số trước.") % {"code": engine.index}], warnings
    existing = Framework.objects.filter(code=engine.code).first()
    if existing is not None:
        if not may_change(request.user, existing):
            return [_("Khung %(code)s thuộc đơn vị tổ chức khác.") % {"code": engine.code}], warnings
        if not form.cleaned_data["replace"]:
            return [
                _("Đã có khung mã %(code)s. Chọn «thay thế» hoặc đổi mã trong tệp.") % {"code": engine.code}
            ], warnings
        if existing.builtin:
            return [
                _("Khung %(code)s có sẵn trong chiso, không thay thế được.") % {"code": engine.code}
            ], warnings
        if existing.cycles.exists():
            return [
                _("Khung %(code)s đang được dùng cho kỳ đánh giá; hãy sao chép sang mã mới.")
                % {"code": engine.code}
            ], warnings
    try:
        # creates the index the file carries, if it is new; both belong to the officer's organiser
        saved = save_framework(engine, owner=owner_for(request.user))
    except IndexDataError as exc:
        return exc.problems, warnings
    except FrameworkLocked as exc:
        return [str(exc)], warnings
    messages.success(request, _("Đã lưu khung %(code)s.") % {"code": saved.code})
    for warning in warnings[:20]:
        messages.warning(request, warning)
    return [], warnings


@officer_required
def framework_download(request: AuthenticatedHttpRequest, code: str, fmt: str) -> HttpResponse:
    """A framework as an Excel workbook or a YAML file."""
    framework = get_object_or_404(visible(request.user, Framework.objects.all()), code=code)
    if fmt not in ("xlsx", "yaml"):
        raise Http404
    engine = framework.to_engine()
    if fmt == "yaml":
        response = HttpResponse(dump_framework_yaml(engine), content_type="application/x-yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{framework.code}.yaml"'
        return response
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{framework.code}.xlsx"
        framework_to_xlsx(engine, path)
        content = path.read_bytes()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{framework.code}.xlsx"'
    return response


@officer_required
def framework_copy(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Copy a framework into a new year; then the criterion mapping between the two is reviewed."""
    source = get_object_or_404(visible(request.user, Framework.objects.all()), code=code)
    year = max(source.first_year or 0, source.last_year or 0, date.today().year) + 1
    initial = {"code": suggested_code(source.code, year), "name_vi": source.name_vi, "first_year": year}
    form = CopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target, mapping = copy_framework(
                source, data["code"], data["first_year"], data["last_year"], data["name_vi"]
            )
            if owner_for(request.user) is not None:
                target.organiser_id = owner_for(request.user)
                target.save(update_fields=["organiser"])  # saved, not updated in bulk: the change is logged
        except CopyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã tạo khung %(code)s. Xem lại bảng đối chiếu tiêu chí.") % {"code": data["code"]},
            )
            return redirect("frameworks:mapping", pk=mapping.pk)
    return render(
        request,
        "frameworks/framework_copy.html",
        {"source": source, "form": form, "section": "frameworks"},
        status=422 if form.errors else 200,
    )


@officer_required
def mapping(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Old criterion → new criterion, one select per old node; blank means no counterpart."""
    stored = get_object_or_404(CriterionMapping.objects.select_related("source", "target"), pk=pk)
    old = stored.source.to_engine()
    new = stored.target.to_engine()
    depth = _depths(old.root)
    new_depth = _depths(new.root)
    choices = [(node.code, f"{node.code} — {node.name_vi}", new_depth[node.code]) for node in new.nodes()]
    valid = {code for code, _label, _d in choices}
    problems = []
    if request.method == "POST":
        updated = {}
        for node in old.nodes():
            value = request.POST.get(f"m-{node.code}", "").strip()
            if value and value not in valid:
                problems.append(
                    _("%(old)s: không có mã %(new)s trong khung mới.") % {"old": node.code, "new": value}
                )
            updated[node.code] = value
        if not problems:
            stored.mapping = updated
            stored.save(update_fields=["mapping", "updated"])
            messages.success(request, _("Đã lưu bảng đối chiếu tiêu chí."))
            return redirect("frameworks:mapping", pk=stored.pk)
    rows = [
        {"node": node, "depth": depth[node.code], "current": stored.mapping.get(node.code, "")}
        for node in old.nodes()
    ]
    return render(
        request,
        "frameworks/mapping.html",
        {"mapping": stored, "rows": rows, "choices": choices, "problems": problems, "section": "frameworks"},
        status=422 if problems else 200,
    )


def _depths(root, depth: int = 0, found: dict | None = None) -> dict[str, int]:
    found = {} if found is None else found
    found[root.code] = depth
    for child in root.children:
        _depths(child, depth + 1, found)
    return found


# -- creating a framework and its general information -----------------------------------------------


def _apply_settings(engine: EngineFramework, data: dict[str, Any]) -> None:
    engine.name_vi = data["name_vi"]
    engine.name_en = data.get("name_en", "")
    engine.scope = data["scope"]
    engine.first_year = data["first_year"]
    engine.last_year = data.get("last_year")
    engine.status = data["status"]
    engine.display_precision = data["display_precision"]
    engine.display_precision_given = True
    legal = [
        LegalBasis(
            number=data.get("legal_number", ""),
            date=data["legal_date"].strftime("%d/%m/%Y") if data.get("legal_date") else "",
            issuer=data.get("legal_issuer", ""),
        )
    ]
    engine.legal_basis = legal if legal[0].number else []
    method = data["group_method"]
    if method == INHERIT_GROUPS:  # no groups of its own: its index's apply
        engine.ranking = RankingRule(
            precision=data["ranking_precision"],
            of=engine.ranking.of if engine.ranking else "peer_set",
            groups=engine.ranking.groups,
            inherited=frozenset({"groups"}),
        )
        return
    groups = GroupRule(method=method)
    if method == BANDS:
        groups.labels_vi, groups.labels_en = (), ()
        groups.bands = [
            GroupBand(label_vi=b["label_vi"], label_en=b["label_en"], min_percent=b["min_percent"])
            for b in data.get("bands", [])
        ]
    elif method == "none":
        groups.labels_vi, groups.labels_en = (), ()
    engine.ranking = RankingRule(
        precision=data["ranking_precision"],
        of=engine.ranking.of if engine.ranking else "peer_set",
        groups=groups,
    )


def _settings_of(engine: EngineFramework) -> dict[str, Any]:
    """The general information as the form's initial values."""
    legal = engine.legal_basis[0] if engine.legal_basis else None
    when = None
    if legal and legal.date:
        try:
            when = datetime.strptime(legal.date, "%d/%m/%Y").date()
        except ValueError:
            when = None
    method = engine.ranking.groups.method
    return {
        "name_vi": engine.name_vi,
        "name_en": engine.name_en,
        "scope": engine.scope,
        "first_year": engine.first_year,
        "last_year": engine.last_year,
        "legal_number": legal.number if legal else "",
        "legal_date": when,
        "legal_issuer": legal.issuer if legal else "",
        "status": engine.status,
        "display_precision": engine.display_precision,
        "ranking_precision": engine.ranking.precision,
        "group_method": INHERIT_GROUPS
        if "groups" in engine.ranking.inherited
        else method
        if method in ("bands", "quartiles", "none")
        else "none",
    }


@officer_required
def framework_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new internal framework: its general information and the root of its tree."""
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        root = Node(
            code="total", name_vi=data["root_name"], level="index", max_points=data["root_max"], method="self"
        )
        engine = EngineFramework(
            code=data["code"], index=data["index"].code, name_vi=data["name_vi"], root=root, version="1"
        )
        _apply_settings(engine, data)
        row = save_framework(engine, owner=owner_for(request.user))
        usage().record_edit(
            request.user,
            field="framework",
            before={"framework": row.code, "op": "create", "node": None},
            after={"framework": row.code, "op": "create", "node": editor.shallow(root)},
            reason=_("Tạo khung %(code)s.") % {"code": row.code},
        )
        messages.success(
            request, _("Đã tạo khung %(code)s. Thêm lĩnh vực và tiêu chí vào cây.") % {"code": row.code}
        )
        return redirect("frameworks:edit", code=row.code)
    return render(
        request,
        "frameworks/framework_edit_new.html",
        {"form": form, "section": "frameworks", "framework": None},
        status=422 if form.errors else 200,
    )


@officer_required
def framework_settings(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The general information of a framework (names, years, legal basis, ranking, groups)."""
    row = get_object_or_404(visible(request.user, Framework.objects.select_related("index")), code=code)
    if request.method == "POST":
        require_manages(request.user, row)
    refusal = editor.edit_refusal(row)
    engine = row.to_engine()
    form = FrameworkForm(
        request.POST if request.method == "POST" and not refusal else None,
        existing=row,
        initial=_settings_of(engine),
    )
    status = 200
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            status = 409
        elif form.is_valid():

            def change(engine: EngineFramework):
                before = _plain_settings(engine)
                _apply_settings(engine, form.cleaned_data)
                message = _("Đã lưu thông tin chung của khung %(code)s.") % {"code": engine.code}
                return "framework", before, _plain_settings(engine), engine.root.code, message

            try:
                outcome = editor.apply(row, request.user, "settings", change)
            except editor.EditError as exc:
                messages.error(request, str(exc))
                status = 409
            else:
                messages.success(request, outcome.message)
                return redirect("frameworks:edit", code=row.code)
        else:
            status = 422
    return render(
        request,
        "frameworks/framework_edit_new.html",
        {"form": form, "section": "frameworks", "framework": row, "refusal": refusal},
        status=status,
    )


def _plain_settings(engine: EngineFramework) -> dict[str, Any]:
    data = framework_to_dict(engine)
    data.pop("root", None)
    return data

"""The officer's pages (Sở Nội vụ): dashboard, reminders, deadlines, cycles, survey results,
units and frameworks. Only officers and administrators may open them."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.models import Membership, Role
from chiso.administration import services
from chiso.administration.forms import (
    LEVELS,
    CopyForm,
    CycleForm,
    ExtendForm,
    FrameworkUploadForm,
    UnitImportForm,
)
from chiso.administration.models import CriterionMapping
from chiso.assessments import permissions as perm
from chiso.assessments import workflow
from chiso.assessments.models import Cycle, State
from chiso.assessments.scoring import survey_leaves
from chiso.assessments.setup import create_cycle
from chiso.engine.frameworks import FrameworkError
from chiso.engine.numbers import NumberError, format_number, parse_decimal
from chiso.engine.validation import errors as only_errors
from chiso.engine.validation import validate_framework
from chiso.frameworks.copy import CopyError, copy_framework, suggested_code
from chiso.frameworks.io import (
    dump_framework_yaml,
    framework_from_xlsx,
    framework_to_xlsx,
    load_framework_yaml,
)
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import save_framework
from chiso.units.importer import UnitImportError, import_units
from chiso.units.models import Unit


def _login_url() -> str:
    for name in ("accounts:login", "admin:login"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/admin/login/"


def officer_required(view: Callable) -> Callable:
    """Anonymous users go to the login page; users who are not officers or administrators get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _login_url())
        if not perm.can_manage(request.user):
            raise PermissionDenied(_("Chỉ Sở Nội vụ và quản trị hệ thống được mở trang này."))
        return view(request, *args, **kwargs)

    return wrapped


def _lang(request: HttpRequest) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "vi").startswith("en") else "vi"


# -- dashboard --------------------------------------------------------------------------------------


@officer_required
def dashboard(request: HttpRequest, cycle_id: int | None = None) -> HttpResponse:
    cycles = list(Cycle.objects.select_related("framework__index").order_by("-year", "block"))
    if cycle_id is None and request.GET.get("ky", "").isdigit():
        cycle_id = int(request.GET["ky"])
    if cycle_id is not None:
        cycle = get_object_or_404(Cycle, pk=cycle_id)
    else:
        unpublished = [c for c in cycles if not c.is_published]
        cycle = (unpublished or cycles or [None])[0]
    context = {"cycles": cycles, "cycle": cycle, "section": "dashboard"}
    if cycle is not None:
        context["board"] = services.board(cycle)
        context["lists"] = _list_titles(context["board"])
        context["extend_form"] = ExtendForm(initial={"new_due": cycle.self_assessment_due})
    return render(request, "administration/dashboard.html", context)


def _list_titles(board: services.Board) -> list[tuple[str, str, str, list]]:
    titles = {
        services.NOT_STARTED: (_("Chưa bắt đầu"), _("Chưa chấm tiêu chí nào.")),
        services.NOT_SUBMITTED_KEY: (_("Chưa nộp"), _("Đang tự đánh giá hoặc chờ thủ trưởng phê duyệt.")),
        services.OVERDUE: (_("Quá hạn"), _("Chưa nộp và đã qua hạn tự đánh giá.")),
        services.APPRAISAL: (_("Đang thẩm định"), _("Đã gửi, đang được thẩm định.")),
        services.DISPUTE: (_("Đang giải trình, khiếu nại"), _("Đã có kết quả thẩm định; đơn vị giải trình.")),
        services.COUNCIL: (_("Chờ hội đồng"), _("Hội đồng đang xem xét.")),
        services.APPROVED: (_("Đã phê duyệt"), _("Điểm cuối cùng; so sánh với năm trước đã công bố.")),
    }
    return [(key, *titles[key], board.lists[key]) for key in services.LIST_KEYS]


@require_POST
@officer_required
def send_reminders(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    report = services.send_reminders(request.user, cycle)
    if report.emails:
        messages.success(
            request,
            _("Đã gửi %(emails)s thư nhắc nhở tới %(people)s địa chỉ: %(units)s.")
            % {"emails": report.emails, "people": report.recipients, "units": ", ".join(report.units)},
        )
    else:
        messages.info(request, _("Không có đơn vị nào cần nhắc nhở."))
    if report.without_address:
        messages.warning(
            request,
            _("Không có địa chỉ thư của cán bộ, thủ trưởng các đơn vị: %(units)s.")
            % {"units": ", ".join(report.without_address)},
        )
    return redirect("administration:cycle", cycle_id=cycle.pk)


@require_POST
@officer_required
def extend_deadline(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect("administration:cycle", cycle_id=cycle.pk)
    try:
        cycle = services.extend_deadline(
            request.user, cycle, form.cleaned_data["new_due"], form.cleaned_data["reason"]
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã gia hạn tự đánh giá đến %(date)s.")
            % {"date": cycle.self_assessment_due.strftime("%d/%m/%Y")},
        )
    return redirect("administration:cycle", cycle_id=cycle.pk)


# -- cycles -----------------------------------------------------------------------------------------


@officer_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    level = request.POST.get("level") or request.GET.get("cap") or "department"
    if level not in dict(LEVELS):
        level = "department"
    form = CycleForm(request.POST or None, level=level)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            cycle = create_cycle(
                data["framework"],
                data["year"],
                data["block"],
                list(data["units"]),
                data["self_assessment_due"],
                name=data["name"],
            )
            cycle.appraisal_due = data["appraisal_due"]
            cycle.explanation_due = data["explanation_due"]
            cycle.save(update_fields=["appraisal_due", "explanation_due"])
            workflow.audit(request.user, "create_cycle", cycle=cycle, after={"units": len(data["units"])})
        messages.success(request, _("Đã tạo kỳ đánh giá «%(name)s».") % {"name": cycle.name})
        return redirect("administration:cycle", cycle_id=cycle.pk)
    return render(
        request,
        "administration/cycle_form.html",
        {"form": form, "level": level, "levels": LEVELS, "section": "create"},
    )


# -- survey results ---------------------------------------------------------------------------------


@officer_required
def survey(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    leaves = survey_leaves(cycle)
    assessments = sorted(
        cycle.assessments.select_related("unit", "cycle"), key=lambda a: services.vi_order(a.unit.name)
    )
    stored = {
        (row.assessment_id, row.criterion): row
        for a in assessments
        for row in a.scores.all()
        if row.criterion in {leaf.code for leaf in leaves}
    }
    lang = _lang(request)
    cell_errors: dict[str, str] = {}
    submitted: dict[str, str] = {}
    source = ""
    if request.method == "POST":
        source = request.POST.get("source", "").strip()
        changes = []
        for assessment in assessments:
            for leaf in leaves:
                key = f"v-{assessment.pk}-{leaf.code}"
                text = request.POST.get(key, "").strip()
                submitted[key] = text
                if not text:
                    continue
                try:
                    value = parse_decimal(text)
                except NumberError:
                    cell_errors[key] = _("«%(text)s» không phải số.") % {"text": text}
                    continue
                row = stored.get((assessment.pk, leaf.code))
                if row is None or row.survey_index != value:
                    changes.append((key, assessment, leaf.code, value))
        if changes and not source:
            messages.error(request, _("Cần ghi nguồn số liệu khảo sát (ví dụ: kết quả SIPAS 2025)."))
        else:
            saved = 0
            for key, assessment, code, value in changes:
                try:
                    workflow.set_survey_index(request.user, assessment, code, value, source)
                    saved += 1
                except workflow.WorkflowError as exc:
                    cell_errors[key] = str(exc)
            if saved:
                messages.success(request, _("Đã lưu %(n)s chỉ số khảo sát.") % {"n": saved})
            if not cell_errors:
                return redirect("administration:survey", cycle_id=cycle.pk)
        if cell_errors:
            messages.error(request, _("%(n)s ô chưa lưu được; xem các ô tô đỏ.") % {"n": len(cell_errors)})
        stored = {
            (row.assessment_id, row.criterion): row
            for a in assessments
            for row in a.scores.all()
            if row.criterion in {leaf.code for leaf in leaves}
        }
    table = []
    for assessment in assessments:
        cells = []
        for leaf in leaves:
            key = f"v-{assessment.pk}-{leaf.code}"
            row = stored.get((assessment.pk, leaf.code))
            value = (
                submitted[key]
                if key in cell_errors
                else (
                    format_number(row.survey_index, 2, lang) if row and row.survey_index is not None else ""
                )
            )
            cells.append(
                {
                    "key": key,
                    "value": value,
                    "points": row.self_points if row else None,
                    "error": cell_errors.get(key, ""),
                }
            )
        table.append((assessment, cells))
    return render(
        request,
        "administration/survey.html",
        {
            "cycle": cycle,
            "leaves": leaves,
            "table": table,
            "source": source,
            "section": "dashboard",
            "approved": State.APPROVED,
        },
        status=422 if cell_errors else 200,
    )


# -- units ------------------------------------------------------------------------------------------


@officer_required
def units(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("cap", "department")
    if level not in dict(LEVELS):
        level = "department"
    form = UnitImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = import_units(form.cleaned_data["file"])
        except UnitImportError as exc:
            problems = exc.problems
            status = 422
            messages.error(
                request, _("Tệp bị từ chối; chưa ghi đơn vị nào. Sửa các lỗi dưới đây rồi nhập lại.")
            )
        else:
            messages.success(
                request,
                _("Đã nhập: %(created)s đơn vị mới, %(updated)s đơn vị cập nhật.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect(f"{reverse('administration:units')}?cap={level}")
    rows = Unit.objects.filter(level=level).order_by("code", "valid_from")
    if level == "commune":
        rows = rows.filter(parent_code=services.province_code())
    return render(
        request,
        "administration/units.html",
        {
            "rows": rows,
            "level": level,
            "levels": LEVELS,
            "form": form,
            "problems": problems,
            "section": "units",
            "province": services.province_code(),
        },
        status=status,
    )


# -- users ----------------------------------------------------------------------------------------


@officer_required
def users(request: HttpRequest) -> HttpResponse:
    """Who holds which role, for which unit. Accounts are created and edited in the admin site."""
    memberships = Membership.objects.select_related("user", "unit").order_by("user__username", "role")
    rows: dict[int, dict] = {}
    for membership in memberships:
        row = rows.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        label = str(Role(membership.role).label)
        row["roles"].append(f"{label} — {membership.unit.name}" if membership.unit_id else label)
    by_role = {value: 0 for value, _label in Role.choices}
    for role in memberships.values_list("role", flat=True):
        by_role[role] += 1
    return render(
        request,
        "administration/users.html",
        {
            "rows": list(rows.values()),
            "counts": [(label, by_role[value]) for value, label in Role.choices],
            "section": "users",
        },
    )


# -- frameworks -------------------------------------------------------------------------------------


def _read_framework(upload) -> object:
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "khung.xlsx"
            path.write_bytes(upload.read())
            return framework_from_xlsx(path)
    if name.endswith((".yaml", ".yml")):
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FrameworkError("Tệp YAML phải mã hóa UTF-8 / the YAML file must be UTF-8.") from exc
        return load_framework_yaml(text if "\n" in text else text + "\n")
    raise FrameworkError("Chỉ nhận tệp .xlsx hoặc .yaml / only .xlsx or .yaml files.")


@officer_required
def frameworks(request: HttpRequest) -> HttpResponse:
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    warnings: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        problems, warnings = _upload(request, form)
        if not problems:
            return redirect("administration:frameworks")
        status = 422
    lang = _lang(request)
    rows = []
    for framework in Framework.objects.select_related("index").order_by("index__code", "-first_year", "code"):
        try:
            found = validate_framework(framework.to_engine())
        except FrameworkError:
            found = []
        rows.append(
            {
                "framework": framework,
                "errors": len(only_errors(found)),
                "warnings": len(found) - len(only_errors(found)),
                "years": _years(framework),
                "cycles": framework.cycles.count(),
                "internal": framework.scope in ("department", "commune"),
            }
        )
    groups = [
        (_("Khung đánh giá sở, ngành và cấp xã"), [r for r in rows if r["internal"]]),
        (_("Khung các chỉ số quốc gia"), [r for r in rows if not r["internal"]]),
    ]
    return render(
        request,
        "administration/frameworks.html",
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


def _years(framework: Framework) -> str:
    first = str(framework.first_year) if framework.first_year else "…"
    last = str(framework.last_year) if framework.last_year else _("nay")
    return (
        first if framework.first_year and framework.first_year == framework.last_year else f"{first}–{last}"
    )


def _upload(request: HttpRequest, form: FrameworkUploadForm) -> tuple[list[str], list[str]]:
    try:
        engine = _read_framework(form.cleaned_data["file"])
    except FrameworkError as exc:
        return [str(exc)], []
    found = validate_framework(engine)
    bad = only_errors(found)
    if bad:
        return [str(p) for p in bad], []
    warnings = [str(p) for p in found if not p.is_error]
    if not Index.objects.filter(code=engine.index).exists():
        return [_("Chưa có chỉ số mã %(code)s; hãy tạo chỉ số trước.") % {"code": engine.index}], warnings
    existing = Framework.objects.filter(code=engine.code).first()
    if existing is not None:
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
    saved = save_framework(engine)
    messages.success(request, _("Đã lưu khung %(code)s.") % {"code": saved.code})
    for warning in warnings[:20]:
        messages.warning(request, warning)
    return [], warnings


@officer_required
def framework_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    framework = get_object_or_404(Framework, code=code)
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
def framework_copy(request: HttpRequest, code: str) -> HttpResponse:
    source = get_object_or_404(Framework, code=code)
    year = max(source.first_year or 0, source.last_year or 0, date.today().year) + 1
    initial = {"code": suggested_code(source.code, year), "name_vi": source.name_vi, "first_year": year}
    form = CopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _target, mapping = copy_framework(
                source, data["code"], data["first_year"], data["last_year"], data["name_vi"]
            )
        except CopyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã tạo khung %(code)s. Xem lại bảng đối chiếu tiêu chí.") % {"code": data["code"]},
            )
            return redirect("administration:mapping", pk=mapping.pk)
    return render(
        request,
        "administration/framework_copy.html",
        {"source": source, "form": form, "section": "frameworks"},
        status=422 if form.errors else 200,
    )


@officer_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
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
            return redirect("administration:mapping", pk=stored.pk)
    rows = [
        {"node": node, "depth": depth[node.code], "current": stored.mapping.get(node.code, "")}
        for node in old.nodes()
    ]
    return render(
        request,
        "administration/mapping.html",
        {"mapping": stored, "rows": rows, "choices": choices, "problems": problems, "section": "frameworks"},
        status=422 if problems else 200,
    )


def _depths(root, depth: int = 0, found: dict | None = None) -> dict[str, int]:
    found = {} if found is None else found
    found[root.code] = depth
    for child in root.children:
        _depths(child, depth + 1, found)
    return found

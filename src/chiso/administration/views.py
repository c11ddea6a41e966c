"""The officer's dashboard (Sở Nội vụ): where a cycle stands, reminders, deadlines, new cycles,
survey results, who holds which role and the change log. Only officers and administrators may open it; the units
and frameworks pages are in their own apps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.models import Membership, Role
from chiso.accounts.permissions import officer_required, organisers_of
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.administration import changelog, services
from chiso.administration.changelog import may_read as may_read_change_log
from chiso.administration.forms import ChangeLogFilterForm, CycleForm, ExtendForm
from chiso.administration.jobs import SEND_REMINDERS
from chiso.assessments import workflow
from chiso.assessments.actions import ENTER_SURVEY, MANAGE, allowed
from chiso.assessments.models import CriterionScore, Cycle
from chiso.assessments.scoring import survey_leaves
from chiso.assessments.setup import create_cycle
from chiso.assessments.views.results import stale_context
from chiso.core import once
from chiso.core.pagecache import fields_of, kept_page, not_kept
from chiso.engine.numbers import NumberError, format_number, parse_decimal
from chiso.jobs import services as jobs
from chiso.units.forms import LEVELS
from chiso.units.organisers import managed_by
from chiso.units.services import vi_order


def _lang(request: HttpRequest) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "vi").startswith("en") else "vi"


# -- dashboard --------------------------------------------------------------------------------------


@officer_required
def dashboard(request: AuthenticatedHttpRequest, cycle_id: int | None = None) -> HttpResponse:
    managed = Cycle.objects.restrict(request.user, MANAGE)
    cycles = list(
        managed.select_related("framework__index", "organiser__unit")
        .defer("framework__definition")  # read only by the board, when the page is not kept
        .order_by("-year", "block")
    )
    if cycle_id is None and request.GET.get("ky", "").isdigit():
        cycle_id = int(request.GET["ky"])
    if cycle_id is not None:
        cycle = get_object_or_404(managed.select_related("organiser__unit"), pk=cycle_id)
    else:
        unpublished = [c for c in cycles if not c.is_published]
        cycle = (unpublished or cycles or [None])[0]
    if cycle is None:
        return _dashboard_page(request, cycles, None)
    key = (
        "dashboard",
        services.fingerprint(cycle),
        [(c.pk, c.organiser.display_name, c.year, c.block, c.published_at) for c in cycles],
        fields_of(cycle),
        cycle.framework.updated.isoformat(),
        may_read_change_log(request.user),
        timezone.localdate().isoformat(),
    )
    return kept_page(request, key, lambda: _dashboard_page(request, cycles, cycle), query=("ky",))


def _dashboard_page(request: HttpRequest, cycles: list[Cycle], cycle: Cycle | None) -> HttpResponse:
    context: dict[str, Any] = {
        "cycles": cycles,
        "cycle": cycle,
        "organisers_shown": len({c.organiser_id for c in cycles}) > 1,
        "section": "dashboard",
    }
    stale = False
    if cycle is not None:
        board = services.board(cycle, shown=LIST_ROWS)
        context["board"] = board
        context["lists"] = _list_titles(board)
        if board.standing is not None:
            context |= stale_context(board.standing)
            stale = board.standing.stale
        context["extend_form"] = ExtendForm(initial={"new_due": cycle.self_assessment_due})
        context["locality"] = _locality_link(cycle)
    response = render(request, "administration/dashboard.html", context)
    # Totals being computed again change without a new fingerprint: such a page is not kept.
    return not_kept(response) if stale else response


def _locality_link(cycle: Cycle) -> dict[str, Any] | None:
    """The locality dashboard of the organiser's own unit (its province or district): every index of
    it in the latest year up to the cycle's that has published results for its level (one query)."""
    from django.db.models import Max

    from chiso.results.models import ResultSet

    unit = cycle.organiser.unit
    if unit is None:
        return None
    latest = (
        ResultSet.objects.published()
        .annual()
        .filter(index__unit_level=unit.level, year__lte=cycle.year)
        .aggregate(latest=Max("year"))["latest"]
    )
    year = latest or cycle.year
    return {
        "url": reverse("results:locality", args=[unit.code, year]),
        "name": unit.display_name,
        "year": year,
    }


LIST_ROWS = 50  # rows shown of each list; the counts stay whole, the rest is on the cycle's page


def _list_titles(board: services.Board) -> list[tuple[str, str, str, list, int]]:
    """Each list's key, title, hint, its first `LIST_ROWS` rows and how many it holds."""
    titles = {
        services.NOT_STARTED: (_("Chưa bắt đầu"), _("Chưa chấm tiêu chí nào.")),
        services.NOT_SUBMITTED_KEY: (_("Chưa nộp"), _("Đang tự đánh giá hoặc chờ thủ trưởng phê duyệt.")),
        services.OVERDUE: (_("Quá hạn"), _("Chưa nộp và đã qua hạn tự đánh giá.")),
        services.APPRAISAL: (_("Đang thẩm định"), _("Đã gửi, đang được thẩm định.")),
        services.DISPUTE: (_("Đang giải trình, khiếu nại"), _("Đã có kết quả thẩm định; đơn vị giải trình.")),
        services.COUNCIL: (_("Chờ hội đồng"), _("Hội đồng đang xem xét.")),
        services.APPROVED: (_("Đã phê duyệt"), _("Điểm cuối cùng; so sánh với năm trước đã công bố.")),
    }
    return [(key, *titles[key], board.lists[key], board.sizes[key]) for key in services.LIST_KEYS]


@require_POST
@officer_required
def send_reminders(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.restrict(request.user, MANAGE), pk=cycle_id)
    with once.first_post(request) as first:  # the same form posted twice sends its e-mails once
        if not first:
            messages.info(request, str(once.ALREADY))
            return redirect("administration:cycle", cycle_id=cycle.pk)
        job = jobs.start(
            SEND_REMINDERS,
            _("Gửi thư nhắc nhở: {cycle}").format(cycle=cycle.name),
            request=request,
            params={"cycle": cycle.pk},
        )
    return redirect("jobs:job", job.pk)


@require_POST
@officer_required
def extend_deadline(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.restrict(request.user, MANAGE), pk=cycle_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))  # ErrorList yields each error's message
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
def cycle_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new cycle of one organiser the officer manages: its units of one level, as they were at the
    end of the year assessed."""
    organisers = managed_by(request.user)
    if not organisers:
        raise PermissionDenied(_("Bạn chưa là cán bộ điều hành của đơn vị tổ chức nào."))
    chosen = request.POST.get("organiser") or request.GET.get("to-chuc") or ""
    organiser = next((o for o in organisers if o.code == chosen), organisers[0])
    level = request.POST.get("level") or request.GET.get("cap") or "department"
    if level not in dict(LEVELS):
        level = "department"
    year = _year(request.POST.get("year") or request.GET.get("nam"))
    form = CycleForm(request.POST or None, organiser=organiser, level=level, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with once.first_post(request) as first:  # the same form posted twice creates one cycle
            if not first:
                messages.info(request, str(once.ALREADY))
                return redirect("administration:dashboard")
            cycle = create_cycle(
                data["framework"],
                data["year"],
                data["block"],
                list(data["units"]),
                data["self_assessment_due"],
                name=data["name"],
                organiser=organiser,
            )
            cycle.appraisal_due = data["appraisal_due"]
            cycle.explanation_due = data["explanation_due"]
            cycle.save(update_fields=["appraisal_due", "explanation_due"])
            workflow.audit(
                request.user,
                "create_cycle",
                cycle=cycle,
                after={"units": len(data["units"]), "organiser": organiser.code},
            )
        messages.success(request, _("Đã tạo kỳ đánh giá «%(name)s».") % {"name": cycle.name})
        return redirect("administration:cycle", cycle_id=cycle.pk)
    return render(
        request,
        "administration/cycle_form.html",
        {
            "form": form,
            "level": level,
            "levels": LEVELS,
            "organiser": organiser,
            "organisers": organisers,
            "year": form.fields["year"].initial if not form.is_bound else year,
            "section": "create",
        },
    )


def _year(text: str | None) -> int | None:
    """A year typed in a form or a link (None when it is not a plausible year)."""
    return int(text) if text and text.isdigit() and 2000 <= int(text) <= 2100 else None


# -- survey results ---------------------------------------------------------------------------------


def _survey_scores(cycle: Cycle, leaves: list[Any]) -> dict[tuple[int, str], CriterionScore]:
    """The cycle's stored scores of the survey leaves by (assessment id, code), in one query."""
    codes = {leaf.code for leaf in leaves}
    return {
        (row.assessment_id, row.criterion): row
        for row in CriterionScore.objects.filter(assessment__cycle=cycle, criterion__in=codes)
    }


@officer_required
def survey(request: AuthenticatedHttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.restrict(request.user, MANAGE), pk=cycle_id)
    leaves = survey_leaves(cycle)
    assessments = sorted(
        cycle.assessments.select_related("unit", "cycle"), key=lambda a: vi_order(a.unit.name)
    )
    stored = _survey_scores(cycle, leaves)
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
                    seen = request.POST.get(f"ver-{assessment.pk}-{leaf.code}", "")
                    changes.append((key, assessment, leaf.code, value, int(seen) if seen.isdigit() else None))
        if changes and not source:
            messages.error(request, _("Cần ghi nguồn số liệu khảo sát (ví dụ: kết quả SIPAS 2025)."))
        else:
            saved = 0
            for key, assessment, code, value, seen_version in changes:
                try:
                    workflow.set_survey_index(
                        request.user, assessment, code, value, source, expected_version=seen_version
                    )
                    saved += 1
                except workflow.WorkflowError as exc:
                    cell_errors[key] = str(exc)
            if saved:
                messages.success(request, _("Đã lưu %(n)s chỉ số khảo sát.") % {"n": saved})
            if not cell_errors:
                return redirect("administration:survey", cycle_id=cycle.pk)
        if cell_errors:
            messages.error(request, _("%(n)s ô chưa lưu được; xem các ô tô đỏ.") % {"n": len(cell_errors)})
        stored = _survey_scores(cycle, leaves)
    table = []
    for assessment in assessments:
        # Locked (with the council, approved, or published): shown, not editable — reopen first.
        locked = not allowed(request.user, ENTER_SURVEY, assessment)
        cells = []
        for leaf in leaves:
            key = f"v-{assessment.pk}-{leaf.code}"
            row = stored.get((assessment.pk, leaf.code))
            shown = (
                submitted[key]
                if key in cell_errors
                else (
                    format_number(row.survey_index, 2, lang) if row and row.survey_index is not None else ""
                )
            )
            cells.append(
                {
                    "key": key,
                    "value": shown,
                    "points": row.self_points if row else None,
                    "error": cell_errors.get(key, ""),
                    "version": row.version if row else 0,
                    "version_key": f"ver-{assessment.pk}-{leaf.code}",
                    "locked": locked,
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
        },
        status=422 if cell_errors else 200,
    )


# -- users ----------------------------------------------------------------------------------------


@officer_required
def users(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who holds which role, for which unit. Accounts are created and edited in the admin site."""
    memberships = Membership.objects.select_related("user", "unit", "organiser").order_by(
        "user__username", "role"
    )
    scope = organisers_of(request.user, Role.ADMIN, Role.OFFICER)
    if scope is not None:  # an organiser's officer sees the people of its organisers and units
        parents = [o.unit.code for o in managed_by(request.user) if o.unit is not None]
        memberships = memberships.filter(Q(organiser_id__in=scope) | Q(unit__parent_code__in=parents))
    rows: dict[int, dict] = {}
    for membership in memberships:
        row = rows.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        label = str(Role(membership.role).label)
        where = membership.unit or membership.organiser
        row["roles"].append(f"{label} — {where.name}" if where is not None else label)
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


# -- change log -------------------------------------------------------------------------------------


def _change_log_filters(request: HttpRequest) -> tuple[ChangeLogFilterForm, changelog.Filters]:
    form = ChangeLogFilterForm(
        request.GET,
        types=changelog.object_types(),
        actions=[(key, str(label)) for key, label in changelog.ACTIONS.items()],
    )
    filters = changelog.Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = changelog.Filters(
            kind=data["loai"],
            object=data["doi_tuong"].strip(),
            user=data["nguoi"].strip(),
            since=data["tu_ngay"],
            until=data["den_ngay"],
            action=data["thao_tac"],
            request_id=data["yeu_cau"].strip(),
        )
    return form, filters


def _may_read_change_log(request: AuthenticatedHttpRequest) -> None:
    if not changelog.may_read(request.user):
        raise PermissionDenied(
            _(
                "Nhật ký thay đổi của cả hệ thống chỉ dành cho quản trị hệ thống và cán bộ điều hành toàn hệ thống."
            )
        )


@officer_required
def change_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every create, update and delete, newest first: filtered, paginated and exported."""
    _may_read_change_log(request)
    form, filters = _change_log_filters(request)
    page = Paginator(changelog.entries(filters), changelog.PAGE_SIZE).get_page(request.GET.get("trang"))
    query = urlencode(filters.query())
    return render(
        request,
        "administration/change_log.html",
        {
            "form": form,
            "page": page,
            "rows": changelog.rows(page.object_list),
            "query": query,
            "section": "change_log",
        },
        status=200 if form.is_valid() else 422,
    )


@officer_required
def change_log_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered change log as CSV (streamed) or Excel; every cell is text."""
    _may_read_change_log(request)
    form, filters = _change_log_filters(request)
    if not form.is_valid():
        return redirect(f"{reverse('administration:change_log')}?{request.GET.urlencode()}")
    name = f"nhat-ky-thay-doi-{timezone.localdate():%Y%m%d}"
    lines = changelog.export_lines(changelog.entries(filters))
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            changelog.to_csv(lines), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        changelog.to_xlsx(lines),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response

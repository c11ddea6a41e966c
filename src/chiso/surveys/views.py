"""Survey pages: questionnaires, surveys, response imports, paper forms, results and the cycle link.

Importing, entering, estimating and linking are for the Home Affairs officer and admins
(`can_manage`); results are read by the inside roles, and by everyone once a survey is published.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.permissions import EVERYONE_INSIDE, can_manage, has_role, organisers_of
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments.models import Cycle
from chiso.assessments.workflow import WorkflowError
from chiso.core import once
from chiso.core.files import clean_file_name
from chiso.core.pagecache import kept_page
from chiso.engine.survey import OVERALL
from chiso.engine.survey.design import explain_method
from chiso.frameworks.ownership import may_change
from chiso.jobs import services as jobs
from chiso.surveys import services
from chiso.surveys.forms import ImportForm, LinkForm, PaperForm, QuestionnaireForm, SurveyForm
from chiso.surveys.jobs import ESTIMATE, IMPORT
from chiso.surveys.models import Questionnaire, Survey, SurveyResult
from chiso.units.models import Organiser

STORED = re.compile(r"^[0-9a-f]{64}\.(csv|xlsx|xlsm)$")


def _refuse(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "surveys/forbidden.html", status=403)


def manager_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage(request.user):
            return _refuse(request)
        return view(request, *args, **kwargs)

    return wrapped


def _inside(user) -> bool:
    return has_role(user, *EVERYONE_INSIDE)


def _drafts(user) -> Q:
    """The unpublished surveys the user's inside roles read: their organisers' own, and those of no
    organiser (the top organiser's) for a top-level organiser's people; every one installation-wide."""
    scope = organisers_of(user, *EVERYONE_INSIDE)
    if scope is None:
        return Q()
    top = Organiser.objects.filter(pk__in=scope, parent__isnull=True).exists()
    return Q(organiser_id__in=scope) | (Q(organiser__isnull=True) if top else Q(pk__in=[]))


def _readable(request: HttpRequest, pk: int) -> Survey | None:
    survey = get_object_or_404(Survey.objects.select_related("questionnaire"), pk=pk)
    if survey.published:
        return survey
    if _inside(request.user) and Survey.objects.filter(_drafts(request.user), pk=survey.pk).exists():
        return survey
    return None


def home(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.select_related("questionnaire")
    if _inside(request.user):
        surveys = surveys.filter(_drafts(request.user) | Q(published=True))
    else:
        surveys = surveys.filter(published=True)
    manager = can_manage(request.user)
    return render(
        request,
        "surveys/home.html",
        {
            "surveys": surveys,
            "questionnaires": Questionnaire.objects.all() if manager else [],
            "manager": manager,
            "has_sipas": Questionnaire.objects.filter(origin=Questionnaire.Origin.SHIPPED).exists(),
        },
    )


@manager_only
def upload_questionnaire(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuestionnaireForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.import_questionnaire(
                form.cleaned_data["file"],
                request.user,
                name=form.cleaned_data["name"],
                satisfied=form.cleaned_data["satisfied"],
            )
        except services.SurveyError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Đã lưu bảng hỏi «%(name)s».") % {"name": questionnaire.name})
            return redirect("surveys:questionnaire", questionnaire.pk)
    return render(request, "surveys/questionnaire_upload.html", {"form": form})


@require_POST
@manager_only
def use_sipas(request: AuthenticatedHttpRequest) -> HttpResponse:
    questionnaire = services.sipas_questionnaire(request.user)
    messages.success(request, _("Bảng hỏi SIPAS có sẵn đã sẵn sàng để dùng."))
    return redirect("surveys:questionnaire", questionnaire.pk)


@manager_only
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Questionnaire, pk=pk)
    form = item.form()
    factor_names = {f.code: f for f in form.factors}
    groups: dict[str, list] = {}
    for question in form.indexed:
        groups.setdefault(question.factor, []).append(question)
    return render(
        request,
        "surveys/questionnaire.html",
        {
            "item": item,
            "form": form,
            "groups": [(code, factor_names.get(code), questions) for code, questions in groups.items()],
            "design": [q for q in form.questions if q.role],
        },
    )


@manager_only
def create(request: HttpRequest) -> HttpResponse:
    initial = {"questionnaire": request.GET.get("bang-hoi")}
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with once.first_post(request) as first:  # the same form posted twice creates one survey
            if not first:
                messages.info(request, str(once.ALREADY))
                return redirect("surveys:home")
            survey = form.save(commit=False)
            survey.created_by = request.user
            survey.save()
        messages.success(request, _("Đã tạo đợt khảo sát."))
        return redirect("surveys:survey", survey.pk)
    return render(request, "surveys/create.html", {"form": form})


def survey(request: HttpRequest, pk: int) -> HttpResponse:
    item = _readable(request, pk)
    if item is None:
        return _refuse(request)
    counts = services.response_counts(item)
    return render(
        request,
        "surveys/survey.html",
        {
            "survey": item,
            "manager": can_manage(request.user),
            "count": counts.count,
            "paper": counts.paper,
            "units": counts.units,
            "batches": item.imports.select_related("user")[:20],
            "has_results": item.results.exists(),
        },
    )


def _store_upload(upload) -> tuple[str, bytes]:
    """Keep an uploaded response file under its content hash so the valid-rows step can reuse it."""
    data = upload.read()
    suffix = Path(upload.name).suffix.lower()
    name = f"{services.sha256(data)}{suffix}"
    if STORED.match(name) and not default_storage.exists(f"surveys/responses/{name}"):
        default_storage.save(f"surveys/responses/{name}", ContentFile(data))
    return name, data


@manager_only
def import_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a response file: it is stored, then imported in the background (`chiso.surveys.jobs`);
    the job's page shows the progress, then the import's outcome or its row-by-row report."""
    item = get_object_or_404(Survey.objects.select_related("questionnaire"), pk=pk)
    form = ImportForm()
    context: dict = {"survey": item, "form": form}
    if request.method == "POST":
        stored = request.POST.get("stored", "")
        if stored:  # second step: the same file, valid rows only
            if not STORED.match(stored) or not default_storage.exists(f"surveys/responses/{stored}"):
                messages.error(request, _("Không tìm thấy tệp đã tải lên; hãy tải lại."))
                return redirect("surveys:import", item.pk)
            original = clean_file_name(request.POST.get("name", stored))[:200] or stored
            valid_only = True
        else:
            form = ImportForm(request.POST, request.FILES)
            context["form"] = form
            if not form.is_valid():
                return render(request, "surveys/import.html", context, status=422)
            original = Path(form.cleaned_data["file"].name).name
            stored, _data = _store_upload(form.cleaned_data["file"])
            valid_only = form.cleaned_data["valid_only"]
        with once.first_post(request) as first:  # the same form posted twice imports once
            if not first:
                messages.info(request, str(once.ALREADY))
                return redirect("surveys:survey", item.pk)
            job = jobs.start(
                IMPORT,
                _("Nhập tệp trả lời {file} vào {survey}").format(file=original, survey=item.title),
                request=request,
                params={"survey": item.pk, "stored": stored, "name": original, "valid_only": valid_only},
            )
        return redirect("jobs:job", job.pk)
    return render(request, "surveys/import.html", context)


@manager_only
def paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Survey.objects.select_related("questionnaire"), pk=pk)
    form = PaperForm(request.POST or None, survey=item)
    if request.method == "POST" and form.is_valid():
        try:
            with once.first_post(request) as first:  # the same sheet posted twice is stored once
                if not first:
                    messages.info(request, str(once.ALREADY))
                    return redirect("surveys:paper", item.pk)
                response = services.add_paper_response(
                    item,
                    request.user,
                    form.cleaned_data["unit"],
                    form.cleaned_data["respondent_type"],
                    form.answers(),
                )
        except services.SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã lưu phiếu %(id)s của %(unit)s.")
                % {"id": response.submission_id, "unit": response.unit.name},
            )
            return redirect("surveys:paper", item.pk)
    return render(request, "surveys/paper.html", {"survey": item, "form": form})


@require_POST
@manager_only
def run_estimate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Survey, pk=pk)
    job = jobs.start(
        ESTIMATE,
        _("Tính chỉ số khảo sát {survey}").format(survey=item.title),
        request=request,
        params={"survey": item.pk},
    )
    return redirect("jobs:job", job.pk)


@require_POST
@manager_only
def toggle_publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Survey, pk=pk)
    if not may_change(request.user, item):
        return _refuse(request)
    item.published = not item.published
    item.save(update_fields=["published"])
    return redirect("surveys:survey", item.pk)


def _position(value) -> str:
    """A percentage as a CSS length (dot decimal, whatever the language)."""
    return "0" if value is None else format(value, "f")


def _factor_cell(code: str, result: SurveyResult | None) -> dict:
    if result is None:
        return {"code": code, "result": None}
    low = None if result.ci_low is None else services.to_percent(max(result.ci_low, 0.0))
    high = None if result.ci_high is None else services.to_percent(min(result.ci_high, 1.0))
    return {
        "code": code,
        "result": result,
        "percent": services.to_percent(result.index),
        "low": low,
        "high": high,
    }


def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking of a survey's units with their intervals; kept as HTML (`chiso.core.pagecache`)
    per version of its results — an estimation replaces them all — and of the survey, per filter
    and language, and per whether the user manages surveys (who see the technical details)."""
    item = _readable(request, pk)
    if item is None:
        return _refuse(request)
    version = item.results.aggregate(rows=Count("id"), last=Max("id"), computed=Max("computed_at"))
    questionnaire = item.questionnaire
    parts = (
        "survey-results",
        tuple(getattr(item, f.attname) for f in item._meta.concrete_fields),
        (questionnaire.pk, questionnaire.sha256, questionnaire.name, questionnaire.satisfied),
        tuple(version.values()),
        can_manage(request.user),
    )
    return kept_page(request, parts, lambda: _results(request, item), query=("chi-so", "loai"))


def _results(request: HttpRequest, item: Survey) -> HttpResponse:
    form = item.questionnaire.form()
    stored = set(item.results.filter(level="factor").values_list("code", flat=True).distinct())
    factors = [f for f in form.factors if f.code in stored]
    known = {f.code for f in form.factors}
    extra = sorted(stored - known)
    factor_codes = [f.code for f in factors] + extra
    factor_names = {f.code: f.name for f in factors}
    code = request.GET.get("chi-so", OVERALL)
    if code != OVERALL and code not in factor_codes:
        code = OVERALL
    types = sorted(set(item.results.values_list("respondent_type", flat=True)) - {SurveyResult.ALL_TYPES})
    rtype = request.GET.get("loai", SurveyResult.ALL_TYPES)
    if rtype not in types:
        rtype = SurveyResult.ALL_TYPES
    rows = services.ranking(item, code, rtype)
    names = {row.unit.pk: row.unit.name for row in rows}
    display = []
    for position, row in enumerate(rows):
        neighbours = []
        if row.tied_above:
            neighbours.append(names[rows[position - 1].unit.pk])
        if row.tied_below:
            neighbours.append(names[rows[position + 1].unit.pk])
        display.append(
            {
                "row": row,
                "neighbours": neighbours,
                "bar": _position(row.percent),
                "low": _position(row.low),
                "width": _position(row.high - row.low)
                if row.low is not None and row.high is not None
                else None,
                "factors": [_factor_cell(c, row.factors.get(c)) for c in factor_codes],
            }
        )
    method = rows[0].result.method if rows else None
    type_question = form.role("respondent_type")
    type_labels = {c.name: c.label for c in type_question.choices} if type_question else {}
    return render(
        request,
        "surveys/results.html",
        {
            "survey": item,
            "rows": display,
            "code": code,
            "code_name": factor_names.get(code, code) if code != OVERALL else _("Chỉ số hài lòng chung"),
            "factor_codes": factor_codes,
            "factor_names": factor_names,
            "factor_options": [
                (c, f"{c} — {factor_names[c]}" if c in factor_names else c) for c in factor_codes
            ],
            "types": [(t, type_labels.get(t, t)) for t in types],
            "rtype": rtype,
            "method": method,
            "method_text": explain_method(method) if method else "",
            "computed_at": rows[0].result.computed_at if rows else None,
            "manager": can_manage(request.user),
            "tied": sum(1 for r in rows if r.tied_below),
        },
    )


@manager_only
def link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Survey.objects.select_related("questionnaire"), pk=pk)
    cycles = [c for c in Cycle.objects.select_related("framework") if services.survey_criteria(c)]
    chosen = None
    raw = request.POST.get("cycle") or request.GET.get("ky")
    if raw and raw.isdigit():
        chosen = next((c for c in cycles if c.pk == int(raw)), None)
    context: dict = {"survey": item, "cycles": cycles, "cycle": chosen}
    if chosen is not None:
        form_def = item.questionnaire.form()
        stored = set(
            item.results.filter(respondent_type=SurveyResult.ALL_TYPES, level="factor")
            .values_list("code", flat=True)
            .distinct()
        )
        names = {f.code: f.name for f in form_def.factors}
        codes = [(OVERALL, _("Chỉ số hài lòng chung"))] + [
            (c, f"{c} — {names.get(c, c)}") for c in sorted(stored, key=lambda c: (c not in names, c))
        ]
        form = LinkForm(request.POST or None, criteria=services.survey_criteria(chosen), codes=codes)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            try:
                context["report"] = services.link_to_cycle(item, chosen, form.mapping(), request.user)
            except (services.SurveyError, WorkflowError) as exc:
                form.add_error(None, str(exc))
    return render(request, "surveys/link.html", context)

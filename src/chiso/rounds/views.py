"""The round pages: the officer's list, new round, status and synthesis; the agency's answer."""

from __future__ import annotations

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.core import once
from chiso.core.files import clean_file_name
from chiso.frameworks.models import Index
from chiso.jobs import services as jobs
from chiso.plans.forms import day_field
from chiso.rounds import services
from chiso.rounds.forms import AnswerForm, CriteriaForm, RoundForm
from chiso.rounds.jobs import REMIND
from chiso.rounds.models import Answer, Attachment, Request, Round
from chiso.rounds.services import RoundError


def _not_ours() -> PermissionDenied:
    return PermissionDenied(_("Chỉ cán bộ của đơn vị tổ chức đợt báo cáo được mở trang này."))


def _round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    """A round the user manages (404 when it does not exist, 403 when it is another's)."""
    found = get_object_or_404(Round.objects.select_related("organiser__unit"), pk=pk)
    if not services.may_manage(request.user, found):
        raise _not_ours()
    return found


def _errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def manager_only(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not services.organisers_managed(request.user).exists():
            raise _not_ours()
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The officer's rounds with their counts; an agency's requests."""
    rounds = list(services.managed_rounds(request.user).prefetch_related("indices")[:100])
    statuses = [services.round_status(r) for r in rounds]
    own = list(
        services.own_requests(request.user)
        .select_related("round__organiser", "agency")
        .order_by("-round__issued")
    )
    if not rounds and not own and not services.organisers_managed(request.user).exists():
        raise PermissionDenied(
            _("Trang này dành cho cán bộ đơn vị tổ chức và các cơ quan được đề nghị báo cáo.")
        )
    context = {
        "statuses": statuses,
        "own": [(r, services.state_of(r)) for r in own],
        "may_create": services.organisers_managed(request.user).exists(),
    }
    return render(request, "rounds/list.html", context)


@manager_only
def round_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisers = list(services.organisers_managed(request.user))
    organiser = next((o for o in organisers if str(o.pk) == request.GET.get("don-vi")), organisers[0])
    agencies = services.recipients(organiser)
    indices = Index.objects.order_by("code")
    initial = {
        "issued": timezone.localdate(),
        "year": timezone.localdate().year - 1,
        "agencies": [a.pk for a in agencies if a.level in ("department", "district")],
    }
    form = RoundForm(request.POST or None, indices=indices, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with once.first_post(request) as first:
                if first:
                    created = services.create_round(
                        request.user,
                        organiser,
                        number=data["number"],
                        issued=data["issued"],
                        deadline=data["deadline"],
                        title=data["title"],
                        year=data["year"],
                        indices=list(data["indices"]),
                        agencies=list(data["agencies"]),
                    )
        except RoundError as exc:
            messages.error(request, str(exc))
        else:
            if not first:
                messages.info(request, str(once.ALREADY))
                return redirect("rounds:list")
            messages.success(
                request, _("Đã tạo dự thảo đợt báo cáo; kiểm tra tiêu chí từng cơ quan rồi gửi.")
            )
            return redirect("rounds:round", pk=created.pk)
    elif request.method == "POST":
        _errors(request, form)
    context = {"form": form, "organiser": organiser, "organisers": organisers}
    return render(request, "rounds/new.html", context)


@login_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The round at a glance: received, late, missing per agency; its criteria while a draft."""
    round_ = _round(request, pk)
    status = services.round_status(round_)
    several = round_.indices.count() > 1
    rows = []
    for row in status.rows:
        form = None
        if round_.status == Round.Status.DRAFT:
            form = CriteriaForm(
                initial={"criteria": services.criteria_text(row.request, several)},
                prefix=f"r{row.request.pk}",
            )
        rows.append({"row": row, "form": form, "label": services.state_label(row.state)})
    context = {
        "round": round_,
        "status": status,
        "rows": rows,
        "indices": list(round_.indices.all()),
        "missing": status.counts[services.MISSING] + status.counts[services.WAITING],
    }
    return render(request, "rounds/round.html", context)


@require_POST
@login_required
def request_criteria(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Request.objects.select_related("round", "agency"), pk=pk)
    round_ = _round(request, found.round_id)
    form = CriteriaForm(request.POST, prefix=f"r{found.pk}")
    if form.is_valid():
        try:
            count = services.set_criteria(request.user, found, form.cleaned_data["criteria"])
        except RoundError as exc:
            messages.error(request, f"{found.agency.name}: {exc}")
        else:
            if count:
                messages.success(
                    request,
                    _("{agency}: {n} tiêu chí phải phân tích.").format(agency=found.agency.name, n=count),
                )
            else:
                messages.success(
                    request, _("Đã bỏ {agency} khỏi đợt báo cáo.").format(agency=found.agency.name)
                )
    return redirect("rounds:round", pk=round_.pk)


@require_POST
@login_required
def round_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    try:
        emails = services.send_round(request.user, round_)
    except RoundError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã gửi đề nghị; {n} thư thông báo.").format(n=emails))
    return redirect("rounds:round", pk=round_.pk)


@require_POST
@login_required
def round_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if round_.status != Round.Status.SENT:
        messages.error(request, _("Chỉ nhắc được đợt báo cáo đang chờ các cơ quan trả lời."))
        return redirect("rounds:round", pk=round_.pk)
    job = jobs.start(
        REMIND, _("Nhắc các cơ quan chưa gửi báo cáo phân tích"), request=request, params={"round": round_.pk}
    )
    return redirect("jobs:job", job.pk)


@require_POST
@login_required
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    try:
        services.close_round(request.user, round_)
    except RoundError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã kết thúc đợt báo cáo."))
    return redirect("rounds:round", pk=round_.pk)


@login_required
def round_export(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    round_ = _round(request, pk)
    out = io.BytesIO()
    word = request.GET.get("dang") == "docx"
    (services.export_docx if word else services.export_xlsx)(round_, out)
    out.seek(0)
    name = clean_file_name(f"tong-hop-bao-cao-phan-tich-{round_.pk}.{'docx' if word else 'xlsx'}")
    return FileResponse(out, as_attachment=True, filename=name)


@login_required
def synthesis(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The answers received; the officer picks those that become plan items."""
    round_ = _round(request, pk)
    answers = list(services.submitted_answers(round_))
    leads = services.recipients(round_.organiser)
    by_pk = {u.pk: u for u in leads}
    if request.method == "POST":
        choices, errors = [], []
        for answer in answers:
            if not request.POST.get(f"chon-{answer.pk}") or answer.plan_item_id:
                continue
            where = f"{answer.request.agency.name}, {answer.criterion}"
            try:
                deadline = day_field().clean(request.POST.get(f"han-{answer.pk}", ""))
            except ValidationError:
                errors.append(_("{where}: thời hạn phải theo dạng dd/mm/yyyy.").format(where=where))
                continue
            lead = by_pk.get(int(request.POST.get(f"chu-tri-{answer.pk}") or 0)) or answer.request.agency
            choices.append(
                services.Choice(answer, request.POST.get(f"giai-phap-{answer.pk}", ""), lead, deadline)
            )
        if errors:
            for error in errors:
                messages.error(request, error)
        elif not choices:
            messages.error(request, _("Chưa chọn nội dung nào để đưa vào kế hoạch."))
        else:
            try:
                items = services.synthesise(request.user, round_, choices)
            except RoundError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("Đã đưa {n} nội dung vào kế hoạch cải thiện.").format(n=len(items))
                )
                return redirect("rounds:synthesis", pk=round_.pk)
    context = {
        "round": round_,
        "answers": answers,
        "leads": leads,
        "pending": any(a.plan_item_id is None for a in answers),
    }
    return render(request, "rounds/synthesis.html", context)


# -- the agency's side ------------------------------------------------------------------------------


def _visible_request(request: AuthenticatedHttpRequest, pk: int) -> Request:
    found = get_object_or_404(Request.objects.select_related("round__organiser", "agency"), pk=pk)
    if services.may_manage(request.user, found.round):
        return found
    if not services.own_requests(request.user).filter(pk=found.pk).exists():
        raise PermissionDenied(_("Yêu cầu báo cáo này gửi cơ quan, đơn vị khác."))
    return found


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One agency's answer: a form per criterion while it may edit, else what it sent."""
    found = _visible_request(request, pk)
    editable = services.can_edit(request.user, found)
    answers = list(found.answers.select_related("framework__index").prefetch_related("attachments"))
    rows = [
        {
            "answer": a,
            "form": AnswerForm(
                initial={"causes": a.causes, "responsibility": a.responsibility, "solutions": a.solutions},
                prefix=f"a{a.pk}",
            )
            if editable
            else None,
        }
        for a in answers
    ]
    context = {
        "req": found,
        "round": found.round,
        "rows": rows,
        "editable": editable,
        "state": services.state_of(found),
        "state_label": services.state_label(services.state_of(found)),
        "is_head": services.is_head(request.user, found.agency_id),
        "filled": sum(a.is_filled for a in answers),
    }
    return render(request, "rounds/request.html", context)


@require_POST
@login_required
def answer_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(Answer.objects.select_related("request__round", "request__agency"), pk=pk)
    _visible_request(request, answer.request_id)
    form = AnswerForm(request.POST, prefix=f"a{answer.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_answer(
                request.user,
                answer,
                causes=data["causes"],
                responsibility=data["responsibility"],
                solutions=data["solutions"],
                files=request.FILES.getlist(f"a{answer.pk}-files"),
            )
        except RoundError as exc:
            messages.error(request, f"{answer.criterion}: {exc}")
        else:
            messages.success(request, _("Đã lưu phân tích tiêu chí {code}.").format(code=answer.criterion))
    return redirect(reverse("rounds:request", args=[answer.request_id]) + f"#a-{answer.pk}")


@require_POST
@login_required
def request_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _visible_request(request, pk)
    try:
        services.submit(request.user, found)
    except RoundError as exc:
        messages.error(request, str(exc))
    else:
        if found.status == Request.Status.SUBMITTED:
            messages.success(
                request,
                _("Đã gửi báo cáo phân tích tới {organiser}.").format(organiser=found.round.organiser.name),
            )
        else:
            messages.success(request, _("Đã trình thủ trưởng duyệt."))
    return redirect("rounds:request", pk=found.pk)


@require_POST
@login_required
def request_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _visible_request(request, pk)
    try:
        services.return_to_staff(request.user, found)
    except RoundError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("Đã trả lại để cán bộ chỉnh sửa."))
    return redirect("rounds:request", pk=found.pk)


@login_required
def attachment_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("answer"), pk=pk)
    _visible_request(request, attachment.answer.request_id)
    if not attachment.file:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=clean_file_name(attachment.name) or "tep"
    )

"""Creating and sending a round; the agencies' answers, their evidence, submission and approval."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core.files import clean_file_name
from chiso.engine.names import match_key
from chiso.engine.numbers import format_date
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import framework_for
from chiso.plans.models import Responsibility
from chiso.plans.services import ALLOWED_EVIDENCE, MAX_EVIDENCE
from chiso.rounds.models import Answer, Attachment, Request, Round, attachment_path
from chiso.rounds.services.access import (
    RoundError,
    agency_emails,
    has_head,
    is_head,
    own_requests,
    recipients,
    require_manager,
)
from chiso.units.models import Organiser, Unit


@dataclass(frozen=True)
class Criterion:
    framework: Framework
    code: str
    name: str

    @property
    def key(self) -> str:
        """How an officer writes it: the code, prefixed by the index when several indices are asked."""
        return f"{self.framework.index.code}:{self.code}"


def frameworks_of(indices: list[Index], year: int) -> list[Framework]:
    """The framework of each index for the year (RoundError naming the index when there is none)."""
    found = []
    for index in indices:
        try:
            found.append(framework_for(index, year))
        except LookupError as exc:
            raise RoundError(str(exc)) from exc
    return found


def default_criteria(frameworks: list[Framework], agency: Unit) -> list[Criterion]:
    """The criteria the agency leads or supports (`chiso.plans` responsibilities), in framework order."""
    codes: dict[int, set[str]] = {}
    for framework_id, code in (
        Responsibility.objects.filter(framework__in=frameworks)
        .filter(Q(lead=agency) | Q(supporters=agency))
        .values_list("framework_id", "criterion")
        .distinct()
    ):
        codes.setdefault(framework_id, set()).add(code)
    chosen = []
    for framework in frameworks:
        wanted = codes.get(framework.pk, set())
        for node in framework.to_engine().nodes():
            if node.code in wanted:
                chosen.append(Criterion(framework, node.code, node.name_vi))
    return chosen


def parse_criteria(frameworks: list[Framework], text: str) -> list[Criterion]:
    """Criteria written by an officer, separated by commas, semicolons or spaces: "d1, d3.2" or, when a
    code exists in several of the round's indices, "papi:d1". RoundError names every unknown code."""
    nodes = {
        f.pk: {n.code: n for n in f.to_engine().nodes() if n.code != f.to_engine().root.code}
        for f in frameworks
    }
    by_index = {match_key(f.index.code): f for f in frameworks}
    chosen: list[Criterion] = []
    errors = []
    for word in text.replace(",", " ").replace(";", " ").split():
        prefix, colon, code = word.rpartition(":")
        if colon:
            framework = by_index.get(match_key(prefix))
            places = [framework] if framework and code in nodes[framework.pk] else []
        else:
            places = [f for f in frameworks if word in nodes[f.pk]]
            code = word
        if len(places) != 1:
            errors.append(
                _("«{code}»: không có tiêu chí này trong khung của đợt.").format(code=word)
                if not places
                else _("«{code}»: có trong nhiều chỉ số, hãy ghi kèm mã chỉ số (ví dụ {example}).").format(
                    code=word, example=f"{places[0].index.code}:{code}"
                )
            )
            continue
        criterion = Criterion(places[0], code, nodes[places[0].pk][code].name_vi)
        if criterion not in chosen:
            chosen.append(criterion)
    if errors:
        raise RoundError(" ".join(errors))
    return chosen


def criteria_text(request: Request, several: bool) -> str:
    """The request's criteria as the officer writes them (`parse_criteria` reads it back)."""
    answers = request.answers.all()
    return ", ".join(f"{a.framework.index.code}:{a.criterion}" if several else a.criterion for a in answers)


def _set_answers(request: Request, criteria: list[Criterion]) -> None:
    wanted = {(c.framework.pk, c.code): c for c in criteria}
    for answer in list(request.answers.all()):
        if (answer.framework_id, answer.criterion) not in wanted:
            answer.delete()
        else:
            wanted.pop((answer.framework_id, answer.criterion))
    for criterion in wanted.values():
        Answer.objects.create(
            request=request,
            framework=criterion.framework,
            criterion=criterion.code,
            criterion_name=criterion.name[:500],
        )


@transaction.atomic
def create_round(
    user: User,
    organiser: Organiser,
    *,
    number: str,
    issued: date,
    deadline: date,
    title: str,
    year: int,
    indices: list[Index],
    agencies: list[Unit],
) -> Round:
    """A draft round asking each agency about the criteria it leads or supports (editable until sent)."""
    require_manager(user, organiser=organiser)
    errors = []
    if not number.strip():
        errors.append(_("Thiếu số hiệu văn bản."))
    if not title.strip():
        errors.append(_("Thiếu trích yếu."))
    if deadline < issued:
        errors.append(_("Hạn gửi báo cáo phải sau ngày văn bản."))
    if not indices:
        errors.append(_("Phải chọn ít nhất một chỉ số."))
    if not agencies:
        errors.append(_("Phải chọn ít nhất một cơ quan, đơn vị."))
    allowed = {u.pk for u in recipients(organiser, issued)}
    outside = [a.name for a in agencies if a.pk not in allowed]
    if outside:
        errors.append(_("Không thuộc đơn vị tổ chức: {names}.").format(names=", ".join(outside)))
    if errors:
        raise RoundError(" ".join(errors))
    frameworks = frameworks_of(indices, year)
    round_ = Round.objects.create(
        organiser=organiser,
        number=number.strip(),
        issued=issued,
        deadline=deadline,
        title=title.strip(),
        year=year,
        created_by=user,
    )
    round_.indices.set(indices)
    for agency in agencies:
        request = Request.objects.create(round=round_, agency=agency)
        _set_answers(request, default_criteria(frameworks, agency))
    return round_


@transaction.atomic
def set_criteria(user: User, request: Request, text: str) -> int:
    """Replace the criteria one agency must analyse (a draft round only); empty text takes the agency
    out of the round. Returns how many criteria it now has."""
    round_ = request.round
    require_manager(user, round_)
    if round_.status != Round.Status.DRAFT:
        raise RoundError(_("Đợt báo cáo đã gửi: không sửa được tiêu chí."))
    if not text.strip():
        request.delete()
        return 0
    criteria = parse_criteria(frameworks_of(list(round_.indices.all()), round_.year), text)
    _set_answers(request, criteria)
    return len(criteria)


def _mail(round_: Round, agency_ids: list[int], subject: str, body: str) -> int:
    sent = 0
    for addresses in agency_emails(agency_ids).values():
        send_mail(subject, body, None, addresses)
        sent += 1
    return sent


def request_text(round_: Round) -> str:
    return _(
        "{organiser} đề nghị cơ quan, đơn vị phân tích nguyên nhân, trách nhiệm và đề xuất giải pháp "
        "cải thiện các tiêu chí được giao (văn bản số {number} ngày {issued}: {title}), gửi trên chiso "
        "trước hết ngày {deadline}."
    ).format(
        organiser=round_.organiser.name,
        number=round_.number,
        issued=format_date(round_.issued),
        title=round_.title,
        deadline=format_date(round_.deadline),
    )


@transaction.atomic
def send_round(user: User, round_: Round, *, send: bool = True) -> int:
    """Send a draft round to its agencies (each must have a criterion) and e-mail their staff and
    heads; returns the number of messages sent."""
    require_manager(user, round_)
    if round_.status != Round.Status.DRAFT:
        raise RoundError(_("Đợt báo cáo này đã được gửi."))
    requests = list(round_.requests.select_related("agency").prefetch_related("answers"))
    if not requests:
        raise RoundError(_("Đợt báo cáo chưa có cơ quan, đơn vị nào."))
    empty = [r.agency.name for r in requests if not r.answers.all()]
    if empty:
        raise RoundError(
            _("Chưa giao tiêu chí nào cho: {names}. Hãy giao tiêu chí hoặc bỏ cơ quan khỏi đợt.").format(
                names=", ".join(empty)
            )
        )
    round_.status = Round.Status.SENT
    round_.sent_at = timezone.now()
    round_.save(update_fields=["status", "sent_at"])
    if not send:
        return 0
    subject = _("[chiso] Đề nghị báo cáo phân tích: {number}").format(number=round_.number)
    return _mail(round_, [r.agency_id for r in requests], subject, request_text(round_))


# -- the agency's side ------------------------------------------------------------------------------


def can_edit(user: User, request: Request) -> bool:
    """The agency's staff edit until they send it to the head; the head until it is sent."""
    if request.round.status != Round.Status.SENT or not own_requests(user).filter(pk=request.pk).exists():
        return False
    if request.status == Request.Status.DRAFT:
        return True
    return request.status == Request.Status.AWAITING_HEAD and is_head(user, request.agency_id)


def _store(answer: Answer, upload: UploadedFile, user: User) -> Attachment:
    name = clean_file_name(upload.name) or "tep"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size and upload.size > MAX_EVIDENCE:
        raise RoundError(_("Tệp %(name)s lớn hơn 20 MB.") % {"name": name})
    content = upload.read()
    if suffix not in ALLOWED_EVIDENCE or not content.startswith(ALLOWED_EVIDENCE[suffix]):
        raise RoundError(
            _("Tệp %(name)s: chỉ nhận PDF, DOCX, XLSX, PNG, JPG đúng định dạng.") % {"name": name}
        )
    if len(content) > MAX_EVIDENCE:
        raise RoundError(_("Tệp %(name)s lớn hơn 20 MB.") % {"name": name})
    attachment = Attachment(
        answer=answer, name=name, sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user
    )
    stored = attachment_path(attachment, name)
    if attachment.file.storage.exists(stored):  # the same bytes are already kept
        attachment.file.name = stored
    else:
        attachment.file.save(attachment.sha256, ContentFile(content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def save_answer(
    user: User,
    answer: Answer,
    *,
    causes: str,
    responsibility: str,
    solutions: str,
    files: list[UploadedFile] | None = None,
) -> Answer:
    """Save one criterion's analysis as a draft, with evidence files (nothing is kept if one is refused)."""
    if not can_edit(user, answer.request):
        raise RoundError(_("Cơ quan không sửa được báo cáo này (đã gửi, hoặc không phải của cơ quan)."))
    answer.causes = causes.strip()
    answer.responsibility = responsibility.strip()
    answer.solutions = solutions.strip()
    answer.save()
    for upload in files or []:
        _store(answer, upload, user)
    return answer


@transaction.atomic
def submit(user: User, request: Request) -> Request:
    """Send the agency's answer: every criterion needs its causes and solutions. Staff send it to the
    head when the agency has one in chiso; the head (or staff of an agency without one) sends it to
    the organiser."""
    if not can_edit(user, request):
        raise RoundError(_("Cơ quan không gửi được báo cáo này (đã gửi, hoặc không phải của cơ quan)."))
    empty = [a.criterion for a in request.answers.all() if not a.is_filled]
    if empty:
        raise RoundError(
            _("Chưa nêu nguyên nhân và giải pháp cho tiêu chí: {codes}.").format(codes=", ".join(empty))
        )
    if is_head(user, request.agency_id) or not has_head(request.agency_id):
        request.status = Request.Status.SUBMITTED
        request.submitted_at = timezone.now()
        request.submitted_by = user
    else:
        request.status = Request.Status.AWAITING_HEAD
    request.save(update_fields=["status", "submitted_at", "submitted_by"])
    return request


@transaction.atomic
def return_to_staff(user: User, request: Request) -> Request:
    """The head sends the answer back to the staff for changes."""
    if request.status != Request.Status.AWAITING_HEAD or not is_head(user, request.agency_id):
        raise RoundError(_("Chỉ thủ trưởng cơ quan trả lại được báo cáo đang chờ duyệt."))
    request.status = Request.Status.DRAFT
    request.save(update_fields=["status"])
    return request

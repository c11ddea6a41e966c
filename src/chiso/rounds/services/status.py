"""Who answered: received on time, late (sent after the deadline day), missing (not sent, deadline
passed) or still waiting; reminders; the synthesis of the answers into plan items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core.progress import Progress, no_progress
from chiso.engine.numbers import format_date
from chiso.frameworks.models import Index
from chiso.frameworks.services import framework_for
from chiso.plans.models import Plan, PlanItem
from chiso.plans.services import PlanError, add_item, plan_for
from chiso.results.subjects import national_subject
from chiso.rounds.models import Answer, Request, Round
from chiso.rounds.services.access import RoundError, require_manager
from chiso.rounds.services.rounds import _mail, request_text
from chiso.units.models import Unit

ON_TIME, LATE, MISSING, WAITING = "on_time", "late", "missing", "waiting"


def state_of(request: Request, today: date | None = None) -> str:
    """ON_TIME or LATE once sent (late: sent after the deadline day, in the installation's time
    zone); MISSING when not sent and the deadline day has passed; WAITING before."""
    deadline = request.round.deadline
    if request.status == Request.Status.SUBMITTED and request.submitted_at is not None:
        return LATE if timezone.localtime(request.submitted_at).date() > deadline else ON_TIME
    return MISSING if (today or timezone.localdate()) > deadline else WAITING


@dataclass
class StatusRow:
    request: Request
    state: str
    answered: int  # criteria with causes and solutions
    total: int


@dataclass
class RoundStatus:
    round: Round
    rows: list[StatusRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def received(self) -> int:
        return self.counts[ON_TIME] + self.counts[LATE]

    @property
    def not_sent(self) -> list[StatusRow]:
        return [row for row in self.rows if row.state in (MISSING, WAITING)]


def round_status(round_: Round, today: date | None = None) -> RoundStatus:
    """Every agency of the round with its state, in a fixed number of queries."""
    requests = list(
        round_.requests.select_related("agency", "round", "submitted_by").prefetch_related("answers")
    )
    order = {MISSING: 0, WAITING: 1, LATE: 2, ON_TIME: 3}
    rows = []
    counts = dict.fromkeys(order, 0)
    for request in requests:
        request.round = round_
        state = state_of(request, today)
        answers = request.answers.all()
        rows.append(StatusRow(request, state, sum(a.is_filled for a in answers), len(answers)))
        counts[state] += 1
    rows.sort(key=lambda r: (order[r.state], r.request.agency.name))
    return RoundStatus(round_, rows, counts)


@dataclass
class Reminded:
    agencies: list[Unit]
    emails: int


@transaction.atomic
def remind(
    round_: Round, *, user: User | None = None, send: bool = True, progress: Progress = no_progress
) -> Reminded:
    """E-mail the staff and heads of every agency that has not sent its answer (each counted as
    reminded once more). `user`, when given, must manage the round (the command line passes none)."""
    if user is not None:
        require_manager(user, round_)
    if round_.status != Round.Status.SENT:
        raise RoundError(_("Chỉ nhắc được đợt báo cáo đang chờ các cơ quan trả lời."))
    pending = [row.request for row in round_status(round_).not_sent]
    progress(0, len(pending) + 1, _("Đang nhắc các cơ quan chưa gửi báo cáo"))
    now = timezone.now()
    for request in pending:
        request.reminders += 1
        request.last_reminded = now
        request.save(update_fields=["reminders", "last_reminded"])
    emails = 0
    if send and pending:
        subject = _("[chiso] Nhắc gửi báo cáo phân tích: {number}, hạn {deadline}").format(
            number=round_.number, deadline=format_date(round_.deadline)
        )
        emails = _mail(round_, [r.agency_id for r in pending], subject, request_text(round_))
    progress(len(pending) + 1, len(pending) + 1, _("Đã nhắc {n} cơ quan").format(n=len(pending)))
    return Reminded([r.agency for r in pending], emails)


# -- synthesis --------------------------------------------------------------------------------------


def submitted_answers(round_: Round):
    """The answers of the agencies that sent theirs, by index, criterion and agency."""
    return (
        Answer.objects.filter(request__round=round_, request__status=Request.Status.SUBMITTED)
        .select_related("request__agency", "framework__index", "plan_item__lead")
        .prefetch_related("attachments")
        .order_by("framework__index__code", "criterion", "request__agency__name")
    )


def plan_of(user: User, round_: Round, index: Index) -> Plan:
    """The organiser's active plan for the index and year: its existing plan, or a new one."""
    unit = round_.organiser.unit
    if unit is None:
        raise RoundError(_("Đơn vị tổ chức chưa gắn với tỉnh hoặc huyện: không lập được kế hoạch."))
    found = (
        Plan.objects.filter(index=index, year=round_.year, unit__code=unit.code, status=Plan.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    try:
        return plan_for(national_subject(index.code, round_.year, unit.code), user)
    except LookupError:  # no published result of the unit that year: a plan without figures
        title = _("Kế hoạch cải thiện %(label)s — %(unit)s") % {
            "label": f"{index.short_name} {round_.year}",
            "unit": unit.name,
        }
        return Plan.objects.create(
            index=index,
            framework=framework_for(index, round_.year),
            year=round_.year,
            unit=unit,
            title=title,
            created_by=user,
        )


@dataclass
class Choice:
    """One answer the officer turns into a plan item."""

    answer: Answer
    actions: str
    lead: Unit | None
    deadline: date | None


@transaction.atomic
def synthesise(user: User, round_: Round, choices: list[Choice]) -> list[PlanItem]:
    """Turn the chosen answers into items of the organiser's plans (one per index); nothing is
    written if one is refused (the error names the agency and the criterion)."""
    require_manager(user, round_)
    items = []
    plans: dict[int, Plan] = {}
    for choice in choices:
        answer = choice.answer
        where = f"{answer.request.agency.name}, {answer.criterion}"
        if answer.request.round_id != round_.pk or answer.request.status != Request.Status.SUBMITTED:
            raise RoundError(_("{where}: báo cáo chưa được gửi.").format(where=where))
        if answer.plan_item_id is not None:
            raise RoundError(_("{where}: đã đưa vào kế hoạch.").format(where=where))
        index = answer.framework.index
        plan = plans.get(index.pk) or plans.setdefault(index.pk, plan_of(user, round_, index))
        try:
            item = add_item(
                user,
                plan,
                criterion=answer.criterion,
                lead=choice.lead,
                deadline=choice.deadline,
                actions=choice.actions.strip() or answer.solutions,
            )
        except PlanError as exc:
            raise RoundError(f"{answer.request.agency.name}: {exc}") from exc
        answer.plan_item = item
        answer.save(update_fields=["plan_item"])
        items.append(item)
    return items


@transaction.atomic
def close_round(user: User, round_: Round) -> Round:
    """Mark the round synthesised: agencies can no longer send."""
    require_manager(user, round_)
    if round_.status != Round.Status.SENT:
        raise RoundError(_("Chỉ kết thúc được đợt báo cáo đã gửi."))
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status"])
    return round_

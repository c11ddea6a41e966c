"""``chiso rounds``: the analysis-report round from the command line, through the rounds' services.

    chiso rounds list
    chiso rounds create --organiser CODE --number "1009/SNV-CCHC" --deadline 28/06/2022 --title … \\
        --year 2021 --index par_index --index sipas [--units CODE,…] --user OFFICER [--send]
    chiso rounds status ID
    chiso rounds remind ID [--dry-run]
    chiso rounds export ID -o tong-hop.xlsx   (or .docx: the Word report)
"""

from __future__ import annotations

import argparse

from chiso.cli.common import CommandError, django_ready
from chiso.cli.i18n import gettext as _
from chiso.cli.progress import Bar


def cmd_rounds(args: argparse.Namespace) -> str:
    django_ready()
    from chiso.rounds import services
    from chiso.rounds.models import Round

    if args.action == "list":
        return _list()
    if args.action == "create":
        return _create(args)
    if args.round_id is None:
        raise CommandError(_("Thiếu số hiệu đợt báo cáo."))
    round_ = Round.objects.select_related("organiser").filter(pk=args.round_id).first()
    if round_ is None:
        raise CommandError(_("Không có đợt báo cáo số {id}.").format(id=args.round_id))
    try:
        if args.action == "status":
            return _status(round_)
        if args.action == "remind":
            return _remind(round_, args.dry_run)
        if args.output is None:
            raise CommandError(_("Thiếu -o TỆP.xlsx."))
        word = str(args.output).lower().endswith(".docx")
        (services.export_docx if word else services.export_xlsx)(round_, str(args.output))
        return _("Đã ghi {path}.").format(path=args.output)
    except services.RoundError as exc:
        raise CommandError(str(exc)) from exc


def _list() -> str:
    from chiso.rounds.models import Round
    from chiso.rounds.services import round_status

    lines = []
    for round_ in Round.objects.select_related("organiser").order_by("-issued", "-pk"):
        status = round_status(round_)
        lines.append(
            _(
                "{id}. {number} ngày {issued} — {title}; hạn {deadline}; {state}; đã nhận {received}/{total}"
            ).format(
                id=round_.pk,
                number=round_.number,
                issued=round_.issued.strftime("%d/%m/%Y"),
                title=round_.title,
                deadline=round_.deadline.strftime("%d/%m/%Y"),
                state=round_.get_status_display(),
                received=status.received,
                total=len(status.rows),
            )
        )
    return "\n".join(lines) or _("Chưa có đợt báo cáo nào.")


def _status(round_) -> str:
    from chiso.rounds.services import LATE, MISSING, ON_TIME, WAITING, round_status, state_label

    status = round_status(round_)
    head = _(
        "{number} — hạn {deadline}: đã nhận {received}/{total} (đúng hạn {on_time}, muộn {late}); "
        "quá hạn chưa gửi {missing}; chưa gửi {waiting}"
    ).format(
        number=round_.number,
        deadline=round_.deadline.strftime("%d/%m/%Y"),
        received=status.received,
        total=len(status.rows),
        on_time=status.counts[ON_TIME],
        late=status.counts[LATE],
        missing=status.counts[MISSING],
        waiting=status.counts[WAITING],
    )
    rows = [
        f"- {row.request.agency.name}: {state_label(row.state)} ({row.answered}/{row.total})"
        for row in status.rows
    ]
    return "\n".join([head, *rows])


def _remind(round_, dry_run: bool) -> str:
    from django.db import transaction

    from chiso.rounds.services import remind

    if dry_run:
        with transaction.atomic():
            done = remind(round_, send=False)
            transaction.set_rollback(True)
        head = _("{n} cơ quan chưa gửi (chạy thử, chưa gửi thư)").format(n=len(done.agencies))
    else:
        done = remind(round_, progress=Bar(_("Nhắc các cơ quan")))
        head = _("Đã nhắc {n} cơ quan, gửi {emails} thư.").format(n=len(done.agencies), emails=done.emails)
    return "\n".join([head, *(f"- {unit.name}" for unit in done.agencies)])


def _create(args: argparse.Namespace) -> str:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from chiso.frameworks.services import IndexNotFound, find_index
    from chiso.rounds import services
    from chiso.units.organisers import OrganiserError, find_organiser

    missing = [
        flag
        for flag, value in (
            ("--organiser", args.organiser),
            ("--number", args.number),
            ("--deadline", args.deadline),
            ("--title", args.title),
            ("--year", args.year),
            ("--index", args.index),
            ("--user", args.user),
        )
        if not value
    ]
    if missing:
        raise CommandError(_("Thiếu: {flags}.").format(flags=", ".join(missing)))
    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        raise CommandError(_("Không có tài khoản {user}.").format(user=args.user))
    try:
        organiser = find_organiser(args.organiser)
        indices = [find_index(code) for code in args.index]
    except (OrganiserError, IndexNotFound) as exc:
        raise CommandError(str(exc)) from exc
    allowed = services.recipients(organiser)
    if args.units:
        codes = [c.strip() for c in args.units.split(",") if c.strip()]
        by_code = {u.code: u for u in allowed}
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise CommandError(
                _("Không phải cơ quan, đơn vị của {organiser}: {codes}.").format(
                    organiser=organiser.name, codes=", ".join(unknown)
                )
            )
        agencies = [by_code[c] for c in codes]
    else:
        agencies = [u for u in allowed if u.level in ("department", "district")]
    try:
        round_ = services.create_round(
            user,
            organiser,
            number=args.number,
            issued=args.issued or timezone.localdate(),
            deadline=args.deadline,
            title=args.title,
            year=args.year,
            indices=indices,
            agencies=agencies,
        )
        note = ""
        if args.send:
            emails = services.send_round(user, round_)
            note = " " + _("Đã gửi đề nghị; {n} thư thông báo.").format(n=emails)
    except services.RoundError as exc:
        raise CommandError(str(exc)) from exc
    return _("Đã tạo đợt báo cáo số {id} ({n} cơ quan, đơn vị).").format(id=round_.pk, n=len(agencies)) + note

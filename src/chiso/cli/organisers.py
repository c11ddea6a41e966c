"""``chiso organisers``, ``chiso users``, ``chiso cycles``: who runs indices for which units, the
accounts and roles of their people, and their cycles — the same services as the officer's pages."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from typing import Any

from chiso.cli.common import CommandError, django_ready, render_table
from chiso.cli.i18n import gettext as _
from chiso.core.text import local_moment


def _organiser(text: str) -> Any:
    from chiso.units.organisers import OrganiserError, find_organiser

    try:
        return find_organiser(text)
    except OrganiserError as exc:
        raise CommandError(str(exc)) from exc


def cmd_organisers(args: argparse.Namespace) -> str:
    """list | add CODE --name … [--unit CODE] [--parent CODE] | grant CODE --user U --role R [--unit CODE]."""
    django_ready()
    from chiso.units.models import Organiser
    from chiso.units.organisers import OrganiserError, add_member, create_organiser, territory

    try:
        if args.action == "list":
            rows = [
                [
                    o.code,
                    o.name,
                    f"{o.unit.name} ({o.unit.code})" if o.unit else _("toàn quốc"),
                    o.parent.code if o.parent else "–",
                ]
                for o in Organiser.objects.select_related("unit", "parent").order_by("pk")
            ]
            return render_table([_("Mã"), _("Tên"), _("Địa bàn"), _("Cấp trên")], rows, [False] * 4)
        if not args.code:
            raise CommandError(_("Cần mã đơn vị tổ chức."))
        if args.action == "add":
            organiser = create_organiser(
                args.code,
                args.organiser_name or "",
                name_en=args.name_en or "",
                unit=territory(args.unit) if args.unit else None,
                parent=_organiser(args.parent) if args.parent else None,
            )
            return _("Đã tạo đơn vị tổ chức {code}: {name}.").format(code=organiser.code, name=organiser.name)
        membership = add_member(_organiser(args.code), args.user or "", args.role or "", args.unit or "")
        return _("Đã giao vai trò: {membership}.").format(membership=membership)
    except OrganiserError as exc:
        raise CommandError(str(exc)) from exc


def cmd_users(args: argparse.Namespace) -> str:
    """add USERNAME [--email E] [--password-stdin]: an account (its roles: ``chiso organisers grant``)."""
    django_ready()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    users = get_user_model()
    username = args.username.strip()
    if not username:
        raise CommandError(_("Cần tên đăng nhập."))
    if users.objects.filter(username=username).exists():
        raise CommandError(_("Đã có tài khoản «{username}».").format(username=username))
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(_("Mật khẩu: "))
    else:
        password = ""
    if password:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
    user = users.objects.create_user(username, args.email or "", password or None)
    note = "" if password else " " + _("Chưa có mật khẩu: đặt trong trang quản trị.")
    return _("Đã tạo tài khoản {username}.").format(username=user.get_username()) + note


def cmd_cycles(args: argparse.Namespace) -> str:
    """list | create … | publish ID --user U | import-scores ID FILE --user U."""
    django_ready()
    if args.action == "list":
        return _list_cycles(args)
    if args.action == "create":
        return _create_cycle(args)
    if args.action == "import-scores":
        return _import_scores(args)
    return _publish(args)


def _list_cycles(args: argparse.Namespace) -> str:
    from chiso.assessments.models import Cycle

    cycles = Cycle.objects.select_related("organiser", "framework").order_by("organiser_id", "-year", "block")
    if args.organiser:
        cycles = cycles.filter(organiser=_organiser(args.organiser))
    rows = [
        [
            str(c.pk),
            c.organiser.code,
            str(c.year),
            c.block,
            c.framework.code,
            str(c.assessments.count()),
            local_moment(c.published_at, with_time=False),
        ]
        for c in cycles
    ]
    return render_table(
        [_("Số hiệu"), _("Đơn vị tổ chức"), _("Năm"), _("Khối"), _("Khung"), _("Số đơn vị"), _("Công bố")],
        rows,
        [True, False, True, False, False, True, False],
    )


def _create_cycle(args: argparse.Namespace) -> str:
    from django.db import transaction

    from chiso.assessments.models import Cycle
    from chiso.assessments.setup import create_cycle
    from chiso.frameworks.models import Framework
    from chiso.units.services import units_of_level

    missing = [
        flag
        for flag, value in (
            ("--organiser", args.organiser),
            ("--framework", args.framework),
            ("--year", args.year),
            ("--level", args.level),
            ("--block", args.block),
            ("--due", args.due),
        )
        if not value
    ]
    if missing:
        raise CommandError(_("Thiếu {flags}.").format(flags=", ".join(missing)))
    organiser = _organiser(args.organiser)
    framework = Framework.objects.filter(code=args.framework).first()
    if framework is None:
        raise CommandError(_("Không có khung tiêu chí {code}.").format(code=args.framework))
    if framework.scope != args.level:
        raise CommandError(
            _("Khung {code} dành cho cấp {scope}, không phải {level}.").format(
                code=framework.code, scope=framework.scope, level=args.level
            )
        )
    if not framework.covers(args.year):
        raise CommandError(
            _("Khung {code} không áp dụng cho năm {year}.").format(code=framework.code, year=args.year)
        )
    if Cycle.objects.filter(organiser=organiser, year=args.year, block=args.block).exists():
        raise CommandError(_("Đã có kỳ đánh giá năm {year} cho khối này.").format(year=args.year))
    units = units_of_level(args.level, date(args.year, 12, 31), organiser=organiser)
    if args.units:
        wanted = [code.strip() for code in args.units.split(",") if code.strip()]
        known = {unit.code: unit for unit in units}
        unknown = [code for code in wanted if code not in known]
        if unknown:
            raise CommandError(
                _("{organiser} không đánh giá các đơn vị: {codes}.").format(
                    organiser=organiser.name, codes=", ".join(unknown)
                )
            )
        units = [known[code] for code in wanted]
    if not units:
        raise CommandError(
            _("{organiser} chưa có đơn vị nào ở cấp {level}.").format(
                organiser=organiser.name, level=args.level
            )
        )
    with transaction.atomic():
        cycle = create_cycle(framework, args.year, args.block, units, args.due, organiser=organiser)
    return _("Đã tạo kỳ đánh giá số {id} «{name}»: {n} đơn vị.").format(
        id=cycle.pk, name=cycle.name, n=len(units)
    )


def _publish(args: argparse.Namespace) -> str:
    from django.contrib.auth import get_user_model

    from chiso.assessments import workflow
    from chiso.assessments.models import Cycle
    from chiso.core.request_context import set_actor

    cycle = Cycle.objects.filter(pk=args.cycle_id).first() if args.cycle_id else None
    if cycle is None:
        raise CommandError(_("Không có kỳ đánh giá số {id}.").format(id=args.cycle_id))
    user = get_user_model().objects.filter(username=args.user or "").first()
    if user is None:
        raise CommandError(_("Không có tài khoản «{username}».").format(username=args.user or ""))
    set_actor(user)  # the change log names the officer who published
    try:
        workflow.publish(user, cycle)
    except workflow.WorkflowError as exc:  # NotAllowed is one
        raise CommandError(str(exc)) from exc
    return _("Đã công bố kỳ đánh giá số {id} «{name}».").format(id=cycle.pk, name=cycle.name)


def _cycle_and_officer(args: argparse.Namespace) -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from chiso.assessments.models import Cycle
    from chiso.core.request_context import set_actor

    cycle = (
        Cycle.objects.select_related("framework__index").filter(pk=args.cycle_id).first()
        if args.cycle_id
        else None
    )
    if cycle is None:
        raise CommandError(_("Không có kỳ đánh giá số {id}.").format(id=args.cycle_id))
    user = get_user_model().objects.filter(username=args.user or "").first()
    if user is None:
        raise CommandError(_("Không có tài khoản «{username}».").format(username=args.user or ""))
    set_actor(user)  # the change log names the officer
    return cycle, user


def _import_scores(args: argparse.Namespace) -> str:
    """Every unit's self-assessment inputs of a cycle from one CSV/XLSX file, all or nothing."""
    from pathlib import Path

    from chiso.assessments import bulk, workflow
    from chiso.core.uploads import FileRefused

    cycle, user = _cycle_and_officer(args)
    if not args.file:
        raise CommandError(_("Thiếu tệp điểm (CSV hoặc XLSX)."))
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(_("Không đọc được tệp {name}: {error}").format(name=path.name, error=exc)) from exc
    try:
        report = bulk.import_scores(user, cycle, data, path.name)
    except FileRefused as exc:
        raise CommandError("\n".join(exc.messages)) from exc
    except workflow.WorkflowError as exc:  # ImportRefused and NotAllowed are ones
        raise CommandError(str(exc)) from exc
    return _(
        "Đã nhập điểm của {units} đơn vị vào kỳ đánh giá số {id} «{name}»: {criteria} điểm tiêu chí được ghi "
        "({rescored} điểm của đơn vị khác được tính lại theo đơn vị cao nhất)."
    ).format(
        units=report.units, id=cycle.pk, name=cycle.name, criteria=report.criteria, rescored=report.rescored
    )

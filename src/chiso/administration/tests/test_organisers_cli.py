"""The same district, from the command line: organisers add | grant, users add, cycles create |
list | publish — the services of the officer's pages."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth.models import User

from chiso.assessments.models import Cycle
from chiso.cli.main import main
from chiso.units.models import Organiser, Unit

from .test_organisers import COMMUNES, _run_to_approval, registry  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_district_from_the_command_line(capsys, monkeypatch, registry):  # noqa: F811
    code, out, err = run(
        capsys,
        "organisers",
        "add",
        "phong-noi-vu-binh-lieu",
        "--name",
        "Phòng Nội vụ huyện Bình Liêu",
        "--unit",
        "198",
    )
    assert code == 0, err
    assert Organiser.objects.get(code="phong-noi-vu-binh-lieu").unit == Unit.objects.get(
        level="district", code="198"
    )
    code, out, err = run(capsys, "organisers", "add", "phong-noi-vu-binh-lieu", "--name", "Lặp lại")
    assert code == 1 and "phong-noi-vu-binh-lieu" in err
    code, out, err = run(capsys, "organisers", "add", "x", "--name", "X", "--unit", "99999")
    assert code == 1 and "99999" in err

    for username in ("pnv_binhlieu", "thamdinh_bl", "hoidong_bl", "canbo_hm", "thutruong_hm"):
        monkeypatch.setattr("sys.stdin", io.StringIO("Mat-khau-dai-2024!\n"))
        code, out, err = run(capsys, "users", "add", username, "--password-stdin")
        assert code == 0, err
    assert User.objects.get(username="pnv_binhlieu").check_password("Mat-khau-dai-2024!")
    for username, role, unit in (
        ("pnv_binhlieu", "officer", ""),
        ("thamdinh_bl", "appraiser", ""),
        ("hoidong_bl", "council", ""),
        ("canbo_hm", "unit_staff", "06790"),
        ("thutruong_hm", "unit_head", "06790"),
    ):
        extra = ["--unit", unit] if unit else []
        code, out, err = run(
            capsys,
            "organisers",
            "grant",
            "phong-noi-vu-binh-lieu",
            "--user",
            username,
            "--role",
            role,
            *extra,
        )
        assert code == 0, err
    code, out, err = run(
        capsys,
        "organisers",
        "grant",
        "phong-noi-vu-binh-lieu",
        "--user",
        "canbo_hm",
        "--role",
        "unit_staff",
        "--unit",
        "QN.STP",
    )
    assert code == 1 and "QN.STP" in err
    code, out, _err = run(capsys, "organisers", "list")
    assert "phong-noi-vu-binh-lieu" in out and "Bình Liêu (198)" in out

    code, out, err = run(
        capsys,
        "cycles",
        "create",
        "--organiser",
        "Phòng Nội vụ huyện Bình Liêu",
        "--framework",
        "qn-cchc-xa-2025",
        "--year",
        "2024",
        "--level",
        "commune",
        "--block",
        "UBND các xã",
        "--due",
        date.today().replace(year=date.today().year + 1).strftime("%d/%m/%Y"),
    )
    assert code == 0, err
    cycle = Cycle.objects.get(organiser__code="phong-noi-vu-binh-lieu")
    assert {a.unit.code for a in cycle.assessments.select_related("unit")} == {code for code, _n in COMMUNES}
    code, out, err = run(
        capsys,
        "cycles",
        "create",
        "--organiser",
        "phong-noi-vu-binh-lieu",
        "--framework",
        "qn-cchc-so-2025",
        "--year",
        "2024",
        "--level",
        "commune",
        "--block",
        "Khác",
        "--due",
        "31/12/2030",
    )
    assert code == 1 and "department" in err  # a framework of another level is refused

    code, out, err = run(capsys, "cycles", "publish", str(cycle.pk), "--user", "pnv_binhlieu")
    assert code == 1  # not every unit is approved yet
    people = {
        "officer": User.objects.get(username="pnv_binhlieu"),
        "appraiser": User.objects.get(username="thamdinh_bl"),
        "council": User.objects.get(username="hoidong_bl"),
        "staff": User.objects.get(username="canbo_hm"),
        "head": User.objects.get(username="thutruong_hm"),
    }
    _run_to_approval(cycle, people)
    code, out, err = run(capsys, "cycles", "publish", str(cycle.pk), "--user", "thamdinh_bl")
    assert code == 1  # an appraiser does not publish
    code, out, err = run(capsys, "cycles", "publish", str(cycle.pk), "--user", "pnv_binhlieu")
    assert code == 0, err
    code, out, _err = run(capsys, "cycles", "list", "--organiser", "phong-noi-vu-binh-lieu")
    assert "UBND các xã" in out and date.today().strftime("%d/%m/%Y") in out

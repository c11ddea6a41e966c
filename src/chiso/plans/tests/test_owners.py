"""Criteria owned by any unit of the territory: a commune (a ward) leads a criterion and a plan item;
its staff see them on their home page and report each quarter with evidence; the officer sees per
agency which reports were received, late or missing; another commune's staff can neither see nor
report; the same from the command line; the unit lists stay bounded with thousands of communes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chiso.accounts.models import Role
from chiso.cli.main import main
from chiso.core.once import new_token
from chiso.frameworks.models import Framework
from chiso.plans import services
from chiso.plans.models import Frequency, PlanItem, ProgressReport, Responsibility
from chiso.plans.tests.conftest import make_user, workbook
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"
TODAY = date.today()


def cao_bang() -> Unit:
    """The province of the built-in units (code 04), valid today."""
    return Unit.objects.filter(level="province", code="04", valid_to__isnull=True).get()


@pytest.fixture
def communes(agencies):
    """Two wards of Cao Bằng (04) valid today, one that ended with the 2025 merger, one of another
    province, and a district of before 2025 with a commune of its own."""

    def make(code, name, parent="04", **dates):
        return Unit.objects.create(
            level="commune", code=code, name=name, kind="Phường", parent_code=parent, **dates
        )

    Unit.objects.create(
        level="district", code="040", name="Thành phố Cao Bằng", parent_code="04", valid_to=date(2025, 6, 30)
    )
    return {
        "thucphan": make("01273", "Phường Thục Phán"),
        "nungtricao": make("01279", "Phường Nùng Trí Cao"),
        "old": make("01240", "Phường Hợp Giang", parent="040", valid_to=date(2025, 6, 30)),
        "elsewhere": make("06688", "Phường Hạ Long", parent="22"),
    }


@pytest.fixture
def ward_staff(communes):
    return {
        "staff": make_user("canbo_thucphan", Role.UNIT_STAFF, communes["thucphan"]),
        "other": make_user("canbo_nungtricao", Role.UNIT_STAFF, communes["nungtricao"]),
    }


@pytest.fixture
def ward_item(people, agencies, communes, cao_bang_2021):
    """The ward leads d2 (poor households' list made public) in Cao Bằng's plan, quarterly reports,
    created 300 days ago: at least three quarters are past their due day."""
    plan = services.plan_for(cao_bang_2021, people["officer"])
    assert plan.report_every == Frequency.QUARTERLY
    item = services.add_item(
        people["officer"],
        plan,
        criterion="d2",
        lead=communes["thucphan"],
        supporters=[agencies["nv"]],
        deadline=TODAY + timedelta(days=200),
        actions="Niêm yết danh sách hộ nghèo tại các tổ dân phố.",
    )
    item.created = TODAY - timedelta(days=300)
    item.save(update_fields=["created"])
    services.add_task(
        people["officer"],
        item,
        title="Niêm yết danh sách hộ nghèo tại 12 tổ dân phố",
        owner=communes["thucphan"],
        due=TODAY + timedelta(days=60),
    )
    return item


def test_the_agencies_are_every_unit_of_the_territory(agencies, communes):
    province = cao_bang()
    today = set(services.agencies(province))
    assert {communes["thucphan"], communes["nungtricao"], *agencies.values()} <= today
    assert communes["old"] not in today and communes["elsewhere"] not in today  # ended; another province
    # before the merger, the district's communes are the province's too
    assert communes["old"] in set(services.agencies(province, date(2024, 6, 1)))
    assert [u.name for u in services.search_agencies("thuc phan", province)] == ["Phường Thục Phán"]
    assert [u.code for u in services.search_agencies("01279", province)] == ["01279"]


def test_a_unit_outside_the_territory_is_refused(people, communes, cao_bang_2021):
    plan = services.plan_for(cao_bang_2021, people["officer"])
    for unit in (communes["elsewhere"], communes["old"]):
        with pytest.raises(services.PlanError, match=unit.name):
            services.add_item(people["officer"], plan, criterion="d2", lead=unit, deadline=TODAY)
    framework = Framework.objects.get(code="papi-2018")
    with pytest.raises(services.PlanError, match="Phường Hạ Long"):
        services.set_responsibility(
            people["officer"], framework, "d2.1", communes["elsewhere"], [], root=plan.unit
        )


def test_a_ward_staff_sees_its_criterion_and_reports_each_quarter_with_evidence(
    client, people, communes, ward_staff, ward_item
):
    framework = Framework.objects.get(code="papi-2018")
    services.set_responsibility(
        people["officer"],
        framework,
        "d2.1",
        communes["thucphan"],
        [communes["nungtricao"]],
        root=ward_item.plan.unit,
    )
    client.force_login(ward_staff["staff"])
    home = client.get(reverse("assessments:home")).content.decode()
    assert "Cải thiện chỉ số: việc của đơn vị tôi" in home
    assert "d2.1" in home and "Niêm yết danh sách hộ nghèo tại 12 tổ dân phố" in home
    assert f"#item-{ward_item.pk}" in home and "Chưa báo cáo Quý" in home  # a past quarter is waiting
    page = client.get(reverse("plans:plan", args=[ward_item.plan_id])).content.decode()
    assert f'action="{reverse("plans:report_add", args=[ward_item.pk])}"' in page
    assert "Báo cáo tiến độ theo cơ quan, đơn vị" not in page  # the officer's table

    past = [e for e in services.schedule(ward_item) if e.due < TODAY]
    assert len(past) >= 3
    # the first quarter on time, the second after its due day, the third not at all
    for entry, sent in (
        (past[0], past[0].due - timedelta(days=2)),
        (past[1], past[1].due + timedelta(days=5)),
    ):
        response = client.post(
            reverse("plans:report_add", args=[ward_item.pk]),
            {
                f"r{ward_item.pk}-period": entry.period.key,
                f"r{ward_item.pk}-percent_done": "30",
                f"r{ward_item.pk}-text": "Đã niêm yết tại 4/12 tổ dân phố.",
                f"r{ward_item.pk}-evidence": SimpleUploadedFile(
                    "bien-ban.pdf", PDF, content_type="application/pdf"
                ),
                "once": new_token(),
            },
        )
        assert response.status_code == 302
        report = ProgressReport.objects.latest("pk")
        assert report.agency == communes["thucphan"] and report.evidence_name == "bien-ban.pdf"
        report.submitted_at = timezone.make_aware(datetime.combine(sent, time(9)))
        report.save(update_fields=["submitted_at"])

    client.force_login(people["officer"])
    page = client.get(reverse("plans:plan", args=[ward_item.plan_id])).content.decode()
    assert "Báo cáo tiến độ theo cơ quan, đơn vị" in page
    row = re.search(r'<tr class="agency-reporting">(.*?)</tr>', page, re.S)
    assert row is not None and "Phường Thục Phán" in row.group(1)
    cells = dict(re.findall(r'<td class="num (received|late|missing)[^"]*">(\d+)</td>', row.group(1)))
    assert cells == {"received": "1", "late": "1", "missing": str(len(past) - 2)}
    assert past[2].period.label in row.group(1)  # the missing quarter is named
    reporting = services.reporting_by_agency(list(PlanItem.objects.filter(pk=ward_item.pk)))
    assert [(len(r.received), len(r.late), len(r.missing)) for r in reporting] == [(1, 1, len(past) - 2)]


def test_another_wards_staff_can_neither_see_nor_report(client, ward_staff, ward_item):
    client.force_login(ward_staff["other"])
    assert client.get(reverse("plans:plan", args=[ward_item.plan_id])).status_code == 404
    home = client.get(reverse("assessments:home")).content.decode()
    assert "Cải thiện chỉ số: việc của đơn vị tôi" not in home
    period = services.reportable_periods(ward_item)[0]
    response = client.post(
        reverse("plans:report_add", args=[ward_item.pk]),
        {
            f"r{ward_item.pk}-period": period.key,
            f"r{ward_item.pk}-percent_done": "100",
            f"r{ward_item.pk}-text": "Báo cáo thay.",
            "once": new_token(),
        },
    )
    assert response.status_code == 403
    assert "Chỉ cơ quan, đơn vị được giao nội dung hoặc nhiệm vụ này" in response.content.decode()
    assert not ProgressReport.objects.exists()
    with pytest.raises(services.PlanError):
        services.submit_report(ward_staff["other"], ward_item, period=period, text="x", percent_done=1)


def test_the_unit_lists_are_bounded_and_searchable(
    client, people, agencies, communes, ward_item, django_assert_max_num_queries
):
    many = [
        Unit(level="commune", code=f"9{n:04d}", name=f"Xã Thử Nghiệm {n:04d}", parent_code="04")
        for n in range(400)
    ]
    Unit.objects.bulk_create(many)
    client.force_login(people["officer"])
    url = reverse("plans:plan", args=[ward_item.plan_id])
    with django_assert_max_num_queries(40):
        page = client.get(url).content.decode()
    # the departments are listed, the 402 communes are not — only the one chosen … and the search box
    select = re.search(r'<select name="new-lead".*?</select>', page, re.S)
    assert select is not None
    assert "Sở Nội vụ" in select.group(0) and "Xã Thử Nghiệm" not in select.group(0)
    assert select.group(0).count("<option") <= services.LISTED_PER_LEVEL + 10
    assert 'data-unit-search="/ke-hoach/don-vi/?goc=' in page
    root = re.search(r'data-unit-search="/ke-hoach/don-vi/\?goc=(\d+)"', page)
    assert root is not None
    with django_assert_max_num_queries(6):
        found = client.get(reverse("plans:unit_search"), {"goc": root.group(1), "q": "thu nghiem 012"})
    options = found.content.decode()
    assert '<optgroup label="Xã, phường, đặc khu">' in options
    assert options.count("<option") == 10  # 0120 … 0129
    # a commune found by the search is accepted as the lead of a new item
    commune = Unit.objects.get(code="90123")
    response = client.post(
        reverse("plans:item_add", args=[ward_item.plan_id]),
        {
            "new-criterion": "d5",
            "new-lead": commune.pk,
            "new-supporters": [communes["nungtricao"].pk],
            "new-deadline": "31/12/2027",
            "once": new_token(),
        },
    )
    assert response.status_code == 302
    item = PlanItem.objects.get(criterion="d5")
    assert item.lead == commune and list(item.supporters.all()) == [communes["nungtricao"]]
    # the search is the officers' (it answers the plan forms only they see)
    client.force_login(people["leader"])
    assert client.get(reverse("plans:unit_search"), {"q": "x"}).status_code == 403


def test_responsibilities_import_takes_communes_by_code_or_name(people, agencies, communes):
    framework = Framework.objects.get(code="papi-2018")
    Unit.objects.create(level="commune", code="01300", name="Phường Thục Phán", parent_code="04")  # same name
    data = workbook(
        [
            ["Mã tiêu chí", "Cơ quan chủ trì", "Cơ quan phối hợp"],
            ["d2.1", "01273", "Phường Nùng Trí Cao; CB.SNV"],
            ["d2.2", "Phường Thục Phán", ""],
            ["d2.3", "Phường Hạ Long", ""],
        ]
    )
    root = cao_bang()
    with pytest.raises(services.ResponsibilityImportError) as caught:
        services.import_responsibilities(people["officer"], framework, data, root=root)
    assert caught.value.errors == [
        "Dòng 3, cột B: “Phường Thục Phán” là tên của nhiều đơn vị (mã 01273, 01300): ghi mã đơn vị.",
        "Dòng 4, cột B: không có cơ quan “Phường Hạ Long”.",
    ]
    assert not Responsibility.objects.exists()
    data = workbook(
        [
            ["Mã tiêu chí", "Cơ quan chủ trì", "Cơ quan phối hợp"],
            ["d2.1", "01273", "Phường Nùng Trí Cao; CB.SNV"],
        ]
    )
    services.import_responsibilities(people["officer"], framework, data, root=root)
    row = Responsibility.objects.get()
    assert row.lead == communes["thucphan"]
    assert set(row.supporters.all()) == {communes["nungtricao"], agencies["nv"]}


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_same_from_the_command_line(
    capsys, tmp_path, people, agencies, communes, ward_staff, cao_bang_2021
):
    from chiso.units.models import Organiser

    Organiser.objects.create(
        code="so-noi-vu-04",
        name="Sở Nội vụ Cao Bằng",
        unit=cao_bang(),
    )
    code, out, err = run(
        capsys,
        "plans",
        "assign",
        "papi-2018",
        "d2.1",
        "--lead",
        "01273",
        "--supporter",
        "CB.SNV",
        "--user",
        "sonoivu",
    )
    assert code == 0, err
    assert "chủ trì Phường Thục Phán; phối hợp Sở Nội vụ" in out
    code, out, err = run(
        capsys, "plans", "assign", "papi-2018", "d2.2", "--lead", "06688", "--user", "sonoivu"
    )
    assert code == 1 and "06688" in err  # another province's ward
    plan = services.plan_for(cao_bang_2021, people["officer"])
    code, out, err = run(
        capsys,
        "plans",
        "add-item",
        str(plan.pk),
        "d2",
        "--lead",
        "01273",
        "--deadline",
        (TODAY + timedelta(days=200)).strftime("%d/%m/%Y"),
        "--user",
        "sonoivu",
    )
    assert code == 0, err
    item = PlanItem.objects.get(plan=plan, criterion="d2")
    assert item.lead == communes["thucphan"]
    item.created = TODAY - timedelta(days=300)
    item.save(update_fields=["created"])

    code, out, err = run(capsys, "plans", "mine", "--user", "canbo_thucphan")
    assert code == 0, err
    assert f"#{item.pk} d2" in out and "papi-2018 d2.1" in out and "không báo cáo" in out
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(PDF)
    first = next(e for e in services.schedule(item) if e.due < TODAY)
    code, out, err = run(
        capsys,
        "plans",
        "report",
        str(item.pk),
        "--user",
        "canbo_thucphan",
        "--percent",
        "40",
        "--text",
        "Đã niêm yết tại 5/12 tổ dân phố.",
        "--period",
        first.period.key,
        "--evidence",
        str(evidence),
    )
    assert code == 0, err
    report = ProgressReport.objects.get()
    assert report.agency == communes["thucphan"] and report.evidence_name == "bien-ban.pdf"
    code, out, err = run(
        capsys, "plans", "report", str(item.pk), "--user", "canbo_nungtricao", "--percent", "1", "--text", "x"
    )
    assert code == 1 and "Chỉ cơ quan được giao" in err
    assert ProgressReport.objects.count() == 1

    code, out, err = run(capsys, "plans", "status", str(plan.pk))
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("Phường Thục Phán"))
    # received late (today, long after the first quarter's due day), the other past quarters missing
    missing = len([e for e in services.schedule(item) if e.due < TODAY]) - 1
    assert line.split()[-4:-1] == ["0", "1", str(missing)]

"""The plan pages over HTTP: who sees what, what-if and targets with htmx, proposals, plans, reports,
commitments, responsibilities and the leaders' dashboard."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chiso.core.once import new_token
from chiso.plans import services
from chiso.plans.models import Commitment, Plan, PlanItem, ProgressReport, Responsibility, Task
from chiso.plans.tests.conftest import workbook

pytestmark = pytest.mark.django_db
LOSSES = "/ke-hoach/phan-tich/papi/2021/04/"
PDF = b"%PDF-1.4\n%%EOF\n"


def as_user(client, user):
    client.force_login(user)
    return client


def test_loss_analysis_is_public_for_a_national_result(client):
    response = client.get(LOSSES)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cao Bằng" in page and "39,19" in page and "58/63" in page
    assert "Quản trị điện tử" in page and "7,97" in page  # d8 lost 7,97 of 10
    # the charts are drawn on the server: no script, one dot per ranked province, Cao Bằng in red
    assert "<script" not in page.split("</header>", 1)[1].split("<footer", 1)[0]
    ranking = page.split('id="chart-ranking"', 1)[1].split("</svg>", 1)[0]
    assert ranking.count("<circle") == 60 and "Cao Bằng 58/63" in ranking
    assert re.search(r">\d+\.\d+<", ranking) is None  # ticks read "47,5", never "47.5"
    components = page.split('id="chart-components"', 1)[1].split("</svg>", 1)[0]
    assert "d8 Quản trị điện tử" in components and "Cao Bằng: 2,03" in components
    assert "Đề xuất nội dung kế hoạch" not in page  # the public cannot plan
    rows = [line for line in page.splitlines() if 'class="code"' in line]
    assert [r.split(">")[1].split("<")[0] for r in rows[:3]] == [
        "",
        "d8",
        "d8.2",
    ]  # most lost first; "total" is no code


def test_profile_links_to_the_loss_analysis(client):
    assert LOSSES in client.get("/ket-qua/papi/2021/04/").content.decode()


def test_unknown_unit_or_year_is_404(client):
    assert client.get("/ke-hoach/phan-tich/papi/2017/04/").status_code == 404
    assert client.get("/ke-hoach/phan-tich/papi/2021/999/").status_code == 404


def test_whatif(client):
    response = client.post(LOSSES + "gia-dinh/", {"v_d8": "10", "v_d1": "4,55"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "47,16" in page  # 39,19 + 7,97
    assert "58/63" in page and 'class="new-rank"' in page
    bad = client.post(LOSSES + "gia-dinh/", {"v_d8": "11"})
    assert bad.status_code == 422 and "ngoài khoảng" in bad.content.decode()
    assert client.post(LOSSES + "gia-dinh/", {"v_d8": "abc"}).status_code == 422


def test_target(client, people):
    page = client.post(LOSSES + "muc-tieu/", {"rank": "30", "e_d1": "1"}).content.decode()
    assert "Để đạt hạng 30/63 (hiện 58/63)" in page
    assert "Tạo nội dung kế hoạch" not in page  # only officers
    officer_page = (
        as_user(client, people["officer"]).post(LOSSES + "muc-tieu/", {"rank": "30"}).content.decode()
    )
    assert "Tạo nội dung kế hoạch từ phương án này" in officer_page and 'name="g_' in officer_page
    assert client.post(LOSSES + "muc-tieu/", {"rank": "99"}).status_code == 422


def test_proposals_need_an_officer(client, people):
    url = LOSSES + "de-xuat/?nguong=50"
    assert client.get(url).status_code == 302
    assert as_user(client, people["leader"]).get(url).status_code == 403


def test_officer_creates_items_with_owner_and_deadline(client, people, agencies):
    officer = as_user(client, people["officer"])
    page = officer.get(LOSSES + "de-xuat/?nguong=40").content.decode()
    assert "d8" in page and "d7" in page and "d3" in page and "Quản trị môi trường" in page
    post = {
        "nguong": "40",
        "d8-keep": "on",
        "d8-lead": agencies["tttt"].pk,
        "d8-supporters": [agencies["nv"].pk],
        "d8-deadline": "31/12/2026",
        "d8-target_points": "3,5",
        "d7-keep": "on",
        "d7-lead": agencies["tnmt"].pk,
        "d7-deadline": "",
    }
    missing = officer.post(LOSSES + "de-xuat/", {**post, "once": new_token()})
    assert missing.status_code == 422 and "Phải có thời hạn hoàn thành." in missing.content.decode()
    assert not Plan.objects.exists()
    post["d7-deadline"] = "30/06/2026"
    response = officer.post(LOSSES + "de-xuat/", {**post, "once": new_token()})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan", args=[plan.pk])
    items = {i.criterion: i for i in plan.items.all()}
    assert set(items) == {"d7", "d8"}  # d3 was not kept
    assert items["d8"].deadline == date(2026, 12, 31) and items["d8"].lead == agencies["tttt"]
    assert str(items["d8"].target_points).startswith("3.5") and items["d8"].current_points is not None
    assert list(items["d8"].supporters.all()) == [agencies["nv"]]
    assert plan.index is not None
    assert (plan.index.code, plan.year, plan.unit.code) == ("papi", 2021, "04")


def test_plan_page_permissions(client, plan, people):
    url = reverse("plans:plan", args=[plan.pk])
    assert client.get(url).status_code == 302
    assert as_user(client, people["other_staff"]).get(url).status_code == 404
    staff_page = as_user(client, people["staff"]).get(url).content.decode()
    assert "Gửi báo cáo tiến độ" in staff_page and "Giao nhiệm vụ" not in staff_page
    leader_page = as_user(client, people["leader"]).get(url).content.decode()
    assert "Sở Thông tin và Truyền thông" in leader_page and "Gửi báo cáo tiến độ" not in leader_page
    assert "Giao nhiệm vụ" not in leader_page
    officer_page = as_user(client, people["officer"]).get(url).content.decode()
    assert "Giao nhiệm vụ" in officer_page and "Thêm nội dung" in officer_page


def test_officer_adds_a_task_only_with_owner_and_due(client, plan, people, agencies):
    item = plan.items.get()
    officer = as_user(client, people["officer"])
    url = reverse("plans:task_add", args=[item.pk])
    officer.post(
        url, {f"t{item.pk}-title": "Tập huấn", f"t{item.pk}-owner": agencies["tp"].pk, "once": new_token()}
    )
    assert item.tasks.count() == 1
    officer.post(
        url,
        {
            f"t{item.pk}-title": "Tập huấn",
            f"t{item.pk}-owner": agencies["tp"].pk,
            f"t{item.pk}-due": "15/03/2026",
            "once": new_token(),
        },
    )
    assert item.tasks.filter(owner=agencies["tp"], due=date(2026, 3, 15)).exists()
    assert as_user(client, people["staff"]).post(url, {}).status_code == 403


def test_owner_reports_progress_with_evidence(client, plan, people):
    item = plan.items.get()
    period = services.reportable_periods(item)[0]
    data = {
        f"r{item.pk}-period": period.key,
        f"r{item.pk}-percent_done": "40",
        f"r{item.pk}-text": "Đã triển khai 40% thủ tục",
        f"r{item.pk}-evidence": SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"),
    }
    url = reverse("plans:report_add", args=[item.pk])
    as_user(client, people["staff"]).post(url, {**data, "once": new_token()})
    report = ProgressReport.objects.get()
    assert report.percent_done == 40 and report.evidence_name == "bao-cao.pdf"
    download = client.get(reverse("plans:report_file", args=[report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    as_user(client, people["other_staff"]).post(
        url, {**data, f"r{item.pk}-evidence": SimpleUploadedFile("x.pdf", PDF), "once": new_token()}
    )
    assert ProgressReport.objects.count() == 1
    assert client.get(reverse("plans:report_file", args=[report.pk])).status_code == 404


def test_task_status_by_owner(client, plan, people):
    task = Task.objects.get()
    as_user(client, people["staff"]).post(reverse("plans:task_status", args=[task.pk]), {"status": "done"})
    task.refresh_from_db()
    assert task.status == "done" and task.done_on == date.today()
    assert (
        as_user(client, people["leader"])
        .post(reverse("plans:task_status", args=[task.pk]), {"status": "in_progress"})
        .status_code
        == 403
    )


def test_head_signs_the_commitment(client, plan, people, agencies):
    url = reverse("plans:sign", args=[plan.pk, agencies["tttt"].pk])
    page = as_user(client, people["head"]).get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "Ký cam kết" in page
    assert as_user(client, people["staff"]).post(url).status_code == 403
    as_user(client, people["head"]).post(url)
    assert Commitment.objects.get().head == people["head"]
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "đã ký" in page and ">Ký cam kết<" not in page


def test_responsibilities_page_and_import(client, people, agencies, cao_bang_2021):
    url = reverse("plans:responsibilities", args=["papi-2018"])
    assert client.get(url).status_code == 302
    assert as_user(client, people["staff"]).get(url).status_code == 403
    assert "d8.1" in as_user(client, people["leader"]).get(url).content.decode()
    officer = as_user(client, people["officer"])
    officer.post(url, {"criterion": "d7", "lead": agencies["tnmt"].pk, "supporters": [agencies["nv"].pk]})
    assert Responsibility.objects.get(criterion="d7").lead == agencies["tnmt"]
    bad = workbook([["Mã tiêu chí", "Cơ quan chủ trì"], ["d8", "Sở Ma"]])
    officer.post(url + "nhap/", {"file": SimpleUploadedFile("pc.xlsx", bad.read())})
    page = officer.get(url).content.decode()
    assert "Dòng 2, cột B: không có cơ quan “Sở Ma”." in page
    good = workbook([["Mã tiêu chí", "Cơ quan chủ trì"], ["d8", "CB.STTTT"]])
    officer.post(url + "nhap/", {"file": SimpleUploadedFile("pc.xlsx", good.read())})
    assert Responsibility.objects.get(criterion="d8").lead == agencies["tttt"]
    assert as_user(client, people["leader"]).post(url + "nhap/", {}).status_code == 403


def test_leaders_dashboard(client, plan, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("plans:leaders")
    assert client.get(url).status_code == 302
    assert as_user(client, people["staff"]).get(url).status_code == 403
    item = plan.items.get()
    PlanItem.objects.filter(pk=item.pk).update(created=date.today() - timedelta(days=400))
    Task.objects.update(due=date.today() - timedelta(days=3))
    page = as_user(client, people["leader"]).get(url).content.decode()
    assert "Sở Thông tin và Truyền thông" in page and "Nâng cấp cổng dịch vụ công" in page
    assert 'id="chart-agencies"' in page and "Quá hạn: 1</title>" in page
    assert "Kiểm tra và gửi cảnh báo" not in page
    officer = as_user(client, people["officer"])
    officer.post(reverse("plans:escalate"))
    assert "Nhiệm vụ" in officer.get(url).content.decode()


def test_plan_list(client, plan, people):
    assert client.get(reverse("plans:list")).status_code == 302
    assert plan.title in as_user(client, people["staff"]).get(reverse("plans:list")).content.decode()
    assert (
        plan.title not in as_user(client, people["other_staff"]).get(reverse("plans:list")).content.decode()
    )


def test_an_internal_cycle_unit(client, people, agencies):
    from chiso.assessments.models import CriterionScore
    from chiso.assessments.setup import create_cycle, load_sample_frameworks

    framework = next(f for f in load_sample_frameworks() if f.scope == "department")
    units = [agencies["tttt"], agencies["tp"]]
    cycle = create_cycle(framework, 2025, "Sở, ban, ngành", units, date.today() + timedelta(days=30))
    leaves = framework.to_engine().leaves()
    for share, assessment in zip((0.9, 0.4), cycle.assessments.all(), strict=True):
        for leaf in leaves:
            assert leaf.max_points is not None
            CriterionScore.objects.update_or_create(
                assessment=assessment,
                criterion=leaf.code,
                defaults={"final_points": leaf.max_points * type(leaf.max_points)(str(share))},
            )
    weak = cycle.assessments.get(unit=agencies["tp"]).unit
    url = f"/ke-hoach/ky/{cycle.pk}/{weak.code}/"
    assert client.get(url).status_code == 403
    assert as_user(client, people["staff"]).get(url).status_code == 403  # another agency's result
    # Its own, once the cycle is published: before, every figure of the page speaks of the others too.
    assert as_user(client, people["other_staff"]).get(url).status_code == 403
    cycle.published_at = timezone.now()
    cycle.save(update_fields=["published_at"])
    assert as_user(client, people["other_staff"]).get(url).status_code == 200
    page = as_user(client, people["officer"]).get(url).content.decode()
    assert "2/2" in page and leaves[0].code in page
    proposed = client.get(url + "de-xuat/?nguong=50").content.decode()
    assert leaves[0].name_vi[:20] in proposed


def test_pages_in_english(client, plan, people, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(LOSSES).content.decode()
    assert "Points lost and how to improve" in page and "39.19" in page
    whatif = client.post(LOSSES + "gia-dinh/", {"v_d8": "10"}).content.decode()
    assert "47.16" in whatif and "up " in whatif
    plan_page = as_user(client, people["leader"]).get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "Sign the commitment" not in plan_page and "Reporting schedule" in plan_page
    assert "Improvement plans: progress" in client.get(reverse("plans:leaders")).content.decode()


# -- double submissions ------------------------------------------------------------------------------


def tokens_of(html: str) -> list[str]:
    """The one-time tokens of the forms on a page (`{% once_token %}`), each form its own."""
    found = re.findall(r'name="once" value="([^"]+)"', html)
    assert found and len(set(found)) == len(found), "the forms carry no one-time token, or share one"
    return found


def test_each_plan_form_posted_twice_creates_one_row(client, plan, people, agencies):
    """A double click, a second tab, or Back and resubmit: the same form creates its row once."""
    item = plan.items.get()
    officer = as_user(client, people["officer"])
    tokens = tokens_of(officer.get(reverse("plans:plan", args=[plan.pk])).content.decode())
    new_item = {
        "once": tokens[0],
        "new-criterion": "d7",
        "new-lead": agencies["tnmt"].pk,
        "new-deadline": "31/12/2026",
        "new-actions": "Rà soát",
    }
    for _twice in range(2):
        officer.post(reverse("plans:item_add", args=[plan.pk]), new_item)
    assert plan.items.filter(criterion="d7").count() == 1
    new_task = {
        "once": tokens[1],
        f"t{item.pk}-title": "Tập huấn",
        f"t{item.pk}-owner": agencies["tp"].pk,
        f"t{item.pk}-due": "15/03/2026",
    }
    for _twice in range(2):
        officer.post(reverse("plans:task_add", args=[item.pk]), new_task)
    assert item.tasks.filter(title="Tập huấn").count() == 1

    staff = as_user(client, people["staff"])
    report = {
        "once": tokens_of(staff.get(reverse("plans:plan", args=[plan.pk])).content.decode())[0],
        f"r{item.pk}-period": services.reportable_periods(item)[0].key,
        f"r{item.pk}-percent_done": "40",
        f"r{item.pk}-text": "Đã triển khai 40% thủ tục",
    }
    first = staff.post(reverse("plans:report_add", args=[item.pk]), report, follow=True)
    second = staff.post(reverse("plans:report_add", args=[item.pk]), report, follow=True)
    assert ProgressReport.objects.count() == 1
    assert "Đã gửi báo cáo tiến độ." in first.content.decode()
    assert "Biểu mẫu này đã được gửi" in second.content.decode()
    # Another form (a new token) is another report.
    staff.post(reverse("plans:report_add", args=[item.pk]), {**report, "once": new_token()})
    assert ProgressReport.objects.count() == 2


def test_proposals_posted_twice_add_their_items_once(client, people, agencies):
    officer = as_user(client, people["officer"])
    post = {
        "once": tokens_of(officer.get(LOSSES + "de-xuat/?nguong=40").content.decode())[0],
        "nguong": "40",
        "d8-keep": "on",
        "d8-lead": agencies["tttt"].pk,
        "d8-deadline": "31/12/2026",
    }
    for _twice in range(2):
        assert officer.post(LOSSES + "de-xuat/", post).status_code == 302
    assert PlanItem.objects.filter(criterion="d8").count() == 1


def test_a_form_without_its_token_creates_nothing(client, plan, people, agencies):
    item = plan.items.get()
    response = as_user(client, people["officer"]).post(
        reverse("plans:task_add", args=[item.pk]),
        {
            f"t{item.pk}-title": "Tập huấn",
            f"t{item.pk}-owner": agencies["tp"].pk,
            f"t{item.pk}-due": "15/03/2026",
        },
    )
    assert response.status_code == 400 and not item.tasks.filter(title="Tập huấn").exists()

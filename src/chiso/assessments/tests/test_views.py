"""The assessment pages over HTTP: each page, each action, live points, evidence, stale edits,
the audit log, results, Excel and publication."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chiso.assessments import workflow
from chiso.assessments.models import AuditEntry, Evidence, State
from chiso.assessments.tests.helpers import PDF, fill_self_assessment, version, version_of
from chiso.core.once import new_token

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def justice(cycle):
    return cycle.assessments.get(unit__code="QN.STP")


def health(cycle):
    return cycle.assessments.get(unit__code="QN.SYT")


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def approve_all(cycle, people):
    pairs = ((justice(cycle), "staff", "head", "90"), (health(cycle), "other_staff", "other_head", "70"))
    for assessment, staff, head, survey in pairs:
        fill_self_assessment(people[staff], assessment, with_evidence=False)
        workflow.head_approve(people[head], assessment)
        workflow.set_appraised(
            people["appraiser"],
            assessment,
            "4.1",
            "2",
            "Thiếu báo cáo quý IV",
            expected_version=version(assessment, "4.1"),
        )
        workflow.send_appraisal(people["appraiser"], assessment)
        for code in ("8.1", "8.2"):
            workflow.set_survey_index(
                people["officer"], assessment, code, survey, expected_version=version(assessment, code)
            )
        workflow.send_to_council(people["officer"], assessment)
        workflow.council_approve(people["council"], assessment)


# -- signing in ------------------------------------------------------------------------------------


def test_sign_in_and_out(client, people):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200 and "Tên đăng nhập" in page.text
    wrong = client.post(reverse("accounts:login"), {"username": "canbo_stp", "password": "sai"})
    assert "không đúng" in wrong.text
    response = client.post(reverse("accounts:login"), {"username": "canbo_stp", "password": "pw"})
    assert response.status_code == 302 and response.url == url("home")
    home = client.get(url("home"))
    assert "Cán bộ đơn vị — Sở Tư pháp" in home.text  # the who-am-I badge
    assert client.get(reverse("accounts:logout")).status_code == 405  # sign out is a POST
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(url("home")).status_code == 302


def test_pages_need_sign_in(client, cycle):
    a = justice(cycle)
    for address in (url("home"), url("assessment", a.pk), url("cycle", cycle.pk), url("results", cycle.pk)):
        response = client.get(address)
        assert response.status_code == 302 and reverse("accounts:login") in response.url


# -- work lists ------------------------------------------------------------------------------------


def test_work_list_by_role(client, cycle, people):
    client.force_login(people["staff"])
    page = client.get(url("home")).text
    assert "Sở Tư pháp" in page and "Sở Y tế" not in page and "Tự đánh giá" in page
    assert "Các kỳ đánh giá" not in page

    fill_self_assessment(people["staff"], justice(cycle))
    workflow.head_approve(people["head"], justice(cycle))
    client.force_login(people["appraiser"])
    page = client.get(url("home")).text
    assert "Thẩm định" in page and "Sở Tư pháp" in page and "Các kỳ đánh giá" in page

    client.force_login(people["council"])
    assert "Sở Tư pháp" not in client.get(url("home")).context["todo"].__repr__()

    client.force_login(people["leader"])
    response = client.get(url("home"))
    assert response.context["todo"] == [] and len(response.context["cycles"]) == 1


def test_officer_sees_the_admin_menu_only_when_it_exists(client, people):
    client.force_login(people["officer"])
    page = client.get(url("home")).text
    client.force_login(people["staff"])
    assert "Điều hành" not in client.get(url("home")).text
    try:
        dashboard = reverse("administration:dashboard")
    except Exception:
        dashboard = None
    assert (dashboard in page) if dashboard else ("Điều hành" not in page)


def test_cycle_page_lists_units_for_inside_roles_only(client, cycle, people):
    client.force_login(people["leader"])
    page = client.get(url("cycle", cycle.pk))
    assert page.status_code == 200 and "Sở Tư pháp" in page.text and "Sở Y tế" in page.text
    filtered = client.get(url("cycle", cycle.pk) + "?trang-thai=approved")
    assert "Không có đơn vị nào" in filtered.text
    client.force_login(people["staff"])
    assert client.get(url("cycle", cycle.pk)).status_code == 404


# -- the assessment page -----------------------------------------------------------------------------


def test_assessment_page_shows_the_inputs_each_rule_needs(client, cycle, people):
    client.force_login(people["staff"])
    page = client.get(url("assessment", justice(cycle).pk)).text
    assert 'name="numerator"' in page and 'name="denominator"' in page  # proportional (3.1)
    assert "Ban hành kịp thời" in page and '<select name="choice">' in page  # choice (1.1)
    assert 'type="checkbox" name="done" value="ke_hoach"' in page  # checklist (1.4)
    assert 'name="occurrences"' in page  # no_occurrence_full (5.2)
    assert "Tiêu chí chấm qua điều tra xã hội học" in page  # survey criteria are read-only
    assert "Gửi thủ trưởng phê duyệt" in page
    assert "Còn 17 tiêu chí cần hoàn thành" in page or "tiêu chí cần hoàn thành" in page


def test_preview_computes_points_without_saving(client, cycle, people):
    a = justice(cycle)
    client.force_login(people["staff"])
    response = client.post(url("preview", a.pk, "3.1"), {"numerator": "950", "denominator": "1000"}, **HTMX)
    assert response.status_code == 200 and "7,60" in response.text
    bad = client.post(url("preview", a.pk, "3.1"), {"numerator": "950", "denominator": "x"}, **HTMX)
    assert "Tổng số" in bad.text and "không phải số" in bad.text
    assert not a.scores.exists() and not AuditEntry.objects.exists()


def test_save_returns_the_row_with_totals_and_is_audited(client, cycle, people):
    a = justice(cycle)
    client.force_login(people["staff"])
    response = client.post(
        url("save_self", a.pk, "3.1"),
        {"numerator": "950", "denominator": "1000", "note": "Theo sổ theo dõi", "version": "0"},
        **HTMX,
    )
    assert response.status_code == 200
    assert 'id="tc-3-1"' in response.text and "Đã lưu" in response.text
    assert (
        'id="sum-3" hx-swap-oob="true"' in response.text and 'id="totals" hx-swap-oob="true"' in response.text
    )
    row = a.scores.get(criterion="3.1")
    assert row.self_points == Decimal("7.6") and row.self_note == "Theo sổ theo dõi"
    assert AuditEntry.objects.filter(assessment=a, criterion="3.1", action="self_score").count() == 1
    checklist = client.post(
        url("save_self", a.pk, "1.4"), {"done": ["ke_hoach", "xu_ly"], "version": "0"}, **HTMX
    )
    assert checklist.status_code == 200 and a.scores.get(criterion="1.4").self_points == 3


def test_save_without_htmx_redirects_with_a_message(client, cycle, people):
    a = justice(cycle)
    client.force_login(people["staff"])
    response = client.post(url("save_self", a.pk, "1.1"), {"choice": "kip_thoi", "version": "0"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(url("assessment", a.pk))
    assert "Đã lưu tiêu chí 1.1" in response.text


def test_invalid_input_comes_back_with_the_reason(client, cycle, people):
    a = justice(cycle)
    client.force_login(people["staff"])
    response = client.post(url("save_self", a.pk, "4.1"), {"points": "9", "version": "0"}, **HTMX)
    assert response.status_code == 422 and "vượt điểm tối đa" in response.text
    assert 'value="9"' in response.text  # what was typed is kept
    assert not a.scores.exists()


def test_stale_edit_shows_both_values_and_overwrites_nothing(client, cycle, people):
    a = justice(cycle)
    workflow.save_self_score(people["staff"], a, "4.1", {"points": "3"}, expected_version=0)  # 1: page opens
    workflow.save_self_score(people["head"], a, "4.1", {"points": "3.5"}, expected_version=1)  # 2: head saves
    client.force_login(people["staff"])
    response = client.post(url("save_self", a.pk, "4.1"), {"points": "2", "version": "1"}, **HTMX)
    assert response.status_code == 409
    text = response.text
    assert "thutruong_stp" in text and "3,50" in text and "2,00" in text
    assert 'class="conflict"' in text and 'name="version" value="2"' in text and 'value="2"' in text
    assert a.scores.get(criterion="4.1").self_points == Decimal("3.5")
    # Without htmx: a message with both values, and still nothing overwritten.
    page = client.post(url("save_self", a.pk, "4.1"), {"points": "2", "version": "1"}, follow=True)
    assert "3,50" in page.text and "2,00" in page.text
    assert a.scores.get(criterion="4.1").self_points == Decimal("3.5")
    # Saving knowingly against the current version goes through.
    client.post(url("save_self", a.pk, "4.1"), {"points": "2", "version": "2"}, **HTMX)
    assert a.scores.get(criterion="4.1").self_points == Decimal(2)


def test_evidence_upload_download_and_removal(client, cycle, people):
    a = justice(cycle)
    client.force_login(people["staff"])
    upload = SimpleUploadedFile("Báo cáo CCHC.pdf", PDF, content_type="application/pdf")
    response = client.post(url("upload", a.pk, "3.2"), {"file": upload, "once": new_token()}, **HTMX)
    assert response.status_code == 200 and "Báo cáo CCHC.pdf" in response.text
    evidence = Evidence.objects.get(assessment=a)
    download = client.get(url("evidence", a.pk, evidence.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "B%C3%A1o%20c%C3%A1o%20CCHC.pdf" in download["Content-Disposition"]
    fake = SimpleUploadedFile("virus.exe", b"MZ")
    refused = client.post(url("upload", a.pk, "3.2"), {"file": fake, "once": new_token()}, **HTMX)
    assert refused.status_code == 422 and "chỉ nhận" in refused.text
    removed = client.post(url("remove_evidence", a.pk, evidence.pk), **HTMX)
    assert removed.status_code == 200 and "Báo cáo CCHC.pdf" not in removed.text
    evidence.refresh_from_db()
    assert evidence.removed

    client.force_login(people["other_staff"])
    assert client.get(url("evidence", a.pk, evidence.pk)).status_code == 404
    client.force_login(people["appraiser"])
    assert client.get(url("evidence", a.pk, evidence.pk)).status_code == 200


def test_submission_needs_everything_and_says_what_is_missing(client, cycle, people):
    a = justice(cycle)
    client.force_login(people["staff"])
    response = client.post(url("transition", a.pk, "send_to_head"), {"version": version_of(a)}, follow=True)
    assert "Chưa thể gửi" in response.text and "1.1" in response.text
    a.refresh_from_db()
    assert a.state == State.DRAFT


def test_the_whole_cycle_over_http(client, cycle, people):
    a = justice(cycle)
    fill_self_assessment(people["staff"], a)

    client.force_login(people["staff"])
    assert client.post(url("transition", a.pk, "send_to_head"), {"version": version_of(a)}).status_code == 302
    a.refresh_from_db()
    assert a.state == State.AWAITING_HEAD
    page = client.get(url("assessment", a.pk)).text
    assert "Rút lại để chỉnh sửa" in page and 'name="numerator"' not in page  # locked for editing

    client.force_login(people["head"])
    client.post(url("transition", a.pk, "head_approve"), {"version": version_of(a)})
    a.refresh_from_db()
    assert a.state == State.SUBMITTED and a.head_approved_by == people["head"]

    client.force_login(people["staff"])
    no_reason = client.post(
        url("transition", a.pk, "withdraw"), {"version": version_of(a), "reason": ""}, follow=True
    )
    assert "Cần nêu lý do" in no_reason.text
    client.post(
        url("transition", a.pk, "withdraw"), {"version": version_of(a), "reason": "Bổ sung tài liệu 3.2"}
    )
    a.refresh_from_db()
    assert a.state == State.DRAFT
    client.force_login(people["head"])
    client.post(url("transition", a.pk, "head_approve"), {"version": version_of(a)})

    client.force_login(people["appraiser"])
    page = client.get(url("assessment", a.pk)).text
    assert 'name="appraised_points"' in page and "Lý do điều chỉnh" in page
    row = a.scores.get(criterion="3.2")
    missing_reason = client.post(
        url("appraise", a.pk, "3.2"), {"appraised_points": "2", "reason": "", "version": row.version}, **HTMX
    )
    assert missing_reason.status_code == 422 and "lý do" in missing_reason.text
    ok = client.post(
        url("appraise", a.pk, "3.2"),
        {"appraised_points": "2", "reason": "Chưa công khai 3 thủ tục mới", "version": row.version},
        **HTMX,
    )
    assert ok.status_code == 200
    client.post(url("transition", a.pk, "send_appraisal"), {"version": version_of(a)})
    a.refresh_from_db()
    assert a.state == State.APPRAISED and a.round == 1

    client.force_login(people["staff"])
    page = client.get(url("assessment", a.pk)).text
    assert "crit-differs" in page and "Chưa công khai 3 thủ tục mới" in page and "Chênh lệch" in page
    response = client.post(
        url("explain", a.pk, "3.2"), {"text": "Đã công khai ngày 15/12.", "once": new_token()}, **HTMX
    )
    assert response.status_code == 200 and "Đã công khai ngày 15/12." in response.text
    client.post(url("transition", a.pk, "finish_explanation"), {"version": version_of(a)})
    a.refresh_from_db()
    assert a.state == State.EXPLAINED

    for code in ("8.1", "8.2"):
        workflow.set_survey_index(people["officer"], a, code, "80", expected_version=version(a, code))
    client.force_login(people["appraiser"])
    client.post(url("transition", a.pk, "send_to_council"), {"version": version_of(a)})
    client.force_login(people["council"])
    client.post(url("transition", a.pk, "council_approve"), {"version": version_of(a)})
    a.refresh_from_db()
    assert a.state == State.APPROVED
    page = client.get(url("assessment", a.pk)).text
    assert "Điểm chính thức" in page and "Chính thức" in page

    client.force_login(people["officer"])
    client.post(url("transition", a.pk, "reopen"), {"version": version_of(a), "reason": "Sai sót ở 3.1"})
    a.refresh_from_db()
    assert a.state == State.UNDER_APPRAISAL
    assert AuditEntry.objects.get(assessment=a, action="reopen").reason == "Sai sót ở 3.1"


def test_audit_panel_and_page(client, cycle, people):
    a = justice(cycle)
    workflow.save_self_score(people["staff"], a, "4.1", {"points": "3"}, expected_version=0)
    workflow.save_self_score(
        people["head"], a, "4.1", {"points": "3,5"}, note="Đã rà soát", expected_version=1
    )
    client.force_login(people["staff"])
    panel = client.get(url("criterion_audit", a.pk, "4.1"), **HTMX)
    assert panel.status_code == 200
    assert "Tự chấm điểm" in panel.text and "thutruong_stp" in panel.text
    assert "3,00 điểm" in panel.text and "3,50 điểm" in panel.text
    assert "/" in panel.text.split("<td")[1]  # a date dd/mm/yyyy
    page = client.get(url("audit", a.pk) + "?nguoi=thutruong_stp")
    assert page.status_code == 200 and page.context["count"] == 1
    assert client.get(url("audit", a.pk) + "?tieu-chi=1.1").context["count"] == 0
    client.force_login(people["other_staff"])
    assert client.get(url("audit", a.pk)).status_code == 404
    assert client.get(url("criterion_audit", a.pk, "4.1"), **HTMX).status_code == 404


# -- results --------------------------------------------------------------------------------------


def test_results_export_publish_and_the_public_page(client, cycle, people):
    approve_all(cycle, people)
    client.force_login(people["appraiser"])
    page = client.get(url("results", cycle.pk))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r["name"] for r in rows] == ["Sở Tư pháp", "Sở Y tế"]
    assert [r["rank"] for r in rows] == ["1/2", "2/2"]
    assert "Công bố kết quả" not in page.text  # only officers publish
    assert client.post(url("publish", cycle.pk)).status_code == 403
    assert client.get(url("published", cycle.pk)).status_code == 404

    unit = client.get(url("results_unit", cycle.pk, "QN.STP"))
    assert unit.status_code == 200 and "1/2" in unit.text and "4.1" in unit.text

    workbook = client.get(url("export", cycle.pk))
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join([workbook.content])))
    sheet = book["Xếp hạng"]
    assert [c.value for c in sheet[3]][:5] == ["Hạng", "Xếp hạng (x/N)", "Mã đơn vị", "Đơn vị", "Tổng điểm"]
    first = [c.value for c in sheet[4]]
    assert first[0] == 1 and first[1] == "1/2" and first[3] == "Sở Tư pháp"
    from chiso.assessments.scoring import FINAL, stage_tree

    total = stage_tree(justice(cycle), FINAL)["total"].points
    assert total is not None
    assert first[4] == pytest.approx(float(round(total, 2))) and sheet.cell(4, 5).number_format == "0.00"
    detail = book["Chi tiết tiêu chí"]
    codes = [detail.cell(r, 1).value for r in range(2, detail.max_row + 1)]
    row_41 = codes.index("4.1") + 2
    assert detail.cell(row_41, 4).value == 2.0  # Sở Tư pháp (alphabetical first), appraised 2

    client.force_login(people["officer"])
    assert "Công bố kết quả" in client.get(url("results", cycle.pk)).text
    response = client.post(url("publish", cycle.pk))
    assert response.status_code == 302 and response.url == url("published", cycle.pk)
    cycle.refresh_from_db()
    assert cycle.is_published

    client.logout()
    public = client.get(url("published", cycle.pk))
    assert public.status_code == 200 and "Sở Tư pháp" in public.text and "1/2" in public.text
    # the field columns are headed by their names, not "1 2 …"; the bars start near the lowest total
    first_field = public.context["framework"].root.children[0]
    assert f">{first_field.name_vi[:21]}" in public.text
    floor = public.context["bar_from"]
    assert f">{floor}–{public.context['max_points']}</small>" in public.text
    assert client.get(url("published_unit", cycle.pk, "QN.SYT")).status_code == 200
    assert client.get(url("published_export", cycle.pk)).status_code == 200
    assert cycle.name in client.get(url("published_list")).text


def test_league_bars_start_near_the_lowest_total():
    from chiso.assessments.views.results import bar, bar_floor

    assert bar_floor(Decimal("82.4"), Decimal("100")) == 80
    assert bar(Decimal("82"), Decimal("100"), Decimal("80")) == 10
    assert bar(Decimal("91"), Decimal("100"), Decimal("80")) == 55  # 82 and 91 no longer look alike
    assert bar_floor(Decimal("12"), Decimal("100")) == 0  # spread over the scale: from zero
    assert bar_floor(None, Decimal("100")) == 0 and bar(None, Decimal("100")) == 0


def test_unpublished_cycles_are_not_public(client, cycle, people):
    assert client.get(url("published", cycle.pk)).status_code == 404
    assert client.get(url("published_unit", cycle.pk, "QN.STP")).status_code == 404
    assert client.get(url("published_export", cycle.pk)).status_code == 404
    assert cycle.name not in client.get(url("published_list")).text


def test_publishing_before_approval_is_refused_with_the_reason(client, cycle, people):
    client.force_login(people["officer"])
    response = client.post(url("publish", cycle.pk), follow=True)
    assert "chưa được phê duyệt" in response.text
    cycle.refresh_from_db()
    assert not cycle.is_published


def test_english_pages(client, cycle, people, settings):
    client.force_login(people["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url("assessment", justice(cycle).pk)).text
    assert "Save criterion" in page and "Evidence" in page


def test_refusal_comes_before_input_checks(client, cycle, people):
    """Someone who may not withdraw or reopen is told so (403), not asked for a reason."""
    a = justice(cycle)
    fill_self_assessment(people["staff"], a)
    workflow.head_approve(people["head"], a)
    client.force_login(people["appraiser"])
    assert (
        client.post(url("transition", a.pk, "withdraw"), {"version": version_of(a), "reason": ""}).status_code
        == 403
    )
    workflow.send_appraisal(people["appraiser"], a)
    workflow.send_to_council(people["officer"], a)
    workflow.council_approve(people["council"], a)
    assert (
        client.post(url("transition", a.pk, "reopen"), {"version": version_of(a), "reason": ""}).status_code
        == 403
    )
    a.refresh_from_db()
    assert a.state == State.APPROVED


def test_an_incomplete_draft_is_refused_to_the_wrong_people_first(client, cycle, people):
    a = justice(cycle)
    client.force_login(people["appraiser"])
    assert client.post(url("transition", a.pk, "send_to_head"), {"version": version_of(a)}).status_code == 403
    assert client.post(url("transition", a.pk, "head_approve"), {"version": version_of(a)}).status_code == 403
    client.force_login(people["staff"])
    assert (
        client.post(url("transition", a.pk, "send_to_head"), {"version": version_of(a)}).status_code == 302
    )  # told what is missing

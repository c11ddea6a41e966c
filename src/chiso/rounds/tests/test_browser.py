"""End-to-end in Debian's chromium: the officer creates and sends a round, the agency's staff answer
with evidence and the head approves, the officer sees who answered and turns an answer into a plan
item — on a laptop and on a phone. Screenshots go to test-artifacts/.

Run with `pytest -m browser`.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from chiso.plans.tests.test_browser import shoot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEADLINE = date.today() + timedelta(days=14)
DUE = date.today() + timedelta(days=180)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(live_server, settings, tmp_path):
    from chiso.bootstrap import ensure_ready

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_ready(out=io.StringIO())
    from chiso.rounds.tests.conftest import make_world

    make_world()
    return live_server.url


def test_a_round_from_request_to_synthesis(site, browser, tmp_path):
    from chiso.plans.models import PlanItem
    from chiso.rounds.models import Request, Round

    officer = signed_in(browser, site, "sonoivu_cb", viewport={"width": 1366, "height": 900})
    page = officer.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(site + "/dot-bao-cao/moi/")
    page.fill("input[name=number]", "1009/SNV-CCHC&VTLT")
    page.fill("input[name=deadline]", DEADLINE.strftime("%d/%m/%Y"))
    page.fill("input[name=title]", "Phân tích nguyên nhân, giải pháp cải thiện Chỉ số PAPI năm 2021")
    page.fill("input[name=year]", "2021")
    page.get_by_label("PAPI", exact=True).check()
    page.get_by_label("Sở Tư pháp").uncheck()
    shoot(page, "rounds-new")
    page.get_by_role("button", name="Tạo dự thảo").click()
    assert "Đã tạo dự thảo" in page.content()
    assert page.locator("#agencies tbody tr").count() == 2  # the two departments and districts chosen
    page.locator("tr[data-agency='CB.H1'] input[type=text]").fill("d3, d5")
    page.locator("tr[data-agency='CB.H1'] button").click()
    assert "Huyện Thử Nghiệm: 2 tiêu chí" in page.content()
    shoot(page, "rounds-draft")
    page.get_by_role("button", name="Gửi đề nghị").click()
    assert "Đã gửi đề nghị" in page.content()
    round_ = Round.objects.get()
    assert round_.status == Round.Status.SENT

    staff = signed_in(browser, site, "canbo_tttt", viewport=PHONE)
    phone = staff.new_page()
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(site + "/dot-bao-cao/")
    phone.get_by_role("link", name="1009/SNV-CCHC&VTLT").click()
    answer = phone.locator("article.answer").first
    answer.locator("textarea").nth(0).fill("Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.")
    answer.locator("textarea").nth(1).fill("Phòng Bưu chính, Viễn thông và Công nghệ thông tin.")
    answer.locator("textarea").nth(2).fill(
        "Nâng cấp Cổng dịch vụ công; hỗ trợ người dân tại bộ phận một cửa."
    )
    evidence = tmp_path / "minh-chung.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    answer.locator("input[type=file]").set_input_files(str(evidence))
    answer.get_by_role("button", name="Lưu nháp").click()
    assert "Đã lưu phân tích tiêu chí d8" in phone.content()
    assert phone.get_by_role("link", name="minh-chung.pdf").count() == 1
    shoot(phone, "rounds-agency-answer-phone")
    phone.get_by_role("button", name="Gửi báo cáo").click()
    assert "Đã trình thủ trưởng duyệt" in phone.content()

    head = signed_in(browser, site, "giamdoc_tttt", viewport=PHONE)
    head_page = head.new_page()
    head_page.on("dialog", lambda dialog: dialog.accept())
    request = Request.objects.get(round=round_, agency__code="CB.STTTT")
    head_page.goto(site + f"/dot-bao-cao/yeu-cau/{request.pk}/")
    head_page.get_by_role("button", name="Duyệt và gửi báo cáo").click()
    assert "Đã gửi báo cáo phân tích tới Sở Nội vụ tỉnh Cao Bằng" in head_page.content()
    shoot(head_page, "rounds-agency-sent-phone")

    page.goto(site + f"/dot-bao-cao/{round_.pk}/")
    assert page.locator("#count-received").inner_text().startswith("1")
    assert page.locator("#count-missing").inner_text() == "1"
    assert "Đã gửi đúng hạn" in page.locator("tr[data-agency='CB.STTTT']").inner_text()
    shoot(page, "rounds-status")
    page.get_by_role("link", name="Tổng hợp vào kế hoạch").click()
    card = page.locator("article.answer").first
    card.get_by_label("Đưa vào kế hoạch").check()
    card.locator("input[name^=han-]").fill(DUE.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Đưa các nội dung đã chọn vào kế hoạch").click()
    assert "Đã đưa 1 nội dung vào kế hoạch cải thiện" in page.content()
    shoot(page, "rounds-synthesis")
    item = PlanItem.objects.get()
    assert (item.criterion, item.lead.code, item.deadline) == ("d8", "CB.STTTT", DUE)

    officer_phone = signed_in(browser, site, "sonoivu_cb", viewport=PHONE).new_page()
    officer_phone.goto(site + f"/dot-bao-cao/{round_.pk}/")
    shoot(officer_phone, "rounds-status-phone")
    width = officer_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width

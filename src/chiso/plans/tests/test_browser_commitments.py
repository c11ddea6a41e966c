"""End-to-end in Debian's chromium: an agency prints its commitment and uploads the signed scan;
the leader opens the scorecard (phone width). Screenshots go to test-artifacts/. `pytest -m browser`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chiso.plans.tests.test_browser import ARTIFACTS, signed_in, site  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_print_upload_and_scorecard(browser, site, tmp_path):  # noqa: F811
    from chiso.accounts.models import Role
    from chiso.plans import services
    from chiso.plans.models import Commitment
    from chiso.plans.tests.conftest import make_user
    from chiso.units.models import Unit

    tttt = Unit.objects.get(code="CB.STTTT")
    make_user("canbo_tttt", Role.UNIT_STAFF, tttt)
    officer = services.national_subject("papi", 2021, "04")
    from django.contrib.auth.models import User

    plan = services.plan_for(officer, User.objects.get(username="sonoivu"))
    item = services.add_item(
        User.objects.get(username="sonoivu"),
        plan,
        criterion="d8",
        lead=tttt,
        supporters=[Unit.objects.get(code="CB.SNV")],
        deadline=date.today() + timedelta(days=200),
        actions="Đưa 100% thủ tục lên dịch vụ công trực tuyến toàn trình.",
    )
    services.add_task(
        User.objects.get(username="sonoivu"),
        item,
        title="Nâng cấp cổng",
        owner=tttt,
        due=date.today() - timedelta(days=3),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    context = signed_in(
        browser, site, "canbo_tttt", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{site}/ke-hoach/{plan.pk}/#commitments")
    with page.expect_download() as download:
        page.get_by_role("link", name="In bản cam kết (Word)").click()
    assert download.value.suggested_filename == "ban-cam-ket-2021-CB.STTTT.docx"
    scan = tmp_path / "da-ky.pdf"
    scan.write_bytes(b"%PDF-1.4\n%scan\n")
    page.get_by_text("Tải bản đã ký").click()
    page.set_input_files("input[name=scan]", str(scan))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    assert "đã ký trên giấy" in page.content()
    page.locator("#commitments").screenshot(path=str(ARTIFACTS / "plans-commitment-scan-phone.png"))
    assert Commitment.objects.get(agency=tttt).method == Commitment.Method.PAPER
    context.close()
    context = signed_in(browser, site, "lanhdao", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/ke-hoach/{plan.pk}/danh-gia/")
    assert "Sở Thông tin và Truyền thông" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "plans-scorecard-phone.png"), full_page=True)
    context.close()

"""The demo through Debian's chromium, as every demo account: sign in through the login form, open
the pages the role uses, check each answers without a server error and shows its Vietnamese title,
and that a page of another unit (or of another role) is refused. The officer also imports the
synthetic sample survey file: the row-level report, then "import only the valid rows".

One test that loops over the accounts, because `seed_demo` takes seconds and a transactional test
database is emptied after each test. Screenshots: test-artifacts/demo-<user>.png.

Run with `pytest -m browser`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
LAPTOP = {"width": 1366, "height": 900}
REFUSED = (403, 404)


@dataclass
class Visit:
    """The pages one account opens: (path, words of the title) and the paths it must be refused."""

    pages: list[tuple[str, str]]
    refused: list[str] = field(default_factory=list)
    shot: str = "/danh-gia/"  # the page of the screenshot


def visits(urls: dict) -> dict[str, Visit]:
    from chiso.demo.plans import PLAN_TITLE

    work = ("/danh-gia/", "Công việc đánh giá")
    public = ("/danh-gia/cong-bo/", "Chỉ số của tỉnh")
    surveys = ("/khao-sat/", "Khảo sát")
    plans = ("/ke-hoach/", "Kế hoạch cải thiện")
    plan = (urls["plan"], PLAN_TITLE)
    leaders = ("/ke-hoach/lanh-dao/", "Bảng theo dõi của lãnh đạo")
    dashboard = ("/dieu-hanh/", "Điều hành kỳ đánh giá")
    results = (urls["results_2024"], "Kết quả khảo sát")
    inside = [work, (urls["cycle"], "Chỉ số CCHC các sở, ban, ngành năm 2025"), surveys, results, public]
    found = {
        "admin": Visit([*inside, dashboard, plans, plan, leaders], shot="/dieu-hanh/"),
        "sonoivu": Visit([*inside, dashboard, plans, plan, leaders], shot="/dieu-hanh/"),
        "thamdinh": Visit([*inside, (urls["stc"], "Sở Tài chính")], ["/dieu-hanh/", leaders[0]], urls["stc"]),
        "hoidong": Visit(
            [*inside, (urls["skhcn"], "Sở Khoa học và Công nghệ")], ["/dieu-hanh/", leaders[0]], urls["skhcn"]
        ),
        "lanhdao": Visit([*inside, plans, plan, leaders], ["/dieu-hanh/"], leaders[0]),
    }
    for user, own, other, has_plan in (
        ("sotuphap", (urls["stp"], "Sở Tư pháp"), urls["syt"], True),
        ("soyte", (urls["syt"], "Sở Y tế"), urls["stp"], True),
        # the ward leads an item of the province's plan and Vân Đồn supports it: both may open it
        ("halong", (urls["halong"], "Phường Hạ Long"), urls["vandon"], True),
        ("vandon", (urls["vandon"], "Đặc khu Vân Đồn"), urls["halong"], True),
    ):
        pages = [work, own, surveys, plans, public] + ([plan] if has_plan else [])
        refused = [other, "/dieu-hanh/", leaders[0]] + ([] if has_plan else [urls["plan"]])
        for prefix in ("canbo", "thutruong"):
            shot = urls["plan"] if prefix == "thutruong" and has_plan else own[0]
            found[f"{prefix}_{user}"] = Visit(pages, refused, shot)
    return found


def sign_in(browser, site: str, username: str):
    from chiso.demo.people import DEMO_PASSWORD

    context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
    page = context.new_page()
    page.goto(site + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/danh-gia/")
    return context, page


def shoot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def import_sample(page, site: str, survey: int) -> None:
    """The officer imports the synthetic file: refused with its row report, then the valid rows."""
    from chiso.data import data_path
    from chiso.demo import survey_file

    page.goto(f"{site}/khao-sat/{survey}/nhap/")
    page.locator("input[type=file][name=file]").set_input_files(str(data_path(*survey_file.SAMPLE_FILE)))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    refused = page.locator(".job-progress[data-state=failed]")  # the import's job page
    refused.wait_for()
    text = refused.inner_text()
    assert refused.locator("ul.job-problems li").count() == 2
    assert survey_file.NEAR_MISS_UNIT in text and "Sở Khoa học và Công nghệ" in text and "q9_27" in text
    total = len(survey_file.responses(2025))
    assert f"{total} dòng, {total - 3} hợp lệ, 2 lỗi, 1 trùng" in refused.locator(".notice").inner_text()
    shoot(page, "demo-sonoivu-import-report")
    page.get_by_role("button", name="Chỉ nhập các dòng hợp lệ").click()
    done = page.locator(".job-progress[data-state=done]")
    done.wait_for()
    assert f"Đã nhập {total - 3} phiếu" in done.inner_text()
    assert "2 dòng lỗi, 1 phiếu trùng" in done.inner_text()
    shoot(page, "demo-sonoivu-import-done")


def test_every_demo_account(demo, browser):
    site = demo["site"]
    plan = visits(demo)
    assert set(plan) == set(demo["accounts"])  # every account printed on the console
    for username, visit in plan.items():
        context, page = sign_in(browser, site, username)
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        for path, title in visit.pages:
            response = page.goto(site + path)
            assert response is not None and response.status == 200, (
                username,
                path,
                response and response.status,
            )
            assert title in page.title(), (username, path, page.title())
            assert page.locator("h1").first.inner_text().strip(), (username, path)
        for path in visit.refused:
            response = page.goto(site + path)
            assert response is not None and response.status in REFUSED, (
                username,
                path,
                response and response.status,
            )
        if username == "sonoivu":
            import_sample(page, site, demo["survey"])
        page.goto(site + visit.shot)
        shoot(page, f"demo-{username}", full_page=False)  # what the role sees first
        assert not errors, (username, errors)
        context.close()

"""Every page fits a 390 px phone: no sideways scrolling of the page itself.

On the demo, as every role (not signed in, unit staff, unit head, appraiser, council, leader,
officer, administrator), Debian's chromium opens every page of the site at 390 px wide — the list
below names one address of every page, and a test checks that no page of the site is missing from
it — and checks `document.documentElement.scrollWidth <= 390`. A wide table may scroll inside its
`.table-wrap`; the page around it may not. The pages a role may not open are checked too: the
error pages must fit as well. A failure names the elements that stick out.

One test that loops over the roles, because `seed_demo` takes seconds. Run with `pytest -m browser`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# role → the demo account that holds it (None: not signed in)
ROLES = {
    "anonymous": None,
    "unit_staff": "canbo_sotuphap",
    "unit_head": "thutruong_sotuphap",
    "commune_staff": "canbo_halong",
    "appraiser": "thamdinh",
    "council": "hoidong",
    "leader": "lanhdao",
    "officer": "sonoivu",
    "admin": "admin",
}

# The addresses that are not pages: files, the answers to a form or a button (POST), and the
# fragments htmx swaps into a page. Each page they belong to is in `pages()`.
NOT_PAGES = {
    "favicon": "a redirect to the icon",
    "accounts:logout": "POST",
    "assessments:export": "Excel file",
    "assessments:publish": "POST",
    "assessments:transition": "POST",
    "assessments:preview": "POST, fragment",
    "assessments:save_self": "POST, fragment",
    "assessments:appraise": "POST, fragment",
    "assessments:explain": "POST, fragment",
    "assessments:upload": "POST, fragment",
    "assessments:criterion_audit": "fragment",
    "assessments:evidence": "file",
    "assessments:remove_evidence": "POST",
    "assessments:published_export": "Excel file",
    "administration:send_reminders": "POST",
    "administration:extend_deadline": "POST",
    "administration:change_log_csv": "CSV file",
    "administration:change_log_xlsx": "Excel file",
    "frameworks:download": "file",
    "frameworks:node_edit": "fragment (its page: the editor with ?sua=)",
    "frameworks:node_rule": "fragment",
    "frameworks:node_action": "POST",
    "units:load_districts": "POST",
    "surveys:use_sipas": "POST",
    "surveys:estimate": "POST",
    "surveys:publish": "POST",
    "plans:item_add": "POST",
    "plans:plan_settings": "POST",
    "plans:sign": "POST",
    "plans:task_add": "POST",
    "plans:item_status": "POST",
    "plans:report_add": "POST",
    "plans:task_status": "POST",
    "plans:report_file": "file",
    "plans:commitment_document": "Word or PDF file",
    "plans:commitment_scan": "POST",
    "plans:commitment_scan_file": "file",
    "plans:responsibilities_import": "POST",
    "plans:escalate": "POST",
    "plans:unit_search": "fragment (its pages: the plan forms' unit lists)",
    "rounds:send": "POST",
    "dossiers:upload": "POST",
    "dossiers:compute": "POST",
    "dossiers:assign": "POST",
    "rounds:remind": "POST",
    "rounds:close": "POST",
    "rounds:export": "Excel file",
    "rounds:criteria": "POST",
    "rounds:submit": "POST",
    "rounds:return": "POST",
    "rounds:answer": "POST",
    "rounds:file": "file",
    "reports:report": "Word, Excel or PDF file",
    "reports:conference": "Word, Excel or PDF file",
    "results:national_whatif": "POST, fragment",
    "results:national_target": "POST, fragment",
    "results:cycle_whatif": "POST, fragment",
    "results:cycle_target": "POST, fragment",
    "results:table_save": "POST",
    "results:table_publish": "POST",
    "jobs:file": "file",
    "opendata:api_home": "a redirect to the API's docs page",
    "opendata:ranking_file": "CSV, Excel or JSON file",
    "opendata:profile_file": "CSV, Excel or JSON file",
    "api-v1:api-root": "django-ninja's root: a 404 naming the docs page",
    "api-v1:openapi-json": "JSON",
    **{
        f"api-v1:{name}": "JSON"
        for name in (
            "indices",
            "index_detail",
            "frameworks",
            "framework_detail",
            "result_sets",
            "ranking",
            "profile",
            "units",
            "unit_detail",
            "cycles",
            "cycle_detail",
            "cycle_results",
            "surveys",
            "survey_results",
        )
    },
}

OPEN_DETAILS = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"
OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden") { return true; }
    }
    return false;
  };
  const culprits = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit + 1 && !scrolls(el)) {
      const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
      culprits.push(el.tagName.toLowerCase() + classes.map((c) => "." + c).join("") + " → " + Math.round(box.right));
    }
  }
  return {width: document.documentElement.scrollWidth, culprits: culprits.slice(0, 6)};
}"""


@dataclass
class Page:
    name: str  # the URL's name
    path: str


def pages() -> list[Page]:
    """One address of every page of the site, on the demo's data."""
    from chiso.assessments.models import Cycle
    from chiso.demo.cycles import CYCLE_NAMES
    from chiso.demo.plans import PLAN_TITLE
    from chiso.demo.rounds import ROUND_NUMBER
    from chiso.demo.surveys import SURVEY_TITLES
    from chiso.frameworks.models import CriterionMapping, Framework
    from chiso.plans.models import Plan
    from chiso.results.models import ResultSet
    from chiso.rounds.models import Round
    from chiso.surveys.models import Survey
    from chiso.units.models import Organiser

    departments = Cycle.objects.get(name=CYCLE_NAMES[2025])
    published = Cycle.objects.get(name=CYCLE_NAMES[2024])
    stp = departments.assessments.get(unit__name="Sở Tư pháp")
    survey = Survey.objects.get(title=SURVEY_TITLES[2025])
    surveyed = Survey.objects.get(title=SURVEY_TITLES[2024])
    plan = Plan.objects.get(title=PLAN_TITLE)
    framework = departments.framework
    node = next(n.code for n in framework.to_engine().nodes() if n.children)
    papi = list(Framework.objects.filter(index__code="papi").order_by("first_year")[:2])
    mapping, _created = CriterionMapping.objects.get_or_create(source=papi[0], target=papi[1])
    organiser = Organiser.objects.order_by("pk").first()
    assert organiser is not None
    result_set = ResultSet.objects.filter(index__code="papi", year=2024).first()
    assert result_set is not None
    unit = stp.unit.code
    demo_round = Round.objects.get(number=ROUND_NUMBER)
    answered = demo_round.requests.get(agency__name="Sở Tư pháp")
    # The 766 of the demo's latest month: its communes' ranking (a second level) and a commune's profile.
    communes = (
        ResultSet.objects.published()
        .filter(index__code="dvc766", level="commune")
        .order_by("-period")
        .first()
    )
    assert communes is not None
    commune = communes.unit_results.values_list("unit__code", flat=True).first()
    dvc766 = f"/ket-qua/dvc766/{communes.year}/"
    found = [
        Page("results:home", "/"),
        Page("results:search", "/tim-kiem/?q=ninh+thuan"),
        Page("results:ranking", "/ket-qua/papi/2024/"),
        Page("results:ranking", "/ket-qua/pci/2023/"),
        Page("results:profile", "/ket-qua/papi/2024/22/"),
        Page("results:locality", "/ket-qua/dia-phuong/22/2024/"),
        Page("results:locality", f"/ket-qua/dia-phuong/{unit}/{published.year}/"),
        Page("results:national_losses", "/ke-hoach/phan-tich/papi/2024/22/"),
        Page("results:cycle_losses", f"/ke-hoach/ky/{published.pk}/{unit}/"),
        Page("results:tables", "/dieu-hanh/bang-ket-qua/"),
        Page("results:table", f"/dieu-hanh/bang-ket-qua/{result_set.pk}/"),
        Page("accounts:login", "/tai-khoan/dang-nhap/"),
        Page("assessments:home", "/danh-gia/"),
        Page("assessments:cycle", f"/danh-gia/ky/{departments.pk}/"),
        Page("assessments:results", f"/danh-gia/ky/{departments.pk}/ket-qua/"),
        Page("assessments:import_scores", f"/danh-gia/ky/{departments.pk}/nhap-diem/"),
        Page("assessments:results_unit", f"/danh-gia/ky/{departments.pk}/ket-qua/{unit}/"),
        Page("assessments:assessment", f"/danh-gia/don-vi/{stp.pk}/"),
        Page("assessments:audit", f"/danh-gia/don-vi/{stp.pk}/nhat-ky/"),
        Page("assessments:published_list", "/danh-gia/cong-bo/"),
        Page("assessments:published", f"/danh-gia/cong-bo/{published.pk}/"),
        Page("assessments:published_unit", f"/danh-gia/cong-bo/{published.pk}/{unit}/"),
        Page("administration:dashboard", "/dieu-hanh/"),
        Page("administration:cycle", f"/dieu-hanh/ky/{departments.pk}/"),
        Page("administration:survey", f"/dieu-hanh/ky/{departments.pk}/khao-sat/"),
        Page("administration:cycle_create", "/dieu-hanh/ky/tao-moi/"),
        Page("administration:users", "/dieu-hanh/nguoi-dung/"),
        Page("administration:change_log", "/dieu-hanh/nhat-ky/"),
        Page("units:list", "/dieu-hanh/don-vi/"),
        Page("units:organisers", "/dieu-hanh/don-vi-to-chuc/"),
        Page("units:organiser", f"/dieu-hanh/don-vi-to-chuc/{organiser.code}/"),
        Page("frameworks:list", "/dieu-hanh/khung/"),
        Page("frameworks:copy", f"/dieu-hanh/khung/{framework.code}/sao-chep/"),
        Page("frameworks:new", "/dieu-hanh/khung/tao-moi/"),
        Page("frameworks:edit", f"/dieu-hanh/khung/{framework.code}/sua/"),
        Page("frameworks:edit", f"/dieu-hanh/khung/{framework.code}/sua/?sua={node}"),
        Page("frameworks:settings", f"/dieu-hanh/khung/{framework.code}/thong-tin/"),
        Page("frameworks:mapping", f"/dieu-hanh/doi-chieu/{mapping.pk}/"),
        Page("frameworks:indices", "/dieu-hanh/chi-so/"),
        Page("frameworks:index_new", "/dieu-hanh/chi-so/tao-moi/"),
        Page("frameworks:index_edit", f"/dieu-hanh/chi-so/{framework.index.code}/sua/"),
        Page("surveys:home", "/khao-sat/"),
        Page("surveys:upload_questionnaire", "/khao-sat/bang-hoi/tai-len/"),
        Page("surveys:questionnaire", f"/khao-sat/bang-hoi/{survey.questionnaire_id}/"),
        Page("surveys:create", "/khao-sat/tao/"),
        Page("surveys:survey", f"/khao-sat/{survey.pk}/"),
        Page("surveys:survey", f"/khao-sat/{surveyed.pk}/"),
        Page("surveys:import", f"/khao-sat/{survey.pk}/nhap/"),
        Page("surveys:paper", f"/khao-sat/{survey.pk}/phieu-giay/"),
        Page("surveys:results", f"/khao-sat/{surveyed.pk}/ket-qua/"),
        Page("surveys:link", f"/khao-sat/{surveyed.pk}/lien-ket/"),
        Page("plans:list", "/ke-hoach/"),
        Page("plans:plan", f"/ke-hoach/{plan.pk}/"),
        Page("plans:national_propose", "/ke-hoach/phan-tich/papi/2024/22/de-xuat/"),
        Page("plans:cycle_propose", f"/ke-hoach/ky/{published.pk}/{unit}/de-xuat/"),
        Page("plans:responsibilities", f"/ke-hoach/trach-nhiem/{framework.code}/"),
        Page("plans:leaders", "/ke-hoach/lanh-dao/"),
        Page("api-v1:openapi-view", "/api/v1/docs/"),
        Page("rounds:list", "/dot-bao-cao/"),
        Page("rounds:new", "/dot-bao-cao/moi/"),
        Page("rounds:round", f"/dot-bao-cao/{demo_round.pk}/"),
        Page("rounds:synthesis", f"/dot-bao-cao/{demo_round.pk}/tong-hop/"),
        Page("rounds:request", f"/dot-bao-cao/yeu-cau/{answered.pk}/"),
        Page("plans:scorecard", f"/ke-hoach/{plan.pk}/danh-gia/"),
        Page("dossiers:month", "/dieu-hanh/chi-so-766/"),
        Page("results:ranking", f"{dvc766}?ky={communes.period}&cap=commune"),
        Page("results:profile", f"{dvc766}{commune}/?ky={communes.period}"),
        Page("not_found", "/khong-co-trang-nay/"),
        Page("method_not_allowed", "/ke-hoach/lanh-dao/canh-bao/"),
    ]
    found += [Page("jobs:job", f"/viec/{job.pk}/") for job in _jobs()]
    return found


def _jobs() -> list:
    """A background job of the officer's that failed (a long row report and the next step), and one
    that is running (its bar, done/total and the time left)."""
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from chiso.jobs.models import Job
    from chiso.jobs.services import FileProgress

    officer = User.objects.get(username=ROLES["officer"])
    failed = Job.objects.create(
        kind="chiso.surveys.jobs:import_responses",
        title="Nhập tệp trả lời kobo-export-tinh-quang-ninh-2025-dot-1-ban-cuoi.csv",
        user=officer,
        state=Job.State.FAILED,
        error="Chưa nhập phiếu nào. 20 dòng, 18 hợp lệ, 2 lỗi, 0 trùng.",
        problems=[
            "Dòng 3, trường 'don_vi_duoc_khao_sat_theo_ma': không tìm thấy đơn vị Sở Tư phát — gần nhất: Sở Tư pháp"
        ],
        next_step={"url": "/khao-sat/", "label": "Chỉ nhập các dòng hợp lệ", "fields": {"stored": "x"}},
    )
    running = Job.objects.create(
        kind="chiso.surveys.jobs:estimate",
        title="Tính chỉ số khảo sát",
        user=officer,
        state=Job.State.RUNNING,
        started_at=timezone.now() - timedelta(seconds=40),
    )
    FileProgress(running)(1, 3, "Đang ước lượng 100000 phiếu")
    return [failed, running]


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name != "set_language":
            names.add(namespace + pattern.name)
    return names


def sign_in(browser, site: str, username: str | None):
    """A phone-sized browser context, signed in as `username` through a session cookie."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    if username is not None:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    return context


def test_every_page_fits_a_phone(demo, browser):
    site = demo["site"]
    found = pages()
    listed = {page.name for page in found}
    missing = url_names() - listed - set(NOT_PAGES)
    assert not missing, f"pages missing from this test's list: {sorted(missing)}"
    too_wide: list[str] = []
    opened: dict[str, int] = {}
    for role, username in ROLES.items():
        context = sign_in(browser, site, username)
        page = context.new_page()
        opened[role] = 0
        for target in found:
            response = page.goto(site + target.path)
            assert response is not None, (role, target.path)
            status = response.status
            assert status < 500, (role, target.path, status)
            signed_out = response.request.redirected_from is not None  # sent to the sign-in page
            opened[role] += status == 200 and not signed_out
            for state in ("", " (every <details> open)"):
                if state:  # the panels a tap opens: the account menu, "extend the deadline" …
                    page.evaluate(OPEN_DETAILS)
                measured = page.evaluate(OVERFLOW)
                if measured["width"] > PHONE["width"]:
                    where = f"{role} {target.path} ({status}){state}"
                    too_wide.append(f"{where}: {measured['width']} px {measured['culprits']}")
                    break
        context.close()
    assert not too_wide, "pages wider than a phone:\n" + "\n".join(too_wide)
    # every role saw its own pages (signed in, not refused everywhere)
    assert opened["officer"] > 40 and opened["admin"] >= opened["officer"], opened
    assert opened["anonymous"] < min(opened[role] for role in ROLES if role != "anonymous"), opened
    others = ("unit_staff", "unit_head", "appraiser", "council")
    assert max(opened[role] for role in others) < opened["officer"], opened

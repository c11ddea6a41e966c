"""The demo's improvement plans: who leads and supports each criterion, and the province's PAPI
plan after its 2024 result, half a year under way (tasks, reports, commitments, escalations)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chiso.demo.cycles import EVIDENCE_PDF
from chiso.demo.people import PROVINCE_CODE
from chiso.frameworks.models import Framework
from chiso.plans import services as plans
from chiso.plans.models import Frequency, Plan, ProgressReport, Responsibility, Task
from chiso.units.models import Unit

# criterion → (lead, supporters), by login suffix (see DEPARTMENTS)
RESPONSIBILITIES = {
    "papi-2018": {
        "d1": ("sonoivu", ["sotuphap"]),
        "d1.1": ("sotuphap", ["sonoivu"]),
        "d2": ("vanphong", ["sotaichinh", "sonongnghiep"]),
        "d2.2": ("sonongnghiep", []),
        # the poor households' list is made public where people live: a ward leads it
        "d2.1": ("halong", ["vandon", "sonongnghiep"]),
        "d2.3": ("sotaichinh", []),
        "d2.4": ("sonongnghiep", ["soxaydung"]),
        "d3": ("thanhtra", ["vanphong", "sotuphap"]),
        "d3.3": ("sotuphap", []),
        "d4": ("thanhtra", ["sonoivu"]),
        "d4.3": ("sonoivu", []),
        "d5": ("vanphong", ["sotuphap", "soxaydung", "sonongnghiep"]),
        "d5.1": ("sotuphap", []),
        "d5.2": ("soxaydung", []),
        "d5.3": ("sonongnghiep", []),
        "d6": ("soyte", ["sogiaoduc", "soxaydung"]),
        "d6.2": ("sogiaoduc", []),
        "d6.3": ("soxaydung", []),
        "d7": ("sonongnghiep", ["soxaydung", "soyte"]),
        "d8": ("sokhoahoc", ["vanphong", "sovanhoa"]),
    },
    "department": {
        "1": ("sonoivu", ["vanphong"]),
        "2": ("sotuphap", []),
        "3": ("vanphong", ["sokhoahoc"]),
        "3.3": ("sokhoahoc", ["vanphong"]),
        "4": ("sonoivu", []),
        "5": ("sonoivu", []),
        "6": ("sotaichinh", []),
        "7": ("sokhoahoc", ["vanphong"]),
        "8": ("sonoivu", []),
    },
}

PLAN_TITLE = "Kế hoạch cải thiện Chỉ số PAPI năm 2025 của tỉnh Quảng Ninh"
PLAN_THRESHOLD = 60  # percent of a dimension's maximum
PLAN_STARTED_DAYS_AGO = 135

# dimension → (deadline in days from today, actions, latest % done reported or None for silence,
# tasks: (title, owner, due in days from today, status))
DONE, UNDER_WAY, NOT_STARTED = Task.Status.DONE, Task.Status.IN_PROGRESS, Task.Status.NOT_STARTED
PLAN_ITEMS = {
    "d8": (
        200,
        "Nâng cấp Cổng thông tin điện tử tỉnh và Cổng dịch vụ công; hướng dẫn người dân dùng dịch vụ "
        "công trực tuyến ngay tại bộ phận một cửa.",
        45,
        [
            ("Rà soát, nâng cấp chức năng hỏi đáp trên Cổng thông tin điện tử tỉnh", "sokhoahoc", -40, DONE),
            (
                "Bố trí người hướng dẫn dịch vụ công trực tuyến tại bộ phận một cửa cấp xã",
                "sokhoahoc",
                60,
                UNDER_WAY,
            ),
            (
                "Công khai kết quả trả lời kiến nghị của người dân trên Cổng thông tin điện tử",
                "vanphong",
                120,
                NOT_STARTED,
            ),
        ],
    ),
    "d7": (
        230,
        "Tăng cường kiểm tra xử lý chất thải tại khu, cụm công nghiệp và cơ sở y tế; công khai kết quả "
        "quan trắc không khí, nước.",
        None,
        [
            ("Kiểm tra việc xử lý chất thải tại các khu, cụm công nghiệp", "sonongnghiep", 90, UNDER_WAY),
            ("Kiểm tra thu gom, xử lý chất thải y tế tại các cơ sở y tế công lập", "soyte", 100, NOT_STARTED),
        ],
    ),
    "d3": (
        170,
        "Giải quyết dứt điểm khiếu nại, tố cáo tồn đọng; đưa trợ giúp pháp lý về cơ sở; lãnh đạo các sở "
        "tiếp công dân định kỳ.",
        50,
        [
            (
                "Công khai kết quả giải quyết khiếu nại, tố cáo trên Cổng thông tin điện tử tỉnh",
                "thanhtra",
                -30,
                DONE,
            ),
            ("Tổ chức trợ giúp pháp lý lưu động tại các xã vùng sâu, vùng xa", "sotuphap", -12, UNDER_WAY),
            ("Lãnh đạo các sở, ngành tiếp công dân định kỳ theo lịch công khai", "thanhtra", 75, UNDER_WAY),
        ],
    ),
    "d2": (
        260,
        "Công khai đầy đủ danh sách hộ nghèo, thu chi ngân sách xã, quy hoạch và bảng giá đất tại nơi "
        "người dân dễ tiếp cận.",
        35,
        [
            ("Hướng dẫn cấp xã công khai thu chi ngân sách theo quy định", "sotaichinh", -20, DONE),
            (
                "Công khai danh sách hộ nghèo, hộ cận nghèo tại nhà văn hóa thôn, khu phố",
                "sonongnghiep",
                45,
                UNDER_WAY,
            ),
        ],
    ),
    "d1": (
        290,
        "Hướng dẫn bầu cử trưởng thôn, tổ trưởng dân phố đúng quy định; phổ biến quy định về dân chủ ở cơ sở.",
        5,
        [
            ("Phổ biến quy định về thực hiện dân chủ ở cơ sở cho người dân", "sotuphap", 100, UNDER_WAY),
            (
                "Hướng dẫn tổ chức bầu cử trưởng thôn, tổ trưởng dân phố đúng quy định",
                "sonoivu",
                150,
                NOT_STARTED,
            ),
        ],
    ),
}
# A criterion led by a ward (Phường Hạ Long), in the plan beside the departments' dimensions: its staff
# report each quarter with evidence, and Đặc khu Vân Đồn supports it.
COMMUNE_ITEM = (
    "d2.1",
    "halong",
    240,
    "Niêm yết danh sách hộ nghèo, hộ cận nghèo tại nhà văn hóa các khu phố và trên trang thông tin của "
    "phường; lấy ý kiến người dân trước khi phê duyệt.",
    [("Niêm yết danh sách hộ nghèo tại nhà văn hóa 12 khu phố", "halong", 40, UNDER_WAY)],
    70,
)
COMMUNE_REPORT_TEXT = "Đã niêm yết danh sách tại 9/12 khu phố; biên bản niêm yết kèm theo."
PROGRESS_TEXT = "Đã triển khai các nhiệm vụ theo kế hoạch; kết quả chi tiết trong báo cáo kèm theo."
TASK_REPORT_TEXT = "Đã tổ chức 3 trong 5 đợt trợ giúp pháp lý lưu động; 2 đợt còn lại chậm do mưa bão."
SIGNERS = ("sotuphap", "sokhoahoc")  # heads who sign; Sở Y tế's head is left to sign in the demo


def assign_responsibilities(frameworks: dict[str, Framework], units: dict[str, Unit]) -> None:
    """Who leads and supports each criterion; rows the officer has set are left alone."""
    for key, table in RESPONSIBILITIES.items():
        framework = frameworks.get(key) or Framework.objects.get(code=key)
        for criterion, (lead, supporters) in table.items():
            row, created = Responsibility.objects.get_or_create(
                framework=framework, criterion=criterion, defaults={"lead": units[lead]}
            )
            if created:
                row.supporters.set([units[slug] for slug in supporters])


def _commune_item(
    plan: Plan, people: dict[str, User], units: dict[str, Unit], today: date, started: date
) -> None:
    """The ward's item: lead, supporter, a task of its own, a report on every quarter begun."""
    officer = people["sonoivu"]
    code, lead, deadline_days, actions, tasks, percent = COMMUNE_ITEM
    responsibility = plans.responsibility_for(plan.framework, code)
    item = plans.add_item(
        officer,
        plan,
        criterion=code,
        lead=units[lead],
        supporters=list(responsibility.supporters.all()) if responsibility else [],
        deadline=today + timedelta(days=deadline_days),
        actions=actions,
    )
    item.created = started
    item.save(update_fields=["created"])
    for title, owner, due, status in tasks:
        task = plans.add_task(
            officer,
            item,
            title=title,
            owner=units[owner],
            due=today + timedelta(days=due),
            owner_user=people[f"canbo_{owner}"],
        )
        plans.set_task_status(people[f"canbo_{owner}"], task, status, today=today)
    entries = [e for e in plans.schedule(item, today) if e.period.start <= today]
    for number, entry in enumerate(entries, start=1):
        report = plans.submit_report(
            people[f"canbo_{lead}"],
            item,
            period=entry.period,
            text=COMMUNE_REPORT_TEXT,
            percent_done=percent * number // len(entries),
            evidence=SimpleUploadedFile(
                "bien-ban-niem-yet.pdf", EVIDENCE_PDF, content_type="application/pdf"
            ),
        )
        _on_time(report, entry)


def _on_time(report: ProgressReport, entry: plans.ScheduleEntry) -> None:
    """A report seeded today for a period already ended is dated a few days after the period's end
    (within the grace days), as the agency would have sent it: received on time, not late."""
    sent = datetime.combine(
        entry.period.end + timedelta(days=3), time(9), tzinfo=timezone.get_current_timezone()
    )
    if sent < report.submitted_at:
        report.submitted_at = sent
        report.save(update_fields=["submitted_at"])


def create_plan(people: dict[str, User], units: dict[str, Unit], today: date) -> None:
    """The province's PAPI plan after its 2024 result, half a year under way; then the escalations."""
    if Plan.objects.filter(title=PLAN_TITLE).exists():
        return
    officer = people["sonoivu"]
    started = today - timedelta(days=PLAN_STARTED_DAYS_AGO)
    subject = plans.national_subject("papi", 2024, PROVINCE_CODE)
    plan = plans.plan_for(subject, officer)
    plan.title, plan.starts, plan.report_every = PLAN_TITLE, started, Frequency.QUARTERLY
    plan.save(update_fields=["title", "starts", "report_every"])
    slug_of = {unit.pk: slug for slug, unit in units.items()}
    rng = random.Random("chiso-demo-plan")
    for proposal in plans.propose_items(subject.analysis, subject.ref, PLAN_THRESHOLD, subject.framework):
        deadline_days, actions, percent, tasks = PLAN_ITEMS[proposal.code]
        points, maximum = proposal.points, proposal.max_points
        assert points is not None and maximum is not None  # propose_items skips criteria without them
        target = max(points, maximum * PLAN_THRESHOLD / 100)
        item = plans.add_item(
            officer,
            plan,
            criterion=proposal.code,
            lead=proposal.lead,
            supporters=proposal.supporters,
            deadline=today + timedelta(days=deadline_days),
            actions=actions,
            target_points=target,
            expected_gain=target - points,
            current_points=points,
        )
        item.created = started
        item.save(update_fields=["created"])
        for title, owner, due, status in tasks:
            task = plans.add_task(
                officer,
                item,
                title=title,
                owner=units[owner],
                due=today + timedelta(days=due),
                owner_user=people[f"canbo_{owner}"],
            )
            if status != NOT_STARTED:
                done_on = today + timedelta(days=due - rng.randint(1, 10))
                plans.set_task_status(people[f"canbo_{owner}"], task, status, today=done_on)
        if percent is None:
            continue  # the silent owner: no report for the periods already due
        staff = people[f"canbo_{slug_of[item.lead_id]}"]
        entries = [e for e in plans.schedule(item, today) if e.period.start <= today]
        for number, entry in enumerate(entries, start=1):
            upload = None
            if number == len(entries):
                upload = SimpleUploadedFile(
                    "bao-cao-tien-do.pdf", EVIDENCE_PDF, content_type="application/pdf"
                )
            report = plans.submit_report(
                staff,
                item,
                period=entry.period,
                text=PROGRESS_TEXT,
                percent_done=percent * number // len(entries),
                evidence=upload,
            )
            _on_time(report, entry)
    _commune_item(plan, people, units, today, started)
    late = Task.objects.get(item__plan=plan, title=PLAN_ITEMS["d3"][3][1][0])
    plans.submit_report(
        people["canbo_sotuphap"],
        late.item,
        period=plans.Period.containing(plan.report_every, today),
        text=TASK_REPORT_TEXT,
        percent_done=60,
        task=late,
    )
    for slug in SIGNERS:
        plans.sign_commitment(people[f"thutruong_{slug}"], plan, units[slug])
    plans.escalate(today, send=False)

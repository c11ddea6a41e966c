"""The officer's dashboard: counts and lists, reminders, deadline extension, permissions."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from chiso.administration import services
from chiso.assessments.models import AuditEntry, State
from chiso.core.once import new_token

pytestmark = pytest.mark.django_db


def names(rows):
    return [row.assessment.unit.name for row in rows]


def test_board_counts_and_lists(cycle):
    board = services.board(cycle)
    counts = {state: n for state, _label, n in board.counts}
    assert counts[State.DRAFT] == 2 and counts[State.SUBMITTED] == 1 and counts[State.APPROVED] == 1
    assert board.total == 4
    assert names(board.lists[services.NOT_STARTED]) == ["Sở Nội vụ"]
    assert names(board.lists[services.NOT_SUBMITTED_KEY]) == ["Sở Nội vụ", "Sở Tư pháp"]
    assert board.lists[services.OVERDUE] == []
    assert names(board.lists[services.APPRAISAL]) == ["Sở Xây dựng"]
    assert names(board.lists[services.APPROVED]) == ["Sở Y tế"]
    approved = board.lists[services.APPROVED][0]
    assert approved.total is not None and approved.previous_total is None

    late = services.board(cycle, today=cycle.self_assessment_due + timedelta(days=2))
    assert names(late.lists[services.OVERDUE]) == ["Sở Nội vụ", "Sở Tư pháp"]
    assert late.overdue_days == 2


def test_board_reads_only_the_rows_it_shows_and_counts_them_all(cycle, django_assert_max_num_queries):
    """A list's size is every unit in it; only its first `shown` units, in Vietnamese order, are
    read as rows (the page shows 50 of 3,321)."""
    board = services.board(cycle, shown=1)
    assert board.sizes[services.NOT_SUBMITTED_KEY] == 2
    assert names(board.lists[services.NOT_SUBMITTED_KEY]) == ["Sở Nội vụ"]  # N before T
    assert board.sizes[services.APPROVED] == 1 and board.sizes[services.COUNCIL] == 0
    late = services.board(cycle, today=cycle.self_assessment_due + timedelta(days=2), shown=1)
    assert late.sizes[services.OVERDUE] == 2 and names(late.lists[services.OVERDUE]) == ["Sở Nội vụ"]
    with django_assert_max_num_queries(8):  # the stored table is current: no figure computed
        services.board(cycle, shown=1)


def test_dashboard_page_shows_every_list(officer_client, cycle):
    response = officer_client.get(reverse("administration:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Chưa bắt đầu",
        "Chưa nộp",
        "Quá hạn",
        "Đang thẩm định",
        "Đang giải trình",
        "Chờ hội đồng",
        "Đã phê duyệt",
    ):
        assert title in html
    assert cycle.self_assessment_due.strftime("%d/%m/%Y") in html
    assert "Sở Nội vụ" in html and "Gửi nhắc nhở" in html
    approved = services.board(cycle).lists[services.APPROVED][0]
    assert f"{approved.total:.2f}".replace(".", ",") in html  # 86,55 style


def test_only_officers_and_admins(client, people, cycle):
    url = reverse("administration:dashboard")
    response = client.get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    for name in ("canbo_stp", "thutruong_stp", "thamdinh", "hoidong", "lanhdao"):
        client.force_login(people[name])
        assert client.get(url).status_code == 403, name
        assert client.post(reverse("administration:send_reminders", args=[cycle.pk])).status_code == 403
    assert len(mail.outbox) == 0
    client.force_login(people["admin"])
    assert client.get(url).status_code == 200
    for name in ("units:list", "frameworks:list", "administration:cycle_create"):
        client.force_login(people["lanhdao"])
        assert client.get(reverse(name)).status_code == 403


def test_reminders_go_to_units_that_have_not_submitted(officer_client, cycle):
    address = reverse("administration:send_reminders", args=[cycle.pk])
    response = officer_client.post(address, {"once": new_token()}, follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == 1  # Sở Tư pháp; Sở Nội vụ has no address; the others have submitted
    message = mail.outbox[0]
    assert sorted(message.to) == ["canbo_stp@example.vn", "thutruong_stp@example.vn"]
    assert "Sở Tư pháp" in message.subject and cycle.name in message.body
    assert cycle.self_assessment_due.strftime("%d/%m/%Y") in message.body
    assert "Kính gửi" in message.body and "Đang tự đánh giá" in message.body
    html = response.content.decode()
    assert "Sở Nội vụ" in html and "Không có địa chỉ thư" in html
    entry = AuditEntry.objects.get(cycle=cycle, action="send_reminders")
    assert entry.user is not None and entry.user.username == "sonoivu"
    assert entry.after is not None and entry.after["units"] == ["Sở Tư pháp"]


def test_reminder_says_how_late(cycle):
    assessment = cycle.assessments.get(unit__name="Sở Tư pháp")
    _subject, body = services.reminder_text(assessment, cycle.self_assessment_due + timedelta(days=5))
    assert "đã quá hạn 5 ngày" in body


def test_extend_deadline_needs_a_reason_and_is_audited(officer_client, cycle):
    url = reverse("administration:extend_deadline", args=[cycle.pk])
    old = cycle.self_assessment_due
    new = old + timedelta(days=10)
    response = officer_client.post(url, {"new_due": new.isoformat(), "reason": ""}, follow=True)
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == old
    response = officer_client.post(
        url, {"new_due": (old - timedelta(days=1)).isoformat(), "reason": "x"}, follow=True
    )
    assert "Hạn mới phải sau" in response.content.decode()
    response = officer_client.post(
        url,
        {"new_due": new.strftime("%d/%m/%Y"), "reason": "Nhiều đơn vị đề nghị do trùng kỳ báo cáo"},
        follow=True,
    )
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == new
    assert new.strftime("%d/%m/%Y") in response.content.decode()
    entry = AuditEntry.objects.get(cycle=cycle, action="extend_deadline")
    assert entry.before == old.isoformat() and entry.after == new.isoformat()
    assert entry.reason.startswith("Nhiều đơn vị")


def test_overdue_units_after_the_deadline(officer_client, cycle):
    cycle.self_assessment_due = date.today() - timedelta(days=1)
    cycle.save()
    html = officer_client.get(reverse("administration:cycle", args=[cycle.pk])).content.decode()
    assert "đã quá hạn 1 ngày" in html


def test_reminders_posted_twice_are_sent_once(officer_client, cycle):
    page = officer_client.get(reverse("administration:cycle", args=[cycle.pk])).content.decode()
    token = re.search(r'name="once" value="([^"]+)"', page)
    assert token is not None  # the reminders form carries its one-time token
    address = reverse("administration:send_reminders", args=[cycle.pk])
    officer_client.post(address, {"once": token.group(1)})
    again = officer_client.post(address, {"once": token.group(1)}, follow=True)
    assert len(mail.outbox) == 1 and "Biểu mẫu này đã được gửi" in again.content.decode()
    assert AuditEntry.objects.filter(cycle=cycle, action="send_reminders").count() == 1

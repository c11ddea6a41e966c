"""From results to action: who answers for each criterion, improvement plans with items and tasks
(every one with an owner and a deadline), progress reports on a schedule, signed commitments, and
the escalations sent when an owner is late or silent."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.assessments.models import Cycle
from chiso.core.points import VALUE_DIGITS, VALUE_PLACES
from chiso.frameworks.models import Framework, Index
from chiso.units.models import Unit


class Responsibility(models.Model):
    """One criterion (any node) of a framework version: the agency that leads on it and those that
    support it."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="responsibilities")
    criterion = models.CharField(_("mã tiêu chí"), max_length=40)
    lead = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_criteria", verbose_name=_("cơ quan chủ trì")
    )
    supporters = models.ManyToManyField(
        Unit, blank=True, related_name="supported_criteria", verbose_name=_("cơ quan phối hợp")
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phân công trách nhiệm")
        verbose_name_plural = _("phân công trách nhiệm")
        ordering = ["framework", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "criterion"], name="responsibility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.criterion} → {self.lead.name}"


class Frequency(models.TextChoices):
    MONTHLY = "month", _("Hằng tháng")
    QUARTERLY = "quarter", _("Hằng quý")
    HALF_YEARLY = "half", _("6 tháng")
    YEARLY = "year", _("Cuối năm")


class Plan(models.Model):
    """An improvement plan for one unit after one year's results: a national index (the province's
    plan) or an internal cycle (a department's or a commune's plan)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    index = models.ForeignKey(Index, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="plans")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("năm kết quả"))
    # The month ("2025-10") or quarter ("2025-Q4") of the result the plan was made after ("" the year).
    period = models.CharField(_("kỳ kết quả"), max_length=10, blank=True, default="")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("đơn vị"))
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    report_every = models.CharField(
        _("kỳ báo cáo tiến độ"), max_length=8, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    grace_days = models.PositiveSmallIntegerField(_("số ngày được báo cáo chậm sau kỳ"), default=10)
    starts = models.DateField(_("ngày bắt đầu"), default=date.today)
    commitment_text = models.TextField(_("nội dung cam kết"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch cải thiện")
        verbose_name_plural = _("kế hoạch cải thiện")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(index__isnull=False, cycle__isnull=True)
                | models.Q(index__isnull=True, cycle__isnull=False),
                name="plan_index_xor_cycle",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    DROPPED = "dropped", _("Không thực hiện")


class PlanItem(models.Model):
    """One criterion to improve: the target, the actions, who leads, who supports, by when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    criterion = models.CharField(_("mã tiêu chí"), max_length=40)
    criterion_name = models.CharField(_("tên tiêu chí"), max_length=500, blank=True)
    current_points = models.DecimalField(
        _("điểm hiện tại"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    target_points = models.DecimalField(
        _("điểm mục tiêu"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    expected_gain = models.DecimalField(
        _("điểm tổng dự kiến tăng"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    actions = models.TextField(_("giải pháp, nhiệm vụ"), blank=True)
    lead = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_items", verbose_name=_("cơ quan chủ trì")
    )
    supporters = models.ManyToManyField(
        Unit, blank=True, related_name="supported_items", verbose_name=_("cơ quan phối hợp")
    )
    deadline = models.DateField(_("thời hạn hoàn thành"))
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.IN_PROGRESS
    )
    created = models.DateField(_("ngày giao"), default=date.today)

    class Meta:
        verbose_name = _("nội dung kế hoạch")
        verbose_name_plural = _("nội dung kế hoạch")
        ordering = ["plan", "criterion", "pk"]

    def __str__(self) -> str:
        return f"{self.criterion} — {self.lead.name}"

    @property
    def is_open(self) -> bool:
        return self.status in (ItemStatus.PROPOSED, ItemStatus.IN_PROGRESS)


class Task(models.Model):
    """A task under an item: an owning agency (and optionally a person) and a due date, both required."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa bắt đầu")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        LATE = "late", _("Quá hạn")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    owner = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plan_tasks", verbose_name=_("cơ quan thực hiện")
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_tasks",
        verbose_name=_("người phụ trách"),
    )
    due = models.DateField(_("hạn"))
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: date | None = None) -> bool:
        return self.status != self.Status.DONE and self.due < (today or date.today())


def report_file_path(instance: ProgressReport, filename: str) -> str:
    """Evidence lives under its content hash: the same file is stored once, never overwritten."""
    return f"plans/{instance.evidence_sha256[:2]}/{instance.evidence_sha256}"


class ProgressReport(models.Model):
    """What the owning agency reports for one period of the schedule, with evidence."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="reports")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan báo cáo")
    )
    period_kind = models.CharField(_("loại kỳ"), max_length=8, choices=Frequency.choices)
    period_year = models.PositiveSmallIntegerField(_("năm của kỳ"))
    period_number = models.PositiveSmallIntegerField(_("số thứ tự kỳ"))
    text = models.TextField(_("kết quả thực hiện"))
    percent_done = models.PositiveSmallIntegerField(_("% hoàn thành"))
    evidence = models.FileField(
        _("tài liệu kiểm chứng"), upload_to=report_file_path, blank=True, max_length=200
    )
    evidence_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent_done__lte=100), name="report_percent_le_100")
        ]


def scan_file_path(instance: Commitment, filename: str) -> str:
    """A signed scan lives under its content hash, like progress evidence."""
    return f"plans/{instance.scan_sha256[:2]}/{instance.scan_sha256}"


class Commitment(models.Model):
    """An agency's commitment to its part of the plan: signed by its head in the app, or signed on
    paper and its scan uploaded (a scan may also be attached to a commitment signed in the app)."""

    class Method(models.TextChoices):
        APP = "app", _("Ký trên ứng dụng")
        PAPER = "paper", _("Ký trên giấy")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commitments")
    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("nội dung cam kết"))
    signed_at = models.DateTimeField(_("thời điểm ký"), auto_now_add=True)
    method = models.CharField(_("hình thức ký"), max_length=8, choices=Method.choices, default=Method.APP)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    scan = models.FileField(_("bản quét đã ký"), upload_to=scan_file_path, blank=True, max_length=200)
    scan_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scan_at = models.DateTimeField(_("thời điểm tải bản quét"), null=True, blank=True)

    class Meta:
        verbose_name = _("cam kết")
        verbose_name_plural = _("cam kết")
        constraints = [models.UniqueConstraint(fields=["plan", "agency"], name="commitment_unique")]

    @property
    def signed_date(self) -> date:
        """The day it was signed: on paper, the day written on it; in the app, the day of signing."""
        from django.utils import timezone

        return self.signed_on or timezone.localdate(self.signed_at)


class Escalation(models.Model):
    """An owner late or silent, reported to the officer once (and listed on screen until resolved)."""

    class Kind(models.TextChoices):
        SILENT = "silent", _("Không báo cáo tiến độ")
        OVERDUE_TASK = "overdue_task", _("Nhiệm vụ quá hạn")
        OVERDUE_ITEM = "overdue_item", _("Nội dung quá thời hạn")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="escalations")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=40, help_text="the period (silent) or the due date (overdue)")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "task", "kind", "key"], name="escalation_once", nulls_distinct=False
            )
        ]

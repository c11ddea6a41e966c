"""The analysis-report round (đợt báo cáo phân tích): an organiser's officer asks its agencies —
departments, districts, communes — to analyse the criteria of one year's indices they answer for
(causes, responsibility, proposed solutions, evidence) by a deadline, follows who answered, reminds
the others and turns the answers into plan items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.frameworks.models import Framework, Index
from chiso.plans.models import PlanItem
from chiso.units.models import Organiser, Unit


class Round(models.Model):
    """One request document of an organiser (e.g. Văn bản số 1009/SNV-CCHC ngày 03/6/2022)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SENT = "sent", _("Đã gửi")
        CLOSED = "closed", _("Đã tổng hợp")

    organiser = models.ForeignKey(Organiser, on_delete=models.PROTECT, related_name="rounds")
    number = models.CharField(_("số hiệu văn bản"), max_length=100)
    issued = models.DateField(_("ngày văn bản"))
    deadline = models.DateField(_("hạn gửi báo cáo"))
    title = models.CharField(_("trích yếu"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm kết quả"))
    indices = models.ManyToManyField(Index, related_name="+", verbose_name=_("chỉ số"))
    status = models.CharField(_("tình trạng"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt báo cáo phân tích")
        verbose_name_plural = _("đợt báo cáo phân tích")
        ordering = ["-issued", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class Request(models.Model):
    """What one agency is asked in a round, and where its answer stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        AWAITING_HEAD = "head", _("Chờ thủ trưởng duyệt")
        SUBMITTED = "submitted", _("Đã gửi")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="requests")
    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan"))
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminders = models.PositiveSmallIntegerField(_("số lần nhắc"), default=0)
    last_reminded = models.DateTimeField(_("lần nhắc gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu báo cáo")
        verbose_name_plural = _("yêu cầu báo cáo")
        ordering = ["round", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="round_request_unique")]

    def __str__(self) -> str:
        return f"{self.round.number} → {self.agency.name}"


class Answer(models.Model):
    """One criterion an agency must analyse, and its analysis."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="answers")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(_("mã tiêu chí"), max_length=40)
    criterion_name = models.CharField(_("tên tiêu chí"), max_length=500, blank=True)
    causes = models.TextField(_("nguyên nhân"), blank=True)
    responsibility = models.TextField(_("trách nhiệm"), blank=True)
    solutions = models.TextField(_("giải pháp đề xuất"), blank=True)
    plan_item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nội dung phân tích")
        verbose_name_plural = _("nội dung phân tích")
        ordering = ["request", "framework__index__code", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["request", "framework", "criterion"], name="round_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion} — {self.request.agency.name}"

    @property
    def is_filled(self) -> bool:
        return bool(self.causes.strip() and self.solutions.strip())


def attachment_path(instance: Attachment, filename: str) -> str:
    """Evidence lives under its content hash: the same file is stored once, never overwritten."""
    return f"rounds/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """An evidence file attached to an answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tài liệu kiểm chứng"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded", "pk"]

"""The yearly assessment cycle: self-assessment with evidence → appraisal → explanation → council
→ approval → publication. Self, appraised and final points are all kept; every change is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.core.points import VALUE_DIGITS, VALUE_PLACES
from chiso.core.request_context import current_request_id
from chiso.frameworks.models import Framework
from chiso.units.models import Organiser, Unit


class CycleQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> CycleQuerySet:
        """The cycles in which `user` may do `action` (the rule: `chiso.assessments.actions`)."""
        from chiso.assessments.actions import restrict_cycles  # the rules read these models

        return restrict_cycles(self, user, action)


class Cycle(models.Model):
    """One block of units (departments, communes, a district's offices) assessed on one framework
    version for a year, run by one organiser (whose officers manage it)."""

    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("đơn vị tổ chức")
    )
    name = models.CharField(_("tên kỳ đánh giá"), max_length=300)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    block = models.CharField(_("khối"), max_length=100, help_text=_("ví dụ: Sở, ban, ngành; UBND cấp xã"))
    self_assessment_due = models.DateField(_("hạn tự đánh giá"))
    appraisal_due = models.DateField(_("hạn thẩm định"), null=True, blank=True)
    explanation_due = models.DateField(_("hạn giải trình"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công bố"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    # The method its points and ranks are computed with (`chiso.frameworks.method`), recorded when the
    # cycle is created and again when it is published.
    method = models.JSONField(_("phương pháp"), default=dict, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["-year", "block"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def credit(self) -> str:
        """What the public pages and the data cite for this cycle's figures: who organised it, the
        cycle, the day it was published and the decision its criteria come from ("3447/QĐ-UBND")."""
        from django.utils import timezone
        from django.utils.translation import gettext

        from chiso.engine.numbers import format_date

        parts = [self.organiser.display_name, self.name]
        if self.published_at is not None:
            day = format_date(timezone.localtime(self.published_at).date())
            parts.append(gettext("công bố ngày {day}").format(day=day))
        basis = self.framework.to_engine().legal_basis
        if basis:
            first = basis[0]
            parts.append(
                gettext("bộ tiêu chí theo {document}").format(
                    document=" ".join(p for p in (first.number, first.issuer and f"({first.issuer})") if p)
                )
            )
        return ", ".join(p for p in parts if p)


class State(models.TextChoices):
    """Where one unit's assessment stands."""

    DRAFT = "draft", _("Đang tự đánh giá")
    AWAITING_HEAD = "awaiting_head", _("Chờ thủ trưởng phê duyệt")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    UNDER_APPRAISAL = "under_appraisal", _("Đang thẩm định")
    APPRAISED = "appraised", _("Đã có kết quả thẩm định")
    EXPLAINED = "explained", _("Đơn vị đã giải trình")
    COUNCIL = "council", _("Hội đồng xem xét")
    APPROVED = "approved", _("Đã phê duyệt")


class AssessmentQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> AssessmentQuerySet:
        """The assessments on which `user` may do `action` now (the rule: `chiso.assessments.actions`):
        `Assessment.objects.restrict(request.user, "view")`."""
        from chiso.assessments.actions import restrict_assessments  # the rules read these models

        return restrict_assessments(self, user, action)


class Assessment(models.Model):
    """One unit in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.DRAFT)
    started = models.BooleanField(_("đã bắt đầu"), default=False)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("thời điểm phê duyệt"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("vòng giải trình"), default=0)
    version = models.PositiveIntegerField(default=0)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản đánh giá của đơn vị")
        verbose_name_plural = _("bản đánh giá của đơn vị")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="assessment_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} — {self.cycle}"


class CriterionScore(models.Model):
    """One leaf criterion of one assessment: the unit's raw inputs and points, the appraised points
    with the appraiser's reason, and the final points. `version` guards against lost updates."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("mã tiêu chí"), max_length=40)
    self_inputs = models.JSONField(_("số liệu tự đánh giá"), default=dict, blank=True)
    self_points = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    self_note = models.TextField(_("thuyết minh / giải trình khi thiếu tài liệu"), blank=True)
    appraised_points = models.DecimalField(
        _("điểm thẩm định"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    appraisal_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    final_points = models.DecimalField(
        _("điểm cuối cùng"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    survey_index = models.DecimalField(
        _("chỉ số khảo sát (%)"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="criterionscore_unique")
        ]

    @property
    def appraised_or_self_points(self) -> Decimal | None:
        """The points of the appraisal stage: the appraised points, or the unit's own points where the
        appraiser gave none (a criterion the appraiser did not change keeps the unit's points)."""
        return self.appraised_points if self.appraised_points is not None else self.self_points


def evidence_path(instance: Evidence, filename: str) -> str:
    """Files live under their content hash: the same file is stored once and never overwritten."""
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A document supporting the score of one criterion (tài liệu kiểm chứng)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(_("mã tiêu chí"), max_length=40)
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed = models.BooleanField(_("đã gỡ"), default=False)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Explanation(models.Model):
    """The unit's answer (giải trình) to an appraised difference, one per criterion and round."""

    score = models.ForeignKey(CriterionScore, on_delete=models.CASCADE, related_name="explanations")
    round = models.PositiveSmallIntegerField(_("vòng"))
    text = models.TextField(_("nội dung giải trình"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giải trình")
        verbose_name_plural = _("giải trình")
        ordering = ["round", "created"]


class AuditEntry(models.Model):
    """The workflow's narrative: who did what, when, from what to what, and why — for scores,
    evidence and states, shown on the assessment's pages.

    The change log of record is the generic one (`chiso.core.changelog`: every create, update and
    delete, append-only); an entry here carries the same request id (`cid`), so the change log can
    show the reason given. Entries outlive their cycle and assessment: deleting them leaves the
    entries, with the cycle's and the unit's names kept as they were."""

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(max_length=150)
    action = models.CharField(_("hành động"), max_length=40)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit")
    cycle_name = models.CharField(_("kỳ đánh giá"), max_length=300, blank=True)
    unit_name = models.CharField(_("đơn vị"), max_length=300, blank=True)
    cid = models.CharField(_("mã yêu cầu"), max_length=255, blank=True, db_index=True)
    criterion = models.CharField(_("mã tiêu chí"), max_length=40, blank=True, db_index=True)
    field = models.CharField(_("trường"), max_length=40, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-time", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the names of the cycle and the unit, and the request id, with the entry."""
        if self.cycle is not None and not self.cycle_name:
            self.cycle_name = self.cycle.name[:300]
        if self.assessment is not None and not self.unit_name:
            self.unit_name = self.assessment.unit.name[:300]
        if not self.cid:
            self.cid = current_request_id() or ""
        super().save(*args, **kwargs)


# -- a cycle's figures, computed once per version ---------------------------------------------------


class CycleVersion(models.Model):
    """How many times the figures of a cycle may have changed: every save or deletion of a criterion
    score, every unit added to or taken from the cycle, every change of the units' blocks moves it on
    (`chiso.assessments.standings`). The stored standings are read only while their version is the
    current one. Not in the change log: it is a counter, not a figure."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)


class CycleStanding(models.Model):
    """A cycle's league table at one stage, as computed at one version (a cache of what the engine
    computes from the stored points: never edited, replaced when the version moves on). `summary`
    holds what the whole table shares: the number ranked and N, the means of the total and of each
    field, the blocks with their means, last year's cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10)
    version = models.PositiveBigIntegerField()
    key = models.CharField(max_length=200)  # what else the figures depend on: framework, last year
    summary = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    # Set by `standings.standing_of(…, wait=False)`, not stored: the points changed since this table
    # was computed (a page shows it with a note), and the job computing the current one.
    stale: bool = False
    refreshing: Any = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "stage"], name="cyclestanding_unique_stage")]


class UnitStanding(models.Model):
    """One unit's line of a `CycleStanding`: its place in the league table (`position`), total, rank,
    block and, in `figures`, the rest of its profile (field points and ranks, group, change, block
    rank), as plain JSON with decimals as strings."""

    standing = models.ForeignKey(CycleStanding, on_delete=models.CASCADE, related_name="units")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    block = models.CharField(max_length=40, blank=True)  # the block's code ("" without one)
    total = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True)
    rank = models.PositiveIntegerField(null=True)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["standing", "position"], name="unitstanding_position"),
            models.Index(fields=["standing", "block", "position"], name="unitstanding_block"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["standing", "assessment"], name="unitstanding_unique_unit")
        ]

"""Questionnaires, surveys, responses, imports and stored results.

A questionnaire is an XLSForm kept by content hash with its parsed definition; a survey runs one
questionnaire in one year over units of one level; responses are idempotent per submission id; every
stored result row carries the method that produced it.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.units.models import Level, Organiser, Unit


def questionnaire_path(instance: Questionnaire, filename: str) -> str:
    """The form file lives under its content hash: the same file is stored once."""
    return f"surveys/forms/{instance.sha256[:2]}/{instance.sha256}.xlsx"


class Questionnaire(models.Model):
    """An XLSForm (KoboToolbox / ODK) with chiso's columns, and what chiso read from it."""

    class Origin(models.TextChoices):
        UPLOAD = "upload", _("Tải lên")
        SHIPPED = "shipped", _("Có sẵn trong chiso")

    name = models.CharField(_("tên bảng hỏi"), max_length=300)
    form_id = models.CharField(_("mã biểu mẫu"), max_length=100, blank=True)
    version = models.CharField(_("phiên bản"), max_length=60, blank=True)
    file = models.FileField(_("tệp XLSForm"), upload_to=questionnaire_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    definition = models.JSONField(_("định nghĩa"))
    satisfied = models.CharField(
        _("đáp án tính là hài lòng"),
        max_length=100,
        blank=True,
        help_text=_("Mã đáp án cách nhau bởi dấu cách, ví dụ «4 5»; để trống: theo bảng hỏi (top-2)."),
    )
    respondent_types = models.JSONField(_("loại người trả lời"), default=list, blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    origin = models.CharField(_("xuất xứ"), max_length=10, choices=Origin.choices, default=Origin.UPLOAD)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bảng hỏi")
        verbose_name_plural = _("bảng hỏi")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.name

    def form(self):
        """The questionnaire as the reader's `Form` (from the stored definition, not the file)."""
        from chiso.surveys.definition import form_from_dict

        return form_from_dict(self.definition)

    def satisfied_codes(self) -> list[str] | None:
        """The questionnaire-wide satisfied answers, or None to use each question's own rule."""
        codes = self.satisfied.replace(",", " ").split()
        return codes or None


class Survey(models.Model):
    """One survey round: a questionnaire asked in a year of the units of one level."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang thu phiếu")
        CLOSED = "closed", _("Đã đóng")

    class Aggregation(models.TextChoices):
        RESPONDENT_MEAN = "respondent_mean", _("Trung bình theo người trả lời")
        POOLED = "pooled", _("Gộp mọi câu trả lời")

    class Singleton(models.TextChoices):
        ERROR = "error", _("Báo lỗi")
        SKIP = "skip", _("Bỏ qua (phương sai 0)")
        CENTER = "center", _("Quy về trung bình chung")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("tên đợt khảo sát"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"))
    unit_level = models.CharField(_("cấp đơn vị"), max_length=16, choices=Level.choices)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.OPEN)
    aggregation = models.CharField(
        _("cách gộp yếu tố"),
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.RESPONDENT_MEAN,
    )
    singleton = models.CharField(
        _("tầng chỉ có một PSU"), max_length=10, choices=Singleton.choices, default=Singleton.ERROR
    )
    min_n = models.PositiveIntegerField(_("cỡ mẫu tối thiểu"), default=30)
    published = models.BooleanField(_("công khai kết quả"), default=False)
    organiser = models.ForeignKey(
        Organiser,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("đơn vị tổ chức"),
        help_text=_("Để trống: đợt khảo sát của đơn vị tổ chức cấp cao nhất."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    estimated_at = models.DateTimeField(_("thời điểm tính"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt khảo sát")
        verbose_name_plural = _("đợt khảo sát")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def credit(self) -> str:
        """What the public pages and the data cite for this survey's figures: who ran it, the
        survey and year, and the questionnaire with its source (the method's document)."""
        from django.utils.translation import gettext

        parts = [
            self.organiser.display_name if self.organiser else "",
            gettext("{title}, năm {year}").format(title=self.title, year=self.year),
            gettext("bảng hỏi: {name}").format(name=self.questionnaire.name),
        ]
        # The decision the questionnaire follows, from its source note (which is written for the
        # officers, not the public): "… following the structure of Quyết định 1001/QĐ-BNV …".
        decisions = dict.fromkeys(re.findall(r"\b\d+/QĐ-[A-ZĐ]+\b", self.questionnaire.source or ""))
        parts += [gettext("theo Quyết định {number}").format(number=number) for number in decisions]
        return ", ".join(p for p in parts if p)


class ImportBatch(models.Model):
    """One successful import of a response file: what came in, what was refused and why.

    Its accepted responses are one Parquet file in the data folder (`path`, with its `columns`;
    `imported` rows), read by `chiso.surveys.services.answers` — not a row per response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    valid_only = models.BooleanField(_("chỉ nhập dòng hợp lệ"), default=False)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    imported = models.PositiveIntegerField(_("số phiếu nhập"), default=0)
    invalid_rows = models.PositiveIntegerField(_("số dòng lỗi"), default=0)
    duplicates = models.PositiveIntegerField(_("số phiếu trùng"), default=0)
    problems = models.JSONField(_("các lỗi"), default=list, blank=True)
    path = models.CharField(_("tệp câu trả lời"), max_length=200, blank=True)
    columns = models.JSONField(_("các cột"), default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported})"


class Response(models.Model):
    """One respondent's paper questionnaire typed in by a user (an import's responses are its
    batch's Parquet file; `Source.IMPORT` rows are only those of a database not yet migrated)."""

    class Source(models.TextChoices):
        IMPORT = "import", _("Nhập từ tệp")
        PAPER = "paper", _("Phiếu giấy")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submission_id = models.CharField(_("mã phiếu"), max_length=120)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_responses")
    respondent_type = models.CharField(_("loại người trả lời"), max_length=40)
    weight = models.FloatField(_("trọng số"), null=True, blank=True)
    stratum = models.CharField(_("tầng"), max_length=100, blank=True)
    psu = models.CharField(_("đơn vị mẫu cấp 1"), max_length=100, blank=True)
    answers = models.JSONField(_("câu trả lời"), default=dict)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.IMPORT)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["survey", "submission_id"], name="response_unique_submission")
        ]

    def __str__(self) -> str:
        return self.submission_id


class SurveyResult(models.Model):
    """One estimate: a unit × respondent type ("*" = all) × question, factor or the overall index."""

    class ResultLevel(models.TextChoices):
        QUESTION = "question", _("Câu hỏi")
        FACTOR = "factor", _("Yếu tố")
        OVERALL = "overall", _("Chung")

    ALL_TYPES = "*"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_results")
    respondent_type = models.CharField(_("loại người trả lời"), max_length=40)
    level = models.CharField(_("mức"), max_length=10, choices=ResultLevel.choices)
    code = models.CharField(_("mã"), max_length=60)
    n = models.PositiveIntegerField(_("số người trả lời"))
    n_eff = models.FloatField(_("cỡ mẫu hiệu dụng"), null=True, blank=True)
    index = models.FloatField(_("chỉ số (tỷ lệ 0–1)"))
    se = models.FloatField(_("sai số chuẩn"), null=True, blank=True)
    ci_low = models.FloatField(_("cận dưới 95%"), null=True, blank=True)
    ci_high = models.FloatField(_("cận trên 95%"), null=True, blank=True)
    df = models.IntegerField(_("bậc tự do"), default=0)
    small_n = models.BooleanField(_("cỡ mẫu nhỏ"), default=False)
    method = models.JSONField(_("phương pháp"))
    computed_at = models.DateTimeField(_("thời điểm tính"))

    class Meta:
        verbose_name = _("kết quả khảo sát")
        verbose_name_plural = _("kết quả khảo sát")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit", "respondent_type", "level", "code"], name="surveyresult_unique"
            )
        ]
        indexes = [models.Index(fields=["survey", "level", "respondent_type"])]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.unit_id} {self.respondent_type} {self.code}: {self.index:.4f}"

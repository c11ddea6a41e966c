"""Published or computed results: one result set per index and year, one value per unit and node."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.core.points import VALUE_DIGITS, VALUE_PLACES
from chiso.frameworks.models import Framework, Index
from chiso.units.models import Unit


class Dataset(models.Model):
    """Where figures come from: a publisher's table, a user's file, an internal assessment cycle."""

    code = models.SlugField(_("mã"), max_length=80, unique=True)
    title = models.CharField(_("tên"), max_length=300)
    publisher = models.CharField(_("cơ quan công bố"), max_length=200, blank=True)
    document = models.CharField(_("văn bản công bố"), max_length=200, blank=True)
    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    attribution = models.TextField(_("ghi nguồn"), blank=True)
    builtin = models.BooleanField(_("có sẵn"), default=False)
    imported_file = models.CharField(_("tệp nhập"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bộ dữ liệu")
        verbose_name_plural = _("bộ dữ liệu")

    def __str__(self) -> str:
        return self.title

    @property
    def credit(self) -> str:
        """What public pages and exports cite for these figures: the dataset's own attribution,
        else its publisher and the document that published it ("Bộ Nội vụ, Quyết định 268/QĐ-BNV")."""
        if self.attribution:  # the built-in attributions are in the catalogue: English on English pages
            return gettext(self.attribution)
        return ", ".join(part for part in (self.publisher, self.document) if part) or self.title


class ResultSetQuerySet(models.QuerySet):
    def published(self) -> ResultSetQuerySet:
        """The result sets the public sees: one per index-year at most."""
        return self.filter(status=ResultSet.Status.PUBLISHED)

    def current(self) -> ResultSetQuerySet:
        """Drafts and published result sets (not the superseded versions)."""
        return self.exclude(status=ResultSet.Status.SUPERSEDED)

    def annual(self) -> ResultSetQuerySet:
        """The result sets of whole years (every annual index; not a month or quarter of the 766)."""
        return self.filter(period="")

    def of_period(self, period: str = "") -> ResultSetQuerySet:
        """The result sets of one period of their year ("" the whole year, "2025-10", "2025-Q4")."""
        return self.filter(period=period)

    def of_level(self, level: str) -> ResultSetQuerySet:
        """The result sets of the units of one level ("department", "commune" …)."""
        return self.filter(level=level)


class ResultSet(models.Model):
    """The results of one index for one year (or one period of it), scored on one framework version.

    `period` is "" for the whole year (every annual index), else the month ("2025-10") or quarter
    ("2025-Q4") of the year the figures are about (`chiso.engine.periods`): the real-time 766 index
    is computed per month, quarter and year. `level` is the level of its units: an index of several
    levels (`Index.levels`: the 766 ranks departments and communes) has one result set per level,
    each ranking its units among their own level; a set written without one is of the index's first
    level. An index-year-period-level may have several versions: at most one published (what the
    public sees), at most one draft (imported, not yet published), and the superseded ones, kept for
    the officer."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("bản nháp")
        PUBLISHED = "published", _("đã công bố")
        SUPERSEDED = "superseded", _("đã thay thế")

    index = models.ForeignKey(Index, on_delete=models.PROTECT, related_name="result_sets")
    year = models.PositiveSmallIntegerField(_("năm"))
    period = models.CharField(_("kỳ"), max_length=10, blank=True, default="")
    level = models.CharField(_("cấp đơn vị"), max_length=16)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="result_sets")
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="result_sets")
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("thời điểm công bố"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The method that produced the figures (`chiso.frameworks.method`): the framework's content hash
    # and version, the ranking precision, the group rule, the peers, the code version.
    method = models.JSONField(_("phương pháp"), default=dict, blank=True)

    objects = ResultSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả năm")
        verbose_name_plural = _("kết quả năm")
        ordering = ["index__code", "year", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["index", "year", "period", "level", "version"], name="resultset_unique_version"
            ),
            models.UniqueConstraint(
                fields=["index", "year", "period", "level"],
                condition=models.Q(status="published"),
                name="resultset_one_published",
            ),
            models.UniqueConstraint(
                fields=["index", "year", "period", "level"],
                condition=models.Q(status="draft"),
                name="resultset_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index.short_name} {self.period or self.year} (v{self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A result set written without a level is of its index's first level."""
        if not self.level:
            self.level = self.index.unit_level
        super().save(*args, **kwargs)

    @property
    def period_label(self) -> str:
        """ "năm 2025", "tháng 10/2025", "quý IV/2025"."""
        from chiso.engine.periods import period_label

        return period_label(self.year, self.period)


class UnitResult(models.Model):
    """One unit's result in a result set; its values are in `NodeValue` rows."""

    class Status(models.TextChoices):
        COMPLETE = "complete", _("đầy đủ")
        PARTIAL = "partial", _("một phần")
        NOT_PUBLISHED = "not_published", _("không công bố")

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="unit_results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="results")
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status.choices, default=Status.COMPLETE)
    published_rank = models.PositiveSmallIntegerField(_("thứ hạng công bố"), null=True, blank=True)
    published_group = models.CharField(_("nhóm công bố"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kết quả của đơn vị")
        verbose_name_plural = _("kết quả của đơn vị")
        constraints = [models.UniqueConstraint(fields=["result_set", "unit"], name="unitresult_unique_unit")]


class NodeValue(models.Model):
    """The points of one node of the framework (a dimension, a field, the total) for one unit."""

    unit_result = models.ForeignKey(UnitResult, on_delete=models.CASCADE, related_name="values")
    node_code = models.CharField(_("mã tiêu chí"), max_length=40)
    value = models.DecimalField(_("điểm"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)

    class Meta:
        verbose_name = _("điểm theo tiêu chí")
        verbose_name_plural = _("điểm theo tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["unit_result", "node_code"], name="nodevalue_unique_node")
        ]


class PublishedFigure(models.Model):
    """A figure published about a result set as a whole (e.g. the national mean), kept verbatim."""

    class Kind(models.TextChoices):
        NATIONAL_MEAN = "national_mean", _("trung bình cả nước")
        REGIONAL_MEAN = "regional_mean", _("trung bình vùng")

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="published_figures")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    node_code = models.CharField(_("mã tiêu chí"), max_length=40, default="total")
    region = models.CharField(_("vùng"), max_length=100, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    source = models.CharField(_("nguồn"), max_length=500)

    class Meta:
        verbose_name = _("số liệu công bố")
        verbose_name_plural = _("số liệu công bố")

"""Indices and their versioned criteria frameworks, stored as the framework's dictionary form."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.engine import frameworks as engine_frameworks
from chiso.engine.i18n import localized


class Index(models.Model):
    """An index that units are scored and ranked on (PAPI, PCI, PAR INDEX, SIPAS, an internal one)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=40)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    publisher = models.CharField(_("cơ quan công bố"), max_length=200, blank=True)
    unit_level = models.CharField(_("cấp đơn vị được đánh giá"), max_length=16, default="province")
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def name(self) -> str:
        """The index's full name in the active language."""
        return localized(self.name_vi, self.name_en)


class Framework(models.Model):
    """One version of an index's criteria framework, valid for a range of years.

    `definition` holds the framework in its dictionary (YAML) form; `to_engine()` parses it.
    """

    index = models.ForeignKey(Index, on_delete=models.PROTECT, related_name="frameworks")
    code = models.SlugField(_("mã"), max_length=80, unique=True)
    name_vi = models.CharField(_("tên"), max_length=300)
    scope = models.CharField(_("đối tượng đánh giá"), max_length=16, default="province")
    first_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=16, default="confirmed")
    definition = models.JSONField(_("định nghĩa"))
    builtin = models.BooleanField(_("có sẵn"), default=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khung tiêu chí")
        verbose_name_plural = _("khung tiêu chí")
        ordering = ["index__code", "first_year"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The framework's name in the active language (the English one is kept in its definition)."""
        return localized(self.name_vi, (self.definition or {}).get("name_en"))

    def to_engine(self) -> engine_frameworks.Framework:
        return engine_frameworks.framework_from_dict(self.definition)

    def covers(self, year: int) -> bool:
        return (self.first_year is None or self.first_year <= year) and (
            self.last_year is None or year <= self.last_year
        )


class CriterionMapping(models.Model):
    """How the criteria of one framework version correspond to those of the next, so that results
    stay comparable from year to year: old criterion code (of `source`) → new code (of `target`).

    `mapping` holds {old code: new code}; an old code mapped to "" (or absent) has no counterpart
    in the new framework; several old codes may map to one new code (criteria merged)."""

    source = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="mappings_out", verbose_name=_("khung cũ")
    )
    target = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="mappings_in", verbose_name=_("khung mới")
    )
    mapping = models.JSONField(_("đối chiếu mã tiêu chí"), default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đối chiếu tiêu chí giữa hai khung")
        verbose_name_plural = _("đối chiếu tiêu chí giữa hai khung")
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="criterionmapping_unique")]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"

"""Indices and their versioned criteria frameworks, stored as the framework's dictionary form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.engine import frameworks as engine_frameworks
from chiso.engine import indices as engine_indices
from chiso.engine.i18n import localized
from chiso.frameworks.method import group_rule_of


def no_groups() -> dict[str, str]:
    """The group rule of an index that defines no groups (the default: never an invented one)."""
    return {"method": engine_indices.NO_GROUPS}


class Index(models.Model):
    """An index that units are scored and ranked on (PAPI, PCI, PAR INDEX, SIPAS, an internal one).

    An index is data: its scale (`max_points`, or `percent`), the ranking precision and group rule
    its frameworks inherit when their files leave them out, the wording of its sentences (the share
    of the maximum, the peer noun for each level). `unit_level` is the level it ranks (the first of
    `unit_levels`, kept for the queries that filter on it). An index of an organiser (a province's
    own DDCI, a district's internal index) is managed by its officers; one without is shared."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=40)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    publisher = models.CharField(_("cơ quan công bố"), max_length=200, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    unit_level = models.CharField(_("cấp đơn vị được đánh giá"), max_length=16, default="province")
    unit_levels = models.JSONField(_("các cấp đơn vị được đánh giá"), default=list, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=10, decimal_places=4, null=True, blank=True)
    percent = models.BooleanField(_("chỉ số tính theo tỷ lệ %"), default=False)
    precision = models.PositiveSmallIntegerField(_("số chữ số thập phân khi xếp hạng"), default=2)
    groups = models.JSONField(_("cách chia nhóm"), default=no_groups, blank=True)
    share_of_max = models.BooleanField(_("nêu tỷ lệ phần trăm so với điểm tối đa"), default=False)
    peer_nouns = models.JSONField(_("danh từ chỉ các đơn vị cùng cấp"), default=dict, blank=True)
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)
    organiser = models.ForeignKey(
        "units.Organiser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indices",
        verbose_name=_("đơn vị tổ chức"),
        help_text=_("Để trống: chỉ số dùng chung (chỉ số quốc gia, chỉ số có sẵn)."),
    )

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep `unit_level` the first of `unit_levels` (and `unit_levels` never empty)."""
        if self.unit_levels:
            self.unit_level = self.unit_levels[0]
        else:
            self.unit_levels = [self.unit_level]
        super().save(*args, **kwargs)

    @property
    def levels(self) -> list[str]:
        """The unit levels the index assesses, the ranked one first."""
        return list(self.unit_levels or [self.unit_level])

    @property
    def maximum(self) -> Decimal | None:
        """The scale's maximum: 100 for a percentage index, else `max_points` (None: unknown)."""
        if self.percent:
            return Decimal(100)
        return None if self.max_points is None else Decimal(self.max_points)

    def group_rule(self) -> engine_frameworks.GroupRule:
        """The index's group rule as the engine reads it (none when the index defines none)."""
        return group_rule_of(self.groups)

    def defaults(self) -> engine_indices.IndexDefaults:
        """What a framework of this index inherits when its file does not say it."""
        return engine_indices.IndexDefaults(precision=self.precision, groups=self.group_rule())

    def peer_noun(self, level: str | None = None) -> str:
        """The noun for the peers of a unit at `level` (the ranked level by default)."""
        return engine_indices.peer_noun(level or self.unit_level, self.peer_nouns)

    def wording(self, level: str | None = None) -> engine_indices.IndexWording:
        """How sentences about a unit at `level` read (peer noun, percent, share of the maximum)."""
        return engine_indices.IndexWording(
            peer_noun=self.peer_noun(level), percent=self.percent, share_of_max=self.share_of_max
        )


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
    organiser = models.ForeignKey(
        "units.Organiser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frameworks",
        verbose_name=_("đơn vị tổ chức"),
        help_text=_("Để trống: khung dùng chung."),
    )
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
        """The framework as it is used: what its file leaves out (ranking precision, groups) comes
        from its index (`chiso.engine.indices.apply_index_defaults`)."""
        framework = engine_frameworks.framework_from_dict(self.definition)
        if framework.ranking.inherited:
            framework = engine_indices.apply_index_defaults(framework, self.index.defaults())
        return framework

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

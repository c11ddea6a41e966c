"""Administrative units with validity dates and lineage, identified by official code."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.engine import units as engine_units
from chiso.engine.i18n import localized


class Level(models.TextChoices):
    PROVINCE = engine_units.PROVINCE, _("Tỉnh, thành phố")
    DISTRICT = engine_units.DISTRICT, _("Huyện, quận, thị xã, thành phố thuộc tỉnh")
    COMMUNE = engine_units.COMMUNE, _("Xã, phường, đặc khu")
    DEPARTMENT = engine_units.DEPARTMENT, _("Sở, ban, ngành")
    OFFICE = engine_units.OFFICE, _("Phòng, ban chuyên môn")
    SERVICE_UNIT = engine_units.SERVICE_UNIT, _("Đơn vị sự nghiệp công lập")
    CENTRAL_AGENCY = engine_units.CENTRAL_AGENCY, _("Cơ quan Trung ương trên địa bàn")
    MINISTRY = engine_units.MINISTRY, _("Bộ, cơ quan ngang bộ")


class Unit(models.Model):
    """An administrative unit over one period of validity (official code + first valid day)."""

    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=16)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    kind = models.CharField(_("loại"), max_length=64, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    parent_code = models.CharField(_("mã đơn vị cấp trên"), max_length=16, blank=True)
    region = models.CharField(_("vùng"), max_length=100, blank=True)
    region_en = models.CharField(_("vùng (tiếng Anh)"), max_length=100, blank=True)
    subregion = models.CharField(_("tiểu vùng"), max_length=100, blank=True)
    is_central_city = models.BooleanField(_("thành phố trực thuộc trung ương"), default=False)
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"],
                name="unit_unique_code_period",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def display_name(self) -> str:
        """The unit's name in the active language (`name` is the Vietnamese, official one)."""
        return localized(self.name, self.name_en)

    @property
    def region_name(self) -> str:
        """The unit's region in the active language ("" when it has none)."""
        return localized(self.region, self.region_en) if self.region else ""

    def to_engine(self) -> engine_units.Unit:
        return engine_units.Unit(
            code=self.code,
            name=self.name,
            level=self.level,
            name_en=self.name_en,
            kind=self.kind,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            parent_code=self.parent_code or None,
            region=self.region or None,
            region_en=self.region_en or None,
            subregion=self.subregion or None,
            is_central_city=self.is_central_city,
            aliases=tuple(self.aliases),
        )


class UnitLineage(models.Model):
    """`old` became (part of) `new` on `effective` (merger, renaming, split)."""

    class Relation(models.TextChoices):
        MERGED_INTO = "merged_into", _("sáp nhập vào")
        RENAMED = "renamed", _("đổi tên thành")
        SPLIT_INTO = "split_into", _("chia tách thành")

    old = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successor_links")
    new = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessor_links")
    effective = models.DateField(_("ngày hiệu lực"))
    relation = models.CharField(_("quan hệ"), max_length=16, choices=Relation.choices)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lịch sử sắp xếp đơn vị")
        verbose_name_plural = _("lịch sử sắp xếp đơn vị")
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="lineage_unique_edge")]

    def __str__(self) -> str:
        return f"{self.old} → {self.new} ({self.effective:%d/%m/%Y})"


class UnitStatistic(models.Model):
    """A published figure about a unit (population, area) for a year, with its source.

    Used for population-weighted comparisons across the 2025 merger; never for ranking."""

    class Kind(models.TextChoices):
        POPULATION_CENSUS = "population_census", _("dân số (tổng điều tra)")
        POPULATION_AVERAGE = "population_average", _("dân số trung bình")
        AREA_KM2 = "area_km2", _("diện tích (km²)")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="statistics")
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=15, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=500)

    class Meta:
        verbose_name = _("số liệu về đơn vị")
        verbose_name_plural = _("số liệu về đơn vị")
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year"], name="unitstatistic_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.year}: {self.value}"


class Organiser(models.Model):
    """A body that runs indices for the units under it: a province's Department of Home Affairs
    (Sở Nội vụ), a district's Office of Home Affairs (Phòng Nội vụ), a ministry.

    Its officers and other roles (`accounts.Membership.organiser`), its own indices and frameworks and
    its cycles belong to it. The units it assesses are those whose parent is `unit` (the province's
    departments and communes, the district's offices and communes); an organiser without a unit (a
    ministry ranking the provinces) assesses every unit of a level. `parent` is the organiser above
    (the province's, for a district's)."""

    code = models.SlugField(_("mã đơn vị tổ chức"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị tổ chức"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisers",
        verbose_name=_("địa bàn (tỉnh, huyện) hoặc cơ quan"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị tổ chức cấp trên"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đơn vị tổ chức")
        verbose_name_plural = _("đơn vị tổ chức")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The organiser's name in the active language."""
        return localized(self.name, self.name_en)


class Block(models.Model):
    """A named group of units ranked among themselves (khối sở, ban, ngành; khối địa phương …), as a
    province publishes its internal rankings. `organiser` is the organiser whose block it is (none:
    shared by every organiser)."""

    code = models.SlugField(_("mã khối"), max_length=40, unique=True)
    name = models.CharField(_("tên khối"), max_length=200)
    name_en = models.CharField(_("tên khối (tiếng Anh)"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organiser,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="blocks",
        verbose_name=_("đơn vị tổ chức"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("khối")
        verbose_name_plural = _("khối")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The block's name in the active language."""
        return localized(self.name, self.name_en)


class BlockMembershipQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> BlockMembershipQuerySet:
        """The memberships in force on `day`."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class BlockMembership(models.Model):
    """A unit belongs to a block from `valid_from` to `valid_to` (open ends: always); units change
    blocks, so a unit has at most one block on any day."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="block_memberships")
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="memberships")
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = BlockMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("thành viên khối")
        verbose_name_plural = _("thành viên khối")
        ordering = ["unit", "valid_from"]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.block}"

    def clean(self) -> None:
        """The period is a period, and it overlaps no other block membership of the unit."""
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc trước ngày bắt đầu.")})
        if self.unit_id is None:
            return
        for other in BlockMembership.objects.filter(unit_id=self.unit_id).exclude(pk=self.pk):
            if overlaps(self.valid_from, self.valid_to, other.valid_from, other.valid_to):
                raise ValidationError(
                    _("Đơn vị đã thuộc {block} trong khoảng thời gian này.").format(block=other.block)
                )


def overlaps(start_a: date | None, end_a: date | None, start_b: date | None, end_b: date | None) -> bool:
    """Whether two periods (None: open end) share a day."""
    return (end_b is None or start_a is None or start_a <= end_b) and (
        end_a is None or start_b is None or start_b <= end_a
    )

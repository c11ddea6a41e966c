"""Roles: what a user may do, and for unit roles, in which unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    OFFICER = "officer", _("Cán bộ điều hành kỳ đánh giá (Sở, Phòng Nội vụ)")
    APPRAISER = "appraiser", _("Thẩm định")
    COUNCIL = "council", _("Hội đồng")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    LEADER = "leader", _("Lãnh đạo (xem)")


UNIT_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD)


class Membership(models.Model):
    """A user holds a role; unit staff and unit heads hold it for one unit, the other roles for one
    organiser (`units.Organiser`: a province's Sở Nội vụ, a district's Phòng Nội vụ) or, without an
    organiser, for the whole installation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    organiser = models.ForeignKey(
        "units.Organiser",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("đơn vị tổ chức"),
        help_text=_("Để trống: vai trò trên toàn hệ thống."),
    )

    class Meta:
        verbose_name = _("vai trò của người dùng")
        verbose_name_plural = _("vai trò của người dùng")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "organiser"], name="membership_unique", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=[r.value for r in UNIT_ROLES], unit__isnull=False, organiser__isnull=True
                )
                | (~models.Q(role__in=[r.value for r in UNIT_ROLES]) & models.Q(unit__isnull=True)),
                name="membership_unit_iff_unit_role",
            ),
        ]

    def __str__(self) -> str:
        where = f" — {self.unit.name}" if self.unit else f" — {self.organiser.name}" if self.organiser else ""
        return f"{self.user} : {self.get_role_display()}{where}"

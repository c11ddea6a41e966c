"""The few tables of the shared layer that belong to no domain app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """A one-time form token that was used (`chiso.core.once`): the same form posted again is a
    double submission and creates nothing. Kept for `once.KEEP`, then pruned."""

    token = models.CharField(max_length=64, unique=True)
    used = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("biểu mẫu đã gửi")
        verbose_name_plural = _("biểu mẫu đã gửi")

    def __str__(self) -> str:
        return self.token

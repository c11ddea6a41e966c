"""What the officer keeps beside the other apps' models: how the criteria of one framework version
correspond to those of the next, so that results stay comparable from year to year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.frameworks.models import Framework


class CriterionMapping(models.Model):
    """Old criterion code (of `source`) → new criterion code (of `target`).

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

"""Dossier imports (one Parquet file each in the data folder) and the computations of the 766 index."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierImport(models.Model):
    """One successful import of a dossier (or procedures) export.

    Its rows are one Parquet file of canonical columns in the data folder (`path`). A dossier imported
    again replaces the old one: its row is taken out of the earlier import's file (`rows` counts what
    each file holds now)."""

    class Kind(models.TextChoices):
        DOSSIERS = "dossiers", _("Hồ sơ")
        PROCEDURES = "procedures", _("Thủ tục công bố")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.DOSSIERS)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    imported = models.PositiveIntegerField(_("số dòng nhập"), default=0)
    replaced = models.PositiveIntegerField(_("số hồ sơ thay thế"), default=0)
    rows = models.PositiveIntegerField(_("số dòng trong tệp"), default=0)
    path = models.CharField(_("tệp dữ liệu"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[DossierImport] = models.Manager()

    class Meta:
        verbose_name = _("lần nhập hồ sơ")
        verbose_name_plural = _("lần nhập hồ sơ")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported})"


class DossierRun(models.Model):
    """One computation of the 766 index for a period (month 2025-10, quarter 2025-Q4, year 2025).

    `scores` holds every unit's node values (unit code → node code → points as text) and `measures`
    the counts they came from; `losses` the (unit, procedure) rows with the most late dossiers. The
    method that produced them: the engine, the files read, the seconds, the framework and when."""

    period = models.CharField(_("kỳ"), max_length=10, db_index=True)
    engine = models.CharField(_("bộ máy tính"), max_length=10)
    seconds = models.FloatField(_("số giây"), default=0)
    files = models.JSONField(_("các tệp"), default=list)
    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.PROTECT, related_name="dossier_runs"
    )
    scores = models.JSONField(_("điểm"), default=dict)
    measures = models.JSONField(_("số đo"), default=dict)
    losses = models.JSONField(_("nơi mất điểm"), default=list)
    # The index's result sets the run wrote, one per level that has scores (`dossiers.publish`), and
    # the unit codes it left out (no unit of any of the index's levels on the period's last day).
    result_sets = models.ManyToManyField("results.ResultSet", blank=True, related_name="dossier_runs")
    unmatched = models.JSONField(_("mã đơn vị không khớp"), default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[DossierRun] = models.Manager()

    class Meta:
        verbose_name = _("lần tính chỉ số 766")
        verbose_name_plural = _("lần tính chỉ số 766")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.period} ({self.engine})"

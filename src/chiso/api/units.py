"""Administrative units by official code: their periods of validity, names as of a year, and their
lineage (the 63 provinces merged into 34 on 1 July 2025, renamings, splits)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router

from chiso.api import schemas
from chiso.api.common import DEFAULT_LIMIT, NotFound, lazy_text, page
from chiso.results.services import reference_date
from chiso.units.models import Level, Unit, UnitLineage

router = Router(tags=["units"])


def _period(unit: Unit) -> dict[str, Any]:
    return {
        "level": unit.level,
        "code": unit.code,
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "parent_code": unit.parent_code,
        "region": unit.region,
        "region_en": unit.region_en,
    }


def _valid_on(day: date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


@router.get(
    "/units",
    response=schemas.Page[schemas.UnitPeriod],
    summary=lazy_text(gettext_lazy("Đơn vị hành chính")),
    description=lazy_text(
        gettext_lazy(
            "Các đơn vị của một cấp theo mã; year: các đơn vị có hiệu lực ngày 31/12 năm đó (63 tỉnh đến 2024, 34 từ 2025)."
        )
    ),
)
def units(
    request: HttpRequest,
    level: str = Level.PROVINCE,
    year: int | None = None,
    region: str = "",
    parent: str = "",
    limit: int = Query(DEFAULT_LIMIT, ge=1),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """The units of a level (provinces by default), by code; `year`: those valid on 31 December of
    that year (63 provinces up to 2024, 34 from 2025), each period of validity otherwise."""
    rows = Unit.objects.filter(level=level).order_by("code", "valid_from")
    if year is not None:
        rows = rows.filter(_valid_on(reference_date(year)))
    if region:
        rows = rows.filter(Q(region=region) | Q(region_en=region))
    if parent:
        rows = rows.filter(parent_code=parent)
    result = page(request, rows, limit, offset)
    result["items"] = [_period(unit) for unit in result["items"]]
    return result


def _edge(unit: Unit, link: UnitLineage) -> dict[str, Any]:
    return {
        "code": unit.code,
        "level": unit.level,
        "name": unit.name,
        "valid_from": unit.valid_from,
        "effective": link.effective,
        "relation": link.relation,
        "note": link.note,
    }


@router.get(
    "/units/{code}",
    response=schemas.UnitDetail,
    summary=lazy_text(gettext_lazy("Một đơn vị")),
    description=lazy_text(
        gettext_lazy(
            "Một đơn vị theo mã: các thời kỳ hiệu lực, tên vào năm year, các đơn vị tiền thân và kế thừa."
        )
    ),
)
def unit_detail(request: HttpRequest, code: str, level: str = "", year: int | None = None) -> dict[str, Any]:
    """A unit by its official code: every period of validity, its name on 31 December of `year`
    (today without it), the units it came from and those it became part of."""
    rows = Unit.objects.filter(code=code)
    if level:
        rows = rows.filter(level=level)
    periods = list(rows.order_by("level", "valid_from"))
    if not periods:
        raise NotFound(_("Không có đơn vị mã «{code}».").format(code=code))
    periods = [p for p in periods if p.level == periods[0].level]  # one level: the first (or the one asked)
    day = reference_date(year) if year is not None else date.today()
    shown = next((p for p in periods if p.to_engine().valid_on(day)), None)
    if shown is None and year is not None:
        raise NotFound(_("Đơn vị mã «{code}» không tồn tại năm {year}.").format(code=code, year=year))
    shown = shown or periods[-1]
    ids = [p.pk for p in periods]
    links = UnitLineage.objects.filter(Q(old_id__in=ids) | Q(new_id__in=ids)).select_related("old", "new")
    links = links.order_by("effective", "old__code", "new__code")
    return {
        "code": code,
        "level": shown.level,
        "name": shown.name,
        "name_en": shown.name_en,
        "periods": [_period(p) for p in periods],
        "predecessors": [_edge(link.old, link) for link in links if link.new_id in ids],
        "successors": [_edge(link.new, link) for link in links if link.old_id in ids],
    }

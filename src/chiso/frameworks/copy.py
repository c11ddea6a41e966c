"""Copying a framework into a new year, and carrying last year's values over to the new codes.

A province revises its framework most years: criteria are added, dropped, merged or renumbered.
`copy_framework` starts the new version from the old one; the officer then edits it (Excel) and
the criterion mapping (old code → new code). `map_previous` uses that mapping so that last year's
points can be set beside this year's, criterion by criterion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.engine.frameworks import Framework as EngineFramework
from chiso.frameworks.models import CriterionMapping, Framework
from chiso.frameworks.services import save_framework


class CopyError(ValueError):
    """The copy cannot be made; the message says why, in the active language."""


def suggested_code(code: str, year: int) -> str:
    """The old code with its last year-like number replaced: qn-cchc-so-2025 → qn-cchc-so-2026."""
    years = list(re.finditer(r"(19|20)\d\d", code))
    if years:
        last = years[-1]
        return f"{code[: last.start()]}{year}{code[last.end() :]}"
    return f"{code}-{year}"


def identity_mapping(old: EngineFramework, new: EngineFramework) -> dict[str, str]:
    """Every code of the old framework that the new one also has maps to itself."""
    new_codes = {node.code for node in new.nodes()}
    return {node.code: node.code for node in old.nodes() if node.code in new_codes}


@transaction.atomic
def copy_framework(
    source: Framework,
    new_code: str,
    first_year: int,
    last_year: int | None = None,
    name_vi: str = "",
) -> tuple[Framework, CriterionMapping]:
    """A new framework version with the same tree as `source`, and the identity mapping to it."""
    new_code = new_code.strip()
    if not new_code:
        raise CopyError(_("Cần mã khung mới."))
    if Framework.objects.filter(code=new_code).exists():
        raise CopyError(_("Mã khung {code} đã có.").format(code=new_code))
    if last_year is not None and last_year < first_year:
        raise CopyError(
            _("Năm cuối ({last}) trước năm đầu ({first}).").format(last=last_year, first=first_year)
        )
    old = source.to_engine()
    new = replace(
        old,
        code=new_code,
        name_vi=name_vi.strip() or old.name_vi,
        version=str(first_year),
        first_year=first_year,
        last_year=last_year,
    )
    target = save_framework(new)
    mapping = CriterionMapping.objects.create(
        source=source, target=target, mapping=identity_mapping(old, new)
    )
    return target, mapping


def mapping_between(source: Framework, target: Framework) -> dict[str, str]:
    """The stored mapping from one framework to another; identity when none is stored (or when
    both are the same version)."""
    if source.pk == target.pk:
        return {node.code: node.code for node in source.to_engine().nodes()}
    stored = CriterionMapping.objects.filter(source=source, target=target).first()
    if stored is not None:
        return dict(stored.mapping)
    return identity_mapping(source.to_engine(), target.to_engine())


def map_previous(
    values_by_old_code: Mapping[str, Decimal | None], mapping: Mapping[str, str]
) -> dict[str, Decimal | None]:
    """Last year's values under this year's codes.

    An old code without a counterpart (absent from the mapping, or mapped to "") is dropped.
    Old codes mapped to one new code (criteria merged) are added up; if any of them is missing
    (None), the merged value is missing too — a sum over part of the criteria is not comparable.
    """
    result: dict[str, Decimal | None] = {}
    for old_code, value in values_by_old_code.items():
        new_code = mapping.get(old_code) or ""
        if not new_code:
            continue
        if new_code not in result:
            result[new_code] = value
        else:
            current = result[new_code]
            result[new_code] = None if current is None or value is None else current + value
    return result

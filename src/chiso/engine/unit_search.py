"""Finding units by a name however it is typed: without accents, with or without "tỉnh"/"xã",
part of a name, an old name or an alias, or an official code.

    >>> from chiso.data import province_registry
    >>> [hit.unit.name for hit in search(province_registry(), "ninh thuan")]
    ['Ninh Thuận']
    >>> [hit.unit.name for hit in search(province_registry(), "Khánh")][:1]
    ['Khánh Hòa']

Pure: the caller loads the registry (and may keep a `SearchIndex` while the units do not change).
"""

from __future__ import annotations

from dataclasses import dataclass

from chiso.engine.names import match_key, plain_key, sort_key
from chiso.engine.units import LEVELS, Unit, UnitRegistry, strip_type_prefix

# How well a name matched, best first.
EXACT, CODE, STARTS, WORD, INSIDE = range(5)


@dataclass(frozen=True)
class SearchHit:
    """A unit found, the name (or alias) that matched, and how well (`EXACT` … `INSIDE`)."""

    unit: Unit
    matched: str
    quality: int


def query_key(text: str) -> str:
    """The form names are compared in: no accents, no case, no leading type word."""
    return plain_key(strip_type_prefix(match_key(text)))


class SearchIndex:
    """Every name and alias of a registry's units under its `query_key`, built once."""

    def __init__(self, registry: UnitRegistry) -> None:
        self.registry = registry
        self.entries: list[tuple[str, str, Unit]] = [
            (query_key(name), name, unit) for unit in registry.units for name in unit.names()
        ]
        self.codes: dict[str, list[Unit]] = {}
        for unit in registry.units:
            self.codes.setdefault(unit.code.lstrip("0") or "0", []).append(unit)

    def search(self, query: str, levels: tuple[str, ...] = LEVELS, limit: int = 20) -> list[SearchHit]:
        """The units whose name or alias contains the query (accents, case and type words aside),
        best matches first: the whole name, then names starting with it, then a word of the name
        starting with it, then anywhere; within one quality, higher levels and units valid today
        first, then by name. A query of digits also finds the unit holding that official code."""
        key = query_key(query)
        if not key:
            return []
        best: dict[object, SearchHit] = {}

        def keep(hit: SearchHit) -> None:
            if hit.unit.level not in levels:
                return
            found = best.get(hit.unit.ref)
            if found is None or hit.quality < found.quality:
                best[hit.unit.ref] = hit

        if key.replace(".", "").isdigit():
            for unit in self.codes.get(key.lstrip("0") or "0", []):
                keep(SearchHit(unit, unit.code, CODE))
        for name_key, name, unit in self.entries:
            if key not in name_key:
                continue
            if name_key == key:
                quality = EXACT
            elif name_key.startswith(key):
                quality = STARTS
            elif f" {key}" in f" {name_key}":
                quality = WORD
            else:
                quality = INSIDE
            keep(SearchHit(unit, name, quality))
        order = {level: i for i, level in enumerate(LEVELS)}
        return sorted(
            best.values(),
            key=lambda h: (
                h.quality,
                order.get(h.unit.level, len(order)),
                h.unit.valid_to is not None,
                sort_key(h.unit.name),
            ),
        )[:limit]


def search(
    registry: UnitRegistry, query: str, levels: tuple[str, ...] = LEVELS, limit: int = 20
) -> list[SearchHit]:
    """`SearchIndex(registry).search(...)` for one query (build the index once for many)."""
    return SearchIndex(registry).search(query, levels, limit)

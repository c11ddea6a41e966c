"""The unit registry: official codes, validity dates, lineage, and name resolution.

A unit is identified by its official code *and* the date it became valid: after the 2025
reorganisation some codes were reused by a different unit (code 80 was Long An until 30/06/2025
and is Tây Ninh from 01/07/2025). Names are only ever a way to find a code.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from chiso.engine.i18n import gettext as _
from chiso.engine.i18n import localized
from chiso.engine.names import match_key, nfc, plain_key, sort_key

PROVINCE = "province"
DISTRICT = "district"  # huyện, quận, thị xã, thành phố thuộc tỉnh: until 30/06/2025
COMMUNE = "commune"
DEPARTMENT = "department"  # sở, ban, ngành thuộc UBND cấp tỉnh
OFFICE = "office"  # phòng, ban chuyên môn thuộc UBND cấp huyện (cấp xã từ 01/07/2025)
SERVICE_UNIT = "service_unit"  # đơn vị sự nghiệp công lập (trường, bệnh viện, trung tâm …)
CENTRAL_AGENCY = "central_agency"  # cơ quan Trung ương trên địa bàn (Kho bạc, Thuế, Bảo hiểm xã hội …)
MINISTRY = "ministry"

# Every level a unit may have, territorial first, then the agencies from the province down, then
# the ministries: the one list the model's choices, the peer nouns and the command line follow.
LEVELS = (PROVINCE, DISTRICT, COMMUNE, DEPARTMENT, OFFICE, SERVICE_UNIT, CENTRAL_AGENCY, MINISTRY)
# The territorial levels, highest first: the order in which `resolve_any` looks for a name.
TERRITORIAL_LEVELS = (PROVINCE, DISTRICT, COMMUNE)
# The levels of units an organiser in a province assesses and puts in blocks (khối): everything but
# the provinces themselves and the ministries.
ORGANISED_LEVELS = (DISTRICT, COMMUNE, DEPARTMENT, OFFICE, SERVICE_UNIT, CENTRAL_AGENCY)

# Words (and their usual abbreviations) that precede a name without being part of it ("Tỉnh Ninh
# Thuận", "TP. Cần Thơ", "H. Bình Liêu", "Q. 1"), with the levels each can name. Longest first.
_PREFIX_LEVELS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (match_key(prefix), levels)
    for prefix, levels in (
        ("thành phố trực thuộc trung ương", (PROVINCE,)),
        ("thành phố thuộc tỉnh", (DISTRICT,)),
        ("thành phố", (PROVINCE, DISTRICT)),
        ("tp", (PROVINCE, DISTRICT)),
        ("tỉnh", (PROVINCE,)),
        ("huyện", (DISTRICT,)),
        ("h", (DISTRICT,)),
        ("quận", (DISTRICT,)),
        ("q", (DISTRICT,)),
        ("thị xã", (DISTRICT,)),
        ("tx", (DISTRICT,)),
        ("thị trấn", (COMMUNE,)),
        ("tt", (COMMUNE,)),
        ("phường", (COMMUNE,)),
        ("p", (COMMUNE,)),
        ("xã", (COMMUNE,)),
        ("đặc khu", (COMMUNE,)),
    )
)
_TYPE_PREFIXES = tuple(prefix for prefix, _levels in _PREFIX_LEVELS)


def strip_type_prefix(key: str) -> str:
    """Drop a leading administrative type word from a match key ("tỉnh ninh thuận" → "ninh thuận")."""
    for prefix in _TYPE_PREFIXES:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


def prefix_levels(key: str) -> tuple[str, ...] | None:
    """The levels a leading type word allows ("huyện bình liêu" → district), None without one."""
    for prefix, levels in _PREFIX_LEVELS:
        if key.startswith(prefix + " "):
            return levels
    return None


@dataclass(frozen=True)
class Unit:
    """An administrative unit as it existed over one period of validity."""

    code: str
    name: str
    level: str = PROVINCE
    name_en: str = ""
    kind: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    parent_code: str | None = None
    region: str | None = None
    region_en: str | None = None
    subregion: str | None = None
    is_central_city: bool = False
    aliases: tuple[str, ...] = ()
    # The block the unit is ranked in (khối sở, ban, ngành …) in the year analysed, when it has one.
    block: str | None = None
    block_en: str | None = None

    @property
    def ref(self) -> UnitRef:
        return UnitRef(self.level, self.code, self.valid_from)

    def valid_on(self, day: date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_to is None or day <= self.valid_to
        return starts_ok and ends_ok

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def display_name(self) -> str:
        """The unit's name in the active language (`name` is the Vietnamese, official one)."""
        return localized(self.name, self.name_en)

    @property
    def region_name(self) -> str | None:
        """The unit's region in the active language, None when it has none."""
        return localized(self.region, self.region_en) if self.region else None


@dataclass(frozen=True)
class UnitRef:
    """The identity of a unit: level, official code and first day of validity."""

    level: str
    code: str
    valid_from: date | None


@dataclass(frozen=True)
class Lineage:
    """One edge of the reorganisation history: `old` became (part of) `new` on `effective`."""

    old: UnitRef
    new: UnitRef
    effective: date
    relation: str = "merged_into"  # merged_into | renamed | split_into
    note: str = ""


class UnitError(LookupError):
    """A name or code that does not identify exactly one unit."""

    def __init__(self, message: str, query: str, suggestions: Iterable[str] = ()):
        self.query = query
        self.suggestions = list(suggestions)
        if self.suggestions:
            message += " " + _("Gần nhất: {names}.").format(names=", ".join(self.suggestions))
        super().__init__(message)


class UnknownUnitError(UnitError):
    """No unit has this name or code."""


class AmbiguousUnitError(UnitError):
    """Several units answer to this name; the caller must say which (by code or parent)."""


@dataclass
class UnitRegistry:
    """All units and their lineage, with name resolution. Pure data; loaded by the caller."""

    units: list[Unit]
    lineage: list[Lineage] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_ref: dict[UnitRef, Unit] = {}
        self._by_code: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self._by_key: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self._by_plain: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for unit in self.units:
            if unit.ref in self._by_ref:
                raise ValueError(f"duplicate unit {unit.ref}")
            self._by_ref[unit.ref] = unit
            self._by_code[(unit.level, _normalise_code(unit.code))].append(unit)
            for name in unit.names():
                for key in {match_key(name), strip_type_prefix(match_key(name))}:
                    self._add_unique(self._by_key[(unit.level, key)], unit)
                    self._add_unique(self._by_plain[(unit.level, plain_key(key))], unit)
        self._successors: dict[UnitRef, list[Lineage]] = defaultdict(list)
        self._predecessors: dict[UnitRef, list[Lineage]] = defaultdict(list)
        self._name_keys: dict[tuple[str, str | None], dict[str, str]] = {}
        for edge in self.lineage:
            for ref in (edge.old, edge.new):
                if ref not in self._by_ref:
                    raise ValueError(f"lineage names an unknown unit {ref}")
            self._successors[edge.old].append(edge)
            self._predecessors[edge.new].append(edge)

    @staticmethod
    def _add_unique(bucket: list[Unit], unit: Unit) -> None:
        if unit not in bucket:
            bucket.append(unit)

    # -- lookup -----------------------------------------------------------------------------------

    def get(self, ref: UnitRef) -> Unit:
        return self._by_ref[ref]

    def valid_units(self, level: str = PROVINCE, on: date | None = None) -> list[Unit]:
        """Units of a level valid on a day (all of them if no day), in Vietnamese name order."""
        chosen = [u for u in self.units if u.level == level and (on is None or u.valid_on(on))]
        return sorted(chosen, key=lambda u: sort_key(u.name))

    def by_code(self, code: str, level: str = PROVINCE, on: date | None = None) -> Unit:
        """The unit holding an official code on a day; codes are compared without leading zeros."""
        normalised = _normalise_code(code)
        candidates = self._by_code.get((level, normalised), [])
        unit = _pick_by_date(candidates, on)
        if unit is None:
            raise UnknownUnitError(_("Không có đơn vị mã {code!r}.").format(code=code), code)
        return unit

    def resolve(
        self,
        query: str,
        level: str = PROVINCE,
        on: date | None = None,
        parent_code: str | None = None,
        suggest: bool = True,
    ) -> Unit:
        """Find the one unit a user means by a code or a name (any spelling, alias or prefix).

        With a day, units valid that day are preferred; without one, the unit valid today, else
        the most recent one. An unknown name raises `UnknownUnitError` listing the closest names
        (unless `suggest` is false: a caller that will not show them saves the search).
        """
        text = nfc(str(query))
        if not text:
            raise UnknownUnitError(_("Tên đơn vị trống."), query)
        if _looks_like_code(text):
            return self.by_code(text, level, on)
        key = match_key(text)
        candidates = self._candidates(level, key)
        if parent_code is not None:
            candidates = [u for u in candidates if self.is_within(u, parent_code)]
        if not candidates:
            by_code = self._local_code(text, level, on)  # an organiser's own code: "22.SNV"
            if by_code is not None:
                return by_code
            raise UnknownUnitError(
                _("Không tìm thấy đơn vị {name!r}.").format(name=text),
                text,
                self.closest_names(text, level, parent_code=parent_code) if suggest else [],
            )
        chosen = _pick_by_date(candidates, on)
        if chosen is None:
            raise UnknownUnitError(
                _("{name!r} không còn hiệu lực vào ngày {day}.").format(name=text, day=f"{on:%d/%m/%Y}"),
                text,
                [f"{u.name} ({_validity(u)})" for u in candidates],
            )
        return _only_one(text, candidates, chosen)

    def _local_code(self, text: str, level: str, on: date | None) -> Unit | None:
        """The unit whose code is exactly `text` (a code with letters, that `_looks_like_code` does
        not take for one), or None."""
        try:
            return self.by_code(text, level, on)
        except UnitError:
            return None

    def resolve_any(
        self,
        query: str,
        on: date | None = None,
        levels: tuple[str, ...] = TERRITORIAL_LEVELS,
        parent_code: str | None = None,
    ) -> Unit:
        """Find a unit by code or name at whichever level holds it on a day, highest level first.

        "Bình Liêu" on a day of 2022 is the district (code 198), on a day after 30/06/2025 the
        commune; a type word narrows the levels ("Huyện Bình Liêu", "H. Bình Liêu" → district;
        "Thị trấn Bình Liêu" → commune). A code is read by its length (2 digits: province, 3:
        district, 5: commune).
        """
        text = nfc(str(query))
        if not text:
            raise UnknownUnitError(_("Tên đơn vị trống."), query)
        if _looks_like_code(text):
            return self.by_code(text, _level_of_code(text), on)
        key = match_key(text)
        allowed = prefix_levels(key) or levels
        allowed = tuple(level for level in levels if level in allowed) or levels
        day = on or date.today()
        out_of_date: list[Unit] = []
        for lookup in (
            lambda level: self._by_key.get((level, key)),
            lambda level: self._by_key.get((level, strip_type_prefix(key))),
            lambda level: self._by_plain.get((level, plain_key(key))),
            lambda level: self._by_plain.get((level, plain_key(strip_type_prefix(key)))),
        ):
            for level in allowed:
                candidates = [
                    u for u in lookup(level) or [] if parent_code is None or self.is_within(u, parent_code)
                ]
                chosen = _pick_by_date(candidates, day)
                if chosen is not None:
                    return _only_one(text, candidates, chosen)
                out_of_date.extend(u for u in candidates if u not in out_of_date)
        if out_of_date and on is not None:
            raise UnknownUnitError(
                _("{name!r} không còn hiệu lực vào ngày {day}.").format(name=text, day=f"{on:%d/%m/%Y}"),
                text,
                [f"{u.name} ({_validity(u)})" for u in out_of_date],
            )
        if out_of_date:
            return max(out_of_date, key=lambda u: u.valid_to or date.max)
        suggestions: list[str] = []
        for level in allowed:
            suggestions.extend(self.closest_names(text, level, limit=3, parent_code=parent_code))
        raise UnknownUnitError(_("Không tìm thấy đơn vị {name!r}.").format(name=text), text, suggestions)

    def is_within(self, unit: Unit, parent_code: str) -> bool:
        """Whether a unit lies in the unit of this code: its parent, or (for a commune before
        01/07/2025) the province of its district."""
        parent = _normalise_code(parent_code)
        own = _normalise_code(unit.parent_code or "")
        if own == parent:
            return True
        if unit.level != COMMUNE or not own:
            return False
        return any(
            _normalise_code(district.parent_code or "") == parent and _overlap(district, unit)
            for district in self._by_code.get((DISTRICT, own), [])
        )

    def _candidates(self, level: str, key: str) -> list[Unit]:
        for lookup_key in (key, strip_type_prefix(key)):
            found = self._by_key.get((level, lookup_key))
            if found:
                return list(found)
        for lookup_key in (plain_key(key), plain_key(strip_type_prefix(key))):
            found = self._by_plain.get((level, lookup_key))
            if found:
                return list(found)
        return []

    def closest_names(
        self, query: str, level: str = PROVINCE, limit: int = 5, parent_code: str | None = None
    ) -> list[str]:
        """The unit names nearest to a misspelt query, best first."""
        names = self._name_keys.get((level, parent_code))
        if names is None:
            names = {}
            for unit in self.units:
                if unit.level != level:
                    continue
                if parent_code is not None and not self.is_within(unit, parent_code):
                    continue
                for name in unit.names():
                    names.setdefault(plain_key(strip_type_prefix(match_key(name))), unit.name)
            self._name_keys[(level, parent_code)] = names
        target = plain_key(strip_type_prefix(match_key(query)))
        matches = difflib.get_close_matches(target, list(names), n=limit * 2, cutoff=0.5)
        result: list[str] = []
        for match in matches:
            if names[match] not in result:
                result.append(names[match])
        return result[:limit]

    # -- lineage ----------------------------------------------------------------------------------

    def successors(self, unit: Unit) -> list[Lineage]:
        return list(self._successors.get(unit.ref, ()))

    def predecessors(self, unit: Unit) -> list[Lineage]:
        return list(self._predecessors.get(unit.ref, ()))

    def current_successor(self, unit: Unit, on: date) -> Unit | None:
        """Follow lineage forward until a unit valid on `on` (None if the line ends)."""
        seen: set[UnitRef] = set()
        current = unit
        while not current.valid_on(on):
            if current.ref in seen:
                return None
            seen.add(current.ref)
            edges = [e for e in self.successors(current) if e.effective <= on]
            if len(edges) != 1:
                return None
            current = self.get(edges[0].new)
        return current


def _normalise_code(code: str) -> str:
    """Codes compare without leading zeros: "01", "1" and "001" are the same code."""
    text = str(code).strip()
    if not text.isdigit():
        return text
    return text.lstrip("0") or "0"


def _looks_like_code(text: str) -> bool:
    return text.isdigit()


def _pick_by_date(candidates: list[Unit], on: date | None) -> Unit | None:
    if not candidates:
        return None
    if on is not None:
        valid = [u for u in candidates if u.valid_on(on)]
        return valid[0] if valid else None
    today = date.today()
    valid_today = [u for u in candidates if u.valid_on(today)]
    if valid_today:
        return valid_today[0]
    return max(candidates, key=lambda u: u.valid_to or date.max)


def _only_one(text: str, candidates: list[Unit], chosen: Unit) -> Unit:
    """The chosen unit, unless another unit of the same name is valid over the same period."""
    same_time = [u for u in candidates if _same_period(u, chosen)]
    if len({u.ref for u in same_time}) > 1:
        raise AmbiguousUnitError(
            _("Có nhiều đơn vị tên {name!r}; hãy dùng mã.").format(name=text),
            text,
            [
                _("{name} (mã {code}{parent})").format(name=u.name, code=u.code, parent=_parent_label(u))
                for u in same_time
            ],
        )
    return chosen


def _level_of_code(code: str) -> str:
    """The territorial level an official code belongs to, by its number of digits."""
    digits = len(code.strip())
    return PROVINCE if digits <= 2 else DISTRICT if digits == 3 else COMMUNE


def _overlap(a: Unit, b: Unit) -> bool:
    """Whether two units' periods of validity share at least one day."""
    starts_before_b_ends = a.valid_from is None or b.valid_to is None or a.valid_from <= b.valid_to
    ends_after_b_starts = a.valid_to is None or b.valid_from is None or a.valid_to >= b.valid_from
    return starts_before_b_ends and ends_after_b_starts


def _same_period(a: Unit, b: Unit) -> bool:
    return a.valid_from == b.valid_from and a.valid_to == b.valid_to


def _validity(unit: Unit) -> str:
    start = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
    end = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else _("nay")
    return f"{start}–{end}"


def _parent_label(unit: Unit) -> str:
    return _(", thuộc {code}").format(code=unit.parent_code) if unit.parent_code else ""

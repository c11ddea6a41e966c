"""The tile-grid map of Vietnam's provinces: one equal square per province in its geographic place.

No boundary data that a package registry ships under a licence allowing redistribution matches the
63 provinces (see docs/maps.md), so the maps are tile grids, a common press format: each of the 63
provinces (to 30/06/2025) is one square at a (column, row) of `GRID_63`, designed by hand from the
provinces' positions so that neighbours stay neighbours. The 34 provinces (from 01/07/2025) are not
a second drawing: each is the union of its predecessors' squares, followed along the registry's
lineage (`UnitRegistry.predecessors`) — the grid dissolved the way the provinces were merged.

Every map shows the Hoàng Sa and Trường Sa archipelagos, at sea beside Đà Nẵng and Khánh Hòa, as
part of (and coloured like) the province they belong to, whichever registry is in force.

Colour classes have one definition each: `quantile_breaks` and `class_of` (scores, ranks) and
`change_step` and `change_class` (a diverging scale around zero).
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from chiso.engine.i18n import localized
from chiso.engine.units import PROVINCE, Unit, UnitRegistry

# code of a province of the 63 → (column, row); row 0 at the top (north), column 0 at the left (west).
GRID_63: dict[str, tuple[int, int]] = {
    # Trung du và miền núi phía Bắc, đồng bằng sông Hồng
    "12": (4, 0), "10": (5, 0), "02": (6, 0), "04": (7, 0),
    "11": (3, 1), "14": (4, 1), "15": (5, 1), "08": (6, 1), "06": (7, 1), "20": (8, 1),
    "17": (4, 2), "25": (5, 2), "26": (6, 2), "19": (7, 2), "24": (8, 2), "22": (9, 2),
    "38": (4, 3), "01": (5, 3), "35": (6, 3), "33": (7, 3), "27": (8, 3),
    "40": (4, 4), "37": (5, 4), "36": (6, 4), "34": (7, 4), "30": (8, 4), "31": (9, 4),
    # Bắc Trung Bộ, duyên hải miền Trung, Tây Nguyên
    "42": (4, 5),
    "44": (4, 6),
    "45": (4, 7), "46": (5, 7),
    "49": (5, 8), "48": (6, 8),
    "62": (5, 9), "51": (6, 9),
    "64": (5, 10), "52": (6, 10),
    "66": (5, 11), "54": (6, 11),
    "67": (4, 12), "68": (5, 12), "56": (6, 12),
    # Đông Nam Bộ, đồng bằng sông Cửu Long
    "70": (3, 13), "75": (4, 13), "60": (5, 13), "58": (6, 13),
    "72": (2, 14), "74": (3, 14), "77": (4, 14),
    "80": (2, 15), "79": (3, 15),
    "89": (0, 16), "87": (1, 16), "82": (2, 16), "83": (3, 16),
    "91": (0, 17), "92": (1, 17), "86": (2, 17), "84": (3, 17),
    "93": (1, 18), "94": (2, 18),
    "96": (1, 19), "95": (2, 19),
}  # fmt: skip
COLUMNS = 10
ROWS = 20

# Short labels written in the squares, by the province's Vietnamese name (codes were reused in 2025:
# 15 was Yên Bái and is Lào Cai); a name not listed gets its initials.
SHORT: dict[str, str] = {
    "Hà Nội": "HN", "Hà Giang": "HGi", "Cao Bằng": "CB", "Bắc Kạn": "BK", "Tuyên Quang": "TQ",
    "Lào Cai": "LCa", "Điện Biên": "ĐB", "Lai Châu": "LCh", "Sơn La": "SL", "Yên Bái": "YB",
    "Hòa Bình": "HB", "Thái Nguyên": "TN", "Lạng Sơn": "LS", "Quảng Ninh": "QNi", "Bắc Giang": "BG",
    "Phú Thọ": "PT", "Vĩnh Phúc": "VP", "Bắc Ninh": "BN", "Hải Dương": "HD", "Hải Phòng": "HP",
    "Hưng Yên": "HY", "Thái Bình": "TB", "Hà Nam": "HNa", "Nam Định": "NĐ", "Ninh Bình": "NB",
    "Thanh Hóa": "TH", "Nghệ An": "NA", "Hà Tĩnh": "HT", "Quảng Bình": "QB", "Quảng Trị": "QT",
    "Thừa Thiên Huế": "Huế", "Huế": "Huế", "Đà Nẵng": "ĐN", "Quảng Nam": "QNa",
    "Quảng Ngãi": "QNg", "Bình Định": "BĐ", "Phú Yên": "PY", "Khánh Hòa": "KH", "Ninh Thuận": "NT",
    "Bình Thuận": "BTh", "Kon Tum": "KT", "Gia Lai": "GL", "Đắk Lắk": "ĐL", "Đắk Nông": "ĐNô",
    "Lâm Đồng": "LĐ", "Bình Phước": "BP", "Tây Ninh": "TNi", "Bình Dương": "BD", "Đồng Nai": "ĐNa",
    "Bà Rịa - Vũng Tàu": "VT", "TP. Hồ Chí Minh": "HCM", "Long An": "LA", "Tiền Giang": "TG",
    "Bến Tre": "BTr", "Trà Vinh": "TV", "Vĩnh Long": "VL", "Đồng Tháp": "ĐT", "An Giang": "AG",
    "Kiên Giang": "KG", "Cần Thơ": "CT", "Hậu Giang": "HậG", "Sóc Trăng": "ST", "Bạc Liêu": "BL",
    "Cà Mau": "CM",
}  # fmt: skip


@dataclass(frozen=True)
class Archipelago:
    """An archipelago drawn at sea beside its province: its key, name, the province's code (the same
    code before and after 2025) and where its mark sits on the grid (column, row; fractions allowed)."""

    key: str
    name: str
    name_en: str
    province_code: str
    place: tuple[float, float]


ARCHIPELAGOS = (
    Archipelago("hoang-sa", "Quần đảo Hoàng Sa", "Hoang Sa (Paracel) Islands", "48", (8.0, 7.4)),
    Archipelago("truong-sa", "Quần đảo Trường Sa", "Truong Sa (Spratly) Islands", "56", (8.0, 12.4)),
)


@dataclass(frozen=True)
class Shape:
    """One province on the map: its unit, its squares and the square that carries its label."""

    unit: Unit
    tiles: tuple[tuple[int, int], ...]
    label_tile: tuple[int, int]

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def short(self) -> str:
        """The label in the square: Vietnamese ("ĐN", "Huế"), without diacritics in English ("DN")."""
        label = short_label(self.unit.name)
        return localized(label, unaccented(label))


def border(
    tiles: Sequence[tuple[int, int]], tile: float, gap: float
) -> list[tuple[float, float, float, float]]:
    """The outer border of a shape drawn as squares of side `tile` spaced by `gap` (a merged
    province's squares joined across the gaps): line segments (x1, y1, x2, y2), the grid's column c
    starting at c * (tile + gap). One line around a merged province, not one around each square."""
    inside = set(tiles)
    pitch = tile + gap
    lines: list[tuple[float, float, float, float]] = []
    for column, row in tiles:
        x, y = column * pitch, row * pitch
        if (column, row - 1) not in inside:
            lines.append((x, y, x + tile, y))
        if (column, row + 1) not in inside:
            lines.append((x, y + tile, x + tile, y + tile))
        if (column - 1, row) not in inside:
            lines.append((x, y, x, y + tile))
        if (column + 1, row) not in inside:
            lines.append((x + tile, y, x + tile, y + tile))
        if (column + 1, row) in inside:  # the join to the right: its top and bottom
            if not {(column, row - 1), (column + 1, row - 1)} <= inside:
                lines.append((x + tile, y, x + pitch, y))
            if not {(column, row + 1), (column + 1, row + 1)} <= inside:
                lines.append((x + tile, y + tile, x + pitch, y + tile))
        if (column, row + 1) in inside:  # the join below: its left and right
            if not {(column - 1, row), (column - 1, row + 1)} <= inside:
                lines.append((x, y + tile, x, y + pitch))
            if not {(column + 1, row), (column + 1, row + 1)} <= inside:
                lines.append((x + tile, y + tile, x + tile, y + pitch))
    return lines


def unaccented(text: str) -> str:
    """A Vietnamese text without its diacritics ("Đắk Nông" → "Dak Nong"), as English writes names."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def short_label(name: str) -> str:
    return SHORT.get(name) or "".join(word[0] for word in name.replace("TP. ", "").split() if word)[:3]


class MapError(LookupError):
    """A province of the registry has no square on the grid (the grid and the registry disagree)."""


def shapes(registry: UnitRegistry, on: date) -> list[Shape]:
    """The provinces valid on `on` as shapes of the grid: a province of the 63 is its square; a
    province formed by merging (2025) is the union of its predecessors' squares."""

    def tiles_of(unit: Unit, seen: frozenset) -> set[tuple[int, int]]:
        if unit.ref in seen:
            raise MapError(unit.code)
        edges = registry.predecessors(unit)
        if not edges:
            if unit.code not in GRID_63:
                raise MapError(unit.code)
            return {GRID_63[unit.code]}
        found: set[tuple[int, int]] = set()
        for edge in edges:
            found |= tiles_of(registry.get(edge.old), seen | {unit.ref})
        return found

    result = []
    for unit in registry.valid_units(PROVINCE, on):
        tiles = tiles_of(unit, frozenset())
        own = GRID_63.get(unit.code)
        label = own if own in tiles else min(tiles, key=lambda t: (t[1], t[0]))
        result.append(Shape(unit, tuple(sorted(tiles, key=lambda t: (t[1], t[0]))), label))
    return sorted(result, key=lambda s: (s.label_tile[1], s.label_tile[0]))


# -- colour classes ---------------------------------------------------------------------------------

CLASSES = 5
SEQUENTIAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # low → high score
DIVERGING = ("#b2182b", "#ef8a62", "#f2f2f2", "#67a9cf", "#2166ac")  # fall … no change … rise
GROUPS = ("#1a7f37", "#7cb342", "#f2b632", "#e0603e", "#8e44ad", "#5b6676")  # group 0 (best) …
NO_DATA = "#d5d9df"


def is_dark(colour: str) -> bool:
    """Whether white text reads better than dark text on this fill ("#rrggbb"; relative luminance)."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5


def quantile_breaks(values: Sequence[Decimal], classes: int = CLASSES) -> list[Decimal]:
    """The inner class limits splitting `values` into `classes` groups of (nearly) equal size: a value
    belongs to class i when breaks[i-1] <= value < breaks[i]. Repeated limits are dropped, so a list
    of equal values gives one class."""
    ordered = sorted(values)
    if not ordered:
        return []
    n = len(ordered)
    breaks: list[Decimal] = []
    for i in range(1, classes):
        limit = ordered[min(n - 1, (i * n + classes - 1) // classes)]
        if limit > ordered[0] and (not breaks or limit > breaks[-1]):
            breaks.append(limit)
    return breaks


def change_step(values: Sequence[Decimal]) -> Decimal:
    """The size of a "large" change on the diverging scale: the median size of the non-zero changes."""
    sizes = sorted(abs(v) for v in values if v)
    return sizes[len(sizes) // 2] if sizes else Decimal(1)


def class_of(value: Decimal | None, breaks: Sequence[Decimal]) -> int | None:
    """The class (0 = lowest) of a value given the inner limits from `quantile_breaks`; None for
    no value."""
    if value is None:
        return None
    return bisect.bisect_right(list(breaks), value)


def change_class(value: Decimal | None, step: Decimal) -> int | None:
    """The class of a change on the diverging scale, in DIVERGING's order: a fall of `step` or more,
    a smaller fall, no change, a rise smaller than `step`, a rise of `step` or more."""
    if value is None:
        return None
    if value == 0:
        return 2
    if value < 0:
        return 0 if -value >= step else 1
    return 4 if value >= step else 3

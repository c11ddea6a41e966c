"""The server-drawn charts: readable numbers in the page's language, names escaped, a ranking axis
that does not start at zero."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import translation

from chiso.core import svgcharts
from chiso.core.svgcharts import RankedEntry, Series


def test_ticks_are_round_and_cover_the_values():
    assert svgcharts.nice_ticks(35.2, 48.9) == [35, 40, 45, 50]
    assert svgcharts.nice_ticks(0.1, 0.93) == [0.0, 0.5, 1.0]
    ticks = svgcharts.nice_ticks(82, 91)
    assert ticks == [80, 85, 90, 95]  # covers both, and 82 and 91 look different (not from zero)


def test_numbers_follow_the_language_and_names_are_escaped():
    entries = [
        RankedEntry("Tỉnh <b>A</b>", 1, Decimal("47.25")),
        RankedEntry("Cao Bằng", 2, Decimal("46.5"), highlighted=True),
    ]
    svg = str(svgcharts.ranking_dots(entries, places=2, of=63))
    assert "<b>" not in svg and "Tỉnh &lt;b&gt;A&lt;/b&gt;" in svg
    assert "Cao Bằng — 2/63 · 46,50" in svg and "Cao Bằng 2/63" in svg
    assert re.search(r">\d+\.\d+<", svg) is None
    with translation.override("en"):
        english = str(svgcharts.ranking_dots(entries, places=2, of=63))
    assert "Cao Bằng — 2/63 · 46.50" in english


def test_bars_scale_to_their_own_maximum():
    svg = str(
        svgcharts.grouped_bars(
            [("d1", "Một"), ("d2", "Hai")],
            [Series("Điểm", "#000", [Decimal("5"), Decimal("5")])],
            maximum=[Decimal("10"), Decimal("5")],
        )
    )
    widths = [float(w) for w in re.findall(r'<rect x="4" y="[\d.]+" width="([\d.]+)"', svg)]
    assert len(widths) == 2 and abs(widths[1] - 2 * widths[0]) < 0.2  # half of 10, all of 5


def test_stacked_bars_count_each_state():
    svg = str(
        svgcharts.stacked_bars(["Sở Y tế"], [Series("Quá hạn", "#b00", [2]), Series("Xong", "#00b", [0])])
    )
    assert "Sở Y tế — Quá hạn: 2" in svg and "Xong: 0" not in svg
    assert svgcharts.ranking_dots([]).startswith("<svg")

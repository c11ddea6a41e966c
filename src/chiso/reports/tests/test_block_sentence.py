"""The report's comparison paragraph states the rank within the unit's block."""

from decimal import Decimal as D

from chiso.engine.analysis import YearAnalysis, YearResults
from chiso.engine.frameworks import Framework, Node
from chiso.engine.units import DEPARTMENT, Unit
from chiso.reports.narrative import comparison_paragraph

CENTRAL = "Khối cơ quan Trung ương trên địa bàn"


def test_comparison_paragraph_states_the_rank_within_the_block():
    framework = Framework(
        code="f", index="cchc", name_vi="CCHC", root=Node("total", "Tổng", max_points=D(100))
    )
    units = [
        Unit("a", "Sở A", level=DEPARTMENT, block="Khối sở, ban, ngành"),
        Unit("b1", "Cục B1", level=DEPARTMENT, block=CENTRAL),
        Unit("b2", "Cục B2", level=DEPARTMENT, block=CENTRAL),
    ]
    values: dict = {u.ref: {"total": D(score)} for u, score in zip(units, ["70", "90", "80"], strict=True)}
    profile = YearAnalysis(YearResults(framework, 2025, units, values)).profile(units[2].ref)
    paragraph = comparison_paragraph(profile)
    assert paragraph is not None
    assert paragraph.endswith("; xếp thứ 2/2 trong khối cơ quan Trung ương trên địa bàn.")

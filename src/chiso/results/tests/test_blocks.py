"""Published results of departments carry each department's block: the profile (and its JSON)
ranks it within the block; provinces have none."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from chiso.engine.analysis import BLOCK, YearAnalysis
from chiso.engine.frameworks import Framework, Node
from chiso.frameworks.models import Index
from chiso.results.presenters import profile_to_dict
from chiso.results.services import build_year_results
from chiso.units.blocks import set_block
from chiso.units.models import Block, Unit

pytestmark = pytest.mark.django_db


def test_department_results_rank_within_the_block():
    framework = Framework(
        code="f", index="ddci", name_vi="DDCI", root=Node("total", "Tổng", max_points=D(100))
    )
    scores = {"D.A": "80", "D.B": "70", "D.C": "90"}
    units = {
        code: Unit.objects.create(level="department", code=code, name=f"Sở {code}", parent_code="22")
        for code in scores
    }
    set_block(units["D.A"], Block.objects.get(code="so-ban-nganh"), date(2020, 1, 1))
    set_block(units["D.B"], Block.objects.get(code="so-ban-nganh"), date(2020, 1, 1))
    set_block(units["D.C"], Block.objects.get(code="don-vi-su-nghiep"), date(2020, 1, 1))
    raw = {units[code].to_engine().ref: {"total": D(value)} for code, value in scores.items()}
    analysis = YearAnalysis(build_year_results(framework, "department", 2024, raw))
    profile = analysis.profile(units["D.B"].to_engine().ref)
    assert (profile.rank, profile.of) == (3, 3)
    index = Index.objects.first()
    assert index is not None
    data = profile_to_dict(profile, index)
    assert {"kind": BLOCK, "name": "Khối sở, ban, ngành", "rank": 2, "of": 2, "mean": 75.0} in data[
        "peer_groups"
    ]
    # before the units entered their blocks there is no block rank
    before = YearAnalysis(build_year_results(framework, "department", 2019, raw))
    assert before.peer_group_rankings()[BLOCK] == {}

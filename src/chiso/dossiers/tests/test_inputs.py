"""The 766 framework as data: it loads without errors, its confirmed maxima, and its inputs from measures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from chiso.dossiers.aggregate import UNIT_MEASURES
from chiso.dossiers.inputs import LEAF_MEASURES, leaf_inputs
from chiso.engine.frameworks import framework_from_dict
from chiso.engine.rules import RuleContext, build_rule
from chiso.engine.validation import validate_framework

FILE = Path(__file__).resolve().parents[2] / "data" / "frameworks" / "service-766-2022.yaml"


def _framework() -> Any:
    return framework_from_dict(yaml.safe_load(FILE.read_text(encoding="utf-8")))


def test_five_groups_confirmed_maxima_and_unknowns() -> None:
    framework = _framework()
    assert framework.index == "dvc766"
    assert framework.root.max_points == Decimal(100)
    maxima = {node.code: node.max_points for node in framework.root.children}
    assert maxima == {"1": Decimal(18), "2": Decimal(20), "3": None, "4": None, "5": Decimal(18)}
    assert [p for p in validate_framework(framework) if p.severity == "error"] == []


def test_every_leaf_has_measures_that_exist() -> None:
    framework = _framework()
    leaves = {node.code for node in framework.leaves()} - {"1.2"}
    assert leaves == set(LEAF_MEASURES)
    for numerator, denominator in LEAF_MEASURES.values():
        for name in (*numerator.split("-"), denominator):
            assert name in UNIT_MEASURES, name


def test_inputs_score_the_confirmed_leaves() -> None:
    measures = {name: 0 for name in UNIT_MEASURES}
    measures.update(
        dossiers_to_process=200,
        dossiers_late=10,
        procedures_published=4,
        procedures_published_on_time=3,
        dossiers_received=150,
        dossiers_unsatisfied=15,
    )
    inputs = leaf_inputs(measures)
    assert inputs["2.1"] == {"numerator": 190, "denominator": 200}
    assert inputs["5.3"]["value"] == "90.00"
    framework = _framework()
    node = framework.node("2.1")
    assert node.rule is not None
    rule = build_rule(node.rule.type, node.rule.params, node.max_points)
    assert rule.score(inputs["2.1"], Decimal(20), RuleContext("2.1")) == Decimal(19)

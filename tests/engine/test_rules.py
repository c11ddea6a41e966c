"""Scoring rule types: parameters checked precisely, inputs scored exactly in Decimal."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from chiso.engine.rules import RULE_TYPES, RuleContext, ScoringInputError, build_rule, validate_rule

CTX = RuleContext(code="1.1.4")


def score(rule_type: str, params: dict, inputs: dict, max_points: str = "2", context: RuleContext = CTX) -> D:
    return build_rule(rule_type, params, D(max_points)).score(inputs, D(max_points), context)


def test_registry_has_every_required_type() -> None:
    required = {
        "manual",
        "proportional",
        "normalised_to_best",
        "step_table",
        "checklist",
        "target_attainment",
        "survey_share",
        "no_occurrence_full",
        "bonus",
        "penalty",
    }
    assert required <= set(RULE_TYPES)


def test_unknown_rule_type() -> None:
    [message] = validate_rule("magic", {}, D(1))
    assert "loại quy tắc không có: 'magic'" in message


# -- manual -----------------------------------------------------------------------------------------


def test_manual_accepts_points_within_range_and_decimal_comma() -> None:
    assert score("manual", {}, {"points": "1,5"}) == D("1.5")
    assert score("manual", {}, {"points": 2}) == D(2)
    assert score("manual", {}, {"points": D(0)}) == D(0)


@pytest.mark.parametrize("value", ["2.01", "-0.5", "abc", None])
def test_manual_rejects_bad_points_naming_criterion_and_field(value: object) -> None:
    with pytest.raises(ScoringInputError) as info:
        score("manual", {}, {"points": value})
    assert info.value.code == "1.1.4"
    assert info.value.field == "points"
    assert "1.1.4" in str(info.value) and "'points'" in str(info.value)


def test_manual_without_input_is_an_error() -> None:
    with pytest.raises(ScoringInputError, match="thiếu giá trị"):
        score("manual", {}, {})


# -- proportional -----------------------------------------------------------------------------------


def test_proportional_ratio_times_max_exact() -> None:
    assert score("proportional", {}, {"numerator": 3, "denominator": 4}) == D("1.5")
    assert score("proportional", {}, {"numerator": 1, "denominator": 3}, "3") == D(1)


def test_proportional_clamps_above_max() -> None:
    assert score("proportional", {}, {"numerator": 5, "denominator": 4}) == D(2)


@pytest.mark.parametrize(("mode", "expected"), [("full", D(2)), ("zero", D(0))])
def test_proportional_zero_denominator_modes(mode: str, expected: D) -> None:
    params = {"when_no_occurrence": mode}
    assert score("proportional", params, {"numerator": 0, "denominator": 0}) == expected


def test_proportional_zero_denominator_default_is_error() -> None:
    with pytest.raises(ScoringInputError) as info:
        score("proportional", {}, {"numerator": 0, "denominator": "0"})
    assert info.value.field == "denominator"


def test_proportional_missing_denominator_names_field() -> None:
    with pytest.raises(ScoringInputError) as info:
        score("proportional", {}, {"numerator": 1})
    assert info.value.field == "denominator"


def test_proportional_bad_mode_is_reported() -> None:
    [message] = validate_rule("proportional", {"when_no_occurrence": "maybe"}, D(2))
    assert "when_no_occurrence" in message


def test_rules_needing_a_maximum_reject_unknown_maximum() -> None:
    assert validate_rule("proportional", {}, None) == ["proportional: cần biết điểm tối đa của tiêu chí"]
    assert validate_rule("manual", {}, None) == []


# -- normalised_to_best -----------------------------------------------------------------------------


def test_normalised_to_best_uses_peer_values() -> None:
    context = RuleContext(code="4.2", peer_values={"4.2": [D(10), D(40), D(25)]})
    assert score("normalised_to_best", {}, {"value": 10}, "4", context) == D(1)
    assert score("normalised_to_best", {}, {"value": 40}, "4", context) == D(4)


def test_normalised_to_best_all_zero_and_no_peers() -> None:
    zeros = RuleContext(code="x", peer_values={"x": [D(0), D(0)]})
    assert score("normalised_to_best", {}, {"value": 0}, "4", zeros) == D(0)
    assert score("normalised_to_best", {"when_all_zero": "full"}, {"value": 0}, "4", zeros) == D(4)
    with pytest.raises(ScoringInputError, match="không có giá trị của các đơn vị"):
        score("normalised_to_best", {}, {"value": 1}, "4", RuleContext(code="x"))


def test_normalised_to_best_value_above_best_is_an_error() -> None:
    context = RuleContext(code="x", peer_values={"x": [D(3)]})
    with pytest.raises(ScoringInputError):
        score("normalised_to_best", {}, {"value": 4}, "4", context)


# -- step_table -------------------------------------------------------------------------------------

CAMAU_1_1_4 = {"steps": [{"min": 70, "points": 1}, {"min": 90, "points": 2, "strict": True}]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("69.99", 0), (70, 1), (85, 1), (90, 1), ("90,01", 2), (100, 2)],
)
def test_step_table_camau_plan_completion(value: object, expected: int) -> None:
    # "Thực hiện trên 90% kế hoạch: 2; từ 70% - 90%: 1; dưới 70%: 0"
    assert score("step_table", CAMAU_1_1_4, {"value": value}) == D(expected)


def test_step_table_rule_level_strict() -> None:
    params = {"strict": True, "steps": [{"min": 1, "points": 1}, {"min": 3, "points": 2}]}
    assert score("step_table", params, {"value": 1}) == D(0)
    assert score("step_table", params, {"value": 3}) == D(1)
    assert score("step_table", params, {"value": 4}) == D(2)


def test_step_table_below_param() -> None:
    params = {"steps": [{"min": 1, "points": 2}], "below": "0.5"}
    assert score("step_table", params, {"value": 0}) == D("0.5")


def test_step_table_validation_messages() -> None:
    decreasing = {"steps": [{"min": 4, "points": 2}, {"min": 3, "points": 1}]}
    assert validate_rule("step_table", decreasing, D(2)) == [
        "step_table: các ngưỡng phải tăng dần (bậc 2: 3)"
    ]
    assert validate_rule("step_table", {}, D(2)) == ["step_table: thiếu tham số 'steps'"]
    too_many = {"steps": [{"min": 1, "points": 3}]}
    [message] = validate_rule("step_table", too_many, D(2))
    assert "vượt điểm tối đa 2" in message
    bad = {"steps": [{"min": "abc", "points": 1}]}
    assert any("tham số 'min' không phải số" in m for m in validate_rule("step_table", bad, D(2)))
    # Same threshold, the second strict: "≥ 90 → 1, > 90 → 2" is increasing.
    same = {"steps": [{"min": 90, "points": 1}, {"min": 90, "points": 2, "strict": True}]}
    assert validate_rule("step_table", same, D(2)) == []


# -- checklist --------------------------------------------------------------------------------------

ITEMS = {"items": [{"code": "a", "points": 2}, {"code": "b", "points": "1.5"}, {"code": "c", "points": 1}]}


def test_checklist_sums_done_items() -> None:
    assert score("checklist", ITEMS, {"done": ["a", "c"]}, "5") == D(3)
    assert score("checklist", ITEMS, {"done": {"a": True, "b": True, "c": False}}, "5") == D("3.5")
    assert score("checklist", ITEMS, {"done": []}, "5") == D(0)


def test_checklist_cap_and_maximum() -> None:
    assert score("checklist", {**ITEMS, "cap": 3}, {"done": ["a", "b", "c"]}, "5") == D(3)
    assert score("checklist", ITEMS, {"done": ["a", "b", "c"]}, "4") == D(4)


def test_checklist_unknown_item_is_an_error() -> None:
    with pytest.raises(ScoringInputError, match="mục không có: z"):
        score("checklist", ITEMS, {"done": ["a", "z"]}, "5")


def test_checklist_validation() -> None:
    dup = {"items": [{"code": "a", "points": 1}, {"code": "a", "points": 1}]}
    assert validate_rule("checklist", dup, D(5)) == ["checklist: mã mục 'a' bị trùng"]
    assert validate_rule("checklist", {**ITEMS, "cap": 6}, D(5)) == [
        "checklist: 'cap' có 6 điểm, vượt điểm tối đa 5"
    ]


# -- target_attainment ------------------------------------------------------------------------------


def test_target_attainment_all_or_nothing() -> None:
    params = {"target": 80}
    assert score("target_attainment", params, {"value": 80}, "6") == D(6)
    assert score("target_attainment", params, {"value": "79,9"}, "6") == D(0)


def test_target_attainment_proportional() -> None:
    params = {"target": 80, "partial": "proportional"}
    assert score("target_attainment", params, {"value": 60}, "6") == D("4.5")
    assert score("target_attainment", params, {"value": 95}, "6") == D(6)


def test_target_attainment_needs_target() -> None:
    assert validate_rule("target_attainment", {}, D(6)) == ["target_attainment: thiếu tham số 'target'"]


# -- survey_share -----------------------------------------------------------------------------------


def test_survey_share() -> None:
    assert score("survey_share", {}, {"index_percent": "82,66"}, "3") == D("2.4798")
    with pytest.raises(ScoringInputError, match="ngoài khoảng 0–100"):
        score("survey_share", {}, {"index_percent": 101}, "3")


# -- no_occurrence_full -----------------------------------------------------------------------------


def test_no_occurrence_full_with_deduction() -> None:
    params = {"deduction_per_occurrence": "0.5"}
    assert score("no_occurrence_full", params, {"occurrences": 0}) == D(2)
    assert score("no_occurrence_full", params, {"occurrences": 1}) == D("1.5")
    assert score("no_occurrence_full", params, {"occurrences": 9}) == D(0)


def test_no_occurrence_full_delegates_to_nested_rule() -> None:
    params = {"then": {"type": "proportional", "params": {}}}
    inputs = {"occurrences": 4, "numerator": 3, "denominator": 4}
    assert score("no_occurrence_full", params, inputs) == D("1.5")
    assert score("no_occurrence_full", params, {"occurrences": 0}) == D(2)


def test_no_occurrence_full_validation() -> None:
    assert len(validate_rule("no_occurrence_full", {}, D(2))) == 1
    nested_bad = {"then": {"type": "step_table", "params": {}}}
    assert validate_rule("no_occurrence_full", nested_bad, D(2)) == [
        "no_occurrence_full > then: step_table: thiếu tham số 'steps'"
    ]
    with pytest.raises(ScoringInputError, match="số nguyên không âm"):
        score("no_occurrence_full", {"deduction_per_occurrence": 1}, {"occurrences": "1.5"})


# -- choice -----------------------------------------------------------------------------------------


def test_choice() -> None:
    params = {"options": [{"code": "kip_thoi", "points": 1}, {"code": "muon", "points": "0,5"}]}
    assert score("choice", params, {"choice": "muon"}, "1") == D("0.5")
    with pytest.raises(ScoringInputError, match="'khac' không có trong các lựa chọn"):
        score("choice", params, {"choice": "khac"}, "1")


# -- bonus / penalty --------------------------------------------------------------------------------


def test_bonus_and_penalty_are_signed_and_capped() -> None:
    assert score("bonus", {}, {"points": "1.5"}, "2") == D("1.5")
    assert score("bonus", {}, {"points": 5}, "2") == D(2)
    assert score("penalty", {}, {"points": 1}, "3") == D(-1)
    assert score("penalty", {}, {"points": -1}, "3") == D(-1)
    assert score("penalty", {"per_item": "0.5"}, {"count": 10}, "3") == D(-3)
    with pytest.raises(ScoringInputError):
        score("bonus", {}, {"points": -1}, "2")


# -- messages ---------------------------------------------------------------------------------------


def test_messages_are_translated_through_the_installed_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    from chiso.engine import i18n

    catalogue = {
        "thiếu giá trị": "value missing",
        "Tiêu chí {code}, trường '{field}': {problem}": "Criterion {code}, field '{field}': {problem}",
        "{rule}: thiếu tham số '{key}'": "{rule}: parameter '{key}' missing",
    }
    monkeypatch.setattr(i18n, "_translate", lambda message: catalogue.get(message, message))
    with pytest.raises(ScoringInputError) as info:
        score("manual", {}, {})
    assert str(info.value) == "Criterion 1.1.4, field 'points': value missing"
    assert info.value.problem == "value missing"
    assert validate_rule("step_table", {}, D(2)) == ["step_table: parameter 'steps' missing"]

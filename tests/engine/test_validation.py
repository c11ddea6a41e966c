"""validate_framework: every check finds its problem, and a sound framework has none."""

from __future__ import annotations

import copy
from typing import Any

from chiso.engine.frameworks import framework_from_dict
from chiso.engine.validation import ERROR, WARNING, Problem, errors, validate_framework

SOUND: dict[str, Any] = {
    "code": "test-1",
    "index": "par_index",
    "name_vi": "Khung thử",
    "years": {"first": 2022, "last": 2023},
    "status": "confirmed",
    "ranking": {
        "precision": 2,
        "of": "peer_set",
        "groups": {
            "method": "bands",
            "bands": [
                {"label_vi": "A", "min_percent": 90},
                {"label_vi": "B", "min_percent": 80},
                {"label_vi": "C", "min_percent": 0},
            ],
        },
    },
    "adjustments": [{"code": "T1", "name_vi": "Thưởng", "kind": "bonus", "max_points": 2}],
    "root": {
        "code": "root",
        "name_vi": "Tổng",
        "max_points": 10,
        "children": [
            {
                "code": "1",
                "name_vi": "Lĩnh vực 1",
                "max_points": 6,
                "children": [
                    {
                        "code": "1.1",
                        "name_vi": "a",
                        "max_points": 4,
                        "method": "self",
                        "rule": {"type": "manual"},
                    },
                    {
                        "code": "1.2",
                        "name_vi": "b",
                        "max_points": 2,
                        "method": "data",
                        "rule": {"type": "proportional", "params": {"when_no_occurrence": "full"}},
                    },
                ],
            },
            {
                "code": "2",
                "name_vi": "Lĩnh vực 2",
                "max_points": 4,
                "method": "survey",
                "rule": {"type": "survey_share"},
            },
        ],
    },
}


def check(mutate) -> list[Problem]:
    data = copy.deepcopy(SOUND)
    mutate(data)
    return validate_framework(framework_from_dict(data))


def only(problems: list[Problem], severity: str) -> list[Problem]:
    return [p for p in problems if p.severity == severity]


def test_sound_framework_has_no_problem() -> None:
    assert validate_framework(framework_from_dict(SOUND)) == []


def test_duplicate_codes() -> None:
    def mutate(d):
        d["root"]["children"][1]["code"] = "1.1"

    problems = errors(check(mutate))
    assert any(p.code == "1.1" and "xuất hiện 2 lần" in p.message for p in problems)


def test_children_sum_differs_is_an_error() -> None:
    def mutate(d):
        d["root"]["children"][0]["children"][0]["max_points"] = 3

    [problem] = errors(check(mutate))
    assert problem.code == "1"
    assert problem.message == "tổng điểm tối đa của các nút con là 5, khác điểm tối đa 6"


def test_children_sum_short_in_a_partial_framework_is_a_warning() -> None:
    def mutate(d):
        d["status"] = "partial"
        d["root"]["children"][0]["children"][0]["max_points"] = 3

    problems = check(mutate)
    assert errors(problems) == []
    assert [p.code for p in only(problems, WARNING)] == ["1"]


def test_children_sum_above_parent_stays_an_error_in_a_partial_framework() -> None:
    def mutate(d):
        d["status"] = "partial"
        d["root"]["children"][0]["children"][0]["max_points"] = 5

    assert [p.code for p in errors(check(mutate))] == ["1"]


def test_unknown_maxima_give_warnings_not_errors() -> None:
    def mutate(d):
        d["root"]["children"][0]["max_points"] = "unknown"

    problems = check(mutate)
    assert errors(problems) == []
    assert sorted(p.code for p in only(problems, WARNING)) == ["1", "root"]


def test_known_children_above_parent_with_some_unknown_is_an_error() -> None:
    def mutate(d):
        d["root"]["max_points"] = 5
        d["root"]["children"][1]["max_points"] = "unknown"
        d["root"]["children"][1]["rule"] = {"type": "manual"}

    assert [p.code for p in errors(check(mutate))] == ["root"]


def test_leaf_without_rule() -> None:
    def mutate(d):
        del d["root"]["children"][1]["rule"]

    [problem] = check(mutate)
    assert (problem.code, problem.severity) == ("2", ERROR)

    def published(d):
        del d["root"]["children"][1]["rule"]
        d["root"]["children"][1]["method"] = "published"

    [problem] = check(published)
    assert (problem.code, problem.severity) == ("framework", WARNING)
    assert "1 tiêu chí lá không có quy tắc chấm điểm" in problem.message


def test_unknown_rule_type_and_bad_params() -> None:
    def mutate(d):
        d["root"]["children"][1]["rule"] = {"type": "magic"}
        d["root"]["children"][0]["children"][1]["rule"]["params"] = {"when_no_occurrence": "sometimes"}

    problems = errors(check(mutate))
    assert [p.code for p in problems] == ["1.2", "2"]
    assert "when_no_occurrence" in problems[0].message
    assert "loại quy tắc không có: 'magic'" in problems[1].message


def test_rule_points_above_maximum() -> None:
    def mutate(d):
        d["root"]["children"][1]["rule"] = {
            "type": "step_table",
            "params": {"steps": [{"min": 1, "points": 5}]},
        }

    [problem] = errors(check(mutate))
    assert problem.code == "2" and "vượt điểm tối đa 4" in problem.message


def test_negative_maximum() -> None:
    def mutate(d):
        d["root"]["children"][0]["children"][1]["max_points"] = -2
        d["root"]["children"][0]["children"][0]["max_points"] = 8

    problems = errors(check(mutate))
    assert any(p.code == "1.2" and "điểm tối đa âm" in p.message for p in problems)


def test_years_reversed() -> None:
    problems = errors(check(lambda d: d.update(years={"first": 2024, "last": 2022})))
    assert [p.code for p in problems] == ["framework"]
    assert problems[0].message == "năm đầu (2024) sau năm cuối (2022)"


def test_adjustment_kind() -> None:
    def mutate(d):
        d["adjustments"][0]["kind"] = "gift"

    [problem] = errors(check(mutate))
    assert problem.code == "T1" and "bonus hoặc penalty" in problem.message


def test_ranking_of() -> None:
    def mutate(d):
        d["ranking"]["of"] = "everyone"

    [problem] = errors(check(mutate))
    assert "ranking.of" in problem.message


def test_bands_must_decrease() -> None:
    def mutate(d):
        d["ranking"]["groups"]["bands"][1]["min_percent"] = 95

    [problem] = errors(check(mutate))
    assert "các ngưỡng nhóm phải giảm dần" in problem.message


def test_mean_aggregation_children_on_parent_scale() -> None:
    sipas = {
        "code": "s",
        "index": "sipas",
        "name_vi": "SIPAS",
        "aggregation": "mean",
        "ranking": {"groups": {"method": "none"}},
        "root": {
            "code": "sipas",
            "name_vi": "Chỉ số",
            "max_points": 100,
            "children": [
                {
                    "code": f"f{i}",
                    "name_vi": "yếu tố",
                    "max_points": 100,
                    "method": "survey",
                    "rule": {"type": "survey_share"},
                }
                for i in range(5)
            ],
        },
    }
    assert validate_framework(framework_from_dict(sipas)) == []
    sipas["root"]["children"][0]["max_points"] = 20
    [problem] = validate_framework(framework_from_dict(sipas))
    assert problem.severity == ERROR and "phải bằng của nút cha (100)" in problem.message
    # Summed, the same tree is wrong: five factors of 100 do not add up to 100.
    sipas["root"]["children"][0]["max_points"] = 100
    sipas["aggregation"] = "sum"
    assert [p.code for p in errors(validate_framework(framework_from_dict(sipas)))] == ["sipas"]


def test_problem_str_has_one_language() -> None:
    problem = Problem("1", "sai")
    assert str(problem) == "[error] 1: sai"


def test_weighted_aggregation_skips_sum_check_with_one_warning() -> None:
    def mutate(d):
        d["aggregation"] = "weighted"
        d["root"]["max_points"] = 100  # children 6 + 4 ≠ 100: not checked, the weights are unknown
        d["ranking"]["groups"] = {"method": "published"}

    [problem] = check(mutate)
    assert (problem.code, problem.severity) == ("framework", WARNING)
    assert "tổng có trọng số" in problem.message


def test_unknown_aggregation_and_group_method() -> None:
    def mutate(d):
        d["aggregation"] = "median"
        d["ranking"]["groups"]["method"] = "deciles"

    problems = errors(check(mutate))
    assert [p.message.split(":")[0] for p in problems] == [
        "cách tổng hợp phải là sum, mean, weighted, không phải 'median'",
        "cách phân nhóm không có",
    ]

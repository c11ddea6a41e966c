"""`chiso whatif`, `chiso target`, `chiso losses` on the real PAPI data."""

import json

import pytest

from chiso.cli.main import main

pytestmark = pytest.mark.django_db


def run_json(capsys, *args):
    assert main([*args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_whatif_cao_bang(capsys):
    data = run_json(capsys, "whatif", "papi", "2021", "Cao Bằng", "--set", "d5=+0.5")
    assert (data["rank"], data["of"]) == (58, 63)
    assert round(data["new_score"] - data["score"], 9) == 0.5
    assert data["new_rank"] < data["rank"]


def test_target_rank_30_is_reached_by_the_plan(capsys):
    data = run_json(capsys, "target", "papi", "2021", "Cao Bằng", "--rank", "30")
    assert data["reachable"] and data["target_rank"] == 30
    assert abs(sum(g["total_points"] for g in data["gains"]) - data["needed_gain"]) < 1e-9
    plan = [f"{g['code']}=+{g['points']}" for g in data["gains"]]
    check = run_json(capsys, "whatif", "papi", "2021", "Cao Bằng", *[a for p in plan for a in ("--set", p)])
    assert check["new_rank"] <= 30
    assert data["explanation_vi"].startswith("Để đạt hạng 30/63 (hiện 58/63), Cao Bằng cần tối thiểu")


def test_losses_list_every_dimension_with_points_lost(capsys):
    rows = run_json(capsys, "losses", "papi", "2021", "Cao Bằng")
    by_code = {r["code"]: r for r in rows}
    assert round(by_code["total"]["lost"], 6) == round(80 - by_code["total"]["points"], 6)
    assert by_code["d3"]["rank"] == 60 and by_code["d3"]["change_rank"] < 0
    assert len([r for r in rows if r["depth"] == 1]) == 8


def test_bad_whatif_input_is_explained(capsys):
    assert main(["whatif", "papi", "2021", "Cao Bằng", "--set", "d5=+9"]) == 1
    assert "ngoài khoảng" in capsys.readouterr().err
    assert main(["target", "papi", "2021", "Cao Bằng", "--rank", "99"]) == 1
    assert "Hạng mục tiêu phải từ 1 đến 63" in capsys.readouterr().err

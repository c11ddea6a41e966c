"""One definition per decision: the web loss page, `chiso losses`, `chiso profile` and the Word
report say the same thing for the same unit (Cao Bằng, PAPI 2021), and none of them calls a
mid-table rank a strength."""

import json
import re

import pytest

from chiso.cli.main import main

pytestmark = pytest.mark.django_db
LOSSES = "/ke-hoach/phan-tich/papi/2021/04/"


@pytest.fixture
def engine_weak():
    from chiso.engine.losses import loss_analysis, weak_criteria
    from chiso.results.subjects import national_subject

    subject = national_subject("papi", 2021, "04")
    return [r.code for r in weak_criteria(loss_analysis(subject.analysis, subject.ref))]


def cli(capsys, *args) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_web_cli_and_report_name_the_same_weak_criteria(client, capsys, engine_weak):
    from chiso.frameworks.services import find_index
    from chiso.reports.data import build_report

    assert engine_weak[:3] == ["d3.1", "d8.2", "d6.3"]
    page = client.get(LOSSES).content.decode()
    listed = re.findall(r'class="weak-criterion" data-code="([^"]+)"', page)
    flagged = re.findall(r'<tr class="depth-\d+ is-weakness">\s*<td class="code">([^<]+)</td>', page)
    rows = json.loads(cli(capsys, "losses", "papi", "2021", "Cao Bằng", "--format", "json"))
    from_json = [r["code"] for r in rows if r["weak"]]
    text = cli(capsys, "losses", "papi", "2021", "Cao Bằng").splitlines()[-1]
    from_text = re.findall(r"(d\d+\.\d+) \(", text)
    report = build_report(find_index("papi"), 2021, "Cao Bằng", with_trend=False)
    from_report = [row["code"] for row in report.tables["weak"].rows]
    assert listed == from_text == from_report == engine_weak
    assert sorted(flagged) == sorted(from_json) == sorted(engine_weak)


def test_weak_criteria_are_in_the_bottom_quarter(capsys):
    rows = json.loads(cli(capsys, "losses", "papi", "2021", "Cao Bằng", "--format", "json"))
    weak = [r for r in rows if r["weak"]]
    assert weak and all(r["depth"] == 2 and r["rank"] >= 48 for r in weak)
    assert not [r for r in rows if not r["weak"] and r["depth"] == 2 and r["rank"] and r["rank"] >= 48]


def test_no_mid_table_strength_in_the_report_nor_the_profile(capsys):
    from chiso.frameworks.services import find_index
    from chiso.reports.data import build_report

    report = build_report(find_index("papi"), 2021, "Cao Bằng", with_trend=False)
    assert report.paragraphs["strengths"] == (
        "Không có nội dung nào xếp trong nhóm một phần tư đầu bảng (hạng 1\u2060–\u206016/63)."
    )
    assert "31/63" not in report.paragraphs["strengths"] and "37/63" not in report.paragraphs["strengths"]
    data = json.loads(cli(capsys, "profile", "papi", "2021", "Hồ Chí Minh", "--format", "json"))
    ranks = {c["code"]: c["rank"] for c in data["components"]}
    assert data["strengths"] and all(ranks[code] <= 16 for code in data["strengths"])
    assert all(ranks[code] >= 48 for code in data["weaknesses"])
    assert not [code for code, rank in ranks.items() if 16 < rank < 48 and code in data["strengths"]]


def test_the_loss_page_and_the_report_aim_at_the_same_default_target(client):
    from chiso.frameworks.services import find_index
    from chiso.reports.data import build_report

    report = build_report(find_index("papi"), 2021, "Cao Bằng", with_trend=False)
    assert report.target is not None
    page = client.get(LOSSES).content.decode()
    assert f'name="rank" type="number" min="1" max="63" value="{report.target.target_rank}"' in page

"""Scoring a whole cycle from one file: all or nothing, every problem named by row and column, the
same points as the unit's own form, the totals computed once."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from chiso.assessments import bulk, standings, workflow
from chiso.assessments.models import AuditEntry, CriterionScore
from chiso.assessments.scoring import SELF, leaf_points
from chiso.assessments.tests.helpers import inputs_for
from chiso.cli.main import main
from chiso.core.once import new_token
from chiso.engine.frameworks import SURVEY

pytestmark = pytest.mark.django_db


def _table(cycle, codes=("QN.STP", "QN.SYT")) -> list[list[str]]:
    """A header of every input of every criterion the unit scores, and a row per unit."""
    leaves = [n for n in cycle.framework.to_engine().leaves() if n.method != SURVEY]
    header, values = ["Mã đơn vị", "Tên đơn vị"], []
    for node in leaves:
        for name, value in inputs_for(node).items():
            header.append(f"{node.code}.{name}")
            values.append(", ".join(value) if isinstance(value, list) else str(value).replace(".", ","))
    return [header] + [[code, "tên không đọc", *values] for code in codes]


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_a_file_scores_every_unit_as_its_own_form_would(cycle, people):
    rows = _table(cycle)
    report = bulk.import_scores(people["officer"], cycle, _csv(rows), "diem.csv")
    framework = cycle.framework.to_engine()
    leaves = [n for n in framework.leaves() if n.method != SURVEY]
    assert report.units == 2 and report.criteria == 2 * len(leaves) and report.created == report.criteria
    for assessment in cycle.assessments.all():
        stored = {r.criterion: r for r in assessment.scores.all()}
        for node in leaves:
            expected = leaf_points(assessment, node, inputs_for(node)).quantize(Decimal("1e-9"))
            assert stored[node.code].self_points == expected, node.code
            assert stored[node.code].version == 1
        assessment.refresh_from_db()
        assert assessment.started
    # one entry in the workflow's narrative, the totals stored once for the page
    assert AuditEntry.objects.filter(cycle=cycle, action="import_scores").count() == 1
    standing = standings.standing_of(cycle, standings.default_stage(cycle))
    assert standing.version == standings.version_of(cycle) and standing.units.count() == 2

    # Importing it again writes nothing new; changing one value changes that criterion only.
    again = bulk.import_scores(people["officer"], cycle, _csv(rows), "diem.csv")
    assert again.criteria == 0
    manual = next(i for i, h in enumerate(rows[0]) if h.endswith(".points"))
    rows[1][manual] = "0"
    assert bulk.import_scores(people["officer"], cycle, _csv(rows), "diem.csv").criteria == 1


def test_an_excel_file_too(cycle, people):
    book = Workbook()
    for row in _table(cycle, ("QN.STP",)):
        book.active.append(  # type: ignore[union-attr]
            [float(v.replace(",", ".")) if v.replace(",", "").isdigit() else v for v in row]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    report = bulk.import_scores(people["officer"], cycle, buffer.getvalue(), "diem.xlsx")
    assert report.units == 1 and report.criteria > 0


def test_every_problem_is_named_and_nothing_is_written(cycle, people):
    rows = _table(cycle)
    number = next(i for i, h in enumerate(rows[0]) if h.endswith(".points"))
    rows[1][number] = "nhiều"
    rows.append(["XX.999", *rows[2][1:]])
    rows.append(["QN.SYT", *rows[2][1:]])
    rows[0].append("9.9.points")
    before = CriterionScore.objects.count()
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.import_scores(people["officer"], cycle, _csv(rows), "diem.csv")
    assert refused.value.messages == ["Dòng 1, cột «9.9.points»: không có tiêu chí 9.9.points trong khung."]
    rows[0].pop()
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.import_scores(people["officer"], cycle, _csv(rows), "diem.csv")
    messages = refused.value.messages
    assert any(m.startswith("Dòng 4: đơn vị XX.999 không thuộc kỳ đánh giá") for m in messages), messages
    assert any(m.startswith("Dòng 5: đơn vị QN.SYT lặp lại (đã có ở dòng 3)") for m in messages), messages
    rows = rows[:3]
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.import_scores(people["officer"], cycle, _csv(rows), "diem.csv")
    code = rows[0][number].rpartition(".")[0]
    assert refused.value.messages[0].startswith(f"Dòng 2, tiêu chí {code}:"), refused.value.messages
    assert CriterionScore.objects.count() == before


def test_only_the_officer_and_only_drafts(cycle, people):
    with pytest.raises(workflow.NotAllowed):
        bulk.import_scores(people["staff"], cycle, _csv(_table(cycle)), "diem.csv")
    justice = cycle.assessments.get(unit__code="QN.STP")
    justice.state = "submitted"
    justice.save()
    with pytest.raises(bulk.ImportRefused, match="Dòng 2: bản đánh giá của"):
        bulk.import_scores(people["officer"], cycle, _csv(_table(cycle)), "diem.csv")


def test_the_command_and_the_page(cycle, people, capsys, tmp_path, client):
    path = tmp_path / "diem.csv"
    path.write_bytes(_csv(_table(cycle, ("QN.STP",))))
    assert main(["cycles", "import-scores", str(cycle.pk), str(path), "--user", "sonoivu"]) == 0
    assert "1 đơn vị" in capsys.readouterr().out
    path.write_bytes(_csv([["Mã đơn vị"], ["XX.1"]]))
    assert main(["cycles", "import-scores", str(cycle.pk), str(path), "--user", "sonoivu"]) != 0
    assert "Dòng 2: đơn vị XX.1 không thuộc kỳ đánh giá" in capsys.readouterr().err

    url = reverse("assessments:import_scores", args=[cycle.pk])
    client.force_login(people["staff"])
    assert client.get(url).status_code in (403, 404)
    client.force_login(people["officer"])
    assert client.get(url).status_code == 200
    upload = io.BytesIO(_csv(_table(cycle, ("QN.SYT",))))
    upload.name = "diem.csv"
    response = client.post(url, {"file": upload, "once": new_token()}, follow=True)
    assert response.status_code == 200 and "Đã nhập điểm của 1 đơn vị" in response.text
    assert CriterionScore.objects.filter(assessment__unit__code="QN.SYT", self_points__isnull=False).exists()
    bad = io.BytesIO(_csv([["Mã đơn vị"], ["XX.1"]]))
    bad.name = "sai.csv"
    response = client.post(url, {"file": bad, "once": new_token()})
    assert "Dòng 2: đơn vị XX.1 không thuộc kỳ đánh giá" in response.text
    assert standings.standing_of(cycle, SELF).units.count() == 2

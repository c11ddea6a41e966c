"""A month of the 766, of a commune: the report (Word and Excel), the downloads and the API read the
month's result set of the commune's level, as they read a whole year of any index."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from chiso.dossiers.models import DossierRun
from chiso.dossiers.tests.test_levels import month, quang_ninh  # noqa: F401 - fixtures
from chiso.frameworks.models import Index
from chiso.jobs.models import Job
from chiso.reports.data import ReportError, build_report
from chiso.results.services import analyse
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

MONTH = {"ky": "2025-10", "cap": "commune"}


def _a_commune(run: DossierRun) -> tuple[str, int | None, int]:
    """A commune of the month, its rank among the communes and their number."""
    analysis = analyse(Index.objects.get(code="dvc766"), 2025, period="2025-10", level="commune")
    entry = analysis.total_ranking.entries[-1]
    return entry.unit.code, analysis.total_ranking.rank_of(entry.unit), analysis.total_ranking.of


def test_a_communes_report_of_a_month(month: DossierRun) -> None:  # noqa: F811 - the fixture
    code, rank, of = _a_commune(month)
    index = Index.objects.get(code="dvc766")
    report = build_report(index, 2025, code, period="2025-10", level="commune")
    assert report.period == "2025-10" and report.when == "tháng 10/2025"
    assert "THÁNG 10/2025" in report.title and "NĂM" not in report.title
    assert "CHỈ SỐ CHỈ SỐ" not in report.title  # the index is called "Chỉ số 766"
    text = " ".join(p for p in report.paragraphs.values() if p)
    assert "Chỉ số Chỉ số" not in text and "Năm 2025" not in text
    assert (report.paragraphs["headline"] or "").startswith("Tháng 10/2025, Chỉ số 766 của")
    assert (report.profile.rank, report.profile.of) == (rank, of)
    departments = set(Unit.objects.filter(level="department").values_list("name", flat=True))
    assert not departments & {bar.name for bar in report.ranking}  # ranked among the communes only
    with pytest.raises(ReportError):  # a commune's code is no department
        build_report(index, 2025, code, period="2025-10", level="department")


def test_the_profile_of_a_month_offers_its_report(month: DossierRun) -> None:  # noqa: F811
    code, _rank, _of = _a_commune(month)
    client = Client()
    page = client.get(f"/ket-qua/dvc766/2025/{code}/", MONTH).content.decode()
    link = reverse("reports:report", args=["dvc766", 2025, code, "docx"]) + "?ky=2025-10&amp;cap=commune"
    assert link in page
    started = client.get(link.replace("&amp;", "&"))
    assert started.status_code == 302
    job = Job.objects.get(pk=started["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.state == "done", job.error
    assert (job.params["period"], job.params["level"]) == ("2025-10", "commune")
    document = client.get(reverse("jobs:file", args=[job.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(document.getvalue())).paragraphs)
    assert "tháng 10/2025" in text and "năm 2025" not in text.split("\n")[0]
    # The whole year has no result set: no report of it.
    assert client.get(reverse("reports:report", args=["dvc766", 2025, code, "docx"])).status_code == 404


def test_the_downloads_and_the_api_of_a_month(month: DossierRun) -> None:  # noqa: F811
    code, rank, of = _a_commune(month)
    client = Client()
    profile = json.loads(
        b"".join(client.get(reverse("opendata:profile_file", args=["dvc766", 2025, code, "json"]), MONTH))
    )
    assert (profile["rank"], profile["of"], profile["period"]) == (rank, of, "2025-10")
    ranking = client.get(reverse("opendata:ranking_file", args=["dvc766", 2025, "xlsx"]), MONTH)
    sheet = load_workbook(io.BytesIO(ranking.content)).worksheets[0]
    assert any("tháng 10/2025" in str(cell.value) for row in sheet.iter_rows() for cell in row)
    page = client.get("/ket-qua/dvc766/2025/", MONTH).content.decode()
    assert (
        reverse("opendata:ranking_file", args=["dvc766", 2025, "csv"]) + "?ky=2025-10&amp;cap=commune" in page
    )

    api = client.get(
        "/api/v1/rankings/dvc766/2025", {"period": "2025-10", "level": "commune", "limit": "500"}
    )
    assert api.status_code == 200, api.content
    body = api.json()
    assert (body["period"], body["level"], body["of"]) == ("2025-10", "commune", of)
    assert {row["code"]: row["rank"] for row in body["items"]}[code] == rank
    assert client.get("/api/v1/profiles/dvc766/2025/" + code, {"period": "2025-10"}).json()["rank"] == rank
    for wrong in ({"period": "2025-13"}, {"period": "2024-10"}, {"level": "province"}):
        assert client.get("/api/v1/rankings/dvc766/2025", wrong).status_code == 404
    sets = client.get("/api/v1/result-sets", {"index": "dvc766"}).json()
    assert {(s["period"], s["level"]) for s in sets} == {("2025-10", "department"), ("2025-10", "commune")}
    commune_set = next(s for s in sets if s["level"] == "commune")
    assert commune_set["ranking"].endswith("?period=2025-10&level=commune")


def test_the_command_line_reads_a_month(month: DossierRun, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    from chiso.cli.main import main

    code, rank, of = _a_commune(month)
    assert (
        main(["ranking", "dvc766", "2025", "--period", "2025-10", "--level", "commune", "--format", "json"])
        == 0
    )
    ranking = json.loads(capsys.readouterr().out)
    assert {row["code"]: row["rank"] for row in ranking["rows"]}[code] == rank
    assert main(["losses", "dvc766", "2025", code, "--period", "2025-10"]) == 0
    assert "tháng 10/2025" in capsys.readouterr().out.splitlines()[0]
    assert main(["whatif", "dvc766", "2025", code, "--period", "2025-10", "--set", "3=+0"]) == 0
    assert f"hạng {rank}/{of}" in capsys.readouterr().out
    department = Unit.objects.filter(level="department", code__startswith="22.").order_by("code").first()
    assert department is not None
    # An organiser's own code ("22.STP"), with letters, names its department as a number names a commune.
    assert main(["target", "dvc766", "2025", department.code, "--period", "2025-10", "--rank", "1"]) == 0
    assert department.name in capsys.readouterr().out
    assert main(["ranking", "dvc766", "2025", "--period", "2024-10"]) != 0
    assert "không thuộc năm 2025" in capsys.readouterr().err

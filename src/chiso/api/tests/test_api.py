"""The open-data API: every endpoint, the ranking equal to the public page, nothing unpublished,
pages, the rate limit, the OpenAPI description, the offline docs page and the query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chiso.engine.numbers import format_number, format_rank
from chiso.engine.survey import OVERALL
from chiso.frameworks.models import Framework, Index
from chiso.results.models import Dataset, ResultSet
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def generous_rate(settings):
    settings.CHISO_API_RATE = "10000/min"


def get(client, path: str, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return response.json()


# -- the ranking is the page's ------------------------------------------------------------------------


def test_papi_2021_ranking_as_json_equals_the_page(client):
    data = get(client, "/rankings/papi/2021", limit=500)
    page = client.get("/ket-qua/papi/2021/").context
    rows, shown = data["items"], page["rows"]
    assert data["count"] == len(rows) == len(shown) == 63
    assert data["of"] == page["of"] and data["display_precision"] == 2
    for row, cells in zip(rows, shown, strict=True):
        assert cells["code"] == row["code"] and cells["name"] == row["name"]
        assert cells["rank"] == format_rank(row["rank"], data["of"])
        assert cells["score"] == format_number(Decimal(row["score"]) if row["score"] is not None else None, 2)
    assert any(r["score"] == "43.83" and r["rank"] == 14 for r in rows)  # "14/63", "43,83" on the page
    assert rows[-1]["rank"] is None and rows[-1]["score"] is None  # Bắc Giang: listed, not ranked
    ranks = [r["rank"] for r in rows if r["rank"] is not None]
    assert ranks == sorted(ranks)
    assert data["source"] and data["framework"].startswith("papi")


def test_ranking_filters_by_region_as_the_page_does(client):
    data = get(client, "/rankings/papi/2021", region="Tây Nguyên")
    page = client.get("/ket-qua/papi/2021/", {"vung": "Tây Nguyên"}).context
    assert [r["code"] for r in data["items"]] == [r["code"] for r in page["rows"]]
    assert data["count"] == 5 and data["region"] == "Tây Nguyên"


def test_ranking_level_must_be_the_index_level(client):
    assert client.get(f"{API}/rankings/papi/2021", {"level": "province"}).status_code == 200
    assert client.get(f"{API}/rankings/papi/2021", {"level": "commune"}).status_code == 404


def test_ranking_etag_and_not_modified(client):
    first = client.get(f"{API}/rankings/papi/2021")
    published = ResultSet.objects.published().get(index__code="papi", year=2021).published_at
    assert first["ETag"] and ("Last-Modified" in first) == (published is not None)
    again = client.get(f"{API}/rankings/papi/2021", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    other = client.get(f"{API}/rankings/papi/2020")
    assert other["ETag"] != first["ETag"]


# -- every endpoint ------------------------------------------------------------------------------------


def test_indices(client):
    indices = get(client, "/indices")
    papi = next(i for i in indices if i["code"] == "papi")
    assert 2021 in papi["years"] and papi["frameworks"] and papi["unit_levels"] == ["province"]
    one = get(client, "/indices/papi")
    assert one == papi


def test_frameworks_with_their_tree(client):
    frameworks = get(client, "/frameworks", index="papi")
    assert frameworks and all(f["index"] == "papi" for f in frameworks)
    detail = get(client, f"/frameworks/{frameworks[-1]['code']}")
    tree = detail["tree"]
    assert tree["children"] and all("max_points" in c for c in tree["children"])
    assert isinstance(detail["ranking_precision"], int)


def test_result_sets(client):
    sets = get(client, "/result-sets", index="papi", year=2021)
    assert len(sets) == 1
    one = sets[0]
    assert one["units"] > 50 and one["source"]
    assert one["ranking"].endswith("/api/v1/rankings/papi/2021") and one["page"].endswith(
        "/ket-qua/papi/2021/"
    )


def test_profile_is_the_page_s(client):
    data = get(client, "/profiles/papi/2020/04")
    page = client.get("/ket-qua/papi/2020/04/").context
    assert data["unit"] == {"code": "04", "name": "Cao Bằng", "name_en": "Cao Bang"}
    assert format_rank(data["rank"], data["of"]) == page["rank"]
    assert format_number(Decimal(data["score"]), 2) == page["score"]
    assert [c["code"] for c in data["components"]] == [c["code"] for c in page["components"]]
    assert data["change_rank"] == -4  # "giảm 4 bậc so với năm 2019"
    assert client.get(f"{API}/profiles/papi/2020/99").status_code == 404


def test_units_63_then_34_and_lineage(client):
    assert get(client, "/units", year=2024, limit=100)["count"] == 63
    assert get(client, "/units", year=2025, limit=100)["count"] == 34
    old = Unit.objects.filter(level="province", valid_to__isnull=False).first()
    assert old is not None
    data = get(client, f"/units/{old.code}")
    assert data["successors"], data
    successor = data["successors"][0]
    assert successor["effective"] >= "2025-01-01"
    back = get(client, f"/units/{successor['code']}", year=2025)
    assert any(p["code"] == old.code for p in back["predecessors"])
    assert get(client, f"/units/{old.code}", year=2020)["name"] == old.name
    assert client.get(f"{API}/units/{old.code}", {"year": 2026}).status_code == 404
    assert client.get(f"{API}/units/nope").status_code == 404


# -- internal cycles and surveys --------------------------------------------------------------------------


@pytest.fixture
def cycles(db):
    from chiso.assessments.setup import create_cycle, load_sample_frameworks

    units = [
        Unit.objects.create(
            level="department", code="QN.STP", name="Sở Tư pháp", kind="sở", parent_code="22"
        ),
        Unit.objects.create(level="department", code="QN.SYT", name="Sở Y tế", kind="sở", parent_code="22"),
    ]
    framework = next(f for f in load_sample_frameworks() if f.scope == "department")
    due = date.today() + timedelta(days=30)
    published = create_cycle(framework, 2024, "Sở, ban, ngành", units, due)
    published.published_at = timezone.now()
    published.save()
    draft = create_cycle(framework, 2025, "Sở, ban, ngành", units, due)
    return published, draft


def test_published_cycle_and_its_results(client, cycles):
    published, _draft = cycles
    listed = get(client, "/cycles")
    assert [c["id"] for c in listed] == [published.pk]
    detail = get(client, f"/cycles/{published.pk}")
    assert detail["units"] == 2 and detail["fields"]
    rows = get(client, f"/cycles/{published.pk}/results")
    assert rows["count"] == 2 and {r["code"] for r in rows["items"]} == {"QN.STP", "QN.SYT"}
    page = client.get(f"/danh-gia/cong-bo/{published.pk}/").content.decode()
    assert f"/api/v1/cycles/{published.pk}/results?limit=500" in page  # the public page links its data


@pytest.fixture
def surveys(db):
    from chiso.surveys.models import Survey, SurveyResult
    from chiso.surveys.services import sipas_questionnaire

    questionnaire = sipas_questionnaire()
    units = [
        Unit.objects.create(level="department", code=f"QN.S{i}", name=f"Sở {i}", parent_code="22")
        for i in range(3)
    ]
    made = []
    for published in (True, False):
        survey = Survey.objects.create(
            questionnaire=questionnaire,
            title=f"SIPAS {published}",
            year=2025,
            unit_level="department",
            published=published,
        )
        for i, unit in enumerate(units):
            SurveyResult.objects.create(
                survey=survey,
                unit=unit,
                respondent_type=SurveyResult.ALL_TYPES,
                level="overall",
                code=OVERALL,
                n=40,
                index=0.9 - i * 0.1,
                ci_low=0.85 - i * 0.1,
                ci_high=0.95 - i * 0.1,
                df=39,
                method={},
                computed_at=timezone.now(),
            )
        made.append(survey)
    return made


def test_published_survey_results_with_intervals(client, surveys):
    published, _hidden = surveys
    assert [s["id"] for s in get(client, "/surveys")] == [published.pk]
    data = get(client, f"/surveys/{published.pk}/results")
    first = data["items"][0]
    assert first["rank"] == 1 and first["percent"] == "90.00"
    assert first["ci_low"] == "85.00" and first["ci_high"] == "95.00"
    assert data["count"] == 3
    page = client.get(f"/khao-sat/{published.pk}/ket-qua/").content.decode()
    assert f"/api/v1/surveys/{published.pk}/results?code=overall" in page  # the public page links its data


# -- nothing unpublished ------------------------------------------------------------------------------


@pytest.fixture
def drafts(db):
    """A draft result set of PAPI 2030, and an index whose only results are a draft."""
    papi = Index.objects.get(code="papi")
    dataset = Dataset.objects.create(code="draft-test", title="Nháp")
    framework = Framework.objects.filter(index=papi).order_by("-first_year")[0]
    draft = ResultSet.objects.create(
        index=papi, year=2030, framework=framework, dataset=dataset, status=ResultSet.Status.DRAFT
    )
    # a newer draft of a published year: the public still sees the published version
    ResultSet.objects.create(
        index=papi, year=2021, version=99, framework=framework, dataset=dataset, status=ResultSet.Status.DRAFT
    )
    secret = Index.objects.create(code="bimat", short_name="BIMAT", name_vi="Chỉ số chưa công bố")
    hidden = Framework.objects.create(
        index=secret, code="bimat-2030", name_vi="Khung chưa công bố", definition=framework.definition
    )
    ResultSet.objects.create(
        index=secret, year=2030, framework=hidden, dataset=dataset, status=ResultSet.Status.DRAFT
    )
    return draft


@pytest.mark.parametrize(
    "path",
    [
        "/rankings/papi/2030",
        "/profiles/papi/2030/01",
        "/indices/bimat",
        "/frameworks/bimat-2030",
        "/rankings/bimat/2030",
    ],
)
def test_drafts_are_not_found(client, drafts, path):
    response = client.get(API + path)
    assert response.status_code == 404 and response.json()["detail"]


def test_drafts_are_not_listed(client, drafts):
    ranking = get(client, "/rankings/papi/2021", limit=100)
    assert ranking["count"] == 63 and any(r["score"] == "43.83" for r in ranking["items"])
    assert [s["version"] for s in get(client, "/result-sets", index="papi", year=2021)] != [99]
    assert 2030 not in get(client, "/indices/papi")["years"]
    assert "bimat" not in {i["code"] for i in get(client, "/indices")}
    assert not get(client, "/result-sets", year=2030)
    assert "bimat-2030" not in {f["code"] for f in get(client, "/frameworks")}
    assert client.get("/ket-qua/papi/2030/bang.json").status_code == 404


def test_unpublished_cycle_and_survey_are_not_found(client, cycles, surveys):
    draft_cycle, hidden_survey = cycles[1], surveys[1]
    assert client.get(f"{API}/cycles/{draft_cycle.pk}").status_code == 404
    assert client.get(f"{API}/cycles/{draft_cycle.pk}/results").status_code == 404
    assert client.get(f"{API}/surveys/{hidden_survey.pk}/results").status_code == 404
    assert client.get(f"{API}/cycles", {"year": 2025}).json() == []


# -- pages and the rate limit -----------------------------------------------------------------------------


def test_pages_are_bounded(client, settings):
    settings.CHISO_API_MAX_LIMIT = 20
    data = get(client, "/rankings/papi/2021", limit=10000)
    assert data["limit"] == 20 and len(data["items"]) == 20 and data["count"] == 63
    assert data["previous"] is None and "offset=20" in data["next"]
    last = get(client, "/rankings/papi/2021", limit=20, offset=60)
    assert len(last["items"]) == 3 and last["next"] is None and "offset=40" in last["previous"]
    assert client.get(f"{API}/rankings/papi/2021", {"offset": -1}).status_code == 422
    assert client.get(f"{API}/rankings/papi/2021", {"limit": 0}).status_code == 422
    units = get(client, "/units", level="province", limit=5, offset=5)
    assert len(units["items"]) == 5


def test_too_many_requests_get_429_with_a_message(client, settings):
    settings.CHISO_API_RATE = "3/min"
    statuses = [client.get(f"{API}/indices", REMOTE_ADDR="10.9.9.9").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(f"{API}/indices", REMOTE_ADDR="10.9.9.9")
    assert "Quá nhiều yêu cầu" in refused.json()["detail"] and int(refused["Retry-After"]) >= 1
    assert client.get(f"{API}/indices", REMOTE_ADDR="10.9.9.8").status_code == 200  # another client


# -- the description and its docs page ------------------------------------------------------------------


def test_openapi_description_is_valid(client):
    from openapi_spec_validator import validate

    spec = get(client, "/openapi.json")
    validate(spec)
    assert spec["openapi"].startswith("3.") and "/api/v1/rankings/{index}/{year}" in spec["paths"]


def test_docs_page_loads_only_local_files(client):
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses and all(a.startswith("/static/") for a in addresses), addresses
    assert "cdn" not in html.lower() and "https://" not in html
    assert '"validatorUrl": null' in html  # no badge fetched from the validator's site
    assert client.get("/api/").url == f"{API}/docs/"


# -- downloads --------------------------------------------------------------------------------------------


def test_league_table_downloads(client):
    as_json = client.get("/ket-qua/papi/2021/bang.json")
    assert as_json.status_code == 200 and "attachment" in as_json["Content-Disposition"]
    api = get(client, "/rankings/papi/2021", limit=500)
    assert as_json.json()["items"] == api["items"]
    as_csv = client.get("/ket-qua/papi/2021/bang.csv").content.decode("utf-8-sig").splitlines()
    assert as_csv[0].startswith("Hạng,Mã,Đơn vị,Điểm") and len(as_csv) == 64
    assert any(",43.83," in line and line.startswith("14,") for line in as_csv)
    as_xlsx = client.get("/ket-qua/papi/2021/bang.xlsx")
    assert as_xlsx.content[:2] == b"PK"
    assert client.get("/ket-qua/papi/2021/bang.exe").status_code == 404
    page = client.get("/ket-qua/papi/2021/").content.decode()
    assert "/ket-qua/papi/2021/bang.csv" in page and "/api/v1/docs/" in page


def test_profile_downloads(client):
    as_json = client.get("/ket-qua/papi/2020/04/ho-so.json").json()
    assert as_json == get(client, "/profiles/papi/2020/04")
    rows = client.get("/ket-qua/papi/2020/04/ho-so.csv").content.decode("utf-8-sig").splitlines()
    assert rows[1].startswith("total,") and len(rows) == 2 + len(as_json["components"])
    assert client.get("/ket-qua/papi/2020/04/ho-so.xlsx").content[:2] == b"PK"
    assert "/ket-qua/papi/2020/04/ho-so.json" in client.get("/ket-qua/papi/2020/04/").content.decode()


def test_csv_cells_cannot_run_as_formulas(client):
    unit = (
        Unit.objects.get(level="province", code="04", valid_to__isnull=True)
        if Unit.objects.filter(level="province", code="04", valid_to__isnull=True).exists()
        else Unit.objects.filter(level="province", code="04").first()
    )
    assert unit is not None
    unit.name = '=HYPERLINK("http://x")'
    unit.save()
    text = client.get("/ket-qua/papi/2020/bang.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


# -- queries -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/indices",
        "/frameworks",
        "/result-sets",
        "/rankings/papi/2021",
        "/profiles/papi/2021/01",
        "/units?year=2024",
        "/units/56",
    ],
)
def test_queries_are_bounded_and_do_not_grow_with_the_page(client, path):
    client.get(API + path)  # the analysis computed and kept
    counts = []
    for limit in (5, 100):
        joiner = "&" if "?" in path else "?"
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}{path}{joiner}limit={limit}").status_code == 200
        counts.append(len(queries))
    assert counts[0] <= 40 and counts[1] == counts[0], counts

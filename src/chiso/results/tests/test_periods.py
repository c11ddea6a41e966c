"""A result set of a month or quarter leaves the whole years alone: an annual index's ranking,
analysis, years, search, report and API read the annual set only, even when the same index has
monthly sets of the same year."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chiso.frameworks.services import find_index
from chiso.results.models import Dataset, ResultSet
from chiso.results.services import (
    ResultSetData,
    UnitRow,
    analyse,
    published_sets,
    result_periods,
    result_set_of,
    result_years,
    write_result_set,
)

pytestmark = pytest.mark.django_db

RANKING = "/ket-qua/papi/2021/"


def league(analysis: Any) -> list[tuple[str, Any, Any]]:
    return [(row.unit.code, row.rank, row.score) for row in analysis.league_table()]


def write_rotated_month(period: str, year: int = 2021) -> ResultSet:
    """PAPI 2021's figures moved one unit along (another ranking), published as a month of `year`."""
    index = find_index("papi")
    annual = result_set_of(index, 2021)
    assert annual is not None
    unit_results = list(
        annual.unit_results.select_related("unit").prefetch_related("values").order_by("unit__code")
    )
    values = [{v.node_code: v.value for v in ur.values.all()} for ur in unit_results]
    rotated = values[1:] + values[:1]
    rows = [UnitRow(unit=ur.unit.to_engine(), values=v) for ur, v in zip(unit_results, rotated, strict=True)]
    dataset = Dataset.objects.create(code=f"papi-test-{period}", title="test month")
    data = ResultSetData(index=index, year=year, framework=annual.framework, rows=rows, period=period)
    return write_result_set(data, dataset, publish=True)


def test_an_annual_index_is_unchanged_by_months_of_the_same_year(client: Client) -> None:
    index = find_index("papi")
    before_league = league(analyse(index, 2021))
    before_rows = [(r["code"], r["rank"], r["score"]) for r in client.get(RANKING).context["rows"]]
    before_years, before_sets = result_years(index), published_sets([index])
    search = client.get("/tim-kiem/?q=58").content.decode().count("/ket-qua/papi/")

    month = write_rotated_month("2021-06")
    write_rotated_month("2021-Q2")
    assert month.status == ResultSet.Status.PUBLISHED and month.version == 1

    assert league(analyse(index, 2021)) == before_league
    after_rows = [(r["code"], r["rank"], r["score"]) for r in client.get(RANKING).context["rows"]]
    assert after_rows == before_rows
    assert result_years(index) == before_years and published_sets([index]) == before_sets
    assert client.get("/tim-kiem/?q=58").content.decode().count("/ket-qua/papi/") == search
    # The month is there, ranked on its own figures, with nothing before it to compare with.
    monthly = analyse(index, 2021, period="2021-06")
    assert league(monthly) != before_league and monthly.previous is None
    assert (2021, "2021-06") in result_periods(index) and (2021, "") in result_periods(index)
    page = client.get(RANKING + "?ky=2021-06")
    assert page.status_code == 200 and "PAPI tháng 6/2021" in page.content.decode()
    assert [(r["code"], r["rank"]) for r in page.context["rows"]] != [(c, r) for c, r, _s in before_rows]
    # The API's years are the whole years.
    api = client.get("/api/v1/indices").json()
    papi = next(i for i in api if i["code"] == "papi")
    assert papi["years"] == before_years


def test_the_conference_report_reads_the_whole_years_only() -> None:
    from chiso.reports.data import build_report

    index = find_index("papi")
    before = build_report(index, 2021, "58")
    write_rotated_month("2021-06")
    write_rotated_month("2020-12", year=2020)
    after = build_report(index, 2021, "58")
    assert [p.year for p in after.trend] == [p.year for p in before.trend]
    assert len({p.year for p in after.trend}) == len(after.trend)  # one point a year
    assert [(p.score, p.rank) for p in after.trend] == [(p.score, p.rank) for p in before.trend]
    assert after.sources == before.sources


def test_a_month_compares_with_the_month_before_even_across_years() -> None:
    index = find_index("papi")
    write_rotated_month("2020-12", year=2020)
    january = write_rotated_month("2021-01")
    assert january.period == "2021-01"
    analysis = analyse(index, 2021, period="2021-01")
    assert analysis.previous is not None and analysis.previous.period == "2020-12"
    assert analysis.current.period == "2021-01"
    with pytest.raises(LookupError, match="tháng 2/2021"):
        analyse(index, 2021, period="2021-02")

"""Pro-forma figures from the database: Khánh Hòa (new) = old Khánh Hòa + Ninh Thuận, PAPI 2024."""

import json
from decimal import Decimal

import pytest

from chiso.cli.main import main
from chiso.engine.proforma import ProformaError
from chiso.frameworks.services import find_index
from chiso.results.proforma import build_proforma, population_figures
from chiso.results.services import year_results
from chiso.units.registry import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return registry()


def test_khanh_hoa_2024_by_hand(units):
    papi = find_index("papi")
    new = units.resolve("Khánh Hòa")  # today: the province formed on 01/07/2025
    results = year_results(papi, 2024)
    assert results is not None
    old_kh, old_nt = units.by_code("56", on=results_day()), units.by_code("58", on=results_day())
    kh, nt = results.value(old_kh.ref, "total"), results.value(old_nt.ref, "total")
    assert kh is not None and nt is not None
    mean = build_proforma(papi, 2024, new, units, "mean")
    assert mean.values[mean.total] == (kh + nt) / 2
    weighted = build_proforma(papi, 2024, new, units, "population")
    # Average population 2023 (GSO, stored in provinces_population.csv): 1,260,600 and 601,200.
    assert weighted.values[weighted.total] == (1260600 * kh + 601200 * nt) / Decimal(1861800)
    assert [c.population_year for c in weighted.constituents] == [2023, 2023]
    assert round(weighted.values[weighted.total], 2) == Decimal("44.43")
    assert round(mean.values[mean.total], 2) == Decimal("44.77")
    assert weighted.official is False


def results_day():
    from datetime import date

    return date(2024, 12, 31)


def test_population_year_follows_the_results_year(units):
    members = [units.by_code("56", on=results_day()), units.by_code("58", on=results_day())]
    assert {v[1] for v in population_figures(members, 2021).values()} == {2019}  # the 2019 census
    assert {v[1] for v in population_figures(members, 2024).values()} == {2023}


def test_refusals(units):
    papi = find_index("papi")
    with pytest.raises(ProformaError, match="thiếu kết quả của Bắc Giang, Bắc Ninh"):
        build_proforma(papi, 2021, units.resolve("Bắc Ninh"), units, "mean")
    with pytest.raises(ProformaError, match="hợp nhất vào Khánh Hòa"):
        build_proforma(papi, 2024, units.by_code("58", on=results_day()), units, "mean")


def test_proforma_command(capsys):
    assert main(["proforma", "papi", "2024", "Khánh Hòa", "--method", "population", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["label_vi"] == "số liệu giả định (pro-forma), không phải số liệu chính thức"
    assert data["official"] is False and data["ranked"] is False
    assert data["method"] == "population_weighted"
    assert [c["name"] for c in data["constituents"]] == ["Khánh Hòa", "Ninh Thuận"]
    assert round(data["values"][data["total"]], 2) == 44.43
    assert main(["proforma", "papi", "2024", "Khánh Hòa"]) == 0
    text = capsys.readouterr().out
    assert "trung bình cộng giản đơn" in text and "44,77" in text and "không xếp hạng" in text.lower()
    assert main(["proforma", "papi", "2021", "Bắc Ninh"]) == 1
    assert "thiếu kết quả của Bắc Giang, Bắc Ninh" in capsys.readouterr().err

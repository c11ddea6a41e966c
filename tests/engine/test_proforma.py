"""Pro-forma figures of a merged province: computed by hand, refused when data is missing."""

from decimal import Decimal as D

import pytest

from chiso.engine.proforma import (
    LABEL_VI,
    MEAN,
    POPULATION_WEIGHTED,
    Constituent,
    ProformaError,
    normalise_method,
    proforma,
    weights_for,
)


def constituents():
    # Two small provinces: A (300 people) scores 40 in total, B (100 people) scores 48.
    return [
        Constituent(
            "A", "Tỉnh A", {"total": D("40"), "d1": D("4"), "d2": D("6")}, D(300), 2023, "dân số", "nguồn A"
        ),
        Constituent(
            "B", "Tỉnh B", {"total": D("48"), "d1": D("8"), "d2": None}, D(100), 2023, "dân số", "nguồn B"
        ),
    ]


def test_plain_mean_by_hand():
    result = proforma("X", "Tỉnh X", 2024, constituents(), "mean")
    assert result.values["total"] == D(44)  # (40 + 48) / 2
    assert result.values["d1"] == D(6)  # (4 + 8) / 2
    assert result.weights == {"A": D("0.5"), "B": D("0.5")}
    assert result.method == MEAN and result.population_sources == []


def test_population_weighted_by_hand():
    result = proforma("X", "Tỉnh X", 2024, constituents(), "population")
    assert result.values["total"] == D(42)  # (300·40 + 100·48) / 400
    assert result.values["d1"] == D(5)  # (300·4 + 100·8) / 400
    assert result.weights == {"A": D("0.75"), "B": D("0.25")}
    assert result.method == POPULATION_WEIGHTED
    assert result.population_sources == [("Tỉnh A", 2023, "nguồn A"), ("Tỉnh B", 2023, "nguồn B")]


def test_labelled_never_official():
    result = proforma("X", "Tỉnh X", 2024, constituents())
    assert result.official is False
    assert result.label_vi == LABEL_VI == "số liệu giả định (pro-forma), không phải số liệu chính thức"
    assert (
        "bình quân gia quyền theo dân số"
        in proforma("X", "Tỉnh X", 2024, constituents(), "population").method_vi
    )


def test_a_node_missing_for_one_constituent_is_left_out_and_named():
    result = proforma("X", "Tỉnh X", 2024, constituents())
    assert "d2" not in result.values
    assert result.omitted == {"d2": ["Tỉnh B"]}


def test_mean_of_three_is_exact():
    three = [Constituent(c, c, {"total": D(v)}) for c, v in (("a", 1), ("b", 1), ("c", 2))]
    assert proforma("X", "X", 2024, three).values["total"] == D(4) / 3


def test_refused_when_a_constituent_has_no_result():
    rows = [*constituents(), Constituent("C", "Tỉnh C", {"total": None}), Constituent("D", "Tỉnh D", {})]
    with pytest.raises(ProformaError) as error:
        proforma("X", "Tỉnh X", 2021, rows)
    assert "thiếu kết quả của Tỉnh C, Tỉnh D" in str(error.value)


def test_refused_without_population():
    rows = [*constituents()[:1], Constituent("B", "Tỉnh B", {"total": D(48)})]
    with pytest.raises(ProformaError, match="Thiếu số liệu dân số của: Tỉnh B"):
        proforma("X", "Tỉnh X", 2024, rows, "population_weighted")
    assert proforma("X", "Tỉnh X", 2024, rows, "mean").values["total"] == D(44)


def test_refused_for_a_single_constituent_and_unknown_method():
    with pytest.raises(ProformaError, match="không hình thành từ sáp nhập"):
        proforma("X", "Tỉnh X", 2024, constituents()[:1])
    with pytest.raises(ProformaError, match="không hợp lệ"):
        normalise_method("median")
    with pytest.raises(ProformaError, match="Không có tỉnh thành phần"):
        weights_for([], "mean")

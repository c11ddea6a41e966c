from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.numbers import (
    NumberError,
    format_date,
    format_number,
    format_rank,
    format_signed,
    parse_decimal,
    round_half_up,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("86,55", "86.55"),
        ("86.55", "86.55"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("12 345", "12345"),
        ("88,37%", "88.37"),
        ("-0,52", "-0.52"),
        ("−0,52", "-0.52"),
        (" 7 ", "7"),
    ],
)
def test_parse_decimal_accepts_both_conventions(text, expected):
    assert parse_decimal(text) == Decimal(expected)


def test_parse_decimal_keeps_floats_short():
    assert parse_decimal(0.1) == Decimal("0.1")
    assert parse_decimal(43.83) == Decimal("43.83")


@pytest.mark.parametrize("bad", ["", "abc", "12a", "1,2,3.4.5x", "NaN", True, "--1"])
def test_parse_decimal_refuses_non_numbers(bad):
    with pytest.raises(NumberError):
        parse_decimal(bad)


def test_round_half_up_rounds_halves_away_from_zero():
    assert round_half_up(Decimal("86.555"), 2) == Decimal("86.56")
    assert round_half_up(Decimal("86.545"), 2) == Decimal("86.55")  # half-even would give 86.54
    assert round_half_up(Decimal("-0.125"), 2) == Decimal("-0.13")


def test_vietnamese_formatting():
    assert format_number(Decimal("86.55")) == "86,55"
    assert format_number(Decimal("1234567.891"), 2) == "1.234.567,89"
    assert format_number(Decimal("86.545"), 2) == "86,55"
    assert format_number(Decimal("86.55"), 2, "en") == "86.55"
    assert format_number(None) == "–"
    assert format_signed(Decimal("8.55")) == "+8,55"
    assert format_signed(Decimal("-0.52")) == "-0,52"
    assert format_signed(Decimal("0.001")) == "0,00"
    assert format_rank(35, 63) == "35/63"
    assert format_rank(None, 63) == "–"
    assert format_date(date(2025, 7, 1)) == "01/07/2025"


@given(st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False, allow_infinity=False))
def test_rounding_is_stable(value):
    once = round_half_up(value, 2)
    assert round_half_up(once, 2) == once
    assert abs(once - value) <= Decimal("0.005")


@given(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
def test_formatted_numbers_parse_back(value):
    assert parse_decimal(format_number(value, 4)) == round_half_up(value, 4)


def test_format_number_writes_what_babel_writes():
    """The formatter groups with Python's own format; babel's vi_VN and en_US patterns are the rule."""
    import random

    from babel.numbers import format_decimal

    rng = random.Random(11)
    values = [Decimal(rng.randint(-(10**12), 10**12)).scaleb(-rng.randint(0, 9)) for _ in range(3000)]
    values += [
        Decimal("-0.001"),
        Decimal("-0"),
        Decimal("0"),
        Decimal("0.005"),
        Decimal("-0.005"),
        Decimal("1E+6"),
    ]
    for value in values:
        for places in (0, 1, 2, 4):
            pattern = "#,##0" + ("." + "0" * places if places else "")
            for lang, babel_locale in (("vi", "vi_VN"), ("en", "en_US")):
                expected = format_decimal(
                    round_half_up(value, places),
                    format=pattern,
                    locale=babel_locale,
                    decimal_quantization=True,
                )
                assert format_number(value, places, lang) == expected, (value, places, lang)

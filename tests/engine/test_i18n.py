"""The engine's messages and names go through the translator the application installs."""

from collections.abc import Iterator
from datetime import date

import pytest

from chiso.engine import i18n
from chiso.engine.frameworks import FrameworkError, GroupBand, GroupRule, Node, framework_from_dict
from chiso.engine.numbers import NumberError, parse_decimal
from chiso.engine.units import Unit, UnitRegistry, UnknownUnitError
from chiso.engine.validation import Problem, validate_framework

ENGLISH = {
    "Không có đơn vị mã {code!r}.": "No unit with code {code!r}.",
    "Không tìm thấy đơn vị {name!r}.": "Unknown unit {name!r}.",
    "Gần nhất: {names}.": "Closest: {names}.",
    "không phải số: {value!r}": "not a number: {value!r}",
    "Tệp khung tiêu chí phải là một mục có các trường.": "A framework file must be a mapping.",
    "năm đầu ({first}) sau năm cuối ({last})": "first year ({first}) is after last year ({last})",
}


@pytest.fixture
def english() -> Iterator[list[str]]:
    """A fake English catalogue installed in the engine; restores the one before afterwards.

    Yields the list of msgids the engine asked for, so a test can see that a message went
    through the translator rather than being written in one language."""
    asked: list[str] = []

    def translate(message: str) -> str:
        asked.append(message)
        return ENGLISH.get(message, message)

    before = (i18n._translate, i18n._translate_plural, i18n._language)
    i18n.install(translate, lambda singular, plural, n: singular if n == 1 else plural, lambda: "en-gb")
    try:
        yield asked
    finally:
        i18n.install(*before)


def registry() -> UnitRegistry:
    return UnitRegistry(
        [
            Unit("58", "Ninh Thuận", name_en="Ninh Thuan", region="Duyên hải miền Trung"),
            Unit("56", "Khánh Hòa", region="Duyên hải miền Trung", region_en="Central Coast"),
        ]
    )


def test_messages_are_vietnamese_without_a_catalogue() -> None:
    with pytest.raises(UnknownUnitError, match=r"^Không có đơn vị mã '99'\.$"):
        registry().by_code("99")


def test_an_unknown_unit_code_is_reported_in_the_active_language(english) -> None:
    with pytest.raises(UnknownUnitError) as raised:
        registry().by_code("99")
    assert str(raised.value) == "No unit with code '99'."
    assert "Không có đơn vị mã {code!r}." in english


def test_an_unknown_unit_name_and_its_suggestions_are_translated(english) -> None:
    with pytest.raises(UnknownUnitError) as raised:
        registry().resolve("Ninh Thuan 2", on=date(2024, 1, 1))
    assert str(raised.value) == "Unknown unit 'Ninh Thuan 2'. Closest: Ninh Thuận."


def test_number_and_framework_errors_are_translated(english) -> None:
    with pytest.raises(NumberError, match=r"^not a number: 'abc'$"):
        parse_decimal("abc")
    with pytest.raises(FrameworkError, match=r"^A framework file must be a mapping\.$"):
        framework_from_dict([])  # type: ignore[arg-type]


def test_validation_problems_are_written_in_the_active_language(english) -> None:
    framework = framework_from_dict(
        {
            "code": "x",
            "index": "x",
            "name_vi": "X",
            "years": {"first": 2024, "last": 2022},
            "ranking": {"groups": {"method": "none"}},
            "root": {"code": "x", "name_vi": "X", "max_points": 1, "rule": {"type": "manual"}},
        }
    )
    assert Problem("framework", "first year (2024) is after last year (2022)") in validate_framework(
        framework
    )


def test_names_stored_in_both_languages_follow_the_active_language(english) -> None:
    ninh_thuan, khanh_hoa = registry().valid_units()[1], registry().valid_units()[0]
    assert (ninh_thuan.display_name, ninh_thuan.region_name) == ("Ninh Thuan", "Duyên hải miền Trung")
    assert (khanh_hoa.display_name, khanh_hoa.region_name) == ("Khánh Hòa", "Central Coast")
    assert Node("1", "Công khai", "Transparency").name == "Transparency"
    assert GroupBand("Tốt", 90, "Good").label == "Good"
    assert GroupRule().labels[0] == "Highest"
    assert GroupRule(labels_vi=("A", "B"), labels_en=("a",)).labels == ("a", "B")


def test_names_are_vietnamese_by_default() -> None:
    assert Node("1", "Công khai", "Transparency").name == "Công khai"
    assert GroupRule().labels[0] == "Nhóm đạt điểm cao nhất"
    assert registry().valid_units()[1].display_name == "Ninh Thuận"

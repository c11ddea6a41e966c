"""The template filter formats numbers like the engine, in the active language."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(text: str, **context) -> str:
    return Template("{% load chiso_numbers %}" + text).render(Context(context))


def test_vietnamese_grouping_and_decimal_comma():
    with translation.override("vi"):
        assert render("{{ x|number:2 }}", x=Decimal("1234.555")) == "1.234,56"
        assert render("{{ x|number:0 }}", x=Decimal("80")) == "80"
        assert render("{{ x|signed:2 }}", x=Decimal("1.5")) == "+1,50"


def test_english_conventions():
    with translation.override("en"):
        assert render("{{ x|number:2 }}", x=Decimal("1234.555")) == "1,234.56"
        assert render("{{ x|signed:1 }}", x=-0.25) == "-0.3"


def test_nothing_is_a_dash():
    assert render("{{ x|number:2 }}|{{ y|signed }}", x=None, y="") == "–|–"

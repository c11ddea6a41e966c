"""The one YAML reader: duplicate keys, deep nesting, alias bombs and control characters refused
naming the line; floats read as Decimal when asked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.core.safe_yaml import MAX_DEPTH, YamlRefused, load_yaml


def test_a_key_written_twice_is_refused_naming_both_lines():
    with pytest.raises(YamlRefused, match="dòng 3: khóa 'max_points' lặp lại \\(đã có ở dòng 2\\)"):
        load_yaml("code: a\nmax_points: 10\nmax_points: 100\n")
    with pytest.raises(YamlRefused, match="dòng 3"):
        load_yaml("- code: a\n  name_vi: x\n  code: b\n")


def test_a_merge_key_may_be_overridden():
    assert load_yaml("base: &b {a: 1, b: 2}\nc:\n  <<: *b\n  b: 3\n")["c"] == {"a": 1, "b": 3}


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 300 + "]" * 300,
        "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1\n",
        "a: " + "{x: " * 300 + "1" + "}" * 300,
    ],
)
def test_nesting_deeper_than_the_limit_is_refused(text):
    with pytest.raises(YamlRefused, match=f"lồng nhau quá {MAX_DEPTH} cấp"):
        load_yaml(text)


def test_nesting_within_the_limit_is_read():
    depth = MAX_DEPTH - 2
    assert load_yaml("a: " + "[" * depth + "]" * depth) is not None


def test_alias_bombs_are_refused():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    with pytest.raises(YamlRefused, match="alias"):
        load_yaml(laughs)
    with pytest.raises(YamlRefused, match="alias"):
        load_yaml("a: &a [*a]\n")
    assert load_yaml("p: &p {a: 1}\nq: *p\nr: *p\n")["r"] == {"a": 1}  # a few aliases are fine


def test_control_characters_in_text_are_refused():
    with pytest.raises(YamlRefused, match="dòng 2: có ký tự điều khiển U\\+0000"):
        load_yaml('a: 1\nname_vi: "Sở\\0Tư pháp"\n')


def test_floats_as_decimals():
    assert load_yaml("a: 7.5\nb: 1_000.25\n", decimals=True) == {"a": Decimal("7.5"), "b": Decimal("1000.25")}
    assert load_yaml("a: 7.5\n") == {"a": 7.5}
    with pytest.raises(YamlRefused, match="không phải số"):
        load_yaml("a: .inf\n", decimals=True)


def test_python_tags_are_refused():
    import yaml

    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']\n")

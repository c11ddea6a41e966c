"""The command line speaks Vietnamese by default and English with --lang en, argparse's own texts too."""

from __future__ import annotations

import pytest

from chiso.cli import i18n
from chiso.cli.main import build_parser, main


@pytest.fixture(autouse=True)
def back_to_vietnamese():
    yield
    i18n.activate("vi")


def test_help_headings_in_vietnamese_by_default(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["profile", "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert out.startswith("cách dùng: chiso profile")
    assert "\ntham số:\n" in out and "\ntùy chọn:\n" in out and "in hướng dẫn này rồi thoát" in out
    assert "usage:" not in out and "options:" not in out and "show this help" not in out


def test_help_headings_in_english_with_lang_en(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "en", "profile", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: chiso profile")
    assert "\npositional arguments:\n" in out and "\noptions:\n" in out
    assert "show this help message and exit" in out


def test_lang_after_the_command_also_counts(capsys):
    with pytest.raises(SystemExit):
        main(["profile", "--help", "--lang=en"])
    assert capsys.readouterr().out.startswith("usage:")


def test_argparse_errors_in_vietnamese(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["ranking", "papi", "20x"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "chiso ranking: lỗi: tham số year: giá trị int không hợp lệ: '20x'" in err
    with pytest.raises(SystemExit):
        main(["units", "rename"])
    assert "lựa chọn không hợp lệ: 'rename'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["whatif", "papi", "2021"])
    assert "thiếu tham số bắt buộc: unit, --set" in capsys.readouterr().err


def test_argparse_is_left_as_it_was():
    """The translation is swapped in only while one of our parsers works."""
    import argparse

    build_parser().format_help()
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_the_language_is_read_before_parsing():
    assert i18n.language_in(["ranking", "papi", "2021", "--lang", "en"]) == "en"
    assert i18n.language_in(["--lang=vi", "ranking"]) == "vi"
    assert i18n.language_in(["survey", "link", "--", "--lang", "en"]) is None
    assert i18n.language_in(["ranking"]) is None

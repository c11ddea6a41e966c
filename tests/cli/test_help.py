"""Every command's --help renders (argparse fails on a stray % in help texts)."""

import pytest

from chiso.cli.main import build_parser


def _subparsers(parser):
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            yield from action.choices.items()


def all_commands():
    for name, sub in _subparsers(build_parser()):
        yield name, sub
        for child, subsub in _subparsers(sub):
            yield f"{name} {child}", subsub


@pytest.mark.parametrize(
    ("name", "parser"), list(all_commands()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_help_renders(name, parser):
    text = parser.format_help()
    assert "cách dùng:" in text

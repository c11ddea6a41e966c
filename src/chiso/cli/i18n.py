"""The command line's language: Vietnamese by default, English with ``--lang en``.

The command's own texts are Vietnamese msgids read through the project's gettext catalogue (the same
one the web pages use) with the standard library's `gettext`, so ``chiso --help`` needs no Django.
Once a command has set Django up, Django's active language is switched to the same one
(`chiso.cli.common.django_ready`), so service and engine messages follow.

argparse writes its own headings and errors ("usage:", "options", "invalid choice: …") through the
module-level `_` and `ngettext` of the `argparse` module; `ChisoParser` swaps them for ours while one
of its methods runs, with the Vietnamese texts below as msgids.
"""

from __future__ import annotations

import argparse
import gettext as stdlib_gettext
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LANGUAGES = ("vi", "en")
SOURCE_LANGUAGE = "vi"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_language = SOURCE_LANGUAGE
_catalogue: stdlib_gettext.NullTranslations = stdlib_gettext.NullTranslations()


def gettext_noop(message: str) -> str:
    """Mark a message for the catalogue without translating it now."""
    return message


def gettext(message: str) -> str:
    """The message in the command's language."""
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count` in the command's language."""
    return _catalogue.ngettext(singular, plural, count)


_ = gettext


def language() -> str:
    """The command's language code, "vi" or "en"."""
    return _language


def activate(code: str | None) -> None:
    """Speak `code` ("vi" or "en"; anything else means Vietnamese) from now on.

    The engine's messages follow too, until Django is set up and installs its own gettext.
    """
    global _language, _catalogue
    _language = code if code in LANGUAGES else SOURCE_LANGUAGE
    if _language == SOURCE_LANGUAGE:
        _catalogue = stdlib_gettext.NullTranslations()
    else:
        _catalogue = stdlib_gettext.translation("django", LOCALE_DIR, languages=[_language], fallback=True)
    if _django_is_set_up():
        # Django's gettext already serves the engine (chiso.core): only its language changes.
        from django.utils import translation

        translation.activate(_language)
        return
    from chiso.engine import i18n as engine_i18n

    engine_i18n.install(_catalogue.gettext, _catalogue.ngettext, language)


def _django_is_set_up() -> bool:
    """Whether Django's apps are loaded in this process (without importing Django to find out)."""
    registry = sys.modules.get("django.apps")
    return bool(registry is not None and registry.apps.ready)


def language_in(argv: Sequence[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` in a command line, read before parsing it
    (the parser's own texts must already be in that language)."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


# argparse's own messages (Python 3.11–3.13), English as argparse writes them → our Vietnamese msgid.
ARGPARSE_MESSAGES = {
    "usage: ": gettext_noop("cách dùng: "),
    "positional arguments": gettext_noop("tham số"),
    "options": gettext_noop("tùy chọn"),
    "show this help message and exit": gettext_noop("in hướng dẫn này rồi thoát"),
    "%(prog)s: error: %(message)s\n": gettext_noop("%(prog)s: lỗi: %(message)s\n"),
    "the following arguments are required: %s": gettext_noop("thiếu tham số bắt buộc: %s"),
    "argument %(argument_name)s: %(message)s": gettext_noop("tham số %(argument_name)s: %(message)s"),
    "invalid choice: %(value)r (choose from %(choices)s)": gettext_noop(
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": gettext_noop("giá trị %(type)s không hợp lệ: %(value)r"),
    "unrecognized arguments: %s": gettext_noop("tham số không hiểu được: %s"),
    "expected one argument": gettext_noop("cần một giá trị"),
    "expected at least one argument": gettext_noop("cần ít nhất một giá trị"),
    "expected at most one argument": gettext_noop("cần nhiều nhất một giá trị"),
    "ambiguous option: %(option)s could match %(matches)s": gettext_noop(
        "tùy chọn không rõ: %(option)s có thể là %(matches)s"
    ),
    "not allowed with argument %s": gettext_noop("không dùng được cùng tham số %s"),
    "one of the arguments %s is required": gettext_noop("cần một trong các tham số %s"),
    "ignored explicit argument %r": gettext_noop("bỏ qua giá trị %r"),
    "unknown parser %(parser_name)r (choices: %(choices)s)": gettext_noop(
        "không có lệnh %(parser_name)r (có: %(choices)s)"
    ),
}
# Counted messages: Vietnamese has one form for every count.
ARGPARSE_PLURALS = {
    ("expected %s argument", "expected %s arguments"): gettext_noop("cần %s giá trị"),
}


def argparse_gettext(message: str) -> str:
    """One of argparse's messages in the command's language (English is argparse's own text)."""
    if _language == "en" or message not in ARGPARSE_MESSAGES:
        return message
    return gettext(ARGPARSE_MESSAGES[message])


def argparse_ngettext(singular: str, plural: str, count: int) -> str:
    """One of argparse's counted messages in the command's language."""
    message = ARGPARSE_PLURALS.get((singular, plural))
    if _language == "en" or message is None:
        return singular if count == 1 else plural
    return gettext(message)


@contextmanager
def argparse_in_our_language() -> Iterator[None]:
    """Route argparse's messages through `argparse_gettext` while the block runs (re-entrant)."""
    saved: tuple[Callable[..., str], Callable[..., str]] = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
    argparse._ = argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = argparse_ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class ChisoParser(argparse.ArgumentParser):
    """An ArgumentParser whose headings and errors speak the command's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with argparse_in_our_language():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with argparse_in_our_language():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        with argparse_in_our_language():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with argparse_in_our_language():
            return super().format_usage()

    def format_help(self) -> str:
        with argparse_in_our_language():
            return super().format_help()

    def error(self, message: str) -> Any:
        with argparse_in_our_language():
            super().error(message)

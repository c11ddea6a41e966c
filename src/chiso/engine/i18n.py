"""Translation hook for the engine: gettext without Django.

The engine stays free of Django, so it cannot call `django.utils.translation` itself. Its
user-visible messages are written in Vietnamese (the source language) and marked with the
functions below, which `makemessages` finds like any other gettext call. By default they return
the Vietnamese text unchanged (a notebook reads Vietnamese); the Django layer installs its own
gettext at start-up (`chiso.core.apps`), so the same message reaches a web page or the command
line in the active language.

Messages with values use named placeholders filled after translation, so a translator can move
them: ``gettext("Không có đơn vị mã {code}.").format(code=code)``.
"""

from __future__ import annotations

from collections.abc import Callable


def _source_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _source_language() -> str | None:
    return "vi"


_translate: Callable[[str], str] = str
_translate_plural: Callable[[str, str, int], str] = _source_plural
_language: Callable[[], str | None] = _source_language


def install(
    translate: Callable[[str], str],
    translate_plural: Callable[[str, str, int], str],
    language: Callable[[], str | None],
) -> None:
    """Route the engine's messages through a real catalogue (called once by the Django layer)."""
    global _translate, _translate_plural, _language
    _translate, _translate_plural, _language = translate, translate_plural, language


def gettext(message: str) -> str:
    """The message in the active language (Vietnamese when no catalogue is installed)."""
    return _translate(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count` in the active language."""
    return _translate_plural(singular, plural, count)


def gettext_noop(message: str) -> str:
    """Mark a message for the catalogue without translating it now (module-level constants)."""
    return message


_ = gettext


def active_language() -> str:
    """The active language code, "vi" or "en" (anything that is not English reads Vietnamese)."""
    code = (_language() or "vi").lower()
    return "en" if code.startswith("en") else "vi"


def localized(vietnamese: str, english: str | None) -> str:
    """A name stored in both languages (index, unit, region, group), in the active one.

    Vietnamese is the reference: an English name that was never given falls back to it.
    """
    if active_language() == "en" and english:
        return english
    return vietnamese

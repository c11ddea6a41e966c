"""Vietnamese names: normalisation, matching keys and collation.

Two spellings of one name must compare equal: precomposed and combining forms ("Hòa" typed as
"Ho" + U+0300 + "a") and the two tone-placement conventions ("Hòa" and "Hoà", "Thủy" and "Thuỷ").
NFC alone does not merge the second pair, so the matching key moves every tone mark to the end of
its syllable before composing again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import icu

# The five Vietnamese tone marks as combining characters (huyền, sắc, hỏi, ngã, nặng).
TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")

_SEPARATORS = re.compile(r"[\s\-–—_.,;:()/'\"’]+")


def nfc(text: str) -> str:
    """Unicode NFC with runs of white space collapsed to one space and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _move_tones_to_syllable_end(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return base + tones


def match_key(text: str) -> str:
    """A key equal for every spelling of the same name: case, white space, punctuation,
    Unicode form and tone placement do not matter; diacritics do ("Hà Nam" ≠ "Hà Năm")."""
    words = _SEPARATORS.split(nfc(text).casefold())
    return " ".join(_move_tones_to_syllable_end(w) for w in words if w)


def plain_key(text: str) -> str:
    """A key without any diacritic, for typing without Vietnamese input ("Khanh Hoa")."""
    decomposed = unicodedata.normalize("NFD", match_key(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text: str) -> bytes:
    """Vietnamese (ICU, CLDR `vi`) collation key: A < Ă < Â, D < Đ, U < Ư, tones in order."""
    return _collator().getSortKey(nfc(text))


def sorted_vi(names: Iterable[str]) -> list[str]:
    """Names in Vietnamese alphabetical order."""
    return sorted(names, key=sort_key)


_SHOWN_CODE = re.compile(r"[A-Za-zĐđ]{0,4}\d+(?:\.\d+)*[a-z]?")


def shown_code(code: str) -> str:
    """A criterion's code as people see it: an official numbering ("d8", "1.2.3", "TC1") is shown;
    a key made for machines ("entry_costs", "total") is not — its name says it all."""
    return code if _SHOWN_CODE.fullmatch(code or "") else ""


def labelled(code: str, name: str) -> str:
    """ "d8 Quản trị điện tử" when the code is shown, else the name alone."""
    shown = shown_code(code)
    return f"{shown} {name}" if shown else name

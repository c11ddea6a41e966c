"""Regenerate the English catalogue from the sources and compile it.

    python scripts/i18n_update.py [translations.json ...]

Runs Django's makemessages over src/chiso (new msgids arrive untranslated, vanished ones are
dropped), fills empty entries from the JSON files given ({"msgid": "English", ...}), compiles the
catalogue and prints the msgids still untranslated. The catalogue test fails while any is left.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import chdir
from pathlib import Path

from babel.messages.catalog import Catalog, Message

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")


PLURAL_SEPARATOR = "\u0000"


def load_translations(paths: list[Path]) -> dict[str, str | list[str]]:
    """Every msgid → msgstr of the JSON files; a later file wins when two disagree (reported)."""
    merged: dict[str, str | list[str]] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise SystemExit(f"{path}: expected a JSON object of msgid → msgstr")
        for msgid, msgstr in data.items():
            if msgid in merged and merged[msgid] != msgstr:
                print(f"{path}: {msgid!r} translated twice; keeping {msgstr!r}", file=sys.stderr)
            merged[msgid] = msgstr
    return merged


def _is_empty(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return message.fuzzy or not any(strings)


def fill(catalog: Catalog, translations: dict[str, str | list[str]]) -> tuple[int, list[str]]:
    """Fill the catalogue's empty messages; returns how many were filled and the unknown msgids."""
    filled = 0
    unknown = []
    for key, msgstr in translations.items():
        singular, _, plural = key.partition(PLURAL_SEPARATOR)
        message = catalog.get(singular, context=None)
        if message is None:
            unknown.append(key)
            continue
        if not _is_empty(message):
            continue
        if message.pluralizable:
            forms = list(msgstr) if isinstance(msgstr, list) else [msgstr]
            if not plural or len(forms) < 2:
                print(f"{singular!r} is a plural message; give its forms as a list", file=sys.stderr)
                continue
            message.string = tuple(forms[: catalog.num_plurals])
        else:
            if isinstance(msgstr, list):
                print(f"{singular!r} is not a plural message in the catalogue", file=sys.stderr)
                continue
            message.string = msgstr
        message.flags.discard("fuzzy")
        filled += 1
    return filled, unknown


def _fill_catalogue(paths: list[str]) -> None:
    from babel.messages.pofile import read_po, write_po

    from chiso.core.catalogue import CATALOGUE

    translations = load_translations([Path(p) for p in paths])
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle)
    filled, unknown = fill(catalog, translations)
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalog, width=0, include_previous=True)  # no wrapping, as makemessages --no-wrap
    print(f"filled {filled} entries; {len(unknown)} translations match no msgid")


def main(paths: list[str]) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from chiso.core.catalogue import CATALOGUE, extract, missing

    with chdir(ROOT / "src" / "chiso"):
        call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True, no_wrap=True)
    if paths:
        _fill_catalogue(paths)
    with chdir(CATALOGUE.parent.parent.parent.parent):
        call_command("compilemessages", locale=["en"], verbosity=0)
    gaps = missing(extract())
    for msgid in gaps:
        print("untranslated:", msgid)
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

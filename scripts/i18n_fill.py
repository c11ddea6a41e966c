"""Fill empty translations of a gettext catalogue from JSON files of msgid → msgstr.

Each JSON file is an object {"Vietnamese msgid": "English msgstr", ...}; a plural entry has the key
"singular\\u0000plural" and a list of the plural forms. Only messages whose msgstr is empty (or
fuzzy) in the catalogue are filled; a translation already there is kept, and a fuzzy entry that
gets filled loses its fuzzy flag. Messages of the JSON files that the catalogue lacks are listed
(run `makemessages` first so that they are in it).

    python scripts/i18n_fill.py src/chiso/locale/en/LC_MESSAGES/django.po translations/*.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("po", type=Path, help="the .po file to fill (rewritten in place)")
    parser.add_argument("json", type=Path, nargs="+", help="JSON files of msgid → msgstr")
    parser.add_argument("--dry-run", action="store_true", help="report without writing the .po file")
    args = parser.parse_args(argv)

    translations = load_translations(args.json)
    with args.po.open("rb") as handle:
        catalog = read_po(handle)
    filled, unknown = fill(catalog, translations)
    if not args.dry_run:
        with args.po.open("wb") as handle:
            write_po(handle, catalog, width=0, include_previous=True)  # no wrapping, as --no-wrap
    print(f"{args.po}: {filled} filled, {len(unknown)} not in the catalogue")
    for msgid in unknown:
        print(f"  not in the catalogue: {msgid!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

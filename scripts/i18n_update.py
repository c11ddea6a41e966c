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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")


def _fill(translations: dict[str, str | list[str]]) -> int:
    from babel.messages.pofile import read_po, write_po

    from chiso.core.catalogue import CATALOGUE

    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else "\u0000".join(message.id)
        english = translations.get(key)
        if english is None:
            continue
        empty = not message.string or (not isinstance(message.string, str) and not all(message.string))
        if empty or message.fuzzy:
            message.string = english if isinstance(english, str) else tuple(english)
            message.flags.discard("fuzzy")
            filled += 1
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False)
    return filled


def main(paths: list[str]) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from chiso.core.catalogue import CATALOGUE, extract, missing

    with chdir(ROOT / "src" / "chiso"):
        call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True, no_wrap=True)
    translations: dict[str, str | list[str]] = {}
    for path in paths:
        translations.update(json.loads(Path(path).read_text(encoding="utf-8")))
    if translations:
        print(f"filled {_fill(translations)} entries")
    with chdir(CATALOGUE.parent.parent.parent.parent):
        call_command("compilemessages", locale=["en"], verbosity=0)
    gaps = missing(extract())
    for msgid in gaps:
        print("untranslated:", msgid)
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

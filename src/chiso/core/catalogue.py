"""The English catalogue: regenerate it from the sources and check that it is complete.

Vietnamese is the source language, so the one catalogue (``src/chiso/locale/en``) maps every
Vietnamese msgid to its English text. `extract()` runs Django's ``makemessages`` over a copy of
the package, so checking never rewrites the committed files; `missing()` lists the msgids a
catalogue lacks or leaves untranslated.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from contextlib import chdir
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
_SOURCES = ("*.py", "*.html", "*.txt")
_SKIP = ("__pycache__", "migrations", "tests", "static", "data")


def _copy_sources(target: Path) -> None:
    for pattern in _SOURCES:
        for path in PACKAGE.rglob(pattern):
            relative = path.relative_to(PACKAGE)
            if any(part in _SKIP for part in relative.parts[:-1]):
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def extract() -> Catalog:
    """The catalogue `makemessages` builds from today's sources (nothing committed is touched)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        _copy_sources(root)
        (root / "locale").mkdir()
        # Only the copy's own locale folder: the committed catalogue must not be written.
        with chdir(root), override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
        return _read(root / "locale" / "en" / "LC_MESSAGES" / "django.po")


def _msgid(message_id: str | Sequence[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def missing(extracted: Catalog, catalogue: Catalog | None = None) -> list[str]:
    """Msgids of `extracted` that `catalogue` (by default the committed one) lacks, leaves
    empty or marks fuzzy, in source order."""
    committed = catalogue if catalogue is not None else _read(CATALOGUE)
    gaps = []
    for message in extracted:
        if not message.id:
            continue
        known = committed.get(message.id, message.context)
        translation = None if known is None else known.string
        strings = translation if isinstance(translation, (tuple, list)) else (translation,)
        if known is None or known.fuzzy or not all(strings):
            gaps.append(_msgid(message.id))
    return gaps

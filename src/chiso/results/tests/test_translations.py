"""Every English catalogue (the project's and each app's) is complete, and its compiled .mo
matches the .po people edit."""

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("**/locale/en/LC_MESSAGES/django.po"))


def test_there_is_a_project_catalogue():
    assert PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_catalogue_is_translated_and_compiled(po_path):
    with po_path.open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id}
    with po_path.with_suffix(".mo").open("rb") as handle:
        mo = {m.id: m.string for m in read_mo(handle) if m.id}
    untranslated = [key for key, value in po.items() if not value]
    assert untranslated == []
    assert mo == po, f"run: msgfmt -o {po_path.with_suffix('.mo')} {po_path}"

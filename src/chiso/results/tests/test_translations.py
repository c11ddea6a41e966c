"""The English catalogue is complete and its compiled .mo matches the .po people edit."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def test_every_message_has_an_english_translation_and_the_mo_is_compiled():
    with (LOCALE / "django.po").open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id}
    with (LOCALE / "django.mo").open("rb") as handle:
        mo = {m.id: m.string for m in read_mo(handle) if m.id}
    untranslated = [key for key, value in po.items() if not value]
    assert untranslated == []
    assert mo == po, (
        "run: msgfmt -o src/chiso/locale/en/LC_MESSAGES/django.mo src/chiso/locale/en/LC_MESSAGES/django.po"
    )

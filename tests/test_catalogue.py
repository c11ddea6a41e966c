"""One translation path: every message in the sources is in the English catalogue, and no
message string is written in two languages at once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from chiso.core import catalogue

SOURCES = Path(catalogue.PACKAGE)
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
# "Tiếng Việt / English words": Vietnamese before the slash, an English word after it.
BILINGUAL = re.compile(r"\s/\s+(?:[a-z]+\s){1,}[a-z]+")


@pytest.mark.django_db
def test_every_msgid_has_an_english_translation():
    gaps = catalogue.missing(catalogue.extract())
    assert not gaps, "untranslated (run scripts/i18n_update.py): " + "; ".join(gaps[:20])


def test_missing_names_an_untranslated_message():
    from babel.messages.catalog import Catalog

    extracted, committed = Catalog(), Catalog()
    extracted.add("Điểm")
    extracted.add("Hạng")
    committed.add("Điểm", "Points")
    committed.add("Hạng", "")
    assert catalogue.missing(extracted, committed) == ["Hạng"]


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f"… {x} / English": the pieces joined around the values
        return "".join(_text(part) or "{}" for part in node.values)
    return None


def _is_bilingual(text: str) -> bool:
    head, _, tail = text.partition(" / ")
    return (
        bool(tail)
        and bool(VIETNAMESE.search(head))
        and bool(BILINGUAL.search(text))
        and not VIETNAMESE.search(tail)
    )


def _docstrings(tree: ast.Module) -> set[int]:
    """Docstrings are for developers, not messages: the ids of their nodes."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _bilingual_strings(path: Path, root: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        text = _text(node)
        if text is not None and _is_bilingual(text):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {text[:80]!r}")
    return found


def test_no_bilingual_message_strings():
    found = []
    for path in sorted(SOURCES.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.extend(_bilingual_strings(path, SOURCES))
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("source", "bilingual"),
    [
        ('raise ValueError("Bạn không có quyền gia hạn / not allowed.")', True),
        ('raise ValueError(f"Không có nội dung {code!r} / no such node.")', True),
        ('label = "Điểm / 100"', False),
        ('raise ValueError(_("Bạn không có quyền gia hạn."))', False),
        ('def f():\n    """Cột «tên» / name column of the sheet."""', False),
    ],
)
def test_the_bilingual_check(tmp_path, source, bilingual):
    sample = tmp_path / "sample.py"
    sample.write_text(source + "\n", encoding="utf-8")
    assert bool(_bilingual_strings(sample, tmp_path)) is bilingual


def _entries(messages) -> dict[object, object]:
    """(context, msgid) → msgstr, with plural ids and forms as tuples so the two files compare."""
    entries = {}
    for message in messages:
        if not message.id:
            continue
        context = message.context.decode() if isinstance(message.context, bytes) else message.context
        key = (context, message.id if isinstance(message.id, str) else tuple(message.id))
        entries[key] = message.string if isinstance(message.string, str) else tuple(message.string)
    return entries


def test_the_compiled_catalogue_matches_its_source():
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    with catalogue.CATALOGUE.open("rb") as handle:
        po = _entries(read_po(handle))
    with catalogue.CATALOGUE.with_suffix(".mo").open("rb") as handle:
        mo = _entries(read_mo(handle))
    assert mo == po, "run: python scripts/i18n_update.py"


def test_there_is_one_catalogue():
    assert [p.relative_to(SOURCES) for p in SOURCES.glob("**/locale/*/LC_MESSAGES/*.po")] == [
        Path("locale/en/LC_MESSAGES/django.po")
    ]


def test_the_catalogue_compiles_with_its_format_checks():
    """What Django's compilemessages runs: a msgid that looks like a %-format (“tỷ lệ % so với” reads
    as “% s”) and a msgstr that does not agree are fatal there."""
    import os
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    result = subprocess.run(
        [msgfmt, "--check-format", "-o", os.devnull, str(catalogue.CATALOGUE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr

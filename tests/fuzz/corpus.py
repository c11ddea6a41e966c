"""The fuzz corpus: malformed files for every importer, made in code (the big ones too), so that the
repository holds no binary fixture and every file says how it was made.

Each `Case` is one file every importer of its kind must refuse cleanly: a message (naming the row or
the cell when there is one), nothing written. A case's `expect` is a fragment that message holds.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook


@dataclass(frozen=True)
class Case:
    name: str
    suffix: str
    data: bytes
    expect: str = ""

    def __str__(self) -> str:
        return self.name


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
RANDOM = random.Random(10).randbytes(4096)
FORMULA_FREE_TEXT = '=HYPERLINK("http://example.com","x")'  # a text cell, not a formula

# -- workbooks --------------------------------------------------------------------------------------


def workbook(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """An .xlsx of the given sheets (first sheet first)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def edit_sheet(data: bytes, change: Callable[[str], str], part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with one part's XML changed."""
    parts = _parts(data)
    parts[part] = change(parts[part].decode()).encode()
    return _zip(parts)


def formula_without_value(data: bytes, cell: str) -> bytes:
    """The workbook with `cell` of the first sheet replaced by a formula Excel never computed (what
    generators write: <f> and an empty <v>)."""

    def change(xml: str) -> str:
        pattern = re.compile(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)')
        replacement = f'<c r="{cell}"><f>SUM(1,2)</f><v></v></c>'
        if pattern.search(xml):
            return pattern.sub(replacement, xml, count=1)
        row = re.sub(r"\D", "", cell)
        return re.sub(rf'(<row r="{row}"[^>]*>)', rf"\1{replacement}", xml, count=1)

    return edit_sheet(data, change)


def xlsx_cases(good: bytes, formula_cell: str, bad: bytes, prefix: str) -> list[Case]:
    """The workbook attacks, built from a workbook the importer would otherwise accept (`good`) and
    one it refuses for a row of its own (`bad`)."""
    parts = _parts(good)
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    bomb = dict(parts)
    bomb["xl/media/zeros.bin"] = bytes(4 * 1024 * 1024)  # 4 MB of zeros deflate to about 4 KB
    many = dict(parts)
    many.update({f"customXml/item{i}.xml": b"<a/>" for i in range(10_001)})
    laughing = dict(parts)
    laughing["xl/worksheets/sheet1.xml"] = laughs.encode()
    dimension = edit_sheet(
        bad, lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
    )
    return [
        Case(f"{prefix}-xlsx-empty", ".xlsx", b"", "Excel"),
        Case(f"{prefix}-xlsx-wrong-type-png", ".xlsx", PNG, "Excel"),
        Case(f"{prefix}-xlsx-random-bytes", ".xlsx", RANDOM, "Excel"),
        Case(f"{prefix}-xlsx-csv-text", ".xlsx", "Tỉnh;Điểm\nCao Bằng;80\n".encode(), "Excel"),
        Case(f"{prefix}-xlsx-truncated", ".xlsx", good[: len(good) // 2]),
        Case(f"{prefix}-xlsx-zip-bomb", ".xlsx", _zip(bomb, level=9), "bom nén"),
        Case(f"{prefix}-xlsx-10001-parts", ".xlsx", _zip(many), "bom nén"),
        Case(
            f"{prefix}-xlsx-formula-without-value",
            ".xlsx",
            formula_without_value(good, formula_cell),
            formula_cell,
        ),
        Case(f"{prefix}-xlsx-billion-laughs", ".xlsx", _zip(laughing)),
        Case(f"{prefix}-xlsx-broken-sheet-xml", ".xlsx", edit_sheet(good, lambda xml: xml[: len(xml) // 2])),
        Case(
            f"{prefix}-xlsx-no-workbook-part",
            ".xlsx",
            _zip({k: v for k, v in parts.items() if k != "xl/workbook.xml"}),
        ),
        Case(f"{prefix}-xlsx-dimension-claims-a-million-rows", ".xlsx", dimension, "dòng"),
    ]


# -- text -------------------------------------------------------------------------------------------


def text_cases(header: str, good_row: str, bad_row: str, prefix: str, sep: str = ";") -> list[Case]:
    """The text-file attacks for a CSV whose `bad_row` is refused on its own (row 3 of each file)."""
    table = f"{header}\n{good_row}\n{bad_row}\n"
    long_cell = "x" * (128 * 1024)
    shorter = good_row.rsplit(sep, 1)[0]  # the last cell replaced by a long one
    return [
        Case(f"{prefix}-csv-empty", ".csv", b""),
        Case(f"{prefix}-csv-blank-lines", ".csv", b"\n\n  \n"),
        Case(f"{prefix}-csv-wrong-type-png", ".csv", PNG),
        Case(f"{prefix}-csv-random-bytes", ".csv", RANDOM),
        Case(
            f"{prefix}-csv-cp1258",
            ".csv",
            table.encode("ascii", "replace") + b"Cao B\xe3ng" + sep.encode() + b"1\n",
            "UTF-8",
        ),
        Case(
            f"{prefix}-csv-windows-1252", ".csv", table.encode() + "Caf\xe9".encode("cp1252") + b"\n", "UTF-8"
        ),
        Case(f"{prefix}-csv-utf16-without-bom", ".csv", table.encode("utf-16-le"), "UTF-16"),
        Case(
            f"{prefix}-csv-invalid-utf8-line-3",
            ".csv",
            f"{header}\n{good_row}\n".encode() + b"\xff\xfe\n",
            "dòng 3",
        ),
        Case(f"{prefix}-csv-bom-utf8", ".csv", ("\ufeff" + table).encode(), "dòng 3"),
        Case(f"{prefix}-csv-bom-utf16", ".csv", table.replace("\n", "\r\n").encode("utf-16"), "dòng 3"),
        Case(f"{prefix}-csv-cr-only", ".csv", table.replace("\n", "\r").encode(), "dòng 3"),
        Case(f"{prefix}-csv-nul", ".csv", table.replace(good_row, good_row + "\x00", 1).encode(), "U+0000"),
        Case(
            f"{prefix}-csv-control-character",
            ".csv",
            table.replace(good_row, "\x01" + good_row, 1).encode(),
            "U+0001",
        ),
        Case(f"{prefix}-csv-128kb-field", ".csv", f"{header}\n{shorter}{sep}{long_cell}\n".encode(), "32767"),
        Case(
            f"{prefix}-csv-40kb-field",
            ".csv",
            f"{header}\n{shorter}{sep}{long_cell[:40_000]}\n".encode(),
            "32767",
        ),
        Case(f"{prefix}-csv-unterminated-quote", ".csv", f'{header}\n"{bad_row}\n{good_row}\n'.encode()),
        Case(f"{prefix}-csv-appended-to-itself", ".csv", (table + table).encode(), "tiêu đề"),
        Case(
            f"{prefix}-csv-appended-to-itself-with-bom",
            ".csv",
            ("\ufeff" + table).encode() + ("\ufeff" + table).encode(),
            "tiêu đề",
        ),
    ]


# -- YAML -------------------------------------------------------------------------------------------


def yaml_cases(good: str, prefix: str) -> list[Case]:
    """The YAML attacks, built from a text the importer would otherwise accept."""
    nested = "a: " + "[" * 300 + "]" * 300 + "\n"
    block_nested = "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1\n"
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    first_key = good.split(":", 1)[0].strip().lstrip("- ")
    indent = "  " if good.lstrip().startswith("-") else ""
    duplicate = good.rstrip("\n") + f"\n{indent}{first_key}: again\n"
    return [
        Case(f"{prefix}-yaml-empty", ".yaml", b""),
        Case(f"{prefix}-yaml-wrong-type-png", ".yaml", PNG),
        Case(f"{prefix}-yaml-random-bytes", ".yaml", RANDOM),
        Case(f"{prefix}-yaml-cp1258", ".yaml", good.encode() + b"# Cao B\xe3ng\n", "UTF-8"),
        Case(f"{prefix}-yaml-utf16-without-bom", ".yaml", good.encode("utf-16-le"), "UTF-16"),
        Case(f"{prefix}-yaml-duplicate-key", ".yaml", duplicate.encode(), "lặp lại"),
        Case(f"{prefix}-yaml-nested-300-flow", ".yaml", nested.encode(), "lồng nhau"),
        Case(f"{prefix}-yaml-nested-300-block", ".yaml", block_nested.encode(), "lồng nhau"),
        Case(f"{prefix}-yaml-billion-laughs", ".yaml", laughs.encode(), "alias"),
        Case(f"{prefix}-yaml-recursive-alias", ".yaml", b"a: &a [*a]\n", "alias"),
        Case(
            f"{prefix}-yaml-nul-escape",
            ".yaml",
            re.sub(r"name_vi: .*", lambda _m: 'name_vi: "a\\0b"', good, count=1).encode(),
            "U+0000",
        ),
        Case(f"{prefix}-yaml-python-tag", ".yaml", b"!!python/object/apply:os.system ['true']\n"),
        Case(f"{prefix}-yaml-scalar", ".yaml", b"42\n"),
        Case(f"{prefix}-yaml-truncated", ".yaml", good[: len(good) // 2].encode() + b'\n"\n'),
        Case(f"{prefix}-yaml-tabs", ".yaml", good.replace("  ", "\t").encode()),
    ]

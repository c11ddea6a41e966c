"""`clean_file_name`: the one place an uploaded file's name is cleaned (issue 10, attack 9)."""

from __future__ import annotations

import pytest

from chiso.core.files import clean_file_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("hoadon\u202efdp.exe", "hoadonfdp.exe"),  # RIGHT-TO-LEFT OVERRIDE: shown as "hoadonexe.pdf"
        ("\u2067Biên bản\u2069 họp\u200f.pdf", "Biên bản họp.pdf"),  # isolates, marks
        ("bao\u200bcao\ufeff.xlsx", "baocao.xlsx"),  # zero-width space, byte-order mark
        ("dòng\r\nmới\x00\x07.docx", "dòngmới.docx"),  # control characters
        ("C:\\Users\\An\\Tờ trình  số   12.pdf", "Tờ trình số 12.pdf"),  # Windows path, spaces
        ("../../etc/passwd", "passwd"),
        ("Ho\u0300a.pdf", "Hòa.pdf"),  # composed (NFC)
        (".htaccess", "htaccess"),
        ("...", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_control_and_bidirectional_characters_are_removed(sent, kept):
    assert clean_file_name(sent) == kept


def test_a_long_name_keeps_its_extension():
    cleaned = clean_file_name("Báo cáo " * 60 + ".xlsx")
    assert len(cleaned) <= 255 and cleaned.endswith(".xlsx")

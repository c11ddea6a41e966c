"""The name of an uploaded file as chiso stores and shows it.

A browser sends whatever name the sender's machine had. Control characters (line breaks, NUL …)
break log lines, headers and exports; bidirectional controls such as U+202E RIGHT-TO-LEFT
OVERRIDE make "hoadon‮fdp.exe" look like "hoadonexe.pdf" on screen. `clean_file_name` is the one
place that removes them: every upload (evidence, progress reports, result tables, questionnaires,
survey responses) goes through it before its name is stored, shown or put in a header.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 255
# Unicode categories removed: Cc control characters, Cf format characters (the bidirectional
# embeddings, overrides, isolates and marks U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069,
# zero-width characters, the byte-order mark), Cs surrogates, Co private use, Cn unassigned, and
# Zl/Zp line and paragraph separators.
REMOVED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean_file_name(name: str | None) -> str:
    """The last component of `name` (no folder), in NFC, without control, format (bidirectional)
    or unassigned characters, every run of spaces one space, at most 255 characters with the
    extension kept; "" when nothing is left (the caller names it)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in REMOVED)
    kept = " ".join(kept.split()).strip(" .")  # no leading dot (hidden file), no trailing one
    if len(kept) > MAX_LENGTH:
        stem, dot, suffix = kept.rpartition(".")
        if dot and 0 < len(suffix) <= 16:
            kept = stem[: MAX_LENGTH - len(suffix) - 1].rstrip() + "." + suffix
        else:
            kept = kept[:MAX_LENGTH]
    return kept

"""The command line's progress bar: the `Progress` a long service reports to, drawn on stderr.

    Nhập tệp trả lời  [██████████░░░░░░░░░░]  2/3  67 %  còn khoảng 4 giây — Đang lưu 80 phiếu

On a terminal the bar is redrawn in place (at most ten times a second); when stderr is a file or a
pipe each step is one line, so a scheduled job's log stays readable. stdout keeps the command's
output alone.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from chiso.cli.i18n import gettext as _

WIDTH = 20
REDRAW_EVERY = 0.1


def _left(seconds: float) -> str:
    minutes, rest = divmod(max(1, round(seconds)), 60)
    if minutes:
        return _("còn khoảng {m} phút {s} giây").format(m=minutes, s=rest)
    return _("còn khoảng {s} giây").format(s=rest)


class Bar:
    """A `Progress` (``bar(done, total, message)``) that draws itself on `stream` (stderr)."""

    def __init__(self, title: str, stream: TextIO | None = None) -> None:
        self.title = title
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._drawn = 0.0
        self._last = ""

    def line(self, done: int, total: int | None, message: str) -> str:
        parts = [self.title]
        if total:
            filled = min(WIDTH, round(WIDTH * done / total))
            parts.append("[" + "█" * filled + "░" * (WIDTH - filled) + "]")
            parts.append(f"{done}/{total}")
            parts.append(f"{min(100, round(100 * done / total))} %")
            if 0 < done < total:
                elapsed = time.monotonic() - self.started
                parts.append(_left(elapsed / done * (total - done)))
        elif done:
            parts.append(str(done))
        text = "  ".join(parts)
        return f"{text} — {message}" if message else text

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        text = self.line(done, total, message)
        if text == self._last:
            return
        final = total is not None and done >= total
        now = time.monotonic()
        if self.live:
            if now - self._drawn < REDRAW_EVERY and not final:
                return
            self.stream.write("\r\033[K" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._drawn, self._last = now, text

"""How long work reports how far it has got — one protocol for the web's background tasks and the CLI's bar.

A service that may run for more than a second takes ``progress: Progress = no_progress`` and calls it as
it goes: ``progress(done, total, message)``. The background task stores the call for the page to poll;
the command line draws a bar. The service itself knows neither.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """``done`` steps of ``total`` (None while the total is unknown), with a short message for the user."""

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None: ...


def no_progress(done: int, total: int | None = None, message: str = "") -> None:
    """The default: nobody is watching."""

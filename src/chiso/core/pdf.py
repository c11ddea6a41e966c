"""PDF through LibreOffice (headless), when it is installed; never a substitute."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from chiso.engine.i18n import gettext as _

CANDIDATES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 180


class PdfError(RuntimeError):
    """LibreOffice is missing or the conversion failed."""


def no_libreoffice() -> str:
    """The message for a PDF asked for where LibreOffice is not installed."""
    return _(
        "Chưa cài LibreOffice nên không tạo được PDF (cần lệnh soffice; trên Debian/Ubuntu: "
        "apt-get install libreoffice-writer)."
    )


def soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def docx_to_pdf(docx: Path, output: Path) -> Path:
    """Convert with `soffice --headless --convert-to pdf` into `output`."""
    program = soffice()
    if program is None:
        raise PdfError(no_libreoffice())
    with tempfile.TemporaryDirectory() as scratch:
        # A private profile: works when another LibreOffice is open and leaves the user's alone.
        profile = Path(scratch) / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            scratch,
            str(docx),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(_("LibreOffice quá {seconds} giây.").format(seconds=TIMEOUT_SECONDS)) from exc
        produced = Path(scratch) / (docx.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            raise PdfError(
                _("LibreOffice không chuyển được {name} sang PDF: {error}").format(
                    name=docx.name, error=(done.stderr or done.stdout).strip()[:500]
                )
            )
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), output)
    return output

"""What every survey service shares: its errors, the officer-only check, reading an uploaded file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import File
from django.utils.translation import gettext as _

from chiso.accounts.permissions import can_manage
from chiso.core.files import clean_file_name
from chiso.frameworks.ownership import may_change
from chiso.surveys.models import Survey, SurveyResult
from chiso.surveys.responses import ImportReport

ALL_TYPES = SurveyResult.ALL_TYPES
RESPONSE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
BATCH_SIZE = 2000


class SurveyError(Exception):
    """A survey action that cannot be done; the message says why, in the active language."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.report = report


class NotAllowed(SurveyError):
    pass


def require_manager(user: User | AnonymousUser | None, survey: Survey | None = None) -> None:
    """`None` is the command line (the operator of the machine); a web user must be an officer —
    of the survey's organiser when a survey is given."""
    if user is None:
        return
    if not can_manage(user):
        raise NotAllowed(_("Chỉ Sở Nội vụ và quản trị viên được thực hiện."))
    if survey is not None and not may_change(user, survey):
        raise NotAllowed(_("Đợt khảo sát thuộc đơn vị tổ chức khác."))


def actor(user: User | AnonymousUser | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def read_file(file: Any) -> tuple[bytes, str]:
    """Bytes and file name of a path, an uploaded file or a Django `File`."""
    if isinstance(file, (str, Path)):
        path = Path(file)
        if not path.exists():
            raise SurveyError(_("Không có tệp {name}.").format(name=path.name))
        return path.read_bytes(), path.name
    if isinstance(file, File) or hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
        return data, clean_file_name(getattr(file, "name", "")) or "upload"
    raise TypeError(f"not a file: {file!r}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

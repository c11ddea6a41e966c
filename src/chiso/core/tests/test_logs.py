"""Structured logging (issue 10, attack 9): server errors with their traceback and request id,
every import and every e-mail, as JSON lines on stderr (settings.LOGGING)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path, reverse
from openpyxl import Workbook

from chiso.administration.tests.conftest import (  # noqa: F401 - fixtures
    cycle,
    departments,
    framework,
    media,
    officer_client,
    people,
)
from chiso.core.once import new_token
from chiso.units.importer import UnitImportError, import_units


def broken(request: HttpRequest):
    raise RuntimeError("hỏng giữa chừng")


urlpatterns = [path("hong/", broken)]


@contextmanager
def log_lines(name: str) -> Iterator[list[dict]]:
    """The JSON lines the configured handler of logger `name` writes on stderr meanwhile."""
    from chiso.core.logs import JsonFormatter, StderrHandler

    logger = logging.getLogger(name)
    while not logger.handlers and logger.propagate and logger.parent is not None:
        logger = logger.parent
    assert any(
        isinstance(h, StderrHandler) and isinstance(h.formatter, JsonFormatter) for h in logger.handlers
    ), f"no JSON handler on stderr for {name}"
    buffer = io.StringIO()
    lines: list[dict] = []
    try:
        with redirect_stderr(buffer):
            yield lines
    finally:
        lines.extend(json.loads(line) for line in buffer.getvalue().splitlines())


@pytest.mark.django_db
@pytest.mark.urls("chiso.core.tests.test_logs")
def test_a_server_error_is_logged_with_its_traceback_and_request_id():
    client = Client(raise_request_exception=False)
    with log_lines("django.request") as lines:
        response = client.get("/hong/", HTTP_X_REQUEST_ID="yc-42")
    assert response.status_code == 500
    [line] = lines
    assert line["level"] == "ERROR" and line["logger"] == "django.request"
    assert line["path"] == "/hong/" and line["method"] == "GET" and line["status_code"] == 500
    assert line["request_id"] == "yc-42"
    assert "RuntimeError: hỏng giữa chừng" in line["traceback"]


def units_file(folder, *rows) -> str:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["code", "name", "kind", "level", "parent_code", "valid_from", "valid_to"])
    for row in rows:
        sheet.append(list(row))
    target = folder / "don-vi.xlsx"
    book.save(target)
    return str(target)


@pytest.mark.django_db
def test_every_import_is_logged_done_or_refused(tmp_path):
    good = units_file(tmp_path, ["22.LOG1", "Sở Ghi nhật ký", "sở", "department", "22", "", ""])
    with log_lines("chiso.imports") as lines:
        import_units(good)
    [done] = lines
    assert done["message"] == "import done" and done["kind"] == "units" and done["file"] == "don-vi.xlsx"
    assert done["counts"] == {"created": 1, "updated": 0}

    bad = units_file(tmp_path, ["", "Không mã", "sở", "department", "22", "", ""])
    with log_lines("chiso.imports") as lines, pytest.raises(UnitImportError):
        import_units(bad)
    [refused] = lines
    assert refused["level"] == "WARNING" and refused["message"] == "import refused"
    assert refused["error"] == "UnitImportError" and refused["problems"] >= 1


@pytest.mark.django_db
def test_every_e_mail_is_logged(officer_client, cycle, settings):  # noqa: F811
    # tests send through Django's locmem backend; an installation through chiso's logging backend
    import chiso.settings

    assert chiso.settings.EMAIL_BACKEND == "chiso.core.logs.LoggingEmailBackend"
    settings.EMAIL_BACKEND = "chiso.core.logs.LoggingEmailBackend"
    settings.CHISO_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with log_lines("chiso.mail") as lines:
        officer_client.post(reverse("administration:send_reminders", args=[cycle.pk]), {"once": new_token()})
    [sent] = lines
    assert sent["message"] == "e-mail sent" and "Sở Tư pháp" in sent["subject"]
    assert sorted(sent["to"]) == ["canbo_stp@example.vn", "thutruong_stp@example.vn"]

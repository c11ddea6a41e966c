"""The Content Security Policy (issue 10, attack 9): every page carries it, and no template has an
inline script or event handler for it to block (they live in static files). The browser tests
check the pages themselves: any violation fails them (conftest.py, `no_csp_violation`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import chiso

SRC = Path(chiso.__file__).resolve().parent
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts)

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.I)


def test_templates_have_no_inline_script_nor_event_handler():
    assert len(TEMPLATES) > 50
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, re.compile(r"javascript:", re.I)):
            found += [f"{path.relative_to(SRC)}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert found == []


@pytest.mark.django_db
def test_every_page_carries_the_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    policy = dict(
        (part.split()[0], part.split()[1:]) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]  # bar widths from the data, no code
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "chiso/chiso.js" in response.text  # the page behaviours, from a static file


def test_the_page_behaviours_are_in_the_static_script():
    script = (SRC / "static" / "chiso" / "chiso.js").read_text(encoding="utf-8")
    for attribute in ("data-autosubmit", "data-navigate", "data-confirm", "data-file-names", "data-back"):
        assert attribute in script

"""The demo writes evidence files and e-mails: keep them in a temporary folder and in memory. The
live demo the browser tests open (`demo`)."""

from __future__ import annotations

import io

import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def demo(live_server, settings, tmp_path, monkeypatch):
    """The live server with the whole demo seeded; returns the URLs the accounts need."""
    from chiso.assessments.models import Cycle
    from chiso.bootstrap import ensure_ready
    from chiso.demo.build import seed_demo
    from chiso.demo.cycles import CYCLE_NAMES
    from chiso.demo.plans import PLAN_TITLE
    from chiso.demo.surveys import SURVEY_TITLES
    from chiso.plans.models import Plan
    from chiso.surveys.models import Survey

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setenv("CHISO_DEMO", "1")
    ensure_ready(out=io.StringIO())
    accounts = seed_demo(out=io.StringIO())
    departments = Cycle.objects.get(name=CYCLE_NAMES[2025])
    communes = Cycle.objects.get(name=CYCLE_NAMES["communes"])

    def assessment(cycle: Cycle, name: str) -> str:
        return f"/danh-gia/don-vi/{cycle.assessments.get(unit__name=name).pk}/"

    urls = {
        "site": live_server.url,
        "accounts": [account.username for account in accounts],
        "cycle": f"/danh-gia/ky/{departments.pk}/",
        "plan": f"/ke-hoach/{Plan.objects.get(title=PLAN_TITLE).pk}/",
        "survey": Survey.objects.get(title=SURVEY_TITLES[2025]).pk,
        "results_2024": f"/khao-sat/{Survey.objects.get(title=SURVEY_TITLES[2024]).pk}/ket-qua/",
    }
    for key, cycle, name in (
        ("stp", departments, "Sở Tư pháp"),
        ("syt", departments, "Sở Y tế"),
        ("stc", departments, "Sở Tài chính"),
        ("skhcn", departments, "Sở Khoa học và Công nghệ"),
        ("halong", communes, "Phường Hạ Long"),
        ("vandon", communes, "Đặc khu Vân Đồn"),
    ):
        urls[key] = assessment(cycle, name)
    return urls

"""The plans app adds its panels to the results' analysis pages when the apps are ready."""

import pytest
from django.urls import reverse

from chiso.results.extensions import registered_panels

LOSSES = "/ke-hoach/phan-tich/papi/2021/04/"


def test_plans_register_their_panels_on_the_analysis_pages():
    assert [p.template for p in registered_panels("losses")] == ["plans/_losses_panel.html"]
    assert [p.template for p in registered_panels("target")] == ["plans/_target_panel.html"]


@pytest.mark.django_db
def test_the_loss_page_shows_the_plans_of_the_result_to_those_who_may_see_them(client, people, plan):
    assert 'class="card plans-next"' not in client.get(LOSSES).content.decode()  # the public
    client.force_login(people["staff"])  # leads the plan's item: sees the plan, cannot propose
    page = client.get(LOSSES).content.decode()
    assert f'href="{reverse("plans:plan", args=[plan.pk])}"' in page and plan.title in page
    assert "Đề xuất nội dung kế hoạch" not in page
    client.force_login(people["officer"])
    page = client.get(LOSSES).content.decode()
    assert f'action="{LOSSES}de-xuat/" class="inline-form"' in page
    assert "Đề xuất nội dung kế hoạch" in page


@pytest.mark.django_db
def test_a_kept_loss_page_still_shows_each_user_their_own_panels(client, people, plan, monkeypatch, settings):
    """The page of points lost is kept as HTML for everyone (`chiso.core.pagecache`), but its
    panels are rendered for each request: the public never sees a plan, its staff and officer do."""
    from chiso.core import generation, pagecache

    monkeypatch.setattr(generation, "pending", lambda: False)  # as in production: the fixtures committed
    settings.CHISO_PAGE_CACHE = True
    hits = pagecache.stats["hit"]
    assert 'class="card plans-next"' not in client.get(LOSSES).content.decode()  # kept without panels
    client.force_login(people["staff"])
    page = client.get(LOSSES).content.decode()
    assert pagecache.stats["hit"] == hits + 1
    assert plan.title in page and "Đề xuất nội dung kế hoạch" not in page
    client.force_login(people["officer"])
    assert "Đề xuất nội dung kế hoạch" in client.get(LOSSES).content.decode()
    client.logout()
    assert 'class="card plans-next"' not in client.get(LOSSES).content.decode()
    assert pagecache.stats["hit"] == hits + 3

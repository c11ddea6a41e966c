"""A cycle whose units sit in two blocks: the rank within the block on the results page, the unit's
page (with the sentence), the Excel export and the public page."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chiso.accounts.models import Membership, Role
from chiso.assessments.models import CriterionScore, State
from chiso.assessments.setup import create_cycle, load_sample_frameworks
from chiso.units.blocks import set_block
from chiso.units.models import Block, Unit

# code → (block, share of the maximum scored on every criterion)
UNITS = {
    "K.A1": ("so-ban-nganh", "0.9"),
    "K.A2": ("so-ban-nganh", "0.8"),
    "K.A3": ("so-ban-nganh", "0.8"),
    "K.A4": ("so-ban-nganh", "0.5"),
    "K.B1": ("co-quan-trung-uong", "0.95"),
    "K.B2": ("co-quan-trung-uong", "0.6"),
}


@pytest.fixture
def cycle(db):
    units = []
    for code, (block, _share) in UNITS.items():
        unit = Unit.objects.create(level="department", code=code, name=f"Đơn vị {code}", parent_code="22")
        set_block(unit, Block.objects.get(code=block))
        units.append(unit)
    framework = next(f for f in load_sample_frameworks() if f.scope == "department")
    cycle = create_cycle(framework, 2025, "Sở, ban, ngành", units, date.today() + timedelta(days=30))
    leaves = framework.to_engine().leaves()
    for assessment in cycle.assessments.select_related("unit"):
        share = Decimal(UNITS[assessment.unit.code][1])
        CriterionScore.objects.bulk_create(
            CriterionScore(
                assessment=assessment,
                criterion=leaf.code,
                self_points=(leaf.max_points or Decimal(0)) * share,
                final_points=(leaf.max_points or Decimal(0)) * share,
            )
            for leaf in leaves
        )
    cycle.assessments.update(state=State.APPROVED)
    return cycle


@pytest.fixture
def officer_client(client, db):
    user = User.objects.create_user("sonoivu", "sonoivu@example.vn", "pw")
    Membership.objects.create(user=user, role=Role.OFFICER)
    client.force_login(user)
    return client


def test_results_page_ranks_within_each_block(officer_client, cycle, django_assert_max_num_queries):
    url = reverse("assessments:results", args=[cycle.pk])
    with django_assert_max_num_queries(25):
        page = officer_client.get(url)
    assert page.status_code == 200 and "Hạng trong khối" in page.text
    rows = {row["code"]: row for row in page.context["rows"]}
    assert [rows[code]["rank"] for code in UNITS] == ["2/6", "3/6", "3/6", "6/6", "1/6", "5/6"]
    assert [rows[code]["block_rank"] for code in UNITS] == ["1/4", "2/4", "2/4", "4/4", "1/2", "2/2"]
    assert rows["K.B1"]["block"] == "Khối cơ quan Trung ương trên địa bàn"
    assert [b.code for b in page.context["blocks"]] == ["so-ban-nganh", "co-quan-trung-uong"]

    only = officer_client.get(url + "?khoi=co-quan-trung-uong")
    assert [(r["code"], r["rank"], r["block_rank"]) for r in only.context["rows"]] == [
        ("K.B1", "1/6", "1/2"),
        ("K.B2", "5/6", "2/2"),
    ]


def test_unit_page_states_the_rank_within_the_block(officer_client, cycle, django_assert_max_num_queries):
    url = reverse("assessments:results_unit", args=[cycle.pk, "K.A3"])
    with django_assert_max_num_queries(25):
        page = officer_client.get(url)
    assert page.context["block_rank"] == "2/4"
    assert "Khối sở, ban, ngành" in page.text
    assert "Xếp thứ 2/4 trong khối sở, ban, ngành." in page.text
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = officer_client.get(url)
    assert english.status_code == 200 and english.context["block_rank"] == "2/4"
    assert english.context["block_name"] == "Departments and agencies block"
    assert "Departments and agencies block" in english.text
    assert "Xếp thứ" not in english.text  # the Vietnamese press sentence is not shown in English


def test_excel_has_the_block_and_the_rank_within_it(officer_client, cycle):
    response = officer_client.get(reverse("assessments:export", args=[cycle.pk]))
    sheet = load_workbook(io.BytesIO(response.content))["Xếp hạng"]
    header = [c.value for c in sheet[3]]
    block_column = header.index("Khối")
    assert header[block_column + 1] == "Hạng trong khối"
    lines = {sheet.cell(r, 3).value: [c.value for c in sheet[r]] for r in range(4, 10)}
    assert lines["K.A3"][block_column : block_column + 2] == ["Khối sở, ban, ngành", "2/4"]
    assert lines["K.B2"][block_column : block_column + 2] == ["Khối cơ quan Trung ương trên địa bàn", "2/2"]


def test_public_page_of_a_published_cycle_has_the_block_filter(client, cycle, django_assert_max_num_queries):
    cycle.published_at = timezone.now()
    cycle.save()
    url = reverse("assessments:published", args=[cycle.pk])
    with django_assert_max_num_queries(25):
        page = client.get(url + "?khoi=so-ban-nganh")
    assert page.status_code == 200 and "Tất cả các khối" in page.text
    assert 'href="?khoi=so-ban-nganh" class="active"' in page.text
    assert [r["block_rank"] for r in page.context["rows"]] == ["1/4", "2/4", "2/4", "4/4"]
    unit = client.get(reverse("assessments:published_unit", args=[cycle.pk, "K.B2"]))
    assert "Xếp thứ 2/2 trong khối cơ quan Trung ương trên địa bàn." in unit.text

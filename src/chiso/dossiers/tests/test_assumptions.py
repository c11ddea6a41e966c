"""The organiser's assumptions: without them the page ranks on a group and says why; with them (its
own framework version, made with the framework editor's service) on the total, labelled as such.
The built-in framework keeps its unknowns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from chiso.demo.dossiers import DEMO_ASSUMPTIONS
from chiso.dossiers import services
from chiso.dossiers.assumptions import Setting, assumed, builtin, organiser_version, set_assumptions
from chiso.dossiers.generate import generate, write
from chiso.dossiers.inputs import FRAMEWORK_CODE
from chiso.dossiers.models import DossierImport
from chiso.units.models import Organiser, Unit

pytestmark = pytest.mark.django_db

COMMUNES = ["99001", "99002", "99003"]


@pytest.fixture
def month(tmp_path: Path) -> None:
    province = Unit.objects.create(level="province", code="99", name="Tỉnh Thử")
    for i, code in enumerate(COMMUNES, start=1):
        Unit.objects.create(level="commune", code=code, name=f"Xã Thử {i}", parent_code="99")
    Organiser.objects.create(code="so-noi-vu-99", name="Sở Nội vụ Tỉnh Thử", unit=province)
    dossiers, procedures = write(
        generate(COMMUNES, date(2025, 10, 1), 900, seed=11, publishers=["99"]), tmp_path / "oct.parquet"
    )
    assert services.import_file(dossiers).ok
    assert services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES).ok


@pytest.fixture
def officer() -> tuple[User, Client]:
    user = User.objects.create_superuser("so766", password="x-very-long-pass")
    client = Client()
    client.force_login(user)
    return user, client


def _settings() -> dict[str, Setting]:
    return {
        code: Setting(Decimal(points), rule, params)
        for code, (points, rule, params) in DEMO_ASSUMPTIONS.items()
    }


def test_without_the_organisers_values_the_page_ranks_on_a_group_and_says_why(
    month: None, officer: tuple[User, Client]
) -> None:
    run = services.compute("2025-10")
    assert run.framework.code == FRAMEWORK_CODE
    assert not any("total" in values for values in run.scores.values())
    answer = officer[1].get(reverse("dossiers:month"))
    group = answer.context["peer_groups"][0]
    assert group.node == "2" and group.level == "commune"
    text = answer.content.decode()
    assert "Chưa tính được tổng điểm." in text
    assert "3. Số hóa hồ sơ" in text and "4. Cung cấp dịch vụ trực tuyến" in text  # what is unknown
    assert "xếp hạng theo nhóm 2. Tiến độ, kết quả giải quyết (chưa có tổng điểm)" in text
    assert "giả định của tổ chức đánh giá" not in text
    # "–" explained: group 3's maximum is unknown
    assert "“–” ở nhóm 3 (3 đơn vị): chưa biết điểm tối đa (quyết định chưa nêu)." in text


def test_with_the_organisers_values_the_page_ranks_on_the_total_and_labels_them(
    month: None, officer: tuple[User, Client]
) -> None:
    user, client = officer
    organiser = Organiser.objects.get()
    row = set_assumptions(organiser, user, _settings())
    assert row.organiser == organiser and not row.builtin
    assert organiser_version(2025) == row
    run = services.compute("2025-10")
    assert run.framework == row
    totals = [Decimal(values["total"]) for values in run.scores.values() if "total" in values]
    assert len(totals) == 3 and all(Decimal(0) < t <= Decimal(100) for t in totals)
    answer = client.get(reverse("dossiers:month"))
    group = answer.context["peer_groups"][0]
    assert group.node == "total"
    assert group.rows[0][0].rank == 1
    text = answer.content.decode()
    assert "giả định của tổ chức đánh giá, chưa có nguồn chính thức" in text
    assert (
        "3. Số hóa hồ sơ: 22 điểm" in text and "5.3. Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC" in text
    )
    assert "xếp hạng theo tổng điểm (100)" in text and "Chưa tính được tổng điểm." not in text
    # the shipped framework keeps its unknowns
    shipped = builtin().to_engine()
    assert shipped.node("3").max_points is None and shipped.node("3.1").rule is None
    assert assumed(builtin()) == []
    codes = [a.code for a in assumed(row)]
    assert codes[:3] == ["1.1", "1.2", "2.1"] and "3" in codes and "5.3" in codes


def test_the_assumptions_are_audited_edits_and_an_edit_updates_the_version(
    month: None, officer: tuple[User, Client]
) -> None:
    from chiso.frameworks.editor import history

    user, _client = officer
    organiser = Organiser.objects.get()
    row = set_assumptions(organiser, user, _settings())
    assert len(history(row, limit=50)) == len(DEMO_ASSUMPTIONS)
    again = set_assumptions(organiser, user, {"3": Setting(Decimal(24))})
    assert again.pk == row.pk and again.to_engine().node("3").max_points == Decimal(24)

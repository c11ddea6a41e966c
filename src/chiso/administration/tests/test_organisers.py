"""Organisers at any level: a province's Sở Nội vụ sets up a district's Phòng Nội vụ; the district's
officer imports its offices, creates the cycles of its offices and of its communes (as they were in
2024), runs them to publication and sees them ranked — and neither organiser sees the other's work."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as perm
from chiso.assessments import workflow
from chiso.assessments.models import Cycle
from chiso.assessments.setup import create_cycle, load_sample_frameworks
from chiso.assessments.tests.helpers import fill_self_assessment
from chiso.core.once import new_token
from chiso.data import data_path
from chiso.engine.frameworks import SURVEY
from chiso.frameworks.models import Framework, Index
from chiso.units.models import Organiser, Unit

pytestmark = pytest.mark.django_db

BEFORE_2025 = date(2025, 6, 30)
COMMUNES = [("06790", "Xã Hoành Mô"), ("06793", "Xã Đồng Tâm"), ("06796", "Xã Đồng Văn")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def registry(db):
    """Quảng Ninh, one of its departments, the district of Bình Liêu and three of its communes of 2024."""
    if not Unit.objects.filter(level="province", code="22").exists():
        Unit.objects.create(level="province", code="22", name="Quảng Ninh", kind="Tỉnh")
    Unit.objects.create(level="department", code="QN.STP", name="Sở Tư pháp", kind="sở", parent_code="22")
    Unit.objects.create(
        level="district", code="198", name="Bình Liêu", kind="Huyện", parent_code="22", valid_to=BEFORE_2025
    )
    for code, name in COMMUNES:
        Unit.objects.create(
            level="commune", code=code, name=name, kind="Xã", parent_code="198", valid_to=BEFORE_2025
        )
    # a commune of 2025 under the province: never one of the district's units
    Unit.objects.create(level="commune", code="06838", name="Xã Bình Liêu", parent_code="22")
    load_sample_frameworks()


def _person(username: str, role: str | None = None, organiser: Organiser | None = None) -> User:
    user = User.objects.create_user(username, f"{username}@example.vn", "pw")
    if role is not None:
        Membership.objects.create(user=user, role=role, organiser=organiser)
    return user


@pytest.fixture
def province(registry):
    organiser = Organiser.objects.create(
        code="so-noi-vu-22",
        name="Sở Nội vụ tỉnh Quảng Ninh",
        unit=Unit.objects.filter(level="province", code="22").order_by("valid_from").last(),
    )
    return organiser, _person("sonoivu", Role.OFFICER, organiser)


def _workbook(rows: list[list[str]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("don-vi.xlsx", buffer.getvalue())


def _set_up_district(client, province) -> Organiser:
    """The province's officer creates the district's organiser and gives its people their roles."""
    _organiser, officer = province
    client.force_login(officer)
    response = client.post(
        reverse("units:organisers"),
        {
            "code": "phong-noi-vu-binh-lieu",
            "name": "Phòng Nội vụ huyện Bình Liêu",
            "unit_code": "198",
            "parent": str(province[0].pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    district = Organiser.objects.get(code="phong-noi-vu-binh-lieu")
    assert district.unit is not None and district.unit.code == "198" and district.parent == province[0]
    for username in ("pnv_binhlieu", "thamdinh_bl", "hoidong_bl", "canbo_hm", "thutruong_hm"):
        _person(username)
    for username, role, unit in (
        ("pnv_binhlieu", Role.OFFICER, ""),
        ("thamdinh_bl", Role.APPRAISER, ""),
        ("hoidong_bl", Role.COUNCIL, ""),
        ("canbo_hm", Role.UNIT_STAFF, "06790"),
        ("thutruong_hm", Role.UNIT_HEAD, "06790"),
    ):
        response = client.post(
            reverse("units:organiser", args=[district.code]),
            {"username": username, "role": role, "unit_code": unit},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    # a unit of another organiser is refused, naming it
    refused = client.post(
        reverse("units:organiser", args=[district.code]),
        {"username": "canbo_hm", "role": Role.UNIT_STAFF, "unit_code": "QN.STP"},
    )
    assert refused.status_code == 422 and "QN.STP" in refused.content.decode()
    return district


def _run_to_approval(cycle: Cycle, people: dict[str, User]) -> None:
    framework = cycle.framework.to_engine()
    surveys = [leaf.code for leaf in framework.leaves() if leaf.method == SURVEY]
    for number, assessment in enumerate(cycle.assessments.order_by("unit__code")):
        Membership.objects.get_or_create(user=people["staff"], role=Role.UNIT_STAFF, unit=assessment.unit)
        Membership.objects.get_or_create(user=people["head"], role=Role.UNIT_HEAD, unit=assessment.unit)
        for user in people.values():
            user.__dict__.pop("_chiso_memberships", None)
        fill_self_assessment(people["staff"], assessment, with_evidence=False)
        workflow.head_approve(people["head"], assessment)
        first_leaf = next(leaf for leaf in framework.leaves() if leaf.method != SURVEY)
        workflow.set_appraised(
            people["appraiser"],
            assessment,
            first_leaf.code,
            str(number),
            "Thiếu tài liệu",
            expected_version=workflow.current_version(assessment, first_leaf.code),
        )
        workflow.send_appraisal(people["appraiser"], assessment)
        for code in surveys:
            workflow.set_survey_index(
                people["officer"],
                assessment,
                code,
                "80",
                expected_version=workflow.current_version(assessment, code),
            )
        workflow.send_to_council(people["officer"], assessment)
        workflow.council_approve(people["council"], assessment)


def test_a_district_runs_its_cycles_of_communes_and_offices_to_publication(client, province):
    district = _set_up_district(client, province)
    people = {
        "officer": User.objects.get(username="pnv_binhlieu"),
        "appraiser": User.objects.get(username="thamdinh_bl"),
        "council": User.objects.get(username="hoidong_bl"),
        "staff": User.objects.get(username="canbo_hm"),
        "head": User.objects.get(username="thutruong_hm"),
    }
    client.force_login(people["officer"])

    # its offices, imported from Excel: no parent column, so they are the district's
    response = client.post(
        reverse("units:list") + f"?cap=office&to-chuc={district.code}",
        {
            "file": _workbook(
                [
                    ["mã", "tên", "cấp"],
                    ["198.PNV", "Phòng Nội vụ", "phòng chuyên môn"],
                    ["198.PTP", "Phòng Tư pháp", "phòng chuyên môn"],
                    ["198.PVH", "Phòng Văn hóa và Thông tin", "phòng chuyên môn"],
                ]
            )
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(Unit.objects.filter(level="office").values_list("parent_code", flat=True)) == {"198"}
    page = client.get(reverse("units:list") + "?cap=office")
    assert "Phòng Tư pháp" in page.text and "Sở Tư pháp" not in page.text

    # its own index and framework for its offices, uploaded as a file that carries the index
    definition = yaml.safe_load((data_path("demo") / "qn-cchc-so-2025.yaml").read_text(encoding="utf-8"))
    definition.update(code="bl-cchc-phong-2024", scope="office", years={"first": 2024, "last": None})
    definition["index"] = {
        "code": "cchc-phong-binh-lieu",
        "short_name": "CCHC phòng",
        "name_vi": "Chỉ số CCHC các phòng chuyên môn huyện Bình Liêu",
        "unit_levels": ["office"],
        "max_points": 100,
    }
    upload = SimpleUploadedFile("khung.yaml", yaml.safe_dump(definition, allow_unicode=True).encode())
    response = client.post(reverse("frameworks:list"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Framework.objects.get(code="bl-cchc-phong-2024").organiser == district
    assert Index.objects.get(code="cchc-phong-binh-lieu").organiser == district

    # the cycle of its communes as they were in 2024: its three, not the province's
    form = client.get(reverse("administration:cycle_create") + "?cap=commune&nam=2024")
    offered = {u.code for u in form.context["form"].fields["units"].queryset}
    assert offered == {code for code, _name in COMMUNES}
    due = (date.today() + timedelta(days=20)).strftime("%d/%m/%Y")
    created = []
    for level, framework, block in (
        ("commune", "qn-cchc-xa-2025", "UBND các xã"),
        ("office", "bl-cchc-phong-2024", "Các phòng chuyên môn"),
    ):
        form = client.get(reverse("administration:cycle_create") + f"?cap={level}&nam=2024")
        units = [str(u.pk) for u in form.context["form"].fields["units"].queryset]
        response = client.post(
            reverse("administration:cycle_create"),
            {
                "once": new_token(),
                "organiser": district.code,
                "level": level,
                "framework": str(Framework.objects.get(code=framework).pk),
                "year": "2024",
                "block": block,
                "units": units,
                "self_assessment_due": due,
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        created.append(Cycle.objects.get(organiser=district, block=block))
    communes, offices = created
    assert communes.assessments.count() == 3 and offices.assessments.count() == 3

    for cycle in created:
        _run_to_approval(cycle, people)
        client.force_login(people["officer"])
        response = client.post(reverse("assessments:publish", args=[cycle.pk]))
        assert response.status_code == 302
        cycle.refresh_from_db()
        assert cycle.is_published
        client.logout()
        public = client.get(reverse("assessments:published", args=[cycle.pk]))
        assert public.status_code == 200 and "1/3" in public.text and "3/3" in public.text

    # the province's officer neither runs nor sees the district's cycles in the dashboard
    client.force_login(province[1])
    assert client.get(reverse("administration:cycle", args=[communes.pk])).status_code == 404
    assert communes not in Cycle.objects.restrict(province[1], perm.MANAGE)


def test_organisers_do_not_see_each_others_work(client, province):
    district = _set_up_district(client, province)
    province_cycle = create_cycle(
        Framework.objects.get(code="qn-cchc-so-2025"),
        2025,
        "Sở, ban, ngành",
        [Unit.objects.get(code="QN.STP")],
        date.today() + timedelta(days=10),
        organiser=province[0],
    )
    district_cycle = create_cycle(
        Framework.objects.get(code="qn-cchc-xa-2025"),
        2024,
        "UBND các xã",
        list(Unit.objects.filter(parent_code="198")),
        date.today() + timedelta(days=10),
        organiser=district,
    )
    officer = User.objects.get(username="pnv_binhlieu")
    appraiser = User.objects.get(username="thamdinh_bl")
    client.force_login(officer)
    assert client.get(reverse("administration:cycle", args=[province_cycle.pk])).status_code == 404
    assert client.get(reverse("administration:cycle", args=[district_cycle.pk])).status_code == 200
    assert client.get(reverse("assessments:cycle", args=[province_cycle.pk])).status_code == 404
    assert client.post(reverse("assessments:publish", args=[province_cycle.pk])).status_code == 404
    assert list(Cycle.objects.restrict(officer, perm.MANAGE)) == [district_cycle]
    assert list(Cycle.objects.restrict(appraiser, perm.VIEW)) == [district_cycle]
    stp = province_cycle.assessments.get()
    assert not perm.allowed(appraiser, perm.VIEW, stp)
    assert perm.allowed(appraiser, perm.VIEW, district_cycle.assessments.all()[0])
    # the district's officer cannot create an organiser at the top, nor give roles in the province's
    response = client.post(
        reverse("units:organisers"), {"code": "khac", "name": "Khác", "unit_code": "", "parent": ""}
    )
    assert response.status_code == 422 and not Organiser.objects.filter(code="khac").exists()
    response = client.post(
        reverse("units:organiser", args=[province[0].code]),
        {"username": "pnv_binhlieu", "role": Role.OFFICER},
    )
    assert response.status_code == 404  # the province's organiser is not even visible to the district
    # an installation-wide officer (no organiser) still sees both
    everyone = _person("toanbo", Role.OFFICER)
    assert set(Cycle.objects.restrict(everyone, perm.MANAGE)) == {province_cycle, district_cycle}


def test_improvement_plans_stay_with_their_organiser(client, province):
    from chiso.plans.models import Plan
    from chiso.plans.services import access
    from chiso.plans.services.items import add_task

    district = _set_up_district(client, province)
    framework = Framework.objects.get(code="qn-cchc-so-2025")
    province_plan = Plan.objects.create(
        index=framework.index,
        framework=framework,
        year=2025,
        unit=Unit.objects.get(code="QN.STP"),
        title="Kế hoạch của Sở Tư pháp",
    )
    commune = Unit.objects.get(code="06790")
    commune_framework = Framework.objects.get(code="qn-cchc-xa-2025")
    district_plan = Plan.objects.create(
        index=commune_framework.index,
        framework=commune_framework,
        year=2024,
        unit=commune,
        title="Kế hoạch xã",
    )
    officer = User.objects.get(username="pnv_binhlieu")
    assert list(access.visible_plans(officer)) == [district_plan]
    assert set(access.visible_plans(province[1])) == {province_plan}
    with pytest.raises(access.PlanError):
        access.require_manager(officer, province_plan)
    access.require_manager(officer, district_plan)
    item = province_plan.items.create(
        criterion="1", lead=Unit.objects.get(code="QN.STP"), deadline=date.today()
    )
    with pytest.raises(access.PlanError):
        add_task(officer, item, title="Rà soát văn bản", owner=item.lead, due=date.today())
    assert district.pk  # the district exists and is not the province


def test_the_organiser_pages_make_a_bounded_number_of_queries(
    client, province, django_assert_max_num_queries
):
    district = _set_up_district(client, province)
    create_cycle(
        Framework.objects.get(code="qn-cchc-xa-2025"),
        2024,
        "UBND các xã",
        list(Unit.objects.filter(parent_code="198")),
        date.today() + timedelta(days=10),
        organiser=district,
    )
    for number in range(30):  # many people: the pages must not ask once per person
        _person(f"canbo{number}", Role.LEADER, district)
    client.force_login(User.objects.get(username="pnv_binhlieu"))
    for address in (
        reverse("units:organisers"),
        reverse("units:organiser", args=[district.code]),
        reverse("administration:cycle_create") + "?cap=commune&nam=2024",
        reverse("administration:dashboard"),
        reverse("administration:users"),
        reverse("units:list") + "?cap=commune",
    ):
        with django_assert_max_num_queries(20):
            assert client.get(address).status_code == 200, address

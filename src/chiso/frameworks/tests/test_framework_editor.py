"""The framework editor: a framework built from scratch in the pages, the live check of maxima,
a cycle created with it, the guards (in use, scored nodes, built-in, permissions) and the audit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from chiso.assessments.models import AuditEntry, CriterionScore, Cycle
from chiso.assessments.setup import INTERNAL_INDICES, create_cycle
from chiso.core.once import new_token
from chiso.frameworks import editor
from chiso.frameworks.models import Framework, Index

pytestmark = pytest.mark.django_db

CODE = "thu-nghiem-2026"


@pytest.fixture(autouse=True)
def internal_indices(db):
    for item in INTERNAL_INDICES:
        Index.objects.update_or_create(
            code=item["code"], defaults={k: v for k, v in item.items() if k != "code"}
        )


def _new(client, **changes):
    data = {
        "index": Index.objects.get(code="cchc_so").pk,
        "code": CODE,
        "name_vi": "Chỉ số CCHC các sở năm 2026 (thử nghiệm)",
        "name_en": "",
        "scope": "department",
        "first_year": "2026",
        "last_year": "",
        "legal_number": "1234/QĐ-UBND",
        "legal_date": "15/01/2026",
        "legal_issuer": "UBND tỉnh",
        "status": "confirmed",
        "display_precision": "2",
        "ranking_precision": "2",
        "group_method": "bands",
        "band-0-label_vi": "Tốt",
        "band-0-label_en": "Good",
        "band-0-min_percent": "80",
        "band-1-label_vi": "Khá",
        "band-1-label_en": "",
        "band-1-min_percent": "65,5",
        "band-2-label_vi": "Chưa đạt",
        "band-2-min_percent": "0",
        "root_name": "Chỉ số CCHC",
        "root_max": "100",
    }
    data.update(changes)
    return client.post(reverse("frameworks:new"), data)


def _action(client, node, action, fw=CODE, **headers):
    return client.post(reverse("frameworks:node_action", args=[fw, node, action]), **headers)


def _edit(client, node, fw=CODE, headers=None, **fields):
    data = {
        "code": node,
        "name_vi": f"Nút {node}",
        "name_en": "",
        "level": "criterion",
        "max_points": "",
        "method": "self",
        "rule_type": "",
    }
    data.update(fields)
    return client.post(reverse("frameworks:node_edit", args=[fw, node]), data, **(headers or {}))


def _engine(code=CODE):
    return Framework.objects.get(code=code).to_engine()


def _build(client):
    """Total 100 = field 1 (60: 1.1 step table 30 + 1.2 choice 30) + field 2 (40: 2.1 checklist 30)."""
    assert _new(client).status_code == 302
    _action(client, "total", "them-con")
    _edit(client, "1", name_vi="Công tác chỉ đạo, điều hành", level="field", max_points="60")
    _action(client, "1", "them-con")
    _edit(
        client,
        "1.1",
        name_vi="Tỷ lệ nhiệm vụ hoàn thành",
        max_points="30",
        evidence_required="on",
        rule_type="step_table",
        **{
            "r-0-min": "70",
            "r-0-points": "15",
            "r-1-min": "90",
            "r-1-points": "30",
            "r-2-min": "",
            "r-2-points": "",
        },
    )
    _action(client, "1.1", "them-sau")
    _edit(
        client,
        "1.2",
        name_vi="Ban hành kế hoạch CCHC",
        max_points="30",
        rule_type="choice",
        **{
            "r-0-code": "kip_thoi",
            "r-0-label_vi": "Kịp thời",
            "r-0-points": "30",
            "r-1-code": "cham",
            "r-1-label_vi": "Không kịp thời",
            "r-1-points": "15,5",
        },
    )
    _action(client, "1", "them-sau")
    _edit(client, "2", name_vi="Cải cách thủ tục hành chính", level="field", max_points="40")
    _action(client, "2", "them-con")
    return _edit(
        client,
        "2.1",
        name_vi="Kiểm soát thủ tục hành chính",
        max_points="30",
        rule_type="checklist",
        **{
            "r-0-code": "rasoat",
            "r-0-label_vi": "Rà soát thủ tục",
            "r-0-points": "20",
            "r-1-code": "congkhai",
            "r-1-label_vi": "Công khai thủ tục",
            "r-1-points": "20",
            "p-cap": "30",
        },
    )


def test_build_a_framework_fix_its_maxima_and_create_a_cycle(officer_client, departments):
    page = officer_client.get(reverse("frameworks:new"))
    assert page.status_code == 200 and "Tạo khung mới" in page.content.decode()
    response = _build(officer_client)
    assert response.status_code == 302
    engine = _engine()
    assert [n.code for n in engine.nodes()] == ["total", "1", "1.1", "1.2", "2", "2.1"]
    assert engine.legal_basis[0].number == "1234/QĐ-UBND" and engine.legal_basis[0].date == "15/01/2026"
    assert [(b.label_vi, b.min_percent) for b in engine.ranking.groups.bands] == [
        ("Tốt", Decimal(80)),
        ("Khá", Decimal("65.5")),
        ("Chưa đạt", Decimal(0)),
    ]
    step = engine.node("1.1")
    assert step.evidence_required and step.rule.type == "step_table"
    assert step.rule.params == {"steps": [{"min": "70", "points": "15"}, {"min": "90", "points": "30"}]}
    assert engine.node("1.2").rule.params["options"][1] == {
        "code": "cham",
        "label_vi": "Không kịp thời",
        "points": "15.5",
    }
    assert engine.node("2.1").rule.params["cap"] == "30"

    # The live check: field 2 is worth 40 but its only criterion 30 — an error, shown red.
    page = officer_client.get(reverse("frameworks:edit", args=[CODE])).content.decode()
    assert "tổng điểm tối đa của các nút con là 30, khác điểm tối đa 40" in page
    assert 'class="fw-node d1 has-error' in page
    assert "khung chưa dùng được để tạo kỳ đánh giá" in page
    listing = officer_client.get(reverse("frameworks:list")).content.decode()
    assert "1 lỗi" in listing

    # A framework with errors cannot be used for a cycle.
    cycle_data = {
        "level": "department",
        "framework": Framework.objects.get(code=CODE).pk,
        "year": 2026,
        "block": "Sở, ban, ngành",
        "units": [departments["stp"].pk, departments["syt"].pk],
        "self_assessment_due": (date.today() + timedelta(days=30)).strftime("%d/%m/%Y"),
    }
    refused = officer_client.post(reverse("administration:cycle_create"), {**cycle_data, "once": new_token()})
    assert (
        refused.status_code == 200
        and "còn lỗi; sửa khung trước khi tạo kỳ đánh giá" in refused.content.decode()
    )
    assert not Cycle.objects.filter(framework__code=CODE).exists()

    # Fixed through the inline (htmx) form: the answer is the refreshed tree, without the error.
    fixed = _edit(
        officer_client,
        "2.1",
        headers={"HTTP_HX_REQUEST": "true"},
        name_vi="Kiểm soát thủ tục hành chính",
        max_points="40",
        rule_type="checklist",
        **{
            "r-0-code": "rasoat",
            "r-0-points": "20",
            "r-1-code": "congkhai",
            "r-1-points": "20",
            "p-cap": "40",
        },
    )
    html = fixed.content.decode()
    assert fixed.status_code == 200 and fixed["HX-Retarget"] == "#editor"
    assert "Khung hợp lệ" in html and "khác điểm tối đa" not in html
    assert "Đã lưu nút 2.1." in html

    created = officer_client.post(reverse("administration:cycle_create"), {**cycle_data, "once": new_token()})
    assert created.status_code == 302
    assert Cycle.objects.get(framework__code=CODE).assessments.count() == 2


def test_add_move_and_delete_nodes(officer_client):
    _new(officer_client)
    for _ in range(3):
        _action(officer_client, "total", "them-con")
    assert [n.code for n in _engine().root.children] == ["1", "2", "3"]
    _action(officer_client, "3", "len")
    assert [n.code for n in _engine().root.children] == ["1", "3", "2"]
    _action(officer_client, "1", "xuong")
    assert [n.code for n in _engine().root.children] == ["3", "1", "2"]
    response = _action(officer_client, "3", "len", HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "đã ở đầu hoặc cuối nhóm" in response.content.decode()
    _action(officer_client, "2", "them-sau")
    assert [n.code for n in _engine().root.children] == ["3", "1", "2", "4"]
    _action(officer_client, "1", "xoa")
    assert [n.code for n in _engine().root.children] == ["3", "2", "4"]
    assert _action(officer_client, "total", "xoa").status_code == 422
    # Adding a child opens the new node's form; a code already used is refused.
    page = _action(officer_client, "2", "them-con", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="n-2-1"' in page and 'class="fw-form"' in page
    duplicate = _edit(officer_client, "2.1", code="3", name_vi="Trùng mã")
    assert duplicate.status_code == 422 and "Mã 3 đã có trong khung." in duplicate.content.decode()


def test_rule_parameters_forms_json_and_bad_input(officer_client):
    _new(officer_client)
    _action(officer_client, "total", "them-con")
    cases = [
        ("proportional", {"p-when_no_occurrence": "full"}, {"when_no_occurrence": "full"}),
        (
            "target_attainment",
            {"p-target": "95", "p-partial": "proportional"},
            {"target": "95", "partial": "proportional"},
        ),
        ("no_occurrence_full", {"p-deduction_per_occurrence": "0,5"}, {"deduction_per_occurrence": "0.5"}),
        ("manual", {}, {}),
        ("survey_share", {}, {}),
        ("normalised_to_best", {"rule_json": '{"when_all_zero": "full"}'}, {"when_all_zero": "full"}),
    ]
    for rule_type, fields, expected in cases:
        response = _edit(officer_client, "1", max_points="100", rule_type=rule_type, **fields)
        assert response.status_code == 302, rule_type
        assert _engine().node("1").rule.params == expected
    # Parameters the small form cannot show are edited as JSON.
    _edit(
        officer_client,
        "1",
        max_points="100",
        rule_type="no_occurrence_full",
        rule_mode="json",
        rule_json='{"then": {"type": "manual"}}',
    )
    page = officer_client.get(reverse("frameworks:edit", args=[CODE]) + "?sua=1").content.decode()
    assert 'name="rule_json"' in page and "&quot;then&quot;" in page
    bad = _edit(
        officer_client, "1", max_points="mười", rule_type="step_table", **{"r-0-min": "x", "r-0-points": "1"}
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "«mười» không phải số" in html and "«x» không phải số" in html
    bad_json = _edit(officer_client, "1", max_points="100", rule_type="normalised_to_best", rule_json="{oops")
    assert bad_json.status_code == 422 and "không phải JSON hợp lệ" in bad_json.content.decode()
    fragment = officer_client.get(
        reverse("frameworks:node_rule", args=[CODE, "1"]), {"rule_type": "checklist"}
    ).content.decode()
    assert 'name="r-0-code"' in fragment and 'name="p-cap"' in fragment


def test_a_framework_in_use_is_not_edited(officer_client, framework, cycle):
    # The cycle fixture has Sở Tư pháp started on the sample framework.
    before = Framework.objects.get(pk=framework.pk).definition
    page = officer_client.get(reverse("frameworks:edit", args=[framework.code])).content.decode()
    assert "đã bắt đầu tự đánh giá" in page and "Sao chép sang năm mới" in page
    assert "hx-post" not in page
    response = _edit(officer_client, "1.1", fw=framework.code, max_points="3")
    assert response.status_code == 409 and "sao chép sang năm mới" in response.content.decode()
    assert _action(officer_client, "1", "xoa", fw=framework.code).status_code == 409
    assert Framework.objects.get(pk=framework.pk).definition == before
    assert not AuditEntry.objects.filter(action=editor.ACTION).exists()


def test_a_node_with_scores_is_not_deleted(officer_client, departments):
    _build(officer_client)
    row = Framework.objects.get(code=CODE)
    cycle = create_cycle(row, 2026, "Khối thử", [departments["stp"]], date.today() + timedelta(days=9))
    # The officer entered a survey figure: a score row exists, self-assessment has not started.
    CriterionScore.objects.create(
        assessment=cycle.assessments.get(), criterion="1.2", survey_index=Decimal(80)
    )
    for node in ("1.2", "1"):
        response = _action(officer_client, node, "xoa")
        assert response.status_code == 422
        assert "đã có điểm trong kỳ đánh giá (1.2)" in response.content.decode()
    renamed = _edit(officer_client, "1.2", code="1.9", max_points="30")
    assert renamed.status_code == 422 and "không đổi mã được" in renamed.content.decode()
    assert _action(officer_client, "2.1", "xoa").status_code == 302
    assert [n.code for n in _engine().nodes()] == ["total", "1", "1.1", "1.2", "2"]


def test_permissions_and_builtin_frameworks(client, people, officer_client):
    _new(officer_client)
    urls = [
        ("get", reverse("frameworks:new")),
        ("get", reverse("frameworks:edit", args=[CODE])),
        ("get", reverse("frameworks:settings", args=[CODE])),
        ("post", reverse("frameworks:node_action", args=[CODE, "total", "them-con"])),
        ("post", reverse("frameworks:node_edit", args=[CODE, "total"])),
    ]
    login = reverse("accounts:login")
    client.logout()  # the same client as officer_client
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    for username in ("canbo_stp", "thutruong_stp", "thamdinh", "lanhdao"):
        client.force_login(people[username])
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (username, url)
    client.force_login(people["admin"])
    assert client.get(urls[1][1]).status_code == 200
    assert len(_engine().root.children) == 0

    builtin = Framework.objects.filter(builtin=True).first()
    assert builtin is not None
    page = officer_client.get(reverse("frameworks:edit", args=[builtin.code])).content.decode()
    assert "chỉ xem được" in page and "Sao chép để sửa" in page and "hx-post" not in page
    root = builtin.to_engine().root.code
    response = _action(officer_client, root, "them-con", fw=builtin.code)
    assert response.status_code == 409 and "chỉ xem được" in response.content.decode()
    settings_page = officer_client.post(reverse("frameworks:settings", args=[builtin.code]), {})
    assert settings_page.status_code == 409


def test_general_information_is_edited(officer_client):
    _new(officer_client)
    page = officer_client.get(reverse("frameworks:settings", args=[CODE]))
    html = page.content.decode()
    assert page.status_code == 200 and 'value="1234/QĐ-UBND"' in html and 'value="65,5"' in html
    response = officer_client.post(
        reverse("frameworks:settings", args=[CODE]),
        {
            "name_vi": "Tên mới",
            "scope": "department",
            "first_year": "2026",
            "last_year": "2027",
            "legal_number": "99/QĐ-UBND",
            "legal_date": "01/02/2026",
            "legal_issuer": "UBND tỉnh",
            "status": "partial",
            "display_precision": "1",
            "ranking_precision": "1",
            "group_method": "quartiles",
        },
    )
    assert response.status_code == 302
    engine = _engine()
    assert engine.name_vi == "Tên mới" and engine.last_year == 2027 and engine.status == "partial"
    assert engine.ranking.groups.method == "quartiles" and engine.ranking.groups.bands == []
    assert engine.display_precision == 1 and engine.legal_basis[0].number == "99/QĐ-UBND"
    row = Framework.objects.get(code=CODE)
    assert row.name_vi == "Tên mới" and row.last_year == 2027


def test_new_framework_form_refuses_bad_input(officer_client):
    _new(officer_client)
    again = _new(officer_client, scope="commune", root_max="0", **{"band-1-min_percent": "nhiều"})
    html = again.content.decode()
    assert again.status_code == 422
    assert "Đã có khung mã thu-nghiem-2026." in html
    assert "Chỉ số CCHC sở đánh giá" in html
    assert "Điểm tối đa phải lớn hơn 0." in html
    assert "«nhiều» không phải số" in html


def test_every_edit_is_audited(officer_client, people):
    _build(officer_client)
    entries = AuditEntry.objects.filter(action="framework_edit", after__framework=CODE).order_by("id")
    ops = [(e.field, e.after["op"]) for e in entries if e.after is not None]  # never None: filtered on it
    assert ops[0] == ("framework", "create")
    assert ("1.1", "add_after") not in ops and ("1.2", "add_after") in ops
    assert ("2.1", "edit") in ops
    edit = entries.filter(field="2.1", after__op="edit").get()
    assert edit.user == people["sonoivu"]
    assert edit.before is not None and edit.after is not None
    assert edit.before["node"]["name_vi"] == "Tiêu chí mới"
    assert edit.after["node"]["max_points"] == "30" and edit.after["node"]["rule"]["type"] == "checklist"
    _action(officer_client, "2", "xoa")
    deleted = AuditEntry.objects.filter(action="framework_edit", field="2").latest("id")
    assert deleted.before is not None and deleted.after is not None
    assert deleted.after["node"] is None and deleted.before["node"]["children"][0]["code"] == "2.1"
    page = officer_client.get(reverse("frameworks:edit", args=[CODE])).content.decode()
    assert "Lịch sử sửa khung" in page and "Đã xóa nút 2." in page
    assert editor.history(Framework.objects.get(code=CODE))[0] == deleted


def test_editor_in_english(officer_client, settings):
    _build(officer_client)
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = officer_client.get(reverse("frameworks:edit", args=[CODE])).content.decode()
    assert "1 error(s)" in html and "the framework cannot be used for a cycle yet" in html
    assert "children&#x27;s maxima add up to 30, not the maximum 40" in html
    assert "Step table (≥ 70 → 15; ≥ 90 → 30)" in html and "Edit history" in html
    html = officer_client.get(reverse("frameworks:edit", args=[CODE]) + "?sua=1.2").content.decode()
    assert "Scoring rule" in html and 'value="15.5"' in html

"""Every request and every command has an id; the changes it makes are logged under it, with who
made them and from where (the web page's path or the command)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from chiso.assessments.models import AuditEntry, Cycle, State
from chiso.assessments.setup import create_cycle
from chiso.cli.main import main
from chiso.core import changelog
from chiso.demo.cycles import drive
from chiso.surveys.models import Questionnaire, Survey
from chiso.units.models import Organiser

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_every_response_names_its_request(client):
    first, second = client.get("/"), client.get("/")
    assert UUID.fullmatch(first["X-Request-ID"]) and UUID.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_request_id_from_the_proxy_is_kept_any_other_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "nginx-4f1c.77:2"})["X-Request-ID"] == "nginx-4f1c.77:2"
    for bad in ("=HYPERLINK(1)", "a b", "x" * 65, "<script>", "-leading-dash"):
        assert UUID.fullmatch(client.get("/", headers={"X-Request-ID": bad})["X-Request-ID"]), bad


def test_a_page_logs_its_changes_under_its_request_id_and_user(officer_client, cycle, people):
    response = officer_client.post(
        reverse("administration:extend_deadline", args=[cycle.pk]),
        {"new_due": (cycle.self_assessment_due + timedelta(days=7)).strftime("%d/%m/%Y"), "reason": "Bão"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    entry = LogEntry.objects.get(cid=request_id)
    assert (entry.object_pk, entry.action) == (str(cycle.pk), changelog.UPDATE)
    assert entry.actor == people["sonoivu"] and entry.actor_email == "sonoivu@example.vn"
    assert entry.remote_addr == "10.1.2.3"
    assert entry.additional_data == {
        "via": "web",
        "method": "POST",
        "path": reverse("administration:extend_deadline", args=[cycle.pk]),
    }
    assert "self_assessment_due" in entry.changes
    # The workflow's narrative of the same request: the reason, with the same id.
    assert AuditEntry.objects.get(cid=request_id).reason == "Bão"


def test_publishing_and_unpublishing_a_survey_are_logged(officer_client, people, tmp_path, settings):
    questionnaire = Questionnaire.objects.create(
        name="Phiếu", file="p.xlsx", original_name="p.xlsx", sha256="2" * 64, definition={}
    )
    survey = Survey.objects.create(
        questionnaire=questionnaire, title="Đợt", year=2031, unit_level="department"
    )
    url = reverse("surveys:publish", args=[survey.pk])
    ids = [officer_client.post(url)["X-Request-ID"] for _ in range(2)]
    changes = [LogEntry.objects.get(cid=request_id).changes for request_id in ids]
    assert changes == [{"published": ["False", "True"]}, {"published": ["True", "False"]}]


def test_each_command_has_its_own_request_id_and_says_it_came_from_the_command_line(capsys):
    for code in ("phong-a", "phong-b"):
        assert main(["organisers", "add", code, "--name", f"Phòng {code}"]) == 0, capsys.readouterr().err
    kind = ContentType.objects.get_for_model(Organiser)
    entries = [
        LogEntry.objects.get(content_type=kind, object_pk=str(Organiser.objects.get(code=code).pk))
        for code in ("phong-a", "phong-b")
    ]
    assert all(UUID.fullmatch(entry.cid) for entry in entries) and entries[0].cid != entries[1].cid
    for entry in entries:
        assert entry.actor is None
        assert entry.additional_data["via"] == "cli"
        assert entry.additional_data["command"] == "organisers add"
        assert "os_user" in entry.additional_data


def test_a_command_given_the_officer_logs_under_the_officer(capsys, framework, departments, people):
    cycle = create_cycle(
        framework,
        2031,
        "Khối thử",
        [departments["stp"], departments["syt"]],
        date.today() + timedelta(days=9),
    )
    for slug in ("stp", "syt"):
        drive(cycle.assessments.get(unit=departments[slug]), State.APPROVED, people, slug)
    assert main(["cycles", "publish", str(cycle.pk), "--user", "sonoivu"]) == 0, capsys.readouterr().err
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Cycle),
        object_pk=str(cycle.pk),
        action=changelog.UPDATE,
    ).latest("id")
    assert "published_at" in entry.changes
    assert entry.actor == people["sonoivu"]
    assert entry.additional_data["command"] == "cycles publish"
    assert uuid.UUID(entry.cid)

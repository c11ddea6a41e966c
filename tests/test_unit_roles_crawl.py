"""No page shows a unit role another unit's unpublished figures (issue 10, "locks that hold").

A cycle of three departments with distinctive names is taken by the workflow services to
approval (two of them) and to the council (the third); it is not published. The unit staff and the
unit head of one department then open every URL of the application — every route the resolver
knows, with the identifiers of their own unit and of the others, as a page and as an htmx
fragment, and posting (in a transaction rolled back) to the routes that only take posts — and
every answer (HTML, JSON, Excel, Word, text) is searched for the other departments' names and
their totals at every stage.

The crawl is checked to be able to fail: an officer, who may see everything, finds the same names
and totals on the cycle's pages; and a route added to the application without an entry in `ROUTES`
fails the test until it is crawled too.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chiso.accounts.models import Membership, Role
from chiso.assessments.models import Assessment, Cycle, Evidence, State
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, stage_tree
from chiso.assessments.setup import create_cycle, load_sample_frameworks
from chiso.core.once import new_token
from chiso.demo.cycles import drive
from chiso.engine.numbers import format_number
from chiso.frameworks.models import CriterionMapping
from chiso.plans import services as plans
from chiso.results.models import ResultSet
from chiso.surveys import services as surveys
from chiso.surveys.tests.conftest import make_form, make_rows, write
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

OWN = ("hd", "T.HAIDANG", "Sở Hải Đăng Thử Nghiệm")
OTHERS = [("ql", "T.QUYNHLAM", "Sở Quỳnh Lam Bí Mật"), ("vk", "T.VANKHE", "Sở Vân Khê Bí Mật")]
STATES = {"hd": State.APPROVED, "ql": State.APPROVED, "vk": State.COUNCIL}

# Routes not crawled, and why.
SKIPPED = {
    "set_language": "changes the session's language only",
    "accounts:logout": "would end the crawl's session",
}


@pytest.fixture
def world(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    units = {
        slug: Unit.objects.create(level="department", code=code, name=name, kind="sở", parent_code="22")
        for slug, code, name in [OWN, *OTHERS]
    }

    def person(name: str, role: str, unit: Unit | None = None) -> User:
        user = User.objects.create_user(name, f"{name}@example.vn", "pw")
        Membership.objects.create(user=user, role=role, unit=unit)
        return user

    people = {
        "sonoivu": person("sonoivu", Role.OFFICER),
        "thamdinh": person("thamdinh", Role.APPRAISER),
        "hoidong": person("hoidong", Role.COUNCIL),
    }
    for slug, unit in units.items():
        people[f"canbo_{slug}"] = person(f"canbo_{slug}", Role.UNIT_STAFF, unit)
        people[f"thutruong_{slug}"] = person(f"thutruong_{slug}", Role.UNIT_HEAD, unit)
    framework = next(f for f in load_sample_frameworks() if f.scope == "department")
    cycle = create_cycle(
        framework, 2025, "Sở, ban, ngành", list(units.values()), date.today() + timedelta(days=30)
    )
    for slug, state in STATES.items():
        drive(cycle.assessments.get(unit=units[slug]), state, people, slug)
    cycle.refresh_from_db()
    assert not cycle.is_published

    # Plans after the cycle: the other department's (the own department leads one of its items) and
    # the own department's, with a task and a progress report.
    officer, own = people["sonoivu"], units["hd"]
    other_plan = plans.plan_for(plans.cycle_subject(cycle, "T.QUYNHLAM"), officer)
    other_item = plans.add_item(officer, other_plan, criterion="1.1", lead=own, deadline=date(2026, 12, 31))
    own_plan = plans.plan_for(plans.cycle_subject(cycle, "T.HAIDANG"), officer)
    own_item = plans.add_item(officer, own_plan, criterion="1.2", lead=own, deadline=date(2026, 12, 31))
    task = plans.add_task(officer, own_item, title="Rà soát quy trình", owner=own, due=date(2026, 6, 30))
    report = plans.submit_report(
        people["canbo_hd"],
        own_item,
        period=plans.reportable_periods(own_item)[0],
        text="Đã rà soát một nửa",
        percent_done=50,
    )

    # A survey of the departments (not published), with results for every department.
    questionnaire = surveys.import_questionnaire(make_form(tmp_path))
    survey = surveys.create_survey(questionnaire, "Hài lòng các sở 2025", 2025, "department")
    surveys.import_responses(
        survey, write(make_rows({name: 0.8 for _slug, _code, name in [OWN, *OTHERS]}), tmp_path / "r.csv")
    )
    surveys.estimate(survey)

    # An analysis-report round sent to every department; each has answered about criterion 1.1
    # naming itself, and the other department's answer carries a file.
    from django.core.files.base import ContentFile

    from chiso.rounds.models import Answer, Attachment, Request, Round
    from chiso.units.models import Organiser

    province = Unit.objects.filter(level="province", code="22").first() or Unit.objects.create(
        level="province", code="22", name="Quảng Ninh"
    )
    organiser = Organiser.objects.create(code="so-noi-vu-22-thu", name="Sở Nội vụ (thử)", unit=province)
    round_ = Round.objects.create(
        organiser=organiser,
        number="1/SNV",
        issued=date.today(),
        deadline=date.today() + timedelta(days=10),
        title="Phân tích chỉ số",
        year=2025,
        status=Round.Status.SENT,
        created_by=officer,
    )
    answers = []
    for unit in units.values():
        request = Request.objects.create(round=round_, agency=unit, status=Request.Status.SUBMITTED)
        answers.append(
            Answer.objects.create(
                request=request,
                framework=cycle.framework,
                criterion="1.1",
                causes=f"Nguyên nhân của {unit.name}",
            )
        )
    attachment = Attachment(answer=answers[-1], name="phan-tich.pdf", sha256="a" * 64, uploaded_by=officer)
    attachment.file.save("phan-tich.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {
        "round": round_,
        "answers": answers,
        "attachment": attachment,
        "cycle": cycle,
        "units": units,
        "people": people,
        "plans": (own_plan, other_plan),
        "items": (own_item, other_item),
        "task": task,
        "report": report,
        "survey": survey,
    }


def totals(assessment: Assessment) -> set[Decimal]:
    framework = assessment.cycle.framework.to_engine()
    found = set()
    for stage in (SELF, APPRAISED, FINAL):
        score = stage_tree(assessment, stage, framework).get(framework.root.code)
        if score is not None and score.points is not None:
            found.add(score.points)
    return found


def secrets_of(world) -> dict[str, str]:
    """What a unit role must not find: the other departments' names (as written, and as JSON escapes
    them) and their totals at every stage, as pages and JSON write them."""
    cycle, units = world["cycle"], world["units"]
    own = totals(cycle.assessments.get(unit=units["hd"]))
    places = cycle.framework.to_engine().display_precision or 2
    found: dict[str, str] = {}
    for slug, _code, name in OTHERS:
        found[name] = f"{slug}: name"
        found[json.dumps(name)[1:-1]] = f"{slug}: name in JSON"
        for value in totals(cycle.assessments.get(unit=units[slug])):
            assert value not in own, "the own department must not share a total with another"
            for text in (format_number(value, places, "vi"), format_number(value, places, "en")):
                found[text] = f"{slug}: total {value}"
            found[json.dumps(round(float(value), 4))] = f"{slug}: total {value} in JSON"
    return found


def routes() -> set[str]:
    """Every named route of the application (the admin site's aside: only administrators enter it)."""
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}{entry.name}")

    walk(get_resolver(), "")
    return names


def arguments(world) -> dict[str, list[list[Any]]]:
    """For each route, the argument lists to crawl it with: the own unit's and the others' objects."""
    cycle, units = world["cycle"], world["units"]
    assessments = list(cycle.assessments.order_by("pk"))
    evidence = list(Evidence.objects.filter(assessment__cycle=cycle).values_list("assessment_id", "pk"))
    codes = [u.code for u in units.values()]
    framework = cycle.framework.code
    plan_ids = [p.pk for p in world["plans"]]
    item_ids = [i.pk for i in world["items"]]
    survey = world["survey"].pk
    national = ["papi", 2021, "58"]
    result_set = ResultSet.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    from chiso.jobs.models import Job

    # another person's job (an officer's, or a signed-out visitor's): its page is not a unit role's
    job = Job.objects.create(kind="chiso.surveys.jobs:estimate", title="Tính", session_key="another").pk
    mapping = CriterionMapping.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    each_assessment = [[a.pk] for a in assessments]
    criterion = [[a.pk, "4.1"] for a in assessments] + [[a.pk, "8.1"] for a in assessments]
    return {
        "accounts:login": [[]],
        "assessments:home": [[]],
        "assessments:cycle": [[cycle.pk]],
        "assessments:results": [[cycle.pk]],
        "assessments:export": [[cycle.pk]],
        "assessments:results_unit": [[cycle.pk, c] for c in codes],
        "assessments:publish": [[cycle.pk]],
        "assessments:import_scores": [[cycle.pk]],
        "assessments:assessment": each_assessment,
        "assessments:audit": each_assessment,
        "assessments:transition": [[a.pk, "finish_explanation"] for a in assessments],
        "assessments:preview": criterion,
        "assessments:save_self": criterion,
        "assessments:appraise": criterion,
        "assessments:explain": criterion,
        "assessments:upload": criterion,
        "assessments:criterion_audit": criterion,
        "assessments:evidence": [[a, e] for a, e in evidence],
        "assessments:remove_evidence": [[a, e] for a, e in evidence],
        "assessments:published_list": [[]],
        "assessments:published": [[cycle.pk]],
        "assessments:published_export": [[cycle.pk]],
        "assessments:published_unit": [[cycle.pk, c] for c in codes],
        "administration:dashboard": [[]],
        "administration:cycle": [[cycle.pk]],
        "administration:send_reminders": [[cycle.pk]],
        "administration:extend_deadline": [[cycle.pk]],
        "administration:survey": [[cycle.pk]],
        "administration:cycle_create": [[]],
        "administration:users": [[]],
        "administration:change_log": [[]],
        "administration:change_log_csv": [[]],
        "administration:change_log_xlsx": [[]],
        "favicon": [[]],
        "frameworks:list": [[]],
        "frameworks:download": [[framework, "yaml"], [framework, "xlsx"]],
        "frameworks:copy": [[framework]],
        "frameworks:new": [[]],
        "frameworks:edit": [[framework]],
        "frameworks:settings": [[framework]],
        "frameworks:node_edit": [[framework, "1"]],
        "frameworks:node_rule": [[framework, "1.1"]],
        "frameworks:node_action": [[framework, "1", "len"]],
        "frameworks:mapping": [[mapping]],
        "frameworks:indices": [[]],
        "frameworks:index_new": [[]],
        "frameworks:index_edit": [[cycle.framework.index.code]],
        "units:list": [[]],
        "jobs:job": [[job]],
        "jobs:file": [[job]],
        "units:load_districts": [[]],
        "units:organisers": [[]],
        "units:organiser": [[cycle.organiser.code]],
        "surveys:home": [[]],
        "surveys:upload_questionnaire": [[]],
        "surveys:use_sipas": [[]],
        "surveys:questionnaire": [[world["survey"].questionnaire_id]],
        "surveys:create": [[]],
        "surveys:survey": [[survey]],
        "surveys:import": [[survey]],
        "surveys:paper": [[survey]],
        "surveys:estimate": [[survey]],
        "surveys:publish": [[survey]],
        "surveys:results": [[survey]],
        "surveys:link": [[survey]],
        "dossiers:month": [[]],
        "dossiers:upload": [[]],
        "dossiers:compute": [[]],
        "dossiers:assign": [[]],
        "plans:list": [[]],
        "plans:national_propose": [national],
        "plans:cycle_propose": [[cycle.pk, c] for c in codes],
        "plans:plan": [[p] for p in plan_ids],
        "plans:item_add": [[p] for p in plan_ids],
        "plans:plan_settings": [[p] for p in plan_ids],
        "plans:sign": [[p, units["hd"].pk] for p in plan_ids],
        **{
            f"plans:{name}": [[p, u.pk] for p in plan_ids for u in units.values()]
            for name in ("commitment_document", "commitment_scan", "commitment_scan_file")
        },
        "plans:scorecard": [[p] for p in plan_ids],
        "plans:task_add": [[i] for i in item_ids],
        "plans:item_status": [[i] for i in item_ids],
        "plans:report_add": [[i] for i in item_ids],
        "plans:task_status": [[world["task"].pk]],
        "plans:report_file": [[world["report"].pk]],
        "plans:responsibilities": [[framework]],
        "plans:responsibilities_import": [[framework]],
        "plans:leaders": [[]],
        "plans:escalate": [[]],
        "plans:unit_search": [[]],
        "reports:report": [[*national, "docx"]],
        "opendata:api_home": [[]],
        "opendata:ranking_file": [[*national[:2], kind] for kind in ("csv", "xlsx", "json")],
        "opendata:profile_file": [[*national, kind] for kind in ("csv", "xlsx", "json")],
        "api-v1:api-root": [[]],
        "api-v1:openapi-json": [[]],
        "api-v1:openapi-view": [[]],
        "api-v1:indices": [[]],
        "api-v1:index_detail": [["papi"]],
        "api-v1:frameworks": [[]],
        "api-v1:framework_detail": [[framework]],
        "api-v1:result_sets": [[]],
        "api-v1:ranking": [national[:2]],
        "api-v1:profile": [national],
        "api-v1:units": [[]],
        # a unit's own record names it (the registry is public): asked for the unit role's own unit
        "api-v1:unit_detail": [["58"], [units["hd"].code]],
        "api-v1:cycles": [[]],
        "api-v1:cycle_detail": [[cycle.pk]],
        "api-v1:cycle_results": [[cycle.pk]],
        "api-v1:surveys": [[]],
        "api-v1:survey_results": [[survey]],
        "reports:conference": [[national[2], national[1], "docx"]],
        "rounds:list": [[]],
        "rounds:new": [[]],
        **{
            f"rounds:{name}": [[world["round"].pk]]
            for name in ("round", "send", "remind", "close", "synthesis", "export")
        },
        **{
            f"rounds:{name}": [[a.request_id] for a in world["answers"]]
            for name in ("request", "criteria", "submit", "return")
        },
        "rounds:answer": [[a.pk] for a in world["answers"]],
        "rounds:file": [[world["attachment"].pk]],
        "results:home": [[]],
        "results:search": [[]],
        "results:locality": [["58", 2021], *[[c, cycle.year] for c in codes]],
        "results:ranking": [national[:2]],
        "results:profile": [national],
        "results:national_losses": [national],
        "results:national_whatif": [national],
        "results:national_target": [national],
        "results:cycle_losses": [[cycle.pk, c] for c in codes],
        "results:cycle_whatif": [[cycle.pk, c] for c in codes],
        "results:cycle_target": [[cycle.pk, c] for c in codes],
        "results:tables": [[]],
        "results:table_save": [["khong-co"]],
        "results:table": [[result_set]],
        "results:table_publish": [[result_set]],
    }


# What a post carries: enough for each form to be read (and refused or accepted) rather than fail
# on an empty body.
POST_DATA = {
    "rank": "1",
    "v_1": "10",
    "points": "3",
    "appraised_points": "3",
    "reason": "Kiểm tra",
    "text": "Kiểm tra",
    "version": "0",
    "status": "done",
}


def body(response) -> str:
    """What an answer says, as text: pages and JSON as they are; workbooks and Word files unpacked."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


def crawl(client, user: User, world, secrets: dict[str, str]) -> tuple[list[str], dict[str, int]]:
    """Every route × its arguments, as a page, as an htmx fragment, and posted when it only takes
    posts; returns the leaks found and how many answers of each status were read."""
    client.force_login(user)
    leaks, statuses = [], {}
    for name, lists in arguments(world).items():
        for args in lists:
            address = reverse(name, args=args)
            answers = [("GET", client.get(address))]
            if "html" in answers[0][1].get("Content-Type", ""):
                answers.append(("GET htmx", client.get(address, HTTP_HX_REQUEST="true")))
            if answers[0][1].status_code == 405:
                for htmx in (False, True):
                    with transaction.atomic():
                        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                        data = {**POST_DATA, "once": new_token()}  # past the double-submission guard
                        answers.append(("POST", client.post(address, data, **extra)))
                        transaction.set_rollback(True)
            for method, response in answers:
                statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
                text = body(response)
                for secret, what in secrets.items():
                    if secret in text:
                        leaks.append(f"{user.username} {method} {address} ({response.status_code}): {what}")
    return leaks, statuses


def test_no_page_shows_a_unit_role_another_units_unpublished_figures(client, world):
    assert routes() - set(SKIPPED) == set(arguments(world)), "a route is missing from the crawl"
    secrets = secrets_of(world)
    for role in ("canbo_hd", "thutruong_hd"):
        leaks, statuses = crawl(client, world["people"][role], world, secrets)
        assert leaks == [], "\n".join(leaks)
        assert statuses.get("200", 0) >= 30  # the crawl read pages, not only refusals

    # The same search finds the other departments on the pages that show them to inside roles.
    client.force_login(world["people"]["sonoivu"])
    cycle: Cycle = world["cycle"]
    results = body(client.get(reverse("assessments:results", args=[cycle.pk])))
    losses = body(client.get(reverse("results:cycle_losses", args=[cycle.pk, "T.HAIDANG"])))
    export = body(client.get(reverse("assessments:export", args=[cycle.pk])))
    for page in (results, losses, export):
        assert any(secret in page for secret in secrets)
    assert {what for secret, what in secrets.items() if secret in results} >= {"ql: name", "vk: name"}

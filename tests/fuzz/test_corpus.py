"""The fuzz corpus against every importer — through its service, its web page and its command:
each malformed file is refused cleanly (a message, naming the row or cell where there is one) and
nothing is written (every table's row count unchanged). Runs on SQLite, and on PostgreSQL when
DATABASE_URL names one."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.core.once import new_token
from tests.fuzz.corpus import Case
from tests.fuzz.importers import FUZZ_FRAMEWORK, FUZZ_INDEX, IMPORTERS

pytestmark = pytest.mark.django_db

# Fixtures of the apps' own tests: two departments, a cycle, a user for every role.
from chiso.assessments.tests.conftest import cycle, departments, people  # noqa: E402, F401

COUNTED = (
    "results.Dataset",
    "results.ResultSet",
    "results.UnitResult",
    "results.NodeValue",
    "results.PublishedFigure",
    "units.Unit",
    "units.BlockMembership",
    "frameworks.Framework",
    "frameworks.Index",
    "surveys.Questionnaire",
    "surveys.Survey",
    "surveys.Response",
    "surveys.ImportBatch",
    "plans.Responsibility",
    "assessments.Evidence",
)


def counts() -> dict[str, int]:
    from django.apps import apps

    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.fixture
def world(db, departments, people, cycle, settings, tmp_path):  # noqa: F811 - fixtures
    """What the importers need: an index whose total has no maximum, a survey, an officer."""
    from chiso.engine.frameworks import framework_from_dict
    from chiso.frameworks.indices import clean_index, save_index
    from chiso.frameworks.models import Framework
    from chiso.frameworks.services import save_framework
    from chiso.surveys import services as surveys
    from chiso.surveys.tests.conftest import make_form

    settings.MEDIA_ROOT = tmp_path / "media"
    values, problems = clean_index(FUZZ_INDEX, "fuzz")
    assert not problems
    index = save_index(values)
    framework = save_framework(framework_from_dict(FUZZ_FRAMEWORK))
    folder = tmp_path / "form"
    folder.mkdir()
    questionnaire = surveys.import_questionnaire(make_form(folder))
    survey = surveys.create_survey(questionnaire, "Khảo sát thử", 2025, "department")
    return {
        "index": index,
        "framework": framework,
        "papi": Framework.objects.get(code="papi-2018"),
        "survey": survey,
        "people": people,
        "assessment": cycle.assessments.get(unit__code="QN.STP"),
        "folder": tmp_path,
    }


def write(world: dict[str, Any], case: Case) -> Path:
    path = world["folder"] / f"{case.name}{case.suffix}"
    path.write_bytes(case.data)
    return path


# -- the services ------------------------------------------------------------------------------------


def _results(world: dict[str, Any], path: Path) -> None:
    from chiso.results.importer import import_results
    from chiso.units.registry import registry

    import_results(path, world["index"], 2024, world["framework"], registry(("province",)))


def _units(world: dict[str, Any], path: Path) -> None:
    from chiso.units.importer import import_units

    with path.open("rb") as handle:
        import_units(handle)


def _frameworks(world: dict[str, Any], path: Path) -> None:
    from chiso.frameworks.io import framework_from_xlsx, load_framework_yaml
    from chiso.frameworks.services import save_framework

    save_framework(framework_from_xlsx(path) if path.suffix == ".xlsx" else load_framework_yaml(path))


def _indices(world: dict[str, Any], path: Path) -> None:
    from chiso.core.uploads import decode_text
    from chiso.frameworks.indices import import_indices

    import_indices(decode_text(path.read_bytes(), path.name))


def _xlsform(world: dict[str, Any], path: Path) -> None:
    from chiso.surveys.services import import_questionnaire

    import_questionnaire(path)


def _responses(world: dict[str, Any], path: Path) -> None:
    from chiso.surveys.services import import_responses

    import_responses(world["survey"], path)


def _responsibilities(world: dict[str, Any], path: Path) -> None:
    from chiso.plans.services import import_responsibilities

    import_responsibilities(world["people"]["officer"], world["papi"], str(path))


def _evidence(world: dict[str, Any], path: Path) -> None:
    from chiso.assessments.evidence import add_evidence

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    add_evidence(world["people"]["staff"], world["assessment"], "3.2", upload)


def _refusals() -> dict[str, tuple[type[BaseException], ...]]:
    from chiso.assessments.workflow import WorkflowError
    from chiso.core.uploads import FileRefused
    from chiso.engine.frameworks import FrameworkError
    from chiso.frameworks.indices import IndexDataError
    from chiso.plans.services import ResponsibilityImportError
    from chiso.results.importer import ImportFailed
    from chiso.surveys.services import SurveyError
    from chiso.units.importer import UnitImportError

    return {
        "results": (ImportFailed,),
        "units": (UnitImportError,),
        "frameworks": (FrameworkError, IndexDataError),
        "indices": (IndexDataError, FileRefused),
        "xlsform": (SurveyError,),
        "responses": (SurveyError,),
        "responsibilities": (ResponsibilityImportError,),
        "evidence": (WorkflowError,),
    }


SERVICES: dict[str, Callable[[dict[str, Any], Path], None]] = {
    "results": _results,
    "units": _units,
    "frameworks": _frameworks,
    "indices": _indices,
    "xlsform": _xlsform,
    "responses": _responses,
    "responsibilities": _responsibilities,
    "evidence": _evidence,
}


def message_of(exc: BaseException) -> str:
    for attribute in ("errors", "problems", "messages"):
        found = getattr(exc, attribute, None)
        if isinstance(found, list) and found:
            return "\n".join(str(x) for x in found)
    return str(exc)


class _Undo(Exception):
    """Rolls one attempt back, so that a file wrongly accepted does not spoil the next ones."""


def check(
    name: str, case: Case, attempt: Callable[[], str | None], before: dict[str, int], expect: bool = True
) -> str | None:
    """Run one attempt; None when `case` was refused cleanly and nothing was written, else why not
    (`expect`: the message must hold the case's fragment)."""
    from django.db import transaction

    outcome: list[str | None] = []
    try:
        with transaction.atomic():
            outcome.append(_outcome(case, attempt, before, expect))
            raise _Undo
    except _Undo:
        pass
    return outcome[0]


def _outcome(
    case: Case, attempt: Callable[[], str | None], before: dict[str, int], expect: bool
) -> str | None:
    try:
        message = attempt()
    except BaseException as exc:
        return f"{case}: {type(exc).__name__} escaped: {exc!s:.200}\n{traceback.format_exc(limit=3)}"
    after = counts()
    if after != before:
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        return f"{case}: {'accepted and ' if message is None else ''}wrote {changed}"
    if message is None:
        return f"{case}: accepted"
    if not message.strip():
        return f"{case}: refused without a message"
    if expect and case.expect and case.expect.lower() not in message.lower():
        return f"{case}: the message does not say {case.expect!r}: {message[:300]!r}"
    return None


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_services_refuse_the_corpus_cleanly(world, name):
    refusal = _refusals()[name]
    run = SERVICES[name]
    before = counts()
    failures = []

    for case in IMPORTERS[name].cases():

        def attempt(case: Case = case) -> str | None:
            path = write(world, case)
            try:
                run(world, path)
            except refusal as exc:
                return message_of(exc)
            return None

        failures.append(check(name, case, attempt, before))
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)


def test_error_lists_are_capped(world):
    """A file with 5,000 bad rows reports the first 200 and counts the rest."""
    from chiso.core.uploads import MAX_ERRORS
    from chiso.results.importer import ImportFailed

    case = next(c for c in IMPORTERS["results"].cases() if c.name == "results-csv-5000-bad-rows")
    with pytest.raises(ImportFailed) as caught:
        _results(world, write(world, case))
    assert caught.value.total == 5_000
    assert len(caught.value.errors) == MAX_ERRORS + 1
    assert "4800" in caught.value.errors[-1] and "5000" in caught.value.errors[-1]


# -- the web pages -----------------------------------------------------------------------------------


def _post(client, world: dict[str, Any], name: str, case: Case) -> Any:
    upload = SimpleUploadedFile(f"{case.name}{case.suffix}", case.data)
    if name == "results":
        data = {
            "index": world["index"].pk,
            "year": 2024,
            "framework": world["framework"].pk,
            "publisher": "Bộ Nội vụ",
            "document": "Quyết định thử",
            "file": upload,
        }
        return client.post("/dieu-hanh/bang-ket-qua/", data)
    if name == "units":
        return client.post("/dieu-hanh/don-vi/", {"file": upload}, follow=True)  # to the job's page
    if name == "frameworks":
        return client.post("/dieu-hanh/khung/", {"file": upload})
    if name == "xlsform":
        return client.post("/khao-sat/bang-hoi/tai-len/", {"file": upload})
    if name == "responses":
        return client.post(
            f"/khao-sat/{world['survey'].pk}/nhap/", {"file": upload, "once": new_token()}, follow=True
        )  # to the job's page
    if name == "responsibilities":
        return client.post("/ke-hoach/trach-nhiem/papi-2018/nhap/", {"file": upload})
    assert name == "evidence"
    return client.post(
        f"/danh-gia/don-vi/{world['assessment'].pk}/tieu-chi/3.2/tai-lieu/",
        {"file": upload, "once": new_token()},
        follow=True,
    )


def _page_message(response: Any, client: Any) -> str | None:
    """The refusal a page shows, or None when the page accepted the file."""
    if response.status_code >= 500:
        raise AssertionError(f"status {response.status_code}")
    context = response.context or {}
    session = client.session  # the responsibilities page keeps its errors for after the redirect
    found: list[str] = list(session.pop("plans_import_errors", []))
    session.save()
    job = context.get("job")  # the import ran as a background job: its page tells the outcome
    if job is not None and job.state == "failed":
        found += [job.error, *job.problems]
    for key in ("problems", "error", "import_errors"):
        value = context.get(key)
        if value:
            found += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    form = context.get("form")
    if form is not None and getattr(form, "errors", None):
        found += [str(e) for errors in form.errors.values() for e in errors]
    found += [str(m) for m in context.get("messages", []) if "error" in getattr(m, "tags", "")]
    if response.status_code == 422 and not found:
        found.append(response.content.decode(errors="replace"))
    return "\n".join(found) if found else None


@pytest.mark.parametrize("name", [n for n in IMPORTERS if n != "indices"])
def test_pages_refuse_the_corpus_cleanly(client, world, name):
    """No exception escapes a request; the page names the problem."""
    user = world["people"]["staff" if name == "evidence" else "officer"]
    client.force_login(user)
    before = counts()
    failures = []
    for case in IMPORTERS[name].cases():
        if case.name == "evidence-exe" or (case.data == b"" and name != "evidence"):
            continue  # a form refuses an empty file itself; the page's choice of suffixes is the form's

        def attempt(case: Case = case) -> str | None:
            return _page_message(_post(client, world, name, case), client)

        failures.append(check(name, case, attempt, before))
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)


# -- the command line --------------------------------------------------------------------------------


def _command(world: dict[str, Any], name: str, path: Path) -> list[list[str]]:
    survey = str(world["survey"].pk)
    form = str(world["folder"] / "form" / "form.xlsx")
    return {
        "results": [
            ["import-results", str(path), "--index", "fuzz", "--year", "2024", "--framework", "fuzz-2024"]
        ],
        "frameworks": [["frameworks", "import", str(path)], ["frameworks", "validate", str(path)]],
        "indices": [["indices", "import", str(path)]],
        "xlsform": [["survey", "import-form", str(path)]],
        "responses": [
            ["survey", "import-responses", survey, str(path)],
            ["survey", "estimate", "--form", form, "--responses", str(path)],
        ],
    }.get(name, [])


@pytest.mark.parametrize("name", ["results", "frameworks", "indices", "xlsform", "responses"])
def test_commands_refuse_the_corpus_cleanly(world, name, capsys):
    """Exit status 1 and a message: no traceback, whatever the file."""
    from chiso.cli.main import main

    before = counts()
    failures = []
    for case in IMPORTERS[name].cases():
        path = write(world, case)
        for argv in _command(world, name, path):

            def attempt(argv: list[str] = argv) -> str | None:
                code: Any
                try:
                    code = main(argv)
                except SystemExit as exc:  # the survey commands exit with their message
                    code, text = 1, str(exc.code)
                else:
                    text = ""
                _out, err = capsys.readouterr()
                if code == 0:
                    return None
                return text + err

            # `survey estimate` reads files without the database: a column's size is not its concern.
            failures.append(check(name, case, attempt, before, expect="estimate" not in argv))
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)


def test_the_demo_kobo_file_appended_to_itself(tmp_path):
    """The demo's Kobo export appended to itself made polars panic (a BaseException) out of Django."""
    from chiso.data import data_path
    from chiso.surveys.responses import ResponseImportError, read_responses
    from chiso.surveys.sipas import sipas_form

    demo = data_path("demo", "sipas-2025-kobo-demo.csv").read_bytes()
    path = tmp_path / "double.csv"
    path.write_bytes(demo + demo)
    with pytest.raises(ResponseImportError, match="Dòng 398: lặp lại dòng tiêu đề"):
        read_responses(path, sipas_form(), resolve_unit=lambda text: (text, text))
    # Without the second header the rows are duplicates, and one answer is out of scale twice
    # (the rows polars once panicked on): a report, not a crash.
    lines = demo.split(b"\r\n")
    path.write_bytes(demo + b"\r\n".join(lines[1:]))
    imported = read_responses(path, sipas_form(), resolve_unit=lambda text: (text, text), valid_only=True)
    assert imported.report.duplicates and imported.report.invalid_rows == 1

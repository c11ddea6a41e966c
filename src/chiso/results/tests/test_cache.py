"""Published analyses are computed once per result-set version and never served stale
(`chiso.results.cache`)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from unittest import mock

import pytest

from chiso.core import changelog, generation
from chiso.results import cache
from chiso.results import services as result_services
from chiso.results.models import Dataset, ResultSet
from chiso.results.services import ResultSetData, UnitRow, analyse, stored_values, write_result_set
from chiso.units.models import Block, Unit

pytestmark = pytest.mark.django_db

RANKING = "/ket-qua/papi/2021/"
NINH_THUAN = "58"


@pytest.fixture
def builds():
    """How many result sets were read from the database to build analyses."""
    with mock.patch.object(result_services, "results_of", wraps=result_services.results_of) as spy:
        yield spy


@pytest.fixture
def committed(monkeypatch, django_capture_on_commit_callbacks):
    """As in production, where each change is committed before the next request: the writes made
    `with committed():` run their on-commit work at its end, and analyses built afterwards are kept
    (inside a test everything is one transaction, never committed)."""
    monkeypatch.setattr(generation, "pending", lambda: False)
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def no_page_cache(settings):
    """The analyses themselves, under the public pages kept as HTML (`chiso.core.pagecache`),
    which would answer the repeated request without building anything: off for these tests."""
    settings.CHISO_PAGE_CACHE = False


def _fix_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A generation that never changes during the test — and is this test's own: the shared cache
    lives in the data folder, which the SQLite and the PostgreSQL passes share, and a constant would
    let one pass find the other's entries under the same key (the same ids in both databases)."""
    own = f"fixed-{uuid.uuid4().hex}"
    monkeypatch.setattr(cache, "generation", lambda: own)


@pytest.mark.usefixtures("no_page_cache")
def test_the_second_request_does_not_rebuild(client, builds, django_assert_max_num_queries):
    first = client.get(RANKING)
    assert first.status_code == 200 and builds.call_count == 2  # 2021 and 2020
    with django_assert_max_num_queries(5):
        second = client.get(RANKING)
    assert builds.call_count == 2
    assert second.context["rows"] == first.context["rows"]
    # the profile and the analysis pages of the same year use the same analysis
    assert client.get(f"{RANKING}{NINH_THUAN}/").status_code == 200
    assert client.get(f"/ke-hoach/phan-tich/papi/2021/{NINH_THUAN}/").status_code == 200
    assert builds.call_count == 2


@pytest.mark.usefixtures("no_page_cache")
def test_another_worker_builds_it_from_the_shared_cache(client, builds):
    first = client.get(RANKING)
    cache._in_process.clear()  # another process of the server: only the shared cache is common
    before = cache.stats["shared"]
    second = client.get(RANKING)
    assert builds.call_count == 2 and cache.stats["shared"] == before + 1
    assert second.context["rows"] == first.context["rows"]


def test_the_languages_share_one_analysis(client, builds):
    assert "<h1>Ninh Thuận</h1>" in client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    client.cookies["django_language"] = "en"
    assert "<h1>Ninh Thuan</h1>" in client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    assert builds.call_count == 2


def _republish(total: Decimal) -> ResultSet:
    """A new version of PAPI 2021 where Ninh Thuận's total is `total`, published."""
    published = (
        ResultSet.objects.published().select_related("framework", "index").get(index__code="papi", year=2021)
    )
    raw, groups, _ranks, _means = stored_values(published)
    root = published.framework.to_engine().root.code
    rows = []
    for ref, values in raw.items():
        unit = Unit.objects.get(level=ref.level, code=ref.code, valid_from=ref.valid_from).to_engine()
        if ref.code == NINH_THUAN:
            values = {root: total}
        rows.append(UnitRow(unit=unit, values=values, published_group=groups.get(ref, "")))
    dataset = Dataset.objects.create(code="papi-2021-corrected", title="PAPI 2021 (corrected)")
    data = ResultSetData(index=published.index, year=2021, framework=published.framework, rows=rows)
    return write_result_set(data, dataset, replace=True, publish=True)


@pytest.mark.parametrize("mode", ["in one transaction", "committed", "by the result set alone"])
def test_a_new_published_version_changes_the_page(
    client, monkeypatch, django_capture_on_commit_callbacks, settings, mode
):
    if mode != "in one transaction":
        monkeypatch.setattr(generation, "pending", lambda: False)
    if mode == "by the result set alone":  # even a generation that never changes: the key moves
        _fix_generation(monkeypatch)  # (of the analyses: the pages kept as HTML follow the generation)
        settings.CHISO_PAGE_CACHE = False
    page = client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    assert "43,83" in page
    client.get(RANKING)
    with django_capture_on_commit_callbacks(execute=mode == "committed"):
        new = _republish(Decimal("71.2345"))
    assert new.version == 2 and new.status == ResultSet.Status.PUBLISHED
    page = client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    assert "71,23" in page and "43,83" not in page
    assert "71,23" in client.get(RANKING).content.decode()
    assert analyse(new.index, 2021).current.value(_ninh_thuan(), "total") == Decimal("71.2345")


def _ninh_thuan_row() -> Unit:
    """Ninh Thuận as it was in 2021 (merged into Khánh Hòa in 2025)."""
    found = Unit.objects.filter(level="province", code=NINH_THUAN).order_by("valid_from").first()
    assert found is not None
    return found


def _ninh_thuan():
    return _ninh_thuan_row().to_engine().ref


def test_a_renamed_unit_changes_the_page(client, committed):
    assert "<h1>Ninh Thuận</h1>" in client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    unit = _ninh_thuan_row()
    unit.name = "Ninh Thuận (tên mới)"
    with committed():
        unit.save()
    assert "Ninh Thuận (tên mới)" in client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    assert "Ninh Thuận (tên mới)" in client.get(RANKING).content.decode()


def test_a_change_of_method_rebuilds(client, builds, committed):
    client.get(RANKING)
    result_set = ResultSet.objects.published().get(index__code="papi", year=2021)
    result_set.method = {**result_set.method, "note": "recomputed"}
    with committed():
        result_set.save(update_fields=["method"])
    client.get(RANKING)
    assert builds.call_count == 4


@pytest.mark.usefixtures("no_page_cache")
def test_a_framework_changed_behind_the_services_back_is_a_new_key(client, builds, committed, monkeypatch):
    """Even an SQL update (no signal, no generation) changes the key: the framework's content is in it."""
    _fix_generation(monkeypatch)
    client.get(RANKING)
    client.get(RANKING)
    assert builds.call_count == 2  # a key of its own: never found in the shared cache
    built = builds.call_count
    from chiso.frameworks.models import Framework

    row = ResultSet.objects.published().get(index__code="papi", year=2021).framework
    Framework.objects.filter(pk=row.pk).update(definition={**row.definition, "source": "changed"})
    assert client.get(RANKING).status_code == 200
    assert builds.call_count == built + 2  # 2021 and 2020 are on the same framework


def test_bulk_writes_renew_the_generation(committed):
    before = cache.generation()
    with committed():
        blocks = Block.objects.bulk_create([Block(code="khoi-thu", name="Khối thử")])
    assert cache.generation() == before  # bulk_create sends no signal …
    with committed():
        changelog.log_created(blocks)  # … the change log's entry for it does
    assert cache.generation() != before


def test_a_save_outside_a_transaction_renews_at_once(monkeypatch):
    monkeypatch.setattr(type(generation.connection), "in_atomic_block", False, raising=False)
    before = cache.generation()
    cache.bump()
    assert cache.generation() != before


def test_nothing_is_kept_while_changes_are_uncommitted(builds):
    index = ResultSet.objects.published().get(index__code="papi", year=2021).index
    analyse(index, 2021)
    analyse(index, 2021)
    assert builds.call_count == 2  # kept: nothing uncommitted yet
    unit = _ninh_thuan_row()
    unit.save()  # an uncommitted change of a unit (rolled back at the end of the test)
    assert generation.pending()
    analyse(index, 2021)
    analyse(index, 2021)
    assert builds.call_count == 6  # built each time, never kept


def test_the_unit_registry_is_kept_until_a_unit_changes(client, committed):
    """The profile and loss pages look their unit up in a registry kept per generation: not
    rebuilt per request, rebuilt after a rename (on both pages)."""
    from chiso.units import registry as unit_registry

    profile = f"{RANKING}{NINH_THUAN}/"
    losses = f"/ke-hoach/phan-tich/papi/2021/{NINH_THUAN}/"
    with mock.patch.object(unit_registry, "registry", wraps=unit_registry.registry) as spy:
        for path in (profile, losses, profile, losses):
            assert client.get(path).status_code == 200
        assert spy.call_count == 1
        unit = _ninh_thuan_row()
        unit.name = "Ninh Thuận (tên mới)"
        with committed():
            unit.save()
        assert "Ninh Thuận (tên mới)" in client.get(profile).content.decode()
        assert "Ninh Thuận (tên mới)" in client.get(losses).content.decode()
        assert spy.call_count == 2

"""Reports built once per test session (they read the built-in published data only)."""

import pytest


@pytest.fixture(scope="session")
def built(django_db_setup, django_db_blocker):
    """build(index, year, unit) → Report, cached."""
    from chiso.frameworks.services import find_index
    from chiso.reports.data import build_report

    cache = {}

    def build(index: str, year: int, unit: str):
        key = (index, year, unit)
        if key not in cache:
            with django_db_blocker.unblock():
                cache[key] = build_report(find_index(index), year, unit)
        return cache[key]

    return build


@pytest.fixture(scope="session")
def nt2021(built):
    return built("papi", 2021, "Ninh Thuận")


@pytest.fixture(scope="session")
def kh2024(built):
    return built("papi", 2024, "Khánh Hòa")

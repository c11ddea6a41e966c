"""The officer's fixtures (departments, a user for every role, a cycle), shared with the dashboard's tests."""

from chiso.administration.tests.conftest import (  # noqa: F401
    cycle,
    departments,
    framework,
    media,
    officer_client,
    people,
)

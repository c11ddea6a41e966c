from chiso.surveys.tests.conftest import (  # noqa: F401 - fixtures
    cycle,
    departments,
    form_file,
    people,
    responses_file,
    survey,
)

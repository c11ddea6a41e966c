"""Every model change has its migration: a field's choices or label changed without one would be
applied to no database."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, verbosity=1)
    except SystemExit as exit_:
        pytest.fail("missing migrations (run makemigrations):\n" + out.getvalue() + str(exit_))

"""A result table keeps the cleaned name of its file, in the preview and in its dataset (issue 10,
attack 9). Django's upload handling already drops non-printable characters from the names of
uploaded files; chiso cleans them again (`clean_file_name`), so this guards that both stay so."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.frameworks.models import Index
from chiso.results.models import Dataset
from chiso.results.tests.test_tables import PAR_2023, media, officer, save  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_a_table_is_previewed_and_saved_under_its_clean_name(officer):  # noqa: F811
    data = {
        "index": Index.objects.get(code="par_index").pk,
        "year": 2023,
        "file": SimpleUploadedFile("bang\u202evsc.csv", PAR_2023.encode()),
        "publisher": "Bộ Nội vụ",
        "document": "Quyết định 268/QĐ-BNV",
    }
    preview = officer.post("/dieu-hanh/bang-ket-qua/", data)
    assert preview.status_code == 200 and "\u202e" not in preview.text
    assert "bangvsc.csv" in preview.text
    save(officer, preview)
    assert Dataset.objects.filter(imported_file="bangvsc.csv").exists()

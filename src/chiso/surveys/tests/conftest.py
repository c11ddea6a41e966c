"""A small department survey: a three-question form, two departments, a cycle and its people."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from openpyxl import Workbook

from chiso.assessments.tests.conftest import cycle, departments, people  # noqa: F401 - fixtures
from chiso.surveys import services
from chiso.surveys.responses import write_csv

SCALE = ["1", "2", "3", "4", "5"]


def make_form(folder: Path) -> Path:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "survey"
    sheet.append(["type", "name", "label", "required", "chiso_factor", "chiso_role"])
    for row in (
        ["text", "don_vi", "Đơn vị", "yes", "", "unit"],
        ["select_one rtype", "loai", "Loại người trả lời", "", "", "respondent_type"],
        ["select_one sat", "q1", "Tiếp cận dễ dàng", "yes", "F1", ""],
        ["select_one sat", "q2", "Chỗ ngồi đủ", "", "F1", ""],
        ["select_one sat", "q3", "Công chức tận tình", "", "F3", ""],
    ):
        sheet.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for code in SCALE:
        choices.append(["sat", code, f"Mức {code}"])
    choices.append(["rtype", "citizen", "Người dân"])
    choices.append(["rtype", "organisation", "Tổ chức"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "chiso_respondent_types", "chiso_unit_level"])
    settings.append(["sipas_so", "Khảo sát hài lòng các sở", "citizen organisation", "department"])
    factors = book.create_sheet("chiso_factors")
    factors.append(["code", "name_vi", "name_en"])
    factors.append(["F1", "Tiếp cận dịch vụ", "Access"])
    factors.append(["F3", "Công chức", "Civil servants"])
    path = folder / "form.xlsx"
    book.save(path)
    return path


def make_rows(units: dict[str, float], per_unit: int = 40, seed: int = 7, prefix: str = "s") -> list[dict]:
    """Responses for each unit name; the number is the chance of a satisfied answer."""
    rng = random.Random(seed)
    rows = []
    for name, chance in units.items():
        for i in range(per_unit):
            answers = {
                q: rng.choice("45") if rng.random() < chance else rng.choice("123")
                for q in ("q1", "q2", "q3")
            }
            rows.append(
                {
                    "_uuid": f"{prefix}-{name}-{i}",
                    "don_vi": name,
                    "loai": "citizen" if i % 3 else "organisation",
                    **answers,
                }
            )
    return rows


def write(rows: list[dict], path: Path) -> Path:
    write_csv(rows, path)
    return path


@pytest.fixture
def form_file(tmp_path):
    return make_form(tmp_path)


@pytest.fixture
def survey(db, form_file, departments, settings, tmp_path):  # noqa: F811 - fixture
    settings.MEDIA_ROOT = tmp_path / "media"
    questionnaire = services.import_questionnaire(form_file)
    return services.create_survey(questionnaire, "Hài lòng các sở 2025", 2025, "department")


@pytest.fixture
def responses_file(tmp_path, departments):  # noqa: F811 - fixture
    rows = make_rows({"Sở Tư pháp": 0.9, "QN.SYT": 0.5})
    return write(rows, tmp_path / "responses.csv")

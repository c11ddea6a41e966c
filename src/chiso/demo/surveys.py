"""The demo surveys: the shipped SIPAS questionnaire, an empty 2025 survey waiting for the officer
to import the synthetic sample file, and a 2024 survey imported, estimated and published."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from chiso.demo import survey_file
from chiso.surveys import services as surveys
from chiso.surveys.models import Survey

SURVEY_TITLES = {
    2025: "Khảo sát SIPAS các sở, ban, ngành năm 2025",
    2024: "Khảo sát SIPAS các sở, ban, ngành năm 2024",
}


def create_surveys(officer: User) -> None:
    """The SIPAS questionnaire; 2025 waits for the officer's import, 2024 is imported and estimated."""
    questionnaire = surveys.sipas_questionnaire(officer)
    if not Survey.objects.filter(title=SURVEY_TITLES[2025], year=2025).exists():
        surveys.create_survey(questionnaire, SURVEY_TITLES[2025], 2025, "department", officer)
    if Survey.objects.filter(title=SURVEY_TITLES[2024], year=2024).exists():
        return
    last_year = surveys.create_survey(questionnaire, SURVEY_TITLES[2024], 2024, "department", officer)
    rows = survey_file.to_csv(survey_file.responses(2024, bad_rows=False))
    surveys.import_responses(last_year, ContentFile(rows, name="sipas-2024-kobo-demo.csv"), user=officer)
    surveys.estimate(last_year, officer)
    last_year.status, last_year.published = Survey.Status.CLOSED, True
    last_year.save(update_fields=["status", "published"])

"""Survey services: questionnaires, response imports, paper forms, estimation and the link to a cycle.

Views and the ``chiso survey`` commands call these functions; each change runs in one transaction,
so a failed import or link writes nothing. One module per step: `questionnaires` (forms and survey
rounds), `collection` (imports and paper forms), `answers` (where the responses are kept: a Parquet file per import), `estimation`, `ranking` (with confidence
intervals) and `linking` (into an assessment cycle); `common` holds the errors and checks.
"""

from chiso.surveys.services.answers import ResponseCounts, unit_sizes
from chiso.surveys.services.answers import answers as responses
from chiso.surveys.services.answers import counts as response_counts
from chiso.surveys.services.collection import add_paper_response, check_responses, import_responses
from chiso.surveys.services.common import (
    ALL_TYPES,
    BATCH_SIZE,
    RESPONSE_SUFFIXES,
    NotAllowed,
    SurveyError,
    sha256,
)
from chiso.surveys.services.estimation import estimate, response_frame, survey_method
from chiso.surveys.services.linking import LinkReport, link_to_cycle, survey_criteria
from chiso.surveys.services.questionnaires import create_survey, import_questionnaire, sipas_questionnaire
from chiso.surveys.services.ranking import INDISTINGUISHABLE_RULE, RankRow, overlaps, ranking, to_percent

__all__ = [
    "ALL_TYPES",
    "BATCH_SIZE",
    "INDISTINGUISHABLE_RULE",
    "RESPONSE_SUFFIXES",
    "LinkReport",
    "NotAllowed",
    "RankRow",
    "ResponseCounts",
    "SurveyError",
    "add_paper_response",
    "check_responses",
    "create_survey",
    "estimate",
    "import_questionnaire",
    "import_responses",
    "link_to_cycle",
    "overlaps",
    "ranking",
    "response_counts",
    "response_frame",
    "responses",
    "sha256",
    "sipas_questionnaire",
    "survey_criteria",
    "survey_method",
    "to_percent",
    "unit_sizes",
]

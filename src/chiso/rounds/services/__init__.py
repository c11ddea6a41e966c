"""The analysis-report round: its only entrance for the views, the command line and the jobs.

- `access`: who manages a round, which requests an agency sees, the units a round may ask.
- `rounds`: creating, editing the criteria, sending; the agencies' answers, evidence, submission.
- `status`: received / late / missing, reminders, the synthesis into plan items.
- `export`, `word`: the synthesis as Excel and as Word.
"""

from chiso.rounds.services.access import (
    RECIPIENT_LEVELS,
    RoundError,
    has_head,
    is_head,
    managed_rounds,
    may_manage,
    organisers_managed,
    own_requests,
    recipients,
    require_manager,
)
from chiso.rounds.services.export import export_xlsx, state_label
from chiso.rounds.services.rounds import (
    Criterion,
    can_edit,
    create_round,
    criteria_text,
    default_criteria,
    frameworks_of,
    parse_criteria,
    return_to_staff,
    save_answer,
    send_round,
    set_criteria,
    submit,
)
from chiso.rounds.services.status import (
    LATE,
    MISSING,
    ON_TIME,
    WAITING,
    Choice,
    Reminded,
    RoundStatus,
    StatusRow,
    close_round,
    plan_of,
    remind,
    round_status,
    state_of,
    submitted_answers,
    synthesise,
)
from chiso.rounds.services.word import export_docx

__all__ = [
    "LATE",
    "MISSING",
    "ON_TIME",
    "RECIPIENT_LEVELS",
    "WAITING",
    "Choice",
    "Criterion",
    "Reminded",
    "RoundError",
    "RoundStatus",
    "StatusRow",
    "can_edit",
    "close_round",
    "create_round",
    "criteria_text",
    "default_criteria",
    "export_docx",
    "export_xlsx",
    "frameworks_of",
    "has_head",
    "is_head",
    "managed_rounds",
    "may_manage",
    "organisers_managed",
    "own_requests",
    "parse_criteria",
    "plan_of",
    "recipients",
    "remind",
    "require_manager",
    "return_to_staff",
    "round_status",
    "save_answer",
    "send_round",
    "set_criteria",
    "state_label",
    "state_of",
    "submit",
    "submitted_answers",
    "synthesise",
]

"""The plan pages: proposals from a result, plans with items, tasks, reports and commitments,
responsibilities, and the leaders' dashboard. The analysis of results (points lost, what-if, rank
targets) is in `chiso.results.views.analysis`."""

from chiso.plans.views.commitments import (
    commitment_document,
    commitment_scan,
    commitment_scan_file,
    scorecard,
)
from chiso.plans.views.leaders import escalate_now, leaders
from chiso.plans.views.plans import (
    item_add,
    item_status,
    plan_detail,
    plan_list,
    plan_settings,
    report_add,
    report_file,
    sign,
    task_add,
    task_status,
)
from chiso.plans.views.proposals import propose
from chiso.plans.views.responsibilities import responsibilities, responsibilities_import
from chiso.plans.views.units import unit_search

__all__ = [
    "commitment_document",
    "commitment_scan",
    "commitment_scan_file",
    "escalate_now",
    "item_add",
    "item_status",
    "leaders",
    "plan_detail",
    "plan_list",
    "plan_settings",
    "propose",
    "report_add",
    "report_file",
    "responsibilities",
    "responsibilities_import",
    "scorecard",
    "sign",
    "task_add",
    "task_status",
    "unit_search",
]

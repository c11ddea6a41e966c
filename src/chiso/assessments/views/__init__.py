"""The assessment cycle on the web: work lists, a unit's assessment along the criteria tree (self
score, evidence, appraisal, explanation), the audit log, and a cycle's results.

Every change goes through `workflow` (which checks the permission table and writes the audit log);
every page first checks `permissions.allowed(user, VIEW, …)` and answers 404 otherwise, so that
staff of one unit cannot even learn that another unit's draft exists.

One module per part of the cycle: `worklist` (what to do now, a cycle's units), `assessment` (one
unit's page and the frame of the per-criterion posts), `criteria` (self score, appraisal,
explanation), `evidence`, `transitions`, `bulk` (a whole cycle's points from one file), `audit`, `results` and `published` (the public pages);
`page` builds the assessment page and `common` holds what they all share.
"""

from chiso.assessments.views.assessment import assessment
from chiso.assessments.views.audit import audit, criterion_audit
from chiso.assessments.views.bulk import import_scores
from chiso.assessments.views.criteria import appraise, explain, preview, save_self
from chiso.assessments.views.evidence import download_evidence, remove_evidence, upload
from chiso.assessments.views.published import published, published_export, published_list, published_unit
from chiso.assessments.views.results import export, publish, results, results_unit
from chiso.assessments.views.transitions import transition
from chiso.assessments.views.worklist import cycle, home

__all__ = [
    "appraise",
    "assessment",
    "audit",
    "criterion_audit",
    "cycle",
    "download_evidence",
    "explain",
    "export",
    "home",
    "import_scores",
    "preview",
    "publish",
    "published",
    "published_export",
    "published_list",
    "published_unit",
    "remove_evidence",
    "results",
    "results_unit",
    "save_self",
    "transition",
    "upload",
]

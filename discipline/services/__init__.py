"""Every write to the discipline ledger, one module per subject (agency settings,
catalogue, inspections, violations, decisions, dossiers, apologies, checklists,
feedback, commitments), every public function re-exported here: `from discipline import services`.

Each function is keyword-only, runs in one transaction, checks the actor's permission
inside (`PermissionDenied`), validates before writing and raises `ValidationError` with
a dict naming the offending field, saving nothing on error. `by` is the acting user and
is recorded as the history user; `by=None` is a trusted system caller (commands,
imports, tests) where the function allows it. Nobody records, contests for someone else,
decides or excuses their own record.
"""

from .apologies import apology_record
from .catalogue import (
    CATALOGUE_FIELDS,
    catalogue_item_create,
    catalogue_item_revise,
    catalogue_item_validate,
)
from .checklists import inspection_check
from .commitments import commitment_sign, commitments_issue_year
from .decisions import discipline_decide
from .dossiers import (
    dossier_count_record,
    dossier_excuse,
    dossier_record,
    dossier_settle,
)
from .feedback import complaint_decide, complaint_record, suggestion_record, survey_record
from .inspections import inspection_close, inspection_head_errors, inspection_plan, inspection_start
from .intake import dossier_counts_receive, dossiers_receive  # API (issue 14)
from .plans import inspection_plan_line_add, inspection_year_plan_issue
from .policy import discipline_policy_set
from .violations import (
    finding_record,
    violation_annul_on_appeal,
    violation_contest,
    violation_decide,
    violation_record,
)

__all__ = [
    "CATALOGUE_FIELDS",
    "apology_record",
    "catalogue_item_create",
    "catalogue_item_revise",
    "catalogue_item_validate",
    "commitment_sign",
    "commitments_issue_year",
    "complaint_decide",
    "complaint_record",
    "discipline_decide",
    "discipline_policy_set",
    "dossier_count_record",
    "dossier_excuse",
    "dossier_record",
    "dossier_settle",
    "dossier_counts_receive",
    "dossiers_receive",
    "finding_record",
    "inspection_check",
    "inspection_close",
    "inspection_head_errors",
    "inspection_plan",
    "inspection_plan_line_add",
    "inspection_start",
    "inspection_year_plan_issue",
    "suggestion_record",
    "survey_record",
    "violation_annul_on_appeal",
    "violation_contest",
    "violation_decide",
    "violation_record",
]

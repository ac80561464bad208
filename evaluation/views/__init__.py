"""Pages of the monthly cycle: the employee's month and results, the head's scoring
screen, the agency leader's overview, the completeness board, the HR officer's periods,
the quarter results and the HR officer's quarterly income list.

One module per page family, every view re-exported here for the URLs. Views are
thin: every record named in a URL goes through one `_get_*_for_user` helper
(404 when it belongs to an agency the user has nothing to do with, 403 when it is in
their agency but outside their scope); every write is a call to `evaluation.services`,
which checks permission and state again. Reads for whole units run a constant number of
queries whatever the unit's size.
"""

from .appeals import appeal_decide
from .inbox import notifications_read
from .month import appeal_file, my_month, my_results, result_detail, work_evidence
from .overview import completeness, overview, period_action, units_action
from .paper import (
    issued_document,
    job_file,
    person_form,
    sheets_job,
    signed_upload,
    unit_form,
    unit_form_sign,
)
from .periods import period_list, period_open, period_reopen, reopening
from .quarters import income_list, income_pdf, income_xlsx, quarter_results
from .scoring import (
    score_add,
    score_bulk,
    score_preview,
    score_save,
    scoring_current,
    scoring_page,
    unit_submit,
)
from .sources import source_override

__all__ = [
    "issued_document",
    "job_file",
    "sheets_job",
    "person_form",
    "signed_upload",
    "unit_form",
    "unit_form_sign",
    "appeal_decide",
    "appeal_file",
    "completeness",
    "income_list",
    "income_pdf",
    "income_xlsx",
    "my_month",
    "my_results",
    "notifications_read",
    "overview",
    "period_action",
    "period_list",
    "period_open",
    "period_reopen",
    "quarter_results",
    "reopening",
    "result_detail",
    "score_add",
    "score_bulk",
    "score_preview",
    "score_save",
    "scoring_current",
    "scoring_page",
    "source_override",
    "unit_submit",
    "units_action",
    "work_evidence",
]

"""Every write to evaluation data: keyword-only `<entity>_<verb>` functions, atomic.

One module per subject (rule sets, periods, self-assessment, scores, approval, appeals,
inbox), every public function re-exported here: callers write
`from evaluation import services; services.period_open(...)`.
"""

# --- the service contract --------------------------------------------------------------
#
# Every function of the monthly cycle is keyword-only, atomic, checks `by`'s rights inside
# with `hrsystem.permissions` (PermissionDenied otherwise), locks the row it changes
# (select_for_update), records `by` as the history user, and raises ValidationError
# with a dict naming the field, saving nothing, on bad input. Nobody acts on their own
# record; a locked period changes only through `period_reopen`. Writes to one
# evaluation carry the `revision` the form was rendered with: a stale one raises
# `ConflictError` and changes nothing.

from .appeals import appeal_decide, appeal_decider, appeal_file
from .approval import period_sign_off, unit_approve, unit_return, unit_submit
from .common import ConflictError
from .imports import work_item_source_override, work_items_receive  # API (issue 14)
from .inbox import notifications_mark_read
from .paper import (
    document_issue,
    document_sign,
    document_upload_signed,
    signing_certificate_upload,
    trusted_certificate_add,
    year_document_issue,
)
from .periods import (
    period_advance,
    period_bounds,
    period_lock,
    period_open,
    period_publish,
    period_reopen,
)
from .reopening import reopening_open, reopening_publish
from .rule_sets import rule_set_lock, rule_set_new_version
from .scores import (
    bonus_add,
    delay_certify,
    evaluation_score,
    evaluation_score_row,
    evaluations_bulk_approve,
    evaluations_bulk_return,
    work_item_add_ad_hoc,
)
from .self_assessment import (
    self_assessment_record,
    self_assessment_save,
    self_assessment_submit,
    work_item_declare,
)

__all__ = [
    "document_issue",
    "document_sign",
    "year_document_issue",
    "document_upload_signed",
    "signing_certificate_upload",
    "trusted_certificate_add",
    "ConflictError",
    "appeal_decide",
    "appeal_decider",
    "appeal_file",
    "bonus_add",
    "delay_certify",
    "evaluation_score",
    "evaluation_score_row",
    "evaluations_bulk_approve",
    "evaluations_bulk_return",
    "notifications_mark_read",
    "period_advance",
    "period_bounds",
    "period_lock",
    "period_open",
    "period_publish",
    "period_reopen",
    "period_sign_off",
    "reopening_open",
    "reopening_publish",
    "rule_set_lock",
    "rule_set_new_version",
    "self_assessment_record",
    "self_assessment_save",
    "self_assessment_submit",
    "unit_approve",
    "unit_return",
    "unit_submit",
    "work_item_add_ad_hoc",
    "work_item_declare",
    "work_item_source_override",
    "work_items_receive",
]

"""Every write to the organisation model: keyword-only `<entity>_<verb>` functions, atomic.

One module per subject (agencies and the unit tree, the catalogue of positions, tasks and
work products, people, posts and delegations, roles), every public function re-exported
here: callers write `from hrsystem import services; services.unit_create(...)`.
"""

# --- the service contract --------------------------------------------------------------
#
# Each function is keyword-only, runs in one transaction, validates before writing and
# raises `ValidationError` with a dict naming the offending field, saving nothing on
# error. `by` is the user acting: when given, their permission is checked inside
# (`PermissionDenied` otherwise) and they are recorded as the history user; `by=None` is
# a trusted system caller (commands, imports, tests). History is never rewritten: moves
# end a row and start a new one.

from .catalogue import (
    WORK_PRODUCT_FIELDS,
    job_position_create,
    job_position_update,
    quota_group_create,
    quota_group_update,
    standard_task_create,
    standard_task_update,
    standard_task_validate,
    work_product_create,
    work_product_update,
    work_product_validate,
)
from .jobs import JobKind, job_kind, job_start
from .organisation import (
    organisation_create,
    organisation_update,
    unit_create,
    unit_create_many,
    unit_move,
    unit_update,
    unit_validate,
)
from .people import (
    employee_create,
    employee_create_many,
    employee_leave,
    employee_transfer,
    employee_transfer_validate,
    employee_update,
    employee_validate,
)
from .posts import (
    deputy_delegate,
    deputy_delegation_end,
    deputy_delegation_validate,
    post_assign,
    post_assign_many,
    post_end,
    post_term_set,
    post_validate,
)
from .qualifications import (
    qualification_record,
    qualification_record_many,
    qualification_update,
)
from .roles import (
    role_grant,
    role_grant_delete,
    role_grant_validate,
    role_revoke,
)
from .sync import people_receive, posts_receive, units_receive

__all__ = [
    "JobKind",
    "WORK_PRODUCT_FIELDS",
    "deputy_delegate",
    "deputy_delegation_end",
    "deputy_delegation_validate",
    "employee_create",
    "employee_create_many",
    "employee_leave",
    "employee_transfer",
    "employee_transfer_validate",
    "employee_update",
    "employee_validate",
    "job_kind",
    "job_position_create",
    "job_position_update",
    "job_start",
    "organisation_create",
    "organisation_update",
    "people_receive",
    "post_assign",
    "post_assign_many",
    "post_end",
    "post_term_set",
    "posts_receive",
    "post_validate",
    "qualification_record",
    "qualification_record_many",
    "qualification_update",
    "quota_group_create",
    "quota_group_update",
    "role_grant",
    "role_grant_delete",
    "role_grant_validate",
    "role_revoke",
    "standard_task_create",
    "standard_task_update",
    "standard_task_validate",
    "unit_create",
    "unit_create_many",
    "unit_move",
    "units_receive",
    "unit_update",
    "unit_validate",
    "work_product_create",
    "work_product_update",
    "work_product_validate",
]

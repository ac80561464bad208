"""Pages of the discipline ledger: inspections and findings, violations and contests,
discipline decisions, the one-stop desk, complaints, suggestions, surveys, commitments
and the dashboards.

Views are thin. Every record named in a URL goes through one `_get_*_for_user` helper
(404 when it belongs to an agency the user has nothing to do with, 403 when it is in their
agency but outside their scope); every form's choices are limited to the person's scope;
every write is a call to `discipline.services`, which checks permission and state again.
List pages run a constant number of queries whatever their length.
"""

from .commitments import commitment_board
from .decisions import decision_detail, decision_list, decision_record
from .desk import (
    count_import,
    desk,
    dossier_detail,
    dossier_record,
    timeliness,
    timeliness_pdf,
    timeliness_xlsx,
)
from .feedback import complaint_detail, complaint_list, suggestion_list, survey_dashboard
from .inspections import (
    inspection_checklist,
    inspection_detail,
    inspection_list,
    inspection_plan,
    inspection_report_pdf,
    year_plan_detail,
    year_plans,
)
from .people import people_search
from .reports import report_dashboard, report_xlsx
from .violations import (
    conduct_record,
    contested_list,
    my_violations,
    violation_detail,
    violation_evidence,
    violation_list,
)

__all__ = [
    "commitment_board",
    "complaint_detail",
    "complaint_list",
    "conduct_record",
    "contested_list",
    "count_import",
    "decision_detail",
    "decision_list",
    "decision_record",
    "desk",
    "dossier_detail",
    "dossier_record",
    "inspection_checklist",
    "inspection_detail",
    "inspection_list",
    "inspection_plan",
    "inspection_report_pdf",
    "my_violations",
    "people_search",
    "report_dashboard",
    "report_xlsx",
    "suggestion_list",
    "survey_dashboard",
    "timeliness",
    "timeliness_pdf",
    "timeliness_xlsx",
    "violation_detail",
    "year_plan_detail",
    "year_plans",
    "violation_evidence",
    "violation_list",
]

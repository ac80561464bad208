"""Every write of the year: keyword-only functions, atomic, `by` checked inside.

`inputs`: the annual inputs the HR officer records and edits (with a reason);
`rollup`: the agency's annual roll-up through the engine.
"""

from .inputs import (
    annual_input_update,
    corruption_case_record,
    degradation_record,
    initiative_record,
    maternity_record,
)
from .rollup import RollupRefused, rollup_check, rollup_year

__all__ = [
    "RollupRefused",
    "annual_input_update",
    "corruption_case_record",
    "degradation_record",
    "initiative_record",
    "maternity_record",
    "rollup_check",
    "rollup_year",
]

"""Every write of the year: keyword-only functions, atomic, `by` checked inside.

`inputs`: the annual inputs the HR officer records and edits (with a reason);
`rollup`: the agency's annual roll-up through the engine;
`procedure`: self-evaluation, the unit's meeting and confidence vote, the superior's
rating, the appeal; `board`: emulation registrations and the board's review.
"""

from .inputs import (
    annual_input_update,
    corruption_case_record,
    degradation_record,
    initiative_record,
    maternity_record,
    transferred_months_record,
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
    "transferred_months_record",
]

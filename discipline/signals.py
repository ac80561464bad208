"""What the ledger tells the rest of the product, sent by the services inside their
transaction once the write is done. `discipline` never imports `evaluation`: the monthly
cycle listens (its inbox tells the people concerned).

Each signal's only argument is `violation`, the row as just saved.
"""

from django.dispatch import Signal

violation_recorded = Signal()
"""A violation was recorded against a person or a unit (a finding or conduct breach)."""

contest_decided = Signal()
"""A contested violation was upheld or annulled, with the decider's reason."""

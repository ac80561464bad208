"""Checks on uploaded evidence (size and real content type, never the name alone) and
where it is stored."""

import uuid
from pathlib import PurePath

from django.conf import settings

from hrsystem import clock
from hrsystem.uploads import check_scan

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
"""Default largest evidence file; `settings.DISCIPLINE_EVIDENCE_MAX_BYTES` overrides it."""


def evidence_max_bytes() -> int:
    return getattr(settings, "DISCIPLINE_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES)


def validate_evidence(upload) -> None:
    """Refuse a file larger than the limit, or whose content is not JPEG, PNG or PDF, or
    whose name ends in an ending that does not match its content (an .exe renamed .pdf)."""
    check_scan(upload, limit=evidence_max_bytes())


def evidence_path(instance, filename: str) -> str:
    """Storage name of an evidence file: a random name under the month's folder, keeping only
    the (already checked) ending, so no uploaded name reaches the file system."""
    ending = PurePath(filename).suffix.lower()
    today = clock.today()
    return f"discipline/evidence/{today:%Y/%m}/{uuid.uuid4().hex}{ending}"

"""Checks on uploaded evidence (size and real content type, never the name alone) and
where it is stored."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hrsystem import clock

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
"""Default largest evidence file; `settings.DISCIPLINE_EVIDENCE_MAX_BYTES` overrides it."""

SIGNATURES = {
    "jpeg": (b"\xff\xd8\xff", {".jpg", ".jpeg"}),
    "png": (b"\x89PNG\r\n\x1a\n", {".png"}),
    "pdf": (b"%PDF-", {".pdf"}),
}
"""Accepted kinds: the leading bytes of the content and the file-name endings allowed."""


def sniff(head: bytes) -> str | None:
    """The accepted kind whose signature starts `head`, or None."""
    for kind, (magic, _endings) in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


def evidence_max_bytes() -> int:
    return getattr(settings, "DISCIPLINE_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES)


def validate_evidence(upload) -> None:
    """Refuse a file larger than the limit, or whose content is not JPEG, PNG or PDF, or
    whose name ends in an ending that does not match its content (an .exe renamed .pdf)."""
    limit = evidence_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("Tệp minh chứng quá lớn (%(size)s); dung lượng tối đa là %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="evidence_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    kind = sniff(head)
    name = (upload.name or "").lower()
    if kind is None or not any(name.endswith(ending) for ending in SIGNATURES[kind][1]):
        raise ValidationError(
            _(
                "Tệp minh chứng “%(name)s” không phải ảnh JPEG, PNG hoặc tệp PDF hợp lệ: "
                "hãy chụp ảnh hoặc quét văn bản và tải lại."
            )
            % {"name": upload.name},
            code="evidence_type",
        )


def evidence_path(instance, filename: str) -> str:
    """Storage name of an evidence file: a random name under the month's folder, keeping only
    the (already checked) ending, so no uploaded name reaches the file system."""
    ending = PurePath(filename).suffix.lower()
    today = clock.today()
    return f"discipline/evidence/{today:%Y/%m}/{uuid.uuid4().hex}{ending}"

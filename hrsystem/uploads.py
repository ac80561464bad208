"""Checks on uploaded scans (size and real content type, never the name alone) and where
they are stored: files live under MEDIA_ROOT, which no URL serves; each is sent by a view
that first checks who may see the record it belongs to."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hrsystem import clock

SCAN_MAX_BYTES = 5 * 1024 * 1024
"""Default largest scan; `settings.SCAN_MAX_BYTES` overrides it."""

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


def check_scan(upload, *, limit: int) -> None:
    """Refuse a file larger than `limit` bytes, or whose content is not JPEG, PNG or PDF,
    or whose name ends in an ending that does not match its content (an .exe renamed .pdf)."""
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


def validate_scan(upload) -> None:
    """`check_scan` with the configured limit (the model field's validator)."""
    check_scan(upload, limit=getattr(settings, "SCAN_MAX_BYTES", SCAN_MAX_BYTES))


def qualification_scan_path(instance, filename: str) -> str:
    """Storage name of a qualification's scan: a random name, keeping only the (already
    checked) ending, so no uploaded name reaches the file system."""
    ending = PurePath(filename).suffix.lower()
    return f"qualifications/{clock.today():%Y}/{uuid.uuid4().hex}{ending}"

"""Digital signatures of issued forms (pyHanko): seal the agency's PKCS#12 at rest, sign
a PDF with it, and judge a PDF signed outside the app.

The PKCS#12 archive and its passphrase are encrypted with Fernet under a key derived
from SECRET_KEY (changing SECRET_KEY means uploading the certificate again). A PDF
signed outside the app is accepted when: its last signature is cryptographically
intact and valid, covers the whole file, chains to a trusted certificate (the agency's
own or a certificate authority the administrator trusted), and the file is an
incremental update of a PDF the app issued (its first `size` bytes hash to the
archived SHA-256), so nothing of the issued content changed.

pyHanko is imported when a signature is made or checked, not when the app starts.
"""

import asyncio
import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hrsystem import clock

SIGNATURE_FIELD = "ChuKySoCoQuan"
MAX_PDF_BYTES = 20 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"evaluation.paper.signing:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def unseal(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as error:
        raise ValidationError(
            _(
                "Không giải mã được chứng thư số đã lưu (khoá bí mật của hệ thống đã đổi): "
                "tải lên lại chứng thư."
            )
        ) from error


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    serial_number: str
    fingerprint: str
    valid_from: datetime
    valid_until: datetime


def facts(certificate: x509.Certificate) -> CertificateFacts:
    return CertificateFacts(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial_number=format(certificate.serial_number, "x"),
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        valid_from=certificate.not_valid_before_utc,
        valid_until=certificate.not_valid_after_utc,
    )


def read_pkcs12(data: bytes, passphrase: str) -> CertificateFacts:
    """The signer certificate's facts; ValidationError naming the field when the file is
    not a PKCS#12 archive, the passphrase is wrong, or it holds no key or certificate."""
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(
            data, passphrase.encode() if passphrase else None
        )
    except ValueError as error:
        raise ValidationError(
            {
                "file": _(
                    "Không đọc được tệp PKCS#12: sai mật khẩu hoặc tệp không đúng định dạng "
                    "(.p12, .pfx)."
                )
            }
        ) from error
    if key is None or certificate is None:
        raise ValidationError({"file": _("Tệp PKCS#12 phải chứa cả khoá bí mật và chứng thư số.")})
    found = facts(certificate)
    if found.valid_until <= clock.now():
        raise ValidationError({"file": _("Chứng thư số đã hết hiệu lực.")})
    return found


def read_certificate(data: bytes) -> tuple[bytes, CertificateFacts]:
    """A certificate given as PEM or DER: (its DER bytes, its facts)."""
    try:
        certificate = (
            x509.load_pem_x509_certificate(data)
            if data.lstrip().startswith(b"-----BEGIN")
            else x509.load_der_x509_certificate(data)
        )
    except ValueError as error:
        raise ValidationError({"file": _("Tệp không phải chứng thư số (PEM hoặc DER).")}) from error
    return certificate.public_bytes(serialization.Encoding.DER), facts(certificate)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _outside_event_loop(work):
    """`work()`, run in a worker thread when this thread already runs an asyncio event
    loop (pyHanko's blocking calls start their own with `asyncio.run`, which refuses to
    nest: an ASGI server, or a browser driver in the same process)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign(pdf: bytes, *, pkcs12_data: bytes, passphrase: str, reason: str, location: str) -> bytes:
    """`pdf` signed (an incremental update) with the key and chain of the PKCS#12 archive."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12_data(
        pkcs12_data, other_certs=[], passphrase=passphrase.encode() if passphrase else None
    )
    if signer is None:
        raise ValidationError(_("Không nạp được chứng thư số của cơ quan để ký."))
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = _outside_event_loop(
        lambda: signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(
                field_name=SIGNATURE_FIELD, reason=reason, location=location
            ),
            signer=signer,
        )
    )
    return output.getvalue()


def trust_roots(pkcs12_archives: list[tuple[bytes, str]], ders: list[bytes]) -> list:
    """The certificates a signer must chain to: every agency certificate with its chain,
    and the trusted authorities, as pyHanko wants them."""
    roots = [asn1_x509.Certificate.load(der) for der in ders]
    for data, passphrase in pkcs12_archives:
        _key, certificate, chain = pkcs12.load_key_and_certificates(
            data, passphrase.encode() if passphrase else None
        )
        roots.extend(_asn1(c) for c in [certificate, *(chain or [])])
    return roots


@dataclass(frozen=True)
class Verdict:
    signer: str
    signed_at: datetime | None


def verify(data: bytes, roots: list) -> Verdict:
    """Judge the last signature of `data`; ValidationError with a message a person reads
    when the file is not a signed PDF, was changed after signing, does not cover the
    whole file, or was signed by a certificate that does not chain to `roots`."""
    from pyhanko.pdf_utils.misc import PdfError as HankoPdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if len(data) > MAX_PDF_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn (tối đa 20 MB).")})
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except (HankoPdfError, ValueError, KeyError, TypeError) as error:
        raise ValidationError({"file": _("Tệp không phải PDF hợp lệ.")}) from error
    if not embedded:
        raise ValidationError({"file": _("Tệp PDF chưa có chữ ký số.")})
    signature = embedded[-1]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except (HankoPdfError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            {"file": _("Chữ ký số không hợp lệ: tệp đã bị sửa đổi hoặc hỏng.")}
        ) from error
    if not (status.intact and status.valid):
        raise ValidationError(
            {"file": _("Chữ ký số không hợp lệ: nội dung tệp đã bị sửa đổi sau khi ký.")}
        )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise ValidationError(
            {
                "file": _(
                    "Chữ ký số không bao trùm toàn bộ văn bản: có nội dung được thêm sau khi ký."
                )
            }
        )
    signer = status.signing_cert.subject.human_friendly
    if not status.trusted:
        raise ValidationError(
            {
                "file": _(
                    "Người ký không được tin cậy: chứng thư “%(signer)s” không thuộc cơ quan hay "
                    "tổ chức chứng thực được tin cậy."
                )
                % {"signer": signer}
            }
        )
    return Verdict(signer=signer, signed_at=status.signer_reported_dt)

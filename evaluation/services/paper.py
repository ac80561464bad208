"""Issuing and signing the forms: the agency's certificate, an issued unit summary or
year's list or annex, its signature in the app, and a copy signed outside the app
uploaded back (issue 13)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation import models
from evaluation.annual.board_models import AnnualReview, YearState
from evaluation.models import IssuedDocument, PeriodState, SigningCertificate, TrustedCertificate
from evaluation.paper import annual, documents, signing
from hrsystem import clock, permissions
from hrsystem.service_checks import require, save

from .common import _fail

ISSUABLE = (PeriodState.PUBLISHED, PeriodState.LOCKED)


@transaction.atomic
def signing_certificate_upload(
    *, organisation, name: str, data: bytes, passphrase: str, by
) -> SigningCertificate:
    """Keep `data` (a PKCS#12 archive) as the agency's signing certificate, sealed; the
    one in use before it is retired. Refused for an expired certificate."""
    require(permissions.can_manage_org(by, organisation))
    found = signing.read_pkcs12(data, passphrase)
    for retired in SigningCertificate.objects.select_for_update().filter(
        organisation=organisation, is_active=True
    ):
        retired.is_active = False
        save(retired, by, update_fields=["is_active"])
    certificate = SigningCertificate(
        organisation=organisation,
        name=name.strip() or found.subject,
        sealed_pkcs12=signing.seal(data),
        sealed_passphrase=signing.seal(passphrase.encode()),
        subject=found.subject,
        issuer=found.issuer,
        serial_number=found.serial_number,
        fingerprint=found.fingerprint,
        valid_from=found.valid_from,
        valid_until=found.valid_until,
        uploaded_by=by,
    )
    save(certificate, by)
    return certificate


@transaction.atomic
def trusted_certificate_add(*, organisation, name: str, data: bytes, by) -> TrustedCertificate:
    """Trust the certificate authority in `data` (PEM or DER) for forms signed outside."""
    require(permissions.can_manage_org(by, organisation))
    der, found = signing.read_certificate(data)
    trusted = TrustedCertificate(
        organisation=organisation,
        name=name.strip() or found.subject,
        der=der,
        subject=found.subject,
        valid_until=found.valid_until,
    )
    save(trusted, by)
    return trusted


@transaction.atomic
def document_issue(*, period: models.Period, unit, by) -> IssuedDocument:
    """The unit's summary list of a published period as issued: rendered once, its bytes
    and SHA-256 archived; issuing again returns the archived one unchanged."""
    require(permissions.can_manage_org(by, period.organisation))
    if period.state not in ISSUABLE:
        _fail("period", _("Chỉ phát hành biểu mẫu của kỳ đã công bố."))
    if unit.organisation_id != period.organisation_id:
        _fail("unit", _("Đơn vị không thuộc cơ quan của kỳ đánh giá."))
    document_id = documents.unit_document_id(period, unit)
    existing = (
        IssuedDocument.objects.select_for_update(of=("self",))
        .filter(document_id=document_id)
        .first()
    )
    if existing is not None:
        return existing
    pdf = documents.unit_summary_pdf(documents.unit_summary(period, unit))
    document = IssuedDocument(
        organisation=period.organisation,
        period=period,
        unit=unit,
        document_id=document_id,
        pdf=pdf,
        sha256=signing.sha256(pdf),
        size=len(pdf),
        issued_by=by,
    )
    save(document, by)
    return document


YEAR_DOCUMENTS = {
    "list": (annual.list_document_id, annual.rating_list, annual.rating_list_pdf),
    "annex": (annual.annex_document_id, annual.annex, annual.annex_pdf),
}
"""A year's document kind → (its number, its content, its PDF)."""


@transaction.atomic
def year_document_issue(*, organisation, year: int, kind: str, by) -> IssuedDocument:
    """The agency's rating list (`kind` "list") or emulation annex ("annex") of a year
    the board has published, as issued: rendered once, its bytes and SHA-256 archived;
    issuing again returns the archived one unchanged."""
    require(permissions.can_manage_org(by, organisation))
    if kind not in YEAR_DOCUMENTS:
        _fail("kind", _("Không có loại văn bản này."))
    if not AnnualReview.objects.filter(
        organisation=organisation, year=year, state=YearState.PUBLISHED
    ).exists():
        _fail("year", _("Chỉ phát hành văn bản của năm đã công bố kết quả."))
    number, content, render = YEAR_DOCUMENTS[kind]
    document_id = number(organisation, year)
    existing = (
        IssuedDocument.objects.select_for_update(of=("self",))
        .filter(document_id=document_id)
        .first()
    )
    if existing is not None:
        return existing
    pdf = render(content(organisation, year))
    document = IssuedDocument(
        organisation=organisation,
        year=year,
        document_id=document_id,
        pdf=pdf,
        sha256=signing.sha256(pdf),
        size=len(pdf),
        issued_by=by,
    )
    save(document, by)
    return document


def _active_certificate(organisation) -> SigningCertificate:
    certificate = SigningCertificate.objects.filter(
        organisation=organisation, is_active=True
    ).first()
    if certificate is None:
        _fail(
            "certificate", _("Cơ quan chưa có chứng thư số: quản trị viên cần tải lên tệp PKCS#12.")
        )
    if not certificate.valid_from <= clock.now() <= certificate.valid_until:
        _fail("certificate", _("Chứng thư số của cơ quan không còn hiệu lực."))
    return certificate


@transaction.atomic
def document_sign(*, document: IssuedDocument, by) -> IssuedDocument:
    """Sign the issued PDF with the agency's certificate and archive the signed copy."""
    document = IssuedDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    require(permissions.can_manage_org(by, document.organisation))
    if document.is_signed:
        _fail("document", _("Văn bản đã được ký số."))
    certificate = _active_certificate(document.organisation)
    signed = signing.sign(
        bytes(document.pdf),
        pkcs12_data=signing.unseal(certificate.sealed_pkcs12),
        passphrase=signing.unseal(certificate.sealed_passphrase).decode(),
        reason=_("Ký số biểu mẫu %(number)s") % {"number": document.document_id},
        location=document.organisation.name,
    )
    document.signed_pdf = signed
    document.signed_sha256 = signing.sha256(signed)
    document.signer = certificate.subject
    document.signed_externally = False
    document.signed_by = by
    document.signed_at = clock.now()
    save(document, by)
    return document


def _roots(organisation) -> list:
    archives = [
        (signing.unseal(c.sealed_pkcs12), signing.unseal(c.sealed_passphrase).decode())
        for c in SigningCertificate.objects.filter(organisation=organisation)
    ]
    ders = [
        bytes(der)
        for der in TrustedCertificate.objects.filter(organisation=organisation).values_list(
            "der", flat=True
        )
    ]
    return signing.trust_roots(archives, ders)


def _issued_prefix_of(data: bytes, organisation) -> IssuedDocument | None:
    """The issued document `data` extends unchanged (same first bytes), if any."""
    candidates = IssuedDocument.objects.filter(
        organisation=organisation, size__lt=len(data)
    ).values_list("pk", "size", "sha256")
    for pk, size, digest in candidates:
        if signing.sha256(data[:size]) == digest:
            return IssuedDocument.objects.get(pk=pk)
    return None


@transaction.atomic
def document_upload_signed(*, organisation, data: bytes, by) -> IssuedDocument:
    """Archive a copy of an issued form signed outside the app, once verified: the
    signature is valid, covers the whole file, chains to a trusted certificate, and the
    file is the issued document with only the signature added."""
    require(permissions.can_manage_org(by, organisation))
    verdict = signing.verify(data, _roots(organisation))
    document = _issued_prefix_of(data, organisation)
    if document is None:
        raise ValidationError(
            {
                "file": _(
                    "Văn bản không phải do hệ thống phát hành, hoặc nội dung đã bị thay đổi "
                    "trước khi ký."
                )
            }
        )
    document = IssuedDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    document.signed_pdf = data
    document.signed_sha256 = signing.sha256(data)
    document.signer = verdict.signer
    document.signed_externally = True
    document.signed_by = by
    document.signed_at = clock.now()
    save(document, by)
    return document

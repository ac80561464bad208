"""Signing issued forms with the agency's certificate, and taking back a copy signed
outside the app: valid, whole-document, trusted, issued here; tampered or unknown
signers refused (issue 13). Certificates are made in the test: no network, no real CA."""

import asyncio
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from evaluation import services
from evaluation.models import IssuedDocument, PeriodState, SigningCertificate
from evaluation.paper import documents, signing
from tests.evaluation.cycle import cycle_fixture  # noqa: F401 — the `cycle` fixture
from tests.evaluation.test_paper_forms import paper_fixture, publish  # noqa: F401

pytestmark = pytest.mark.django_db
PASSPHRASE = "mật-khẩu"


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND huyện Thử Nghiệm"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_ca(common: str = "CA Thử Nghiệm"):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_signer(ca, common: str, *, days: int = 365):
    ca_key, ca_certificate = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"signer",
        key,
        certificate,
        [ca_certificate],
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    )


def sign_outside(pdf: bytes, p12: bytes) -> bytes:
    """What a person's USB-token tool does: an incremental signature over the file."""
    signer = signers.SimpleSigner.load_pkcs12_data(p12, [], PASSPHRASE.encode())
    return signing._outside_event_loop(
        lambda: signers.sign_pdf(
            IncrementalPdfFileWriter(BytesIO(pdf)),
            signers.PdfSignatureMetadata(field_name="NguoiKy"),
            signer=signer,
        ).getvalue()
    )


@pytest.fixture
def ca():
    return make_ca()


@pytest.fixture
def agency_cert(paper, ca):
    return services.signing_certificate_upload(
        organisation=paper.org,
        name="Chứng thư UBND",
        data=make_signer(ca, "UBND huyện Thử Nghiệm"),
        passphrase=PASSPHRASE,
        by=paper.to_chuc.user,
    )


@pytest.fixture
def issued(paper):
    return services.document_issue(period=paper.period, unit=paper.tc, by=paper.to_chuc.user)


def test_the_key_is_kept_sealed_and_the_admin_shows_subject_and_validity(agency_cert, ca):
    stored = SigningCertificate.objects.get(pk=agency_cert.pk)
    assert b"signer" not in bytes(stored.sealed_pkcs12)
    assert PASSPHRASE.encode() not in bytes(stored.sealed_passphrase)
    assert signing.unseal(stored.sealed_passphrase) == PASSPHRASE.encode()
    assert "UBND huyện Thử Nghiệm" in stored.subject
    assert stored.valid_until > stored.valid_from


def test_a_wrong_passphrase_or_expired_certificate_is_refused(paper, ca):
    with pytest.raises(ValidationError, match="sai mật khẩu"):
        services.signing_certificate_upload(
            organisation=paper.org,
            name="x",
            data=make_signer(ca, "A"),
            passphrase="sai",
            by=paper.to_chuc.user,
        )
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        services.signing_certificate_upload(
            organisation=paper.org,
            name="x",
            data=make_signer(ca, "A", days=-1),
            passphrase=PASSPHRASE,
            by=paper.to_chuc.user,
        )
    assert not SigningCertificate.objects.exists()


def test_only_hr_uploads_a_certificate(paper, ca):
    with pytest.raises(PermissionDenied):
        services.signing_certificate_upload(
            organisation=paper.org,
            name="x",
            data=make_signer(ca, "A"),
            passphrase=PASSPHRASE,
            by=paper.an.user,
        )


def test_issuing_archives_the_pdf_and_its_hash_once(paper, issued):
    again = services.document_issue(period=paper.period, unit=paper.tc, by=paper.to_chuc.user)
    assert again.pk == issued.pk
    assert issued.sha256 == signing.sha256(bytes(issued.pdf))
    assert issued.size == len(bytes(issued.pdf))


def test_only_a_published_month_is_issued(cycle):
    with pytest.raises(ValidationError, match="đã công bố"):
        services.document_issue(period=cycle.period, unit=cycle.tc, by=cycle.to_chuc.user)
    assert not IssuedDocument.objects.exists()


def test_the_agency_signs_an_issued_form_and_the_signature_verifies(paper, agency_cert, issued):
    signed = services.document_sign(document=issued, by=paper.to_chuc.user)
    data = bytes(signed.signed_pdf)
    assert signed.is_signed and signed.signed_sha256 == signing.sha256(data)
    assert data[: issued.size] == bytes(issued.pdf)
    verdict = signing.verify(data, services.paper._roots(paper.org))
    assert "UBND huyện Thử Nghiệm" in verdict.signer
    with pytest.raises(ValidationError, match="đã được ký số"):
        services.document_sign(document=signed, by=paper.to_chuc.user)


def test_signing_and_verifying_work_inside_a_running_event_loop(paper, agency_cert, issued):
    """pyHanko starts its own event loop; a process that already runs one (an ASGI
    server, a browser driver) must still sign and verify."""
    pdf, roots = bytes(issued.pdf), services.paper._roots(paper.org)
    pkcs12_data = signing.unseal(agency_cert.sealed_pkcs12)
    passphrase = signing.unseal(agency_cert.sealed_passphrase).decode()

    async def inside_a_loop():
        data = signing.sign(
            pdf, pkcs12_data=pkcs12_data, passphrase=passphrase, reason="Thử", location="BX"
        )
        return signing.verify(data, roots)

    assert "UBND huyện Thử Nghiệm" in asyncio.run(inside_a_loop()).signer


def test_signing_without_a_certificate_is_refused(paper, issued):
    with pytest.raises(ValidationError, match="chưa có chứng thư số"):
        services.document_sign(document=issued, by=paper.to_chuc.user)
    issued.refresh_from_db()
    assert not issued.is_signed


def test_a_form_signed_outside_by_a_trusted_signer_is_archived(paper, agency_cert, ca, issued):
    data = sign_outside(bytes(issued.pdf), make_signer(ca, "Lê Văn Trường"))
    document = services.document_upload_signed(
        organisation=paper.org, data=data, by=paper.to_chuc.user
    )
    assert document.pk == issued.pk
    assert document.signed_externally and "Lê Văn Trường" in document.signer
    assert document.signed_sha256 == signing.sha256(data)


def test_a_trusted_authority_added_by_hr_vouches_for_outside_signers(paper, issued):
    other = make_ca("CA Công cộng")
    pem = other[1].public_bytes(serialization.Encoding.PEM)
    services.trusted_certificate_add(
        organisation=paper.org, name="CA", data=pem, by=paper.to_chuc.user
    )
    data = sign_outside(bytes(issued.pdf), make_signer(other, "Đặng Thị Bình"))
    document = services.document_upload_signed(
        organisation=paper.org, data=data, by=paper.to_chuc.user
    )
    assert "Đặng Thị Bình" in document.signer


def test_an_unknown_signer_is_refused(paper, agency_cert, issued):
    data = sign_outside(bytes(issued.pdf), make_signer(make_ca("CA Lạ"), "Người Lạ"))
    with pytest.raises(ValidationError, match="không được tin cậy"):
        services.document_upload_signed(organisation=paper.org, data=data, by=paper.to_chuc.user)
    issued.refresh_from_db()
    assert not issued.is_signed


def test_a_file_changed_after_signing_is_refused(paper, agency_cert, ca, issued):
    data = bytearray(sign_outside(bytes(issued.pdf), make_signer(ca, "Lê Văn Trường")))
    position = data.index(b"/MediaBox")
    data[position + 11 : position + 12] = (
        b"9" if data[position + 11 : position + 12] != b"9" else b"8"
    )
    with pytest.raises(ValidationError, match="sửa đổi"):
        services.document_upload_signed(
            organisation=paper.org, data=bytes(data), by=paper.to_chuc.user
        )


def test_content_added_after_the_signature_is_refused(paper, agency_cert, ca, issued):
    signed = sign_outside(bytes(issued.pdf), make_signer(ca, "Lê Văn Trường"))
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.root["/Lang"] = generic.pdf_string("vi")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="không bao trùm toàn bộ"):
        services.document_upload_signed(
            organisation=paper.org, data=out.getvalue(), by=paper.to_chuc.user
        )


def test_a_signed_pdf_the_app_never_issued_is_refused(paper, agency_cert, ca, issued):
    never_issued = documents.unit_summary_pdf(documents.unit_summary(paper.period, paper.nv))
    foreign = sign_outside(never_issued, make_signer(ca, "Lê Văn Trường"))
    with pytest.raises(ValidationError, match="không phải do hệ thống phát hành"):
        services.document_upload_signed(organisation=paper.org, data=foreign, by=paper.to_chuc.user)


def test_an_unsigned_or_broken_file_is_refused(paper, issued):
    with pytest.raises(ValidationError, match="chưa có chữ ký số"):
        services.document_upload_signed(
            organisation=paper.org, data=bytes(issued.pdf), by=paper.to_chuc.user
        )
    with pytest.raises(ValidationError, match="không phải PDF"):
        services.document_upload_signed(
            organisation=paper.org, data=b"not a pdf", by=paper.to_chuc.user
        )


def test_hr_signs_from_the_overview_and_sees_it_signed(paper, agency_cert, client):
    client.force_login(paper.to_chuc.user)
    url = reverse("evaluation:unit_form_sign", args=[paper.period.pk, paper.tc.pk])
    response = client.post(url, {"sign": "1"}, follow=True)
    assert "Đã ký số danh sách" in response.content.decode()
    document = IssuedDocument.objects.get(unit=paper.tc)
    assert document.is_signed
    page = client.get(reverse("evaluation:overview", args=[paper.period.pk])).content.decode()
    assert "Đã ký số" in page and document.document_id in page
    pdf = client.get(reverse("evaluation:issued_document", args=[document.pk, "signed"]))
    assert pdf.content == bytes(document.signed_pdf)


def test_the_upload_page_says_why_a_file_is_refused(paper, agency_cert, issued, client):
    client.force_login(paper.to_chuc.user)
    data = sign_outside(bytes(issued.pdf), make_signer(make_ca("CA Lạ"), "Người Lạ"))
    upload = BytesIO(data)
    upload.name = "da-ky.pdf"
    response = client.post(
        reverse("evaluation:signed_upload", args=[paper.period.pk]), {"file": upload}, follow=True
    )
    assert "không được tin cậy" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("an", 403), ("truong_tc", 403), ("chu_tich", 403)])
def test_only_hr_issues_and_signs(paper, client, who, status):
    client.force_login(getattr(paper, who).user)
    url = reverse("evaluation:unit_form_sign", args=[paper.period.pk, paper.tc.pk])
    assert client.post(url, {"sign": "1"}).status_code == status
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("an", 403), ("truong_tc", 200), ("to_chuc", 200), ("truong_nv", 403)]
)
def test_an_archived_pdf_goes_to_who_may_see_the_units_results(paper, issued, client, who, status):
    client.force_login(getattr(paper, who).user)
    assert (
        client.get(reverse("evaluation:issued_document", args=[issued.pk, "issued"])).status_code
        == status
    )


def test_the_period_must_stay_published_to_issue(paper):
    type(paper.period).objects.filter(pk=paper.period.pk).update(state=PeriodState.SCORING)
    paper.period.refresh_from_db()
    with pytest.raises(ValidationError):
        services.document_issue(period=paper.period, unit=paper.tc, by=paper.to_chuc.user)


def test_a_new_certificate_retires_the_old_one_in_the_history_by_its_uploader(paper, ca):
    first = services.signing_certificate_upload(
        organisation=paper.org,
        name="Cũ",
        data=make_signer(ca, "UBND cũ"),
        passphrase=PASSPHRASE,
        by=paper.to_chuc.user,
    )
    services.signing_certificate_upload(
        organisation=paper.org,
        name="Mới",
        data=make_signer(ca, "UBND mới"),
        passphrase=PASSPHRASE,
        by=paper.admin,
    )
    retired = first.history.order_by("-history_id").first()
    assert (retired.is_active, retired.history_user) == (False, paper.admin)
    assert not hasattr(retired, "sealed_pkcs12")  # the key is never copied to the history

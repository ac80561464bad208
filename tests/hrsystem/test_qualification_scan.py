"""A qualification's scan: uploaded by HR with the record (size and real type checked),
stored under a random name outside any served folder, and sent only to whoever may read
the person's qualifications (HR, the person, the leaders and deputies of their unit)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrsystem import services
from hrsystem.models import Qualification
from tests.discipline.conftest import TODAY, build_agency
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _today_and_media(clock, settings, tmp_path):
    clock.travel_to(TODAY)
    settings.MEDIA_ROOT = tmp_path / "media"


@shared_cast("d")
def d():
    return build_agency()


def _post(client, d, upload):
    client.force_login(d.to_chuc.user)
    return client.post(
        reverse("hrsystem:person_qualifications", args=[d.an.pk]),
        {
            "kind": "professional",
            "level": "dai_hoc",
            "field": "Quản lý đất đai",
            "awarded_on": "2015-06-30",
            "evidence": "QH-2015-001",
            "evidence_file": upload,
        },
    )


def test_hr_uploads_a_scan_and_those_who_may_read_the_record_open_it(client, d):
    assert _post(client, d, SimpleUploadedFile("bang.pdf", PDF)).status_code == 302
    row = Qualification.objects.get()
    assert (
        row.evidence_file.name.startswith("qualifications/")
        and "bang" not in row.evidence_file.name
    )
    url = reverse("hrsystem:qualification_evidence", args=[row.pk])
    for who in ("to_chuc", "an", "pho_tn", "truong_tn"):
        client.force_login(getattr(d, who).user)
        response = client.get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
        assert f"van-bang-{row.pk}.pdf" in response["Content-Disposition"]
    for who, status in (("binh", 403), ("truong_vp", 403), ("khach", 404)):
        client.force_login(getattr(d, who).user)
        assert client.get(url).status_code == status, who
    client.logout()
    assert client.get(url).status_code == 302


def test_a_record_without_a_scan_has_nothing_to_open(client, d):
    row = services.qualification_record(
        employee=d.an,
        kind="general",
        level="thpt",
        awarded_on=date(2010, 6, 1),
        evidence="BTN-1",
        by=d.to_chuc.user,
    )
    client.force_login(d.an.user)
    assert client.get(reverse("hrsystem:qualification_evidence", args=[row.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [("bang.pdf", b"<html>not a pdf</html>"), ("bang.exe", PDF), ("bang.png", PDF)],
)
def test_a_file_that_is_not_a_real_scan_is_refused_with_nothing_saved(client, d, name, content):
    response = _post(client, d, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert "JPEG, PNG hoặc tệp PDF" in response.content.decode()
    assert not Qualification.objects.exists()


def test_a_scan_too_large_is_refused_by_the_service_too(d, settings):
    settings.SCAN_MAX_BYTES = 32
    with pytest.raises(ValidationError) as error:
        services.qualification_record(
            employee=d.an,
            kind="general",
            level="thpt",
            awarded_on=date(2010, 6, 1),
            evidence="BTN-1",
            evidence_file=SimpleUploadedFile("bang.pdf", PDF),
            by=d.to_chuc.user,
        )
    assert "quá lớn" in str(error.value.message_dict["evidence_file"])
    assert not Qualification.objects.exists()

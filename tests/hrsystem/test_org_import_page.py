"""The HR officer imports their agency's organisation in the app (issue 13): templates of
every sheet (xlsx and csv), a dry run that writes nothing, the confirmed import with the
officer and the reason in the history; only the agency's HR officers, only their agency."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrsystem import org_import, services
from hrsystem.models import Role, Unit
from tests.hrsystem.test_org_import import NEW_UNIT, _book

pytestmark = pytest.mark.django_db

URL = reverse("hrsystem:organisation_import")


@pytest.fixture
def hr(client, agency):
    client.force_login(agency.users["lan"])
    return client


def _upload(client, content, name="to-chuc.xlsx", reason="Nhập lần đầu"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), "reason": reason})


def test_the_hr_officer_sees_the_page_and_the_menu_link(hr):
    response = hr.get(URL)
    assert response.status_code == 200
    assert f'href="{URL}" aria-current="page"' in response.content.decode()


@pytest.mark.parametrize("login", ["thu", "hanh", "nobody"])
def test_anyone_else_is_refused(client, agency, login):
    client.force_login(agency.users[login])
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?template=xlsx").status_code == 403


def test_an_hr_officer_of_another_agency_imports_only_into_theirs(client, agency):
    services.role_grant(
        role=Role.HR_OFFICER,
        organisation=agency.other_organisation,
        employee=agency.employees["khach"],
        start=agency.today,
    )
    client.force_login(agency.users["khach"])
    response = _upload(client, _book({"Đơn vị": [NEW_UNIT]}))
    assert response.context["organisation"] == agency.other_organisation
    [problem] = response.context["problems"]
    assert (problem.column, problem.value) == ("Mã đơn vị cấp trên", "UBND")
    assert not Unit.objects.filter(code="KT").exists()


def test_the_workbook_template_holds_every_sheet_and_reimports_unchanged(hr):
    response = hr.get(URL + "?template=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [sheet.title for sheet in org_import.SHEETS]
    preview = _upload(hr, response.content)
    assert preview.context["report"].changes == 0
    assert not preview.context["confirmable"]


@pytest.mark.parametrize("sheet", org_import.SHEETS, ids=lambda s: s.key)
def test_each_sheet_downloads_as_csv_with_its_vietnamese_headers(hr, sheet):
    response = hr.get(URL + f"?template=csv&sheet={sheet.key}")
    first = response.content.decode("utf-8-sig").splitlines()[0]
    assert first == ",".join(sheet.columns.values())


def test_the_dry_run_writes_nothing_then_confirming_imports(hr, agency):
    response = _upload(hr, _book({"Đơn vị": [NEW_UNIT]}))
    assert response.status_code == 200
    assert response.context["confirmable"]
    assert not Unit.objects.filter(code="KT").exists()
    assert hr.post(URL, {"confirm": "1"}).status_code == 302
    record = Unit.objects.get(organisation=agency.organisation, code="KT").history.get()
    assert (record.history_user, record.history_change_reason) == (
        agency.users["lan"],
        "Nhập lần đầu",
    )


def test_a_refused_file_lists_its_cells_with_status_400(hr):
    response = _upload(hr, _book({"Đơn vị": [NEW_UNIT, NEW_UNIT]}))
    assert response.status_code == 400
    assert "Tệp có lỗi: chưa có gì được lưu" in response.content.decode()
    assert not response.context["confirmable"]


def test_a_large_confirmed_file_is_imported_as_a_background_job(hr, agency, monkeypatch):
    from hrsystem import import_jobs
    from hrsystem.models import BackgroundJob, JobState

    monkeypatch.setattr(import_jobs, "LARGE_ROWS", 0)
    assert _upload(hr, _book({"Đơn vị": [NEW_UNIT]})).context["confirmable"]
    response = hr.post(URL, {"confirm": "1"})
    job = BackgroundJob.objects.get(kind=import_jobs.KIND)
    assert response.status_code == 302 and response.url == reverse(
        "hrsystem:job_status", args=[job.pk]
    )
    assert job.state == JobState.DONE and "1 dòng thay đổi" in job.result["message"]
    assert job.done == job.total == 1  # the rows of the file, reported as they are written
    assert "content" not in job.params
    unit = Unit.objects.get(organisation=agency.organisation, code="KT")
    record = unit.history.get()
    assert (record.history_user, record.history_change_reason) == (
        agency.users["lan"],
        "Nhập lần đầu",
    )
    page = hr.get(response.url).content.decode()
    assert "Nhập tổ chức của cơ quan" in page and "1 dòng thay đổi" in page


def test_the_import_job_is_refused_to_someone_who_does_not_keep_the_agency(agency):
    from django.core.exceptions import PermissionDenied

    from hrsystem import import_jobs
    from hrsystem.models import BackgroundJob

    with pytest.raises(PermissionDenied):
        services.job_start(
            kind=import_jobs.KIND,
            by=agency.users["thu"],
            organisation=agency.organisation,
            params={"name": "x.xlsx", "reason": "x", "content": ""},
        )
    assert not BackgroundJob.objects.exists()

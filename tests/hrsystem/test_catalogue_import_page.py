"""The HR officer imports the work-product catalogue in the app, in Vietnamese (issue 17,
defect 12): the template, a dry run (new, changed and unchanged rows), every refused cell
with its spreadsheet row, column, value and what is expected, nothing written on error,
the confirmed import through the services; the agency's HR officers only."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrsystem.models import WorkProduct
from tests.factories import JobPositionFactory, WorkProductFactory
from tests.hrsystem.test_work_product_import import BAO_CAO, HEADERS, THAM_DINH, _xlsx

pytestmark = pytest.mark.django_db

URL = "hrsystem:catalogue_import"


@pytest.fixture
def org(cast):
    JobPositionFactory(organisation=cast.org, code="KT", name="Kế toán viên")
    return cast


@pytest.fixture
def hr(client, org):
    client.force_login(org.to_chuc.user)
    return client


def _upload(client, rows, name="danh-muc.xlsx"):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, _xlsx(rows))})


def test_the_dry_run_says_what_is_new_changed_and_unchanged_and_writes_nothing(org, hr):
    WorkProductFactory(
        organisation=org.org, code="SP02", name="Báo cáo tổng hợp tháng", unit_of_measure="báo cáo"
    )
    kept = WorkProductFactory(organisation=org.org, code="SP09", name="Tiếp dân")
    same = ["UBND-TN", "SP09", kept.name, kept.unit_of_measure, str(kept.norm)]
    same += ["Điểm" if kept.norm_basis == "points" else "Giờ", str(kept.coefficient), ""]
    response = _upload(hr, [THAM_DINH, BAO_CAO, same])
    assert response.status_code == 200
    report = response.context["report"]
    assert [(line.row, line.code, line.kind) for line in report.lines] == [
        (2, "SP01", "new"),
        (3, "SP02", "changed"),
        (4, "SP09", "unchanged"),
    ]
    assert "Xác nhận nhập danh mục" in response.content.decode()
    assert not WorkProduct.objects.filter(code="SP01").exists()


def test_confirming_imports_the_file_checked_through_the_services(org, hr):
    _upload(hr, [THAM_DINH, BAO_CAO])
    response = hr.post(reverse(URL), {"confirm": "1"})
    assert response.status_code == 302
    product = WorkProduct.objects.get(organisation=org.org, code="SP01")
    assert product.norm == Decimal("2.5")
    assert product.history.get().history_user == org.to_chuc.user
    assert hr.post(reverse(URL), {"confirm": "1"}).status_code == 400  # used once


def test_errors_name_the_spreadsheet_row_column_value_and_nothing_is_written(org, hr):
    bad = ["UBND-TN", "SP03", "Tiếp dân", "buổi", "hai"]
    response = _upload(hr, [THAM_DINH, bad])
    assert response.status_code == 400
    (problem,) = response.context["report"].problems
    assert (problem.row, problem.column, problem.value) == (3, "dinh_muc", "hai")
    assert "ví dụ 1,5" in problem.message  # what is expected
    page = response.content.decode()
    assert "Xác nhận nhập danh mục" not in page and "chưa có gì được lưu" in page
    assert hr.post(reverse(URL), {"confirm": "1"}).status_code == 400
    assert not WorkProduct.objects.exists()


def test_rows_of_another_agency_are_refused(org, hr):
    other = ["KHAC", *THAM_DINH[1:]]
    response = _upload(hr, [other])
    assert response.status_code == 400
    assert not WorkProduct.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_name(org, hr):
    response = hr.post(reverse(URL), {"file": SimpleUploadedFile("danh-muc.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in response.content.decode()


def test_the_template_has_the_headings_and_the_catalogue(org, hr):
    import io

    import openpyxl

    WorkProductFactory(organisation=org.org, code="SP07", name="Thẩm tra hồ sơ")
    response = hr.get(reverse(URL), {"template": "1"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == HEADERS
    assert rows[1][1:3] == ("SP07", "Thẩm tra hồ sơ")


def test_only_the_agencys_hr_officer_opens_it_and_finds_it_in_the_menu(org, hr, client):
    assert reverse(URL) in hr.get(reverse("home")).content.decode()
    client.force_login(org.binh.user)
    assert client.get(reverse(URL)).status_code == 403
    assert reverse(URL) not in client.get(reverse("home")).content.decode()


def test_the_admin_numbers_rows_as_the_spreadsheet_does(org, hr):
    bad = ["UBND-TN", "SP03", "Tiếp dân", "buổi", "-2"]
    response = hr.post(
        reverse("admin:hrsystem_workproduct_import"),
        {"format": 0, "resource": 0, "import_file": SimpleUploadedFile("d.xlsx", _xlsx([bad]))},
    )
    page = response.content.decode()
    assert "<td>2</td>" in page and "Dòng 2, cột “dinh_muc”" in page
    assert "<td>1</td>" not in page

"""Importing and exporting the work-product catalogue: all rows or none, errors by row and
column, only into the HR officer's own agency, Vietnamese text intact in Excel."""

import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.urls import reverse
from import_export.formats import base_formats

from hrsystem.models import JobPosition, NormBasis, Role, WorkProduct
from hrsystem.resources import WorkProductResource
from tests.factories import (
    EmployeeFactory,
    JobPositionFactory,
    OrganisationFactory,
    RoleGrantFactory,
    UnitFactory,
    WorkProductFactory,
)

HEADERS = [
    "ma_co_quan",
    "ma_san_pham",
    "ten_san_pham",
    "don_vi_tinh",
    "dinh_muc",
    "tinh_theo",
    "he_so_quy_doi",
    "ma_vi_tri_viec_lam",
    "ho_so_mot_cua",
    "dang_dung",
]
THAM_DINH = ["UBND-TN", "SP01", "Thẩm định hồ sơ đất đai", "hồ sơ", "2,5", "Điểm", "1,5", "CV, KT"]
BAO_CAO = ["UBND-TN", "SP02", "Báo cáo tổng hợp tháng", "báo cáo", "8", "Giờ", "", "CV"]


@pytest.fixture
def org(cast):
    JobPositionFactory(organisation=cast.org, code="KT", name="Kế toán viên")
    return cast


def _import(rows, *, user=None, headers=HEADERS, dry_run=False):
    dataset = tablib.Dataset(*rows, headers=headers[: len(rows[0])])
    return WorkProductResource().import_data(dataset, user=user, dry_run=dry_run)


def _messages(result) -> list[str]:
    return [
        message
        for invalid in result.invalid_rows
        for messages in invalid.error_dict.values()
        for message in messages
    ]


def _ok(result) -> None:
    assert not result.has_errors() and not result.has_validation_errors(), _messages(result)


def _positions(product) -> set[str]:
    return set(product.job_positions.values_list("code", flat=True))


def test_it_adds_the_rows_of_a_good_file_through_the_service(org):
    _ok(_import([THAM_DINH, BAO_CAO], user=org.to_chuc.user))
    tham_dinh = WorkProduct.objects.get(organisation=org.org, code="SP01")
    assert (tham_dinh.name, tham_dinh.unit_of_measure) == ("Thẩm định hồ sơ đất đai", "hồ sơ")
    assert (tham_dinh.norm, tham_dinh.norm_basis) == (Decimal("2.5"), NormBasis.POINTS)
    assert tham_dinh.coefficient == Decimal("1.5") and tham_dinh.active
    assert _positions(tham_dinh) == {"CV", "KT"}
    assert tham_dinh.history.get().history_user == org.to_chuc.user
    bao_cao = WorkProduct.objects.get(organisation=org.org, code="SP02")
    assert (bao_cao.norm_basis, bao_cao.coefficient) == (NormBasis.HOURS, Decimal("1"))
    assert _positions(bao_cao) == {"CV"}


def test_it_reads_only_the_required_columns(org):
    _ok(_import([THAM_DINH[:5]], headers=HEADERS[:5]))
    product = WorkProduct.objects.get()
    assert (product.norm_basis, product.coefficient, _positions(product)) == (
        NormBasis.POINTS,
        Decimal("1"),
        set(),
    )


def test_it_updates_a_product_on_reimport_by_agency_and_code(org):
    _ok(_import([THAM_DINH, BAO_CAO], user=org.to_chuc.user))
    changed = ["UBND-TN", "SP01", "Thẩm định hồ sơ đất đai", "hồ sơ", "3", "Điểm", "2", "KT"]
    _ok(_import([changed, BAO_CAO], user=org.to_chuc.user))
    assert WorkProduct.objects.count() == 2
    product = WorkProduct.objects.get(code="SP01")
    assert (product.norm, product.coefficient, _positions(product)) == (
        Decimal("3"),
        Decimal("2"),
        {"KT"},
    )
    latest, created = product.history.all()[:2]
    assert sorted(latest.diff_against(created).changed_fields) == ["coefficient", "norm"]
    assert (created.norm, latest.history_user) == (Decimal("2.5"), org.to_chuc.user)
    assert WorkProduct.objects.get(code="SP02").history.count() == 1  # unchanged: no history


def test_it_writes_nothing_on_a_dry_run(org):
    _ok(_import([THAM_DINH], dry_run=True))
    assert not WorkProduct.objects.exists()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ["UBND-TN", "SP03", "Tiếp dân", "buổi", "-2", "Điểm", "1"],
            "Dòng 3, cột “dinh_muc”: Định mức phải lớn hơn 0 (đang là -2)",
        ),
        (
            ["UBND-TN", "SP03", "Tiếp dân", "buổi", "2", "Điểm", "-0,5"],
            "Dòng 3, cột “he_so_quy_doi”: Hệ số quy đổi phải lớn hơn 0 (đang là -0.5)",
        ),
        (
            ["UBND-TN", "SP03", "Tiếp dân", "buổi", "abc", "Điểm", "1"],
            "Dòng 3, cột “dinh_muc”: “abc” không phải số",
        ),
        (
            ["UBND-TN", "SP03", "Tiếp dân", "buổi", "2", "Ngày", "1"],
            "Dòng 3, cột “tinh_theo”: “Ngày” không hợp lệ; nhập “Điểm” hoặc “Giờ”",
        ),
        (
            ["UBND-TN", "SP03", "  ", "buổi", "2", "Điểm", "1"],
            "Dòng 3, cột “ten_san_pham”: ô trống",
        ),
        (
            ["UBND-TN", "SP03", "Tiếp dân", "buổi", "2", "Điểm", "1", "CV, XX"],
            "Dòng 3, cột “ma_vi_tri_viec_lam”: không có vị trí việc làm mã “XX”",
        ),
        (
            ["KHONG-CO", "SP03", "Tiếp dân", "buổi", "2", "Điểm", "1"],
            "Dòng 3, cột “ma_co_quan”: không có cơ quan mã “KHONG-CO”",
        ),
        (
            ["UBND-TN", "SP01", "Thẩm định lại", "hồ sơ", "2", "Điểm", "1"],
            "Dòng 3, cột “ma_san_pham”: mã “SP01” đã có ở dòng 2 của tệp",
        ),
    ],
)
def test_it_names_the_row_and_column_of_bad_input_and_saves_nothing(org, row, expected):
    result = _import([THAM_DINH, row], user=org.to_chuc.user)
    assert result.has_validation_errors()
    assert any(expected in message for message in _messages(result)), _messages(result)
    assert not WorkProduct.objects.exists()


def test_it_keeps_the_catalogue_as_it_was_when_a_reimport_has_a_bad_row(org):
    _ok(_import([THAM_DINH]))
    renamed = ["UBND-TN", "SP01", "Tên mới", "hồ sơ", "2,5", "Điểm", "1,5", "CV, KT"]
    result = _import([renamed, ["UBND-TN", "SP02", "", "hồ sơ", "1"]])
    assert result.has_validation_errors()
    assert WorkProduct.objects.get().name == "Thẩm định hồ sơ đất đai"


def test_it_names_missing_columns(org):
    result = _import([["UBND-TN", "SP01", "Tiếp dân"]], headers=HEADERS[:3])
    assert result.has_errors()
    assert "don_vi_tinh, dinh_muc" in str(result.base_errors[0].error)


@pytest.fixture
def other_hr(org):
    """The HR officer of another agency, which has its own CV position."""
    other = OrganisationFactory(code="UBND-KHAC", name="UBND huyện Khác")
    officer = EmployeeFactory(unit=UnitFactory(organisation=other))
    RoleGrantFactory(role=Role.HR_OFFICER, organisation=other, employee=officer)
    JobPositionFactory(organisation=other, code="CV")
    return officer.user


def test_it_refuses_another_agencys_hr_officer_row_by_row(org, other_hr):
    WorkProductFactory(organisation=org.org, code="SP01", name="Thẩm định hồ sơ đất đai")
    own = ["UBND-KHAC", "SP09", "Văn bản đi", "văn bản", "1", "Điểm", "1", "CV"]
    result = _import([own, THAM_DINH, BAO_CAO], user=other_hr)
    messages = _messages(result)
    for row in (3, 4):
        assert any(
            message.startswith(f"Dòng {row}, cột “ma_co_quan”: bạn không quản lý cơ quan mã")
            for message in messages
        ), messages
    assert WorkProduct.objects.get().norm == Decimal("1")  # neither updated nor added
    assert not WorkProduct.objects.filter(organisation__code="UBND-KHAC").exists()
    _ok(_import([own], user=other_hr))
    assert _positions(WorkProduct.objects.get(code="SP09")) == {"CV"}


def test_it_refuses_a_position_of_another_agency(org, other_hr):
    JobPosition.objects.filter(organisation=org.org, code="KT").delete()
    result = _import([THAM_DINH])
    assert (
        "Dòng 2, cột “ma_vi_tri_viec_lam”: không có vị trí việc làm mã “KT”"
        in (_messages(result)[0])
    )


# --- files, the admin, and Excel -----------------------------------------------------


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_exports_a_workbook_excel_reads_with_vietnamese_text_and_reimports_it(org):
    _ok(_import([THAM_DINH, BAO_CAO]))
    data = base_formats.XLSX().export_data(WorkProductResource().export())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][:4] == ("UBND-TN", "SP01", "Thẩm định hồ sơ đất đai", "hồ sơ")
    assert rows[1][5:] == ("Điểm", "1.5", "CV, KT", "Không", "Có")
    assert rows[2][5] == "Giờ"
    dataset = base_formats.XLSX().create_dataset(data)
    _ok(WorkProductResource().import_data(dataset))
    assert WorkProduct.objects.count() == 2
    assert all(p.history.count() == 1 for p in WorkProduct.objects.all())  # nothing changed


@pytest.fixture
def hr(client, org):
    client.force_login(org.to_chuc.user)
    return client


def _admin_import(client, name: str, content: bytes, format_index: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content)
    preview = client.post(
        reverse("admin:hrsystem_workproduct_import"),
        {"format": format_index, "import_file": upload, "resource": 0},
    )
    assert preview.status_code == 200
    return preview


def test_it_imports_a_workbook_from_the_admin_after_a_preview(org, hr):
    preview = _admin_import(hr, "danh-muc.xlsx", _xlsx([THAM_DINH, BAO_CAO]), 0)
    confirm = preview.context["confirm_form"]
    assert not WorkProduct.objects.exists()
    done = hr.post(
        reverse("admin:hrsystem_workproduct_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )
    assert done.status_code == 302
    assert set(WorkProduct.objects.values_list("code", flat=True)) == {"SP01", "SP02"}
    assert WorkProduct.objects.get(code="SP01").history.get().history_user == org.to_chuc.user


def test_it_shows_the_rows_errors_in_the_admin_and_offers_no_confirmation(org, hr):
    bad = ["UBND-TN", "SP03", "Tiếp dân", "buổi", "-2"]
    preview = _admin_import(hr, "danh-muc.xlsx", _xlsx([THAM_DINH, bad]), 0)
    assert "confirm_form" not in preview.context
    assert "Dòng 3, cột “dinh_muc”" in preview.content.decode()


def test_it_exports_csv_from_the_admin_with_a_bom_for_excel(org, hr):
    _ok(_import([THAM_DINH]))
    columns = {f"workproductresource_{name}": "on" for name in WorkProductResource().fields}
    response = hr.post(
        reverse("admin:hrsystem_workproduct_export"), {"format": 1, "resource": 0, **columns}
    )
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    assert "Thẩm định hồ sơ đất đai" in response.content.decode("utf-8-sig")


def test_it_lets_only_hr_officers_open_import_and_export(org, hr, client):
    assert hr.get(reverse("admin:hrsystem_workproduct_import")).status_code == 200
    assert hr.get(reverse("admin:hrsystem_workproduct_export")).status_code == 200
    client.force_login(org.binh.user)
    assert client.get(reverse("admin:hrsystem_workproduct_import")).status_code in (302, 403)
    assert client.get(reverse("admin:hrsystem_workproduct_export")).status_code in (302, 403)


def test_it_saves_the_admin_form_through_the_service(org, hr):
    cv = JobPosition.objects.get(organisation=org.org, code="CV")
    form = {
        "organisation": org.org.pk,
        "code": "SP05",
        "name": "Tiếp công dân",
        "unit_of_measure": "buổi",
        "norm": "-1",
        "norm_basis": "points",
        "coefficient": "1",
        "job_positions": [cv.pk],
        "active": "on",
    }
    refused = hr.post(reverse("admin:hrsystem_workproduct_add"), form)
    assert "norm" in refused.context["adminform"].form.errors
    assert (
        hr.post(reverse("admin:hrsystem_workproduct_add"), {**form, "norm": "4"}).status_code == 302
    )
    product = WorkProduct.objects.get(code="SP05")
    assert _positions(product) == {"CV"}
    change = reverse("admin:hrsystem_workproduct_change", args=[product.pk])
    del form["organisation"]
    assert hr.post(change, {**form, "norm": "5", "job_positions": []}).status_code == 302
    product.refresh_from_db()
    assert (product.norm, _positions(product)) == (Decimal("5"), set())
    assert [h.history_user for h in product.history.all()] == [org.to_chuc.user] * 2


def test_it_explains_a_bad_row_in_english_too(org):
    from django.utils import translation

    with translation.override("en"):
        result = _import([["UBND-TN", "SP03", "Tiếp dân", "buổi", "-2"]])
    assert "The norm must be greater than 0 (it is -2)." in _messages(result)[0]

"""`import_organisation` and `export_organisation` (issue 13): the exported workbook
re-imports with `--dry-run` reporting no change; a refused file exits non-zero with its
row/column messages and writes nothing; `--user` is held to their permissions."""

import pytest
from django.core.management import CommandError, call_command

from hrsystem.models import Unit
from tests.hrsystem.test_org_import import NEW_UNIT, _book

pytestmark = pytest.mark.django_db


def test_an_export_reimported_with_dry_run_reports_no_change(agency, tmp_path, capsys):
    path = tmp_path / "bx.xlsx"
    call_command("export_organisation", str(path), organisation="BX")
    call_command("import_organisation", str(path), organisation="BX", dry_run=True)
    out = capsys.readouterr().out
    assert "Chạy thử: 0 dòng sẽ thay đổi" in out
    assert "Đơn vị: 0 mới, 0 sửa, 5 không đổi" in out


def test_a_file_is_imported_for_a_user_who_keeps_the_agency(agency, tmp_path, capsys):
    path = tmp_path / "moi.xlsx"
    path.write_bytes(_book({"Đơn vị": [NEW_UNIT]}))
    call_command("import_organisation", str(path), organisation="BX", user="lan")
    assert "Đã nhập: 1 dòng thay đổi." in capsys.readouterr().out
    unit = Unit.objects.get(organisation=agency.organisation, code="KT")
    assert unit.history.get().history_user == agency.users["lan"]


def test_a_refused_file_exits_non_zero_with_its_cells_and_writes_nothing(agency, tmp_path, capsys):
    path = tmp_path / "sai.xlsx"
    path.write_bytes(_book({"Đơn vị": [NEW_UNIT, ["KT2", "Phòng X", "KHONG-CO"]]}))
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_organisation", str(path), organisation="BX")
    err = capsys.readouterr().err
    assert "Trang “Đơn vị”, dòng 3, cột “Mã đơn vị cấp trên”, giá trị “KHONG-CO”" in err
    assert not Unit.objects.filter(code="KT").exists()


def test_a_user_of_another_agency_is_refused(agency, tmp_path):
    path = tmp_path / "td.xlsx"
    path.write_bytes(_book({"Đơn vị": [["TD-KT", "Phòng Kinh tế", "TD-VP"]]}))
    with pytest.raises(CommandError, match="không có quyền"):
        call_command("import_organisation", str(path), organisation="TD", user="lan")
    assert not Unit.objects.filter(code="TD-KT").exists()

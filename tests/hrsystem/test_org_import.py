"""An agency's organisation from a workbook and back (issue 13, imports): every sheet
round-trips with no change, each kind of error is refused with its sheet, row, column,
value and what is expected, nothing is written on refusal, and an HR officer imports only
into their own agency; history rows carry the importer and the reason."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrsystem import org_import, services
from hrsystem.models import (
    Employee,
    JobPosition,
    Post,
    Qualification,
    QualificationKind,
    QuotaGroup,
    StandardTask,
    Unit,
)

pytestmark = pytest.mark.django_db


def _book(sheets: dict[str, list[list]]) -> bytes:
    """A workbook whose sheets (by title) hold the given rows under the template's headers."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in org_import.SHEETS:
        if sheet.title in sheets:
            worksheet = workbook.create_sheet(sheet.title)
            worksheet.append(list(sheet.columns.values()))
            for row in sheets[sheet.title]:
                worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _run(org, content, *, by=None, confirm=False, name="to-chuc.xlsx"):
    book = org_import.read(content, name)
    return org_import.organisation_import(
        organisation=org, book=book, by=by, reason="Nhập lần đầu", confirm=confirm
    )


def _counts(report):
    return {title: (new, changed, same) for title, new, changed, same in report.counts()}


NEW_UNIT = ["KT", "Phòng Kinh tế", "UBND"]
NEW_PERSON = ["BX100", "Trịnh Văn Mới", "KT", "VT", "Công chức", "moi@bx.gov.vn", "", "01/01/2026"]


def test_an_export_reimported_changes_nothing_on_any_sheet(agency):
    org = agency.organisation
    QuotaGroup.objects.create(organisation=org, name="Chuyên viên")
    _degree(agency.employees["thu"])
    _degree(agency.employees["thu"], kind=QualificationKind.IT, level="co_ban", evidence="TH-1")
    _degree(agency.employees["khach"], evidence="TD-1")  # another agency's person
    content = org_import.export(org)
    report = _run(org, content)
    assert report.ok, [str(p) for p in report.problems]
    assert report.changes == 0
    counts = _counts(report)
    assert counts["Đơn vị"] == (0, 0, Unit.objects.filter(organisation=org).count())
    assert counts["Vị trí việc làm"] == (0, 0, JobPosition.objects.filter(organisation=org).count())
    tasks = StandardTask.objects.filter(job_position__organisation=org).count()
    assert counts["Nhiệm vụ thường xuyên"] == (0, 0, tasks)
    assert counts["Nhóm chỉ tiêu"] == (0, 0, 1)
    people = Employee.objects.filter(assignments__unit__organisation=org).distinct().count()
    assert counts["Cán bộ"] == (0, 0, people)
    assert counts["Chức vụ"] == (0, 0, Post.objects.filter(unit__organisation=org).count())
    assert counts["Văn bằng, chứng chỉ"] == (0, 0, 2)


def _degree(person, **changes):
    """A professional degree of `person`, as HR would have recorded it."""
    values = {
        "kind": QualificationKind.PROFESSIONAL,
        "level": "dai_hoc",
        "field": "Luật",
        "institution": "Đại học Luật Hà Nội",
        "awarded_on": date(2015, 6, 30),
        "evidence": "QB-015234",
    }
    return Qualification.objects.create(employee=person, **(values | changes))


@pytest.mark.parametrize("sheet", org_import.SHEETS, ids=lambda s: s.key)
def test_each_sheet_as_csv_reimports_with_no_change(agency, sheet):
    QuotaGroup.objects.create(organisation=agency.organisation, name="Chuyên viên")
    _degree(agency.employees["thu"])
    report = _run(
        agency.organisation, org_import.export_csv(agency.organisation, sheet), name="x.csv"
    )
    assert report.ok, [str(p) for p in report.problems]
    assert report.changes == 0
    assert report.lines


def test_the_dry_run_previews_new_and_changed_rows_and_writes_nothing(agency):
    org = agency.organisation
    content = _book(
        {
            "Đơn vị": [NEW_UNIT, ["VP", "Văn phòng UBND", "UBND"]],
            "Cán bộ": [NEW_PERSON],
            "Chức vụ": [["BX100", "KT", "Trưởng", "01/02/2026", ""]],
        }
    )
    report = _run(org, content)
    assert report.ok, [str(p) for p in report.problems]
    assert [(line.sheet, line.row, line.kind) for line in report.lines] == [
        ("Đơn vị", 2, "new"),
        ("Đơn vị", 3, "changed"),
        ("Cán bộ", 2, "new"),
        ("Chức vụ", 2, "new"),
    ]
    assert not Unit.objects.filter(organisation=org, code="KT").exists()
    assert Unit.objects.get(organisation=org, code="VP").name == "Văn phòng HĐND và UBND"
    assert not Employee.objects.filter(code="BX100").exists()


def test_confirming_writes_through_the_services_with_the_user_and_reason(agency):
    org = agency.organisation
    content = _book({"Đơn vị": [NEW_UNIT], "Cán bộ": [NEW_PERSON]})
    hr = agency.users["lan"]
    report = _run(org, content, by=hr, confirm=True)
    assert report.saved
    unit = Unit.objects.get(organisation=org, code="KT")
    assert unit.parent == agency.units["UBND"]
    person = Employee.objects.get(code="BX100")
    record = person.history.get()
    assert (record.history_user, record.history_change_reason) == (hr, "Nhập lần đầu")
    assert unit.history.get().history_change_reason == "Nhập lần đầu"


def test_a_decimal_reads_with_a_comma_or_a_point(agency):
    org = agency.organisation
    content = _book(
        {
            "Nhiệm vụ thường xuyên": [
                ["VT", "Lưu trữ hồ sơ", "hồ sơ", "92,5", "1.5", "Tháng"],
                ["VT", "Sao lục", "bản", "92.5", 2, "Quý"],
            ]
        }
    )
    _run(org, content, confirm=True)
    tasks = StandardTask.objects.filter(job_position__organisation=org, coefficient=92.5)
    assert sorted(tasks.values_list("name", flat=True)) == ["Lưu trữ hồ sơ", "Sao lục"]


def _refused(agency, sheets, **kwargs):
    before = (Unit.objects.count(), Employee.objects.count(), Post.objects.count())
    report = _run(agency.organisation, _book(sheets), confirm=True, **kwargs)
    assert not report.saved
    assert (Unit.objects.count(), Employee.objects.count(), Post.objects.count()) == before
    return [(p.sheet, p.row, p.column, p.value) for p in report.problems], report


def test_an_unknown_unit_code_is_refused_and_nothing_is_written(agency):
    problems, report = _refused(
        agency, {"Đơn vị": [NEW_UNIT], "Cán bộ": [[*NEW_PERSON[:2], "XX", *NEW_PERSON[3:]]]}
    )
    assert problems == [("Cán bộ", 2, "Mã đơn vị", "XX")]
    assert "không có đơn vị mang mã này" in str(report.problems[0])


def test_a_duplicate_row_is_refused_naming_the_first(agency):
    problems, report = _refused(agency, {"Đơn vị": [NEW_UNIT, NEW_UNIT]})
    assert problems == [("Đơn vị", 3, "Mã đơn vị", "KT")]
    assert "dòng 2" in report.problems[0].expected


def test_a_post_overlapping_another_is_refused(agency):
    head_of_vp = ["BX012", "VP", "Trưởng", "01/01/2026", ""]
    problems, report = _refused(agency, {"Chức vụ": [head_of_vp]})
    assert problems == [("Chức vụ", 2, "Từ ngày", "01/01/2026")]
    assert "Nguyễn Thị Hạnh" in report.problems[0].expected


def test_a_bad_number_date_or_choice_names_what_is_expected(agency):
    problems, report = _refused(
        agency,
        {
            "Nhiệm vụ thường xuyên": [["VT", "Lưu trữ", "hồ sơ", "mười", "1", "Tháng"]],
            "Cán bộ": [[*NEW_PERSON[:2], "VP", "VT", "Thợ", "", "", "32/13/2026"]],
        },
    )
    assert problems == [
        ("Nhiệm vụ thường xuyên", 2, "Hệ số quy đổi", "mười"),
        ("Cán bộ", 2, "Loại cán bộ", "Thợ"),
        ("Cán bộ", 2, "Công tác từ ngày", "32/13/2026"),
    ]
    assert "dd/mm/yyyy" in report.problems[2].expected


def test_a_formula_cell_refuses_the_file(agency):
    with pytest.raises(org_import.Refused) as refused:
        org_import.read(
            _book({"Đơn vị": [["KT", '=CONCAT("Phòng"," Kinh tế")', "UBND"]]}), "a.xlsx"
        )
    [problem] = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Đơn vị", 2, "Tên đơn vị")
    assert "công thức" in problem.expected


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"PK\x03\x04 not a workbook", "a.xlsx", "Không đọc được tệp"),
        (b"x" * (org_import.MAX_BYTES + 1), "a.xlsx", "lớn hơn"),
        (b"a,b\n1,2\n", "a.csv", "không khớp cột"),
        (b"", "a.pdf", ".xlsx hoặc .csv"),
    ],
    ids=["damaged", "huge", "unknown-csv", "kind"],
)
def test_a_malformed_or_huge_file_is_refused(content, name, says):
    with pytest.raises(org_import.Refused) as refused:
        org_import.read(content, name)
    assert says in str(refused.value)


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(org_import, "MAX_ROWS", 3)
    content = _book({"Nhóm chỉ tiêu": [["A"], ["B"], ["C"]]})
    with pytest.raises(org_import.Refused, match="quá 3 dòng"):
        org_import.read(content, "a.xlsx")


def test_an_hr_officer_imports_only_into_their_agency(agency):
    content = _book({"Đơn vị": [["TD-KT", "Phòng Kinh tế", "TD-VP"]]})
    with pytest.raises(PermissionDenied):
        _run(agency.other_organisation, content, by=agency.users["lan"], confirm=True)
    assert not Unit.objects.filter(code="TD-KT").exists()


def test_someone_who_does_not_keep_the_agency_cannot_import(agency):
    with pytest.raises(PermissionDenied):
        _run(agency.organisation, _book({"Đơn vị": [NEW_UNIT]}), by=agency.users["thu"])


def test_a_person_transferred_away_is_left_to_their_new_agency(agency):
    org = agency.organisation
    khach_unit = agency.units["TD-VP"]
    position = JobPosition.objects.get(organisation=agency.other_organisation)
    services.employee_transfer(
        employee=agency.employees["anh"],
        unit=khach_unit,
        job_position=position,
        start=agency.today,
    )
    report = _run(org, org_import.export(org))
    assert report.ok and report.changes == 0
    assert "BX013" not in {line.key for line in report.lines}


def test_a_new_persons_bad_email_is_refused_on_its_cell(agency):
    bad = ["BX101", *NEW_PERSON[1:5], "khong-phai-thu", *NEW_PERSON[6:]]
    problems, _report = _refused(agency, {"Đơn vị": [NEW_UNIT], "Cán bộ": [NEW_PERSON, bad]})
    assert problems == [("Cán bộ", 3, "Thư điện tử", "khong-phai-thu")]


def test_creating_many_people_holds_the_services_rules(agency):
    org = agency.organisation
    position = JobPosition.objects.get(organisation=org, code="VT")
    row = {"code": "BX200", "full_name": "Hà Văn Hai", "job_position": position}
    rows = [
        {**row, "unit": agency.units["VP"], "start": agency.today},
        {**row, "code": "BX012", "unit": agency.units["VP"], "start": agency.today},
        {**row, "code": "BX201", "unit": agency.units["TD-VP"], "start": agency.today},
    ]
    with pytest.raises(ValidationError) as refused:
        services.employee_create_many(organisation=org, rows=rows, by=agency.users["lan"])
    assert sorted(refused.value.message_dict) == [
        "rows[1].code",
        "rows[2].job_position",
        "rows[2].unit",
    ]
    assert not Employee.objects.filter(code="BX200").exists()
    with pytest.raises(PermissionDenied):
        services.employee_create_many(organisation=org, rows=rows[:1], by=agency.users["thu"])


def test_two_new_posts_of_the_file_overlapping_each_other_are_refused(agency):
    head = ["BX100", "KT", "Trưởng", "01/01/2026", ""]
    other = [*NEW_PERSON]
    other[0] = "BX101"
    problems, report = _refused(
        agency,
        {
            "Đơn vị": [NEW_UNIT],
            "Cán bộ": [NEW_PERSON, other],
            "Chức vụ": [head, ["BX101", "KT", "Trưởng", "01/06/2026", ""]],
        },
    )
    assert problems == [("Chức vụ", 3, "Từ ngày", "01/06/2026")]
    assert "Trịnh Văn Mới" in report.problems[0].expected


def test_units_created_in_bulk_get_their_tree_paths_parents_first(agency):
    org = agency.organisation
    rows = [["KT-A", "Tổ A", "KT"], NEW_UNIT, ["KT-A1", "Nhóm A1", "KT-A"]]
    report = _run(org, _book({"Đơn vị": rows}), by=agency.users["lan"], confirm=True)
    assert report.saved, [str(p) for p in report.problems]
    made = {u.code: u for u in Unit.objects.filter(code__in=["KT", "KT-A", "KT-A1"])}
    root = agency.units["UBND"]
    assert made["KT-A1"].path == made["KT-A"].path + f"{made['KT-A1'].pk:010d}/"
    chain = [*root.ancestor_ids, root.pk, made["KT"].pk, made["KT-A"].pk]
    assert made["KT-A1"].ancestor_ids == chain
    assert [made[c].depth for c in ("KT", "KT-A", "KT-A1")] == [root.depth + n for n in (1, 2, 3)]


def test_creating_many_units_holds_the_services_rules(agency):
    org = agency.organisation
    rows = [
        {"code": "N1", "name": "Mới", "parent": agency.units["UBND"]},
        {"code": "VP", "name": "Trùng mã", "parent": agency.units["UBND"]},
        {"code": "N2", "name": "Gốc thứ hai", "parent": None},
    ]
    with pytest.raises(ValidationError) as refused:
        services.unit_create_many(organisation=org, rows=rows, by=agency.users["lan"])
    assert sorted(refused.value.message_dict) == ["rows[1].code", "rows[2].parent"]
    assert not Unit.objects.filter(code="N1").exists()
    with pytest.raises(PermissionDenied):
        services.unit_create_many(organisation=org, rows=rows[:1], by=agency.users["thu"])


QUALIFICATION = ["BX012", "Trình độ chuyên môn", "Đại học", "Luật", "ĐH Luật", "30/06/2015", "QB-1"]


def test_qualifications_are_recorded_then_corrected_with_the_user_and_reason(agency):
    org, hr = agency.organisation, agency.users["lan"]
    code = agency.employees["thu"].code
    row = [code, *QUALIFICATION[1:]]
    report = _run(org, _book({"Văn bằng, chứng chỉ": [row]}), by=hr, confirm=True)
    assert report.saved, [str(p) for p in report.problems]
    record = Qualification.objects.get(employee__code=code, evidence="QB-1")
    assert (record.level, record.field, record.recorded_by) == ("dai_hoc", "Luật", hr)
    assert record.history.get().history_change_reason == "Nhập lần đầu"
    corrected = [code, "professional", "sau_dai_hoc", *row[3:]]
    report = _run(org, _book({"Văn bằng, chứng chỉ": [corrected]}), by=hr, confirm=True)
    assert [line.kind for line in report.lines] == ["changed"]
    record.refresh_from_db()
    assert record.level == "sau_dai_hoc" and record.history.count() == 2


@pytest.mark.parametrize(
    ("change", "column", "says"),
    [
        ({2: "Cao cấp"}, "Trình độ", "Sau đại học"),  # a level of another kind
        ({0: "KHONG-CO"}, "Mã cán bộ", "không có cán bộ"),
        ({6: ""}, "Số hiệu văn bằng", "bắt buộc"),
        ({3: ""}, "Chuyên ngành hoặc ngôn ngữ", "chuyên ngành"),
        ({5: "31/12/2999"}, "Ngày cấp", "chưa tới"),
    ],
)
def test_a_bad_qualification_row_names_its_cell_and_nothing_is_written(
    agency, change, column, says
):
    row = [agency.employees["thu"].code, *QUALIFICATION[1:]]
    for index, value in change.items():
        row[index] = value
    report = _run(agency.organisation, _book({"Văn bằng, chứng chỉ": [row]}), confirm=True)
    assert not report.saved
    (problem,) = report.problems
    assert (problem.sheet, problem.row, problem.column) == ("Văn bằng, chứng chỉ", 2, column)
    assert says.casefold() in problem.expected.casefold()
    assert not Qualification.objects.exists()


def test_another_agencys_person_gets_no_qualification_from_this_agencys_file(agency):
    row = [agency.employees["khach"].code, *QUALIFICATION[1:]]
    report = _run(agency.organisation, _book({"Văn bằng, chứng chỉ": [row]}), confirm=True)
    (problem,) = report.problems
    assert problem.column == "Mã cán bộ" and not Qualification.objects.exists()

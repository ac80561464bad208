"""A transferred person's months from their former agency (issue 13): imported from a
spreadsheet by the receiving agency's HR officer (dry run, then all rows or none, each
refusal naming its row, column and value), read-only once recorded, exported in the
shape the import reads, and counted in the year's roll-up as locked months with their
stored level, shown on the person's year page with the source agency."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evaluation.annual import services, transfers
from evaluation.annual.models import AnnualResult, TransferredMonth
from evaluation.models import Evaluation
from hrsystem import services as hr_services
from hrsystem.models import JobPosition
from tests.annual.builders import build_year, set_everyone
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
URL = reverse("annual:transfer_import")


HEADERS = tuple(transfers.COLUMNS.values())


def _book(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def moved(agency):
    """khach moves from Tam Dương to Bình Xuyên's VP on the first of this month; the
    months before are importable, this month is Bình Xuyên's own."""
    arrival = agency.today.replace(day=1)
    hr_services.employee_transfer(
        employee=agency.employees["khach"],
        unit=agency.units["VP"],
        job_position=JobPosition.objects.get(organisation=agency.organisation, code="VT"),
        start=arrival,
    )
    before = arrival - timedelta(days=1)
    agency.year, agency.month, agency.arrival = before.year, before.month, arrival
    return agency


def _row(c, **changes):
    row = {
        "employee": "TD001",
        "year": c.year,
        "month": c.month,
        "source_agency": "UBND huyện Tam Dương",
        "total": "92,5",
        "level": "Tốt",
        "document_number": "15/XN-UBND",
    }
    row |= changes
    return [row[name] for name in transfers.COLUMNS]


def _run(c, rows, *, by=None, confirm=False, name="t.xlsx", content=None):
    read = transfers.read(content or _book(rows), name)
    return transfers.transfer_import(
        organisation=c.organisation,
        rows=read,
        by=by or c.users["lan"],
        reason="Chuyển công tác",
        confirm=confirm,
    )


def test_months_are_previewed_then_imported_read_only_with_the_user_and_reason(moved):
    dry = _run(moved, [_row(moved)])
    assert dry.ok and dry.new == 1 and not TransferredMonth.objects.exists()
    report = _run(moved, [_row(moved)], confirm=True)
    assert report.saved
    month = TransferredMonth.objects.get()
    assert (month.total, month.level, month.source_agency) == (
        Decimal("92.5"),
        "good",
        "UBND huyện Tam Dương",
    )
    record = month.history.get()
    assert (record.history_user, record.history_change_reason) == (
        moved.users["lan"],
        "Chuyển công tác",
    )
    again = _run(moved, [_row(moved)], confirm=True)
    assert again.ok and (again.new, again.unchanged) == (0, 1)
    assert month.history.count() == 1
    changed = _run(moved, [_row(moved, total="99")], confirm=True)
    (problem,) = changed.problems
    assert problem.column == "Tháng" and "chỉ đọc" in problem.expected
    assert TransferredMonth.objects.get().total == Decimal("92.5")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_reimports_with_no_change(moved, kind):
    _run(moved, [_row(moved), _row(moved, month=1, total="", level="")], confirm=True)
    content = transfers.export(moved.organisation, kind)
    report = _run(moved, [], content=content, name=f"x.{kind}")
    assert report.ok, [str(p) for p in report.problems]
    assert (report.new, report.unchanged) == (0, 2)


@pytest.mark.parametrize(
    ("changes", "column", "says"),
    [
        ({"employee": "KHONG"}, "Mã cán bộ", "không có cán bộ"),
        ({"employee": "BX012", "month": 13}, "Tháng", "từ 1 đến 12"),
        ({"total": "100,5"}, "Tổng điểm", "từ 0 đến 100"),
        ({"total": "chín"}, "Tổng điểm", "không phải số"),
        ({"level": "Giỏi"}, "Mức xếp loại", "Không hoàn thành"),
        ({"total": "", "level": "Tốt"}, "Tổng điểm", "phải có tổng điểm"),
        ({"source_agency": ""}, "Cơ quan cũ", "bắt buộc"),
        ({"employee": "TD001", "month": 0}, "Tháng", "từ 1 đến 12"),
    ],
)
def test_each_bad_cell_is_refused_with_its_row_and_column_and_nothing_is_written(
    moved, changes, column, says
):
    report = _run(moved, [_row(moved, month=1), _row(moved, **changes)], confirm=True)
    assert not report.saved
    (problem,) = report.problems
    assert (problem.row, problem.column) == (3, column)
    assert says.casefold() in problem.expected.casefold()
    assert not TransferredMonth.objects.exists()


def test_a_month_worked_here_a_future_month_and_a_duplicate_are_refused(moved):
    arrival = moved.arrival
    rows = [
        _row(moved),
        _row(moved),  # the same person and month twice
        _row(moved, year=arrival.year, month=arrival.month),  # worked here
        _row(moved, year=arrival.year + 1, month=arrival.month),  # not yet
    ]
    problems = _run(moved, rows, confirm=True).problems
    assert [(p.row, p.column) for p in problems] == [(3, "Mã cán bộ"), (4, "Tháng"), (5, "Tháng")]
    assert "dòng 2" in problems[0].expected and "đã công tác" in problems[1].expected
    assert "chưa tới" in problems[2].expected


def test_a_person_of_another_agency_and_a_formula_are_refused(agency):
    agency.year, agency.month = agency.today.year, 1
    report = _run(agency, [_row(agency)], confirm=True)  # khach still works in Tam Dương
    (problem,) = report.problems
    assert problem.column == "Mã cán bộ" and "không công tác" in problem.expected
    with pytest.raises(transfers.Refused) as refused:
        transfers.read(_book([[*_row(agency)[:4], "=90+2", *_row(agency)[5:]]]), "f.xlsx")
    assert refused.value.problems[0].column == "Tổng điểm"
    with pytest.raises(transfers.Refused) as refused:
        transfers.read(_book([], headers=["Mã cán bộ", "Năm"]), "f.xlsx")
    assert {p.column for p in refused.value.problems} == {
        "Tháng",
        "Cơ quan cũ",
        "Số văn bản xác nhận",
    }


def test_only_the_receiving_agencys_hr_imports(moved, client):
    with pytest.raises(PermissionDenied):
        _run(moved, [_row(moved)], by=moved.users["thu"])
    client.force_login(moved.users["thu"])
    assert client.get(URL).status_code == 403
    client.force_login(moved.users["lan"])
    assert client.get(URL).status_code == 200
    assert client.get(URL + "?template=csv").content.decode("utf-8-sig").startswith("Mã cán bộ")


def test_the_page_previews_then_imports(moved, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(moved.users["lan"])
    upload = SimpleUploadedFile("t.xlsx", _book([_row(moved)]))
    preview = client.post(URL, {"file": upload, "reason": "Chuyển công tác"})
    assert preview.status_code == 200 and preview.context["confirmable"]
    assert not TransferredMonth.objects.exists()
    done = client.post(URL, {"confirm": "1"})
    assert done.status_code == 302 and TransferredMonth.objects.count() == 1
    bad = SimpleUploadedFile("t.xlsx", _book([_row(moved, total="200")]))
    refused = client.post(URL, {"file": bad, "reason": "Chuyển công tác"})
    assert refused.status_code == 400 and "Tổng điểm" in refused.content.decode()


@shared_cast("year")
def year_fixture():
    return build_year(months=8)


def test_the_rollup_counts_imported_months_as_locked_months_with_their_level(year, client):
    set_everyone(year, "80")
    early = Evaluation.objects.filter(
        employee=year.a1, period__number__lte=4, period__organisation=year.org
    )
    early.update(joined_late=True, total=None, level="", score_level="")
    TransferredMonth.objects.bulk_create(
        [
            TransferredMonth(
                organisation=year.org,
                employee=year.a1,
                year=year.year,
                month=number,
                source_agency="UBND xã Cũ",
                total=Decimal("95"),
                level="top",
                document_number="7/XN",
                recorded_at="2026-09-01T00:00:00Z",
            )
            for number in range(1, 5)
        ]
    )
    services.rollup_year(year.org, year.year, year.hr)
    result = AnnualResult.objects.get(organisation=year.org, year=year.year, employee=year.a1)
    assert result.months_worked == 8 and result.months_rated == 8
    assert result.score == Decimal("87.50")
    client.force_login(year.hr)
    page = client.get(reverse("annual:person", args=[year.year, year.a1.pk])).content.decode()
    assert "UBND xã Cũ" in page and "Tháng 1/2026" in page

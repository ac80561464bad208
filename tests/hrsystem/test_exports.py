"""The directory as Excel: the people of the page's scope and search, at a constant
number of queries, and the shared writer's cells (numbers, dates, formulas, names)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from hrsystem import exports
from hrsystem.models import BackgroundJob, JobState
from hrsystem.services import job_start
from tests.exports import column, read_export

from .test_views_queries import grow_unit

pytestmark = pytest.mark.django_db


def _export(client, user, **params):
    client.force_login(user)
    return client.get(reverse("hrsystem:directory"), {**params, "export": "xlsx"})


def test_the_directory_export_costs_the_same_at_two_sizes(client, agency):
    client.force_login(agency.users["lan"])
    url = reverse("hrsystem:directory")
    counts = []
    for size in (5, 45):
        grow_unit(agency, "NV", size, prefix="E")
        client.get(url, {"q": "trinh", "export": "xlsx"})
        with CaptureQueriesContext(connection) as captured:
            sheet = read_export(client.get(url, {"q": "trinh", "export": "xlsx"}))
        counts.append(len(captured))
        assert len(sheet.rows) >= size
    assert counts[0] == counts[1]


def test_a_head_exports_only_their_units_people(client, agency):
    hanh = agency.users["hanh"]
    sheet = read_export(_export(client, hanh))
    client.force_login(hanh)
    page = client.get(reverse("hrsystem:directory")).context["page"]
    assert sorted(column(sheet, "Mã cán bộ")) == sorted(e.code for e in page.object_list)
    assert set(column(sheet, "Đơn vị")) == {agency.units["VP"].name}
    assert f"Phạm vi: {agency.units['VP'].name}" in sheet.heading


def test_the_directory_export_keeps_the_search(client, agency):
    sheet = read_export(_export(client, agency.users["quang"], q="pham thi"))
    assert column(sheet, "Họ và tên") == ["Phạm Thị Thu"]
    assert "Bộ lọc: Tìm theo mã hoặc họ tên: pham thi" in sheet.heading
    unit = agency.units["NV"]
    by_unit = read_export(_export(client, agency.users["quang"], unit=unit.pk))
    assert set(column(by_unit, "Đơn vị")) == {unit.name}
    assert any(line.endswith(f"Đơn vị: {unit.name}") for line in by_unit.heading)


def test_the_directory_page_links_its_export_with_the_search(client, agency):
    client.force_login(agency.users["quang"])
    page = client.get(reverse("hrsystem:directory"), {"q": "thu"}).content.decode()
    assert 'href="?q=thu&amp;export=xlsx"' in page


class Row:
    unit = None  # a missing relation: its name reads as an empty cell

    def __init__(self, **values):
        self.__dict__.update(values)


def test_the_writer_keeps_types_and_neutralises_formulas(tmp_path):
    columns = [
        exports.Column("Họ và tên", "name"),
        exports.Column("Điểm", "score"),
        exports.Column("Ngày", "day"),
        exports.Column("Lúc", "at"),
        exports.Column("Đơn vị", "unit.name"),
    ]
    rows = [
        Row(name='=HYPERLINK("x")', score=Decimal("92.5"), day=date(2026, 3, 1), at=None),
        Row(name="Nguyễn Thị Hạnh", score=7, day=None, at=datetime(2026, 3, 2, 8, 30)),
    ]
    book = Workbook(write_only=True)
    exports.write_sheet(book, title="Điểm: 3/2026", columns=columns, rows=rows, heading=["Tiêu đề"])
    response = exports.file_response(book, "diem.xlsx")
    sheet = read_export(response)
    assert sheet.title == "Điểm- 3-2026"
    assert column(sheet, "Họ và tên") == ['\'=HYPERLINK("x")', "Nguyễn Thị Hạnh"]
    assert column(sheet, "Điểm") == [92.5, 7]
    assert column(sheet, "Ngày")[0].date() == date(2026, 3, 1)
    assert column(sheet, "Lúc")[1] == datetime(2026, 3, 2, 8, 30)
    assert column(sheet, "Đơn vị") == [None, None]


def test_only_the_export_parameter_asks_for_a_file():
    factory = RequestFactory()
    assert exports.wanted(factory.get("/", {"export": "xlsx"}))
    assert not exports.wanted(factory.get("/", {"export": "pdf"}))
    assert not exports.wanted(factory.get("/"))


def test_a_large_export_runs_as_a_job_with_the_same_rows(client, agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(agency.users["quang"])
    url = reverse("hrsystem:directory")
    inline = read_export(client.get(url, {"q": "thi", "export": "xlsx"}))
    settings.EXPORT_INLINE_ROWS = len(inline.rows) - 1
    started = client.get(url, {"q": "thi", "export": "xlsx"})
    assert started.status_code == 302
    job = BackgroundJob.objects.get(kind=exports.JOB_KIND)
    assert started["Location"] == reverse("hrsystem:job_status", args=[job.pk])
    assert job.state == JobState.DONE, job.error
    assert job.started_by == agency.users["quang"]
    page = client.get(started["Location"]).content.decode()
    assert reverse("hrsystem:job_file", args=[job.pk]) in page
    sheet = read_export(client.get(reverse("hrsystem:job_file", args=[job.pk])))
    assert sheet.headers == inline.headers and sheet.rows == inline.rows
    assert "Bộ lọc: Tìm theo mã hoặc họ tên: thi" in sheet.heading
    client.force_login(agency.users["thu"])
    assert client.get(reverse("hrsystem:job_file", args=[job.pk])).status_code == 403


def test_a_background_export_refuses_what_the_page_refuses(agency):
    """The job runs the page's view as the person: a page they may not open, or one
    without an export, ends the job failed and writes no file."""
    for path, query in (
        (reverse("evaluation:income_list"), "export=xlsx"),
        (reverse("hrsystem:org_chart"), "export=xlsx"),
    ):
        job = job_start(
            kind=exports.JOB_KIND,
            by=agency.users["thu"],
            organisation=agency.organisation,
            params={"path": path, "query": query, "language": "vi"},
        )
        assert job.state == JobState.FAILED, path
    errors = set(BackgroundJob.objects.values_list("error", flat=True))
    assert "Bạn không có quyền thực hiện thao tác này." in errors
    assert "Trang này không có bản xuất Excel." in errors


def test_the_unit_staff_export_costs_the_same_at_two_sizes(client, agency):
    client.force_login(agency.users["hanh"])
    vp = agency.units["VP"]
    url = reverse("hrsystem:unit_detail", args=[vp.pk])
    counts = []
    for size in (5, 40):
        grow_unit(agency, "VP", size, prefix="U")
        client.get(url, {"export": "xlsx"})
        with CaptureQueriesContext(connection) as captured:
            sheet = read_export(client.get(url, {"export": "xlsx"}))
        counts.append(len(captured))
        assert sum(name.startswith("Trịnh Thị Số") for name in column(sheet, "Họ và tên")) == size
    assert counts[0] == counts[1]
    assert f"Phạm vi: {vp.name}" in sheet.heading
    client.force_login(agency.users["duc"])
    assert client.get(url, {"export": "xlsx"}).status_code == 403

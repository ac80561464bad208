"""The ledger's list pages as Excel: the page's rows, scope and filters, in a file that
opens with openpyxl with its Vietnamese intact, at a constant number of queries."""

from datetime import date

from django.urls import reverse

from discipline import services
from discipline.models import InspectionPlan
from tests.exports import column, read_export

from .test_views_queries import Ledger, count_queries

EXPORTS = [
    ("my_violations", "an", {}),
    ("violation_list", "kiem", {}),
    ("violation_list", "truong_tn", {"month": "2026-03", "status": "contested"}),
    ("inspection_list", "kiem", {}),
    ("contested_list", "truong_nv", {}),
    ("decision_list", "to_chuc", {"year": 2026}),
    ("complaint_list", "kiem", {}),
    ("desk", "mot_cua", {"month": "2026-03"}),
    ("suggestion_list", "mot_cua", {}),
]


def export(client, user, name, params=None):
    client.force_login(user)
    return client.get(reverse(f"discipline:{name}"), {**(params or {}), "export": "xlsx"})


def test_exports_cost_the_same_at_two_sizes(d, surprise, client):
    ledger = Ledger(d, surprise)
    counts = {}
    for size in (3, 30):
        ledger.grow(size)
        for name, username, params in EXPORTS:
            client.force_login(getattr(d, username).user)
            url = reverse(f"discipline:{name}")
            counts.setdefault((name, username), []).append(
                count_queries(client, url, {**params, "export": "xlsx"})
            )
    uneven = {page: pair for page, pair in counts.items() if pair[0] != pair[1]}
    assert not uneven, uneven


def test_a_heads_violation_export_holds_only_their_unit(d, surprise, client):
    for employee, item in ((d.an, "khong_deo_the"), (d.thu, "hut_thuoc_noi_cong_so")):
        services.finding_record(
            inspection=surprise, item=d.item[item], employee=employee, by=d.kiem.user
        )
    sheet = read_export(export(client, d.truong_tn.user, "violation_list"))
    assert column(sheet, "Đối tượng") == [d.an.full_name]
    assert set(column(sheet, "Đơn vị")) == {"Phòng Tài nguyên và Môi trường"}
    assert "Phạm vi: Phòng Tài nguyên và Môi trường" in sheet.heading
    everyone = read_export(export(client, d.kiem.user, "violation_list"))
    assert sorted(column(everyone, "Đối tượng")) == sorted([d.an.full_name, d.thu.full_name])


def test_the_violation_export_keeps_the_pages_filters(d, surprise, client):
    first = services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.binh, by=d.kiem.user
    )
    services.violation_contest(violation=first, reason="Sai", by=d.an.user)
    filters = {"status": "contested", "month": "2026-03"}
    sheet = read_export(export(client, d.truong_tn.user, "violation_list", filters))
    assert column(sheet, "Đối tượng") == [d.an.full_name]
    assert [day.date() for day in column(sheet, "Ngày")] == [first.occurred_on]
    assert column(sheet, "Điểm trừ") == [float(first.points)]
    filters_line = next(line for line in sheet.heading if line.startswith("Bộ lọc: "))
    assert "03/2026" in filters_line
    page = client.get(reverse("discipline:violation_list"), filters)
    assert page.context["page"].paginator.count == len(sheet.rows)


def test_the_export_is_a_readable_vietnamese_workbook(d, surprise, client):
    services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    sheet = read_export(export(client, d.kiem.user, "violation_list"))
    assert sheet.title == "Vi phạm trong đơn vị"
    assert sheet.heading[0] == "Vi phạm trong đơn vị"
    assert "Cơ quan: UBND huyện Bình Xuyên" in sheet.heading
    assert f"Ngày in: {d.today:%d/%m/%Y}" in sheet.heading
    assert sheet.headers[:3] == ["Ngày", "Đối tượng", "Đơn vị"]
    assert sheet.sheet.freeze_panes == f"A{len(sheet.heading) + 3}"
    assert isinstance(column(sheet, "Ngày")[0], date)
    first_row = len(sheet.heading) + 3
    assert sheet.sheet.cell(first_row, 1).number_format == "DD/MM/YYYY"
    assert sheet.sheet.cell(first_row, sheet.headers.index("Điểm trừ") + 1).data_type == "n"
    assert column(sheet, "Hành vi vi phạm")[0] == d.item["khong_deo_the"].description


def test_the_pages_link_to_their_export(d, surprise, client):
    client.force_login(d.truong_tn.user)
    page = client.get(reverse("discipline:violation_list"), {"status": "contested"})
    assert b"status=contested&amp;export=xlsx" in page.content
    assert "Xuất Excel" in page.content.decode()


def test_a_person_exports_only_their_own_violations(d, surprise, client):
    for employee in (d.an, d.binh):
        services.finding_record(
            inspection=surprise, item=d.item["khong_deo_the"], employee=employee, by=d.kiem.user
        )
    sheet = read_export(export(client, d.an.user, "my_violations"))
    assert len(sheet.rows) == 1
    assert f"Phạm vi: {d.an.full_name}" in sheet.heading


def test_an_export_is_refused_where_the_page_is(d, client):
    assert export(client, d.an.user, "violation_list").status_code == 403


def test_the_desk_exports_the_months_dossiers(d, client):
    for number, received in enumerate((date(2026, 3, 2), date(2026, 2, 2))):
        services.dossier_record(
            unit=d.mc,
            code=f"HS-{number}",
            citizen_name=f"Công dân Đặng Thị Ánh {number}",
            officer=d.mot_cua,
            received_on=received,
            due_on=received.replace(day=9),
        )
    sheet = read_export(export(client, d.mot_cua.user, "desk", {"month": "2026-03"}))
    assert column(sheet, "Mã hồ sơ") == ["HS-0"]
    assert column(sheet, "Tổ chức, công dân") == ["Công dân Đặng Thị Ánh 0"]
    assert "Bộ lọc: Tháng 03/2026" in sheet.heading
    assert export(client, d.an.user, "desk").status_code == 403


def test_the_year_plans_export_counts_each_plans_lines(d, client):
    counts = []
    for size in (2, 6):
        for year in range(2000, 2000 + size):
            InspectionPlan.objects.get_or_create(
                organisation=d.org, year=year, number=f"{year}/KH", issued_on=date(year, 1, 2)
            )
        client.force_login(d.kiem.user)
        url = reverse("discipline:year_plans")
        counts.append(count_queries(client, url, {"export": "xlsx"}))
    plan = services.inspection_year_plan_issue(
        organisation=d.org, year=2026, number="02/KH-UBND", issued_on=date(2026, 1, 5), by=None
    )
    services.inspection_plan_line_add(
        plan=plan,
        quarter=1,
        unit=d.tn,
        lead=d.truong_nv,
        kind="regular",
        content="Kiểm tra việc chấp hành quy chế văn hoá công sở",
    )
    sheet = read_export(export(client, d.kiem.user, "year_plans"))
    assert column(sheet, "Năm") == [2026, *range(2005, 1999, -1)]
    assert column(sheet, "Số đợt kiểm tra")[0] == 1 and column(sheet, "Đã hoàn thành")[0] == 0
    assert counts[0] == counts[1]
    assert export(client, d.an.user, "year_plans").status_code == 403

"""PDFs and Excel workbooks keep Vietnamese text intact and numbers as numbers."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from discipline import pdf, services


def _text(content: bytes) -> str:
    """The PDF's text with line breaks (cells wrap long names) as single spaces."""
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _late_dossiers(d, count: int):
    for number in range(count):
        services.dossier_record(
            unit=d.mc,
            code=f"HS-{number:03d}",
            citizen_name=f"Nguyễn Thị Hường {number}",
            officer=d.thu,
            received_on=date(2026, 3, 2),
            due_on=date(2026, 3, 9),
            settled_on=date(2026, 3, 12),
        )


def test_the_inspection_report_pdf_keeps_vietnamese_names(d, surprise, client):
    services.finding_record(
        inspection=surprise,
        item=d.item["hut_thuoc_noi_cong_so"],
        employee=d.an,
        note="Hút thuốc lá tại phòng tiếp dân",
        by=d.kiem.user,
    )
    services.inspection_close(
        inspection=surprise, report="Đoàn đề nghị chấn chỉnh kỷ cương.", by=d.truong_nv.user
    )
    client.force_login(d.truong_nv.user)
    response = client.get(reverse("discipline:inspection_pdf", args=[surprise.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for expected in (
        "Hoàng Văn An",
        "Hoàng Minh Đức",
        "Đặng Quốc Kiểm",
        "Phòng Tài nguyên và Môi trường",
        "Hút thuốc lá tại phòng tiếp dân",
        "Đoàn đề nghị chấn chỉnh kỷ cương.",
        "BÁO CÁO KẾT QUẢ KIỂM TRA CÔNG VỤ",
    ):
        assert expected in text, expected


def test_the_inspection_report_has_the_document_heading_and_signed_deductions(d, surprise, client):
    services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    services.finding_record(
        inspection=surprise,
        item=d.item["hut_thuoc_noi_cong_so"],
        employee=d.binh,
        by=d.kiem.user,
    )
    client.force_login(d.truong_nv.user)
    response = client.get(reverse("discipline:inspection_pdf", args=[surprise.pk]))
    text = _text(response.content)
    for expected in (
        "UBND HUYỆN BÌNH XUYÊN",
        f"Số: {surprise.pk}/BC-ĐKT",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ngày 16 tháng 3 năm 2026",
        "−0,5",
        "−1 ",
    ):
        assert expected in text, expected
    assert "0,50" not in text


def test_the_timeliness_pdf_lists_late_dossiers_across_split_tables(d, client):
    _late_dossiers(d, 45)
    client.force_login(d.mot_cua.user)
    response = client.get(reverse("discipline:timeliness_pdf"), {"month": "2026-03"})
    text = _text(response.content)
    assert "Phạm Thị Thu" in text
    assert "Nguyễn Thị Hường 0" in text and "Nguyễn Thị Hường 44" in text
    assert "Bộ phận Một cửa" in text
    assert "15/04/2026" in text


def test_chunks_cut_rows_into_tables_of_forty():
    assert [len(rows) for rows in pdf.chunks(range(85))] == [40, 40, 5]
    assert pdf.chunks([]) == []


def test_the_pdf_refuses_resources_outside_static():
    with pytest.raises(pdf.PdfError):
        pdf.link_callback("/etc/passwd", "")
    assert pdf.link_callback("/static/fonts/DejaVuSans.ttf", "").endswith("DejaVuSans.ttf")


def test_the_timeliness_workbook_has_vietnamese_text_and_numbers(d, client):
    _late_dossiers(d, 3)
    services.dossier_record(
        unit=d.mc,
        code="HS-DUNG",
        citizen_name="Lê Văn Đúng",
        officer=d.thu,
        received_on=date(2026, 3, 2),
        due_on=date(2026, 3, 9),
        settled_on=date(2026, 3, 5),
    )
    client.force_login(d.mot_cua.user)
    response = client.get(reverse("discipline:timeliness_xlsx"), {"month": "2026-03"})
    book = openpyxl.load_workbook(BytesIO(response.content))
    summary = book["Tổng hợp"]
    header, row = [cell.value for cell in summary[1]], [cell.value for cell in summary[2]]
    assert header[1] == "Đơn vị" and row[1] == "Bộ phận Một cửa"
    assert row[2:4] == [1, 3]
    assert isinstance(row[4], int | float | Decimal) and float(row[4]) == 25.0
    late = book["Hồ sơ trễ hạn"]
    values = [[cell.value for cell in line] for line in late.iter_rows(min_row=2)]
    assert {line[3] for line in values} == {"Phạm Thị Thu"}
    assert all(line[6] == 3 for line in values)


def _header_and_widths(sheet) -> tuple[list, dict]:
    header = [cell.value for cell in sheet[1]]
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    return header, widths


def test_the_workbooks_are_readable_at_first_open(d, surprise, client):
    _late_dossiers(d, 2)
    services.finding_record(
        inspection=surprise,
        item=d.item["khong_thuc_hien_4_xin_4_luon"],
        employee=d.an,
        by=d.kiem.user,
    )
    client.force_login(d.to_chuc.user)
    report = client.get(reverse("discipline:report_xlsx"), {"year": 2026, "month": "2026-03"})
    timeliness = client.get(reverse("discipline:timeliness_xlsx"), {"month": "2026-03"})
    for response in (report, timeliness):
        book = openpyxl.load_workbook(BytesIO(response.content))
        for sheet in book.worksheets:
            assert sheet.freeze_panes == "A2", sheet.title
            assert all(
                cell.font.bold and cell.fill.fgColor.rgb.endswith("E8ECF1") for cell in sheet[1]
            )
    sheet = openpyxl.load_workbook(BytesIO(report.content))["Vi phạm 2026"]
    header, widths = _header_and_widths(sheet)
    assert header[:4] == ["Mã đơn vị", "Đơn vị", "Hành vi vi phạm", "Mã trong danh mục"]
    description = sheet.cell(row=2, column=3)
    assert description.value == d.item["khong_thuc_hien_4_xin_4_luon"].description
    assert widths["Hành vi vi phạm"] >= min(len(description.value), 60)
    assert widths["Đơn vị"] >= len("Phòng Tài nguyên và Môi trường")
    assert widths["Tháng"] < 12
    late = openpyxl.load_workbook(BytesIO(timeliness.content))["Hồ sơ trễ hạn"]
    header, widths = _header_and_widths(late)
    due = late.cell(row=2, column=header.index("Ngày hẹn trả") + 1)
    assert due.value.date() == date(2026, 3, 9) and due.number_format == "DD/MM/YYYY"
    assert late.cell(row=2, column=3).value == "Nguyễn Thị Hường 0"


def test_the_report_workbook_has_each_table(d, surprise, client):
    services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    client.force_login(d.to_chuc.user)
    response = client.get(reverse("discipline:report_xlsx"), {"year": 2026, "month": "2026-03"})
    book = openpyxl.load_workbook(BytesIO(response.content))
    sheet = book["Vi phạm 2026"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Đơn vị"] == "Phòng Tài nguyên và Môi trường"
    assert row["Số vi phạm"] == 1 and isinstance(row["Điểm trừ"], int | float)
    culture = book["Văn hoá công sở 03-2026"]
    rates = {line[1].value: line[4].value for line in culture.iter_rows(min_row=2)}
    assert rates["Phòng Tài nguyên và Môi trường"] == pytest.approx(75.0)

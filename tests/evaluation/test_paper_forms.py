"""The decree's forms printed from the app: PDF text and pages, Excel columns, who may
download them, and the print_forms command (issue 13)."""

import shutil
import subprocess
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from evaluation.models import Evaluation, EvaluationState, PeriodState
from evaluation.paper import documents
from hrsystem.models import BackgroundJob, JobState
from tests.evaluation.cycle import (
    cycle_fixture,  # noqa: F401 — the `cycle` fixture
    ev,
    score,
    to_scoring,
)
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def publish(c) -> None:
    """Score two TC staff, then mark the period and its evaluations published (a fixture
    shortcut: the publication workflow has its own tests)."""
    to_scoring(c)
    score(c, "an", "pho_tc", head_comment="Hoàn thành đúng hạn, chất lượng tốt.")
    score(c, "binh", "truong_tc")
    type(c.period).objects.filter(pk=c.period.pk).update(state=PeriodState.PUBLISHED)
    Evaluation.objects.filter(period=c.period).update(state=EvaluationState.PUBLISHED)
    c.period.refresh_from_db()


@shared_cast("paper")
def paper_fixture(cycle):
    publish(cycle)
    return cycle


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(BytesIO(content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return text, len(reader.pages)


def assert_not_blank(content: bytes, tmp_path) -> None:
    """Page 1 rendered at 50 dpi has ink on it (the layout has not collapsed)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    source = tmp_path / "form.pdf"
    source.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > image.width * image.height * 0.005


def test_a_persons_sheet_is_the_decrees_form_with_vietnamese_intact(paper, client, tmp_path):
    client.force_login(paper.an.user)
    response = client.get(reverse("evaluation:person_form", args=[ev(paper, "an").pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    for expected in (
        *MOTTO,
        "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC",
        "Hoàng Văn An",
        "Phạm Thị Phương",
        "Phòng Tài chính - Kế hoạch".upper(),
        "Thẩm định hồ sơ A",
        "Hoàn thành đúng hạn, chất lượng tốt.",
        "CẤP CÓ THẨM QUYỀN THEO DÕI, ĐÁNH GIÁ",
        documents.person_document_id(ev(paper, "an")),
    ):
        assert expected in text, expected
    assert pages == 1
    assert_not_blank(response.content, tmp_path)


def test_a_units_summary_lists_everyone_on_one_landscape_file(paper, client, tmp_path):
    client.force_login(paper.truong_tc.user)
    url = reverse("evaluation:unit_form", args=[paper.period.pk, paper.tc.pk, "summary-pdf"])
    response = client.get(url)
    text, pages = pdf_text(response.content)
    people = Evaluation.objects.filter(period=paper.period, unit=paper.tc, is_current=True)
    for evaluation in people.select_related("employee"):
        assert evaluation.employee.full_name in text
    for expected in (
        *MOTTO,
        "DANH SÁCH TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "Lê Văn Trường",
    ):
        assert expected in text, expected
    assert pages == 1
    box = PdfReader(BytesIO(response.content)).pages[0].mediabox
    assert box.width > box.height
    assert_not_blank(response.content, tmp_path)


def test_the_units_sheets_come_as_one_file_a_sheet_per_person(paper, client, settings, tmp_path):
    """Printed by a background job (a unit's 60 sheets take seconds): the job's file."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(paper.truong_tc.user)
    url = reverse("evaluation:sheets_job", args=[paper.period.pk])
    assert (
        client.get(
            reverse("evaluation:unit_form", args=[paper.period.pk, paper.tc.pk, "sheets-pdf"])
        ).status_code
        == 404
    )
    job_page = client.post(url, {"unit": paper.tc.pk, "bundle": "pdf"}).url
    job = BackgroundJob.objects.get(pk=int(job_page.rstrip("/").rsplit("/", 1)[-1]))
    assert job.state == JobState.DONE, job.error
    text, pages = pdf_text(b"".join(client.get(job.result["url"]).streaming_content))
    count = Evaluation.objects.filter(period=paper.period, unit=paper.tc, is_current=True).count()
    assert text.count("PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC") == count
    assert pages >= count


def test_the_excel_sheets_have_the_pdfs_vietnamese_columns(paper, client):
    client.force_login(paper.truong_tc.user)
    url = reverse("evaluation:unit_form", args=[paper.period.pk, paper.tc.pk, "summary-xlsx"])
    book = openpyxl.load_workbook(BytesIO(client.get(url).content))
    sheet = book["Danh sách"]
    assert [cell.value for cell in sheet[1]] == documents.SUMMARY_COLUMNS()
    assert "Tổng điểm theo dõi, đánh giá" in documents.SUMMARY_COLUMNS()
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"Hoàng Văn An", "Đặng Thị Bình"} <= names
    an = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "Hoàng Văn An")
    assert an[7] == float(ev(paper, "an").total)
    info = [row[1] for row in book["Thông tin"].iter_rows(min_row=2, values_only=True)]
    assert info[:2] == list(MOTTO)

    url = reverse("evaluation:person_form", args=[ev(paper, "an").pk, "xlsx"])
    book = openpyxl.load_workbook(BytesIO(client.get(url).content))
    assert [c.value for c in book["Tiêu chí chung"][1]] == documents.CRITERIA_COLUMNS()
    assert [c.value for c in book["Kết quả nhiệm vụ"][1]] == documents.ITEM_COLUMNS()


def test_formula_like_text_is_not_a_formula_in_excel(paper, client):
    Evaluation.objects.filter(pk=ev(paper, "an").pk).update(head_comment="=HYPERLINK(1)")
    client.force_login(paper.truong_tc.user)
    url = reverse("evaluation:person_form", args=[ev(paper, "an").pk, "xlsx"])
    book = openpyxl.load_workbook(BytesIO(client.get(url).content))
    values = [row[1] for row in book["Phiếu đánh giá"].iter_rows(min_row=2, values_only=True)]
    assert not any(str(value).startswith("=") for value in values)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("an", 200),
        ("binh", 403),
        ("truong_tc", 200),
        ("to_chuc", 200),
        ("chu_tich", 200),
        ("mot_cua", 403),
    ],
)
def test_a_sheet_goes_to_who_may_see_the_result(paper, client, who, status):
    client.force_login(getattr(paper, who).user)
    url = reverse("evaluation:person_form", args=[ev(paper, "an").pk, "pdf"])
    assert client.get(url).status_code == status


def test_a_person_gets_their_sheet_only_once_published(cycle, client):
    to_scoring(cycle)
    client.force_login(cycle.an.user)
    url = reverse("evaluation:person_form", args=[ev(cycle, "an").pk, "pdf"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("truong_tc", 200),
        ("pho_tc", 200),
        ("to_chuc", 200),
        ("chu_tich", 200),
        ("an", 403),
        ("truong_nv", 403),
    ],
)
def test_a_unit_summary_goes_to_who_may_see_the_units_results(paper, client, who, status):
    client.force_login(getattr(paper, who).user)
    url = reverse("evaluation:unit_form", args=[paper.period.pk, paper.tc.pk, "summary-xlsx"])
    assert client.get(url).status_code == status


def test_print_forms_writes_every_sheet_and_summary_of_the_month(paper, tmp_path):
    out = StringIO()
    call_command(
        "print_forms",
        organisation=paper.org.code,
        year=paper.period.year,
        month=paper.period.number,
        output=str(tmp_path),
        stdout=out,
    )
    people = Evaluation.objects.filter(period=paper.period, is_current=True).count()
    units = len(documents.units_of_period(paper.period))
    assert len(list(tmp_path.rglob("PDG-*.pdf"))) == people
    assert len(list(tmp_path.rglob("PDG-*.xlsx"))) == people
    assert len(list(tmp_path.rglob("DSDV-*.pdf"))) == units
    assert len(list(tmp_path.rglob("DSDV-*.xlsx"))) == units
    assert f"{people + units}/{people + units}" in out.getvalue()


def test_a_units_forms_cost_the_same_queries_whatever_its_size(paper, client):
    """TC has several people, MC one: the same number of queries for either list."""
    client.force_login(paper.to_chuc.user)
    counts = {}
    for unit in (paper.tc, paper.mc):
        size = Evaluation.objects.filter(period=paper.period, unit=unit, is_current=True).count()
        url = reverse("evaluation:unit_form", args=[paper.period.pk, unit.pk, "summary-xlsx"])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[size] = len(queries)
    assert len(counts) == 2, "the two units must differ in size"
    assert len(set(counts.values())) == 1, counts

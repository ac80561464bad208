"""The year's official forms: Mẫu số 02 for staff and leaders, the agency's rating list
and the emulation annex as PDF (text, pages, a rendered page) and Excel with the same
columns; who may download them; print_forms for a year; every sheet as a background
job with its progress and file; the published list signed (issue 13)."""

import zipfile
from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from evaluation import scoring, services
from evaluation.annual import board_models as bm
from evaluation.annual import services as annual_services
from evaluation.annual.models import AnnualResult
from evaluation.models import Evaluation, IssuedDocument
from evaluation.paper import annual, documents, signing
from evaluation.paper import jobs as paper_jobs
from evaluation.services import paper as paper_services
from hrsystem import clock
from hrsystem.models import BackgroundJob, JobState
from tests.annual.builders import build_year, set_everyone
from tests.evaluation.test_paper_forms import MOTTO, assert_not_blank, pdf_text
from tests.evaluation.test_paper_signatures import PASSPHRASE, make_ca, make_signer
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
YEAR = 2026


@shared_cast("paper_year")
def paper_year():
    c = build_year(months=6)
    set_everyone(c, "80", a1=["96"] * 6, a2=["95"] * 6, truong_a=["96"] * 6)
    annual_services.rollup_year(c.org, c.year, c.hr)
    now = clock.now()
    bm.SelfAssessment.objects.create(
        organisation=c.org,
        year=YEAR,
        employee=c.a1,
        comment="Hoàn thành vượt mức các nhiệm vụ được giao.",
        proposed_level=scoring.TOP,
        submitted_at=now,
    )
    bm.SuperiorRating.objects.create(
        organisation=c.org,
        year=YEAR,
        employee=c.a1,
        level=scoring.GOOD,
        comment="Cần chủ động hơn trong phối hợp.",
        rated_by=c.truong_a.user,
        rated_at=now,
    )
    bm.TitleDecision.objects.create(
        organisation=c.org,
        year=YEAR,
        employee=c.a2,
        proposed_title="",
        final_title=scoring.TITLE_EMULATION_SOLDIER,
        outcome=bm.Outcome.OVERRIDDEN,
        reason="Sáng kiến được công nhận cấp tỉnh.",
        decided_by=c.hoi_dong.user,
        decided_at=now,
    )
    bm.TitleDecision.objects.create(
        organisation=c.org,
        year=YEAR,
        unit=c.pa,
        proposed_title="",
        final_title=scoring.TITLE_EXCELLENT_COLLECTIVE,
        outcome=bm.Outcome.OVERRIDDEN,
        reason="Dẫn đầu khối thi đua.",
        decided_by=c.hoi_dong.user,
        decided_at=now,
    )
    return c


def _result(c, name):
    return AnnualResult.objects.get(organisation=c.org, year=YEAR, employee=c.people[name])


def _get(client, c, who, name, *args, **query):
    client.force_login(c.people[who].user)
    return client.get(reverse(name, args=args), query)


def test_a_staff_sheet_is_mau_02_with_the_decided_level(client, paper_year, tmp_path):
    c = paper_year
    response = _get(client, c, "a1", "annual:person_form", YEAR, c.a1.pk, "pdf")
    assert response.status_code == 200
    text, pages = pdf_text(response.content)
    for expected in (
        *MOTTO,
        "PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC",
        "Năm 2026",
        "Người a1",
        "PHÒNG A",
        "Tổng điểm trung bình cả năm",
        "☒ Hoàn thành xuất sắc nhiệm vụ",  # the person's own proposal
        "☒ Hoàn thành tốt nhiệm vụ",  # the superior's decided level
        "Cần chủ động hơn trong phối hợp.",
        "CẤP CÓ THẨM QUYỀN XẾP LOẠI",
        "Người truong_a",  # who rated, under the signature
        annual.sheet_document_id(_result(c, "a1")),
    ):
        assert expected in text, expected
    assert "(Công chức giữ chức vụ lãnh đạo, quản lý)" not in text
    assert pages == 1
    assert_not_blank(response.content, tmp_path)


def test_a_heads_sheet_adds_the_units_result_and_accountability(client, paper_year):
    c = paper_year
    response = _get(client, c, "truong_a", "annual:person_form", YEAR, c.truong_a.pk, "pdf")
    text, pages = pdf_text(response.content)
    for expected in (
        "(Công chức giữ chức vụ lãnh đạo, quản lý)",
        "KẾT QUẢ CỦA CƠ QUAN, TỔ CHỨC, ĐƠN VỊ ĐƯỢC GIAO QUẢN LÝ",
        "Điểm năm của đơn vị",
        "V. ĐỀ XUẤT PHƯƠNG ÁN XỬ LÝ",
    ):
        assert expected in text, expected
    assert pages == 1


def test_a_root_unit_persons_monthly_sheet_names_the_agency_once(paper_year):
    c = paper_year
    evaluation = Evaluation.objects.get(period=c.periods[0], employee=c.lanh_dao, is_current=True)
    assert evaluation.unit == c.root
    text, _pages = pdf_text(documents.person_pdf(documents.person_sheet(evaluation)))
    assert "UBND XÃ THỬ NĂM" in text
    assert text.count("UBND XÃ") == 1  # the root unit is the agency: not printed again


def test_the_agencys_rating_list_counts_each_level_by_unit(client, paper_year, tmp_path):
    c = paper_year
    response = _get(client, c, "to_chuc", "annual:year_form", YEAR, "list", "pdf")
    assert response.status_code == 200
    text, pages = pdf_text(response.content)
    people = AnnualResult.objects.filter(organisation=c.org, year=YEAR)
    for result in people.select_related("employee"):
        assert result.employee.full_name in text
    for expected in (*MOTTO, "DANH SÁCH XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC", "Toàn cơ quan", "Phòng B"):
        assert expected in text, expected
    assert pages >= 1
    assert PdfReader(BytesIO(response.content)).pages[0].mediabox.width > 800  # landscape
    assert_not_blank(response.content, tmp_path)
    document = annual.rating_list(c.org, YEAR)
    total = document.counts[-1]
    assert total.unit is None and total.rated == sum(count for count, _p in total.counts)
    assert sum(percent for _c, percent in total.counts) == pytest.approx(100, abs=0.05)
    row = next(s for s in document.sheets if s.employee == c.a1)
    assert row.level == scoring.GOOD  # the superior's decision, not the roll-up's


def test_the_annex_lists_the_boards_titles(client, paper_year, tmp_path):
    c = paper_year
    response = _get(client, c, "hoi_dong", "annual:year_form", YEAR, "annex", "pdf")
    text, pages = pdf_text(response.content)
    for expected in (
        *MOTTO,
        "PHỤ LỤC",
        "DANH HIỆU THI ĐUA CÁ NHÂN",
        "DANH HIỆU THI ĐUA TẬP THỂ",
        "Người a2",
        "Chiến sĩ thi đua cơ sở",
        "DỰ THẢO",  # the year is not published yet
    ):
        assert expected in text, expected
    assert pages == 1
    assert_not_blank(response.content, tmp_path)


def _columns(content: bytes, sheet: str) -> list[str]:
    book = openpyxl.load_workbook(BytesIO(content))
    return [cell.value for cell in book[sheet][1]]


def _pdf_has(text: str, columns: list[str]) -> None:
    for column in columns:
        if column not in ("%",):
            assert column.split(" (")[0] in text, column


def test_the_excel_files_have_the_pdfs_columns(client, paper_year):
    c = paper_year
    client.force_login(c.hr)
    for kind, sheets in (
        ("list", {"Danh sách": annual.LIST_COLUMNS()}),
        (
            "annex",
            {"Cá nhân": annual.PERSON_TITLE_COLUMNS(), "Tập thể": annual.UNIT_TITLE_COLUMNS()},
        ),
    ):
        xlsx = client.get(reverse("annual:year_form", args=[YEAR, kind, "xlsx"])).content
        text, _pages = pdf_text(
            client.get(reverse("annual:year_form", args=[YEAR, kind, "pdf"])).content
        )
        for name, columns in sheets.items():
            assert _columns(xlsx, name) == columns
            _pdf_has(text, columns)
    counts = _columns(
        client.get(reverse("annual:year_form", args=[YEAR, "list", "xlsx"])).content,
        "Tổng hợp theo đơn vị",
    )
    assert counts == annual.COUNT_COLUMNS()
    xlsx = client.get(reverse("annual:person_form", args=[YEAR, c.a1.pk, "xlsx"])).content
    assert _columns(xlsx, "Kết quả theo tháng") == annual.MONTH_COLUMNS()
    text, _p = pdf_text(
        client.get(reverse("annual:person_form", args=[YEAR, c.a1.pk, "pdf"])).content
    )
    _pdf_has(text, annual.MONTH_COLUMNS())


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("a1", "a1", 200),
        ("a1", "a2", 403),
        ("truong_a", "a3", 200),
        ("truong_b", "a3", 403),
        ("hoi_dong", "a3", 200),
    ],
)
def test_a_sheet_goes_to_the_person_and_who_may_see_their_year(
    client, paper_year, who, target, status
):
    c = paper_year
    response = _get(client, c, who, "annual:person_form", YEAR, c.people[target].pk, "pdf")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        ("to_chuc", None, 200),
        ("lanh_dao", None, 200),
        ("hoi_dong", None, 200),
        ("truong_a", None, 403),
        ("truong_a", "pa", 200),
        ("truong_a", "pb", 403),
        ("a1", "pa", 403),
        ("a1", None, 403),
    ],
)
def test_lists_and_annexes_are_scoped(client, paper_year, who, unit, status):
    c = paper_year
    query = {"unit": getattr(c, unit).pk} if unit else {}
    for kind in ("list", "annex"):
        response = _get(client, c, who, "annual:year_form", YEAR, kind, "pdf", **query)
        assert response.status_code == status
    if status == 200 and unit:
        text, _pages = pdf_text(response.content)
        assert "Người a1" in text or "Người a2" in text
        assert "Người b1" not in text


def test_the_pages_link_the_forms_in_scope(client, paper_year):
    c = paper_year
    body = _get(client, c, "a1", "annual:person", YEAR, c.a1.pk).content.decode()
    assert reverse("annual:person_form", args=[YEAR, c.a1.pk, "pdf"]) in body
    body = _get(client, c, "truong_a", "annual:unit", YEAR, c.pa.pk).content.decode()
    assert f"{reverse('annual:year_form', args=[YEAR, 'list', 'pdf'])}?unit={c.pa.pk}" in body
    body = _get(client, c, "a3", "annual:unit", YEAR, c.pa.pk).content.decode()
    assert reverse("annual:year_form", args=[YEAR, "list", "pdf"]) not in body
    body = _get(client, c, "to_chuc", "annual:units", YEAR).content.decode()
    assert f'href="{reverse("annual:year_form", args=[YEAR, "annex", "pdf"])}"' in body
    assert reverse("annual:sheets_job", args=[YEAR]) in body


def test_the_lists_queries_do_not_grow_with_the_agency(paper_year):
    c = paper_year
    with CaptureQueriesContext(connection) as small:
        annual.rating_list(c.org, YEAR, c.pb)
    with CaptureQueriesContext(connection) as large:
        annual.rating_list(c.org, YEAR, c.pa)
    sizes = [AnnualResult.objects.filter(unit=unit).count() for unit in (c.pb, c.pa)]
    assert sizes[1] > sizes[0]
    assert len(large) == len(small)


def test_print_forms_writes_every_annual_form_of_the_year(paper_year, tmp_path):
    c = paper_year
    call_command("print_forms", organisation=c.org.code, year=YEAR, output=str(tmp_path))
    people = AnnualResult.objects.filter(organisation=c.org, year=YEAR).count()
    sheets = list(tmp_path.glob("*/PXL-*.pdf"))
    assert len(sheets) == people
    assert len(list(tmp_path.glob("*/PXL-*.xlsx"))) == people
    for name in (annual.list_document_id(c.org, YEAR), annual.annex_document_id(c.org, YEAR)):
        for suffix in ("pdf", "xlsx"):
            assert (tmp_path / f"{name}.{suffix}").exists()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_agencys_sheets_are_one_pdf_made_by_a_job(client, paper_year, media):
    c = paper_year
    client.force_login(c.hr)
    response = client.post(reverse("annual:sheets_job", args=[YEAR]), {"bundle": "pdf"})
    job = BackgroundJob.objects.get(kind=paper_jobs.KIND)
    assert response.url == reverse("hrsystem:job_status", args=[job.pk])
    assert job.state == JobState.DONE
    people = AnnualResult.objects.filter(organisation=c.org, year=YEAR).count()
    units = AnnualResult.objects.filter(organisation=c.org, year=YEAR).values("unit").distinct()
    assert job.total == units.count() + 1 and job.done == job.total
    assert f"{people}/{people}" in job.message
    page = client.get(reverse("hrsystem:job_status", args=[job.pk])).content.decode()
    assert job.result["url"] in page
    download = client.get(job.result["url"])
    content = b"".join(download.streaming_content)
    text, pages = pdf_text(content)
    assert text.count("PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC") == people
    assert pages >= people and "Người b4" in text
    assert not list((media / "paper-jobs" / str(job.pk) / "parts").rglob("*.pdf"))


def test_a_months_unit_sheets_are_a_zip_of_one_pdf_each(client, paper_year, media):
    c = paper_year
    client.force_login(c.truong_a.user)
    period = c.periods[0]
    client.post(
        reverse("evaluation:sheets_job", args=[period.pk]), {"bundle": "zip", "unit": c.pa.pk}
    )
    job = BackgroundJob.objects.get(kind=paper_jobs.KIND)
    assert job.state == JobState.DONE, job.error
    archive = zipfile.ZipFile(BytesIO(b"".join(client.get(job.result["url"]).streaming_content)))
    names = archive.namelist()
    assert names and all(name.startswith("PA/PDG-") for name in names)
    text, pages = pdf_text(archive.read(names[0]))
    assert "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC" in text and pages == 1


@pytest.mark.parametrize(
    ("who", "unit", "allowed"),
    [
        ("truong_a", "pb", False),
        ("truong_a", None, False),
        ("a1", "pa", False),
        ("lanh_dao", None, True),
    ],
)
def test_a_sheets_job_is_refused_out_of_scope(client, paper_year, media, who, unit, allowed):
    c = paper_year
    client.force_login(c.people[who].user)
    data = {"bundle": "pdf", **({"unit": getattr(c, unit).pk} if unit else {})}
    response = client.post(reverse("annual:sheets_job", args=[YEAR]), data)
    assert (response.status_code == 302) is allowed
    assert BackgroundJob.objects.filter(kind=paper_jobs.KIND).exists() is allowed


def test_a_jobs_file_goes_to_who_may_follow_the_job(client, paper_year, media):
    c = paper_year
    client.force_login(c.hr)
    client.post(reverse("annual:sheets_job", args=[YEAR]), {"bundle": "zip"})
    job = BackgroundJob.objects.get(kind=paper_jobs.KIND)
    client.force_login(c.a1.user)
    assert client.get(job.result["url"]).status_code == 403


def _publish(c):
    bm.AnnualReview.objects.update_or_create(
        organisation=c.org, year=YEAR, defaults={"state": bm.YearState.PUBLISHED}
    )


def test_only_a_published_years_list_is_issued(paper_year):
    c = paper_year
    with pytest.raises(Exception, match="đã công bố"):
        services.year_document_issue(organisation=c.org, year=YEAR, kind="list", by=c.hr)
    _publish(c)
    document = services.year_document_issue(organisation=c.org, year=YEAR, kind="annex", by=c.hr)
    assert document.year == YEAR and document.period is None
    assert document.document_id == annual.annex_document_id(c.org, YEAR)
    text, _pages = pdf_text(bytes(document.pdf))
    assert "DỰ THẢO" not in text and "Người a2" in text


def test_hr_signs_the_published_list_and_it_verifies(client, paper_year):
    c = paper_year
    _publish(c)
    services.signing_certificate_upload(
        organisation=c.org,
        name="Chứng thư UBND",
        data=make_signer(make_ca(), "UBND xã Thử Năm"),
        passphrase=PASSPHRASE,
        by=c.hr,
    )
    client.force_login(c.hr)
    client.post(reverse("annual:form_issue", args=[YEAR, "list"]), {"sign": "1"})
    document = IssuedDocument.objects.get(document_id=annual.list_document_id(c.org, YEAR))
    assert document.is_signed and not document.signed_externally
    verdict = signing.verify(bytes(document.signed_pdf), paper_services._roots(c.org))
    assert "UBND xã Thử Năm" in verdict.signer
    body = client.get(reverse("annual:units", args=[YEAR])).content.decode()
    signed_url = reverse("evaluation:issued_document", args=[document.pk, "signed"])
    assert signed_url in body
    assert client.get(signed_url).status_code == 200
    client.force_login(c.a1.user)
    assert client.get(signed_url).status_code == 403


def test_only_hr_issues_a_years_document(client, paper_year):
    c = paper_year
    _publish(c)
    for who in ("truong_a", "hoi_dong", "a1"):
        client.force_login(c.people[who].user)
        response = client.post(reverse("annual:form_issue", args=[YEAR, "annex"]), {"sign": "1"})
        assert response.status_code == 403
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize("kind", ["list", "annex"])
def test_a_units_year_forms_cost_the_same_queries_whatever_its_size(client, paper_year, kind):
    """PA has more people than PB: the same number of queries for either file."""
    c = paper_year
    client.force_login(c.hr)
    counts = []
    for unit in (c.pb, c.pa):
        url = reverse("annual:year_form", args=[YEAR, kind, "xlsx"])
        client.get(url, {"unit": unit.pk})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"unit": unit.pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_persons_sheet_costs_the_same_queries_for_staff_and_heads(client, paper_year):
    c = paper_year
    client.force_login(c.hr)
    counts = []
    for name in ("a3", "truong_a"):
        url = reverse("annual:person_form", args=[YEAR, c.people[name].pk, "xlsx"])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]

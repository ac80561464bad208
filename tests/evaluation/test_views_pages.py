"""The monthly-cycle pages for each kind of user: employee, head, agency leader, HR.

The `month` fixture opens the current month of the `agency` cast (tests/conftest.py)
under nd335 as the HR officer lan and moves it to self-assessment: thu (VP clerk) has
two work items from her job position; hanh heads VP, binh is her deputy, quang leads
the agency, duc heads NV.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation import services
from evaluation.models import Evaluation, EvaluationState, PeriodState
from evaluation.rulesets import SHIPPED_FIXTURE
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db

D = Decimal
FULL = dict(enumerate(D(v) for v in ("5", "5") + ("2.5",) * 8))


def open_month(agency):
    """Open the agency's current month under nd335 and move it to self-assessment."""
    call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)
    lan = agency.users["lan"]
    period = services.period_open(
        organisation=agency.organisation,
        year=agency.today.year,
        number=agency.today.month,
        by=lan,
        rule_set_code="nd335",
    )
    agency.period = services.period_advance(period=period, to=PeriodState.SELF_ASSESSMENT, by=lan)
    return agency


@shared_cast("month")
def month(agency):
    """The agency with its current month open, built once for the module (tests/shared.py)."""
    return open_month(agency)


def evaluation_of(cast, username) -> Evaluation:
    return Evaluation.objects.get(
        period=cast.period, employee=cast.employees[username], is_current=True
    )


def to_scoring(cast):
    cast.period = services.period_advance(
        period=cast.period, to=PeriodState.SCORING, by=cast.users["lan"]
    )


def test_it_shows_the_employee_her_month(client, month):
    client.force_login(month.users["thu"])
    response = client.get(reverse("evaluation:my_month"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tiếp nhận, vào sổ văn bản đến" in page
    assert "tối đa 5" in page


def test_it_saves_and_submits_the_self_assessment(client, month):
    thu = evaluation_of(month, "thu")
    items = list(thu.work_items.order_by("id"))
    client.force_login(month.users["thu"])
    data = {"revision": thu.revision, "action": "submit", "self_comment": "Hoàn thành tốt"}
    for item in items:
        data[f"item-{item.pk}-done"] = "0,8"
        data[f"item-{item.pk}-evidence_number"] = "12/VP"
    for index, value in FULL.items():
        data[f"c{index}"] = str(value).replace(".", ",")
    response = client.post(reverse("evaluation:my_month_of", args=[thu.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    thu.refresh_from_db()
    assert thu.state == EvaluationState.SELF_SUBMITTED
    assert [i.done for i in thu.work_items.order_by("id")] == [D("0.8"), D("0.8")]
    page = client.get(reverse("evaluation:my_month_of", args=[thu.pk])).content.decode()
    assert "chỉ còn để xem" in page


def test_it_refuses_a_score_above_the_maximum_naming_the_field(client, month):
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["thu"])
    data = {"revision": thu.revision, "action": "save", "c0": "6"}
    for item in thu.work_items.all():
        data[f"item-{item.pk}-done"] = "-1"
    response = client.post(reverse("evaluation:my_month_of", args=[thu.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "không được lớn hơn 5" in page
    assert "Khối lượng hoàn thành không được nhỏ hơn 0" in page
    thu.refresh_from_db()
    assert thu.revision == 0


def test_it_lets_the_head_score_with_a_live_preview(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:scoring", args=[month.period.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Phạm Thị Thu" in response.content.decode()
    prefix = f"r{thu.pk}"
    data = {f"{prefix}-revision": thu.revision}
    for index, value in FULL.items():
        data[f"{prefix}-c{index}"] = str(value)
    for item in thu.work_items.all():
        for name in ("errors", "late", "excused"):
            data[f"{prefix}-i{item.pk}_{name}"] = "0"
    preview = client.post(reverse("evaluation:score_preview", args=[month.period.pk, thu.pk]), data)
    assert preview.status_code == 200, preview.content.decode()
    assert "xem trước" in preview.content.decode()
    saved = client.post(
        reverse("evaluation:score_save", args=[month.period.pk, thu.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200, saved.content.decode()
    thu.refresh_from_db()
    assert thu.state == EvaluationState.SCORED
    stale = client.post(
        reverse("evaluation:score_save", args=[month.period.pk, thu.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert "người khác sửa" in stale.content.decode()


def test_it_keeps_an_evidence_file_and_refuses_a_program(client, month, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    thu = evaluation_of(month, "thu")
    item = thu.work_items.order_by("id").first()
    client.force_login(month.users["thu"])
    url = reverse("evaluation:my_month_of", args=[thu.pk])
    data = {"revision": thu.revision, "action": "save"}
    data.update({f"item-{i.pk}-done": "1" for i in thu.work_items.all()})
    data[f"item-{item.pk}-evidence_file"] = SimpleUploadedFile("chay.exe", b"MZ")
    response = client.post(url, data)
    assert response.status_code == 400
    assert len(response.context["error_messages"]) == 1
    assert "Tệp minh chứng" in response.context["error_messages"][0]
    assert "exe" in response.context["error_messages"][0]
    item.refresh_from_db()
    assert not item.evidence_file
    data["revision"] = thu.revision
    data[f"item-{item.pk}-evidence_file"] = SimpleUploadedFile(
        "bien-ban.pdf", b"%PDF-1.4\n", content_type="application/pdf"
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["error_messages"]
    item.refresh_from_db()
    assert item.evidence_file.name.endswith(".pdf")


def test_it_shows_the_quota_situation_under_hn3814(client, agency):
    call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)
    lan = agency.users["lan"]
    period = services.period_open(
        organisation=agency.organisation,
        year=agency.today.year,
        number=agency.today.month,
        by=lan,
        rule_set_code="hn3814",
    )
    for state in (PeriodState.SELF_ASSESSMENT, PeriodState.SCORING):
        period = services.period_advance(period=period, to=state, by=lan)
    client.force_login(agency.users["hanh"])
    page = client.get(reverse("evaluation:scoring", args=[period.pk])).content.decode()
    assert "Tỷ lệ mức cao nhất trong đơn vị" in page
    assert "tối đa 1 / 4 người được xếp loại (30%)" in page
    assert "Điểm thưởng:" in page  # hn3814 has a bonus block


def test_it_speaks_english_when_asked(client, month):
    from django.conf import settings

    client.force_login(month.users["thu"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("evaluation:my_month")).content.decode()
    assert "Work items of the period" in page
    assert "Send the self-assessment" in page

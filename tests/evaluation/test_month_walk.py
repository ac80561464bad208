"""The month as people really walk it (issue 17): what each role meets in the pages.

Forms are posted the way a browser posts them: every input the page ties to the row's
<form> (inside it or through its `form` attribute), nothing more.
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from evaluation.models import EvaluationState
from hrsystem import services as hr_services
from tests.evaluation.test_views_pages import evaluation_of, open_month, to_scoring

pytestmark = pytest.mark.django_db


class _FormInputs(HTMLParser):
    """Name → value of every successful control of the <form id=form_id> in a page."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        owned = attrs.get("form") == self.form_id or (self.inside and "form" not in attrs)
        if not owned or "name" not in attrs or "disabled" in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button"):
                self.values[attrs["name"]] = attrs.get("value") or (
                    "on" if kind == "checkbox" else ""
                )
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self.values.setdefault(attrs["name"], "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "textarea":
            self._textarea = None


def form_values(page: str, form_id: str) -> dict[str, str]:
    parser = _FormInputs(form_id)
    parser.feed(page)
    return parser.values


@pytest.fixture
def month(agency):
    return open_month(agency)


def test_a_deputy_saves_a_score_with_the_comment_typed(client, month):
    hr_services.deputy_delegate(
        deputy=month.employees["binh"],
        staff=month.employees["thu"],
        unit=month.units["VP"],
        start=month.today - timedelta(days=400),
    )
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["binh"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    data = form_values(page, f"row-{thu.pk}-form")
    for index in range(10):
        data[f"r{thu.pk}-c{index}"] = "2"
    data[f"r{thu.pk}-head_comment"] = "Cần chủ động hơn"
    response = client.post(
        reverse("evaluation:score_save", args=[month.period.pk, thu.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert "bắt buộc" not in response.content.decode()
    thu.refresh_from_db()
    assert thu.state == EvaluationState.SCORED
    assert thu.head_comment == "Cần chủ động hơn"


def test_no_input_of_the_scoring_page_is_labelled_none(client, month):
    to_scoring(month)
    client.force_login(month.users["hanh"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    assert 'id="row-' in page
    assert 'aria-label="None' not in page


# --- defect 2: work evidence through a checked view, content checked -------------------


def _upload(client, cast, name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    thu = evaluation_of(cast, "thu")
    item = thu.work_items.order_by("id").first()
    client.force_login(cast.users["thu"])
    data = {"revision": thu.revision, "action": "save"}
    data.update({f"item-{i.pk}-done": "1" for i in thu.work_items.all()})
    data[f"item-{item.pk}-evidence_file"] = SimpleUploadedFile(name, content)
    response = client.post(reverse("evaluation:my_month_of", args=[thu.pk]), data)
    item.refresh_from_db()
    return response, item


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>"),
        ("ke-hoach.docx", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("anh.png", b"%PDF-1.4\n"),
    ],
)
def test_it_refuses_evidence_whose_content_is_not_what_its_name_says(
    client, month, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    response, item = _upload(client, month, name, content)
    assert response.status_code == 400
    assert name in " ".join(response.context["error_messages"])
    assert not item.evidence_file


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 32


@pytest.mark.parametrize(("name", "content"), [("Báo cáo tháng.pdf", PDF), ("Kế hoạch.docx", DOCX)])
def test_it_serves_work_evidence_to_those_who_may_see_it_under_its_own_name(
    client, month, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    response, item = _upload(client, month, name, content)
    assert response.status_code == 302
    assert item.evidence_name == name
    assert name not in item.evidence_file.name  # stored under a random name
    url = reverse("evaluation:work_evidence", args=[item.pk])
    my_month = client.get(reverse("evaluation:my_month_of", args=[item.evaluation_id]))
    assert url in my_month.content.decode()
    assert name in my_month.content.decode()
    assert "/media/" not in my_month.content.decode()
    to_scoring(month)
    for username, status in [
        ("thu", 200),  # the owner
        ("hanh", 200),  # her head, who scores her
        ("quang", 200),  # the agency leader
        ("kiem", 200),  # an inspector of the agency
        ("duc", 403),  # another unit's head
        ("mai", 403),  # a colleague elsewhere
        ("khach", 404),  # another agency
    ]:
        client.force_login(month.users[username])
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            assert b"".join(response.streaming_content) == content
            assert "filename" in response["Content-Disposition"]
    client.force_login(month.users["hanh"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    assert url in page
    assert "/media/" not in page


# --- defect 3: the leader's overview mid-month --------------------------------------------


def test_mid_month_the_overview_shows_progress_not_a_level_and_notes_only_scored_people(
    client, month
):
    from decimal import Decimal

    from evaluation import services

    to_scoring(month)
    thu = evaluation_of(month, "thu")
    services.evaluation_score(
        evaluation=thu,
        revision=thu.revision,
        by=month.users["hanh"],
        final=dict.fromkeys(range(10), Decimal(0)),
    )
    client.force_login(month.users["quang"])
    response = client.get(reverse("evaluation:overview", args=[month.period.pk]))
    page = response.content.decode()
    vp = next(up for up in response.context["unit_periods"] if up.unit.code == "VP")
    assert vp.level_label is None
    assert vp.figures == {"total": 4, "scored": 1}
    assert "Chưa chấm xong (1/4)" in page
    noted = [e.employee.full_name for e in response.context["exceptions"]]
    assert noted == ["Phạm Thị Thu"]  # scored Không hoàn thành; nobody unscored


# --- defect 6: a unit returned, its reason at the top of the head's page --------------------


def test_a_returned_units_head_is_told_and_reads_the_reason_first(client, month):
    from evaluation import services
    from evaluation.models import Notification, UnitPeriod
    from tests.evaluation.test_views_workflow import SCORERS

    to_scoring(month)
    for username, by in SCORERS:
        if by == "hanh":
            evaluation = evaluation_of(month, username)
            services.evaluation_score(
                evaluation=evaluation,
                revision=evaluation.revision,
                by=month.users["hanh"],
                final=dict.fromkeys(range(10), 2),
            )
    vp = UnitPeriod.objects.get(period=month.period, unit=month.units["VP"])
    services.unit_submit(unit_period=vp, by=month.users["hanh"])
    services.unit_return(
        unit_periods=[vp], reason="Điểm tiêu chí 3 chưa có minh chứng", by=month.users["quang"]
    )
    told = Notification.objects.get(user=month.users["hanh"], kind="unit_returned")
    client.force_login(month.users["hanh"])
    page = client.get(told.url).content.decode()
    alert = page.index('<div class="messages" role="alert">')
    assert "Điểm tiêu chí 3 chưa có minh chứng" in page[alert : alert + 600]
    assert alert < page.index('id="row-')


# --- defect 7: discipline effects reach the pages -------------------------------------------


def test_the_overview_counts_substantiated_complaints_for_the_units_head(client, month):
    from discipline import services as ledger
    from discipline.models import ComplaintChannel

    complaint = ledger.complaint_record(
        channel=ComplaintChannel.choices[0][0],
        received_on=month.today,
        content="Chậm trả kết quả",
        employee=month.employees["thu"],
    )
    ledger.complaint_decide(complaint=complaint, substantiated=True, note="Đúng")
    client.force_login(month.users["quang"])
    response = client.get(reverse("evaluation:overview", args=[month.period.pk]))
    counts = {up.unit.code: up.complaints for up in response.context["unit_periods"]}
    assert counts["VP"] == 1 and counts["NV"] == 0
    assert "Phản ánh đúng" in response.content.decode()


def test_a_decision_in_effect_caps_the_year_on_the_persons_results(client, agency, clock):
    from datetime import date

    from django.core.management import call_command

    from discipline import services as ledger
    from discipline.models import DisciplineForm
    from tests.evaluation.test_views_workflow import published

    call_command("loaddata", "fixtures/reference/discipline_forms.json", verbosity=0)
    cast = published(open_month(agency))
    year = cast.today.year
    ledger.discipline_decide(
        employee=cast.employees["thu"],
        number="3/QĐ",
        decided_on=date(year - 1, 12, 1),
        signer_name="Trần Văn Quang",
        signer_title="Chủ tịch",
        form=DisciplineForm.objects.get(code="khien_trach"),
        legal_basis="Nghị định 112/2020/NĐ-CP",
        effect_from=date(year - 1, 12, 1),
        effect_to=date(year, 11, 30),
    )
    client.force_login(cast.users["thu"])
    page = client.get(reverse("evaluation:my_results")).content.decode()
    assert f"Năm {year}: quyết định kỷ luật “Khiển trách”" in page
    client.force_login(cast.users["lan"])
    assert "quyết định kỷ luật" not in client.get(reverse("evaluation:my_results")).content.decode()


# --- defect 9: the head enters done quantities for someone who did not declare ------------


def test_the_head_enters_done_quantities_for_staff_who_did_not_declare(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    items = list(thu.work_items.order_by("id"))
    client.force_login(month.users["hanh"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    data = form_values(page, f"row-{thu.pk}-form")
    assert f"r{thu.pk}-i{items[0].pk}_done" in data
    for index in range(10):
        data[f"r{thu.pk}-c{index}"] = "2"
    for item in items:
        data[f"r{thu.pk}-i{item.pk}_done"] = str(item.planned).replace(".", ",")
    response = client.post(
        reverse("evaluation:score_save", args=[month.period.pk, thu.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert "người chấm nhập" in response.content.decode()
    thu.refresh_from_db()
    assert thu.state == EvaluationState.SCORED
    assert thu.level != "fail"
    for item in thu.work_items.order_by("id"):
        assert item.done == item.planned
        assert item.done_entered_by == month.users["hanh"]
    client.force_login(month.users["thu"])
    page = client.get(reverse("evaluation:my_month_of", args=[thu.pk])).content.decode()
    assert "người chấm nhập" in page


def test_a_declared_quantity_stays_the_persons_own(client, month):
    from decimal import Decimal

    from evaluation import services

    thu = evaluation_of(month, "thu")
    item = thu.work_items.order_by("id").first()
    services.self_assessment_submit(
        evaluation=thu,
        revision=thu.revision,
        by=month.users["thu"],
        proposed=dict.fromkeys(range(10), Decimal(2)),
    )
    to_scoring(month)
    thu.refresh_from_db()
    client.force_login(month.users["hanh"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    assert f"r{thu.pk}-i{item.pk}_done" not in form_values(page, f"row-{thu.pk}-form")
    with pytest.raises(Exception, match="đã tự kê khai"):
        services.evaluation_score(
            evaluation=thu,
            revision=thu.revision,
            by=month.users["hanh"],
            final=dict.fromkeys(range(10), Decimal(2)),
            items={item.pk: {"done": item.done + 1}},
        )


# --- defect 4: publication waits for contests and appeals ----------------------------------


def test_publication_is_refused_with_the_list_while_a_violation_is_contested(client, month):
    from django.core.management import call_command

    from discipline import services as ledger
    from discipline.models import ViolationCatalogueItem
    from evaluation import services
    from evaluation.models import PeriodState
    from tests.evaluation.test_views_workflow import score_all, submit_all

    call_command("loaddata", "fixtures/reference/violation_catalogue.json", verbosity=0)
    item = ViolationCatalogueItem.objects.filter(applies_to="person").first()
    violation = ledger.violation_record(
        item=item,
        occurred_on=month.period.start,
        employee=month.employees["thu"],
        by=month.users["hanh"],
    )
    ledger.violation_contest(violation=violation, reason="Không đúng", by=month.users["thu"])
    to_scoring(month)
    score_all(month)
    submit_all(month)
    month.period = services.period_sign_off(period=month.period, by=month.users["quang"])
    client.force_login(month.users["quang"])
    url = reverse("evaluation:period_action", args=[month.period.pk, "publish"])
    response = client.post(url, {"confirmed": "1", "next": "/"}, follow=True)
    page = " ".join(str(m) for m in response.context["messages"])
    assert "Vi phạm đang khiếu nại: Phạm Thị Thu" in page, page
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.SIGNED_OFF
    overview = client.get(reverse("evaluation:overview", args=[month.period.pk]))
    assert "Vi phạm đang khiếu nại: Phạm Thị Thu" in overview.content.decode()
    panel = _confirm_panel(overview.content.decode(), "Công bố kết quả cho công chức")
    assert "Vi phạm đang khiếu nại: Phạm Thị Thu" in panel


def _confirm_panel(page: str, label: str) -> str:
    """The confirmation panel behind the first click on `label`."""
    start = page.index(f'<summary class="btn">{label}</summary>')
    return page[start : page.index("</details>", start)]


def test_each_irreversible_step_says_what_happens_and_who_is_not_done_first(client, month):
    from evaluation import services

    client.force_login(month.users["thu"])
    thu = evaluation_of(month, "thu")
    page = client.get(reverse("evaluation:my_month_of", args=[thu.pk])).content.decode()
    panel = _confirm_panel(page, "Gửi tự đánh giá")
    assert "không sửa được" in panel and "Tiếp nhận, vào sổ văn bản đến" in panel
    assert "Xác nhận: Gửi tự đánh giá" in panel

    client.force_login(month.users["lan"])
    page = client.get(reverse("evaluation:overview", args=[month.period.pk])).content.decode()
    panel = _confirm_panel(page, "Chuyển sang chấm điểm")
    assert "người chưa gửi tự đánh giá" in panel and "Phạm Thị Thu" in panel

    to_scoring(month)
    for username in ("binh", "thu", "anh"):
        evaluation = evaluation_of(month, username)
        leader = {"dd": 100, "e": 100} if evaluation.is_leader else {}
        services.evaluation_score(
            evaluation=evaluation,
            revision=evaluation.revision,
            by=month.users["hanh"],
            final=dict.fromkeys(range(10), 2),
            **leader,
        )
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:scoring", args=[month.period.pk]) + f"?unit={month.units['VP'].pk}"
    panel = _confirm_panel(
        client.get(url).content.decode(), "Gửi kết quả đơn vị lên lãnh đạo cơ quan"
    )
    assert "chỉ sửa được điểm khi lãnh đạo trả lại" in panel


# --- defect 10: scoring ergonomics --------------------------------------------------------


def test_the_scoring_page_offers_select_all_and_a_multi_line_comment(client, month):
    from evaluation import services

    thu = evaluation_of(month, "thu")
    services.self_assessment_submit(
        evaluation=thu,
        revision=thu.revision,
        by=month.users["thu"],
        proposed=dict.fromkeys(range(10), 2),
    )
    to_scoring(month)
    client.force_login(month.users["hanh"])
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    assert 'data-select-all="evaluations"' in page and "Chọn tất cả" in page
    assert f'<textarea name="r{thu.pk}-head_comment"' in page
    data = form_values(page, f"row-{thu.pk}-form")
    data[f"r{thu.pk}-head_comment"] = "Dòng một\nDòng hai"
    for index in range(10):
        data[f"r{thu.pk}-c{index}"] = "2"
    client.post(reverse("evaluation:score_save", args=[month.period.pk, thu.pk]), data)
    thu.refresh_from_db()
    assert thu.head_comment == "Dòng một\nDòng hai"


# --- smaller ----------------------------------------------------------------------------


def test_the_favicon_is_found(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_my_month_stays_on_the_month_still_to_declare_when_the_next_opens(client, month):
    from evaluation import services

    current = evaluation_of(month, "thu")
    year, number = (
        (month.today.year + 1, 1)
        if month.today.month == 12
        else (month.today.year, month.today.month + 1)
    )
    services.period_open(
        organisation=month.organisation,
        year=year,
        number=number,
        by=month.users["lan"],
        rule_set_code="nd335",
    )
    client.force_login(month.users["thu"])
    response = client.get(reverse("evaluation:my_month"))
    assert response.context["evaluation"].pk == current.pk


def test_a_deputy_with_delegated_staff_finds_scoring_in_the_menu(client, month):
    scoring = reverse("evaluation:scoring_current")
    client.force_login(month.users["binh"])
    assert f'href="{scoring}"' not in client.get(reverse("home")).content.decode()
    hr_services.deputy_delegate(
        deputy=month.employees["binh"],
        staff=month.employees["thu"],
        unit=month.units["VP"],
        start=month.today - timedelta(days=400),
    )
    assert f'href="{scoring}"' in client.get(reverse("home")).content.decode()

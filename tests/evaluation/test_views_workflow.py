"""The normal path of every role through the pages, and the refusals that change nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import (
    Appeal,
    AppealState,
    Evaluation,
    EvaluationState,
    Period,
    PeriodState,
    UnitPeriod,
    UnitPeriodState,
)
from tests.evaluation.test_views_pages import FULL, evaluation_of, open_month, to_scoring

pytestmark = pytest.mark.django_db

SCORERS = [
    ("binh", "hanh"),
    ("anh", "hanh"),
    ("thu", "hanh"),
    ("lan", "duc"),
    ("kiem", "duc"),
    ("mai", "tu"),
    ("hanh", "quang"),
    ("duc", "quang"),
    ("tu", "quang"),
]
UNITS = [("VP", "hanh"), ("NV", "duc"), ("TCKH", "tu"), ("TCKH-NS", "tu"), ("UBND", "quang")]


@pytest.fixture
def month(agency):
    return open_month(agency)


def self_submit(cast, username):
    evaluation = evaluation_of(cast, username)
    services.self_assessment_submit(
        evaluation=evaluation, revision=evaluation.revision, by=cast.users[username], proposed=FULL
    )


def score_all(cast):
    for username, by in SCORERS:
        evaluation = evaluation_of(cast, username)
        leader = {"dd": Decimal(100), "e": Decimal(100)} if evaluation.is_leader else {}
        services.evaluation_score(
            evaluation=evaluation,
            revision=evaluation.revision,
            by=cast.users[by],
            final=FULL,
            **leader,
        )


def submit_all(cast):
    for code, by in UNITS:
        unit_period = UnitPeriod.objects.get(period=cast.period, unit=cast.units[code])
        services.unit_submit(unit_period=unit_period, by=cast.users[by])
    cast.period.refresh_from_db()
    if cast.period.state == PeriodState.SCORING:
        services.period_advance(period=cast.period, to=PeriodState.SUBMITTED, by=cast.users["lan"])
    cast.period.refresh_from_db()


def published(cast):
    to_scoring(cast)
    score_all(cast)
    submit_all(cast)
    cast.period = services.period_sign_off(period=cast.period, by=cast.users["quang"])
    cast.period = services.period_publish(period=cast.period, by=cast.users["quang"])
    return cast


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_it_approves_many_self_assessments_at_once(client, month):
    to_scoring(month)
    self_submit(month, "thu")
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:score_bulk", args=[month.period.pk])
    response = client.post(url, {"action": "approve", "evaluations": [thu.pk]}, follow=True)
    assert "Đã duyệt 1 phiếu" in messages_of(response)
    thu.refresh_from_db()
    assert thu.state == EvaluationState.SCORED
    assert [s.final for s in thu.criterion_scores.order_by("criterion_index")] == list(
        FULL.values()
    )


def test_it_returns_many_with_one_reason_and_refuses_without_one(client, month):
    to_scoring(month)
    self_submit(month, "thu")
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:score_bulk", args=[month.period.pk])
    response = client.post(url, {"action": "return", "evaluations": [thu.pk]}, follow=True)
    assert "Trả lại phải ghi rõ lý do" in messages_of(response)
    thu.refresh_from_db()
    assert thu.state == EvaluationState.SELF_SUBMITTED
    client.post(url, {"action": "return", "evaluations": [thu.pk], "reason": "Thiếu minh chứng"})
    thu.refresh_from_db()
    assert (thu.state, thu.return_reason) == (EvaluationState.DRAFT, "Thiếu minh chứng")
    client.force_login(month.users["thu"])
    page = client.get(reverse("evaluation:my_month_of", args=[thu.pk])).content.decode()
    assert "Thiếu minh chứng" in page


def test_it_ignores_a_forged_row_in_a_bulk_action(client, month):
    to_scoring(month)
    self_submit(month, "lan")
    lan = evaluation_of(month, "lan")  # NV, not hanh's
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:score_bulk", args=[month.period.pk])
    response = client.post(url, {"action": "approve", "evaluations": [lan.pk]}, follow=True)
    assert "không thuộc danh sách bạn chấm" in messages_of(response)
    lan.refresh_from_db()
    assert lan.state == EvaluationState.SELF_SUBMITTED


def test_it_lets_the_head_submit_the_unit_once_everyone_is_scored(client, month):
    to_scoring(month)
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:unit_submit", args=[month.period.pk, month.units["VP"].pk])
    response = client.post(url, follow=True)
    assert "Chưa chấm điểm" in messages_of(response)
    score_all(month)
    client.post(url)
    unit_period = UnitPeriod.objects.get(period=month.period, unit=month.units["VP"])
    assert unit_period.state == UnitPeriodState.SUBMITTED


def test_it_lets_the_leader_return_a_unit_with_a_reason(client, month):
    to_scoring(month)
    score_all(month)
    submit_all(month)
    vp = UnitPeriod.objects.get(period=month.period, unit=month.units["VP"])
    client.force_login(month.users["quang"])
    url = reverse("evaluation:units_action", args=[month.period.pk])
    response = client.post(url, {"action": "return", "unit_periods": [vp.pk]}, follow=True)
    assert "phải ghi rõ lý do" in messages_of(response)
    vp.refresh_from_db()
    assert vp.state == UnitPeriodState.SUBMITTED
    client.post(url, {"action": "return", "unit_periods": [vp.pk], "reason": "Xem lại điểm"})
    vp.refresh_from_db()
    assert (vp.state, vp.return_reason) == (UnitPeriodState.RETURNED, "Xem lại điểm")


def test_it_signs_off_and_publishes_from_the_overview(client, month):
    to_scoring(month)
    score_all(month)
    submit_all(month)
    client.force_login(month.users["quang"])
    overview = reverse("evaluation:overview", args=[month.period.pk])
    assert "Phê duyệt kết quả toàn cơ quan" in client.get(overview).content.decode()
    for action in ("sign_off", "publish"):
        url = reverse("evaluation:period_action", args=[month.period.pk, action])
        client.post(url, {"next": overview})
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.PUBLISHED
    client.force_login(month.users["lan"])
    lock = reverse("evaluation:period_action", args=[month.period.pk, "lock"])
    response = client.post(lock, follow=True)
    assert "Chưa hết hạn kiến nghị" in messages_of(response)


def test_it_takes_an_appeal_and_its_decision_makes_a_new_version(client, month):
    published(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["thu"])
    detail = reverse("evaluation:result_detail", args=[thu.pk])
    assert "Gửi kiến nghị" in client.get(detail).content.decode()
    client.post(reverse("evaluation:appeal_file", args=[thu.pk]), {"reason": "Tôi đủ điểm"})
    appeal = Appeal.objects.get(evaluation=thu)

    client.force_login(month.users["hanh"])  # her scorer may not decide
    assert client.get(reverse("evaluation:appeal_decide", args=[appeal.pk])).status_code == 403
    client.force_login(month.users["quang"])
    url = reverse("evaluation:appeal_decide", args=[appeal.pk])
    assert "Tôi đủ điểm" in client.get(url).content.decode()
    prefix = f"r{thu.pk}"
    data = {"decision": "upheld", "reason": "Chấm lại tiêu chí 2", f"{prefix}-revision": 0}
    data.update({f"{prefix}-c{index}": str(value) for index, value in FULL.items()})
    data[f"{prefix}-c1"] = "4"
    assert client.post(url, data).status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.UPHELD
    new = Evaluation.objects.get(period=month.period, employee=thu.employee, is_current=True)
    assert new.version == 2
    client.force_login(month.users["thu"])
    page = client.get(detail).content.decode()
    assert "Chấm lại tiêu chí 2" in page
    assert "Xem kết quả sau kiến nghị" in page


def test_it_opens_a_period_with_deadlines_prefilled_and_refuses_them_out_of_order(client, month):
    client.force_login(month.users["lan"])
    url = reverse("evaluation:period_open")
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    assert data["scoring_due"] is not None
    data["scoring_due"] = data["self_assessment_due"] - timedelta(days=1)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Hạn thủ trưởng chấm điểm phải sau" in response.content.decode()
    count = Period.objects.count()
    data["scoring_due"] = data["self_assessment_due"] + timedelta(days=1)
    assert client.post(url, data).status_code == 302
    assert Period.objects.count() == count + 1


def test_it_reopens_a_locked_period_only_with_a_reason(client, month):
    published(month)
    Period.objects.filter(pk=month.period.pk).update(
        appeal_due=month.today - timedelta(days=1)
    )  # the appeal window has passed
    client.force_login(month.users["lan"])
    client.post(reverse("evaluation:period_action", args=[month.period.pk, "lock"]))
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.LOCKED
    url = reverse("evaluation:period_reopen", args=[month.period.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.LOCKED
    assert client.post(url, {"reason": "Sai điểm phòng Nội vụ"}).status_code == 302
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.SCORING


def test_it_lets_the_head_assign_extra_work_and_refuses_bad_figures(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:score_add", args=[month.period.pk, thu.pk, "item"])
    data = {"revision": thu.revision, "name": "Báo cáo đột xuất", "unit_of_measure": "báo cáo"}
    response = client.post(url, {**data, "planned": "-1", "coefficient": "1"}, follow=True)
    assert "Khối lượng giao không được nhỏ hơn" in messages_of(response)
    assert not thu.work_items.filter(ad_hoc=True).exists()
    client.post(url, {**data, "planned": "2", "coefficient": "1,5"})
    item = thu.work_items.get(ad_hoc=True)
    assert (item.planned, item.coefficient) == (Decimal(2), Decimal("1.5"))
    page = client.get(reverse("evaluation:scoring", args=[month.period.pk])).content.decode()
    assert "Báo cáo đột xuất" in page


def test_it_refuses_a_bonus_under_a_rule_set_without_one(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:score_add", args=[month.period.pk, thu.pk, "bonus"])
    response = client.post(
        url, {"revision": thu.revision, "points": "2", "reason": "Sáng kiến"}, follow=True
    )
    assert "không có điểm thưởng" in messages_of(response)
    assert not thu.bonus_entries.exists()


def test_it_marks_a_person_absent_for_the_whole_period(client, month):
    to_scoring(month)
    anh = evaluation_of(month, "anh")
    client.force_login(month.users["hanh"])
    prefix = f"r{anh.pk}"
    data = {f"{prefix}-revision": anh.revision, f"{prefix}-absent": "on"}
    for item in anh.work_items.all():
        for name in ("errors", "late", "excused"):
            data[f"{prefix}-i{item.pk}_{name}"] = "0"
    preview = client.post(reverse("evaluation:score_preview", args=[month.period.pk, anh.pk]), data)
    assert "Không xếp loại" in preview.content.decode()
    client.post(
        reverse("evaluation:score_save", args=[month.period.pk, anh.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )
    anh.refresh_from_db()
    assert (anh.absent, anh.state) == (True, EvaluationState.SCORED)


def test_it_lets_hr_move_the_period_to_scoring_from_the_period_list(client, month):
    client.force_login(month.users["lan"])
    page = client.get(reverse("evaluation:period_list")).content.decode()
    assert "Chuyển sang chấm điểm" in page
    url = reverse("evaluation:period_action", args=[month.period.pk, "advance"])
    client.post(url, {"to": PeriodState.SCORING})
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.SCORING
    client.force_login(month.users["hanh"])  # a head may not
    assert client.post(url, {"to": PeriodState.SUBMITTED}).status_code == 403
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.SCORING

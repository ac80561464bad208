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
from tests.shared import shared_cast

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


@shared_cast("month")
def month(agency):
    """The agency with its current month open, built once for the module (tests/shared.py)."""
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
    assert client.post(url, {"scope": "all", "reason": "", "confirm": "1"}).status_code == 400
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.LOCKED
    whole = {"scope": "all", "reason": "Sai điểm phòng Nội vụ"}
    assert client.post(url, whole).status_code == 200  # the dry run first
    month.period.refresh_from_db()
    assert month.period.state == PeriodState.LOCKED
    assert client.post(url, {**whole, "confirm": "1"}).status_code == 302
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


# --- what each page offers at each step ------------------------------------------------


def page_of(client, cast, username, name, *args) -> str:
    """The page `name` as `username` sees it; a period's page unless `args` say otherwise."""
    client.force_login(cast.users[username])
    if name not in ("period_list", "my_results") and not args:
        args = (cast.period.pk,)
    return client.get(reverse(f"evaluation:{name}", args=args)).content.decode()


def result_cell(page: str, evaluation) -> str:
    return page.split(f'id="result-{evaluation.pk}"')[1].split("</td>")[0]


def test_it_offers_scoring_during_self_assessment_only_for_sent_self_assessments(client, month):
    self_submit(month, "thu")
    thu, anh = evaluation_of(month, "thu"), evaluation_of(month, "anh")
    page = page_of(client, month, "hanh", "scoring")
    assert f'name="r{thu.pk}-c0"' in page
    assert f'value="{thu.pk}" form="bulk-form"' in page
    assert f'name="r{anh.pk}-c0"' not in page  # still declaring: the service refuses her
    assert f'value="{anh.pk}" form="bulk-form"' not in page
    assert "Đang tự đánh giá: chấm được khi người này gửi phiếu" in page
    assert "Gửi kết quả đơn vị lên lãnh đạo cơ quan" not in page  # only at the scoring step
    assert "Gửi được khi kỳ sang bước chấm điểm" in page


def test_it_offers_the_unit_submission_once_everyone_is_scored(client, month):
    to_scoring(month)
    page = page_of(client, month, "hanh", "scoring")
    assert "Gửi kết quả đơn vị lên lãnh đạo cơ quan" not in page
    assert "còn 3 người chưa chấm" in page and "Phạm Thị Thu" in page
    score_all(month)
    page = page_of(client, month, "hanh", "scoring")
    assert "Gửi kết quả đơn vị lên lãnh đạo cơ quan" in page
    assert "người chưa chấm" not in page


def test_it_shows_a_published_period_read_only(client, month):
    published(month)
    page = page_of(client, month, "hanh", "scoring")
    assert "Kết quả đã công bố: chỉ thay đổi qua kiến nghị." in page
    assert 'form="bulk-form"' not in page and 'id="bulk-form"' not in page
    assert "data-preview" not in page and ">Lưu</button>" not in page
    assert "Giao thêm việc:" not in page


def test_it_shows_an_unscored_person_neutrally_until_the_head_types_scores(client, month):
    to_scoring(month)
    self_submit(month, "thu")
    thu, anh = evaluation_of(month, "thu"), evaluation_of(month, "anh")
    page = page_of(client, month, "hanh", "scoring")
    assert "Chưa chấm" in result_cell(page, anh)
    assert "level--" not in result_cell(page, anh)
    assert "duyệt theo tự chấm" in result_cell(page, thu)
    assert "level--" not in result_cell(page, thu)
    prefix = f"r{anh.pk}"
    data = {f"{prefix}-revision": anh.revision, f"{prefix}-c0": "5"}
    for item in anh.work_items.all():
        for name in ("errors", "late", "excused"):
            data[f"{prefix}-i{item.pk}_{name}"] = "0"
    url = reverse("evaluation:score_preview", args=[month.period.pk, anh.pk])
    preview = client.post(url, data).content.decode()
    assert "còn 9 tiêu chí chưa nhập" in preview and "level--" not in preview
    data.update({f"{prefix}-c{index}": str(value) for index, value in FULL.items()})
    preview = client.post(url, data).content.decode()
    assert "level--" in preview and "xem trước" in preview


def test_it_names_the_leaders_criteria_in_words(client, month):
    to_scoring(month)
    page = page_of(client, month, "quang", "scoring")  # the agency leader scores the heads
    assert "Hoàn thành kế hoạch đơn vị (đ)" in page and "Đoàn kết, tập hợp (e)" in page
    assert ">Đạt (100)</option>" in page and ">Không đạt (50)</option>" in page
    assert "Không đạt tính 50 điểm và phải ghi lý do" in page
    hanh = evaluation_of(month, "hanh")
    prefix = f"r{hanh.pk}"
    data = {f"{prefix}-revision": hanh.revision, f"{prefix}-dd": "50", f"{prefix}-e": "100"}
    data.update({f"{prefix}-c{index}": str(value) for index, value in FULL.items()})
    for item in hanh.work_items.all():
        for name in ("errors", "late", "excused"):
            data[f"{prefix}-i{item.pk}_{name}"] = "0"
    url = reverse("evaluation:score_preview", args=[month.period.pk, hanh.pk])
    assert "Hoàn thành kế hoạch đơn vị (đ): không đạt thì phải ghi rõ lý do" in (
        client.post(url, data).content.decode()
    )


def next_step(page: str) -> str:
    return page.split('id="next-step">')[1].split("</p>")[0].strip()


def test_it_says_what_happens_next_and_who_does_it_at_every_step(client, month):
    overview = ("quang", "overview")
    assert "thủ trưởng đơn vị chấm những phiếu đã gửi" in next_step(
        page_of(client, month, *overview)
    )
    to_scoring(month)
    assert "Thủ trưởng các đơn vị chấm điểm và gửi kết quả" in next_step(
        page_of(client, month, *overview)
    )
    score_all(month)
    submit_all(month)
    assert "phê duyệt kết quả toàn cơ quan" in next_step(page_of(client, month, *overview))
    assert "chờ lãnh đạo cơ quan phê duyệt" in next_step(page_of(client, month, "lan", "overview"))
    month.period = services.period_sign_off(period=month.period, by=month.users["quang"])
    assert "công bố kết quả" in next_step(page_of(client, month, *overview))
    month.period = services.period_publish(period=month.period, by=month.users["quang"])
    assert "cán bộ tổ chức khoá kỳ" in next_step(page_of(client, month, *overview))
    Period.objects.filter(pk=month.period.pk).update(appeal_due=month.today - timedelta(days=1))
    services.period_lock(period=month.period, by=month.users["lan"])
    assert "mở lại kỳ" in next_step(page_of(client, month, *overview))
    following = services.period_open(
        organisation=month.organisation,
        year=month.today.year + (month.today.month == 12),
        number=month.today.month % 12 + 1,
        by=month.users["lan"],
        rule_set_code="nd335",
    )
    page = page_of(client, month, "lan", "overview", following.pk)
    assert "Cán bộ tổ chức mở bước tự đánh giá" in next_step(page)
    assert "Mở tự đánh giá</button>" in page  # HR takes that step from here


def test_it_shows_each_units_status_at_the_periods_step(client, month):
    for name, user in (("overview", "quang"), ("completeness", "hanh")):
        page = page_of(client, month, user, name)
        assert "Đang tự đánh giá" in page and "Đang chấm" not in page
    to_scoring(month)
    for name, user in (("overview", "quang"), ("completeness", "hanh")):
        page = page_of(client, month, user, name)
        assert "Đang chấm" in page and "Đang tự đánh giá" not in page


def test_it_names_who_is_not_rated_and_why(client, month):
    to_scoring(month)
    anh = evaluation_of(month, "anh")
    services.evaluation_score(
        evaluation=anh, revision=anh.revision, by=month.users["hanh"], absent=True
    )
    overview = page_of(client, month, "lan", "overview")
    assert "2 người không xếp loại kỳ này" in overview
    assert "Trần Văn Quang" in overview  # the agency leader, rated by the level above
    assert "Lãnh đạo cơ quan: do cấp trên trực tiếp đánh giá, xếp loại." in overview
    assert "Đỗ Đức Anh" in overview and "Vắng mặt cả kỳ" in overview
    board = page_of(client, month, "hanh", "completeness")
    assert "+1 không xếp loại" in board
    assert "Đỗ Đức Anh</strong>: Vắng mặt cả kỳ" in board


def test_it_puts_sent_self_assessments_in_the_heads_inbox_before_the_scoring_step(client, month):
    client.force_login(month.users["hanh"])
    assert "chờ chấm" not in client.get(reverse("home")).content.decode()
    self_submit(month, "thu")
    page = client.get(reverse("home")).content.decode()
    assert f"Chấm điểm {month.period}: 1 phiếu tự đánh giá đã gửi, chờ chấm" in page
    assert f'href="{reverse("evaluation:scoring", args=[month.period.pk])}"' in page


def test_it_writes_every_deadline_of_the_periods_list_as_a_full_date(client, month):
    page = page_of(client, month, "lan", "period_list")
    for due in (month.period.self_assessment_due, month.period.sign_off_due):
        assert due.strftime("%d/%m/%Y") in page


# --- an explained result ---------------------------------------------------------------


def test_it_explains_a_result_plainly(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    services.work_item_add_ad_hoc(
        evaluation=thu,
        name="Báo cáo đột xuất",
        unit_of_measure="báo cáo",
        planned=Decimal(2),
        coefficient=Decimal("0.5"),
        revision=thu.revision,
        by=month.users["hanh"],
    )
    score_all(month)
    submit_all(month)
    month.period = services.period_sign_off(period=month.period, by=month.users["quang"])
    month.period = services.period_publish(period=month.period, by=month.users["quang"])
    page = page_of(client, month, "thu", "result_detail", thu.pk)
    assert page.count(f"Kết quả {month.period}</h") == 1  # the page's title, not each card
    assert "Sau khi trừ" in page and "Còn lại" not in page
    assert ">0,5</td>" in page and "0,500" not in page


def test_it_draws_the_trend_on_a_labelled_0_to_100_axis_as_wide_as_its_card(client, month):
    published(month)
    page = page_of(client, month, "thu", "my_results")
    chart = page.split('class="chart chart--trend chart--screen"')[1].split("</svg>")[0]
    assert 'viewBox="0 0 720 240" width="100%"' in chart
    for label in ("0", "50", "70", "90", "100"):
        assert f'dominant-baseline="middle">{label}</text>' in chart
    assert "<table" in page  # the figures as a table too


def test_it_names_levels_in_the_users_language(client, month):
    from django.conf import settings

    published(month)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    overview = page_of(client, month, "quang", "overview")
    for name in ("Excellent", "Good", "Completed", "Not completed"):
        assert f">{name}</th>" in overview
    assert "Xuất sắc" not in overview and "Không hoàn thành" not in overview
    results = page_of(client, month, "thu", "my_results")
    assert "Not completed" in results and "Không hoàn thành" not in results


def test_it_offers_the_unit_submission_as_soon_as_the_last_person_is_scored(client, month):
    to_scoring(month)
    for username, by in SCORERS:
        evaluation = evaluation_of(month, username)
        if username == "thu" or evaluation.unit_id != month.units["VP"].pk:
            continue
        leader = {"dd": Decimal(100), "e": Decimal(100)} if evaluation.is_leader else {}
        services.evaluation_score(
            evaluation=evaluation,
            revision=evaluation.revision,
            by=month.users[by],
            final=FULL,
            **leader,
        )
    thu = evaluation_of(month, "thu")
    prefix = f"r{thu.pk}"
    data = {f"{prefix}-revision": thu.revision}
    data.update({f"{prefix}-c{index}": str(value) for index, value in FULL.items()})
    for item in thu.work_items.all():
        for name in ("errors", "late", "excused"):
            data[f"{prefix}-i{item.pk}_{name}"] = "0"
    client.force_login(month.users["hanh"])
    url = reverse("evaluation:score_save", args=[month.period.pk, thu.pk])
    row = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    unit_period = UnitPeriod.objects.get(period=month.period, unit=month.units["VP"])
    card = row.split(f'id="unit-submit-{unit_period.pk}"')[1]
    assert 'hx-swap-oob="true"' in card
    assert "Gửi kết quả đơn vị lên lãnh đạo cơ quan" in card


def test_it_lists_the_latest_twelve_periods_and_the_older_ones_on_request(client, month):
    year, number = month.today.year, month.today.month
    for _ in range(12):
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        services.period_open(
            organisation=month.organisation,
            year=year,
            number=number,
            by=month.users["lan"],
            rule_set_code="hn3814",
        )
    oldest = Period.objects.order_by("start").first()
    page = page_of(client, month, "lan", "period_list")
    assert "Xem thêm 1 kỳ cũ hơn" in page
    assert f'<th scope="row">{oldest}</th>' not in page
    everything = client.get(reverse("evaluation:period_list"), {"all": "1"}).content.decode()
    assert f'<th scope="row">{oldest}</th>' in everything

"""The level decided on a person's year (NĐ 335/2025: the superior decides, the engine's
level is the proposal): the superior's rating sets it, a level other than the engine's
needs a written reason and keeps the quota, an upheld appeal changes it on a reopened
year, every change audited; the pages and the distribution read it. And the board's
"confirm all": every undecided proposal confirmed citing the meeting, overrides and
decisions kept, refused once published. Queries of the pages constant at two sizes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import scoring
from evaluation.annual import board_models as bm
from evaluation.annual import selectors, services
from evaluation.annual.models import AnnualResult, UnitAnnualResult
from evaluation.annual.services import board, procedure
from hrsystem import selectors as hr_selectors
from tests.annual.builders import build_year, set_everyone
from tests.audit_trail import Step, problems
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 5)


@shared_cast("decided_year")
def decided_year():
    c = build_year(months=6)
    set_everyone(c, "80", a1=["96"] * 6, a2=["95"] * 6, b1=["95"] * 6, truong_a=["96"] * 6)
    services.rollup_year(c.org, c.year, c.hr)
    c.board = c.hoi_dong.user
    return c


def _result(c, employee) -> AnnualResult:
    return AnnualResult.objects.get(organisation=c.org, year=c.year, employee=employee)


def _other(level: str) -> str:
    return scoring.COMPLETE if level != scoring.COMPLETE else scoring.GOOD


def _rate(c, employee, level, reason="", by=None):
    return procedure.rate_year(
        employee=employee,
        year=c.year,
        level=level,
        comment="Nhận xét của trưởng phòng",
        reason=reason,
        by=by or c.truong_a.user,
    )


def _publish(c):
    if board.missing_decisions(c.org, c.year):
        board.titles_confirm_all(
            organisation=c.org, year=c.year, meeting_reference="BB 01/HĐTĐ", by=c.board
        )
    board.board_meeting_record(
        organisation=c.org, year=c.year, meeting_on=DAY, members=[c.hoi_dong], notes="", by=c.board
    )
    board.publish(organisation=c.org, year=c.year, by=c.board)


# ------------------------------------------------------------ the superior's rating


def test_rating_at_the_engine_level_decides_it_without_a_reason(decided_year):
    c = decided_year
    engine = _result(c, c.a3).level
    _rate(c, c.a3, engine)
    decision = bm.LevelDecision.objects.get(employee=c.a3)
    assert (decision.engine_level, decision.level, decision.reason) == (engine, engine, "")
    assert decision.source == bm.LevelSource.RATING and decision.decided_by == c.truong_a.user


def test_another_level_without_a_reason_is_refused_and_writes_nothing(decided_year):
    c = decided_year
    engine = _result(c, c.a3).level
    with pytest.raises(ValidationError, match="lý do") as error:
        _rate(c, c.a3, _other(engine), reason="  ")
    assert "reason" in error.value.message_dict
    assert not bm.SuperiorRating.objects.exists()
    assert not bm.LevelDecision.objects.exists()


def test_another_level_with_a_reason_is_decided_and_audited(decided_year):
    c = decided_year
    engine = _result(c, c.a3).level
    _rate(c, c.a3, _other(engine), reason="Chậm tiến độ đề án cuối năm")
    decision = bm.LevelDecision.objects.get(employee=c.a3)
    assert decision.changed and decision.level == _other(engine)
    history = decision.history.latest()
    assert history.history_user == c.truong_a.user
    assert history.history_change_reason == "Chậm tiến độ đề án cuối năm"
    assert _result(c, c.a3).level == engine  # the engine's result is never rewritten


def test_a_top_level_beyond_the_quota_is_refused_naming_the_quota_step(decided_year):
    c = decided_year
    # the "Kế toán" group: its top holders were moved to good by the quota
    moved = [
        r
        for r in AnnualResult.objects.filter(organisation=c.org, quota_group="Kế toán")
        if any(reason["code"] == scoring.QUOTA_DOWNGRADE for reason in r.reasons)
    ]
    assert moved
    person = moved[0].employee
    by = hr_selectors.superior_of(person, on=DAY).user
    with pytest.raises(ValidationError, match="bước tỷ lệ"):
        _rate(c, person, scoring.TOP, reason="Thành tích nổi bật", by=by)
    assert not bm.LevelDecision.objects.exists()


def test_rating_refused_once_published_and_allowed_after_reopening(decided_year):
    c = decided_year
    _publish(c)
    engine = _result(c, c.a3).level
    with pytest.raises(ValidationError, match="khoá"):
        _rate(c, c.a3, _other(engine), reason="Lý do")
    board.reopen(organisation=c.org, year=c.year, reason="Xem lại đánh giá", by=c.hr)
    _rate(c, c.a3, _other(engine), reason="Lý do")
    assert bm.LevelDecision.objects.get(employee=c.a3).level == _other(engine)


def test_the_distribution_and_the_person_page_read_the_decided_level(client, decided_year):
    c = decided_year
    engine = _result(c, c.a3).level
    before = selectors.level_distribution(c.org, c.year)[c.pa.pk]
    _rate(c, c.a3, _other(engine), reason="Chậm tiến độ đề án cuối năm")
    after = selectors.level_distribution(c.org, c.year)[c.pa.pk]
    assert after.get(engine, 0) == before.get(engine, 0) - 1
    assert after.get(_other(engine), 0) == before.get(_other(engine), 0) + 1
    client.force_login(c.a3.user)
    page = client.get(reverse("annual:person", args=[c.year, c.a3.pk])).content.decode()
    assert f'data-decided="{_other(engine)}"' in page
    assert "Chậm tiến độ đề án cuối năm" in page


# ------------------------------------------------------------ the appeal


def test_an_upheld_appeal_changes_the_decided_level_on_a_reopened_year(decided_year):
    c = decided_year
    engine = _result(c, c.a3).level
    _publish(c)
    appeal = procedure.appeal_file(employee=c.a3, year=c.year, reason="Xin xem lại", by=c.a3.user)
    with pytest.raises(ValidationError, match="khoá"):
        procedure.appeal_decide(
            appeal=appeal, upheld=True, reason="Có căn cứ", level=_other(engine), by=c.hr
        )
    with pytest.raises(ValidationError, match="được chấp nhận"):
        procedure.appeal_decide(
            appeal=appeal, upheld=False, reason="Không", level=_other(engine), by=c.hr
        )
    assert bm.AnnualAppeal.objects.get().state == bm.AppealState.PENDING
    board.reopen(organisation=c.org, year=c.year, reason="Giải quyết kiến nghị", by=c.hr)
    procedure.appeal_decide(
        appeal=appeal, upheld=True, reason="Có căn cứ mới", level=_other(engine), by=c.hr
    )
    decision = bm.LevelDecision.objects.get(employee=c.a3)
    assert (decision.level, decision.source, decision.reason, decision.appeal_id) == (
        _other(engine),
        bm.LevelSource.APPEAL,
        "Có căn cứ mới",
        appeal.pk,
    )
    assert decision.history.latest().history_user == c.hr


def test_a_decision_before_the_rollup_is_refused():
    c = build_year(months=6)
    with pytest.raises(ValidationError, match="Chưa tổng hợp"):
        procedure.rate_year(
            employee=c.a1, year=c.year, level="good", comment="x", by=c.truong_a.user
        )
    assert not bm.SuperiorRating.objects.exists()


# ------------------------------------------------------------ confirm all


def test_confirm_all_keeps_overrides_and_earlier_decisions(decided_year):
    c = decided_year
    titled = list(AnnualResult.objects.filter(organisation=c.org, year=c.year).exclude(title=""))
    assert len(titled) >= 2
    override = board.title_decide(
        organisation=c.org,
        year=c.year,
        employee=titled[0].employee,
        final_title="",
        reason="Chưa đủ thành tích",
        by=c.board,
    )
    with pytest.raises(ValidationError, match="biên bản"):
        board.titles_confirm_all(organisation=c.org, year=c.year, meeting_reference=" ", by=c.board)
    assert bm.TitleDecision.objects.count() == 1
    made = board.titles_confirm_all(
        organisation=c.org, year=c.year, meeting_reference="BB 02/HĐTĐ", by=c.board
    )
    units = UnitAnnualResult.objects.filter(organisation=c.org, year=c.year).exclude(title="")
    assert len(made) == len(titled) - 1 + units.count()
    assert board.missing_decisions(c.org, c.year) == 0
    override.refresh_from_db()
    assert (override.outcome, override.final_title) == (bm.Outcome.OVERRIDDEN, "")
    for decision in bm.TitleDecision.objects.exclude(pk=override.pk):
        assert decision.outcome == bm.Outcome.CONFIRMED
        assert decision.final_title == decision.proposed_title and "BB 02/HĐTĐ" in decision.reason
    with pytest.raises(ValidationError, match="Không còn"):
        board.titles_confirm_all(
            organisation=c.org, year=c.year, meeting_reference="BB 03", by=c.board
        )


def test_confirm_all_refused_to_others_and_once_published(decided_year):
    c = decided_year
    for user in (c.hr, c.truong_a.user):
        with pytest.raises(PermissionDenied):
            board.titles_confirm_all(
                organisation=c.org, year=c.year, meeting_reference="BB", by=user
            )
    _publish(c)
    with pytest.raises(ValidationError, match="khoá"):
        board.titles_confirm_all(
            organisation=c.org, year=c.year, meeting_reference="BB", by=c.board
        )


def test_confirm_all_through_the_page(client, decided_year):
    c = decided_year
    client.force_login(c.board)
    url = reverse("annual:confirm_all", args=[c.year])
    client.post(url, {"meeting_reference": "BB 04/HĐTĐ"})
    assert board.missing_decisions(c.org, c.year) == 0
    client.force_login(c.hr)
    assert client.post(url, {"meeting_reference": "BB"}).status_code == 403


def test_the_board_sees_the_decided_level_and_the_title_it_would_give(client, decided_year):
    c = decided_year
    result = _result(c, c.a3)
    _rate(c, c.a3, scoring.COMPLETE if result.title else result.level, reason="Chậm tiến độ")
    if not result.title:
        pytest.skip("a3 has no title to lose")
    client.force_login(c.board)
    page = client.get(reverse("annual:review", args=[c.year])).content.decode()
    assert f'data-decided="{scoring.COMPLETE}"' in page
    assert "không có danh hiệu" in page


# ------------------------------------------------------------ the audit trail


def test_the_new_services_leave_their_audit_rows(decided_year):
    c = decided_year
    engine = _result(c, c.a3).level
    made = {}

    def published_and_reopened():
        _publish(c)
        made["appeal"] = procedure.appeal_file(
            employee=c.a4, year=c.year, reason="Xin xem lại", by=c.a4.user
        )
        board.reopen(organisation=c.org, year=c.year, reason="Kiến nghị", by=c.hr)
        return procedure.appeal_decide(
            appeal=made["appeal"],
            upheld=True,
            reason="Chấp nhận có căn cứ",
            level=_result(c, c.a4).level,
            by=c.hr,
        ), bm.LevelDecision.objects.get(employee=c.a4)

    steps = [
        Step(
            "rate_year",
            lambda: (
                _rate(c, c.a3, _other(engine), reason="Chậm tiến độ"),
                bm.LevelDecision.objects.get(employee=c.a3),
            ),
            c.truong_a.user,
            "Chậm tiến độ",
        ),
        Step(
            "titles_confirm_all",
            lambda: board.titles_confirm_all(
                organisation=c.org, year=c.year, meeting_reference="BB 05/HĐTĐ", by=c.board
            ),
            c.board,
            "BB 05/HĐTĐ",
        ),
        Step("appeal_decide", published_and_reopened, c.hr, "Chấp nhận có căn cứ"),
    ]
    assert problems(steps) == []


# ------------------------------------------------------------ queries


def _queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_pages_with_decided_levels_read_in_constant_queries(client, decided_year):
    c = decided_year
    review = reverse("annual:review", args=[c.year])
    person = reverse("annual:person", args=[c.year, c.a3.pk])
    units = reverse("annual:units", args=[c.year])
    _rate(c, c.a3, _other(_result(c, c.a3).level), reason="Chậm tiến độ")
    small = [_queries(client, c.board, url) for url in (review, person, units)]
    others = AnnualResult.objects.filter(organisation=c.org, rated=True).exclude(
        employee__in=[c.a3, c.lanh_dao]
    )
    for result in others.select_related("employee"):
        by = hr_selectors.superior_of(result.employee, on=DAY).user
        _rate(c, result.employee, _other(result.level), reason="Chậm tiến độ", by=by)
    assert bm.LevelDecision.objects.count() > 6
    large = [_queries(client, c.board, url) for url in (review, person, units)]
    assert small == large

"""The year's procedure and the board's review (services): the confidence vote's
anonymity and its refusals, the superior's rating, titles confirmed or overridden (never
without a reason), the board unable to change scores, publication locking the year,
published twice refused, reopening audited."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.annual import board_models as bm
from evaluation.annual import services
from evaluation.annual.models import AnnualResult, UnitAnnualResult
from evaluation.annual.services import board, procedure
from tests.annual.builders import build_year, set_everyone
from tests.factories import EmployeeFactory, UserFactory
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 5)


@shared_cast("board_year")
def board_year():
    c = build_year(months=6)
    set_everyone(c, "80", a1=["96"] * 6, a2=["95"] * 6, b1=["95"] * 6, truong_a=["96"] * 6)
    services.rollup_year(c.org, c.year, c.hr)
    c.board = c.hoi_dong.user
    return c


def _titled(c):
    return list(AnnualResult.objects.filter(organisation=c.org, year=c.year).exclude(title=""))


def _decide_all(c):
    for result in _titled(c):
        board.title_decide(organisation=c.org, year=c.year, employee=result.employee, by=c.board)
    for unit_result in UnitAnnualResult.objects.filter(organisation=c.org, year=c.year).exclude(
        title=""
    ):
        board.title_decide(organisation=c.org, year=c.year, unit=unit_result.unit, by=c.board)
    board.board_meeting_record(
        organisation=c.org,
        year=c.year,
        meeting_on=DAY,
        members=[c.hoi_dong],
        notes="Họp xét",
        by=c.board,
    )


# ------------------------------------------------------------ the confidence vote


def _meeting(c, unit=None, present=()):
    return procedure.meeting_record(
        unit=unit or c.pa,
        year=c.year,
        held_on=DAY,
        present=list(present),
        comments="Tập thể nhất trí",
        vote_open=True,
        by=c.truong_a.user if unit is None else c.hr,
    )


def test_no_table_links_voter_and_vote(board_year):
    """Introspection: the tally has no voter and no time; the voter list has no option
    and no time; neither keeps history; nothing else refers to either."""
    tally_fields = {f.name for f in bm.ConfidenceTally._meta.get_fields()}
    voter_fields = {f.name for f in bm.ConfidenceVoter._meta.get_fields()}
    assert tally_fields == {"id", "meeting", "option", "count"}
    assert voter_fields == {"id", "meeting", "employee"}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if target in (bm.ConfidenceTally, bm.ConfidenceVoter) and field.concrete:
                pytest.fail(f"{model.__name__}.{field.name} refers to a ballot table")
    names = {model.__name__ for model in apps.get_models()}
    assert "HistoricalConfidenceTally" not in names
    assert "HistoricalConfidenceVoter" not in names


def test_vote_counts_without_naming_the_voter(board_year):
    c = board_year
    meeting = _meeting(c)
    procedure.confidence_vote(meeting=meeting, option=bm.Confidence.HIGH, by=c.a3.user)
    procedure.confidence_vote(meeting=meeting, option=bm.Confidence.LOW, by=c.a4.user)
    counts = dict(meeting.tallies.values_list("option", "count"))
    assert counts == {bm.Confidence.HIGH: 1, bm.Confidence.LOW: 1}
    assert set(meeting.voters.values_list("employee_id", flat=True)) == {c.a3.pk, c.a4.pk}


def test_second_vote_refused_and_writes_nothing(board_year):
    c = board_year
    meeting = _meeting(c)
    procedure.confidence_vote(meeting=meeting, option=bm.Confidence.HIGH, by=c.a3.user)
    with pytest.raises(ValidationError, match="đã bỏ phiếu"):
        procedure.confidence_vote(meeting=meeting, option=bm.Confidence.LOW, by=c.a3.user)
    assert dict(meeting.tallies.values_list("option", "count")) == {bm.Confidence.HIGH: 1}


def test_outsider_vote_refused(board_year):
    c = board_year
    meeting = _meeting(c)
    with pytest.raises(ValidationError, match="Chỉ cán bộ của đơn vị"):
        procedure.confidence_vote(meeting=meeting, option=bm.Confidence.HIGH, by=c.b3.user)
    assert not bm.ConfidenceTally.objects.exists() and not bm.ConfidenceVoter.objects.exists()


def test_head_does_not_vote_on_themselves(board_year):
    c = board_year
    meeting = _meeting(c)
    with pytest.raises(ValidationError):
        procedure.confidence_vote(meeting=meeting, option=bm.Confidence.HIGH, by=c.truong_a.user)


def test_result_hidden_below_five_voters(board_year):
    c = board_year
    meeting = _meeting(c)
    voters = [c.a1, c.a2, c.a3, c.a4]
    for person in voters:
        procedure.confidence_vote(meeting=meeting, option=bm.Confidence.HIGH, by=person.user)
    assert procedure.confidence_result(meeting) is None
    procedure.confidence_vote(meeting=meeting, option=bm.Confidence.MEDIUM, by=c.a5.user)
    result = procedure.confidence_result(meeting)
    assert result["voters"] == 5
    assert [n for _label, n in result["rows"]] == [4, 1, 0]


def test_meeting_present_must_be_the_units(board_year):
    c = board_year
    with pytest.raises(ValidationError, match="Không thuộc đơn vị"):
        _meeting(c, present=[c.a1, c.b1])
    assert not bm.UnitMeeting.objects.exists()


# ------------------------------------------------------------ self-evaluation and rating


def test_self_assessment_only_by_the_person_and_before_the_deadline(board_year):
    c = board_year
    with pytest.raises(PermissionDenied):
        procedure.self_assess(
            employee=c.a1, year=c.year, comment="x", proposed_level="top", by=c.a2.user
        )
    procedure.deadline_set(organisation=c.org, year=c.year, deadline=date(2026, 1, 31), by=c.hr)
    with pytest.raises(ValidationError, match="quá hạn"):
        procedure.self_assess(
            employee=c.a1, year=c.year, comment="x", proposed_level="top", by=c.a1.user
        )
    procedure.deadline_set(organisation=c.org, year=c.year, deadline=None, by=c.hr)
    record = procedure.self_assess(
        employee=c.a1, year=c.year, comment="Hoàn thành", proposed_level="top", by=c.a1.user
    )
    assert record.proposed_level == "top"


def test_head_rates_staff_leader_rates_heads_never_oneself(board_year):
    c = board_year
    levels = dict(AnnualResult.objects.values_list("employee_id", "level"))
    rating = procedure.rate_year(
        employee=c.a1, year=c.year, level=levels[c.a1.pk], comment="Tốt", by=c.truong_a.user
    )
    assert rating.rated_by == c.truong_a.user
    procedure.rate_year(
        employee=c.truong_a,
        year=c.year,
        level=levels[c.truong_a.pk],
        comment="Ổn",
        by=c.lanh_dao.user,
    )
    for who, whom in ((c.truong_b, c.a1), (c.truong_a, c.truong_a), (c.a2, c.a1)):
        with pytest.raises(PermissionDenied):
            procedure.rate_year(employee=whom, year=c.year, level="top", comment="x", by=who.user)
    with pytest.raises(ValidationError, match="nhận xét"):
        procedure.rate_year(
            employee=c.a2, year=c.year, level="top", comment=" ", by=c.truong_a.user
        )


# ------------------------------------------------------------ titles and the board


def test_override_without_reason_refused(board_year):
    c = board_year
    result = _titled(c)[0]
    with pytest.raises(ValidationError, match="lý do"):
        board.title_decide(
            organisation=c.org, year=c.year, employee=result.employee, final_title="", by=c.board
        )
    assert not bm.TitleDecision.objects.exists()
    decision = board.title_decide(
        organisation=c.org,
        year=c.year,
        employee=result.employee,
        final_title="",
        reason="Chưa đủ thành tích",
        votes_for=3,
        votes_against=1,
        by=c.board,
    )
    assert decision.outcome == bm.Outcome.OVERRIDDEN
    assert decision.proposed_title == result.title


def test_confirm_keeps_the_proposal(board_year):
    c = board_year
    result = _titled(c)[0]
    decision = board.title_decide(
        organisation=c.org, year=c.year, employee=result.employee, by=c.board
    )
    assert (decision.outcome, decision.final_title) == (bm.Outcome.CONFIRMED, result.title)


def test_only_board_members_decide(board_year):
    c = board_year
    result = _titled(c)[0]
    for user in (c.hr, c.truong_a.user, c.lanh_dao.user):
        with pytest.raises(PermissionDenied):
            board.title_decide(organisation=c.org, year=c.year, employee=result.employee, by=user)


def test_board_member_cannot_change_scores(board_year):
    """The board's rights reach no score: the roll-up, the annual inputs and the year
    ratings all refuse it, and deciding a title leaves every stored score as it was."""
    c = board_year
    before = list(AnnualResult.objects.order_by("pk").values_list("pk", "score", "level"))
    with pytest.raises(PermissionDenied):
        services.rollup_year(c.org, c.year, c.board)
    with pytest.raises(PermissionDenied):
        services.initiative_record(
            organisation=c.org,
            employee=c.a3,
            year=c.year,
            title="x",
            by=c.board,
            reason="r",
            document_number="1",
            document_date=DAY,
            issuer="UBND",
        )
    with pytest.raises(PermissionDenied):
        procedure.rate_year(employee=c.a3, year=c.year, level="top", comment="x", by=c.board)
    _decide_all(c)
    assert list(AnnualResult.objects.order_by("pk").values_list("pk", "score", "level")) == before


def test_publish_needs_every_decision_and_the_meeting(board_year):
    c = board_year
    with pytest.raises(ValidationError, match="chưa được hội đồng xét|biên bản"):
        board.publish(organisation=c.org, year=c.year, by=c.board)
    assert not bm.AnnualReview.objects.filter(state=bm.YearState.PUBLISHED).exists()


def test_publish_locks_and_twice_refused_reopen_audited(board_year):
    c = board_year
    _decide_all(c)
    review = board.publish(organisation=c.org, year=c.year, by=c.board)
    assert review.published
    with pytest.raises(ValidationError, match="đã được công bố"):
        board.publish(organisation=c.org, year=c.year, by=c.board)
    with pytest.raises(ValidationError, match="khoá"):
        services.rollup_year(c.org, c.year, c.hr)
    with pytest.raises(ValidationError, match="khoá"):
        procedure.rate_year(
            employee=c.a1, year=c.year, level="good", comment="x", by=c.truong_a.user
        )
    with pytest.raises(ValidationError, match="lý do"):
        board.reopen(organisation=c.org, year=c.year, reason=" ", by=c.hr)
    with pytest.raises(PermissionDenied):
        board.reopen(organisation=c.org, year=c.year, reason="Sai sót", by=c.board)
    reopening = board.reopen(organisation=c.org, year=c.year, reason="Sai sót", by=c.hr)
    assert reopening.by == c.hr and not bm.AnnualReview.objects.get().published
    services.rollup_year(c.org, c.year, c.hr)


def test_appeal_after_publication(board_year):
    c = board_year
    with pytest.raises(ValidationError, match="đã công bố"):
        procedure.appeal_file(employee=c.a3, year=c.year, reason="Xin xem lại", by=c.a3.user)
    _decide_all(c)
    board.publish(organisation=c.org, year=c.year, by=c.board)
    appeal = procedure.appeal_file(employee=c.a3, year=c.year, reason="Xin xem lại", by=c.a3.user)
    with pytest.raises(ValidationError, match="đang chờ"):
        procedure.appeal_file(employee=c.a3, year=c.year, reason="Lần hai", by=c.a3.user)
    decided = procedure.appeal_decide(appeal=appeal, upheld=False, reason="Đúng quy định", by=c.hr)
    assert decided.state == bm.AppealState.REJECTED


def test_registrations(board_year):
    c = board_year
    board.unit_register(
        unit=c.pa,
        year=c.year,
        title="tap_the_lao_dong_xuat_sac",
        targets="100% hồ sơ đúng hạn",
        commitments="Không vi phạm",
        by=c.truong_a.user,
    )
    with pytest.raises(PermissionDenied):
        board.unit_register(
            unit=c.pa,
            year=c.year,
            title="tap_the_lao_dong_xuat_sac",
            targets="x",
            commitments="y",
            by=c.truong_b.user,
        )
    board.title_register(
        organisation=c.org, employee=c.a1, year=c.year, title="chien_si_thi_dua_co_so", by=c.a1.user
    )
    with pytest.raises(PermissionDenied):
        board.title_register(
            organisation=c.org, employee=c.a1, year=c.year, title="lao_dong_tien_tien", by=c.a2.user
        )
    assert bm.TitleRegistration.objects.get().title == "chien_si_thi_dua_co_so"


def test_outsider_is_not_a_board_member(board_year):
    c = board_year
    stranger = EmployeeFactory(unit=c.pb, user=UserFactory(username="khach"))
    with pytest.raises(ValidationError, match="Không phải thành viên"):
        board.board_meeting_record(
            organisation=c.org,
            year=c.year,
            meeting_on=DAY,
            members=[stranger],
            notes="",
            by=c.board,
        )

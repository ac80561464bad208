"""The shared rules pages use to show or hide actions (the services enforce the same)."""

from discipline import permissions as rules
from discipline import services
from tests.discipline.conftest import TODAY


def test_it_tells_team_members_from_other_inspectors(surprise, d):
    assert rules.on_team(d.truong_nv.user, surprise) and rules.on_team(d.kiem.user, surprise)
    assert not rules.on_team(d.ngoai_doan.user, surprise)
    assert rules.can_record_finding(d.kiem.user, surprise, d.tn, TODAY)
    assert not rules.can_record_finding(d.kiem.user, surprise, d.nv, TODAY)


def test_it_answers_who_contests_and_who_decides(surprise, d):
    finding = services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    assert rules.can_contest(d.an.user, finding, TODAY)
    assert not rules.can_contest(d.truong_tn.user, finding, TODAY)
    assert rules.can_decide_contest(d.truong_nv.user, finding, TODAY)
    assert not rules.can_decide_contest(d.to_chuc.user, finding, TODAY)
    assert not rules.can_decide_contest(None, finding, TODAY)


def test_it_answers_who_records_conduct_breaches(d):
    assert rules.can_record_conduct(d.truong_tn.user, d.tn, d.an, TODAY)
    assert not rules.can_record_conduct(d.truong_tn.user, d.tn, d.truong_tn, TODAY)
    assert not rules.can_record_conduct(d.truong_tn.user, d.tn, None, TODAY)  # unit: inspectors
    assert rules.can_record_conduct(d.kiem.user, d.tn, None, TODAY)
    assert rules.can_record_desk(d.mot_cua.user, d.tn, TODAY)
    assert not rules.can_record_desk(d.an.user, d.tn, TODAY)

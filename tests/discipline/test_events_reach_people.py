"""Discipline events reach the people they concern (issue 17, defect 6): the inbox tells
the person of a violation recorded and of their contest's decision, the inspection head's
to-do lists the contests waiting, and whoever recorded a finding never decides its contest.
Uses the `d` agency and the `surprise` inspection (tests/discipline/conftest.py)."""

from django.urls import reverse

from discipline import permissions as rules
from discipline import services
from discipline.models import ViolationStatus
from evaluation.models import Notification
from tests.discipline.conftest import TODAY


def _finding(surprise, d, by):
    return services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=by.user
    )


def _inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_the_person_hears_of_a_violation_and_of_their_contests_decision(d, surprise, client):
    violation = _finding(surprise, d, d.kiem)
    (recorded,) = _inbox(d.an.user)
    assert violation.item.description in recorded.title
    assert recorded.url == reverse("discipline:violation_detail", args=[violation.pk])
    client.force_login(d.an.user)
    assert violation.item.description in client.get(reverse("home")).content.decode()
    services.violation_contest(violation=violation, reason="Có đeo thẻ", by=d.an.user)
    services.violation_decide(
        violation=violation, uphold=False, reason="Ảnh cho thấy có đeo thẻ.", by=d.truong_nv.user
    )
    decided = _inbox(d.an.user)[-1]
    assert "Đã huỷ" in decided.title
    assert decided.body == "Ảnh cho thấy có đeo thẻ."


def test_a_unit_finding_tells_the_units_leader(d, surprise):
    item = next(item for item in d.item.values() if item.applies_to in ("unit", "both"))
    services.finding_record(inspection=surprise, item=item, unit=d.tn, by=d.kiem.user)
    (told,) = _inbox(d.truong_tn.user)
    assert item.description in told.title


def test_the_inspection_heads_todo_lists_the_contests_waiting(d, surprise, client):
    violation = _finding(surprise, d, d.kiem)
    client.force_login(d.truong_nv.user)
    assert (
        "khiếu nại vi phạm chờ bạn quyết định" not in client.get(reverse("home")).content.decode()
    )
    services.violation_contest(violation=violation, reason="Có đeo thẻ", by=d.an.user)
    home = client.get(reverse("home")).content.decode()
    assert "1 khiếu nại vi phạm chờ bạn quyết định" in home
    assert reverse("discipline:contested_list") in home


def test_whoever_recorded_a_finding_does_not_decide_its_contest(d, surprise, client):
    by_member = _finding(surprise, d, d.kiem)
    services.violation_contest(violation=by_member, reason="Không đúng", by=d.an.user)
    assert not rules.can_decide_contest(d.kiem.user, by_member, TODAY)
    assert rules.can_decide_contest(d.truong_nv.user, by_member, TODAY)
    by_head = services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.binh, by=d.truong_nv.user
    )
    services.violation_contest(violation=by_head, reason="Không đúng", by=d.binh.user)
    assert not rules.can_decide_contest(d.truong_nv.user, by_head, TODAY)
    assert rules.can_decide_contest(d.kiem.user, by_head, TODAY)  # another member decides
    client.force_login(d.truong_nv.user)
    listed = client.get(reverse("discipline:contested_list")).content.decode()
    assert "Hoàng Văn An" in listed and "Đỗ Thị Bình" not in listed
    response = client.post(
        reverse("discipline:violation_detail", args=[by_head.pk]),
        {"action": "decide", "outcome": "annul", "reason": "Tự xét lại"},
    )
    assert response.status_code == 403
    client.force_login(d.kiem.user)
    listed = client.get(reverse("discipline:contested_list")).content.decode()
    assert "Đỗ Thị Bình" in listed and "Hoàng Văn An" not in listed
    response = client.post(
        reverse("discipline:violation_detail", args=[by_head.pk]),
        {"action": "decide", "outcome": "uphold", "reason": "Đúng quy định"},
    )
    assert response.status_code == 302
    by_head.refresh_from_db()
    assert by_head.status == ViolationStatus.UPHELD

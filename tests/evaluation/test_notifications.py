"""Notifications through pluggable channels, and the daily deadline reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from evaluation import notifications
from evaluation.models import Notification, PeriodState
from evaluation.tasks import Chain, send_deadline_reminders
from hrsystem.selectors import superior_of
from tests.evaluation.cycle import (
    advance,
    cycle_fixture,  # noqa: F401 — the `cycle` fixture
    score,
    to_scoring,
)

DELIVERED = []


class RecordingChannel(notifications.Channel):
    """A stand-in for a messaging channel (Zalo OA, SMS) configured by the setting."""

    def deliver(self, rows):
        DELIVERED.extend(rows)


class BrokenChannel(notifications.Channel):
    def deliver(self, rows):
        raise RuntimeError("gateway down")


@pytest.fixture
def recording(settings):
    DELIVERED.clear()
    settings.NOTIFICATION_CHANNELS = [
        "tests.evaluation.test_notifications.BrokenChannel",
        "evaluation.notifications.InAppChannel",
        "evaluation.notifications.EmailChannel",
        "tests.evaluation.test_notifications.RecordingChannel",
    ]
    return DELIVERED


def test_it_stores_delivers_and_deduplicates_a_message(
    cycle, recording, django_capture_on_commit_callbacks
):
    c = cycle
    c.an.user.email = "an@example.vn"
    c.an.user.save()
    message = dict(user_id=c.an.user.pk, kind="test", title="Nhắc việc", dedupe_key="k1")
    with django_capture_on_commit_callbacks(execute=True):
        first = notifications.notify(**message)
        second = notifications.notify(**message)
    assert first is not None and second is None
    assert Notification.objects.filter(user=c.an.user, dedupe_key="k1").count() == 1
    assert [row.title for row in recording] == ["Nhắc việc"]  # a broken channel stops nobody
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]


def test_it_delivers_nothing_when_the_transaction_rolls_back(
    cycle, recording, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.notify(user_id=cycle.an.user.pk, kind="t", title="x")
        raise RuntimeError
    assert recording == [] and not Notification.objects.exists()


def test_it_resolves_superiors_for_the_whole_agency_as_superior_of_does(cycle):
    c = cycle
    on = c.period.end
    chain = Chain(c.org, on)
    for name in (
        "pho_chu_tich",
        "truong_tc",
        "pho_tc",
        "an",
        "binh",
        "quyen_kt",
        "cuong",
        "truong_nv",
        "quyen_nv",
        "to_chuc",
        "thanh_tra",
        "mot_cua",
        "hoi_dong",
        "chu_tich",
    ):
        employee = getattr(c, name)
        unit_id = employee.assignments.get().unit_id
        assert chain.superior(employee.pk, unit_id) == superior_of(employee, on=on), name


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_it_reminds_before_the_self_assessment_deadline_once(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    day = (c.period.self_assessment_due - timedelta(days=1)).isoformat()
    assert send_deadline_reminders(day) == 13  # everyone but the agency leader (not rated)
    assert send_deadline_reminders(day) == 0
    assert "self_assessment_due" in _titles(c.an.user)
    assert "self_assessment_due" not in _titles(c.chu_tich.user)  # not rated here
    reminder = Notification.objects.get(user=c.an.user, kind="self_assessment_due")
    assert reminder.url == reverse("evaluation:my_month")


def test_it_escalates_missing_self_assessments_to_the_superior(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    day = (c.period.self_assessment_due + timedelta(days=1)).isoformat()
    send_deadline_reminders(day)
    assert send_deadline_reminders(day) == 0
    escalation = Notification.objects.get(user=c.truong_tc.user, kind="self_assessment_overdue")
    assert "Hoàng Văn An" in escalation.body and "Đặng Thị Bình" in escalation.body
    assert escalation.url == reverse("evaluation:completeness", args=[c.period.pk])
    assert (
        "Lê Văn Trường"
        in Notification.objects.get(user=c.chu_tich.user, kind="self_assessment_overdue").body
    )
    assert not Notification.objects.filter(user=c.an.user, kind="self_assessment_overdue").exists()


def test_it_reminds_scorers_and_escalates_to_their_superior(cycle):
    c = cycle
    to_scoring(c)
    score(c, "an", "pho_tc")
    before = (c.period.scoring_due - timedelta(days=2)).isoformat()
    send_deadline_reminders(before)
    reminder = Notification.objects.get(user=c.truong_tc.user, kind="scoring_due")
    assert "Đặng Thị Bình" in reminder.body and "Hoàng Văn An" not in reminder.body
    assert reminder.url == reverse("evaluation:scoring", args=[c.period.pk])
    after = (c.period.scoring_due + timedelta(days=1)).isoformat()
    send_deadline_reminders(after)
    assert send_deadline_reminders(after) == 0
    assert (
        "Lê Văn Trường"
        in Notification.objects.get(user=c.chu_tich.user, kind="scoring_overdue").body
    )


def test_it_reminds_unit_leaders_to_submit_and_the_agency_leader_to_sign_off(cycle):
    c = cycle
    to_scoring(c)
    send_deadline_reminders((c.period.unit_submission_due - timedelta(days=1)).isoformat())
    submission = Notification.objects.get(user=c.truong_tc.user, kind="unit_submission_due")
    assert submission.url == (f"{reverse('evaluation:scoring', args=[c.period.pk])}?unit={c.tc.pk}")
    send_deadline_reminders((c.period.unit_submission_due + timedelta(days=1)).isoformat())
    overdue = Notification.objects.get(user=c.chu_tich.user, kind="unit_submission_overdue")
    assert "Phòng Tài chính" in overdue.body
    send_deadline_reminders((c.period.sign_off_due + timedelta(days=1)).isoformat())
    sign_off = Notification.objects.get(user=c.chu_tich.user, kind="sign_off_overdue")
    assert sign_off.url == reverse("evaluation:overview", args=[c.period.pk])


def test_it_sends_nothing_for_a_period_far_from_its_deadlines(cycle):
    c = cycle
    advance(c, PeriodState.SELF_ASSESSMENT)
    assert send_deadline_reminders((c.period.start).isoformat()) == 0


def _notes(user, *titles) -> list[Notification]:
    return [Notification.objects.create(user=user, kind="test", title=title) for title in titles]


def test_the_inbox_marks_one_notification_read_then_all_and_only_the_users_own(client, cycle):
    c = cycle
    first, second, third = _notes(c.an.user, "Thông báo A", "Thông báo B", "Thông báo C")
    (other,) = _notes(c.binh.user, "Thông báo của Bình")
    client.force_login(c.an.user)
    url = reverse("evaluation:notifications_read")

    page = client.post(url, {"id": [first.pk, other.pk]}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thông báo A" not in html and "Thông báo B" in html and "Thông báo C" in html
    assert Notification.objects.get(pk=other.pk).read_at is None  # not hers: untouched

    assert client.post(url).status_code == 302  # no ids: all of hers, back home
    assert not Notification.objects.filter(user=c.an.user, read_at__isnull=True).exists()
    assert (
        Notification.objects.filter(pk__in=[second.pk, third.pk], read_at__isnull=False).count()
        == 2
    )
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert "Thông báo B" not in client.get(reverse("home")).content.decode()


def test_marking_read_refuses_a_get_a_forged_id_and_a_visitor(client, cycle):
    c = cycle
    url = reverse("evaluation:notifications_read")
    assert client.post(url).status_code == 302 and "/accounts/login/" in client.post(url).url
    client.force_login(c.an.user)
    assert client.get(url).status_code == 405
    (note,) = _notes(c.an.user, "Thông báo A")
    assert client.post(url, {"id": "1 OR 1=1"}).status_code == 400
    assert Notification.objects.get(pk=note.pk).read_at is None

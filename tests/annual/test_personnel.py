"""The personnel board: the agency's rule (off by default, versioned by date), the report
of reappointments and rotations due with the counted years' levels and the rule's flags,
proposals warned when the person or their unit fails the rule (or the unit was rated at
the bottom level), saved only with an acknowledgement; every refusal writes nothing."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.annual.models import (
    AnnualResult,
    AnnualRun,
    PersonnelProposal,
    PersonnelRule,
    RunState,
    UnitAnnualResult,
)
from evaluation.annual.personnel import selectors, services
from hrsystem import clock as app_clock
from hrsystem.models import Post, PostKind
from tests.annual.builders import build_agency
from tests.factories import PostFactory, UnitFactory
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db
ON = date(2026, 12, 6)
TERM_END = date(2027, 3, 1)
BASIS = "Bài học kinh nghiệm của quận Long Biên"


def _year(c, year, people, units):
    AnnualRun.objects.create(organisation=c.org, year=year, state=RunState.DONE)
    for name, (unit, level) in people.items():
        AnnualResult.objects.create(
            organisation=c.org,
            year=year,
            employee=c.people[name],
            unit=unit,
            level=level,
            computed_at=app_clock.now(),
        )
    for unit, level in units.items():
        UnitAnnualResult.objects.create(
            organisation=c.org,
            year=year,
            unit=unit,
            rated_count=1,
            member_count=1,
            level=level,
            computed_at=app_clock.now(),
        )


def build_board():
    """Two rolled-up years: truong_a failed 2025 in a unit that completed it; PB failed
    2024 while its head truong_b did well; both heads' terms end within the window."""
    call_command(
        "loaddata", str(Path(settings.BASE_DIR) / "fixtures/reference/personnel_rules.json")
    )
    c = build_agency()
    c.team = UnitFactory(parent=c.pb, code="PB-T", name="Tổ B")
    _year(
        c,
        2024,
        {"truong_a": (c.pa, "good"), "truong_b": (c.pb, "good"), "b1": (c.pb, "good")},
        {c.pa: "good", c.pb: "fail"},
    )
    _year(
        c,
        2025,
        {"truong_a": (c.pa, "fail"), "truong_b": (c.pb, "top"), "b1": (c.pb, "good")},
        {c.pa: "complete", c.pb: "good"},
    )
    Post.objects.filter(kind=PostKind.HEAD, unit__in=[c.pa, c.pb]).update(term_end=TERM_END)
    return c


@shared_cast("board")
def board():
    return build_board()


@pytest.fixture(autouse=True)
def _today(clock):
    clock.travel_to(ON)


def switch_on(c, **fields):
    return services.personnel_rule_save(
        organisation=c.org,
        effective_from=date(2026, 1, 1),
        note="Nghị quyết của Ban Thường vụ về công tác cán bộ",
        by=c.hr,
        enabled=True,
        years_counted=fields.get("years", 2),
        reappoint_person_levels=fields.get("person", "fail"),
        reappoint_unit_levels=fields.get("unit", "fail"),
        rotation_person_levels="fail",
        rotation_unit_levels="fail",
        legal_basis=BASIS,
    )


def _rows(report):
    return {row.employee.code: row for row in report.rows}


# --- the rule ---------------------------------------------------------------------------


def test_the_shipped_default_is_off_and_applies_to_an_agency_without_its_own(board):
    rule = selectors.rule_on(board.org, ON)
    assert rule.organisation is None and not rule.enabled
    report = selectors.personnel_report(organisation=board.org, on=ON, days=180)
    assert report.years == (2025, 2024)
    assert set(_rows(report)) == {"TRUONG_A", "TRUONG_B"}
    assert report.flagged == 0
    assert _rows(report)["TRUONG_A"].person_levels == [
        (2025, "Không hoàn thành nhiệm vụ"),
        (2024, "Hoàn thành tốt nhiệm vụ"),
    ]


def test_the_agency_s_latest_version_on_the_day_applies(board):
    switch_on(board)
    later = services.personnel_rule_save(
        organisation=board.org,
        effective_from=date(2027, 1, 1),
        note="Tạm dừng",
        by=board.hr,
        enabled=False,
    )
    assert selectors.rule_on(board.org, ON).enabled
    assert selectors.rule_on(board.org, date(2027, 2, 1)) == later
    assert PersonnelRule.objects.get(pk=later.pk).history.latest().history_user == board.hr


def test_only_hr_issues_a_rule_and_always_with_a_reason(board):
    with pytest.raises(PermissionDenied):
        services.personnel_rule_save(
            organisation=board.org,
            effective_from=ON,
            note="x",
            by=board.lanh_dao.user,
            enabled=True,
        )
    with pytest.raises(ValidationError) as error:
        services.personnel_rule_save(
            organisation=board.org, effective_from=ON, note=" ", by=board.hr, enabled=True
        )
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.personnel_rule_save(
            organisation=board.org,
            effective_from=ON,
            note="x",
            by=board.hr,
            reappoint_unit_levels="weak",
        )
    assert "reappoint_unit_levels" in error.value.message_dict
    assert not PersonnelRule.objects.filter(organisation=board.org).exists()


def test_a_version_a_proposal_used_is_not_corrected_but_superseded(board):
    rule = switch_on(board)
    services.personnel_proposal_create(
        organisation=board.org,
        employee=board.b1,
        kind="rotate",
        from_unit=board.pb,
        to_unit=board.pa,
        post_kind=PostKind.DEPUTY,
        effective_on=ON + timedelta(days=30),
        reason="Tăng cường cho phòng A",
        acknowledgement="Phòng B đã khắc phục",
        by=board.hr,
    )
    with pytest.raises(ValidationError) as error:
        services.personnel_rule_save(
            organisation=board.org,
            effective_from=rule.effective_from,
            note="Sửa",
            by=board.hr,
            enabled=False,
        )
    assert "effective_from" in error.value.message_dict


# --- the report -------------------------------------------------------------------------


def test_the_rule_flags_a_head_who_failed_and_a_head_whose_unit_failed(board):
    switch_on(board)
    rows = _rows(selectors.personnel_report(organisation=board.org, on=ON, days=180))
    a, b = rows["TRUONG_A"], rows["TRUONG_B"]
    assert a.flagged and b.flagged
    assert a.texts[0] == "Năm 2025: cá nhân xếp loại Không hoàn thành nhiệm vụ."
    assert "không bổ nhiệm lại" in a.texts[-1] and BASIS in a.texts[-1]
    assert b.texts[0] == "Năm 2024: đơn vị Phòng B xếp loại Không hoàn thành nhiệm vụ."


def test_levels_the_rule_does_not_name_and_years_it_does_not_count_flag_nobody(board):
    switch_on(board, unit="")
    rows = _rows(selectors.personnel_report(organisation=board.org, on=ON, days=180))
    assert rows["TRUONG_A"].flagged and not rows["TRUONG_B"].flagged
    switch_on(board, person="", unit="fail", years=1)
    rows = _rows(selectors.personnel_report(organisation=board.org, on=ON, days=180))
    assert not rows["TRUONG_B"].flagged  # PB failed 2024, outside the one year counted


def test_a_term_ending_outside_the_window_or_a_post_already_left_is_not_due(board):
    Post.objects.filter(unit=board.pb, kind=PostKind.HEAD).update(term_end=ON + timedelta(days=400))
    Post.objects.filter(unit=board.pa, kind=PostKind.HEAD).update(end=ON - timedelta(days=1))
    assert selectors.personnel_report(organisation=board.org, on=ON, days=180).rows == []
    report = selectors.personnel_report(organisation=board.org, on=ON, days=401)
    assert [row.employee.code for row in report.rows] == ["TRUONG_B"]


def test_the_report_and_its_spreadsheet_for_hr_and_the_leader_only(client, board):
    switch_on(board)
    for user in (board.hr, board.lanh_dao.user):
        client.force_login(user)
        page = client.get(reverse("annual:personnel"), {"on": "2026-12-06", "days": "120"})
        assert page.status_code == 200
        assert "Không đủ điều kiện" in page.content.decode()
    for user in (board.truong_a.user, board.a1.user, board.hoi_dong.user):
        client.force_login(user)
        assert client.get(reverse("annual:personnel")).status_code == 403
        assert client.get(reverse("annual:personnel_xlsx")).status_code == 403
    client.force_login(board.hr)
    response = client.get(reverse("annual:personnel_xlsx"), {"on": "2026-12-06"})
    sheet = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    header, *lines = list(sheet.values)
    assert "Cá nhân năm 2025" in header and "Đơn vị năm 2024" in header
    assert {line[2] for line in lines} == {"TRUONG_A", "TRUONG_B"}
    assert all(line[header.index("Quy định không cho phép")] == "Có" for line in lines)


def _grow(c, n):
    """`n` more heads whose term ends in the window, each in a unit with results."""
    for i in range(n):
        unit = UnitFactory(parent=c.root, code=f"X{i}", name=f"Phòng X{i}")
        post = PostFactory(unit=unit, kind=PostKind.HEAD, term_end=TERM_END)
        for year in (2024, 2025):
            AnnualResult.objects.create(
                organisation=c.org,
                year=year,
                employee=post.employee,
                unit=unit,
                level="fail",
                computed_at=app_clock.now(),
            )
            UnitAnnualResult.objects.create(
                organisation=c.org,
                year=year,
                unit=unit,
                rated_count=1,
                member_count=1,
                level="fail",
                computed_at=app_clock.now(),
            )
        services.personnel_proposal_create(
            organisation=c.org,
            employee=post.employee,
            kind="rotate",
            from_unit=unit,
            to_unit=c.root,
            post_kind=PostKind.DEPUTY,
            effective_on=ON + timedelta(days=10 + i),
            reason="Luân chuyển",
            acknowledgement="Đã xem xét",
            by=c.hr,
        )


@pytest.mark.parametrize("name", ["annual:personnel", "annual:personnel_xlsx"])
def test_constant_queries_at_two_sizes(client, board, name):
    switch_on(board)
    client.force_login(board.hr)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    _grow(board, 5)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse(name))
        assert response.status_code == 200
    if name == "annual:personnel":
        assert response.content.decode().count('class="flagged"') == 12
    assert len(large) == len(small)


# --- proposals --------------------------------------------------------------------------


def _propose(c, **overrides):
    values = {
        "organisation": c.org,
        "employee": c.b1,
        "kind": "rotate",
        "from_unit": c.pb,
        "to_unit": c.root,
        "post_kind": PostKind.DEPUTY,
        "effective_on": ON + timedelta(days=30),
        "reason": "Đề xuất luân chuyển lên UBND",
        "by": c.hr,
    } | overrides
    return services.personnel_proposal_create(**values)


def test_a_proposal_from_a_unit_rated_at_the_bottom_warns_even_with_the_rule_off(board):
    with pytest.raises(ValidationError) as error:
        _propose(board)
    texts = error.value.message_dict["acknowledgement"]
    assert texts[0] == (
        "Năm 2024: đơn vị Phòng B xếp loại Không hoàn thành nhiệm vụ (mức thấp nhất)."
    )
    assert not PersonnelProposal.objects.exists()
    proposal = _propose(board, acknowledgement="Cá nhân hoàn thành tốt cả hai năm")
    assert proposal.warned and proposal.warnings == texts[:1]
    last = proposal.history.latest()
    assert last.history_user == board.hr
    assert last.history_change_reason == "Cá nhân hoàn thành tốt cả hai năm"


def test_a_person_failing_the_rule_is_warned_with_the_rule_and_its_basis(board):
    switch_on(board)
    with pytest.raises(ValidationError) as error:
        _propose(board, employee=board.truong_a, from_unit=board.pa, to_unit=board.root)
    texts = error.value.message_dict["acknowledgement"]
    assert texts[0] == "Năm 2025: cá nhân xếp loại Không hoàn thành nhiệm vụ."
    assert "không luân chuyển" in texts[1] and BASIS in texts[1]


def test_a_move_sideways_from_a_sound_unit_needs_no_acknowledgement(board):
    switch_on(board)
    proposal = _propose(board, employee=board.a1, from_unit=board.pa, to_unit=board.team)
    assert not proposal.warned and proposal.acknowledgement == ""
    assert proposal.rule.organisation == board.org


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"from_unit": "pa"}, "from_unit"),
        ({"kind": "reappoint"}, "to_unit"),
        ({"kind": "rotate", "to_unit": "pb"}, "to_unit"),
        ({"reason": " "}, "reason"),
        ({"post_kind": "boss"}, "post_kind"),
    ],
)
def test_a_proposal_that_does_not_hold_together_is_refused_by_field(board, overrides, field):
    values = {k: getattr(board, v) if k.endswith("unit") else v for k, v in overrides.items()}
    with pytest.raises(ValidationError) as error:
        _propose(board, acknowledgement="x", **values)
    assert field in error.value.message_dict
    assert not PersonnelProposal.objects.exists()


def test_a_proposal_is_made_by_hr_or_the_leader_only(board):
    for user in (board.truong_b.user, board.b2.user, board.hoi_dong.user):
        with pytest.raises(PermissionDenied):
            _propose(board, by=user, acknowledgement="x")
    assert _propose(board, by=board.lanh_dao.user, acknowledgement="x").proposed_by == (
        board.lanh_dao.user
    )


def test_the_proposal_page_shows_the_warning_then_saves_with_the_acknowledgement(client, board):
    client.force_login(board.hr)
    data = {
        "employee": board.b1.pk,
        "kind": "rotate",
        "from_unit": board.pb.pk,
        "to_unit": board.root.pk,
        "post_kind": "deputy",
        "effective_on": "2027-01-10",
        "reason": "Luân chuyển lên UBND",
    }
    page = client.post(reverse("annual:personnel_propose"), data)
    assert page.status_code == 400
    text = page.content.decode()
    assert 'id="proposal-warnings"' in text and "(mức thấp nhất)" in text
    assert not PersonnelProposal.objects.exists()
    done = client.post(
        reverse("annual:personnel_propose"), data | {"acknowledgement": "Đã cân nhắc"}
    )
    assert done.status_code == 302
    assert PersonnelProposal.objects.get().acknowledgement == "Đã cân nhắc"
    report = client.get(reverse("annual:personnel"))
    assert "Luân chuyển, điều động" in report.content.decode()


def test_the_rule_page_issues_a_version_for_hr_and_reads_only_for_the_leader(client, board):
    client.force_login(board.lanh_dao.user)
    page = client.get(reverse("annual:personnel_rule"))
    assert page.status_code == 200 and "Ban hành phiên bản mới" not in page.content.decode()
    assert client.post(reverse("annual:personnel_rule"), {}).status_code == 403
    client.force_login(board.hr)
    response = client.post(
        reverse("annual:personnel_rule"),
        {
            "effective_from": "2026-12-01",
            "enabled": "on",
            "years_counted": "2",
            "reappoint_person_levels": "fail",
            "reappoint_unit_levels": "",
            "rotation_person_levels": "",
            "rotation_unit_levels": "fail",
            "legal_basis": BASIS,
            "note": "Bật theo nghị quyết",
        },
    )
    assert response.status_code == 302
    assert selectors.rule_on(board.org, ON).rotation_unit_levels == "fail"

"""One-stop dossiers: on-time status, apology letters, excuses, counts and the report."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discipline import selectors, services
from discipline.models import DossierStatus

MARCH = (date(2026, 3, 1), date(2026, 3, 31))

CAUSE = "Chờ ý kiến của cơ quan phối hợp."


def _dossier(d, code, *, officer=None, due_on=date(2026, 3, 10), settled_on=None, by=None):
    return services.dossier_record(
        unit=d.tn,
        code=code,
        citizen_name="Nguyễn Thị Dân",
        procedure="Đăng ký biến động quyền sử dụng đất",
        officer=officer or d.an,
        received_on=date(2026, 3, 2),
        due_on=due_on,
        settled_on=settled_on,
        by=by,
    )


def test_it_derives_the_status_from_the_dates(d):
    assert _dossier(d, "H1").status == DossierStatus.PENDING
    on_time = _dossier(d, "H2", settled_on=date(2026, 3, 10), by=d.mot_cua.user)
    assert on_time.status == DossierStatus.ON_TIME
    late = services.dossier_settle(dossier=_dossier(d, "H3"), settled_on=date(2026, 3, 12))
    assert late.status == DossierStatus.LATE
    assert late.history.count() == 2


def test_it_refuses_bad_dates_unknown_officers_and_staff_without_the_desk_role(d):
    with pytest.raises(ValidationError) as error:
        _dossier(d, "H1", due_on=date(2026, 3, 1), settled_on=date(2026, 3, 1))
    assert set(error.value.message_dict) == {"due_on", "settled_on"}
    with pytest.raises(ValidationError) as error:
        _dossier(d, "H1", officer=d.khach)
    assert "officer" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        _dossier(d, "H1", by=d.binh.user)
    _dossier(d, "H1")
    with pytest.raises(ValidationError):
        _dossier(d, "H1")
    dossier = _dossier(d, "H2", settled_on=date(2026, 3, 5))
    with pytest.raises(ValidationError) as error:
        services.dossier_settle(dossier=dossier, settled_on=date(2026, 3, 6))
    assert "settled_on" in error.value.message_dict


def test_it_flags_late_dossiers_without_a_letter_or_with_a_late_one(d):
    _dossier(d, "H1", settled_on=date(2026, 3, 12))
    sent_late = _dossier(d, "H2", settled_on=date(2026, 3, 12))
    in_time = _dossier(d, "H3", settled_on=date(2026, 3, 12))
    overdue_open = _dossier(d, "H4", due_on=date(2026, 3, 13))
    _dossier(d, "H5", settled_on=date(2026, 3, 9))
    _dossier(d, "H6", due_on=date(2026, 3, 20))  # open, not yet due on 16/3
    services.apology_record(
        cause=CAUSE,
        signed_by=d.truong_tn,
        dossier=sent_late,
        number="05/TXL",
        sent_on=date(2026, 3, 11),
        by=d.mot_cua.user,
    )
    services.apology_record(
        cause=CAUSE,
        signed_by=d.truong_tn,
        dossier=in_time,
        number="04/TXL",
        sent_on=date(2026, 3, 9),
        by=d.truong_tn.user,
    )
    flags = selectors.apology_letter_flags(organisation=d.org, start=MARCH[0], end=MARCH[1])
    assert [(flag.code, flag.problem) for flag in flags] == [
        ("H1", "missing"),
        ("H2", "sent_late"),
        ("H4", "missing"),
    ]
    assert flags[1].letter_number == "05/TXL" and flags[0].officer_name == "Hoàng Văn An"
    assert overdue_open.status == DossierStatus.PENDING


def test_it_refuses_letters_for_on_time_dossiers_twice_or_by_others(d):
    on_time = _dossier(d, "H1", settled_on=date(2026, 3, 9))
    with pytest.raises(ValidationError) as error:
        services.apology_record(
            cause=CAUSE,
            signed_by=d.truong_tn,
            dossier=on_time,
            number="1",
            sent_on=date(2026, 3, 9),
        )
    assert "dossier" in error.value.message_dict
    late = _dossier(d, "H2", settled_on=date(2026, 3, 12))
    with pytest.raises(PermissionDenied):
        services.apology_record(
            cause=CAUSE,
            signed_by=d.truong_tn,
            dossier=late,
            number="1",
            sent_on=date(2026, 3, 9),
            by=d.binh.user,
        )
    services.apology_record(
        cause=CAUSE, signed_by=d.truong_tn, dossier=late, number="1", sent_on=date(2026, 3, 9)
    )
    with pytest.raises(ValidationError) as error:
        services.apology_record(
            cause=CAUSE, signed_by=d.truong_tn, dossier=late, number="2", sent_on=date(2026, 3, 9)
        )
    assert "dossier" in error.value.message_dict


def test_it_counts_unexcused_late_dossiers_as_delays_of_the_officer(d):
    first = _dossier(d, "H1", settled_on=date(2026, 3, 12))
    _dossier(d, "H2", settled_on=date(2026, 3, 13))
    _dossier(d, "H3", officer=d.binh, settled_on=date(2026, 3, 11))
    _dossier(d, "H4", officer=d.binh, settled_on=date(2026, 3, 9))
    excused = services.dossier_excuse(
        dossier=first, reason="Chờ kết quả đo đạc của đơn vị tư vấn.", by=d.truong_tn.user
    )
    assert excused.excused and excused.excused_by == d.truong_tn.user
    assert selectors.late_dossier_delays(organisation=d.org, year=2026, month=3) == {
        d.an.pk: 1,
        d.binh.pk: 1,
    }
    assert selectors.late_dossier_delays(organisation=d.org, year=2026, month=2) == {}


def test_it_lets_only_the_officers_head_excuse_and_never_their_own(d):
    late = _dossier(d, "H1", settled_on=date(2026, 3, 12))
    for user in (d.pho_tn.user, d.an.user, d.truong_vp.user, d.mot_cua.user):
        with pytest.raises(PermissionDenied):
            services.dossier_excuse(dossier=late, reason="x", by=user)
    own = _dossier(d, "H2", officer=d.truong_tn, settled_on=date(2026, 3, 12))
    with pytest.raises(PermissionDenied):
        services.dossier_excuse(dossier=own, reason="x", by=d.truong_tn.user)
    services.dossier_excuse(dossier=own, reason="Mất điện diện rộng.", by=d.chu_tich.user)
    with pytest.raises(ValidationError) as error:
        services.dossier_excuse(dossier=late, reason="", by=d.truong_tn.user)
    assert "excuse_reason" in error.value.message_dict
    on_time = _dossier(d, "H3", settled_on=date(2026, 3, 9))
    with pytest.raises(ValidationError) as error:
        services.dossier_excuse(dossier=on_time, reason="x", by=d.truong_tn.user)
    assert "dossier" in error.value.message_dict


def test_it_combines_records_and_reported_counts_without_double_counting(d):
    _dossier(d, "H1", settled_on=date(2026, 3, 9))
    _dossier(d, "H2", settled_on=date(2026, 3, 12))
    vp_record = services.dossier_record(
        unit=d.vp,
        code="V1",
        citizen_name="Lê Văn Dân",
        officer=d.thu,
        received_on=date(2026, 3, 2),
        due_on=date(2026, 3, 5),
        settled_on=date(2026, 3, 4),
    )
    services.dossier_count_record(unit=d.vp, year=2026, month=3, on_time=39, late=1)
    services.dossier_count_record(
        unit=d.mc, year=2026, month=2, on_time=20, late=0, by=d.mot_cua.user
    )
    march = selectors.dossier_counts(organisation=d.org, start=MARCH[0], end=MARCH[1])
    assert march == {d.tn.pk: (1, 1), d.vp.pk: (39, 1)}  # VP's own record is in its count
    quarter = selectors.dossier_counts(
        organisation=d.org, start=date(2026, 1, 1), end=date(2026, 3, 31)
    )
    assert quarter == {d.tn.pk: (1, 1), d.vp.pk: (39, 1), d.mc.pk: (20, 0)}
    assert vp_record.status == DossierStatus.ON_TIME


def test_it_corrects_a_reported_count_in_place(d):
    services.dossier_count_record(unit=d.vp, year=2026, month=2, on_time=10, late=2)
    row = services.dossier_count_record(unit=d.vp, year=2026, month=2, on_time=11, late=1)
    assert (row.on_time, row.late, row.history.count()) == (11, 1, 2)


def test_it_refuses_counts_for_a_future_month_negative_or_without_the_role(d):
    with pytest.raises(ValidationError) as error:
        services.dossier_count_record(unit=d.vp, year=2026, month=4, on_time=1, late=0)
    assert "month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.dossier_count_record(unit=d.vp, year=2026, month=1, on_time=-1, late=0)
    assert "on_time" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.dossier_count_record(
            unit=d.vp, year=2026, month=1, on_time=1, late=0, by=d.thu.user
        )


def test_it_builds_the_monthly_timeliness_report(d):
    late = _dossier(d, "H1", settled_on=date(2026, 3, 12))
    _dossier(d, "H2", settled_on=date(2026, 3, 9))
    _dossier(d, "H3", settled_on=date(2026, 3, 10))
    services.apology_record(
        cause=CAUSE, signed_by=d.truong_tn, dossier=late, number="07/TXL", sent_on=date(2026, 3, 8)
    )
    services.dossier_count_record(unit=d.vp, year=2026, month=3, on_time=97, late=3)
    report = selectors.timeliness_report(organisation=d.org, year=2026, month=3)
    assert report.due_on == date(2026, 4, 15)
    assert [(u.unit_code, u.on_time, u.late, u.on_time_rate) for u in report.units] == [
        ("VP", 97, 3, Decimal("97.00")),
        ("TN", 2, 1, Decimal("66.67")),
    ]
    assert report.units[0].reported_counts and report.units[0].late_dossiers == []
    line = report.units[1].late_dossiers[0]
    assert (line.code, line.officer_name, line.days_late, line.apology_letter) == (
        "H1",
        "Hoàng Văn An",
        2,
        "on_time",
    )
    assert report.on_time_rate == Decimal("96.12")  # 99 / 103
    december = selectors.timeliness_report(organisation=d.org, year=2025, month=12)
    assert december.due_on == date(2026, 1, 15) and december.units == []

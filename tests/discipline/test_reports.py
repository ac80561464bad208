"""Report tables on a small hand-computed dataset; Decimals stay exact."""

from datetime import date
from decimal import Decimal

import pytest

from discipline import reports, services
from discipline.models import Violation, ViolationStatus


@pytest.fixture
def ledger(d):
    """February: an twice without a badge (0.50 each), binh drinking at lunch (2.00);
    March: thu smoking (1.00), binh late (annulled). TN dossiers in February: 2 on time,
    1 late; VP reported 39 on time and 1 late for March. MC's SIPAS surveys: February
    249/300, March 196/200. One reprimand for an."""

    def record(code, employee, day):
        return services.violation_record(item=d.item[code], employee=employee, occurred_on=day)

    record("khong_deo_the", d.an, date(2026, 2, 3))
    record("khong_deo_the", d.an, date(2026, 2, 20))
    record("ruou_bia_gio_lam_viec", d.binh, date(2026, 2, 10))
    record("hut_thuoc_noi_cong_so", d.thu, date(2026, 3, 4))
    annulled = record("di_muon_ve_som", d.binh, date(2026, 3, 5))
    Violation.objects.filter(pk=annulled.pk).update(
        status=ViolationStatus.ANNULLED, decided_at="2026-03-10T08:00:00Z", decision_reason="x"
    )
    for code, settled in (("H1", 9), ("H2", 10), ("H3", 12)):
        services.dossier_record(
            unit=d.tn,
            code=code,
            citizen_name="Nguyễn Văn Dân",
            officer=d.an,
            received_on=date(2026, 2, 2),
            due_on=date(2026, 2, 10),
            settled_on=date(2026, 2, settled),
        )
    services.dossier_count_record(unit=d.vp, year=2026, month=3, on_time=39, late=1)
    for month, respondents, satisfied in ((2, 300, 249), (3, 200, 196)):
        services.survey_record(
            unit=d.mc,
            year=2026,
            month=month,
            source="sipas",
            respondents=respondents,
            satisfied=satisfied,
        )
    services.discipline_decide(
        employee=d.an,
        number="09/QĐ-UBND",
        decided_on=date(2026, 3, 2),
        signer_name="Trần Văn Quang",
        signer_title="Chủ tịch UBND huyện",
        form=d.form["khien_trach"],
        legal_basis="Nghị định số 112/2020/NĐ-CP",
        effect_from=date(2026, 3, 2),
        effect_to=date(2026, 9, 1),
    )
    return d


def test_it_tables_violations_by_unit_type_and_month(ledger, django_assert_num_queries):
    with django_assert_num_queries(1):
        frame = reports.violations_by_unit_type_month(organisation=ledger.org, year=2026)
    rows = frame[["unit_code", "code", "month", "count", "points"]].values.tolist()
    assert rows == [
        ["VP", "hut_thuoc_noi_cong_so", 3, 1, Decimal("1.00")],
        ["TN", "khong_deo_the", 2, 2, Decimal("1.00")],
        ["TN", "ruou_bia_gio_lam_viec", 2, 1, Decimal("2.00")],
    ]
    assert all(isinstance(points, Decimal) for points in frame["points"])
    assert reports.violations_by_unit_type_month(organisation=ledger.org, year=2025).empty


def test_it_lists_the_people_disciplined_in_the_year(ledger):
    frame = reports.people_disciplined(organisation=ledger.org, year=2026)
    assert frame[["number", "full_name", "unit_code", "form", "severity"]].values.tolist() == [
        ["09/QĐ-UBND", "Hoàng Văn An", "TN", "Khiển trách", 1]
    ]


def test_it_computes_office_culture_compliance_per_unit(ledger, django_assert_num_queries):
    with django_assert_num_queries(4):
        frame = reports.office_culture_compliance(
            organisation=ledger.org, start=date(2026, 2, 1), end=date(2026, 2, 28)
        )
    assert frame[["unit_code", "unit_name", "staff", "compliant", "rate"]].values.tolist() == [
        ["UBND", "UBND huyện", 1, 1, Decimal("100.00")],
        ["NV", "Phòng Nội vụ", 4, 4, Decimal("100.00")],
        ["VP", "Văn phòng HĐND và UBND", 2, 2, Decimal("100.00")],
        ["MC", "Bộ phận Một cửa", 1, 1, Decimal("100.00")],
        ["TN", "Phòng Tài nguyên và Môi trường", 4, 2, Decimal("50.00")],
    ]
    march = reports.office_culture_compliance(
        organisation=ledger.org, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    by_unit = dict(zip(march["unit_code"], march["rate"], strict=True))
    assert (by_unit["VP"], by_unit["TN"]) == (Decimal("50.00"), Decimal("100.00"))


def test_it_tables_on_time_rates_per_unit_and_month(ledger, django_assert_num_queries):
    with django_assert_num_queries(3):
        frame = reports.on_time_rates(organisation=ledger.org, year=2026)
    assert frame[["unit_code", "month", "on_time", "late", "rate", "reported"]].values.tolist() == [
        ["VP", 3, 39, 1, Decimal("97.50"), True],
        ["TN", 2, 2, 1, Decimal("66.67"), False],
    ]
    assert reports.on_time_rates(organisation=ledger.org, year=2025).empty


def test_it_gives_the_survey_dashboard_and_year_totals(ledger):
    frame = reports.survey_dashboard(organisation=ledger.org, year=2026)
    assert frame[["unit_code", "month", "satisfied_pct"]].values.tolist() == [
        ["MC", 2, Decimal("83.00")],
        ["MC", 3, Decimal("98.00")],
    ]
    totals = reports.survey_year_totals(organisation=ledger.org, year=2026)
    assert totals.values.tolist() == [
        ["MC", "Bộ phận Một cửa", "sipas", 500, 445, Decimal("89.00")]
    ]

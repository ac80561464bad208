"""The engine-facing reads cost the same number of queries for 2 people or 12."""

from datetime import date

import pytest

from discipline import selectors, services
from discipline.models import Violation, ViolationStatus
from tests.factories import EmployeeFactory, JobPositionFactory

MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}


def _populate(d, size: int) -> None:
    """`size` people in TN, each with two violations (one annulled), two dossiers (one
    late), a decision and a substantiated complaint; a unit finding; counts for VP."""
    position = JobPositionFactory(organisation=d.org)
    for n in range(size):
        person = EmployeeFactory(unit=d.tn, job_position=position)
        for code in ("khong_deo_the", "di_muon_ve_som"):
            services.violation_record(
                item=d.item[code], employee=person, occurred_on=date(2026, 3, 2 + n % 10)
            )
        for suffix, settled in (("a", date(2026, 3, 9)), ("b", date(2026, 3, 12))):
            services.dossier_record(
                unit=d.tn,
                code=f"{person.code}{suffix}",
                citizen_name="Trần Văn Dân",
                officer=person,
                received_on=date(2026, 3, 2),
                due_on=date(2026, 3, 10),
                settled_on=settled,
            )
        services.discipline_decide(
            employee=person,
            number=f"{n}/QĐ-UBND",
            decided_on=date(2026, 3, 5),
            signer_name="Trần Văn Quang",
            signer_title="Chủ tịch UBND huyện",
            form=d.form["khien_trach"],
            legal_basis="Nghị định số 112/2020/NĐ-CP",
            effect_from=date(2026, 3, 5),
        )
        complaint = services.complaint_record(
            channel="online", received_on=date(2026, 3, 3), content="Chậm trả", employee=person
        )
        services.complaint_decide(complaint=complaint, substantiated=True, note="Đúng")
    Violation.objects.filter(item__code="di_muon_ve_som").update(
        status=ViolationStatus.ANNULLED, decided_at="2026-03-15T08:00:00Z", decision_reason="x"
    )
    services.violation_record(
        item=d.item["don_vi_vi_pham_nghiem_trong_van_hoa_cong_so"],
        unit=d.tn,
        occurred_on=date(2026, 3, 3),
    )
    services.dossier_count_record(unit=d.vp, year=2026, month=3, on_time=40, late=2)


READS = [
    (lambda d: selectors.person_deductions(organisation=d.org, **MARCH), 1),
    (lambda d: selectors.unit_findings(organisation=d.org, **MARCH), 1),
    (lambda d: selectors.dossier_counts(organisation=d.org, **MARCH), 2),
    (lambda d: selectors.late_dossier_delays(organisation=d.org, year=2026, month=3), 1),
    (lambda d: selectors.disciplines_in_year(organisation=d.org, year=2026), 1),
    (lambda d: selectors.substantiated_complaints(organisation=d.org, **MARCH), 1),
    (lambda d: selectors.apology_letter_flags(organisation=d.org, **MARCH), 1),
    (lambda d: selectors.timeliness_report(organisation=d.org, year=2026, month=3), 5),
    (lambda d: list(selectors.violations_visible_to(d.truong_tn.user)), 3),
    (lambda d: selectors.catalogue_for(organisation=d.org, on=date(2026, 3, 1)), 1),
]


@pytest.mark.parametrize("size", [2, 12])
def test_it_reads_a_whole_agency_month_in_constant_queries(d, size, django_assert_num_queries):
    _populate(d, size)
    for read, queries in READS:
        with django_assert_num_queries(queries):
            read(d)
    ledger = selectors.person_deductions(organisation=d.org, **MARCH)
    assert len(ledger) == size and all(len(entries) == 1 for entries in ledger.values())
    assert selectors.dossier_counts(organisation=d.org, **MARCH) == {
        d.tn.pk: (size, size),
        d.vp.pk: (40, 2),
    }
    assert sum(selectors.late_dossier_delays(organisation=d.org, year=2026, month=3).values()) == (
        size
    )
    assert len(selectors.apology_letter_flags(organisation=d.org, **MARCH)) == size
    assert list(selectors.unit_findings(organisation=d.org, **MARCH)) == [d.tn.pk]
    complaints = selectors.substantiated_complaints(organisation=d.org, **MARCH)
    assert complaints.by_unit == {d.tn.pk: size}

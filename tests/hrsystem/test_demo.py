"""setup_demo: the demo agency, its logins, its discipline ledger, and re-running without
duplicates. The demo is built once for the module and rolled back at its end."""

import logging
import unicodedata
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from discipline.models import (
    Commitment,
    Complaint,
    ComplaintOutcome,
    DisciplineDecision,
    DossierMonthlyCount,
    DossierRecord,
    DossierStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
    SatisfactionSurvey,
    SuggestionBoxEntry,
    Violation,
    ViolationStatus,
)
from hrsystem import demo, permissions, selectors
from hrsystem.models import (
    DeputyDelegation,
    Employee,
    JobPosition,
    Organisation,
    Post,
    PostKind,
    QuotaGroup,
    Unit,
)
from hrsystem.permissions import Perm

pytestmark = pytest.mark.django_db
FAST_HASHING = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
"""As every test hashes (tests/conftest.py); the module's demo is built before them."""


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def run() -> str:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    """Rows of every model of the three apps, and users."""
    models = [
        model
        for label in ("hrsystem", "evaluation", "discipline")
        for model in apps.get_app_config(label).get_models()
    ]
    return {model.__name__: model.objects.count() for model in [*models, get_user_model()]}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The output and log records of one setup_demo run, kept for the whole module."""
    records = _Records()
    root = logging.getLogger()
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(**FAST_HASHING):
        root.addHandler(records)
        try:
            output = run()
        finally:
            root.removeHandler(records)
        yield SimpleNamespace(output=output, logs=records.records)
        transaction.set_rollback(True)


def test_it_builds_the_demo_agency_and_prints_one_login_per_role(built):
    for username, _role in demo.LOGINS:
        assert f"  {username} " in built.output
    assert demo.PASSWORD in built.output
    organisation = Organisation.objects.get(code=demo.CODE)
    assert organisation.units.count() == 15
    assert max(organisation.units.values_list("depth", flat=True)) == 2
    assert 140 <= Employee.objects.count() <= 160
    for position in JobPosition.objects.all():
        assert 3 <= position.tasks.count() <= 6, position
    assert Post.objects.filter(kind=PostKind.ACTING).count() == 1
    assert DeputyDelegation.objects.exists() and QuotaGroup.objects.exists()


def test_it_speaks_vietnamese_only_and_times_itself_once(built):
    assert built.output.count("Xong sau") == 1
    assert built.output.rstrip().splitlines()[-1].startswith("Xong sau")
    assert "recomputed" not in built.output and "opened for" not in built.output
    assert [r.getMessage() for r in built.logs if r.levelno < logging.WARNING] == []


def test_it_is_idempotent(built):
    first = counts()
    output = run()
    assert counts() == first
    assert "Đã có sẵn" in output
    assert "Sổ kỷ luật mẫu đã có sẵn." in output


def test_it_gives_every_demo_login_its_role(built):
    today = timezone.localdate()
    users = {user.username: user for user in get_user_model().objects.all()}
    for username, _role in demo.LOGINS:
        assert authenticate(username=username, password=demo.PASSWORD) == users[username]
    organisation = Organisation.objects.get(code=demo.CODE)
    staff = users["nhanvien"].employee
    assert selectors.superior_of(staff, on=today) == users["truong_phong"].employee
    assert permissions.can_score(users["pho_phong"], staff, today)
    assert permissions.can_score(users["truong_phong"], staff, today)
    assert not permissions.can_score(users["nhanvien"], staff, today)
    assert permissions.can_view_employee(users["nhanvien"], staff, today)
    acting_unit = Unit.objects.get(organisation=organisation, code=demo.ACTING_UNIT)
    assert permissions.can_approve_unit(users["quyen_truong_phong"], acting_unit, today)
    assert permissions.can_sign_off(users["chu_tich"], organisation, today)
    assert permissions.can_inspect(users["thanh_tra"], acting_unit, today)
    assert permissions.can_manage_org(users["to_chuc"], organisation)
    assert permissions.unit_ids_for(users["hoi_dong"], Perm.REVIEW_EMULATION, today)
    assert permissions.unit_ids_for(users["mot_cua"], Perm.RECORD_DOSSIERS, today)
    assert users["admin"].is_superuser and users["to_chuc"].is_staff


def test_it_names_people_in_nfc_vietnamese(built):
    names = list(Employee.objects.values_list("full_name", flat=True))
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert len(set(names)) == len(names)
    assert any("Nguyễn" in name for name in names)


def test_it_keeps_a_discipline_ledger_over_the_past_months(built):
    today = timezone.localdate()
    months = {(day.year, day.month) for day in Violation.objects.dates("occurred_on", "month")}
    assert set(demo.past_months(today)) <= months
    inspections = Inspection.objects.all()
    assert inspections.filter(kind=InspectionKind.REGULAR).count() >= 3
    assert inspections.filter(kind=InspectionKind.SURPRISE).count() >= 3
    assert inspections.filter(status=InspectionStatus.PLANNED, planned_on__gt=today).count() == 1
    assert {i.head.user.username for i in inspections} == {"thanh_tra"}
    assert all(i.report for i in inspections.filter(status=InspectionStatus.CLOSED))
    findings = Violation.objects.filter(inspection__isnull=False)
    assert findings.filter(employee__isnull=False).count() >= 10
    assert findings.filter(target_unit__isnull=False).count() == 1
    contested = Violation.objects.get(status=ViolationStatus.CONTESTED)
    assert contested.employee.user.username == "nhanvien"
    decided = Violation.objects.get(status=ViolationStatus.ANNULLED)
    # the head of the team recorded it, so the other member decided it
    assert decided.decided_by.username == "thanh_tra_vien" and decided.decision_reason
    decision = DisciplineDecision.objects.get()
    assert decision.form.code == "khien_trach" and decision.violations.count() == 2


def test_it_keeps_the_desk_records_complaints_surveys_and_commitments(built):
    dossiers = DossierRecord.objects.all()
    assert dossiers.count() >= 100
    late = dossiers.filter(status=DossierStatus.LATE)
    assert late.filter(apology_letter__isnull=False).exists()
    assert late.filter(apology_letter__isnull=True).exists()
    assert late.filter(officer__user__username="mot_cua").exists()
    assert late.filter(excused=True).count() == 1
    assert {d.recorded_by.username for d in dossiers.select_related("recorded_by")} == {"mot_cua"}
    assert DossierMonthlyCount.objects.count() == 2 * demo.MONTHS_SHOWN
    assert Violation.objects.filter(dossier__isnull=False).exists()
    substantiated = Complaint.objects.get(outcome=ComplaintOutcome.SUBSTANTIATED)
    assert substantiated.employee is not None and substantiated.violations.count() == 1
    assert Complaint.objects.filter(outcome=ComplaintOutcome.PENDING).exists()
    assert SuggestionBoxEntry.objects.count() >= 5
    assert SatisfactionSurvey.objects.values("unit").distinct().count() >= 5
    commitments = Commitment.objects.filter(year=timezone.localdate().year)
    unsigned = commitments.filter(signed_on__isnull=True).count()
    assert 0 < unsigned < commitments.count() / 10
    assert commitments.filter(signer__user__username="nhanvien", signed_on__isnull=False).exists()


def test_every_unit_with_a_leader_can_be_led_from_a_login(built):
    """Issue 17: every unit's head (or acting head) signs in, so each unit scores and
    submits its own month and the open month can be taken to publication."""
    today = timezone.localdate()
    organisation = Organisation.objects.get(code=demo.CODE)
    for unit in organisation.units.all():
        leader = selectors.unit_leader(unit, on=today)
        if leader is not None:
            assert leader.user_id is not None, unit
            assert f"  {leader.user.username} " in built.output

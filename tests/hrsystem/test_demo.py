"""setup_demo: the demo agency, its logins, its discipline ledger, its periods (six past
months published with results, this month open), and re-running without duplicates.
The demo is built once for the module and rolled back at its end: every test that
needs the demo belongs here."""

import logging
import unicodedata
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
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
from evaluation.models import Evaluation, Notification, Period, PeriodState
from hrsystem import demo, permissions, selectors
from hrsystem.demo import MONTHS_SHOWN, past_months
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
    with django_db_blocker.unblock(), transaction.atomic():
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
        login = RequestFactory().post("/accounts/login/")
        assert authenticate(login, username=username, password=demo.PASSWORD) == users[username]
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


# --- the periods of the demo (evaluation) ---------------------------------------------


def rated(**filters):
    return Evaluation.objects.filter(is_current=True, not_rated=False, **filters)


def shown(**filters):
    """Rated rows of the six months the demo shows (published; the year's demo locks
    those past their appeal window)."""
    months = past_months(timezone.localdate())
    first = Period.objects.filter(year=months[0][0], number=months[0][1]).get()
    return rated(
        period__start__gte=first.start,
        period__state__in=(PeriodState.PUBLISHED, PeriodState.LOCKED),
        **filters,
    )


def test_it_publishes_the_past_months_and_opens_this_month_once(built):
    today = timezone.localdate()
    months = past_months(today)
    assert len(months) == MONTHS_SHOWN == 6
    periods = {(p.year, p.number): p for p in Period.objects.all()}
    assert set(periods) >= {*months, (today.year, today.month)}
    for month in months:
        period = periods[month]
        assert period.state in (PeriodState.PUBLISHED, PeriodState.LOCKED)
        assert period.published_at.date() < today
        levels = Counter(rated(period=period).values_list("level", flat=True))
        assert set(levels) == {"top", "good", "complete", "fail"}, (month, levels)
        assert levels["good"] > levels["top"] > levels["fail"], (month, levels)
    assert periods[(today.year, today.month)].state == PeriodState.SELF_ASSESSMENT
    count = Period.objects.count()
    out = StringIO()
    call_command("setup_demo_periods", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert "Xong sau" not in out.getvalue()
    assert Period.objects.count() == count


def test_it_varies_people_across_months(built):
    levels: dict[int, set[str]] = {}
    for employee_id, level in shown().values_list("employee_id", "level"):
        levels.setdefault(employee_id, set()).add(level)
    changing = sum(1 for seen in levels.values() if len(seen) > 1)
    assert changing > len(levels) / 3
    assert sum(1 for seen in levels.values() if len(seen) == 1) > 10


def test_it_gives_nhanvien_a_trend_and_a_month_with_deductions_to_explain(built):
    employee = Employee.objects.get(user__username="nhanvien")
    months = list(shown(employee=employee).order_by("period__start"))
    assert len(months) == MONTHS_SHOWN
    latest = months[-1]
    general_max = latest.rule_set_snapshot["general_max"]
    assert latest.total < 100 and latest.task_pct < 100
    assert latest.general < type(latest.general)(general_max)
    start, end = latest.period.start, latest.period.end
    assert employee.violations.filter(occurred_on__range=(start, end)).exists()
    assert len({month.total for month in months}) > 1


def test_it_leaves_only_current_messages_unread_and_dates_them_in_the_story(built):
    today = timezone.localdate()
    latest = Period.objects.filter(state=PeriodState.PUBLISHED).order_by("-start").first()
    unread = Notification.objects.filter(user__username="nhanvien", read_at__isnull=True)
    assert sorted(unread.values_list("kind", flat=True)) == [
        "results_published",
        "self_assessment_open",
    ]
    assert str(latest) in unread.get(kind="results_published").title
    assert str(today.month) in unread.get(kind="self_assessment_open").title
    stamps = Notification.objects.values_list("created_at", flat=True)
    assert len({stamp.date() for stamp in stamps}) > MONTHS_SHOWN
    read = Notification.objects.filter(read_at__isnull=False)
    assert read.count() > unread.count()
    assert all(n.read_at > n.created_at for n in read)


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


def test_it_leaves_a_year_ready_for_the_board(built, client):
    from django.urls import reverse

    from evaluation.annual import board_models
    from evaluation.annual.demo import demo_year_of
    from evaluation.annual.models import AnnualResult, AnnualRun

    year = demo_year_of(timezone.localdate())
    run = AnnualRun.objects.get(year=year)
    assert run.periods.count() >= 6
    assert all(p.state == PeriodState.LOCKED for p in run.periods.all())
    codes = Counter(
        reason["code"]
        for reasons in AnnualResult.objects.values_list("reasons", flat=True)
        for reason in reasons
    )
    assert codes["quota_downgrade"] >= 1 and codes["discipline_in_year"] >= 1
    assert AnnualResult.objects.filter(title="chien_si_thi_dua_co_so").exists()
    assert board_models.UnitEmulationRegistration.objects.exists()
    assert board_models.TitleRegistration.objects.count() == 2
    assert not board_models.AnnualReview.objects.filter(state="published").exists()
    client.force_login(get_user_model().objects.get(username="hoi_dong"))
    page = client.get(reverse("annual:review", args=[year]))
    assert page.status_code == 200 and "Ghi quyết định" in page.content.decode()
    out = StringIO()
    call_command("setup_demo_year", stdout=out)
    assert "đã được tổng hợp" in out.getvalue()


def _printed(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_score_scenario_on_the_demo_s_export_prints_what_show_results_prints(built, tmp_path):
    """The database path and the engine agree on the demo agency, for its year and every
    month of it: each deputy answers for all of the unit's staff (delegated to them, as
    the scenario format reads a deputy) and the mover changed unit on 1 January."""
    from evaluation.annual.demo import demo_year_of

    year = str(demo_year_of(timezone.localdate()))
    months = Period.objects.filter(year=year).values_list("number", flat=True)
    for extra in [[], *(["--month", str(m)] for m in sorted(months))]:
        path = tmp_path / f"demo{'-'.join(extra)}.json"
        agency = ["--organisation", demo.CODE, "--year", year, *extra]
        _out, warnings = _printed("export_scenario", *agency, "--output", str(path))
        assert warnings == "", extra
        scored, _err = _printed("score_scenario", str(path))
        shown, _err = _printed("show_results", *agency)
        assert shown == scored, extra


def test_it_switches_the_personnel_rule_on_and_the_report_flags_the_weak_head(built, client):
    from django.urls import reverse

    from evaluation.annual.models import PersonnelRule

    rule = PersonnelRule.objects.get(organisation__isnull=False)
    assert rule.enabled and rule.note
    assert not PersonnelRule.objects.get(organisation__isnull=True).enabled
    client.force_login(get_user_model().objects.get(username="to_chuc"))
    page = client.get(reverse("annual:personnel")).content.decode()
    assert page.count('class="flagged"') == 1
    assert "Phòng Kinh tế - Hạ tầng" in page and "Phòng Tài chính - Kế hoạch" in page
    assert "Văn phòng HĐND và UBND huyện" not in page

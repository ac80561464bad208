"""Every write to the discipline ledger.

Each function is keyword-only, runs in one transaction, checks the actor's permission
inside (`PermissionDenied`), validates before writing and raises `ValidationError` with
a dict naming the offending field, saving nothing on error. `by` is the acting user and
is recorded as the history user; `by=None` is a trusted system caller (commands,
imports, tests) where the function allows it. Nobody records, contests for someone else,
decides or excuses their own record.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hrsystem import clock, permissions
from hrsystem import selectors as hr_selectors
from hrsystem.models import (
    Assignment,
    Employee,
    Organisation,
    Post,
    Role,
    RoleGrant,
    Unit,
)
from hrsystem.permissions import Perm
from hrsystem.service_checks import day_text, raise_if, require, save

from . import permissions as rules
from . import selectors
from .models import (
    ApologyLetter,
    AppliesTo,
    Commitment,
    CommitmentLevel,
    Complaint,
    ComplaintOutcome,
    DisciplineDecision,
    DisciplineForm,
    DisciplinePolicy,
    DossierMonthlyCount,
    DossierRecord,
    DossierStatus,
    Inspection,
    InspectionStatus,
    SatisfactionSurvey,
    SuggestionBoxEntry,
    Violation,
    ViolationCatalogueItem,
    ViolationSource,
    ViolationStatus,
)

ONE_DAY = timedelta(days=1)
CATALOGUE_FIELDS = {
    "description",
    "legal_basis",
    "default_points",
    "criterion_code",
    "criterion_name",
    "cap_level",
    "applies_to",
    "serious",
    "office_culture",
    "effective_to",
}
"""Catalogue fields `catalogue_item_revise` may change."""


# --- helpers ---------------------------------------------------------------------------


def _in_subtree(unit: Unit, roots: Iterable[Unit]) -> bool:
    return any(unit.path.startswith(root.path) for root in roots)


def _unit_on(employee: Employee, on: date, field: str) -> Unit:
    unit = hr_selectors.unit_of(employee, on=on)
    if unit is None:
        raise ValidationError(
            {
                field: _("%(name)s không công tác tại đơn vị nào vào ngày %(day)s.")
                % {"name": employee.full_name, "day": day_text(on)}
            }
        )
    return unit


def _not_in_future(day: date, field: str) -> dict[str, str]:
    if day > clock.today():
        return {field: _("Ngày %(day)s chưa tới.") % {"day": day_text(day)}}
    return {}


def _one_target(employee: Employee | None, unit: Unit | None) -> None:
    if (employee is None) == (unit is None):
        raise ValidationError(
            {"employee": _("Chọn đúng một đối tượng: một cán bộ hoặc một đơn vị.")}
        )


# --- agency settings -------------------------------------------------------------------


@transaction.atomic
def discipline_policy_set(
    *,
    organisation: Organisation,
    contest_days: int | None = None,
    internal_affairs_unit: Unit | None = None,
    by=None,
) -> DisciplinePolicy:
    """Set an agency's contest window (None: the system default) and the Internal Affairs
    unit whose inspectors head inspection teams (None: any inspector); by its HR officer."""
    if by is not None:
        require(rules.manages(by, organisation))
    policy = DisciplinePolicy.objects.select_for_update(of=("self",)).filter(
        organisation=organisation
    ).first() or DisciplinePolicy(organisation=organisation)
    policy.contest_days = contest_days
    policy.internal_affairs_unit = internal_affairs_unit
    if (
        internal_affairs_unit is not None
        and internal_affairs_unit.organisation_id != organisation.pk
    ):
        raise ValidationError(
            {"internal_affairs_unit": _("Đơn vị phải thuộc %(agency)s.") % {"agency": organisation}}
        )
    policy.full_clean()
    save(policy, by)
    return policy


# --- the catalogue ---------------------------------------------------------------------


def _may_edit_catalogue(by, organisation: Organisation | None) -> bool:
    if organisation is None:
        return by.is_superuser
    return rules.manages(by, organisation)


def _criterion_named(item: ViolationCatalogueItem) -> None:
    """Raise ValidationError unless the item names its criterion exactly when it has one."""
    if item.criterion_code and not item.criterion_name:
        raise ValidationError(
            {"criterion_name": _("Nhập tên tiêu chí bị trừ điểm để người đọc hiểu mã tiêu chí.")}
        )
    if item.criterion_name and not item.criterion_code:
        raise ValidationError(
            {"criterion_name": _("Chỉ nhập tên tiêu chí khi có mã tiêu chí bị trừ.")}
        )


def catalogue_item_validate(item: ViolationCatalogueItem) -> None:
    """Raise ValidationError naming the field when an item breaks a rule: fields and
    constraints, or an interval overlapping another version of the same code."""
    item.full_clean()
    clash = (
        ViolationCatalogueItem.objects.filter(
            code=item.code,
            organisation=item.organisation_id,
            effective_from__lte=item.effective_to or date.max,
        )
        .exclude(effective_to__lt=item.effective_from)
        .exclude(pk=item.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "Phiên bản %(version)s của mã %(code)s đang áp dụng từ %(start)s đến "
                    "%(end)s: hãy chọn thời gian không trùng."
                )
                % {
                    "version": clash.version,
                    "code": clash.code,
                    "start": day_text(clash.effective_from),
                    "end": day_text(clash.effective_to),
                }
            }
        )


@transaction.atomic
def catalogue_item_create(
    *,
    code: str,
    description: str,
    legal_basis: str,
    default_points: Decimal,
    effective_from: date,
    organisation: Organisation | None = None,
    criterion_code: str | None = None,
    criterion_name: str = "",
    cap_level: str | None = None,
    applies_to: str = AppliesTo.PERSON,
    serious: bool = False,
    office_culture: bool = True,
    effective_to: date | None = None,
    by=None,
) -> ViolationCatalogueItem:
    """Add a catalogue entry (version 1) for an agency, or province-wide (superuser only)."""
    if by is not None:
        require(_may_edit_catalogue(by, organisation))
    item = ViolationCatalogueItem(
        organisation=organisation,
        code=code.strip(),
        version=1,
        description=description.strip(),
        legal_basis=legal_basis.strip(),
        default_points=default_points,
        criterion_code=criterion_code or None,
        criterion_name=(criterion_name or "").strip(),
        cap_level=cap_level or None,
        applies_to=applies_to,
        serious=serious,
        office_culture=office_culture,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    if ViolationCatalogueItem.objects.filter(code=item.code, organisation=organisation).exists():
        raise ValidationError(
            {
                "code": _(
                    "Danh mục đã có mã %(code)s: hãy sửa mục đó (hệ thống tạo phiên bản mới "
                    "nếu mục đã được dùng)."
                )
                % {"code": item.code}
            }
        )
    _criterion_named(item)
    catalogue_item_validate(item)
    save(item, by)
    return item


@transaction.atomic
def catalogue_item_revise(
    *, item: ViolationCatalogueItem, effective_from: date | None = None, by=None, **changes
) -> ViolationCatalogueItem:
    """Change a catalogue entry without rewriting history; returns the row now in force.

    An item no violation uses is changed in place. A used item is never rewritten: the
    change becomes version + 1 from `effective_from` (required, after the old version's
    start) and the old version ends the day before.
    """
    if by is not None:
        require(_may_edit_catalogue(by, item.organisation))
    unknown = set(changes) - CATALOGUE_FIELDS
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} here")
    item = ViolationCatalogueItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if not item.violations.exists():
        for name, value in changes.items():
            setattr(item, name, value)
        if effective_from is not None:
            item.effective_from = effective_from
        _criterion_named(item)
        catalogue_item_validate(item)
        save(item, by)
        return item
    if effective_from is None or effective_from <= item.effective_from:
        raise ValidationError(
            {
                "effective_from": _(
                    "Mã %(code)s đã được dùng cho vi phạm: hãy nhập ngày áp dụng phiên bản "
                    "mới, sau ngày %(start)s."
                )
                % {"code": item.code, "start": day_text(item.effective_from)}
            }
        )
    latest = (
        ViolationCatalogueItem.objects.filter(code=item.code, organisation=item.organisation_id)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    revised = ViolationCatalogueItem(
        organisation=item.organisation,
        code=item.code,
        version=latest + 1,
        effective_from=effective_from,
        **{name: getattr(item, name) for name in CATALOGUE_FIELDS},
    )
    for name, value in changes.items():
        setattr(revised, name, value)
    item.effective_to = effective_from - ONE_DAY
    catalogue_item_validate(item)
    save(item, by, update_fields=["effective_to"])
    _criterion_named(revised)
    catalogue_item_validate(revised)
    save(revised, by)
    return revised


def _item_errors(
    item: ViolationCatalogueItem, organisation: Organisation, on: date, against_unit: bool
) -> dict[str, str]:
    if item.organisation_id not in (None, organisation.pk):
        return {"item": _("Hành vi này thuộc danh mục của cơ quan khác.")}
    if item.effective_from > on or (item.effective_to is not None and item.effective_to < on):
        return {
            "item": _("“%(item)s” không áp dụng vào ngày %(day)s.")
            % {"item": item.description, "day": day_text(on)}
        }
    wanted = AppliesTo.UNIT if against_unit else AppliesTo.PERSON
    if item.applies_to not in (wanted, AppliesTo.BOTH):
        if against_unit:
            return {"item": _("Hành vi này chỉ ghi nhận đối với cá nhân, không đối với đơn vị.")}
        return {"item": _("Hành vi này chỉ ghi nhận đối với đơn vị, không đối với cá nhân.")}
    return {}


# --- inspections -----------------------------------------------------------------------


def inspection_head_errors(head: Employee, organisation: Organisation, on: date) -> dict[str, str]:
    """Why `head` may not head an inspection team of `organisation` on `on` ({} if they may).

    The head must hold the inspector role (tổ kiểm tra công vụ) in the agency that day and,
    when the agency names its Internal Affairs unit in `DisciplinePolicy`, work in that unit
    or a unit below it.
    """
    holds_role = (
        head.user_id is not None
        and RoleGrant.objects.filter(
            hr_selectors.active_on(on),
            user=head.user_id,
            role=Role.INSPECTOR,
            organisation=organisation,
        ).exists()
    )
    if not holds_role:
        return {
            "head": _(
                "%(name)s không giữ vai trò tổ kiểm tra công vụ của %(agency)s vào ngày "
                "%(day)s: trưởng đoàn phải do cơ quan Nội vụ giao."
            )
            % {"name": head.full_name, "agency": organisation, "day": day_text(on)}
        }
    office = (
        DisciplinePolicy.objects.filter(
            organisation=organisation, internal_affairs_unit__isnull=False
        )
        .values_list("internal_affairs_unit__path", "internal_affairs_unit__name")
        .first()
    )
    if office is not None:
        path, name = office
        unit = hr_selectors.unit_of(head, on=on)
        if unit is None or not unit.path.startswith(path):
            return {
                "head": _("Trưởng đoàn phải là công chức của %(office)s vào ngày %(day)s.")
                % {"office": name, "day": day_text(on)}
            }
    return {}


def _team_errors(members: list[Employee], organisation: Organisation, on: date) -> dict:
    working = set(
        Assignment.objects.filter(
            hr_selectors.active_on(on),
            employee__in=members,
            unit__organisation=organisation,
        ).values_list("employee_id", flat=True)
    )
    outsiders = [member.full_name for member in members if member.pk not in working]
    if outsiders:
        return {
            "members": _("%(names)s không công tác tại %(agency)s vào ngày %(day)s.")
            % {"names": ", ".join(outsiders), "agency": organisation, "day": day_text(on)}
        }
    return {}


@transaction.atomic
def inspection_plan(
    *,
    organisation: Organisation,
    title: str,
    kind: str,
    planned_on: date,
    scope: Iterable[Unit],
    head: Employee,
    members: Iterable[Employee] = (),
    plan_reference: str = "",
    by=None,
) -> Inspection:
    """Plan a regular or surprise inspection of `scope` by a team headed by `head`.

    Planned by an inspector holding the inspection right on every unit of the scope, or
    by the agency's HR officer.
    """
    scope = list(scope)
    members = [member for member in members if member.pk != head.pk]
    if by is not None:
        allowed = permissions.unit_ids_for(by, Perm.INSPECT_UNIT, planned_on)
        require(
            (scope and all(unit.pk in allowed for unit in scope)) or rules.manages(by, organisation)
        )
    inspection = Inspection(
        organisation=organisation,
        title=title.strip(),
        kind=kind,
        planned_on=planned_on,
        plan_reference=plan_reference.strip(),
        head=head,
        created_by=by,
    )
    inspection.full_clean()
    errors: dict[str, str] = {}
    if not scope:
        errors["scope"] = _("Chọn ít nhất một đơn vị được kiểm tra.")
    elif any(unit.organisation_id != organisation.pk for unit in scope):
        errors["scope"] = _("Đơn vị được kiểm tra phải thuộc %(agency)s.") % {
            "agency": organisation
        }
    errors |= inspection_head_errors(head, organisation, planned_on)
    errors |= _team_errors(members, organisation, planned_on)
    raise_if(errors)
    save(inspection, by)
    inspection.scope.set(scope)
    inspection.members.set(members)
    return inspection


def _lock_inspection(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("head", "organisation")
        .get(pk=inspection.pk)
    )


@transaction.atomic
def inspection_start(*, inspection: Inspection, by=None) -> Inspection:
    """The team head opens the inspection today; findings may be recorded from then on."""
    inspection = _lock_inspection(inspection)
    if by is not None:
        require(inspection.head.user_id == by.pk)
    if inspection.status != InspectionStatus.PLANNED:
        raise ValidationError({"status": _("Đợt kiểm tra này đã bắt đầu hoặc đã kết thúc.")})
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.started_on = clock.today()
    save(inspection, by, update_fields=["status", "started_on"])
    return inspection


@transaction.atomic
def inspection_close(*, inspection: Inspection, report: str, by=None) -> Inspection:
    """The team head closes the inspection with its report; no finding is added after."""
    inspection = _lock_inspection(inspection)
    if by is not None:
        require(inspection.head.user_id == by.pk)
    errors: dict[str, str] = {}
    if inspection.status != InspectionStatus.IN_PROGRESS:
        errors["status"] = _("Chỉ kết thúc được đợt kiểm tra đang diễn ra.")
    if not report.strip():
        errors["report"] = _("Nhập báo cáo kết quả kiểm tra trước khi kết thúc.")
    raise_if(errors)
    inspection.status = InspectionStatus.CLOSED
    inspection.report = report.strip()
    inspection.closed_at = clock.now()
    save(inspection, by, update_fields=["status", "report", "closed_at"])
    return inspection


# --- violations ------------------------------------------------------------------------


def _violation_create(
    *,
    item: ViolationCatalogueItem,
    employee: Employee | None,
    unit: Unit | None,
    occurred_on: date,
    source: str,
    points: Decimal | None,
    note: str,
    evidence,
    by,
    inspection: Inspection | None = None,
    dossier: DossierRecord | None = None,
    complaint: Complaint | None = None,
) -> Violation:
    concerned = unit if unit is not None else _unit_on(employee, occurred_on, "employee")
    organisation = concerned.organisation
    errors = _not_in_future(occurred_on, "occurred_on")
    errors |= _item_errors(item, organisation, occurred_on, against_unit=unit is not None)
    if points is not None and points < 0:
        errors["points"] = _("Điểm trừ không được âm.")
    raise_if(errors)
    violation = Violation(
        organisation=organisation,
        unit=concerned,
        employee=employee,
        target_unit=unit,
        item=item,
        occurred_on=occurred_on,
        points=item.default_points if points is None else points,
        criterion_code=item.criterion_code,
        cap_level=item.cap_level,
        legal_basis=item.legal_basis,
        note=note.strip(),
        source=source,
        inspection=inspection,
        dossier=dossier,
        complaint=complaint,
        recorded_by=by,
        contest_deadline=clock.today() + timedelta(days=selectors.contest_days(organisation)),
    )
    if evidence is not None:
        violation.evidence = evidence
    violation.full_clean()
    save(violation, by)
    return violation


@transaction.atomic
def finding_record(
    *,
    inspection: Inspection,
    item: ViolationCatalogueItem,
    employee: Employee | None = None,
    unit: Unit | None = None,
    occurred_on: date | None = None,
    points: Decimal | None = None,
    note: str = "",
    evidence=None,
    by=None,
) -> Violation:
    """A team member records a finding on the spot against a person or a unit in scope.

    Only members of this inspection's team (its head included) while it is in progress;
    never against themselves or the unit they work in. `occurred_on` defaults to today.
    """
    inspection = _lock_inspection(inspection)
    occurred_on = occurred_on or clock.today()
    _one_target(employee, unit)
    if by is not None:
        require(rules.on_team(by, inspection) and not rules.is_self(by, employee))
    errors: dict[str, str] = {}
    if inspection.status != InspectionStatus.IN_PROGRESS:
        errors["inspection"] = _("Chỉ ghi nhận phát hiện khi đợt kiểm tra đang diễn ra.")
    elif occurred_on < inspection.started_on:
        errors["occurred_on"] = _("Ngày vi phạm phải từ ngày bắt đầu kiểm tra (%(day)s).") % {
            "day": day_text(inspection.started_on)
        }
    raise_if(errors)
    target = unit if unit is not None else _unit_on(employee, occurred_on, "employee")
    if not _in_subtree(target, inspection.scope.all()):
        field = "unit" if unit is not None else "employee"
        raise ValidationError(
            {field: _("%(unit)s không thuộc phạm vi của đợt kiểm tra này.") % {"unit": target}}
        )
    if by is not None:
        require(rules.can_record_finding(by, inspection, target, occurred_on))
    return _violation_create(
        item=item,
        employee=employee,
        unit=unit,
        occurred_on=occurred_on,
        source=ViolationSource.INSPECTION,
        points=points,
        note=note,
        evidence=evidence,
        by=by,
        inspection=inspection,
    )


@transaction.atomic
def violation_record(
    *,
    item: ViolationCatalogueItem,
    occurred_on: date,
    employee: Employee | None = None,
    unit: Unit | None = None,
    source: str = ViolationSource.CONDUCT,
    points: Decimal | None = None,
    note: str = "",
    evidence=None,
    dossier: DossierRecord | None = None,
    complaint: Complaint | None = None,
    by=None,
) -> Violation:
    """Record a violation outside an inspection (a conduct breach, a late dossier, a
    substantiated complaint).

    Against a person: by the head whose rights reach their unit that day, or an inspector
    of that unit (not their own). Against a unit: by an inspector of it. Never oneself.
    """
    _one_target(employee, unit)
    if dossier is not None:
        dossier = DossierRecord.objects.get(pk=dossier.pk)
    if complaint is not None:
        complaint = Complaint.objects.get(pk=complaint.pk)
    if source == ViolationSource.INSPECTION:
        raise ValidationError({"source": _("Phát hiện qua kiểm tra ghi nhận tại đợt kiểm tra.")})
    concerned = unit if unit is not None else _unit_on(employee, occurred_on, "employee")
    if by is not None:
        require(rules.can_record_conduct(by, concerned, employee, occurred_on))
    errors: dict[str, str] = {}
    if dossier is not None and (
        dossier.status == DossierStatus.ON_TIME or dossier.officer_id != getattr(employee, "pk", 0)
    ):
        errors["dossier"] = _("Hồ sơ phải là hồ sơ trễ hạn do chính cán bộ này xử lý.")
    if complaint is not None and (
        complaint.outcome != ComplaintOutcome.SUBSTANTIATED
        or complaint.employee_id != getattr(employee, "pk", None)
        or complaint.target_unit_id != getattr(unit, "pk", None)
    ):
        errors["complaint"] = _("Phản ánh phải được kết luận là đúng và đúng đối tượng này.")
    raise_if(errors)
    return _violation_create(
        item=item,
        employee=employee,
        unit=unit,
        occurred_on=occurred_on,
        source=source,
        points=points,
        note=note,
        evidence=evidence,
        by=by,
        dossier=dossier,
        complaint=complaint,
    )


def _lock_violation(violation: Violation) -> Violation:
    return (
        Violation.objects.select_for_update(of=("self",))
        .select_related("employee", "target_unit", "inspection__head", "organisation")
        .get(pk=violation.pk)
    )


@transaction.atomic
def violation_contest(*, violation: Violation, reason: str, by) -> Violation:
    """The person (or, for a unit finding, the unit's leader) contests a violation with a
    reason, no later than its contest deadline."""
    violation = _lock_violation(violation)
    today = clock.today()
    require(rules.can_contest(by, violation, today))
    errors: dict[str, str] = {}
    if violation.status != ViolationStatus.RECORDED:
        errors["status"] = _("Vi phạm này đã được khiếu nại hoặc đã có quyết định.")
    elif today > violation.contest_deadline:
        errors["contest_deadline"] = _("Đã hết hạn khiếu nại (hạn cuối %(day)s).") % {
            "day": day_text(violation.contest_deadline)
        }
    if not reason.strip():
        errors["contest_reason"] = _("Nêu lý do khiếu nại.")
    raise_if(errors)
    violation.status = ViolationStatus.CONTESTED
    violation.contest_reason = reason.strip()
    violation.contested_at = clock.now()
    save(violation, by, update_fields=["status", "contest_reason", "contested_at"])
    return violation


@transaction.atomic
def violation_decide(*, violation: Violation, uphold: bool, reason: str, by) -> Violation:
    """Uphold or annul a contested violation with a reason; annulled ones never count."""
    violation = _lock_violation(violation)
    require(rules.can_decide_contest(by, violation, clock.today()))
    errors: dict[str, str] = {}
    if violation.status != ViolationStatus.CONTESTED:
        errors["status"] = _("Chỉ quyết định đối với vi phạm đang bị khiếu nại.")
    if not reason.strip():
        errors["decision_reason"] = _("Nêu lý do giữ nguyên hoặc huỷ vi phạm.")
    raise_if(errors)
    violation.status = ViolationStatus.UPHELD if uphold else ViolationStatus.ANNULLED
    violation.decided_by = by
    violation.decision_reason = reason.strip()
    violation.decided_at = clock.now()
    save(
        violation,
        by,
        update_fields=["status", "decided_by", "decision_reason", "decided_at"],
    )
    return violation


# --- discipline decisions --------------------------------------------------------------


@transaction.atomic
def discipline_decide(
    *,
    employee: Employee,
    number: str,
    decided_on: date,
    signer_name: str,
    signer_title: str,
    form: DisciplineForm,
    legal_basis: str,
    effect_from: date,
    effect_to: date | None = None,
    violations: Iterable[Violation] = (),
    public_duty: bool = True,
    by=None,
) -> DisciplineDecision:
    """Enter a discipline decision; by the HR officer of the person's agency, never oneself.

    A leaders-only form (cách chức) needs the person to hold a leadership post (head,
    deputy or acting head) on `decided_on`; linked violations must be theirs and counted.
    """
    if by is not None:
        require(permissions.can_manage_employee(by, employee, decided_on))
    violations = list(violations)
    unit = _unit_on(employee, decided_on, "employee")
    decision = DisciplineDecision(
        organisation=unit.organisation,
        unit=unit,
        employee=employee,
        number=number.strip(),
        decided_on=decided_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        form=form,
        legal_basis=legal_basis.strip(),
        effect_from=effect_from,
        effect_to=effect_to,
        public_duty=public_duty,
        recorded_by=by,
    )
    decision.full_clean()
    errors = _not_in_future(decided_on, "decided_on")
    if effect_from < decided_on:
        errors["effect_from"] = _(
            "Ngày có hiệu lực không được trước ngày quyết định (%(day)s)."
        ) % {"day": day_text(decided_on)}
    if (
        form.leaders_only
        and not Post.objects.filter(hr_selectors.active_on(decided_on), employee=employee).exists()
    ):
        errors["form"] = _(
            "Hình thức “%(form)s” chỉ áp dụng với người giữ chức vụ lãnh đạo, quản lý; "
            "%(name)s không giữ chức vụ nào vào ngày %(day)s."
        ) % {"form": form.name, "name": employee.full_name, "day": day_text(decided_on)}
    if any(
        v.employee_id != employee.pk or v.status == ViolationStatus.ANNULLED for v in violations
    ):
        errors["violations"] = _("Chỉ liên kết các vi phạm của chính %(name)s chưa bị huỷ.") % {
            "name": employee.full_name
        }
    raise_if(errors)
    save(decision, by)
    decision.violations.set(violations)
    return decision


# --- dossiers at the one-stop desk -----------------------------------------------------


def _settle_errors(dossier: DossierRecord, settled_on: date) -> dict[str, str]:
    errors = _not_in_future(settled_on, "settled_on")
    if settled_on < dossier.received_on:
        errors["settled_on"] = _("Ngày trả kết quả phải từ ngày tiếp nhận (%(day)s).") % {
            "day": day_text(dossier.received_on)
        }
    return errors


def _derive_status(dossier: DossierRecord) -> None:
    if dossier.settled_on is None:
        dossier.status = DossierStatus.PENDING
    elif dossier.settled_on <= dossier.due_on:
        dossier.status = DossierStatus.ON_TIME
    else:
        dossier.status = DossierStatus.LATE


@transaction.atomic
def dossier_record(
    *,
    unit: Unit,
    code: str,
    citizen_name: str,
    officer: Employee,
    received_on: date,
    due_on: date,
    procedure: str = "",
    settled_on: date | None = None,
    by=None,
) -> DossierRecord:
    """Record a dossier received by `unit` (and its result when `settled_on` is given)."""
    if by is not None:
        require(rules.can_record_desk(by, unit, clock.today()))
    dossier = DossierRecord(
        organisation=unit.organisation,
        unit=unit,
        code=code.strip(),
        procedure=procedure.strip(),
        citizen_name=citizen_name.strip(),
        officer=officer,
        received_on=received_on,
        due_on=due_on,
        settled_on=settled_on,
        recorded_by=by,
    )
    _derive_status(dossier)
    errors = _not_in_future(received_on, "received_on")
    if due_on < received_on:
        errors["due_on"] = _("Ngày hẹn trả phải từ ngày tiếp nhận (%(day)s).") % {
            "day": day_text(received_on)
        }
    if settled_on is not None:
        errors |= _settle_errors(dossier, settled_on)
    placed = hr_selectors.unit_of(officer, on=received_on)
    if placed is None or placed.organisation_id != unit.organisation_id:
        errors["officer"] = _("%(name)s không công tác tại %(agency)s vào ngày %(day)s.") % {
            "name": officer.full_name,
            "agency": unit.organisation,
            "day": day_text(received_on),
        }
    raise_if(errors)
    dossier.full_clean()
    save(dossier, by)
    return dossier


def _lock_dossier(dossier: DossierRecord) -> DossierRecord:
    return (
        DossierRecord.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "officer")
        .get(pk=dossier.pk)
    )


@transaction.atomic
def dossier_settle(*, dossier: DossierRecord, settled_on: date, by=None) -> DossierRecord:
    """Record the day the result was returned; the status follows from the due date."""
    dossier = _lock_dossier(dossier)
    if by is not None:
        require(rules.can_record_desk(by, dossier.unit, clock.today()))
    if dossier.settled_on is not None:
        raise ValidationError(
            {
                "settled_on": _("Hồ sơ đã trả kết quả ngày %(day)s.")
                % {"day": day_text(dossier.settled_on)}
            }
        )
    raise_if(_settle_errors(dossier, settled_on))
    dossier.settled_on = settled_on
    _derive_status(dossier)
    save(dossier, by, update_fields=["settled_on", "status"])
    return dossier


@transaction.atomic
def apology_letter_record(
    *, dossier: DossierRecord, number: str, sent_on: date, by=None
) -> ApologyLetter:
    """Record the apology letter sent to the citizen for a late (or soon late) dossier.

    By the desk or the unit's leader. A letter sent after the due date is kept and flagged
    by `selectors.apology_letter_flags`.
    """
    dossier = _lock_dossier(dossier)
    if by is not None:
        require(
            rules.can_record_desk(by, dossier.unit, clock.today())
            or rules.leads(by, dossier.unit, clock.today())
        )
    errors = _not_in_future(sent_on, "sent_on")
    if dossier.status == DossierStatus.ON_TIME:
        errors["dossier"] = _("Hồ sơ %(code)s đã trả đúng hạn, không cần thư xin lỗi.") % {
            "code": dossier.code
        }
    elif ApologyLetter.objects.filter(dossier=dossier).exists():
        errors["dossier"] = _("Hồ sơ %(code)s đã có thư xin lỗi.") % {"code": dossier.code}
    if sent_on < dossier.received_on:
        errors["sent_on"] = _("Ngày gửi phải từ ngày tiếp nhận hồ sơ (%(day)s).") % {
            "day": day_text(dossier.received_on)
        }
    if not number.strip():
        errors["number"] = _("Nhập số văn bản xin lỗi.")
    raise_if(errors)
    letter = ApologyLetter(dossier=dossier, number=number.strip(), sent_on=sent_on, recorded_by=by)
    save(letter, by)
    return letter


@transaction.atomic
def dossier_excuse(*, dossier: DossierRecord, reason: str, by) -> DossierRecord:
    """The head of the officer's unit certifies an objective cause of a late dossier, so it
    is no delay of the officer; never for their own dossier."""
    dossier = _lock_dossier(dossier)
    require(permissions.can_certify_delay(by, dossier.officer, dossier.settled_on or clock.today()))
    errors: dict[str, str] = {}
    if dossier.status != DossierStatus.LATE:
        errors["dossier"] = _("Chỉ xác nhận nguyên nhân khách quan cho hồ sơ đã trả trễ hạn.")
    elif dossier.excused:
        errors["dossier"] = _("Hồ sơ này đã được xác nhận nguyên nhân khách quan.")
    if not reason.strip():
        errors["excuse_reason"] = _("Nêu nguyên nhân khách quan.")
    raise_if(errors)
    dossier.excused = True
    dossier.excuse_reason = reason.strip()
    dossier.excused_by = by
    save(dossier, by, update_fields=["excused", "excuse_reason", "excused_by"])
    return dossier


@transaction.atomic
def dossier_count_record(
    *, unit: Unit, year: int, month: int, on_time: int, late: int, by=None
) -> DossierMonthlyCount:
    """Record (or correct) a unit's reported counts for a month; they replace the unit's
    individual dossier records of that month in every count."""
    if by is not None:
        require(rules.can_record_desk(by, unit, clock.today()))
    errors: dict[str, str] = {}
    if not 1 <= month <= 12:
        errors["month"] = _("Tháng phải từ 1 đến 12.")
    elif date(year, month, 1) > clock.today():
        errors["month"] = _("Tháng %(month)02d/%(year)s chưa tới.") % {"month": month, "year": year}
    for name, value in (("on_time", on_time), ("late", late)):
        if value < 0:
            errors[name] = _("Số hồ sơ phải là số nguyên không âm.")
    raise_if(errors)
    row = (
        DossierMonthlyCount.objects.select_for_update(of=("self",))
        .filter(unit=unit, year=year, month=month)
        .first()
    ) or DossierMonthlyCount(organisation=unit.organisation, unit=unit, year=year, month=month)
    row.on_time, row.late, row.recorded_by = on_time, late, by
    row.full_clean(validate_constraints=row.pk is None)
    save(row, by)
    return row


# --- complaints, suggestions, surveys --------------------------------------------------


def _target_unit(employee: Employee | None, unit: Unit | None, on: date) -> Unit:
    return unit if unit is not None else _unit_on(employee, on, "employee")


@transaction.atomic
def complaint_record(
    *,
    channel: str,
    received_on: date,
    content: str,
    employee: Employee | None = None,
    unit: Unit | None = None,
    complainant: str = "",
    by=None,
) -> Complaint:
    """Record a complaint against a person or a unit; by the desk, an inspector or HR."""
    _one_target(employee, unit)
    concerned = _target_unit(employee, unit, received_on)
    if by is not None:
        require(
            not rules.is_self(by, employee)
            and (
                rules.can_record_desk(by, concerned, clock.today())
                or permissions.can_inspect(by, concerned, clock.today())
                or rules.manages(by, concerned.organisation)
            )
        )
    complaint = Complaint(
        organisation=concerned.organisation,
        unit=concerned,
        employee=employee,
        target_unit=unit,
        channel=channel,
        received_on=received_on,
        complainant=complainant.strip(),
        content=content.strip(),
        recorded_by=by,
    )
    raise_if(_not_in_future(received_on, "received_on"))
    complaint.full_clean()
    save(complaint, by)
    return complaint


@transaction.atomic
def complaint_decide(*, complaint: Complaint, substantiated: bool, note: str, by=None) -> Complaint:
    """Conclude a complaint today as substantiated or not, with the verification note.

    By an inspector of the unit or the agency's HR officer; never about oneself or the
    unit one works in.
    """
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "employee")
        .get(pk=complaint.pk)
    )
    today = clock.today()
    if by is not None:
        require(rules.can_decide_complaint(by, complaint, today))
    errors: dict[str, str] = {}
    if complaint.outcome != ComplaintOutcome.PENDING:
        errors["outcome"] = _("Phản ánh này đã có kết luận.")
    if not note.strip():
        errors["decision_note"] = _("Nhập nội dung kết luận.")
    raise_if(errors)
    complaint.outcome = (
        ComplaintOutcome.SUBSTANTIATED if substantiated else ComplaintOutcome.UNSUBSTANTIATED
    )
    complaint.decision_note = note.strip()
    complaint.decided_on = today
    complaint.decided_by = by
    save(complaint, by, update_fields=["outcome", "decision_note", "decided_on", "decided_by"])
    return complaint


@transaction.atomic
def suggestion_record(
    *,
    organisation: Organisation,
    opened_on: date,
    content: str,
    unit: Unit | None = None,
    response: str = "",
    by=None,
) -> SuggestionBoxEntry:
    """Record a note taken from the suggestion box; by the desk or the HR officer."""
    if by is not None:
        require(
            (unit is not None and rules.can_record_desk(by, unit, clock.today()))
            or rules.manages(by, organisation)
        )
    entry = SuggestionBoxEntry(
        organisation=organisation,
        unit=unit,
        opened_on=opened_on,
        content=content.strip(),
        response=response.strip(),
        recorded_by=by,
    )
    errors = _not_in_future(opened_on, "opened_on")
    if unit is not None and unit.organisation_id != organisation.pk:
        errors["unit"] = _("Đơn vị phải thuộc %(agency)s.") % {"agency": organisation}
    raise_if(errors)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def survey_record(
    *,
    unit: Unit,
    year: int,
    source: str,
    respondents: int,
    satisfied: int,
    month: int | None = None,
    period_label: str = "",
    by=None,
) -> SatisfactionSurvey:
    """Record a unit's satisfaction survey result for a month or a labelled period."""
    if by is not None:
        require(
            rules.can_record_desk(by, unit, clock.today()) or rules.manages(by, unit.organisation)
        )
    survey = SatisfactionSurvey(
        organisation=unit.organisation,
        unit=unit,
        year=year,
        month=month,
        period_label=period_label.strip(),
        source=source,
        respondents=respondents,
        satisfied=satisfied,
        recorded_by=by,
    )
    errors: dict[str, str] = {}
    if satisfied > respondents:
        errors["satisfied"] = _(
            "Số người hài lòng (%(satisfied)s) lớn hơn số người được khảo sát (%(respondents)s)."
        ) % {"satisfied": satisfied, "respondents": respondents}
    raise_if(errors)
    survey.full_clean()
    save(survey, by)
    return survey


# --- commitments -----------------------------------------------------------------------


@transaction.atomic
def commitments_issue_year(
    *, organisation: Organisation, year: int, template: str, on: date, by=None
) -> list[Commitment]:
    """Issue the year's commitments to everyone working in the agency on `on` who has none:
    unit heads with the agency leader (agency ↔ unit), staff with their unit's leader
    (unit ↔ staff). Returns the new rows; a constant number of queries."""
    if by is not None:
        require(rules.manages(by, organisation))
    leaders = hr_selectors.leader_posts_on(
        Unit.objects.filter(organisation=organisation).values_list("pk", flat=True), on=on
    )
    agency_leader = hr_selectors.agency_leader(organisation, on=on)
    existing = set(
        Commitment.objects.filter(organisation=organisation, year=year).values_list(
            "level", "signer_id"
        )
    )
    led = {post.employee_id: unit_id for unit_id, post in leaders.items()}
    rows = []
    assignments = Assignment.objects.filter(
        hr_selectors.active_on(on), unit__organisation=organisation
    ).select_related("employee", "unit")
    for assignment in assignments:
        employee = assignment.employee
        if agency_leader is not None and employee.pk == agency_leader.pk:
            continue
        if employee.pk in led:
            level, counterpart = CommitmentLevel.AGENCY_UNIT, agency_leader
            unit_id = led[employee.pk]
        else:
            post = leaders.get(assignment.unit_id)
            level, unit_id = CommitmentLevel.UNIT_STAFF, assignment.unit_id
            counterpart = post.employee if post else None
        if (level, employee.pk) in existing:
            continue
        rows.append(
            Commitment(
                organisation=organisation,
                year=year,
                level=level,
                unit_id=unit_id,
                signer=employee,
                counterpart=counterpart,
                template=template.strip(),
            )
        )
    return bulk_create_with_history(rows, Commitment, default_user=by)


@transaction.atomic
def commitment_sign(*, commitment: Commitment, by) -> Commitment:
    """The signer signs their commitment today."""
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("signer")
        .get(pk=commitment.pk)
    )
    require(rules.is_self(by, commitment.signer))
    if commitment.signed_on is not None:
        raise ValidationError(
            {
                "signed_on": _("Bản cam kết đã được ký ngày %(day)s.")
                % {"day": day_text(commitment.signed_on)}
            }
        )
    commitment.signed_on = clock.today()
    save(commitment, by, update_fields=["signed_on"])
    return commitment

"""People and where they work: create, edit, transfer (possibly to another agency), leave."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hrsystem import permissions, selectors
from hrsystem.models import (
    Assignment,
    Category,
    DeputyDelegation,
    Employee,
    JobPosition,
    Post,
    QuotaGroup,
    Unit,
)
from hrsystem.service_checks import current_reason, day_text, raise_if, require, save

from .common import ONE_DAY, _apply, _fields_valid, _keep_people


def _employee_errors(employee: Employee) -> dict[str, str]:
    errors = {}
    clash = Employee.objects.filter(code=employee.code).exclude(pk=employee.pk).first()
    if clash is not None:
        errors["code"] = _("Mã cán bộ %(code)s đã được dùng cho %(name)s.") % {
            "code": employee.code,
            "name": clash.full_name,
        }
    if employee.user_id is not None:
        holder = Employee.objects.filter(user=employee.user_id).exclude(pk=employee.pk).first()
        if holder is not None:
            errors["user"] = _("Tài khoản này đã gắn với %(name)s.") % {"name": holder}
    return errors


def employee_validate(employee: Employee) -> None:
    """Raise ValidationError naming the field for a bad or duplicate code, name or account."""
    employee.clean()
    _fields_valid(employee, exclude=["search_name"])
    raise_if(_employee_errors(employee))


def _placement_errors(unit: Unit, job_position: JobPosition) -> dict[str, str]:
    if job_position.organisation_id != unit.organisation_id:
        return {
            "job_position": _("Vị trí việc làm %(position)s không thuộc cơ quan của %(unit)s.")
            % {"position": job_position, "unit": unit}
        }
    return {}


@transaction.atomic
def employee_create(
    *,
    code: str,
    full_name: str,
    unit: Unit,
    job_position: JobPosition,
    start: date,
    category: str = Category.CONG_CHUC,
    email: str = "",
    user=None,
    quota_group: QuotaGroup | None = None,
    by=None,
) -> Employee:
    """Create a person working in `unit` as `job_position` from `start` (their first assignment)."""
    _keep_people(by, unit.organisation)
    employee = Employee(
        code=code,
        full_name=full_name,
        category=category,
        email=email,
        user=user,
        quota_group=quota_group,
    )
    employee.clean()
    assignment = Assignment(unit=unit, job_position=job_position, start=start)
    errors = {}
    for obj, exclude in ((employee, ["search_name"]), (assignment, ["employee"])):
        try:
            _fields_valid(obj, exclude=exclude)
        except ValidationError as error:
            errors.update({name: msgs[0] for name, msgs in error.message_dict.items()})
    raise_if(errors)
    errors = _employee_errors(employee) | _placement_errors(unit, job_position)
    if quota_group is not None and quota_group.organisation_id != unit.organisation_id:
        errors["quota_group"] = _("Nhóm này thuộc cơ quan khác.")
    raise_if(errors)
    save(employee, by)
    assignment.employee = employee
    save(assignment, by)
    return employee


BULK_BATCH = 2000


@transaction.atomic
def employee_create_many(*, organisation, rows: list[dict], by=None) -> list[Employee]:
    """Create many people of `organisation` at once (an agency's first load).

    Each row holds `employee_create`'s keywords (code, full_name, unit, job_position,
    start, category, email, quota_group); the same rules are checked for the whole set
    (fields, codes unique among the rows and with those stored, unit, position and group
    of the agency), then people and first assignments are written with bulk inserts and
    their history rows (`by`, and the reason of the enclosing `audit_reason`). Every bad
    row is reported, keyed `rows[i].field`; one bad row and nothing is written.
    """
    _keep_people(by, organisation)
    codes = [str(row["code"]).strip() for row in rows]
    taken = dict(Employee.objects.filter(code__in=codes).values_list("code", "full_name"))
    errors: dict[str, list[str]] = {}
    employees, assignments, seen = [], [], {}
    for index, row in enumerate(rows):
        employee = Employee(
            code=row["code"],
            full_name=row["full_name"],
            category=row.get("category", Category.CONG_CHUC),
            email=row.get("email", ""),
            quota_group=row.get("quota_group"),
        )
        employee.clean()
        unit, position = row["unit"], row["job_position"]
        assignment = Assignment(unit=unit, job_position=position, start=row["start"])
        found: dict[str, str] = {}
        # foreign keys are the instances given, checked below: no query per row
        checks = (
            (employee, ["search_name", "sort_key", "quota_group", "user"]),
            (assignment, ["employee", "unit", "job_position"]),
        )
        for obj, exclude in checks:
            try:
                _fields_valid(obj, exclude=exclude)
            except ValidationError as error:
                found.update({name: msgs[0] for name, msgs in error.message_dict.items()})
        if employee.code in taken or employee.code in seen:
            name = taken.get(employee.code) or seen[employee.code]
            found["code"] = _("Mã cán bộ %(code)s đã được dùng cho %(name)s.") % {
                "code": employee.code,
                "name": name,
            }
        seen.setdefault(employee.code, employee.full_name)
        if unit.organisation_id != organisation.pk:
            found["unit"] = _("Đơn vị %(unit)s không thuộc cơ quan này.") % {"unit": unit}
        found |= _placement_errors(unit, position)
        group = employee.quota_group
        if group is not None and group.organisation_id != organisation.pk:
            found["quota_group"] = _("Nhóm này thuộc cơ quan khác.")
        for name, text in found.items():
            errors.setdefault(f"rows[{index}].{name}", []).append(text)
        employee.fill_keys()
        employees.append(employee)
        assignments.append(assignment)
    if errors:
        raise ValidationError(errors)
    history = {"default_user": by, "default_change_reason": current_reason()}
    employees = bulk_create_with_history(employees, Employee, batch_size=BULK_BATCH, **history)
    for employee, assignment in zip(employees, assignments, strict=True):
        assignment.employee = employee
    bulk_create_with_history(assignments, Assignment, batch_size=BULK_BATCH, **history)
    return employees


EMPLOYEE_EDITABLE = {"full_name", "category", "email", "user", "quota_group", "is_active"}


@transaction.atomic
def employee_update(*, employee: Employee, by=None, **changes) -> Employee:
    """Change `full_name`, `category`, `email`, `user`, `quota_group` or `is_active`.

    The code never changes: a person keeps it for life, across agencies.
    """
    if by is not None:
        require(permissions.can_keep_employee(by, employee))
    _apply(employee, changes, EMPLOYEE_EDITABLE)
    employee_validate(employee)
    save(employee, by)
    return employee


def _close_at(rows, day: date, by) -> None:
    for row in rows:
        row.end = day
        save(row, by, update_fields=["end"])


def _end_links(employee: Employee, *, last_day: date, keep_unit: Unit | None, by) -> None:
    """End the posts and delegations of `employee` still running after `last_day`.

    Those in `keep_unit` are kept. Raises on `start` when one begins after `last_day`.
    """
    after = Q(end__isnull=True) | Q(end__gt=last_day)
    posts = Post.objects.filter(after, employee=employee).exclude(unit=keep_unit)
    delegations = DeputyDelegation.objects.filter(
        after, Q(deputy=employee) | Q(staff=employee)
    ).exclude(unit=keep_unit)
    for rows in (posts, delegations):
        if rows.filter(start__gt=last_day).exists():
            raise ValidationError(
                {
                    "start": _(
                        "Cán bộ có chức vụ hoặc phân công bắt đầu sau ngày %(day)s ở đơn vị cũ: "
                        "hãy sửa chúng trước."
                    )
                    % {"day": day_text(last_day)}
                }
            )
    _close_at(posts.select_for_update(), last_day, by)
    _close_at(delegations.select_for_update(), last_day, by)


def employee_transfer_validate(assignment: Assignment) -> Assignment | None:
    """Raise ValidationError naming the field when the new `assignment` cannot start.

    Refused on `start` when it is not after the current assignment's start or a later
    assignment exists, on `job_position` for another agency's position, on `unit` when
    nothing changes. Returns the assignment covering `start` (the one to end), if any.
    """
    _fields_valid(assignment)
    employee, unit, start = assignment.employee, assignment.unit, assignment.start
    errors = _placement_errors(unit, assignment.job_position)
    current = selectors.assignment_on(employee, on=start)
    if current is not None and current.start >= start:
        errors["start"] = _(
            "Ngày chuyển phải sau ngày bắt đầu của quá trình công tác hiện tại (%(day)s)."
        ) % {"day": day_text(current.start)}
    elif later := employee.assignments.filter(start__gt=start).order_by("-start").first():
        errors["start"] = _(
            "Cán bộ đã có quá trình công tác từ ngày %(day)s: ngày chuyển phải sau ngày đó."
        ) % {"day": day_text(later.start)}
    elif (
        current is not None
        and current.unit_id == unit.pk
        and current.job_position_id == assignment.job_position_id
    ):
        errors["unit"] = _("Cán bộ đang công tác tại đơn vị này với vị trí này.")
    raise_if(errors)
    return current


@transaction.atomic
def employee_transfer(
    *, employee: Employee, unit: Unit, job_position: JobPosition, start: date, by=None
) -> Assignment:
    """Move `employee` to `unit` as `job_position` from `start`, possibly in another agency.

    The assignment covering `start` ends the day before; posts and delegations held in
    other units end then too; a quota group of another agency is dropped. Validation as
    in `employee_transfer_validate`.
    """
    if by is not None:
        require(permissions.can_keep_employee(by, employee, start))
        require(permissions.can_keep_people(by, unit.organisation, start))
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    new = Assignment(employee=employee, unit=unit, job_position=job_position, start=start)
    current = employee_transfer_validate(new)
    if current is not None:
        current.end = start - ONE_DAY
        save(current, by, update_fields=["end"])
    _end_links(employee, last_day=start - ONE_DAY, keep_unit=unit, by=by)
    if employee.quota_group and employee.quota_group.organisation_id != unit.organisation_id:
        employee.quota_group = None
        save(employee, by, update_fields=["quota_group"])
    save(new, by)
    return new


@transaction.atomic
def employee_leave(*, employee: Employee, end: date, by=None) -> Employee:
    """End the employee's service on `end` (last working day): assignment, posts, delegations."""
    if by is not None:
        require(permissions.can_keep_employee(by, employee, end))
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    current = selectors.assignment_on(employee, on=end)
    if current is None:
        raise ValidationError(
            {"end": _("Cán bộ không công tác vào ngày %(day)s.") % {"day": day_text(end)}}
        )
    if employee.assignments.filter(start__gt=end).exists():
        message = _("Cán bộ đã có quá trình công tác bắt đầu sau ngày %(day)s.")
        raise ValidationError({"end": message % {"day": day_text(end)}})
    current.end = end
    save(current, by, update_fields=["end"])
    _end_links(employee, last_day=end, keep_unit=None, by=by)
    employee.is_active = False
    save(employee, by, update_fields=["is_active"])
    return employee

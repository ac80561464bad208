"""Every write to the organisation model.

Each function is keyword-only, runs in one transaction, validates before writing and
raises `ValidationError` with a dict naming the offending field, saving nothing on
error. `by` is the user acting: when given, their permission is checked inside
(`PermissionDenied` otherwise) and they are recorded as the history user; `by=None` is
a trusted system caller (commands, imports, tests). History is never rewritten: moves
end a row and start a new one.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Max, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from hrsystem.service_checks import day_text, raise_if, require, save

from . import permissions, selectors
from .models import (
    PATH_STEP,
    Assignment,
    Cadence,
    Category,
    DeputyDelegation,
    Employee,
    JobPosition,
    NormBasis,
    Organisation,
    OrganisationUserObjectPermission,
    Post,
    PostKind,
    QuotaGroup,
    Role,
    RoleGrant,
    StandardTask,
    Unit,
    UnitUserObjectPermission,
    WorkProduct,
)

ONE_DAY = timedelta(days=1)
MAX_PATH = Unit._meta.get_field("path").max_length


# --- helpers ---------------------------------------------------------------------------


def _fields_valid(obj, exclude: Iterable[str] = ()) -> None:
    """Field-level validation (types, lengths, choices, dates parsed) before any rule."""
    obj.clean_fields(exclude=list(exclude))


def _dates_error(start: date, end: date | None) -> dict[str, str]:
    if end is not None and end < start:
        return {
            "end": _("Ngày kết thúc (%(end)s) phải bằng hoặc sau ngày bắt đầu (%(start)s).")
            % {"end": day_text(end), "start": day_text(start)}
        }
    return {}


def _apply(obj, changes: dict, allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} here")
    for name, value in changes.items():
        setattr(obj, name, value)


def _manage_org(by, organisation: Organisation, on: date | None = None) -> None:
    if by is not None:
        require(permissions.can_manage_org(by, organisation, on))


# --- agencies --------------------------------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    code: str,
    name: str,
    on_time_floor: Decimal = Decimal("90"),
    head_rights_cover_subunits: bool = True,
    by=None,
) -> Organisation:
    """Create an agency; only a superuser may do so when `by` is given."""
    if by is not None:
        require(by.is_superuser)
    organisation = Organisation(
        code=code.strip(),
        name=name.strip(),
        on_time_floor=on_time_floor,
        head_rights_cover_subunits=head_rights_cover_subunits,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by=None, **changes) -> Organisation:
    """Change an agency's `name`, `on_time_floor` or `head_rights_cover_subunits`."""
    _manage_org(by, organisation)
    _apply(organisation, changes, {"name", "on_time_floor", "head_rights_cover_subunits"})
    organisation.full_clean()
    organisation.save()
    return organisation


# --- the unit tree ---------------------------------------------------------------------


def _path_step(pk: int) -> str:
    return f"{pk:0{PATH_STEP}d}/"


def unit_validate(unit: Unit) -> None:
    """Raise ValidationError naming the field when `unit` (new or edited, with its intended
    parent) would break the tree: another agency's parent, a cycle, a second root, a
    duplicate code, or a tree too deep for the path."""
    _fields_valid(unit, exclude=["path", "depth"])
    errors: dict[str, str] = {}
    parent = unit.parent
    if (
        Unit.objects.filter(organisation=unit.organisation_id, code=unit.code)
        .exclude(pk=unit.pk)
        .exists()
    ):
        errors["code"] = _("Cơ quan đã có đơn vị mang mã %(code)s.") % {"code": unit.code}
    if parent is None:
        root = Unit.objects.filter(organisation=unit.organisation_id, parent__isnull=True)
        existing = root.exclude(pk=unit.pk).first()
        if existing is not None:
            errors["parent"] = _("Cơ quan đã có đơn vị gốc %(root)s: hãy chọn đơn vị cấp trên.") % {
                "root": existing
            }
    elif parent.organisation_id != unit.organisation_id:
        errors["parent"] = _("Đơn vị cấp trên phải thuộc cùng cơ quan.")
    elif unit.pk is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
        errors["parent"] = _(
            "Không thể đặt đơn vị %(unit)s dưới chính nó hoặc đơn vị cấp dưới của nó (%(parent)s)."
        ) % {"unit": unit, "parent": parent}
    else:
        below = 0
        if unit.pk is not None:
            deepest = selectors.unit_subtree(unit).aggregate(deepest=Max("depth"))["deepest"]
            below = (deepest or unit.depth) - unit.depth
        if (parent.depth + 2 + below) * (PATH_STEP + 1) > MAX_PATH:
            errors["parent"] = _("Cây đơn vị quá sâu: hãy chọn đơn vị cấp trên ở cấp cao hơn.")
    raise_if(errors)


@transaction.atomic
def unit_create(
    *, organisation: Organisation, code: str, name: str, parent: Unit | None = None, by=None
) -> Unit:
    """Create a unit under `parent` (None: the agency's root unit, only one per agency)."""
    _manage_org(by, organisation)
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
    unit = Unit(organisation=organisation, code=code.strip(), name=name.strip(), parent=parent)
    unit_validate(unit)
    save(unit, by)
    unit.path = (parent.path if parent else "") + _path_step(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, by=None, **changes) -> Unit:
    """Rename a unit or change its code (`code`, `name`); use `unit_move` for the parent."""
    _manage_org(by, unit.organisation)
    _apply(unit, changes, {"code", "name"})
    unit.code, unit.name = unit.code.strip(), unit.name.strip()
    unit_validate(unit)
    save(unit, by)
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None, by=None) -> Unit:
    """Put `unit` and its subtree under `parent`; paths below are rewritten in one UPDATE.

    Refused (error on `parent`) when `parent` is the unit itself or below it, belongs to
    another agency, or would make a second root.
    """
    _manage_org(by, unit.organisation)
    locked = list(selectors.unit_subtree(unit).select_for_update())
    unit = next(row for row in locked if row.pk == unit.pk)
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
    unit.parent = parent
    unit_validate(unit)
    old_path, old_depth = unit.path, unit.depth
    unit.path = (parent.path if parent else "") + _path_step(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(unit.path), Substr("path", len(old_path) + 1), output_field=CharField()),
        depth=F("depth") + (unit.depth - old_depth),
    )
    save(unit, by, update_fields=["parent"])
    return unit


# --- job positions, tasks, quota groups ------------------------------------------------


def _unique_code(model, organisation, code: str, exclude_pk=None) -> dict[str, str]:
    if model.objects.filter(organisation=organisation, code=code).exclude(pk=exclude_pk).exists():
        return {"code": _("Mã %(code)s đã được dùng trong cơ quan này.") % {"code": code}}
    return {}


@transaction.atomic
def job_position_create(
    *, organisation: Organisation, code: str, name: str, description: str = "", by=None
) -> JobPosition:
    """Create a job position (vị trí việc làm) of an agency."""
    _manage_org(by, organisation)
    position = JobPosition(
        organisation=organisation, code=code.strip(), name=name.strip(), description=description
    )
    _fields_valid(position)
    raise_if(_unique_code(JobPosition, organisation, position.code))
    position.save()
    return position


@transaction.atomic
def job_position_update(*, job_position: JobPosition, by=None, **changes) -> JobPosition:
    """Change a position's `code`, `name` or `description`; past scores keep their snapshot."""
    _manage_org(by, job_position.organisation)
    _apply(job_position, changes, {"code", "name", "description"})
    _fields_valid(job_position)
    raise_if(
        _unique_code(JobPosition, job_position.organisation, job_position.code, job_position.pk)
    )
    job_position.save()
    return job_position


def standard_task_validate(task: StandardTask) -> None:
    """Raise ValidationError naming the field for a bad coefficient, volume or cadence."""
    _fields_valid(task)
    errors = {}
    if task.coefficient is not None and task.coefficient <= 0:
        errors["coefficient"] = _("Hệ số quy đổi phải lớn hơn 0 (đang là %(value)s).") % {
            "value": task.coefficient
        }
    if task.default_planned is not None and task.default_planned <= 0:
        errors["default_planned"] = _("Khối lượng giao phải lớn hơn 0 (đang là %(value)s).") % {
            "value": task.default_planned
        }
    raise_if(errors)


@transaction.atomic
def standard_task_create(
    *,
    job_position: JobPosition,
    name: str,
    unit_of_measure: str,
    coefficient: Decimal = Decimal("1"),
    default_planned: Decimal = Decimal("1"),
    cadence: str = Cadence.MONTH,
    by=None,
) -> StandardTask:
    """Add a standing task to a job position."""
    _manage_org(by, job_position.organisation)
    task = StandardTask(
        job_position=job_position,
        name=name.strip(),
        unit_of_measure=unit_of_measure.strip(),
        coefficient=coefficient,
        default_planned=default_planned,
        cadence=cadence,
    )
    standard_task_validate(task)
    task.save()
    return task


@transaction.atomic
def standard_task_update(*, task: StandardTask, by=None, **changes) -> StandardTask:
    """Change a task's `name`, `unit_of_measure`, `coefficient`, `default_planned` or `cadence`."""
    _manage_org(by, task.job_position.organisation)
    _apply(task, changes, {"name", "unit_of_measure", "coefficient", "default_planned", "cadence"})
    standard_task_validate(task)
    task.save()
    return task


@transaction.atomic
def quota_group_create(*, organisation: Organisation, name: str, by=None) -> QuotaGroup:
    """Create a group of people with similar tasks for the annual quota."""
    _manage_org(by, organisation)
    group = QuotaGroup(organisation=organisation, name=name.strip())
    _fields_valid(group)
    if QuotaGroup.objects.filter(organisation=organisation, name=group.name).exists():
        raise ValidationError({"name": _("Cơ quan đã có nhóm mang tên này.")})
    group.save()
    return group


@transaction.atomic
def quota_group_update(*, group: QuotaGroup, name: str, by=None) -> QuotaGroup:
    """Rename a quota group."""
    _manage_org(by, group.organisation)
    group.name = name.strip()
    _fields_valid(group)
    clash = QuotaGroup.objects.filter(organisation=group.organisation_id, name=group.name)
    if clash.exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("Cơ quan đã có nhóm mang tên này.")})
    group.save()
    return group


# --- the work-product catalogue --------------------------------------------------------

WORK_PRODUCT_FIELDS = {
    "code",
    "name",
    "unit_of_measure",
    "norm",
    "norm_basis",
    "coefficient",
    "is_dossier_processing",
    "active",
}


def work_product_validate(product: WorkProduct, job_positions: Iterable[JobPosition] = ()) -> None:
    """Raise ValidationError naming each bad field: blanks, lengths, norm or coefficient not
    above 0, an unknown `norm_basis`, a code used twice, a position of another agency."""
    errors: dict[str, list[str]] = {}
    try:
        product.clean_fields()
    except ValidationError as error:
        errors = error.message_dict
    positive = (
        ("norm", _("Định mức phải lớn hơn 0 (đang là %(value)s).")),
        ("coefficient", _("Hệ số quy đổi phải lớn hơn 0 (đang là %(value)s).")),
    )
    for name, message in positive:
        value = getattr(product, name)
        if name not in errors and value is not None and value <= 0:
            errors[name] = [message % {"value": value}]
    if "code" not in errors:
        clash = _unique_code(WorkProduct, product.organisation_id, product.code, product.pk)
        errors |= {name: [message] for name, message in clash.items()}
    foreign = sorted(p.code for p in job_positions if p.organisation_id != product.organisation_id)
    if foreign:
        errors["job_positions"] = [
            _("Vị trí việc làm không thuộc cơ quan này: %(codes)s.") % {"codes": ", ".join(foreign)}
        ]
    raise_if(errors)


@transaction.atomic
def work_product_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    unit_of_measure: str,
    norm: Decimal,
    norm_basis: str = NormBasis.POINTS,
    coefficient: Decimal = Decimal("1"),
    job_positions: Iterable[JobPosition] = (),
    is_dossier_processing: bool = False,
    active: bool = True,
    by=None,
) -> WorkProduct:
    """Add a standard work product, used by `job_positions`, to an agency's catalogue."""
    _manage_org(by, organisation)
    product = WorkProduct(
        organisation=organisation,
        code=code.strip(),
        name=name.strip(),
        unit_of_measure=unit_of_measure.strip(),
        norm=norm,
        norm_basis=norm_basis,
        coefficient=coefficient,
        is_dossier_processing=is_dossier_processing,
        active=active,
    )
    job_positions = list(job_positions)
    work_product_validate(product, job_positions)
    save(product, by)
    product.job_positions.set(job_positions)
    return product


@transaction.atomic
def work_product_update(*, product: WorkProduct, by=None, **changes) -> WorkProduct:
    """Change a product's fields (`WORK_PRODUCT_FIELDS`) or its `job_positions`.

    `product` is the stored row: values equal to it change nothing and leave no history
    row. Work items already declared keep the name and coefficient they were made with.
    """
    _manage_org(by, product.organisation)
    job_positions = changes.pop("job_positions", None)
    if job_positions is not None:
        job_positions = list(job_positions)
        stored_positions = set(product.job_positions.values_list("pk", flat=True))
        if {position.pk for position in job_positions} == stored_positions:
            job_positions = None
    stored = {name: getattr(product, name) for name in WORK_PRODUCT_FIELDS}
    _apply(product, changes, WORK_PRODUCT_FIELDS)
    for name in ("code", "name", "unit_of_measure"):
        setattr(product, name, (getattr(product, name) or "").strip())
    if job_positions is None and all(getattr(product, n) == v for n, v in stored.items()):
        return product
    work_product_validate(product, job_positions or ())
    save(product, by)
    if job_positions is not None:
        product.job_positions.set(job_positions)
    return product


# --- people and where they work --------------------------------------------------------


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
    _manage_org(by, unit.organisation)
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


EMPLOYEE_EDITABLE = {"full_name", "category", "email", "user", "quota_group", "is_active"}


@transaction.atomic
def employee_update(*, employee: Employee, by=None, **changes) -> Employee:
    """Change `full_name`, `category`, `email`, `user`, `quota_group` or `is_active`.

    The code never changes: a person keeps it for life, across agencies.
    """
    if by is not None:
        require(permissions.can_manage_employee(by, employee))
    _apply(
        employee, changes, {"full_name", "category", "email", "user", "quota_group", "is_active"}
    )
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
        require(permissions.can_manage_employee(by, employee, start))
        require(permissions.can_manage_org(by, unit.organisation, start))
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
        require(permissions.can_manage_employee(by, employee, end))
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


# --- posts -----------------------------------------------------------------------------


_COMBINABLE = {PostKind.DEPUTY, PostKind.ACTING}
"""A deputy may also be the acting head of their unit (phó phụ trách); no other pair."""


def post_validate(post: Post, *, changed: str = "start") -> None:
    """Raise ValidationError naming the field when `post` breaks a rule.

    Rules: dates ordered; the holder works in the unit's agency on `start`; one head per
    unit at a time; no overlapping acting intervals; one post per person per unit at a
    time, except a deputy who is also acting head. Callers that save must hold a lock on
    the unit (`post_assign`, `post_end`). Overlaps are reported on `changed`.
    """
    _fields_valid(post)
    errors = _dates_error(post.start, post.end)
    raise_if(errors)
    placed = selectors.assignment_on(post.employee, on=post.start)
    if placed is None or placed.unit.organisation_id != post.unit.organisation_id:
        errors["employee"] = _("%(name)s không công tác tại %(agency)s vào ngày %(day)s.") % {
            "name": post.employee.full_name,
            "agency": post.unit.organisation,
            "day": day_text(post.start),
        }
    overlapping = (
        Post.objects.filter(selectors.overlapping(post.start, post.end), unit=post.unit)
        .exclude(pk=post.pk)
        .select_related("employee")
    )
    own = overlapping.filter(employee=post.employee)
    if post.kind in _COMBINABLE:
        own = own.exclude(kind__in=_COMBINABLE - {post.kind})
    own = own.first()
    clash = None
    if post.kind in (PostKind.HEAD, PostKind.ACTING):
        clash = overlapping.filter(kind=post.kind).first()
    if own is not None:
        errors[changed] = _(
            "%(name)s đã giữ chức vụ %(kind)s tại %(unit)s từ %(start)s đến %(end)s."
        ) % {
            "name": own.employee.full_name,
            "kind": own.get_kind_display(),
            "unit": post.unit,
            "start": day_text(own.start),
            "end": day_text(own.end),
        }
    elif clash is not None:
        errors[changed] = _(
            "%(unit)s đã có %(kind)s là %(name)s từ %(start)s đến %(end)s: "
            "hãy kết thúc chức vụ đó trước."
        ) % {
            "unit": post.unit,
            "kind": clash.get_kind_display().lower(),
            "name": clash.employee.full_name,
            "start": day_text(clash.start),
            "end": day_text(clash.end),
        }
    raise_if(errors)


@transaction.atomic
def post_assign(
    *,
    employee: Employee,
    unit: Unit,
    kind: str,
    start: date,
    end: date | None = None,
    by=None,
) -> Post:
    """Appoint `employee` head, deputy or acting head of `unit` from `start` to `end`."""
    if by is not None:
        require(permissions.can_manage_employee(by, employee, start))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    post = Post(employee=employee, unit=unit, kind=kind, start=start, end=end)
    post_validate(post)
    save(post, by)
    return post


@transaction.atomic
def post_end(*, post: Post, end: date, by=None) -> Post:
    """Set the last day `post` is held (closing it, or moving its end date)."""
    if by is not None:
        require(permissions.can_manage_employee(by, post.employee, post.start))
    Unit.objects.select_for_update().get(pk=post.unit_id)
    post = Post.objects.select_related("employee", "unit__organisation").get(pk=post.pk)
    post.end = end
    post_validate(post, changed="end")
    save(post, by, update_fields=["end"])
    return post


# --- deputies' scoring rights ----------------------------------------------------------


def deputy_delegation_validate(delegation: DeputyDelegation) -> None:
    """Raise ValidationError naming the field when a delegation breaks a rule.

    The deputy holds a deputy post in the unit and the staff member works there, not as
    its leader, on `start`; one deputy per staff member at a time; never oneself.
    """
    _fields_valid(delegation)
    errors = _dates_error(delegation.start, delegation.end)
    raise_if(errors)
    day = delegation.start
    if delegation.deputy_id == delegation.staff_id:
        errors["staff"] = _("Không thể phân công cấp phó chấm điểm chính mình.")
    if not Post.objects.filter(
        selectors.active_on(day),
        employee=delegation.deputy,
        unit=delegation.unit,
        kind=PostKind.DEPUTY,
    ).exists():
        errors["deputy"] = _("%(name)s không là cấp phó của %(unit)s vào ngày %(day)s.") % {
            "name": delegation.deputy.full_name,
            "unit": delegation.unit,
            "day": day_text(day),
        }
    placed = selectors.assignment_on(delegation.staff, on=day)
    leads = Post.objects.filter(
        selectors.active_on(day), employee=delegation.staff, unit=delegation.unit
    ).exists()
    if placed is None or placed.unit_id != delegation.unit_id or leads:
        errors.setdefault(
            "staff",
            _("%(name)s không là công chức (không giữ chức vụ) của %(unit)s vào ngày %(day)s.")
            % {"name": delegation.staff.full_name, "unit": delegation.unit, "day": day_text(day)},
        )
    clash = (
        DeputyDelegation.objects.filter(
            selectors.overlapping(delegation.start, delegation.end), staff=delegation.staff
        )
        .exclude(pk=delegation.pk)
        .select_related("deputy")
        .first()
    )
    if clash is not None:
        errors["start"] = _(
            "%(staff)s đã được phân công cho %(deputy)s từ %(start)s đến %(end)s."
        ) % {
            "staff": delegation.staff.full_name,
            "deputy": clash.deputy.full_name,
            "start": day_text(clash.start),
            "end": day_text(clash.end),
        }
    raise_if(errors)


@transaction.atomic
def deputy_delegate(
    *,
    deputy: Employee,
    staff: Employee,
    unit: Unit,
    start: date,
    end: date | None = None,
    by=None,
) -> DeputyDelegation:
    """Give `deputy` the right to score `staff` of `unit` from `start` to `end`."""
    if by is not None:
        require(permissions.can_delegate(by, unit, start))
        require(by.pk not in (deputy.user_id, staff.user_id))
    Unit.objects.select_for_update().get(pk=unit.pk)
    delegation = DeputyDelegation(deputy=deputy, staff=staff, unit=unit, start=start, end=end)
    deputy_delegation_validate(delegation)
    save(delegation, by)
    return delegation


@transaction.atomic
def deputy_delegation_end(*, delegation: DeputyDelegation, end: date, by=None) -> DeputyDelegation:
    """Set the last day of a delegation."""
    if by is not None:
        require(permissions.can_delegate(by, delegation.unit, delegation.start))
    Unit.objects.select_for_update().get(pk=delegation.unit_id)
    errors = _dates_error(delegation.start, end)
    raise_if(errors)
    delegation.end = end
    save(delegation, by, update_fields=["end"])
    return delegation


# --- roles -----------------------------------------------------------------------------


def _scope_unit(grant: RoleGrant) -> Unit | None:
    return grant.unit or selectors.root_unit(grant.organisation)


def role_grant_validate(grant: RoleGrant) -> None:
    """Raise ValidationError naming the field for a grant outside its agency, with bad
    dates, or overlapping the same role of the same person on the same scope."""
    _fields_valid(grant)
    errors = _dates_error(grant.start, grant.end)
    raise_if(errors)
    if grant.unit is not None and grant.unit.organisation_id != grant.organisation_id:
        errors["unit"] = _("Đơn vị %(unit)s không thuộc cơ quan %(agency)s.") % {
            "unit": grant.unit,
            "agency": grant.organisation,
        }
    elif _scope_unit(grant) is None and any(
        not perm.on_organisation for perm in permissions.ROLE_PERMS[grant.role]
    ):
        errors["unit"] = _("Cơ quan chưa có đơn vị gốc: hãy tạo cơ cấu tổ chức trước.")
    if (
        RoleGrant.objects.filter(
            selectors.overlapping(grant.start, grant.end),
            user=grant.user_id,
            role=grant.role,
            organisation=grant.organisation_id,
            unit=grant.unit_id,
        )
        .exclude(pk=grant.pk)
        .exists()
    ):
        errors["start"] = _("Người này đã giữ vai trò này trong phạm vi đó vào thời gian này.")
    raise_if(errors)


def _sync_guardian(user, organisation: Organisation) -> None:
    """Make the user's guardian rows in `organisation` mirror all their grants there.

    Rows exist for every grant, past or future; the dates are applied at query time by
    `permissions.unit_ids_for`, so past dates keep their answers after a revocation.
    """
    wanted: set[tuple[str, str, int]] = set()
    for grant in RoleGrant.objects.filter(user=user, organisation=organisation).select_related(
        "unit", "organisation"
    ):
        scope = _scope_unit(grant)
        for perm in permissions.ROLE_PERMS[grant.role]:
            if perm.on_organisation:
                wanted.add(("organisation", perm.value, organisation.pk))
            elif scope is not None:
                wanted.add(("unit", perm.value, scope.pk))
    unit_rows = UnitUserObjectPermission.objects.filter(
        user=user, content_object__organisation=organisation
    )
    org_rows = OrganisationUserObjectPermission.objects.filter(
        user=user, content_object=organisation
    )
    have = {
        ("unit", codename, pk)
        for codename, pk in unit_rows.values_list("permission__codename", "content_object_id")
    } | {
        ("organisation", codename, pk)
        for codename, pk in org_rows.values_list("permission__codename", "content_object_id")
    }
    for kind, codename, pk in have - wanted:
        rows = unit_rows if kind == "unit" else org_rows
        rows.filter(permission__codename=codename, content_object_id=pk).delete()
    for kind, codename, pk in wanted - have:
        target = Unit.objects.get(pk=pk) if kind == "unit" else organisation
        assign_perm(codename, user, target)


@transaction.atomic
def role_grant(
    *,
    role: str,
    organisation: Organisation,
    start: date,
    user=None,
    employee: Employee | None = None,
    unit: Unit | None = None,
    end: date | None = None,
    by=None,
) -> RoleGrant:
    """Give a login (`user`, or `employee`'s login) a role in an agency or a unit's subtree.

    HR officers and system administrators get admin-site access (`is_staff`). Nobody
    grants a role to themselves.
    """
    if user is None and employee is not None:
        user = employee.user
        if user is None:
            raise ValidationError(
                {"employee": _("%(name)s chưa có tài khoản đăng nhập.") % {"name": employee}}
            )
    if user is None:
        raise ValidationError({"user": _("Hãy chọn tài khoản hoặc cán bộ nhận vai trò.")})
    if by is not None:
        require(permissions.can_manage_org(by, organisation, start) and by.pk != user.pk)
        if role == Role.SYSTEM_ADMIN:
            require(by.is_superuser)
    grant = RoleGrant(
        user=user, role=role, organisation=organisation, unit=unit, start=start, end=end
    )
    role_grant_validate(grant)
    save(grant, by)
    if role in (Role.HR_OFFICER, Role.SYSTEM_ADMIN) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _sync_guardian(user, organisation)
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, end: date, by=None) -> RoleGrant:
    """End a role grant on `end` (its last day); the row stays as history."""
    if by is not None:
        require(permissions.can_manage_org(by, grant.organisation, end) and by.pk != grant.user_id)
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    raise_if(_dates_error(grant.start, end))
    grant.end = end
    save(grant, by, update_fields=["end"])
    return grant


@transaction.atomic
def role_grant_delete(*, grant: RoleGrant, by=None) -> None:
    """Delete a grant entered by mistake and withdraw the guardian rows it alone conferred."""
    if by is not None:
        require(permissions.can_manage_org(by, grant.organisation) and by.pk != grant.user_id)
        grant._history_user = by
    user, organisation = grant.user, grant.organisation
    grant.delete()
    _sync_guardian(user, organisation)

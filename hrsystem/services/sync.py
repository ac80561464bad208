"""Units, people and posts sent in batches by an agency's HR system (through the API).

Each row is created or brought up to date by its code through the services the pages use
(their checks and rights for each row); a row already as sent changes nothing, so a batch
sent twice writes once. All rows or none: every bad row raises one ValidationError naming
`items[<row>].<field>` (`hrsystem.batches.run_rows`).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrsystem import batches, clock, selectors
from hrsystem.models import Employee, JobPosition, Organisation, Post, Unit
from hrsystem.service_checks import raise_if

from .organisation import unit_create, unit_move, unit_update
from .people import employee_create, employee_leave, employee_transfer, employee_update
from .posts import post_assign, post_end


def _unknown(code: str) -> str:
    return _("Không có mã %(code)s trong cơ quan.") % {"code": code}


@transaction.atomic
def units_receive(*, organisation: Organisation, rows: list[dict], by) -> list[Unit]:
    """Create or update the agency's units by `code` (`name`, `parent`: a parent's code, or
    None for the root; a unit sent without `parent` keeps its own); a parent may be a unit
    sent earlier in the batch."""
    units = {unit.code: unit for unit in Unit.objects.filter(organisation=organisation)}

    def receive(row: dict) -> Unit:
        code, parent_code = row["code"].strip(), row.get("parent")
        parent = None
        if parent_code:
            parent = units.get(parent_code)
            if parent is None:
                raise ValidationError({"parent": _unknown(parent_code)})
        unit = units.get(code)
        if unit is None:
            unit = unit_create(
                organisation=organisation, code=code, name=row["name"], parent=parent, by=by
            )
        else:
            if unit.name != row["name"].strip():
                unit = unit_update(unit=unit, name=row["name"], by=by)
            if "parent" in row and unit.parent_id != (parent.pk if parent else None):
                unit = unit_move(unit=unit, parent=parent, by=by)
                units.update({u.code: u for u in Unit.objects.filter(organisation=organisation)})
        units[code] = unit
        return unit

    return batches.run_rows(rows, receive, name="items")


def _outside(employee: Employee, organisation: Organisation, on: date) -> bool:
    """Does `employee` work for another agency on `on` (else lately)?"""
    placed = selectors.assignment_on(employee, on=on) or (
        employee.assignments.select_related("unit").order_by("-start").first()
    )
    return placed is not None and placed.unit.organisation_id != organisation.pk


def _outsider(employee: Employee) -> str:
    return _("%(code)s là cán bộ của cơ quan khác: cơ quan đó mới cập nhật được.") % {
        "code": employee.code
    }


PERSON_FIELDS = ("full_name", "category", "email")


@transaction.atomic
def people_receive(*, organisation: Organisation, rows: list[dict], by) -> list[Employee]:
    """Create or update people by `code`: their record (`full_name`, `category`, `email`)
    and where they work (`unit`, `job_position` codes from `start`: a person's first
    assignment, or a transfer from `start` when the assignment covering it differs), and
    the last working day `end` when they leave (their assignment, posts and delegations
    end then). A person working for another agency is refused on `code`."""
    units = {unit.code: unit for unit in Unit.objects.filter(organisation=organisation)}
    positions = {p.code: p for p in JobPosition.objects.filter(organisation=organisation)}
    people = {
        e.code: e for e in Employee.objects.filter(code__in={str(r["code"]).strip() for r in rows})
    }
    today = clock.today()

    def receive(row: dict) -> Employee:
        code = row["code"].strip()
        employee = people.get(code)
        errors = {}
        if employee is not None and _outside(employee, organisation, max(row["start"], today)):
            errors["code"] = _outsider(employee)
        if row["unit"] not in units:
            errors["unit"] = _unknown(row["unit"])
        if row["job_position"] not in positions:
            errors["job_position"] = _unknown(row["job_position"])
        raise_if(errors)
        unit, position = units[row["unit"]], positions[row["job_position"]]
        fields = {name: row[name] for name in PERSON_FIELDS if name in row}
        if employee is None:
            employee = employee_create(
                code=code, unit=unit, job_position=position, start=row["start"], by=by, **fields
            )
            people[code] = employee
        else:
            changes = {name: v for name, v in fields.items() if getattr(employee, name) != v}
            if changes:
                employee = employee_update(employee=employee, by=by, **changes)
            placed = selectors.assignment_on(employee, on=row["start"])
            if placed is None or (placed.unit_id, placed.job_position_id) != (
                unit.pk,
                position.pk,
            ):
                employee_transfer(
                    employee=employee, unit=unit, job_position=position, start=row["start"], by=by
                )
        end = row.get("end")
        if end is not None:
            latest = employee.assignments.order_by("-start").first()
            if latest.end != end:
                employee = employee_leave(employee=employee, end=end, by=by)
        return employee

    return batches.run_rows(rows, receive, name="items")


@transaction.atomic
def posts_receive(*, organisation: Organisation, rows: list[dict], by) -> list[Post]:
    """Appoint heads, deputies and acting heads (`employee`, `unit` codes, `kind`, `start`,
    `end`), a post being known by its holder, unit, kind and first day: a known one only
    has its last day set. An overlap with another post is refused as on the pages."""
    units = {unit.code: unit for unit in Unit.objects.filter(organisation=organisation)}
    people = {
        e.code: e for e in Employee.objects.filter(code__in={str(r["employee"]) for r in rows})
    }

    def receive(row: dict) -> Post:
        errors = {}
        unit, employee = units.get(row["unit"]), people.get(row["employee"])
        if unit is None:
            errors["unit"] = _unknown(row["unit"])
        if employee is None:
            errors["employee"] = _("Không có cán bộ mã %(code)s.") % {"code": row["employee"]}
        raise_if(errors)
        if _outside(employee, organisation, row["start"]):
            raise ValidationError({"employee": _outsider(employee)})
        post = Post.objects.filter(
            employee=employee, unit=unit, kind=row["kind"], start=row["start"]
        ).first()
        end = row.get("end")
        if post is None:
            return post_assign(
                employee=employee, unit=unit, kind=row["kind"], start=row["start"], end=end, by=by
            )
        if post.end == end:
            return post
        if end is None:
            raise ValidationError(
                {"end": _("Chức vụ đã kết thúc không mở lại qua API: hãy bổ nhiệm mới.")}
            )
        return post_end(post=post, end=end, by=by)

    return batches.run_rows(rows, receive, name="items")

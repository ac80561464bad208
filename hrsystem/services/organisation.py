"""Agencies and their unit tree: create, rename, move a subtree (paths rewritten)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hrsystem import selectors
from hrsystem.models import (
    PATH_STEP,
    Organisation,
    Unit,
)
from hrsystem.service_checks import current_reason, raise_if, require, save

from .common import _apply, _fields_valid, _keep_people, _manage_org

MAX_PATH = Unit._meta.get_field("path").max_length


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
    save(organisation, by)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by=None, **changes) -> Organisation:
    """Change an agency's `name`, `on_time_floor` or `head_rights_cover_subunits`."""
    _manage_org(by, organisation)
    _apply(organisation, changes, {"name", "on_time_floor", "head_rights_cover_subunits"})
    organisation.full_clean()
    save(organisation, by)
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
    _keep_people(by, organisation)
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
    unit = Unit(organisation=organisation, code=code.strip(), name=name.strip(), parent=parent)
    unit_validate(unit)
    save(unit, by)
    unit.path = (parent.path if parent else "") + _path_step(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    return unit


UNIT_BATCH = 2000


@transaction.atomic
def unit_create_many(*, organisation: Organisation, rows: list[dict], by=None) -> list[Unit]:
    """Create many units of `organisation` at once (an agency's first load).

    Each row holds `unit_create`'s keywords (code, name, parent); a row's parent is a
    stored unit or an earlier row's (rows in parent-first order). The same rules as
    `unit_validate` are checked for the whole set with one query per table (fields, codes
    unique among the rows and with those stored, parents of the agency, one root, depth),
    then the units and their history rows (`by`, the enclosing `audit_reason`) are written
    in bulk and their paths in batches. Every bad row is reported, keyed `rows[i].field`;
    one bad row and nothing is written.
    """
    _keep_people(by, organisation)
    stored = dict(Unit.objects.filter(organisation=organisation).values_list("code", "pk"))
    root = Unit.objects.filter(organisation=organisation, parent__isnull=True).first()
    parents = {
        row["parent"].pk: row["parent"]
        for row in rows
        if row.get("parent") is not None and row["parent"].pk is not None
    }
    locked = Unit.objects.select_for_update().filter(pk__in=parents)
    depth_of = {unit.pk: unit.depth for unit in locked}
    errors: dict[str, list[str]] = {}
    units: list[Unit] = []
    seen: set[str] = set()
    made_depth: dict[int, int] = {}  # id() of a new unit → its depth
    for index, row in enumerate(rows):
        parent = row.get("parent")
        unit = Unit(
            organisation=organisation,
            code=str(row["code"]).strip(),
            name=str(row["name"]).strip(),
            parent=parent,
        )
        found: dict[str, str] = {}
        try:
            _fields_valid(unit, exclude=["path", "depth", "parent", "organisation"])
        except ValidationError as error:
            found.update({name: msgs[0] for name, msgs in error.message_dict.items()})
        if unit.code in stored or unit.code in seen:
            found["code"] = _("Cơ quan đã có đơn vị mang mã %(code)s.") % {"code": unit.code}
        seen.add(unit.code)
        if parent is None:
            if root is not None:
                found["parent"] = _(
                    "Cơ quan đã có đơn vị gốc %(root)s: hãy chọn đơn vị cấp trên."
                ) % {"root": root}
            root = root or unit
            depth = 0
        elif parent.organisation_id != organisation.pk:
            found["parent"] = _("Đơn vị cấp trên phải thuộc cùng cơ quan.")
            depth = 0
        else:
            above = depth_of.get(parent.pk) if parent.pk else made_depth.get(id(parent))
            depth = (above or 0) + 1
            if (depth + 1) * (PATH_STEP + 1) > MAX_PATH:
                found["parent"] = _("Cây đơn vị quá sâu: hãy chọn đơn vị cấp trên ở cấp cao hơn.")
        made_depth[id(unit)] = depth
        unit.depth = depth
        for name, text in found.items():
            errors.setdefault(f"rows[{index}].{name}", []).append(text)
        units.append(unit)
    if errors:
        raise ValidationError(errors)
    history = {"default_user": by, "default_change_reason": current_reason()}
    paths = {pk: path for pk, path in locked.values_list("pk", "path")}
    written: list[Unit] = []
    # a level at a time: a unit's path needs its parent's id
    for level in sorted({unit.depth for unit in units}):
        batch = [unit for unit in units if unit.depth == level]
        for unit in batch:
            unit.parent_id = unit.parent.pk if unit.parent is not None else None
        batch = bulk_create_with_history(batch, Unit, batch_size=UNIT_BATCH, **history)
        for unit in batch:
            unit.path = (paths[unit.parent_id] if unit.parent_id else "") + _path_step(unit.pk)
            paths[unit.pk] = unit.path
        Unit.objects.bulk_update(batch, ["path"], batch_size=UNIT_BATCH // 4)
        written += batch
    return written


@transaction.atomic
def unit_update(*, unit: Unit, by=None, **changes) -> Unit:
    """Rename a unit or change its code (`code`, `name`); use `unit_move` for the parent."""
    _keep_people(by, unit.organisation)
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
    _keep_people(by, unit.organisation)
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

"""What an agency's people do: job positions, their standing tasks, quota groups, and the
work-product catalogue."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrsystem.models import (
    Cadence,
    JobPosition,
    NormBasis,
    Organisation,
    QuotaGroup,
    StandardTask,
    WorkProduct,
)
from hrsystem.service_checks import raise_if, save

from .common import _apply, _fields_valid, _manage_org, _unique_code

# --- job positions, tasks, quota groups ------------------------------------------------


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
    save(position, by)
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
    save(job_position, by)
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
    save(task, by)
    return task


@transaction.atomic
def standard_task_update(*, task: StandardTask, by=None, **changes) -> StandardTask:
    """Change a task's `name`, `unit_of_measure`, `coefficient`, `default_planned` or `cadence`."""
    _manage_org(by, task.job_position.organisation)
    _apply(task, changes, {"name", "unit_of_measure", "coefficient", "default_planned", "cadence"})
    standard_task_validate(task)
    save(task, by)
    return task


@transaction.atomic
def quota_group_create(*, organisation: Organisation, name: str, by=None) -> QuotaGroup:
    """Create a group of people with similar tasks for the annual quota."""
    _manage_org(by, organisation)
    group = QuotaGroup(organisation=organisation, name=name.strip())
    _fields_valid(group)
    if QuotaGroup.objects.filter(organisation=organisation, name=group.name).exists():
        raise ValidationError({"name": _("Cơ quan đã có nhóm mang tên này.")})
    save(group, by)
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
    save(group, by)
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

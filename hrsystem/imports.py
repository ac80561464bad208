"""The HR officer's import of their agency's work-product catalogue from a spreadsheet,
in the app: a dry run that says which rows are new, changed or unchanged and lists every
refused cell, then the import itself, all rows or none. Rows are written by
`resources.WorkProductResource` through the catalogue services."""

from __future__ import annotations

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import permissions, spreadsheets
from .models import Organisation, WorkProduct
from .resources import COLUMNS, Problem, WorkProductResource

MAX_BYTES = 2 * 1024 * 1024
"""A catalogue of a few thousand rows is well under this."""
MAX_ROWS = 20_000

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class Line:
    """One row of the file as the import reads it."""

    row: int
    kind: str
    code: str
    name: str


@dataclass
class Report:
    """What the import did (or, in a dry run, would do)."""

    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not (self.problems or self.errors)

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.kind == kind)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def changed(self) -> int:
        return self.count(CHANGED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)


def read(content: bytes, name: str) -> tablib.Dataset:
    """The uploaded file as rows; ValidationError on a kind, size, shape or formula cell we
    do not take (`spreadsheets.dataset`)."""
    try:
        return spreadsheets.dataset(content, name, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except spreadsheets.Unreadable as error:
        raise ValidationError({"file": error.message}) from error


def _stored(organisation: Organisation) -> dict[str, tuple]:
    """Product code → (its values, its job position ids) as stored; 2 queries."""
    products = WorkProduct.objects.filter(organisation=organisation).prefetch_related(
        "job_positions"
    )
    return {
        product.code: (
            tuple(getattr(product, name) for name in _COMPARED),
            {position.pk for position in product.job_positions.all()},
        )
        for product in products
    }


_COMPARED = (
    "name",
    "unit_of_measure",
    "norm",
    "norm_basis",
    "coefficient",
    "is_dossier_processing",
    "active",
)


def catalogue_import(
    *, organisation: Organisation, dataset: tablib.Dataset, by, confirm: bool
) -> Report:
    """Read `dataset` into `organisation`'s catalogue: a dry run unless `confirm`.

    The agency's HR officers only. Every row or none: a refused cell anywhere and nothing
    is written. Rows of another agency are refused.
    """
    if not permissions.can_import_catalogue(by, organisation):
        raise PermissionDenied
    before = _stored(organisation)
    resource = WorkProductResource(only_organisation=organisation)
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=not confirm,
            raise_errors=False,
            user=by,
            retain_instance_in_row_result=True,
        )
    report = Report(problems=list(resource.problems))
    for error in result.base_errors:
        report.errors.extend(getattr(error.error, "messages", [str(error.error)]))
    for _line, errors in result.row_errors():
        for error in errors:
            report.errors.extend(getattr(error.error, "messages", [str(error.error)]))
    if result.has_validation_errors() and not report.problems:
        for row in result.invalid_rows:
            report.errors.extend(str(message) for message in row.error.messages)
    for number, row in enumerate(result.rows, start=2):
        instance = row.instance
        if instance is None or row.import_type not in ("new", "update"):
            continue
        report.lines.append(
            Line(number, _kind(row, instance, before), instance.code, instance.name)
        )
    report.saved = confirm and report.ok
    return report


def _kind(row, instance, before: dict[str, tuple]) -> str:
    if row.import_type == "new" or instance.code not in before:
        return NEW
    values, positions = before[instance.code]
    imported = instance.imported_job_positions
    same_positions = imported is None or {p.pk for p in imported} == positions
    same = tuple(getattr(instance, name) for name in _COMPARED) == values
    return UNCHANGED if same and same_positions else CHANGED


def template(organisation: Organisation) -> bytes:
    """An .xlsx to fill in: row 1 the column headings, then the agency's catalogue as
    stored (an empty catalogue gives the headings alone)."""
    products = WorkProduct.objects.filter(organisation=organisation).order_by("code")
    dataset = WorkProductResource().export(queryset=products)
    if not len(dataset):
        dataset = tablib.Dataset(headers=list(COLUMNS.values()))
    return dataset.export("xlsx")

"""Spreadsheet (xlsx, csv) import and export of the agency's work-product catalogue.

Columns (row 1 of the file): ma_co_quan, ma_san_pham, ten_san_pham, don_vi_tinh,
dinh_muc; optionally tinh_theo ("Điểm" or "Giờ", blank: Điểm), he_so_quy_doi (blank: 1),
ma_vi_tri_viec_lam (job position codes separated by commas), ho_so_mot_cua and dang_dung
("Có"/"Không"; blank: Không and Có). A row whose agency and product code exist updates
that product, otherwise it adds one. Numbers may be written "1,5" or "1.5".

The import is all or nothing: one bad row and nothing is saved. Every error names the
file's row (the header is row 1) and the column. Rows are written through
`services.work_product_create` / `work_product_update`, so an HR officer writes only into
the agencies they manage and every change has its history row.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from . import services
from .models import JobPosition, NormBasis, Organisation, WorkProduct
from .spreadsheets import neutralise, parse_decimal
from .spreadsheets import text as _text

COLUMNS = {
    "organisation": "ma_co_quan",
    "code": "ma_san_pham",
    "name": "ten_san_pham",
    "unit_of_measure": "don_vi_tinh",
    "norm": "dinh_muc",
    "norm_basis": "tinh_theo",
    "coefficient": "he_so_quy_doi",
    "job_positions": "ma_vi_tri_viec_lam",
    "is_dossier_processing": "ho_so_mot_cua",
    "active": "dang_dung",
}
REQUIRED = ("organisation", "code", "name", "unit_of_measure", "norm")
YES = {"có", "co", "x", "1", "yes", "true", "y"}
NO = {"không", "khong", "0", "no", "false", "n"}


def blank(value) -> bool:
    """Is a spreadsheet cell empty (None, or only spaces)?"""
    return value is None or str(value).strip() == ""


class TextWidget(widgets.Widget):
    """A text cell, stripped; a blank one is refused when `required`."""

    def __init__(self, required: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if self.required and not text:
            raise ValueError(_("ô trống; ô này bắt buộc."))
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class NumberWidget(widgets.Widget):
    """A decimal number ("1,5" or "1.5"); a blank cell is `default`, or refused without one."""

    def __init__(self, default: Decimal | None = None, **kwargs):
        super().__init__(**kwargs)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            if self.default is None:
                raise ValueError(_("ô trống; nhập một số lớn hơn 0, ví dụ 1,5."))
            return self.default
        try:
            return parse_decimal(value)
        except ValueError:
            raise ValueError(
                _("“%(value)s” không phải số; nhập một số lớn hơn 0, ví dụ 1,5.") % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return format(value.normalize(), "f")


class NormBasisWidget(widgets.Widget):
    """“Điểm” or “Giờ” (or their English labels, or the stored value); blank is Điểm."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value).casefold()
        if not text:
            return NormBasis.POINTS
        for choice in NormBasis:
            names = {choice.value}
            for language in ("vi", "en"):
                with translation.override(language):
                    names.add(str(choice.label).casefold())
            if text in names:
                return choice.value
        raise ValueError(
            _("“%(value)s” không hợp lệ; nhập “%(points)s” hoặc “%(hours)s”.")
            % {"value": value, "points": NormBasis.POINTS.label, "hours": NormBasis.HOURS.label}
        )

    def render(self, value, obj=None, **kwargs):
        return str(NormBasis(value).label) if value else ""


class YesNoWidget(widgets.Widget):
    """“Có” or “Không” (also x/1/yes, 0/no); a blank cell is `default`."""

    def __init__(self, default: bool, **kwargs):
        super().__init__(**kwargs)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).casefold()
        if not text:
            return self.default
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("“%(value)s” không hợp lệ; nhập “Có” hoặc “Không”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return _("Có") if value else _("Không")


class OrganisationWidget(widgets.Widget):
    """An agency by its code."""

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            raise ValueError(_("ô trống; nhập mã cơ quan."))
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise ValueError(_("không có cơ quan mã “%(code)s”.") % {"code": code})
        return organisation

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.code


def job_positions_from(cell, organisation: Organisation) -> list[JobPosition]:
    """The agency's job positions named by a cell of codes separated by commas or semicolons;
    raise ValueError naming any unknown code."""
    codes = [code for code in (c.strip() for c in re.split(r"[,;\n]", _text(cell))) if code]
    found = {
        p.code: p for p in JobPosition.objects.filter(organisation=organisation, code__in=codes)
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValueError(
            _("không có vị trí việc làm mã %(codes)s trong cơ quan mã “%(organisation)s”.")
            % {
                "codes": ", ".join(f"“{code}”" for code in unknown),
                "organisation": organisation.code,
            }
        )
    return list(dict.fromkeys(found[code] for code in codes))


class FormulaSafeExportMixin:
    """For an export resource: every exported cell goes through `neutralise`."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


@dataclass(frozen=True)
class Problem:
    """One refused cell: the file's row (the header is row 1), the column's heading, the
    value found and what is wrong or expected."""

    row: int
    column: str
    value: str
    message: str


class RowErrorsMixin:
    """For an import resource: a check that the header row has the required columns, and
    errors that name the file's row and column.

    Subclasses set `columns` (attribute → column heading), `required` (attributes whose
    column must be present) and `fallback` (the attribute an error that names no column
    is shown under).
    """

    columns: dict[str, str]
    required: tuple[str, ...]
    fallback: str

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._row_number = 0
        self._row = None
        self.problems: list[Problem] = []

    @property
    def file_row(self) -> int:
        """The current row as the spreadsheet numbers it (the header is row 1)."""
        return self._row_number + 1

    def _cell_error(self, attribute: str, message) -> str:
        column = self.columns.get(attribute, self.columns[self.fallback])
        value = self._row.get(column) if self._row is not None else None
        problem = Problem(self.file_row, column, "" if blank(value) else _text(value), str(message))
        if not any((p.row, p.column) == (problem.row, problem.column) for p in self.problems):
            self.problems.append(problem)  # a cell's first error says what is wrong with it
        return _("Dòng %(row)s, cột “%(column)s”: %(message)s") % {
            "row": problem.row,
            "column": column,
            "message": message,
        }

    def _located(self, error: ValidationError) -> dict[str, list[str]]:
        """`error`'s messages keyed by column attribute, each naming its row and column."""
        located: dict[str, list[str]] = {}
        for attribute, messages in error.message_dict.items():
            target = attribute if attribute in self.columns else self.fallback
            located.setdefault(target, []).extend(
                self._cell_error(target, message) for message in messages
            )
        return located

    def before_import(self, dataset, **kwargs):
        self.problems = []
        headings = [self.columns[name] for name in self.required]
        missing = [heading for heading in headings if heading not in dataset.headers]
        if missing:
            raise ValidationError(
                _("Tệp thiếu cột: %(columns)s. Dòng 1 phải có các cột: %(required)s.")
                % {"columns": ", ".join(missing), "required": ", ".join(headings)}
            )

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number") or 0
        self._row = row


class WorkProductResource(FormulaSafeExportMixin, RowErrorsMixin, resources.ModelResource):
    """One row per product of an agency's catalogue, keyed by (ma_co_quan, ma_san_pham)."""

    columns = COLUMNS
    required = REQUIRED
    fallback = "code"

    organisation = fields.Field(
        attribute="organisation", column_name=COLUMNS["organisation"], widget=OrganisationWidget()
    )
    code = fields.Field(attribute="code", column_name=COLUMNS["code"], widget=TextWidget())
    name = fields.Field(attribute="name", column_name=COLUMNS["name"], widget=TextWidget())
    unit_of_measure = fields.Field(
        attribute="unit_of_measure", column_name=COLUMNS["unit_of_measure"], widget=TextWidget()
    )
    norm = fields.Field(attribute="norm", column_name=COLUMNS["norm"], widget=NumberWidget())
    norm_basis = fields.Field(
        attribute="norm_basis", column_name=COLUMNS["norm_basis"], widget=NormBasisWidget()
    )
    coefficient = fields.Field(
        attribute="coefficient",
        column_name=COLUMNS["coefficient"],
        widget=NumberWidget(default=Decimal("1")),
    )
    job_positions = fields.Field(column_name=COLUMNS["job_positions"])
    is_dossier_processing = fields.Field(
        attribute="is_dossier_processing",
        column_name=COLUMNS["is_dossier_processing"],
        widget=YesNoWidget(default=False),
    )
    active = fields.Field(
        attribute="active", column_name=COLUMNS["active"], widget=YesNoWidget(default=True)
    )

    class Meta:
        model = WorkProduct
        fields = tuple(COLUMNS)
        export_order = tuple(COLUMNS)
        import_id_fields = ("organisation", "code")
        use_transactions = True

    def __init__(self, *, only_organisation: Organisation | None = None, **kwargs):
        """`only_organisation`: refuse rows of any other agency (the in-app import page)."""
        super().__init__(**kwargs)
        self._seen: dict[tuple[int, str], int] = {}
        self.only_organisation = only_organisation

    def import_data(self, dataset, **kwargs):
        """Import every row or none: any invalid row rolls the whole file back."""
        kwargs |= {"use_transactions": True, "rollback_on_validation_errors": True}
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        self._seen = {}
        super().before_import(dataset, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            organisation = self.fields["organisation"].clean(row)
            code = self.fields["code"].clean(row)
        except ValueError:
            return None  # reported with its row and column by import_instance
        return WorkProduct.objects.filter(organisation=organisation, code=code).first()

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        for field in self.get_import_fields():
            if field.attribute is None or field.column_name not in row:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = [self._cell_error(field.attribute, error)]
        only = self.only_organisation
        if "organisation" not in errors and only is not None and instance.organisation != only:
            errors["organisation"] = [
                self._cell_error(
                    "organisation",
                    _("chỉ nhập được danh mục của cơ quan mã “%(code)s”.") % {"code": only.code},
                )
            ]
        instance.imported_job_positions = None
        if "organisation" not in errors and COLUMNS["job_positions"] in row:
            try:
                instance.imported_job_positions = job_positions_from(
                    row[COLUMNS["job_positions"]], instance.organisation
                )
            except ValueError as error:
                errors["job_positions"] = [self._cell_error("job_positions", error)]
        if not errors.keys() & {"organisation", "code"}:
            key = (instance.organisation_id, instance.code)
            first = self._seen.setdefault(key, self._row_number + 1)
            if first != self._row_number + 1:
                errors["code"] = [
                    self._cell_error(
                        "code",
                        _("mã “%(code)s” đã có ở dòng %(row)s của tệp.")
                        % {"code": instance.code, "row": first},
                    )
                ]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            services.work_product_validate(instance, instance.imported_job_positions or ())
        except ValidationError as error:
            for name, messages in self._located(error).items():
                if name not in errors and not (name == "code" and "organisation" in errors):
                    errors[name] = messages
        if errors:
            raise ValidationError(errors)

    # --- writes through the services ----------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        by = kwargs.get("user")
        values = {name: getattr(instance, name) for name in services.WORK_PRODUCT_FIELDS}
        positions = instance.imported_job_positions
        try:
            if is_create:
                instance.pk = services.work_product_create(
                    organisation=instance.organisation,
                    job_positions=positions or (),
                    by=by,
                    **values,
                ).pk
            else:
                if positions is not None:
                    values["job_positions"] = positions
                stored = WorkProduct.objects.select_related("organisation").get(pk=instance.pk)
                services.work_product_update(product=stored, by=by, **values)
        except ValidationError as error:
            raise ValidationError(self._located(error)) from error
        except PermissionDenied as error:
            raise ValidationError(
                {
                    "organisation": self._cell_error(
                        "organisation",
                        _(
                            "bạn không quản lý cơ quan mã “%(code)s”, không nhập được vào "
                            "danh mục của cơ quan này."
                        )
                        % {"code": instance.organisation.code},
                    )
                }
            ) from error

    # --- export -------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organisation").prefetch_related("job_positions")

    def dehydrate_job_positions(self, product: WorkProduct) -> str:
        if product.pk is None:
            return ""
        return ", ".join(sorted(p.code for p in product.job_positions.all()))

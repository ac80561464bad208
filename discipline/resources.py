"""Spreadsheet import and export of units' monthly dossier counts (django-import-export).

Columns: ma_co_quan, ma_don_vi, nam, thang, dung_han, tre_han and, optionally,
ty_le_dung_han (a check: "92,5" and "92.5" both read as 92.5; it must agree with the
counts to the precision given). Every error names the file's row (the header is row 1)
and the column, and says what was expected. Rows are written through
`services.dossier_count_record`, so permissions and history are those of the service.
"""

from decimal import ROUND_HALF_UP

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from hrsystem.models import Unit
from hrsystem.resources import FormulaSafeExportMixin, RowErrorsMixin, blank
from hrsystem.spreadsheets import parse_decimal

from . import services
from .models import DossierMonthlyCount, percent

COLUMNS = {
    "organisation": "ma_co_quan",
    "unit": "ma_don_vi",
    "year": "nam",
    "month": "thang",
    "on_time": "dung_han",
    "late": "tre_han",
    "rate": "ty_le_dung_han",
}
REQUIRED = ("organisation", "unit", "year", "month", "on_time", "late")


class WholeNumberWidget(widgets.Widget):
    """A whole number in [low, high] (a spreadsheet's 12.0 is 12; 12.5, -1 or text are
    refused)."""

    def __init__(self, low: int = 0, high: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high = low, high

    def clean(self, value, row=None, **kwargs):
        expected = (
            _("một số nguyên từ %(low)s đến %(high)s") % {"low": self.low, "high": self.high}
            if self.high is not None
            else _("một số nguyên không âm, ví dụ 12")
        )
        if blank(value):
            raise ValueError(_("ô trống; nhập %(expected)s.") % {"expected": expected})
        try:
            number = parse_decimal(value)
        except ValueError:
            number = None
        if (
            number is None
            or number != number.to_integral_value()
            or number < self.low
            or (self.high is not None and number > self.high)
        ):
            raise ValueError(
                _("“%(value)s” không hợp lệ; nhập %(expected)s.")
                % {"value": value, "expected": expected}
            )
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class UnitCodeWidget(widgets.Widget):
    """A unit code, looked up in the agency named by the row's ma_co_quan."""

    def clean(self, value, row=None, **kwargs):
        organisation = str((row or {}).get(COLUMNS["organisation"]) or "").strip()
        code = "" if blank(value) else str(value).strip()
        if not code:
            raise ValueError(_("ô trống; nhập mã đơn vị."))
        unit = (
            Unit.objects.select_related("organisation")
            .filter(organisation__code=organisation, code=code)
            .first()
        )
        if unit is None:
            raise ValueError(
                _("không có đơn vị mã “%(code)s” trong cơ quan mã “%(organisation)s”.")
                % {"code": code, "organisation": organisation}
            )
        return unit

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.code


class DossierMonthlyCountResource(FormulaSafeExportMixin, RowErrorsMixin, resources.ModelResource):
    """One row per unit and month; a row for an existing unit-month corrects it."""

    columns = COLUMNS
    required = REQUIRED
    fallback = "unit"

    organisation = fields.Field(column_name=COLUMNS["organisation"], readonly=True)
    unit = fields.Field(attribute="unit", column_name=COLUMNS["unit"], widget=UnitCodeWidget())
    unit_name = fields.Field(column_name="ten_don_vi", readonly=True)
    year = fields.Field(
        attribute="year", column_name=COLUMNS["year"], widget=WholeNumberWidget(2000, 2100)
    )
    month = fields.Field(
        attribute="month", column_name=COLUMNS["month"], widget=WholeNumberWidget(1, 12)
    )
    on_time = fields.Field(
        attribute="on_time", column_name=COLUMNS["on_time"], widget=WholeNumberWidget()
    )
    late = fields.Field(attribute="late", column_name=COLUMNS["late"], widget=WholeNumberWidget())
    rate = fields.Field(column_name=COLUMNS["rate"], readonly=True)

    class Meta:
        model = DossierMonthlyCount
        fields = ("organisation", "unit", "unit_name", "year", "month", "on_time", "late", "rate")
        export_order = (
            "organisation",
            "unit",
            "unit_name",
            "year",
            "month",
            "on_time",
            "late",
            "rate",
        )
        import_id_fields = ("unit", "year", "month")
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def get_instance(self, instance_loader, row):
        try:
            unit = self.fields["unit"].clean(row)
            year = self.fields["year"].clean(row)
            month = self.fields["month"].clean(row)
        except ValueError:
            return None  # reported with its row and column by import_instance
        return DossierMonthlyCount.objects.filter(unit=unit, year=year, month=month).first()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            if field.readonly:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = [self._cell_error(field.attribute, error)]
        if instance.unit_id is not None:
            instance.organisation_id = instance.unit.organisation_id
        errors |= self._rate_errors(instance, row)
        if errors:
            raise ValidationError(errors)

    def _rate_errors(self, instance, row) -> dict:
        raw = row.get(COLUMNS["rate"])
        if blank(raw) or instance.on_time is None or instance.late is None:
            return {}
        try:
            given = parse_decimal(raw)
        except ValueError:
            return {
                "rate": [self._cell_error("rate", _("“%(value)s” không phải số.") % {"value": raw})]
            }
        computed = percent(instance.on_time, instance.on_time + instance.late)
        if computed is None or computed.quantize(given, ROUND_HALF_UP) != given:
            return {
                "rate": [
                    self._cell_error(
                        "rate",
                        _(
                            "tỷ lệ %(given)s%% không khớp với %(on_time)s đúng hạn trên "
                            "%(total)s hồ sơ (%(computed)s%%)."
                        )
                        % {
                            "given": raw,
                            "on_time": instance.on_time,
                            "total": instance.on_time + instance.late,
                            "computed": computed if computed is not None else "—",
                        },
                    )
                ]
            }
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = set(errors) | ({"organisation"} if "unit" in errors else set())
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            for name, messages in self._located(error).items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    # --- writes through the service -----------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        try:
            with transaction.atomic():
                saved = services.dossier_count_record(
                    unit=instance.unit,
                    year=instance.year,
                    month=instance.month,
                    on_time=instance.on_time,
                    late=instance.late,
                    by=kwargs.get("user"),
                )
        except ValidationError as error:
            raise ValidationError(self._located(error)) from error
        except PermissionDenied as error:
            raise ValidationError(
                {
                    "unit": self._cell_error(
                        "unit",
                        _("bạn không có quyền nhập số liệu hồ sơ của %(unit)s.")
                        % {"unit": instance.unit},
                    )
                }
            ) from error
        instance.pk = saved.pk

    # --- export -------------------------------------------------------------------------

    def get_queryset(self):
        return DossierMonthlyCount.objects.select_related("unit", "organisation")

    def dehydrate_organisation(self, row: DossierMonthlyCount) -> str:
        return row.organisation.code

    def dehydrate_unit_name(self, row: DossierMonthlyCount) -> str:
        return row.unit.name

    def dehydrate_rate(self, row: DossierMonthlyCount) -> str:
        rate = percent(row.on_time, row.on_time + row.late)
        return "" if rate is None else str(rate)

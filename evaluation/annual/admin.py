"""The year's inputs in the admin, for the agency's HR officer: every save goes through
`services` (rights, document, months checked; history with the reason typed), the
annual runs and results read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluation.annual import models, services
from evaluation.annual.services.inputs import EDITABLE, input_validate
from hrsystem.admin import ScopedAdmin
from hrsystem.models import Employee


class InputForm(forms.ModelForm):
    """An annual input with the reason for recording or changing it (kept in history)."""

    reason = forms.CharField(label=_("Lý do ghi nhận, sửa đổi"), widget=forms.Textarea)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        model = self._meta.model
        if self.instance.pk is None:
            subject = cleaned.get("unit" if model is models.CorruptionCase else "employee")
            organisation, year = cleaned.get("organisation"), cleaned.get("year")
        else:
            record = self.instance
            subject = record.unit if model is models.CorruptionCase else record.employee
            organisation, year = record.organisation, record.year
        fields = {name: cleaned.get(name) for name in EDITABLE[model] if name in cleaned}
        try:
            input_validate(
                model=model,
                by=self.request_user,
                organisation=organisation,
                year=year,
                subject=subject,
                fields=fields,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned


RECORD = {
    models.Initiative: services.initiative_record,
    models.MaternityLeave: services.maternity_record,
    models.DegradationConclusion: services.degradation_record,
    models.CorruptionCase: services.corruption_case_record,
}


class InputAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = InputForm
    list_filter = ("year", "organisation")
    readonly_fields = ("recorded_by", "recorded_at")

    def get_readonly_fields(self, request, obj=None):
        fixed = ("organisation", "year", "employee", "unit") if obj else ()
        present = {f.name for f in self.model._meta.get_fields()}
        return tuple(f for f in fixed if f in present) + self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Employee:
            kwargs["queryset"] = self._scope(
                Employee.objects.all(), request, "assignments__unit__organisation"
            ).distinct()
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in EDITABLE[self.model] if name in data}
        if change:
            services.annual_input_update(
                record=obj, by=request.user, reason=data["reason"], **fields
            )
            return
        subject = "unit" if self.model is models.CorruptionCase else "employee"
        created = RECORD[self.model](
            organisation=data["organisation"],
            year=data["year"],
            by=request.user,
            reason=data["reason"],
            **{subject: data[subject]},
            **fields,
        )
        obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(models.Initiative)
class InitiativeAdmin(InputAdmin):
    list_display = ("title", "employee", "year", "kind", "document_number", "document_date")
    search_fields = ("title", "employee__code", "employee__full_name", "document_number")


@admin.register(models.MaternityLeave)
class MaternityLeaveAdmin(InputAdmin):
    list_display = ("employee", "year", "kind", "months", "document_number")
    search_fields = ("employee__code", "employee__full_name", "document_number")


@admin.register(models.DegradationConclusion)
class DegradationConclusionAdmin(InputAdmin):
    list_display = ("employee", "year", "document_number", "document_date", "issuer")
    search_fields = ("employee__code", "employee__full_name", "document_number")


@admin.register(models.CorruptionCase)
class CorruptionCaseAdmin(InputAdmin):
    list_display = ("unit", "year", "kind", "document_number", "document_date")
    search_fields = ("unit__code", "unit__name", "document_number")


class ReadOnlyAdmin(ScopedAdmin):
    """Written by the roll-up only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.AnnualRun)
class AnnualRunAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "state", "computed_at", "by")
    list_filter = ("state", "year")


@admin.register(models.AnnualRecomputation)
class AnnualRecomputationAdmin(ReadOnlyAdmin):
    org_lookup = "run__organisation"
    list_display = ("run", "at", "by", "people", "removed")


@admin.register(models.AnnualResult)
class AnnualResultAdmin(ReadOnlyAdmin):
    list_display = ("employee", "year", "unit", "score", "level", "title")
    list_filter = ("year", "level", "title")
    search_fields = ("employee__code", "employee__full_name")


@admin.register(models.UnitAnnualResult)
class UnitAnnualResultAdmin(ReadOnlyAdmin):
    list_display = ("unit", "year", "rank", "score", "level", "on_time_rate", "title")
    list_filter = ("year", "level")

"""The HR officer's admin for the discipline ledger.

HR officers see the rows of the agencies they manage today (`can_manage_org`); superusers
see everything. Every write goes through `discipline.services`: a form is first checked by
running the service in a savepoint that is rolled back, so its errors land on the form's
fields, then the service runs for real. Recorded violations, dossiers and complaints are
read-only here (their pages record and decide them); history is shown for every audited
row.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from hrsystem import clock
from hrsystem.models import Employee, Organisation, Unit
from hrsystem.permissions import Perm, organisation_ids_for

from . import services
from .models import (
    Commitment,
    Complaint,
    DisciplineDecision,
    DisciplineForm,
    DisciplinePolicy,
    DossierMonthlyCount,
    DossierRecord,
    Inspection,
    SatisfactionSurvey,
    SuggestionBoxEntry,
    Violation,
    ViolationCatalogueItem,
)
from .resources import DossierMonthlyCountResource


def _managed(request) -> set[int] | None:
    """Agency ids the requester manages today (None: all, for superusers); cached."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_discipline_managed"):
        request._discipline_managed = organisation_ids_for(
            request.user, Perm.MANAGE_ORG, clock.today()
        )
    return request._discipline_managed


class _Rollback(Exception):
    """Raised to undo a service call made only to validate a form."""


def check_with_service(form: forms.BaseForm, call) -> None:
    """Run `call()` (a service call) in a savepoint that is always rolled back and attach
    its ValidationError to the form's fields (or the form) and a refusal to the form."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    except PermissionDenied as error:
        form.add_error(None, str(error))


class ServiceForm(forms.ModelForm):
    """A model form validated by its service (`check_with_service` in `clean`), not by the
    bare model; `user` is set by the admin's `get_form`."""

    user = None

    def _post_clean(self):
        self.instance = construct_instance(
            self, self.instance, self._meta.fields, self._meta.exclude
        )


class ScopedAdmin(SimpleHistoryAdmin):
    """Rows of the requester's agencies (through `org_lookup`); read-only unless a subclass
    says how to write through a service."""

    org_lookup = "organisation"
    writable = False

    def _scope(self, queryset, request, lookup: str):
        managed = _managed(request)
        return queryset if managed is None else queryset.filter(**{f"{lookup}__in": managed})

    def get_queryset(self, request):
        return self._scope(super().get_queryset(request), request, self.org_lookup)

    def has_module_permission(self, request):
        managed = _managed(request)
        return request.user.is_active and (managed is None or bool(managed))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.writable and self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model is Organisation:
            kwargs["queryset"] = self._scope(Organisation.objects.all(), request, "pk")
        elif model is Unit:
            kwargs["queryset"] = self._scope(Unit.objects.all(), request, "organisation")
        elif model is Employee:
            kwargs["queryset"] = self._scope(
                Employee.objects.all(), request, "assignments__unit__organisation"
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- reference data --------------------------------------------------------------------


@admin.register(DisciplineForm)
class DisciplineFormAdmin(admin.ModelAdmin):
    """Shipped data; only a superuser changes it."""

    list_display = ("severity", "code", "name", "leaders_only")
    ordering = ("severity",)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


class PolicyForm(ServiceForm):
    class Meta:
        model = DisciplinePolicy
        fields = ("organisation", "contest_days", "internal_affairs_unit")

    def clean(self):
        data = super().clean()
        if not self.errors:
            values = {
                **data,
                "organisation": data.get("organisation") or self.instance.organisation,
            }
            check_with_service(self, lambda: services.discipline_policy_set(**values, by=self.user))
        return data


@admin.register(DisciplinePolicy)
class DisciplinePolicyAdmin(ScopedAdmin):
    form = PolicyForm
    writable = True
    list_display = ("organisation", "contest_days", "internal_affairs_unit")

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = {**form.cleaned_data, "organisation": obj.organisation}
        obj.pk = services.discipline_policy_set(**data, by=request.user).pk


class CatalogueItemForm(ServiceForm):
    class Meta:
        model = ViolationCatalogueItem
        fields = (
            "organisation",
            "code",
            "description",
            "legal_basis",
            "default_points",
            "criterion_code",
            "criterion_name",
            "cap_level",
            "applies_to",
            "serious",
            "office_culture",
            "checklist",
            "evidence_required",
            "effective_from",
            "effective_to",
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {name: data.get(name) for name in services.CATALOGUE_FIELDS}
        if self.instance.pk is None:
            check_with_service(
                self,
                lambda: services.catalogue_item_create(
                    organisation=data.get("organisation"),
                    code=data["code"],
                    effective_from=data["effective_from"],
                    by=self.user,
                    **values,
                ),
            )
        else:
            changed = {name: values[name] for name in self.changed_data if name in values}
            check_with_service(
                self,
                lambda: services.catalogue_item_revise(
                    item=self.instance,
                    effective_from=data["effective_from"],
                    by=self.user,
                    **changed,
                ),
            )
        return data


@admin.register(ViolationCatalogueItem)
class ViolationCatalogueItemAdmin(ScopedAdmin):
    """Editing an item no violation uses changes it; editing a used one saves a new
    version from the date entered in "áp dụng từ ngày" and ends the old one the day before."""

    form = CatalogueItemForm
    writable = True
    list_display = (
        "code",
        "version",
        "description",
        "default_points",
        "criterion_name",
        "cap_level",
        "applies_to",
        "organisation",
        "effective_from",
        "effective_to",
    )
    list_filter = ("applies_to", "cap_level", "office_culture", "serious")
    search_fields = ("code", "description", "legal_basis")

    def get_queryset(self, request):
        queryset = ViolationCatalogueItem.objects.select_related("organisation")
        managed = _managed(request)
        if managed is None:
            return queryset
        return queryset.filter(organisation__in=managed) | queryset.filter(
            organisation__isnull=True
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.organisation_id is None:
            return request.user.is_superuser
        return self.has_module_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return ("organisation", "code") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data.get(name) for name in services.CATALOGUE_FIELDS}
        if not change:
            saved = services.catalogue_item_create(
                organisation=data.get("organisation"),
                code=data["code"],
                effective_from=data["effective_from"],
                by=request.user,
                **values,
            )
        else:
            original = ViolationCatalogueItem.objects.get(pk=obj.pk)
            changed = {name: values[name] for name in form.changed_data if name in values}
            saved = services.catalogue_item_revise(
                item=original, effective_from=data["effective_from"], by=request.user, **changed
            )
        obj.pk = saved.pk


# --- inspections and violations --------------------------------------------------------


class FindingInline(admin.TabularInline):
    model = Violation
    fk_name = "inspection"
    extra = 0
    fields = ("occurred_on", "employee", "target_unit", "item", "points", "status", "evidence")
    readonly_fields = fields
    can_delete = False
    verbose_name = _("phát hiện")
    verbose_name_plural = _("phát hiện tại đợt kiểm tra")

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class InspectionForm(ServiceForm):
    class Meta:
        model = Inspection
        fields = (
            "organisation",
            "title",
            "kind",
            "planned_on",
            "plan_reference",
            "scope",
            "head",
            "members",
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            check_with_service(self, lambda: services.inspection_plan(**self.plan_values()))
        return data

    def plan_values(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "title": data["title"],
            "kind": data["kind"],
            "planned_on": data["planned_on"],
            "plan_reference": data.get("plan_reference") or "",
            "scope": data["scope"],
            "head": data["head"],
            "members": data.get("members") or [],
            "by": self.user,
        }


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    """Plans inspections; the team head starts and closes them on their pages."""

    writable = True
    inlines = [FindingInline]
    list_display = ("title", "kind", "planned_on", "head", "status", "organisation")
    list_filter = ("kind", "status")
    search_fields = ("title", "plan_reference", "head__full_name")
    date_hierarchy = "planned_on"

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InspectionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {"fields": ("organisation", "title", "kind", "planned_on", "plan_reference")},
                ),
                (_("Đoàn kiểm tra"), {"fields": ("scope", "head", "members")}),
            ]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        saved = services.inspection_plan(**form.plan_values())
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The service already saved the scope and the team."""


@admin.register(Violation)
class ViolationAdmin(ScopedAdmin):
    list_display = ("occurred_on", "employee", "target_unit", "item", "points", "status", "source")
    list_filter = ("status", "source", "cap_level")
    search_fields = ("employee__full_name", "employee__code", "item__code", "note")
    date_hierarchy = "occurred_on"
    list_select_related = ("employee", "target_unit", "item")


# --- discipline decisions --------------------------------------------------------------


class DecisionForm(ServiceForm):
    class Meta:
        model = DisciplineDecision
        fields = (
            "employee",
            "number",
            "decided_on",
            "signer_name",
            "signer_title",
            "form",
            "legal_basis",
            "effect_from",
            "effect_to",
            "public_duty",
            "violations",
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            check_with_service(self, lambda: services.discipline_decide(**self.decision_values()))
        return data

    def decision_values(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in self.Meta.fields} | {
            "violations": data.get("violations") or [],
            "by": self.user,
        }


@admin.register(DisciplineDecision)
class DisciplineDecisionAdmin(ScopedAdmin):
    """Decisions are entered once and never rewritten."""

    writable = True
    list_display = ("number", "decided_on", "employee", "form", "effect_from", "effect_to")
    list_filter = ("form", "public_duty")
    search_fields = ("number", "employee__full_name", "employee__code")
    date_hierarchy = "decided_on"
    filter_horizontal = ("violations",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DecisionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.pk = services.discipline_decide(**form.decision_values()).pk

    def save_related(self, request, form, formsets, change):
        """The service already linked the violations."""


# --- dossiers, complaints, surveys, commitments ----------------------------------------


@admin.register(DossierRecord)
class DossierRecordAdmin(ScopedAdmin):
    list_display = ("code", "unit", "officer", "received_on", "due_on", "settled_on", "status")
    list_filter = ("status", "excused")
    search_fields = ("code", "citizen_name", "officer__full_name")
    date_hierarchy = "due_on"
    list_select_related = ("unit", "officer")


class DossierCountForm(ServiceForm):
    class Meta:
        model = DossierMonthlyCount
        fields = ("unit", "year", "month", "on_time", "late")

    def clean(self):
        data = super().clean()
        if not self.errors:
            check_with_service(self, lambda: services.dossier_count_record(**data, by=self.user))
        return data


@admin.register(DossierMonthlyCount)
class DossierMonthlyCountAdmin(ImportExportMixin, ScopedAdmin):
    """Counts reported by units that keep no individual dossiers; import from a sheet."""

    resource_classes = [DossierMonthlyCountResource]
    form = DossierCountForm
    writable = True
    list_display = ("unit", "year", "month", "on_time", "late", "officer")
    list_select_related = ("unit", "officer")
    list_filter = ("year", "month")

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_import_permission(self, request):
        return request.user.has_perm("discipline.import_dossiermonthlycount")

    def has_export_permission(self, request):
        return request.user.has_perm("discipline.export_dossiermonthlycount")

    def save_model(self, request, obj, form, change):
        obj.pk = services.dossier_count_record(**form.cleaned_data, by=request.user).pk


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdmin):
    list_display = ("received_on", "channel", "employee", "target_unit", "outcome", "decided_on")
    list_filter = ("channel", "outcome")
    search_fields = ("content", "complainant", "employee__full_name")
    date_hierarchy = "received_on"


@admin.register(SuggestionBoxEntry)
class SuggestionBoxEntryAdmin(ScopedAdmin):
    list_display = ("opened_on", "unit", "content")
    date_hierarchy = "opened_on"


class SurveyForm(ServiceForm):
    class Meta:
        model = SatisfactionSurvey
        fields = ("unit", "year", "month", "period_label", "source", "respondents", "satisfied")

    def clean(self):
        data = super().clean()
        if not self.errors:
            check_with_service(self, lambda: services.survey_record(**data, by=self.user))
        return data


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ScopedAdmin):
    form = SurveyForm
    writable = True
    list_display = ("unit", "year", "month", "period_label", "source", "respondents", "pct")
    list_filter = ("source", "year")

    @admin.display(description=_("tỷ lệ hài lòng (%)"))
    def pct(self, survey: SatisfactionSurvey):
        return survey.satisfied_pct

    def save_model(self, request, obj, form, change):
        obj.pk = services.survey_record(**form.cleaned_data, by=request.user).pk


@admin.register(Commitment)
class CommitmentAdmin(ScopedAdmin):
    """Who has signed the year's commitments (filter on the signing date being empty)."""

    list_display = ("year", "level", "unit", "signer", "counterpart", "signed_on")
    list_filter = ("year", "level", ("signed_on", admin.EmptyFieldListFilter))
    search_fields = ("signer__full_name", "signer__code")
    list_select_related = ("unit", "signer", "counterpart")

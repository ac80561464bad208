"""The HR officer's admin for the organisation model.

Every save goes through `hrsystem.services` (forms validate with the same validators
first), so the admin cannot break the tree, overlap posts or rewrite history. HR officers
see and change only the agencies where `permissions.can_manage_org` holds today;
superusers see everything. Dated rows (assignments, posts, delegations, role grants) are
created here and afterwards only get an end date; history is read-only.
"""

from copy import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, ProtectedError, Q, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from . import clock, permissions, selectors, services
from .models import (
    Assignment,
    DeputyDelegation,
    Employee,
    JobPosition,
    Organisation,
    Post,
    QuotaGroup,
    RoleGrant,
    StandardTask,
    Unit,
    WorkProduct,
)
from .permissions import Perm
from .resources import WorkProductResource


def _managed(request) -> set[int] | None:
    """Agency ids the requester manages today (None: all, for superusers); cached per request."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_managed_organisations"):
        request._managed_organisations = permissions.organisation_ids_for(
            request.user, Perm.MANAGE_ORG, clock.today()
        )
    return request._managed_organisations


def _validate_into(form: forms.ModelForm, validate, candidate) -> None:
    """Run a service validator on `candidate`, attaching its errors to the form's fields."""
    try:
        validate(candidate)
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)


class ScopedAdmin(admin.ModelAdmin):
    """Rows limited to the requester's agencies through `org_lookup`; saves via services."""

    org_lookup = "organisation"
    scoped_foreign_keys = {
        Organisation: "pk",
        Unit: "organisation",
        JobPosition: "organisation",
        QuotaGroup: "organisation",
    }

    def _scope(self, queryset, request, lookup: str):
        managed = _managed(request)
        if managed is None:
            return queryset
        return queryset.filter(**{f"{lookup}__in": managed})

    def get_queryset(self, request):
        return self._scope(super().get_queryset(request), request, self.org_lookup)

    def _allowed(self, request, obj) -> bool:
        managed = _managed(request)
        if managed is None:
            return True
        if not managed:
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return request.user.is_active and (_managed(request) is None or bool(_managed(request)))

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request, None)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        lookup = self.scoped_foreign_keys.get(db_field.related_model)
        if lookup is not None:
            kwargs["queryset"] = self._scope(
                db_field.related_model._default_manager.all(), request, lookup
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline(admin.TabularInline):
    """An inline shown wherever its parent page is; the parent admin does the scoping."""

    extra = 0

    def _allowed(self, request) -> bool:
        managed = _managed(request)
        return managed is None or bool(managed)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class HistoryInline(ScopedInline):
    """Dated rows listed under a person, read-only; they are changed on their own pages."""

    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """A scoped admin whose history can be read but never reverted."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class DatedAdmin(ScopedHistoryAdmin):
    """Dated rows: created once, then only their end date changes; never deleted."""

    dated_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return tuple(name for name in self.dated_fields if name != "end")

    def has_delete_permission(self, request, obj=None):
        return False


# --- agencies and units ----------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    org_lookup = "pk"
    list_display = ("name", "code", "on_time_floor", "head_rights_cover_subunits")
    search_fields = ("name", "code")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            services.organisation_update(
                organisation=obj,
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        else:
            created = services.organisation_create(
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
            obj.pk = created.pk


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("organisation", "parent", "code", "name")

    def clean(self):
        cleaned = super().clean()
        candidate = copy(self.instance)
        for name in ("organisation", "parent", "code", "name"):
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        if candidate.organisation_id is not None:
            _validate_into(self, services.unit_validate, candidate)
        return cleaned


@admin.register(Unit)
class UnitAdmin(ScopedHistoryAdmin):
    form = UnitForm
    list_display = ("indented_name", "code", "parent", "organisation", "depth")
    list_filter = ("organisation", "depth")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    list_select_related = ("parent", "organisation")

    @admin.display(description=_("đơn vị"), ordering="path")
    def indented_name(self, unit):
        return f"{'— ' * unit.depth}{unit.name}"

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.unit_create(
                organisation=data["organisation"],
                code=data["code"],
                name=data["name"],
                parent=data.get("parent"),
                by=request.user,
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        stored = Unit.objects.get(pk=obj.pk)
        if "parent" in form.changed_data:
            stored = services.unit_move(unit=stored, parent=data.get("parent"), by=request.user)
        renamed = {name: data[name] for name in ("code", "name") if name in form.changed_data}
        if renamed:
            services.unit_update(unit=stored, by=request.user, **renamed)


# --- job positions and tasks -----------------------------------------------------------


class StandardTaskForm(forms.ModelForm):
    class Meta:
        model = StandardTask
        fields = ("name", "unit_of_measure", "coefficient", "default_planned", "cadence")

    def clean(self):
        cleaned = super().clean()
        candidate = copy(self.instance)
        for name, value in cleaned.items():
            if name in self.Meta.fields:
                setattr(candidate, name, value)
        if candidate.job_position_id is not None:
            _validate_into(self, services.standard_task_validate, candidate)
        return cleaned


class StandardTaskInline(ScopedInline):
    model = StandardTask
    form = StandardTaskForm
    extra = 1


@admin.register(JobPosition)
class JobPositionAdmin(ScopedAdmin):
    list_display = ("name", "code", "organisation", "task_count")
    list_filter = ("organisation",)
    search_fields = ("name", "code")
    inlines = [StandardTaskInline]

    @admin.display(description=_("số nhiệm vụ"))
    def task_count(self, position):
        return position.tasks.count()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tasks")

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("code", "name", "description")}
        if change:
            services.job_position_update(job_position=obj, by=request.user, **data)
        else:
            created = services.job_position_create(
                organisation=form.cleaned_data["organisation"], by=request.user, **data
            )
            obj.pk = created.pk

    def save_formset(self, request, form, formset, change):
        position = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for task_form in formset.forms:
            task = task_form.instance
            if task_form in formset.deleted_forms:
                if task.pk is not None and self._delete_task(request, task):
                    formset.deleted_objects.append(task)
                continue
            if not task_form.has_changed():
                continue
            fields = {name: task_form.cleaned_data[name] for name in StandardTaskForm.Meta.fields}
            if task.pk is None:
                created = services.standard_task_create(
                    job_position=position, by=request.user, **fields
                )
                formset.new_objects.append(created)
            else:
                changed = {name: fields[name] for name in task_form.changed_data}
                services.standard_task_update(task=task, by=request.user, **changed)
                formset.changed_objects.append((task, task_form.changed_data))

    def _delete_task(self, request, task) -> bool:
        try:
            task.delete()
        except ProtectedError:
            messages.error(
                request,
                gettext("Không xóa nhiệm vụ “%(task)s”: đã được dùng trong đánh giá.")
                % {"task": task},
            )
            return False
        return True


class WorkProductForm(forms.ModelForm):
    class Meta:
        model = WorkProduct
        fields = ("organisation", *sorted(services.WORK_PRODUCT_FIELDS), "job_positions")

    def clean(self):
        cleaned = super().clean()
        candidate = copy(self.instance)
        for name in ("organisation", *services.WORK_PRODUCT_FIELDS):
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        if candidate.organisation_id is not None:
            positions = cleaned.get("job_positions") or ()
            _validate_into(self, lambda p: services.work_product_validate(p, positions), candidate)
        return cleaned


@admin.register(WorkProduct)
class WorkProductAdmin(ImportExportMixin, ScopedHistoryAdmin):
    """The agency's catalogue of standard work products; retired with `active`, not deleted.

    Imported and exported as xlsx or csv (`resources.WorkProductResource`): an HR officer
    imports into the agencies they manage, all rows or none; the app's own page for it is
    `views.catalogue_import`.
    """

    form = WorkProductForm
    resource_classes = [WorkProductResource]
    import_template_name = "admin/hrsystem/workproduct/import.html"  # rows as the sheet numbers
    formats = [base_formats.XLSX, base_formats.CSV]
    to_encoding = "utf-8-sig"
    list_display = (
        "code",
        "name",
        "unit_of_measure",
        "norm",
        "norm_basis",
        "coefficient",
        "is_dossier_processing",
        "active",
    )
    list_filter = ("organisation", "active", "is_dossier_processing", "norm_basis")
    search_fields = ("code", "name")
    filter_horizontal = ("job_positions",)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj else ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is JobPosition:
            kwargs["queryset"] = self._scope(JobPosition.objects.all(), request, "organisation")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            stored = WorkProduct.objects.select_related("organisation").get(pk=obj.pk)
            changed = {name: data[name] for name in form.changed_data}
            services.work_product_update(product=stored, by=request.user, **changed)
        else:
            fields = {name: data[name] for name in form.fields}
            obj.pk = services.work_product_create(by=request.user, **fields).pk

    def save_related(self, request, form, formsets, change):
        """Job positions were saved by the service in `save_model`."""


@admin.register(QuotaGroup)
class QuotaGroupAdmin(ScopedAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            services.quota_group_update(group=obj, name=form.cleaned_data["name"], by=request.user)
        else:
            created = services.quota_group_create(
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                by=request.user,
            )
            obj.pk = created.pk


# --- people ----------------------------------------------------------------------------


class AssignmentInline(HistoryInline):
    model = Assignment
    fields = ("unit", "job_position", "start", "end")
    verbose_name_plural = _("quá trình công tác (chuyển công tác ở mục Quá trình công tác)")


class PostInline(HistoryInline):
    model = Post
    fields = ("unit", "kind", "start", "end")
    verbose_name_plural = _("chức vụ (bổ nhiệm, kết thúc ở mục Chức vụ)")


class EmployeeForm(forms.ModelForm):
    """Employee fields; on creation also where they start working (the first assignment)."""

    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("đơn vị"), required=False)
    job_position = forms.ModelChoiceField(
        JobPosition.objects.all(), label=_("vị trí việc làm"), required=False
    )
    start = forms.DateField(label=_("từ ngày"), required=False)

    class Meta:
        model = Employee
        fields = ("code", "full_name", "category", "email", "user", "quota_group", "is_active")

    placement_fields = ("unit", "job_position", "start")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.placement_fields:
            if self.instance.pk is not None:
                self.fields.pop(name, None)
            else:
                self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        candidate = copy(self.instance)
        for name in self.Meta.fields:
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        _validate_into(self, services.employee_validate, candidate)
        unit, position = cleaned.get("unit"), cleaned.get("job_position")
        if unit and position and position.organisation_id != unit.organisation_id:
            self.add_error("job_position", gettext("Vị trí việc làm thuộc cơ quan khác."))
        return cleaned


@admin.register(Employee)
class EmployeeAdmin(ScopedHistoryAdmin):
    form = EmployeeForm
    list_display = ("code", "full_name", "category", "current_unit", "user", "is_active")
    list_filter = ("category", "is_active", "quota_group")
    search_fields = ("code", "full_name", "search_name", "email")
    list_select_related = ("user",)
    inlines = [AssignmentInline, PostInline]

    def get_fields(self, request, obj=None):
        fields = list(EmployeeForm.Meta.fields)
        return fields if obj else [*fields[:-1], *EmployeeForm.placement_fields]

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def get_queryset(self, request):
        queryset = super(ScopedAdmin, self).get_queryset(request)
        managed = _managed(request)
        if managed is not None:
            in_scope = Assignment.objects.filter(
                employee=OuterRef("pk"), unit__organisation__in=managed
            )
            queryset = queryset.filter(
                Q(pk__in=in_scope.values("employee")) | Q(assignments__isnull=True)
            ).distinct()
        current = Assignment.objects.filter(
            selectors.active_on(clock.today()), employee=OuterRef("pk")
        )
        return queryset.annotate(current_unit_name=Subquery(current.values("unit__name")[:1]))

    @admin.display(description=_("đơn vị hiện tại"))
    def current_unit(self, employee):
        return employee.current_unit_name or "—"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changed = {name: data[name] for name in form.changed_data}
            services.employee_update(employee=obj, by=request.user, **changed)
            return
        fields = ("code", "full_name", "category", "email", "user", "quota_group")
        created = services.employee_create(
            unit=data["unit"],
            job_position=data["job_position"],
            start=data["start"],
            by=request.user,
            **{name: data[name] for name in fields},
        )
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:  # the inlines are read-only
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# --- dated rows ------------------------------------------------------------------------


class DatedForm(forms.ModelForm):
    """Validates a new dated row (or its new end) with the service validator `validate`."""

    validate = None

    def clean(self):
        cleaned = super().clean()
        candidate = copy(self.instance)
        for name, value in cleaned.items():
            setattr(candidate, name, value)
        if all(getattr(candidate, f"{name}_id", True) for name in self.required_links):
            _validate_into(self, type(self).validate, candidate)
        return cleaned

    required_links: tuple[str, ...] = ()

    def _get_validation_exclusions(self):
        """Leave constraints to `validate`: it reports overlaps on the right field, and
        a transfer's new row only fits once the service has ended the current one."""
        return {field.name for field in self.instance._meta.fields}


class AssignmentForm(DatedForm):
    """A new row is a transfer; on an open row, an end date records the person leaving."""

    required_links = ("employee", "unit", "job_position")

    class Meta:
        model = Assignment
        fields = ("employee", "unit", "job_position", "start", "end")

    @staticmethod
    def validate(assignment):
        if assignment.pk is None:
            services.employee_transfer_validate(assignment)
        elif assignment.end is not None and assignment.end < assignment.start:
            raise ValidationError(
                {"end": gettext("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")}
            )


@admin.register(Assignment)
class AssignmentAdmin(DatedAdmin):
    """New rows are transfers (`employee_transfer`); a new end date records leaving."""

    form = AssignmentForm
    org_lookup = "unit__organisation"
    dated_fields = ("employee", "unit", "job_position", "start", "end")
    list_display = ("employee", "unit", "job_position", "start", "end")
    list_filter = ("unit__organisation", "unit")
    search_fields = ("employee__code", "employee__search_name", "employee__full_name")
    autocomplete_fields = ("employee", "unit", "job_position")
    date_hierarchy = "start"
    list_select_related = ("employee", "unit", "job_position")

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.end is not None or obj.employee.user_id == request.user.pk):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            if obj.end is not None:
                services.employee_leave(employee=obj.employee, end=obj.end, by=request.user)
            return
        created = services.employee_transfer(
            employee=obj.employee,
            unit=obj.unit,
            job_position=obj.job_position,
            start=obj.start,
            by=request.user,
        )
        obj.pk = created.pk


class PostForm(DatedForm):
    validate = staticmethod(services.post_validate)
    required_links = ("employee", "unit")

    class Meta:
        model = Post
        fields = ("employee", "unit", "kind", "start", "end", "term_end")


@admin.register(Post)
class PostAdmin(DatedAdmin):
    form = PostForm
    org_lookup = "unit__organisation"
    dated_fields = ("employee", "unit", "kind", "start", "end")
    list_display = ("unit", "kind", "employee", "start", "end", "term_end")
    list_filter = ("kind", "unit__organisation", "unit")
    search_fields = ("employee__code", "employee__search_name", "unit__name")
    autocomplete_fields = ("employee", "unit")
    date_hierarchy = "start"
    list_select_related = ("employee", "unit")

    def save_model(self, request, obj, form, change):
        if change:
            if "term_end" in form.changed_data:
                services.post_term_set(post=obj, term_end=obj.term_end, by=request.user)
            services.post_end(post=obj, end=obj.end, by=request.user)
            return
        created = services.post_assign(
            employee=obj.employee,
            unit=obj.unit,
            kind=obj.kind,
            start=obj.start,
            end=obj.end,
            term_end=obj.term_end,
            by=request.user,
        )
        obj.pk = created.pk


class DelegationForm(DatedForm):
    validate = staticmethod(services.deputy_delegation_validate)
    required_links = ("deputy", "staff", "unit")

    class Meta:
        model = DeputyDelegation
        fields = ("unit", "deputy", "staff", "start", "end")


@admin.register(DeputyDelegation)
class DeputyDelegationAdmin(DatedAdmin):
    form = DelegationForm
    org_lookup = "unit__organisation"
    dated_fields = ("unit", "deputy", "staff", "start", "end")
    list_display = ("unit", "deputy", "staff", "start", "end")
    list_filter = ("unit__organisation", "unit")
    search_fields = ("deputy__search_name", "staff__search_name", "staff__code")
    autocomplete_fields = ("unit", "deputy", "staff")
    list_select_related = ("unit", "deputy", "staff")

    def save_model(self, request, obj, form, change):
        if change:
            services.deputy_delegation_end(delegation=obj, end=obj.end, by=request.user)
            return
        created = services.deputy_delegate(
            deputy=obj.deputy,
            staff=obj.staff,
            unit=obj.unit,
            start=obj.start,
            end=obj.end,
            by=request.user,
        )
        obj.pk = created.pk


class RoleGrantForm(DatedForm):
    validate = staticmethod(services.role_grant_validate)
    required_links = ("user", "organisation")

    class Meta:
        model = RoleGrant
        fields = ("user", "role", "organisation", "unit", "start", "end")


@admin.register(RoleGrant)
class RoleGrantAdmin(DatedAdmin):
    """Grants are ended (revoked) with an end date; deleting is for rows entered by mistake."""

    form = RoleGrantForm
    dated_fields = ("user", "role", "organisation", "unit", "start", "end")
    list_display = ("user", "role", "organisation", "unit", "start", "end")
    list_filter = ("role", "organisation")
    search_fields = ("user__username", "user__employee__search_name")
    autocomplete_fields = ("unit",)
    list_select_related = ("user", "organisation", "unit")

    def has_delete_permission(self, request, obj=None):
        return ScopedAdmin.has_delete_permission(self, request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.role_revoke(grant=obj, end=obj.end, by=request.user)
            return
        created = services.role_grant(
            role=obj.role,
            organisation=obj.organisation,
            user=obj.user,
            unit=obj.unit,
            start=obj.start,
            end=obj.end,
            by=request.user,
        )
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.role_grant_delete(grant=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for grant in queryset:
            services.role_grant_delete(grant=grant, by=request.user)

"""HR officers keep rule sets here: criteria inline, checked by the engine's own rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Max, Sum
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluation import models, services
from evaluation.paper import signing
from evaluation.rules import RuleSetError
from evaluation.rulesets import CRITERION_COLUMNS, rule_set_from_rows
from hrsystem import clock


def _number(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f")


def _field_label(name: str) -> str:
    """The Vietnamese label of the rule-set field a RuleSetError names."""
    if name == "general_criteria":
        return gettext("Tiêu chí chung")
    if name == "level_labels":
        return gettext("Tên các mức xếp loại")
    if name == "income_coefficients":
        return gettext("Hệ số thu nhập tăng thêm theo quý")
    try:
        return str(models.RuleSet._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


class CriteriaFormSet(BaseInlineFormSet):
    """Checks the rule set with its criteria as the engine will (`RuleSet.validate`)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            self.instance.clean_fields()
        except ValidationError:
            return
        criteria = [
            {name: form.cleaned_data[name] for name in CRITERION_COLUMNS}
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.instance.pk or form.has_changed())
        ]
        row = {f.attname: getattr(self.instance, f.attname) for f in models.RuleSet._meta.fields}
        try:
            rule_set_from_rows(row, criteria)
        except RuleSetError as error:
            name, _sep, detail = str(error).partition(": ")
            raise ValidationError(
                gettext("Bộ quy tắc không hợp lệ — %(field)s (%(name)s): %(detail)s")
                % {"field": _field_label(name.split("[")[0]), "name": name, "detail": detail}
            ) from error


class _LockedRuleSetInline(admin.TabularInline):
    """A rule set's child rows: editable until a period has used the rule set."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_delete_permission(request, obj)


class GeneralCriterionInline(_LockedRuleSetInline):
    model = models.GeneralCriterion
    formset = CriteriaFormSet
    fields = ("order", "group", "code", "name", "max_points")


class IncomeCoefficientInline(_LockedRuleSetInline):
    """The optional extra-income table by quarter level: no line, no table (default)."""

    model = models.IncomeCoefficient
    fields = ("level", "coefficient")
    verbose_name_plural = _("hệ số thu nhập tăng thêm theo quý (để trống nếu không áp dụng)")


@admin.register(models.RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    inlines = [GeneralCriterionInline, IncomeCoefficientInline]
    list_display = ("code", "version", "name", "effective_from", "cadence", "blocks", "is_locked")
    list_filter = ("code", "is_locked", "cadence")
    search_fields = ("code", "name")
    readonly_fields = ("is_locked", "blocks")
    actions = ["new_version"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("code", "version"),
                    "name",
                    "legal_basis",
                    ("effective_from", "cadence"),
                    "is_locked",
                    "blocks",
                )
            },
        ),
        (
            _("Khối điểm và ngưỡng xếp loại"),
            {
                "fields": (
                    ("general_max", "task_max"),
                    ("bonus_cap", "deduction_cap"),
                    ("threshold_top", "threshold_good", "threshold_complete"),
                    ("label_top", "label_good", "label_complete", "label_fail"),
                )
            },
        ),
        (
            _("Kết quả thực hiện nhiệm vụ"),
            {
                "fields": (
                    ("weight_quantity", "weight_quality", "weight_progress"),
                    ("quality_penalty_per_error", "progress_penalty_per_delay", "delay_unit"),
                    "leader_criteria_enabled",
                    ("weight_leader_d", "weight_leader_dd", "weight_leader_e"),
                    ("leader_full", "leader_reduced"),
                )
            },
        ),
        (
            _("Giới hạn, tỷ lệ và xếp loại năm"),
            {
                "fields": (
                    ("head_capped_by_unit", "unit_low_on_time_cap"),
                    ("monthly_quota_rate", "monthly_quota_outstanding_rate"),
                    ("annual_min_months", "annual_absence_cap_months", "annual_absence_cap_level"),
                    ("annual_quota_rate", "annual_quota_outstanding_rate"),
                    ("annual_quota_base_levels", "quota_rounding"),
                    "discipline_forms",
                    ("annual_cap_discipline_from", "collective_discipline_from"),
                )
            },
        ),
        (
            _("Thi đua"),
            {
                "fields": (
                    ("cstdcs_requires_top", "cstdcs_share_cap"),
                    ("collective_excellent_min_share", "collective_advanced_min_share"),
                )
            },
        ),
        (
            _("Thời hạn mặc định của kỳ đánh giá (số ngày sau khi kết thúc kỳ)"),
            {
                "fields": (
                    ("self_assessment_days", "head_scoring_days"),
                    ("unit_submission_days", "agency_signoff_days"),
                    ("appeal_window_days", "violation_contest_days"),
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_total=Sum("criteria__max_points"))

    @admin.display(description=_("Cơ cấu điểm"))
    def blocks(self, obj):
        """General block (and its criteria total when they differ) + task + bonus cap."""
        if obj.pk is None:
            return "—"
        total = getattr(obj, "criteria_total", None)
        general = _number(obj.general_max)
        if total != obj.general_max:
            general = gettext("%(block)s (tiêu chí cộng lại %(sum)s)") % {
                "block": general,
                "sum": _number(total or Decimal(0)),
            }
        text = gettext("chung %(general)s + nhiệm vụ %(task)s") % {
            "general": general,
            "task": _number(obj.task_max),
        }
        if obj.bonus_cap is not None:
            text += gettext(" + thưởng tối đa %(bonus)s") % {"bonus": _number(obj.bonus_cap)}
        return text

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description=_("Tạo phiên bản mới (áp dụng từ đầu tháng sau)"))
    def new_version(self, request, queryset):
        """Clone the one selected rule set; the HR officer then edits the copy."""
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Chọn đúng một bộ quy tắc để tạo phiên bản mới."), messages.ERROR
            )
            return None
        rule_set = queryset.get()
        latest = models.RuleSet.objects.filter(code=rule_set.code).aggregate(
            latest=Max("effective_from")
        )["latest"]
        start = max(clock.today(), latest)
        effective_from = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        try:
            clone = services.rule_set_new_version(
                rule_set=rule_set, effective_from=effective_from, by=request.user
            )
        except (PermissionDenied, ValidationError) as error:
            self.message_user(
                request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )
            return None
        self.message_user(
            request,
            gettext(
                "Đã tạo %(code)s phiên bản %(version)s, áp dụng từ %(date)s: kiểm tra và sửa "
                "trước khi kỳ đánh giá sử dụng."
            )
            % {
                "code": clone.code,
                "version": clone.version,
                "date": clone.effective_from.strftime("%d/%m/%Y"),
            },
            messages.SUCCESS,
        )
        return redirect("admin:evaluation_ruleset_change", clone.pk)


# --- the monthly cycle: read-only here, every change goes through evaluation.services ---


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shows rows and their history; the workflow's services are the only writers."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UnitPeriodInline(admin.TabularInline):
    model = models.UnitPeriod
    fields = ("unit", "state", "rated_count", "score", "level", "submitted_at", "approved_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "rule_set", "state", "sign_off_due", "locked_at")
    list_filter = ("state", "cadence", "year", "organisation")
    inlines = [UnitPeriodInline]


@admin.register(models.UnitPeriod)
class UnitPeriodAdmin(ReadOnlyAdmin):
    list_display = ("unit", "period", "state", "score", "level")
    list_filter = ("state", "period__organisation")
    search_fields = ("unit__name", "unit__code")


class CriterionScoreInline(admin.TabularInline):
    model = models.CriterionScore
    fields = ("criterion_index", "criterion_code", "proposed", "final", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False


class WorkItemInline(admin.TabularInline):
    model = models.WorkItem
    fields = (
        "name",
        "coefficient",
        "planned",
        "done",
        "major_errors",
        "late",
        "late_excused",
        "dossier_late",
        "ad_hoc",
        "source_system",
        "source_reference",
        "source_quantity",
        "source_received_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True  # the item's own history: who sent or changed it, and why


@admin.register(models.WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    """A work item and its history: the system and document a quantity came from, when it
    was received, and each later change with its author and reason (issue 14)."""

    list_display = (
        "name",
        "evaluation",
        "done",
        "source_system",
        "source_reference",
        "source_quantity",
        "source_received_at",
    )
    list_select_related = ("evaluation__employee", "evaluation__period")
    list_filter = ("source_system", "evaluation__period__organisation")
    search_fields = ("name", "source_reference", "evaluation__employee__code")


@admin.register(models.Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = (
        "employee",
        "period",
        "unit",
        "version",
        "is_current",
        "state",
        "total",
        "level",
    )
    list_filter = ("state", "is_current", "period__organisation", "period__year")
    search_fields = ("employee__search_name", "employee__code")
    inlines = [CriterionScoreInline, WorkItemInline]


@admin.register(models.Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "state", "filed_at", "decided_by", "decided_at")
    list_filter = ("state",)


@admin.register(models.PeriodReopening)
class PeriodReopeningAdmin(ReadOnlyAdmin):
    list_display = ("period", "by", "at", "reason")


@admin.register(models.Recomputation)
class RecomputationAdmin(admin.ModelAdmin):
    """The recompute's audit: one row per pass, naming who triggered it and what it
    changed (read-only; only `adapters.period_recompute` writes it)."""

    list_display = ("period", "at", "by", "people", "evaluations_changed", "units_changed")
    list_filter = ("period__organisation",)
    list_select_related = ("period", "by")

    @admin.display(description=_("phiếu thay đổi"))
    def evaluations_changed(self, obj):
        return len(obj.evaluation_ids)

    @admin.display(description=_("đơn vị thay đổi"))
    def units_changed(self, obj):
        return len(obj.unit_period_ids)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "title")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SigningCertificateForm(forms.ModelForm):
    """The administrator's upload: the PKCS#12 file and its passphrase, never shown again."""

    file = forms.FileField(label=_("Tệp PKCS#12 (.p12, .pfx)"))
    passphrase = forms.CharField(
        label=_("Mật khẩu của tệp"), widget=forms.PasswordInput, required=False, strip=False
    )

    class Meta:
        model = models.SigningCertificate
        fields = ["organisation", "name"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            cleaned["data"] = upload.read()
            try:
                signing.read_pkcs12(cleaned["data"], cleaned.get("passphrase") or "")
            except ValidationError as error:
                self.add_error("file", error.messages)
        return cleaned


class TrustedCertificateForm(forms.ModelForm):
    file = forms.FileField(label=_("Chứng thư (PEM hoặc DER)"))

    class Meta:
        model = models.TrustedCertificate
        fields = ["organisation", "name"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            cleaned["data"] = upload.read()
            try:
                signing.read_certificate(cleaned["data"])
            except ValidationError as error:
                self.add_error("file", error.messages)
        return cleaned


class UploadOnlyAdmin(admin.ModelAdmin):
    """Certificates are uploaded through the services and never edited afterwards; the
    page shows what was read from the certificate, never its bytes or key."""

    upload_fields = ["organisation", "name", "file"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.upload_fields
        return ["organisation", "name", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)


@admin.register(models.SigningCertificate)
class SigningCertificateAdmin(UploadOnlyAdmin):
    form = SigningCertificateForm
    upload_fields = ["organisation", "name", "file", "passphrase"]
    list_display = ["name", "organisation", "subject", "valid_from", "valid_until", "is_active"]
    list_filter = ["organisation", "is_active"]
    readonly_fields = [
        "subject",
        "issuer",
        "serial_number",
        "fingerprint",
        "valid_from",
        "valid_until",
        "is_active",
        "uploaded_by",
        "uploaded_at",
    ]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = services.signing_certificate_upload(
            organisation=data["organisation"],
            name=data["name"],
            data=data["data"],
            passphrase=data.get("passphrase") or "",
            by=request.user,
        ).pk


@admin.register(models.TrustedCertificate)
class TrustedCertificateAdmin(UploadOnlyAdmin):
    form = TrustedCertificateForm
    list_display = ["name", "organisation", "subject", "valid_until"]
    readonly_fields = ["subject", "valid_until"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = services.trusted_certificate_add(
            organisation=data["organisation"], name=data["name"], data=data["data"], by=request.user
        ).pk


@admin.register(models.IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """The archive of issued and signed forms: read only (the PDFs are on the overview)."""

    list_display = [
        "document_id",
        "organisation",
        "period",
        "unit",
        "year",
        "issued_at",
        "signed_at",
        "signer",
    ]
    list_filter = ["organisation", "signed_externally"]
    fields = [
        "document_id",
        "organisation",
        "period",
        "unit",
        "year",
        "sha256",
        "size",
        "issued_by",
        "issued_at",
        "signed_sha256",
        "signer",
        "signed_externally",
        "signed_by",
        "signed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

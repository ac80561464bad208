"""The HR officer registers client systems, issues and revokes their tokens, reads the call
log; every write goes through `hrsystem.api.services`, and a token's text is shown once."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrsystem.admin import ScopedAdmin

from . import services
from .models import (
    ApiCall,
    ApiClient,
    ApiToken,
    Event,
    Scope,
    WebhookDelivery,
    WebhookSubscription,
)


class CreateOnlyScopedAdmin(ScopedAdmin):
    """Rows added here are never edited nor deleted: once saved, every field is read-only."""

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("phạm vi quyền"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_at = forms.DateTimeField(
        label=_("khoá hết hạn lúc"), required=False, help_text=_("Để trống: không hết hạn.")
    )

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "scopes"]


def _show_once(request, client: ApiClient, text: str) -> None:
    messages.warning(
        request,
        gettext("Khoá truy cập của %(client)s (chỉ hiện một lần, hãy lưu lại ngay): %(token)s")
        % {"client": client.name, "token": text},
    )


@admin.register(ApiClient)
class ApiClientAdmin(CreateOnlyScopedAdmin):
    form = ApiClientForm
    list_display = ("name", "organisation", "scope_list", "created_at")
    list_filter = ("organisation",)
    actions = ["issue_token"]

    @admin.display(description=_("phạm vi quyền"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "organisation", "scopes", "expires_at"]
        return ["name", "organisation", "scope_list", "account", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        client, text = services.api_client_register(
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
            by=request.user,
        )
        obj.pk = client.pk
        _show_once(request, client, text)

    @admin.action(description=_("Cấp khoá truy cập mới"))
    def issue_token(self, request, queryset):
        for client in queryset:
            _token, text = services.api_token_issue(client=client, by=request.user)
            _show_once(request, client, text)


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyScopedAdmin):
    org_lookup = "client__organisation"
    list_display = ("__str__", "client", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("client__organisation",)
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(client__isnull=False)

    @admin.action(description=_("Thu hồi khoá đã chọn"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token, by=request.user)
        messages.success(request, gettext("Đã thu hồi %(n)s khoá.") % {"n": len(queryset)})


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyScopedAdmin):
    org_lookup = "client__organisation"
    list_display = ("at", "client", "user", "method", "path", "status", "rows")
    list_filter = ("client", "status", "method")
    date_hierarchy = "at"


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("địa chỉ nhận"), assume_scheme="https", max_length=500)
    events = forms.MultipleChoiceField(
        label=_("sự kiện"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["client"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(CreateOnlyScopedAdmin):
    form = WebhookSubscriptionForm
    org_lookup = "client__organisation"
    scoped_foreign_keys = {**ScopedAdmin.scoped_foreign_keys, ApiClient: "organisation"}
    list_display = ("url", "client", "event_list", "active", "created_at")
    list_filter = ("active", "client__organisation")
    actions = ["deactivate"]

    @admin.display(description=_("sự kiện"))
    def event_list(self, obj):
        return ", ".join(obj.events)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "url", "events"]
        return ["client", "url", "event_list", "active", "created_at"]

    def save_model(self, request, obj, form, change):
        subscription, secret = services.webhook_subscribe(
            client=form.cleaned_data["client"],
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            by=request.user,
        )
        obj.pk = subscription.pk
        messages.warning(
            request,
            gettext("Khoá ký sự kiện (chỉ hiện một lần, hãy lưu lại ngay): %(secret)s")
            % {"secret": secret},
        )

    @admin.action(description=_("Ngừng gửi sự kiện"))
    def deactivate(self, request, queryset):
        for subscription in queryset.select_related("client__organisation"):
            services.webhook_deactivate(subscription=subscription, by=request.user)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyScopedAdmin):
    org_lookup = "subscription__client__organisation"
    list_display = ("created_at", "event", "subscription", "state", "attempts", "last_status")
    list_filter = ("state", "event")
    readonly_fields = ("body",)

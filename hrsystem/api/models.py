"""Who calls the API (client systems, personal tokens), what they called, what they sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Scope(models.TextChoices):
    """What a client system's token may do; a person's token acts with the person's rights."""

    UNITS_READ = "units:read", _("Đọc đơn vị")
    PEOPLE_READ = "people:read", _("Đọc cán bộ")
    PERIODS_READ = "periods:read", _("Đọc kỳ đánh giá")
    RESULTS_READ = "results:read", _("Đọc kết quả đánh giá")
    WORK_ITEMS_WRITE = "work-items:write", _("Gửi khối lượng công việc")
    VIOLATIONS_READ = "violations:read", _("Đọc vi phạm và quyết định kỷ luật")
    DOSSIERS_WRITE = "dossiers:write", _("Gửi hồ sơ một cửa")
    PEOPLE_WRITE = "people:write", _("Cập nhật đơn vị, cán bộ, chức vụ")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Quản lý đăng ký nhận sự kiện")


class ApiClient(models.Model):
    """A system of one agency (document management, one-stop portal, HR) that calls the API.

    It acts through its own account (`account`, no password), which the audit trail names
    as the author of what it writes.
    """

    name = models.CharField(_("tên hệ thống"), max_length=120)
    organisation = models.ForeignKey(
        "hrsystem.Organisation",
        models.PROTECT,
        related_name="api_clients",
        verbose_name=_("cơ quan"),
    )
    scopes = models.JSONField(_("phạm vi quyền"), default=list)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="api_client",
        verbose_name=_("tài khoản hệ thống"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("người đăng ký"),
    )
    created_at = models.DateTimeField(_("đăng ký lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("hệ thống kết nối")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="api_client_name_unique",
                violation_error_message=_("Cơ quan đã có hệ thống kết nối cùng tên."),
            )
        ]

    def __str__(self):
        return self.name

    def holds(self, scope: str) -> bool:
        return scope in self.scopes


class ApiToken(models.Model):
    """A bearer token `hrs_<prefix>_<secret>`: only the prefix and the secret's SHA-256 are
    kept; the whole token is shown once. A client's token acts for the client; a personal
    token (no client) acts with its user's rights, as in the pages."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("tài khoản"),
    )
    client = models.ForeignKey(
        ApiClient,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="tokens",
        verbose_name=_("hệ thống kết nối"),
    )
    prefix = models.CharField(_("tiền tố"), max_length=16, unique=True)
    secret_hash = models.CharField(_("băm của khoá"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng gần nhất lúc"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("khoá truy cập API")
        verbose_name_plural = _("khoá truy cập API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"hrs_{self.prefix}_…"

    def usable_at(self, moment) -> bool:
        return self.revoked_at is None and (self.expires_at is None or moment < self.expires_at)


class ApiCall(models.Model):
    """One call to the API: who, what, the answer's status and how many rows it carried."""

    token = models.ForeignKey(
        ApiToken, models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        ApiClient, models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    method = models.CharField(_("phương thức"), max_length=8)
    path = models.CharField(_("đường dẫn"), max_length=500)
    status = models.PositiveSmallIntegerField(_("mã trả về"))
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("lượt gọi API")
        verbose_name_plural = _("nhật ký gọi API")
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"], name="api_call_client_at")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"


class IdempotentRequest(models.Model):
    """A write sent with an `Idempotency-Key`: a repeat of the same key by the same caller
    gets the stored answer and changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(_("khoá chống lặp"), max_length=200)
    path = models.CharField(_("đường dẫn"), max_length=500)
    body_hash = models.CharField(_("băm nội dung"), max_length=64)
    status = models.PositiveSmallIntegerField(_("mã trả về"))
    response = models.JSONField(_("nội dung trả về"))
    at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("yêu cầu ghi có khoá chống lặp")
        verbose_name_plural = _("yêu cầu ghi có khoá chống lặp")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_unique")
        ]

    def __str__(self):
        return self.key


class Event(models.TextChoices):
    """What a client system may subscribe to."""

    PERIOD_PUBLISHED = "period.published", _("Kỳ đánh giá được công bố")
    RESULT_PUBLISHED = "result.published", _("Kết quả được công bố hoặc sửa sau kiến nghị")
    VIOLATION_RECORDED = "violation.recorded", _("Vi phạm được ghi nhận")


class WebhookSubscription(models.Model):
    """A client system's URL that receives the events it chose, signed with `secret`
    (HMAC-SHA256 of the body, header `X-Hrs-Signature: sha256=<hex>`)."""

    client = models.ForeignKey(
        ApiClient, models.CASCADE, related_name="subscriptions", verbose_name=_("hệ thống kết nối")
    )
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    events = models.JSONField(_("sự kiện"), default=list)
    secret = models.CharField(_("khoá ký"), max_length=64, editable=False)
    active = models.BooleanField(_("đang nhận"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("đăng ký nhận sự kiện")
        verbose_name_plural = _("đăng ký nhận sự kiện")
        ordering = ["client", "url"]

    def __str__(self):
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class WebhookDelivery(models.Model):
    """One event to one subscription: the body sent, each attempt's outcome (the delivery log)."""

    subscription = models.ForeignKey(WebhookSubscription, models.CASCADE, related_name="deliveries")
    event = models.CharField(_("sự kiện"), max_length=40, choices=Event.choices)
    body = models.TextField(_("nội dung gửi"))
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_status = models.PositiveSmallIntegerField(_("mã trả về gần nhất"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    delivered_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gửi sự kiện")
        verbose_name_plural = _("nhật ký gửi sự kiện")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event} → {self.subscription}"

"""Every write to the API's own records: clients, tokens, the call log, stored answers.

Keyword-only and atomic like the other services; `by` is checked inside and recorded as
the history user. A token's text is returned once and never stored.
"""

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrsystem import clock, permissions
from hrsystem.models import Organisation
from hrsystem.service_checks import raise_if, require, save

from . import tokens
from .models import (
    ApiCall,
    ApiClient,
    ApiToken,
    Event,
    IdempotentRequest,
    Scope,
    WebhookSubscription,
)


def _scopes_errors(scopes) -> dict[str, str]:
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if not scopes:
        return {"scopes": _("Chọn ít nhất một phạm vi quyền.")}
    if unknown:
        return {"scopes": _("Phạm vi quyền không có: %(names)s.") % {"names": ", ".join(unknown)}}
    return {}


def _issue(user, client: ApiClient | None, expires_at: datetime | None, by) -> tuple[ApiToken, str]:
    text, prefix, secret_hash = tokens.new_token()
    token = ApiToken(
        user=user,
        client=client,
        prefix=prefix,
        secret_hash=secret_hash,
        created_at=clock.now(),
        expires_at=expires_at,
    )
    save(token, by)
    return token, text


@transaction.atomic
def api_client_register(
    *,
    organisation: Organisation,
    name: str,
    scopes: list[str],
    by,
    expires_at: datetime | None = None,
) -> tuple[ApiClient, str]:
    """Register a client system of `organisation` (HR of the agency only) and issue its first
    token: returns the client and the token's text, to show once."""
    require(permissions.can_manage_org(by, organisation))
    name = name.strip()
    errors = _scopes_errors(scopes)
    if not name:
        errors["name"] = _("Nhập tên hệ thống.")
    elif ApiClient.objects.filter(organisation=organisation, name=name).exists():
        errors["name"] = _("Cơ quan đã có hệ thống kết nối cùng tên.")
    raise_if(errors)
    account = get_user_model().objects.create_user(
        username=f"api-{organisation.code}-{tokens.new_token()[1]}"[:150]
    )
    client = ApiClient(
        name=name,
        organisation=organisation,
        scopes=sorted(set(scopes)),
        account=account,
        created_by=by,
        created_at=clock.now(),
    )
    save(client, by)
    _token, text = _issue(account, client, expires_at, by)
    return client, text


@transaction.atomic
def api_token_issue(
    *, by, client: ApiClient | None = None, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `client` (HR of its agency), else a personal token for `by` itself;
    returns the token and its text, to show once."""
    if client is not None:
        require(permissions.can_manage_org(by, client.organisation))
        return _issue(client.account, client, expires_at, by)
    require(by.is_authenticated and by.is_active and not hasattr(by, "api_client"))
    return _issue(by, None, expires_at, by)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke `token` from now on: its owner (a personal token) or HR of the client's agency."""
    token = (  # a personal token has no client: lock the token's row only (PostgreSQL
        # refuses FOR UPDATE on the nullable side of the outer join)
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("client__organisation")
        .get(pk=token.pk)
    )
    if token.client is not None:
        require(permissions.can_manage_org(by, token.client.organisation))
    elif token.user_id != by.pk:
        raise PermissionDenied(_("Chỉ người sở hữu khoá mới thu hồi được khoá cá nhân."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        save(token, by)
    return token


def api_call_log(*, token: ApiToken | None, user, method: str, path: str, status: int, rows: int):
    """Record one API call (the call log is the audit of reads; 1 insert)."""
    ApiCall.objects.create(
        token=token,
        user=user if user is not None and user.is_authenticated else None,
        client=token.client if token is not None else None,
        method=method,
        path=path[:500],
        status=status,
        rows=rows,
        at=clock.now(),
    )


def idempotent_store(*, user, key: str, path: str, body_hash: str, status: int, response):
    """Keep the answer to a write sent with `key`, so a repeat gets it unchanged."""
    return IdempotentRequest.objects.create(
        user=user,
        key=key,
        path=path[:500],
        body_hash=body_hash,
        status=status,
        response=response,
        at=clock.now(),
    )


MAX_SUBSCRIPTIONS = 20
"""Active subscriptions a client system may hold."""


def _may_manage_hooks(by, client: ApiClient) -> bool:
    """HR of the client's agency, or the client system itself holding `webhooks:manage`."""
    if by.pk == client.account_id:
        return client.holds(Scope.WEBHOOKS_MANAGE)
    return permissions.can_manage_org(by, client.organisation)


@transaction.atomic
def webhook_subscribe(
    *, client: ApiClient, url: str, events: list[str], by
) -> tuple[WebhookSubscription, str]:
    """Subscribe `client` to `events` at `url` (HR of its agency, or the client itself with
    `webhooks:manage`); returns the subscription and its signing secret, to show once."""
    require(_may_manage_hooks(by, client))
    errors = {}
    if not events or any(event not in Event.values for event in events):
        errors["events"] = _("Chọn sự kiện trong danh sách.")
    if client.subscriptions.filter(active=True).count() >= MAX_SUBSCRIPTIONS:
        errors["url"] = _("Mỗi hệ thống nhận sự kiện ở tối đa %(n)s địa chỉ.") % {
            "n": MAX_SUBSCRIPTIONS
        }
    subscription = WebhookSubscription(
        client=client,
        url=url.strip(),
        events=sorted(set(events)),
        secret=secrets.token_hex(32),
        created_at=clock.now(),
    )
    try:
        subscription.full_clean(exclude=["events"])
    except ValidationError as error:
        errors |= {field: messages[0] for field, messages in error.message_dict.items()}
    raise_if(errors)
    save(subscription, by)
    return subscription, subscription.secret


@transaction.atomic
def webhook_deactivate(*, subscription: WebhookSubscription, by) -> WebhookSubscription:
    """Stop sending events to `subscription` (HR of the client's agency, or the client
    itself with `webhooks:manage`)."""
    require(_may_manage_hooks(by, subscription.client))
    subscription.active = False
    save(subscription, by)
    return subscription

"""`Authorization: Bearer hrs_…`: a client system's or a person's token."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from hrsystem import clock

from . import tokens
from .models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    """Sets `request.user` to the token's account and `request.auth` to the token; a
    revoked, expired or unknown token is refused with 401. 2 queries (find, mark used)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        keyword, _sep, text = header.partition(" ")
        if keyword != self.keyword:
            return None
        parts = tokens.split(text.strip())
        if parts is None:
            raise exceptions.AuthenticationFailed(_("Khoá truy cập không đúng dạng hrs_…_…."))
        prefix, secret = parts
        token = (
            ApiToken.objects.select_related("user", "client", "client__organisation")
            .filter(prefix=prefix)
            .first()
        )
        now = clock.now()
        if token is None or not tokens.matches(secret, token.secret_hash):
            raise exceptions.AuthenticationFailed(_("Khoá truy cập không đúng."))
        if not token.usable_at(now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Khoá truy cập đã bị thu hồi hoặc hết hạn."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword

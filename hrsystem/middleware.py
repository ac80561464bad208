"""Request middleware of the project."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the person picked another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office
    PCs run an English browser; here only the language cookie set by `set_language` counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class HtmxLoginRedirectMiddleware:
    """An htmx request made after the session expired loads the login page in the whole
    window, coming back to the page the person was on, instead of swapping a login form
    into part of that page. Must come after django_htmx's HtmxMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.htmx or response.status_code != 302:
            return response
        if urlsplit(response["Location"]).path != resolve_url(settings.LOGIN_URL):
            return response
        back_to = request.htmx.current_url_abs_path or request.get_full_path()
        return HttpResponseClientRedirect(redirect_to_login(back_to).url)


def client_address(request) -> str | None:
    """The address of the person behind `request`, for login throttling: REMOTE_ADDR, or
    behind `settings.TRUSTED_PROXIES` reverse proxies the entry they appended last to
    X-Forwarded-For (entries further left are typed by the client and never trusted)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")

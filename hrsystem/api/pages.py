"""The person's own API tokens: list, create (shown once), revoke. 2 queries for the list."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def my_tokens(request):
    """GET lists the user's personal tokens; POST `create` issues one and shows its text
    once, POST `revoke` with `token` revokes one of their own (404 for anyone else's)."""
    created = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token_id = request.POST.get("token", "")
            token = get_object_or_404(
                ApiToken,
                pk=int(token_id) if token_id.isdigit() else 0,
                user=request.user,
                client=None,
            )
            services.api_token_revoke(token=token, by=request.user)
            return redirect("api:my_tokens")
        _token, created = services.api_token_issue(by=request.user)
    tokens = ApiToken.objects.filter(user=request.user, client=None).order_by("-created_at")
    return render(request, "api/my_tokens.html", {"tokens": tokens, "created": created})

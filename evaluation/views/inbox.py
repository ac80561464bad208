"""The home page's inbox: marking notifications read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import presenters, services
from hrsystem.forms import whole_number


@login_required
@require_POST
def notifications_read(request):
    """Mark the user's notifications read: the posted `id`s, or all of them without any.

    htmx gets the inbox back to swap in place; a plain POST returns to the home page.
    """
    ids = [whole_number(value) for value in request.POST.getlist("id")]
    if None in ids:
        return HttpResponseBadRequest(_("Mã thông báo không hợp lệ."))
    services.notifications_mark_read(user=request.user, ids=ids or None)
    if request.htmx:
        todos, notifications = presenters.inbox_for(request)
        return render(
            request,
            "evaluation/_inbox.html",
            {"todos": todos, "notifications": notifications},
        )
    return redirect("home")

"""Pages of the organisation part: home, org chart, unit page, staff directory."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The signed-in person's starting page: what they can open from here."""
    return render(request, "hrsystem/home.html")

"""`{% leads_a_unit as scorer %}`: whether the main navigation offers the scoring page."""

from django import template

from hrsystem import clock
from hrsystem.models import PostKind
from hrsystem.permissions import delegated_staff_ids, viewer
from hrsystem.selectors import LEADER_KINDS

register = template.Library()


@register.simple_tag(takes_context=True)
def leads_a_unit(context) -> bool:
    """True when the signed-in user scores someone today: a head or acting head of a
    unit, or a deputy with staff delegated to them. Reads the posts the header already
    loaded; 1 more query for a deputy only."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    posts = viewer(request).posts
    if any(post.kind in LEADER_KINDS for post in posts):
        return True
    if any(post.kind == PostKind.DEPUTY for post in posts):
        return bool(delegated_staff_ids(request.user, clock.today()))
    return False

"""`{% leads_a_unit as scorer %}`: whether the main navigation offers the scoring page."""

from django import template

from hrsystem.permissions import viewer
from hrsystem.selectors import LEADER_KINDS

register = template.Library()


@register.simple_tag(takes_context=True)
def leads_a_unit(context) -> bool:
    """True when the signed-in user heads a unit today, or acts as its head: the people
    who score their staff each period. Reads the posts the header already loaded."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return any(post.kind in LEADER_KINDS for post in viewer(request).posts)

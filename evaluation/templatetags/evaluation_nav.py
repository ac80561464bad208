"""What the main navigation offers: `{% leads_a_unit as scorer %}` the scoring page,
`{% reads_quarters %}` the quarter results, `{% prepares_income %}` the income list."""

from django import template

from hrsystem import clock
from hrsystem.models import PostKind, Role
from hrsystem.permissions import Perm, delegated_staff_ids, holds_role, roles_with, viewer
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


@register.simple_tag(takes_context=True)
def prepares_income(context) -> bool:
    """True when the main navigation offers the quarterly income list: the user holds an
    HR officer grant today (the grants the header already loaded; no query)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return holds_role(request, Role.HR_OFFICER)


@register.simple_tag(takes_context=True)
def reads_quarters(context) -> bool:
    """True when the main navigation offers the quarter results: the user holds a post
    today, or a role that views unit records (the posts and grants the header already
    loaded; no query)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    person = viewer(request)
    viewing = set(roles_with(Perm.VIEW_UNIT_RECORDS))
    return bool(person.posts) or any(grant.role in viewing for grant in person.grants)

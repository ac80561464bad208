"""Who is signed in, what they hold today and what they may open: shared by views and the header.

`viewer(request)` is computed once per request and cached on it, so the header and the
page's own scope checks cost the same few queries whatever the page.
"""

from functools import cached_property

from django.utils.translation import gettext as _

from . import clock
from .models import Assignment, Organisation, Post, PostKind, RoleGrant
from .permissions import Perm, roles_with, unit_ids_for
from .selectors import active_on


class Viewer:
    """The signed-in user as a person of the agency on today's date."""

    def __init__(self, user):
        self.user = user
        self.today = clock.today()

    @cached_property
    def assignment(self) -> Assignment | None:
        """Where the user's employee record works today (with employee, unit, agency); 1 query."""
        return (
            Assignment.objects.filter(active_on(self.today), employee__user=self.user.pk)
            .select_related("employee", "job_position", "unit", "unit__organisation")
            .first()
        )

    @cached_property
    def posts(self) -> list[Post]:
        """Leadership posts the user holds today, with their units; 1 query."""
        return list(
            Post.objects.filter(active_on(self.today), employee__user=self.user.pk)
            .select_related("unit", "unit__organisation")
            .order_by("unit__path", "kind")
        )

    @cached_property
    def grants(self) -> list[RoleGrant]:
        """Role grants in force today; 1 query."""
        return list(
            RoleGrant.objects.filter(active_on(self.today), user=self.user.pk).select_related(
                "organisation", "unit"
            )
        )

    @property
    def employee(self):
        return self.assignment.employee if self.assignment else None

    @property
    def unit(self):
        return self.assignment.unit if self.assignment else None

    @property
    def organisation(self) -> Organisation | None:
        """The agency the user works in today, else the first one they hold a post or role in."""
        if self.assignment:
            return self.assignment.unit.organisation
        if self.posts:
            return self.posts[0].unit.organisation
        if self.grants:
            return self.grants[0].organisation
        return None

    @cached_property
    def unit_ids(self) -> set[int]:
        """Units whose pages the user may open today: 1 or 2 queries.

        Their own unit, the units where they hold `view_unit_records` (leaders, deputies,
        inspectors, HR, board) and, for whoever manages the organisation, every unit of it.
        """
        ids = unit_ids_for(self.user, Perm.VIEW_UNIT_RECORDS, self.today)
        if self.unit is not None:
            ids.add(self.unit.pk)
        managers = set(roles_with(Perm.MANAGE_ORG))
        if self.user.is_superuser or any(grant.role in managers for grant in self.grants):
            ids |= unit_ids_for(self.user, Perm.MANAGE_ORG, self.today)
        return ids

    @cached_property
    def organisation_ids(self) -> set[int] | None:
        """Agencies whose org chart the user may open; None means every agency (superuser)."""
        if self.user.is_superuser:
            return None
        ids = {post.unit.organisation_id for post in self.posts}
        ids |= {grant.organisation_id for grant in self.grants}
        if self.unit is not None:
            ids.add(self.unit.organisation_id)
        return ids

    def may_see_organisation(self, organisation_id: int) -> bool:
        return self.organisation_ids is None or organisation_id in self.organisation_ids

    @property
    def display_name(self) -> str:
        """The employee's full name, else the account's name, family name first."""
        if self.employee is not None:
            return self.employee.full_name
        name = f"{self.user.last_name} {self.user.first_name}".strip()
        return name or self.user.get_username()

    @property
    def role_labels(self) -> list[str]:
        """What the user is today, in words: posts first, then roles, else their category."""
        labels = []
        for post in self.posts:
            if post.unit.parent_id is None:
                label = _("Lãnh đạo cơ quan")
                if post.kind == PostKind.ACTING:
                    label = _("Lãnh đạo cơ quan (quyền)")
            else:
                label = _("%(post)s %(unit)s") % {
                    "post": post.get_kind_display(),
                    "unit": post.unit.name,
                }
            labels.append(label)
        labels += [str(grant.get_role_display()) for grant in self.grants]
        if not labels and self.employee is not None:
            labels.append(str(self.employee.get_category_display()))
        if not labels and self.user.is_superuser:
            labels.append(_("Quản trị hệ thống"))
        return list(dict.fromkeys(labels))


def viewer(request) -> Viewer:
    """The request's Viewer, built on first use."""
    if not hasattr(request, "_viewer"):
        request._viewer = Viewer(request.user)
    return request._viewer


def current_person(request):
    """Header context: the person's name, roles today, agency and own unit."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    person = viewer(request)
    organisation = person.organisation
    return {
        "viewer": person,
        "current_display_name": person.display_name,
        "current_roles": person.role_labels,
        "current_unit": person.unit,
        "agency_name": organisation.name if organisation else "",
    }

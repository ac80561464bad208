"""Header context: who is signed in, from `hrsystem.permissions.viewer`."""

from .permissions import viewer


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

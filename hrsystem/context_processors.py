"""Template context every page's header needs: who is signed in, for which agency."""


def current_person(request):
    """The signed-in user's display name (family name first) for the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    name = f"{user.last_name} {user.first_name}".strip()
    return {"current_display_name": name or user.get_username()}

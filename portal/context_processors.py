from typing import Any

from django.http import HttpRequest


def staff(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's staff profile, for the navigation."""
    user = getattr(request, "user", None)
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return {"staff_profile": profile}

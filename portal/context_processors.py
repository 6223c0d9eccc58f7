from typing import Any

from django.http import HttpRequest


def staff(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's staff profile, for the navigation."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    profile = getattr(user, "staff_profile", None) if signed_in else None
    province = getattr(user, "province_staff", None) if signed_in and profile is None else None
    return {"staff_profile": profile, "province_staff": province}

"""Who may use the staff pages and the API: signed in with a staff profile of a ward, or a ward admin. Beside the
staff profiles they read, so every app's views take them from the app that holds the people."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from groups.selectors import province_admin_of, province_staff_of, staff_profile_of

View = Callable[..., Any]


def staff_required(view: View) -> View:
    """Signed in, with a staff profile: everything behind it is scoped to that profile's ward."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if staff_profile_of(request.user) is None:
            raise PermissionDenied(_("This account is not a staff account of any ward."))
        return view(request, *args, **kwargs)

    return wrapper


def province_required(view: View) -> View:
    """Signed in as a province admin or viewer: what they see is their province's figures, never a resident."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if province_staff_of(request.user) is None:
            raise PermissionDenied(_("This account is not an account of a province's committee."))
        return view(request, *args, **kwargs)

    return wrapper


def account_required(view: View) -> View:
    """Signed in with a staff profile of a ward or a place in a province's committee: the pages every portal
    account has (its own API tokens), whichever tier it works at."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if staff_profile_of(request.user) is None and province_staff_of(request.user) is None:
            raise PermissionDenied(_("This account is not a staff account of any ward."))
        return view(request, *args, **kwargs)

    return wrapper


def province_admin(request: Any) -> Any:
    """The person's province role if they are its admin; a viewer, who writes nothing, is refused."""
    return province_admin_of(request.user)


def ward_admin_profile(request: Any, refusal: str | None = None) -> Any:
    """The person's staff profile if they are a ward admin; anyone else is refused with `refusal`."""
    profile = staff_profile_of(request.user)
    if profile is None or not profile.is_ward_admin:
        raise PermissionDenied(refusal or _("Only a ward admin can manage staff accounts."))
    return profile


class IsWardStaff(BasePermission):
    """The API's default: signed in with a staff profile; what each person sees is then scoped by the selectors."""

    message = "This account is not a staff account of any ward."

    def has_permission(self, request: Any, view: Any) -> bool:
        return staff_profile_of(request.user) is not None


class IsProvinceStaff(BasePermission):
    """The province's endpoints: a province admin or viewer; what they see is their own province's figures."""

    message = "This account is not an account of a province's committee."

    def has_permission(self, request: Any, view: Any) -> bool:
        return province_staff_of(request.user) is not None


class IsWardStaffOrAdmin(IsWardStaff):
    """The API's docs and schema: ward staff, a province's committee, or a site administrator."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return (
            bool(getattr(request.user, "is_staff", False))
            or super().has_permission(request, view)
            or province_staff_of(request.user) is not None
        )

from typing import Any

from rest_framework.permissions import BasePermission

from groups.selectors import staff_profile_of


class IsWardStaff(BasePermission):
    """Signed in with a staff profile; what each person sees is then scoped by the selectors."""

    message = "This account is not a staff account of any ward."

    def has_permission(self, request: Any, view: Any) -> bool:
        return staff_profile_of(request.user) is not None


class IsWardStaffOrAdmin(IsWardStaff):
    """The API's docs and schema: ward staff, or a site administrator."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(getattr(request.user, "is_staff", False)) or super().has_permission(request, view)

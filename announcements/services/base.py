"""What the announcement services share: the channel lists, the workflow's error, and the checks of who may act."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from announcements.models import Announcement, Delivery
from channels.kinds import ChannelKind
from groups.models import StaffProfile
from groups.selectors import staff_profile_of

PERSONAL_KINDS = [ChannelKind.ZALO_OA, ChannelKind.SMS, ChannelKind.EMAIL]
OUTLET_KINDS = ["zalo_group", "facebook_page", "web_feed"]
ALL_KINDS = PERSONAL_KINDS + OUTLET_KINDS
EDITABLE = {Announcement.Status.DRAFT, Announcement.Status.PENDING}
CANCELLABLE = {
    Announcement.Status.DRAFT,
    Announcement.Status.PENDING,
    Announcement.Status.APPROVED,
    Announcement.Status.SCHEDULED,
}
FINAL = [
    Delivery.Status.SENT,
    Delivery.Status.DELIVERED,
    Delivery.Status.FAILED,
    Delivery.Status.UNKNOWN,
    Delivery.Status.SKIPPED,
]


class AnnouncementError(ValidationError):
    """A workflow step that is not allowed now, with a message a person can read."""


def _profile_or_deny(user: Any) -> StaffProfile:
    profile = staff_profile_of(user)
    if profile is None:
        raise PermissionDenied
    return profile


def _locked(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update().get(pk=announcement.pk)


def _require_admin(user: Any, announcement: Announcement) -> StaffProfile:
    profile = _profile_or_deny(user)
    if not profile.is_ward_admin or profile.ward_id != announcement.ward_id:
        raise PermissionDenied(_("Only a ward admin of this ward can do that."))
    return profile


def _require_editor(user: Any, announcement: Announcement) -> None:
    from announcements.selectors import can_edit

    if not can_edit(user=user, announcement=announcement):
        raise PermissionDenied(_("Only its author or a ward admin can change this announcement."))

"""What the announcement services share: the channel lists, the workflow's error, and the one table of who may take
which action in which status."""

from enum import IntEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from announcements.models import Announcement, Delivery
from channels.kinds import OUTLET_KINDS
from channels.routing import PERSONAL_KINDS
from groups.models import StaffProfile
from groups.selectors import staff_profile_in, staff_profile_of

ALL_KINDS = PERSONAL_KINDS + OUTLET_KINDS
FINAL = [
    Delivery.Status.SENT,
    Delivery.Status.DELIVERED,
    Delivery.Status.FAILED,
    Delivery.Status.UNKNOWN,
    Delivery.Status.SKIPPED,
]


class AnnouncementError(ValidationError):
    """A workflow step that is not allowed now, with a message a person can read."""


class Role(IntEnum):
    """What a member of the ward's staff is to one announcement; each role may do what the one below it may."""

    STAFF = 1  # any officer of its ward
    EDITOR = 2  # its author
    ADMIN = 3  # a ward admin of its ward


_S = Announcement.Status
_WRITING = {_S.DRAFT: Role.EDITOR, _S.PENDING: Role.EDITOR}
_APPROVED = {_S.APPROVED: Role.ADMIN, _S.SCHEDULED: Role.ADMIN}
_OUT = {_S.SENDING: Role.STAFF, _S.SENT: Role.STAFF}

# Each action, the statuses it is open in and who may take it there. The services check it, and the detail page,
# the confirmation page and the API render their buttons from it (allowed_actions): the workflow is written here
# only. Cancelling a draft is its author's; cancelling what a ward admin approved is a ward admin's.
ACTIONS: dict[str, dict[str, Role]] = {
    "edit": _WRITING,
    "remove-file": _WRITING,
    "submit": {_S.DRAFT: Role.EDITOR},
    "approve": {_S.PENDING: Role.ADMIN},
    "reject": {_S.PENDING: Role.ADMIN},
    "schedule": _APPROVED,
    "send": _APPROVED,
    "cancel": {**_WRITING, **_APPROVED},
    "correct": _OUT,
    "retry": {status: Role.ADMIN for status in _OUT},
}
EDITABLE = set(ACTIONS["edit"])
CANCELLABLE = set(ACTIONS["cancel"])

# What a person reads when the action is not open in the announcement's status.
_NOT_NOW = {
    "edit": gettext_lazy("This announcement can no longer be edited."),
    "remove-file": gettext_lazy("This announcement can no longer be edited."),
    "submit": gettext_lazy("Only a draft can be sent for approval."),
    "approve": gettext_lazy("Only an announcement waiting for approval can be approved."),
    "reject": gettext_lazy("Only an announcement waiting for approval can be sent back."),
    "schedule": gettext_lazy("Only an approved announcement can be scheduled."),
    "send": gettext_lazy("Only an approved announcement can be sent."),
    "cancel": gettext_lazy("It has gone out already; post a correction instead."),
    "correct": gettext_lazy("Only an announcement that went out can be corrected."),
    "retry": gettext_lazy("Only the failures of an announcement that went out can be retried."),
}
_NOT_YOU = {
    Role.STAFF: gettext_lazy("You are not allowed to do that."),
    Role.EDITOR: gettext_lazy("Only its author or a ward admin can change this announcement."),
    Role.ADMIN: gettext_lazy("Only a ward admin of this ward can do that."),
}


def role_of(user: Any, announcement: Announcement) -> Role | None:
    """The user's role on this announcement, or None for anyone outside its ward's staff."""
    profile = staff_profile_in(user, announcement.ward_id)
    if profile is None:
        return None
    if profile.is_ward_admin:
        return Role.ADMIN
    return Role.EDITOR if announcement.created_by_id == user.pk else Role.STAFF


def _held_back(action: str, user: Any, announcement: Announcement) -> str:
    """A reason the table cannot state, or "": with a second signature required, a ward admin's own notice is
    approved by another ward admin (an urgent one excepted: a fire warning does not wait for one); and nobody
    sends back what they wrote themselves (they edit it, or cancel it)."""
    own = announcement.created_by_id == user.pk
    if action == "reject" and own:
        return _("You cannot send back what you wrote: edit it, or cancel it.")
    if (
        action == "approve"
        and own
        and announcement.ward.requires_second_approver
        and announcement.urgency != Announcement.Urgency.URGENT
    ):
        return _("Another ward admin must approve what you wrote.")
    return ""


def approval_held_back(*, user: Any, announcement: Announcement) -> str:
    """Why a ward admin is not offered to approve this notice waiting for approval, or "": what the detail page
    says in place of the button."""
    if announcement.status != _S.PENDING or role_of(user, announcement) != Role.ADMIN:
        return ""
    return _held_back("approve", user, announcement)


def allowed_actions(*, user: Any, announcement: Announcement) -> frozenset[str]:
    """The actions this person may take on this announcement now: none on the province's, which its wards read."""
    role = role_of(user, announcement)
    if role is None or announcement.province_announcement_id is not None:
        return frozenset()
    return frozenset(
        action
        for action, statuses in ACTIONS.items()
        if role >= statuses.get(announcement.status, Role.ADMIN + 1) and not _held_back(action, user, announcement)
    )


def action_role_check(action: str, user: Any, announcement: Announcement) -> StaffProfile:
    """Refuses someone who may take this action in no status at all, before anything is read of the request or
    of the announcement's status (which the caller's copy may have stale)."""
    need = min(ACTIONS[action].values())
    profile = staff_profile_of(user)
    role = role_of(user, announcement)
    if profile is None or role is None or role < need:
        raise PermissionDenied(_NOT_YOU[need])
    if announcement.province_announcement_id is not None:
        raise PermissionDenied(
            _("The province sent this announcement: its wards read it, and only the province changes it.")
        )
    return profile


def action_check(action: str, user: Any, announcement: Announcement) -> StaffProfile:
    """Refuses the action unless the table allows it: first someone who may never take it, then a status it is
    not open in, then a role short of what that status asks. Services call it on the row they hold locked."""
    profile = action_role_check(action, user, announcement)
    statuses = ACTIONS[action]
    if announcement.status not in statuses:
        raise AnnouncementError(str(_NOT_NOW[action]))
    if role_of(user, announcement) < statuses[announcement.status]:
        raise PermissionDenied(_NOT_YOU[statuses[announcement.status]])
    reason = _held_back(action, user, announcement)
    if reason:
        raise AnnouncementError(reason)
    return profile


def _profile_or_deny(user: Any) -> StaffProfile:
    profile = staff_profile_of(user)
    if profile is None:
        raise PermissionDenied
    return profile


def _locked(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update().get(pk=announcement.pk)

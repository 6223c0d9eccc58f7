"""Writes to the organisation, one module per concern: members (groups, members, households), memberships (who
belongs where, and requests about known residents), joining (self-service join) and staff (invitations). Each
service validates, owns its transaction, and leaves an audit event; a ValidationError is keyed by field name."""

from groups.services.base import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    household_for_address,
    membership_confirm_token,
    membership_from_confirm_token,
    role_clean,
)
from groups.services.joining import (
    JoinResult,
    join_request_decide,
    join_request_submit,
)
from groups.services.members import (
    MEMBER_FIELDS,
    MemberData,
    _phone_taken_message,
    group_save,
    member_create,
    member_data_clean,
    member_open,
    member_update,
    members_listed,
    members_new_bulk,
)
from groups.services.memberships import (
    MembershipEntry,
    _current_group_of,
    _locked_current_membership,
    _membership_clean,
    membership_add,
    membership_change_role,
    membership_confirm,
    membership_end,
    membership_move,
    membership_request,
    memberships_add_bulk,
)
from groups.services.staff import (
    staff_invite,
)

__all__ = [
    "MembershipEntry",
    "members_new_bulk",
    "memberships_add_bulk",
    "member_open",
    "members_listed",
    "MEMBER_FIELDS",
    "MemberData",
    "member_data_clean",
    "role_clean",
    "_phone_taken_message",
    "household_for_address",
    "group_save",
    "member_create",
    "member_update",
    "_current_group_of",
    "_membership_clean",
    "membership_add",
    "_locked_current_membership",
    "membership_change_role",
    "membership_end",
    "membership_move",
    "membership_request",
    "CONFIRM_SALT",
    "CONFIRM_MAX_AGE",
    "membership_confirm_token",
    "membership_from_confirm_token",
    "membership_confirm",
    "JoinResult",
    "join_request_submit",
    "join_request_decide",
    "staff_invite",
]

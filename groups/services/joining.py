"""A resident asking to join a group from its invite link or QR poster, and the leader's decision."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Member, Membership, ResidentialGroup
from groups.selectors import can_decide_request
from groups.services.base import household_for_address
from groups.services.members import MemberData, member_data_clean, member_new
from groups.services.messages import membership_confirmation_send, membership_state_tell
from groups.services.rollups import coverage_refresh
from portal.common.audit import audit_record
from portal.models import AuditEvent


@dataclass
class JoinResult:
    membership: Membership
    already_requested: bool = False


def join_request_submit(*, group: ResidentialGroup, data: MemberData, ip: str | None = None) -> JoinResult:
    """A resident asks to join a group from its invite link; the group leader approves later.

    Sending the same request twice (a double tap, or coming back a day later) returns the first request.
    """
    errors: dict[str, list[str]] = {}
    data = member_data_clean(data=data, errors=errors)
    if not data.address and "address" not in errors:
        errors["address"] = [_("Please enter your household's address.")]
    if not (data.consent_sms or data.consent_zalo or data.consent_email):
        # Joining is for receiving the group's notices: without a way to reach the person it would do nothing.
        errors.setdefault("consent_sms", []).append(
            _("Please choose at least one way to receive the notices: SMS, Zalo or email.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(ward_id=group.ward_id, phone=data.phone).first()
        # A number the ward knew before: whoever typed it may not be its owner. The owner confirms from a link
        # sent to their own channel before the leader may approve; nothing typed here changes them.
        known = member is not None
        if member is not None:
            current = Membership.objects.filter(
                member=member, group=group, status__in=Membership.CURRENT_STATUSES
            ).first()
            if current is not None:
                # Already in the group, or already asked: the page thanks them as it thanks anyone (whoever holds
                # the poster's link must not learn who lives in which group); the owner is told on their channel.
                membership_state_tell(current)
                return JoinResult(membership=current, already_requested=True)
        else:
            # No household yet: the address given waits on the request until a leader approves it.
            member = member_new(group=group, data=data)
        membership = Membership.objects.create(
            member=member,
            group=group,
            role=Membership.Role.RESIDENT,
            status=Membership.Status.PENDING,
            source=Membership.Source.SELF_JOIN,
            requested_address=data.address,
            confirmation_required=known,
        )
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            obj=membership,
            ward=group.ward,
            summary=f"join request {group.name}",
            ip=ip,
        )
        if known:
            membership_confirmation_send(membership)
    return JoinResult(membership=membership)


def join_request_decide(*, membership: Membership, approve: bool, by: Any) -> Membership:
    """Approve or reject a pending membership (see groups.selectors.can_decide_request for who may)."""

    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("member", "group__ward").get(pk=membership.pk)
        if locked.status != Membership.Status.PENDING:
            raise ValidationError(_("This request has already been handled."))
        if not can_decide_request(user=by, membership=locked):
            raise PermissionDenied(_("You cannot decide this request."))
        if approve and locked.is_request and not locked.is_staff_request:
            raise ValidationError(
                _("The owner of this phone number has not confirmed yet. A message asking them was sent to them.")
            )
        if approve:
            if not locked.is_staff_request:
                locked.added_by = by  # a staff request keeps who asked; the audit trail says who approved
            locked.status, locked.joined_at = Membership.Status.ACTIVE, timezone.now()
            member = locked.member
            if member.household_id is None and locked.requested_address:
                member.household = household_for_address(group=locked.group, address=locked.requested_address)
                member.save(update_fields=["household", "updated_at"])
        else:
            locked.status, locked.left_at = Membership.Status.REJECTED, timezone.now()
        locked.save()
        coverage_refresh([locked.group_id])
        audit_record(
            actor=by,
            action=AuditEvent.Action.APPROVE if approve else "reject",
            obj=locked,
            ward=locked.group.ward,
            summary=str(locked),
        )
    return locked

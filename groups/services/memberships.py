"""Who belongs to which group, in which role: adding, moving, ending memberships, and the requests about residents the
ward already knows (confirmed by the resident through a signed link)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Member, Membership, ResidentialGroup
from groups.services.base import household_for_address, role_clean
from groups.services.messages import membership_confirmation_send
from groups.services.rollups import coverage_refresh
from portal.common.audit import audit_record, model_changes, snapshot
from portal.models import AuditEvent


def _current_group_of(member: Member) -> ResidentialGroup | None:
    membership = member.memberships.filter(status=Membership.Status.ACTIVE).select_related("group").first()
    return membership.group if membership else None


def _membership_clean(
    *, member: Member, group: ResidentialGroup, role: str, organisation: str, errors: dict[str, list[str]]
) -> tuple[str, str]:
    """The role (and a branch head's organisation) checked, and the group in the member's own ward."""
    role, organisation = role_clean(role=role, organisation=organisation, errors=errors)
    if group.ward_id != member.ward_id:
        errors.setdefault("group", []).append(_("The group belongs to another ward."))
    return role, organisation


def membership_add(
    *,
    member: Member,
    group: ResidentialGroup,
    by: Any,
    role: str = Membership.Role.RESIDENT,
    organisation: str = "",
    source: str = Membership.Source.STAFF,
) -> Membership:
    """Put an existing member into another group too (a ward leader sits in every group of the ward)."""
    errors: dict[str, list[str]] = {}
    role, organisation = _membership_clean(
        member=member, group=group, role=role, organisation=organisation, errors=errors
    )
    if Membership.objects.filter(member=member, group=group, status__in=Membership.CURRENT_STATUSES).exists():
        errors.setdefault("group", []).append(
            _("%(name)s is already in %(group)s.") % {"name": member.full_name, "group": group.name}
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                member=member,
                group=group,
                role=role,
                organisation=organisation,
                status=Membership.Status.ACTIVE,
                source=source,
                joined_at=timezone.now(),
                added_by=by if getattr(by, "is_authenticated", False) else None,
            )
            coverage_refresh([group.pk])
            audit_record(
                actor=by, action=AuditEvent.Action.CREATE, obj=membership, ward=group.ward, summary=str(membership)
            )
    except IntegrityError:
        raise ValidationError(
            {"group": [_("%(name)s is already in %(group)s.") % {"name": member.full_name, "group": group.name}]}
        ) from None
    return membership


@dataclass(frozen=True)
class MembershipEntry:
    """One person into one group, in a list: `ask` makes it a request the person (or their group's leader)
    confirms, as membership_request does for one, instead of a membership at once."""

    member: Member
    group_id: int
    role: str
    organisation: str = ""
    ask: bool = False


def memberships_add_bulk(*, entries: list[MembershipEntry], by: Any, source: str) -> list[Membership]:
    """Many memberships from a list, checked by the caller, in one insert; each request is sent for confirmation
    as a single one would be. The caller holds the transaction, so a failure leaves none of them."""
    now = timezone.now()
    added_by = by if getattr(by, "is_authenticated", False) else None
    created = Membership.objects.bulk_create(
        [
            Membership(
                member=entry.member,
                group_id=entry.group_id,
                role=entry.role,
                organisation=entry.organisation,
                status=Membership.Status.PENDING if entry.ask else Membership.Status.ACTIVE,
                confirmation_required=entry.ask,
                source=source,
                joined_at=None if entry.ask else now,
                added_by=added_by,
            )
            for entry in entries
        ]
    )
    coverage_refresh({membership.group_id for membership in created if not membership.confirmation_required})
    asked = [membership.pk for membership in created if membership.confirmation_required]
    for membership in Membership.objects.filter(pk__in=asked).select_related("member", "group__ward"):
        membership_confirmation_send(membership)
    return created


def _locked_current_membership(membership: Membership) -> Membership:
    locked = Membership.objects.select_for_update().select_related("group__ward", "member").get(pk=membership.pk)
    if locked.status not in Membership.CURRENT_STATUSES:
        raise ValidationError(_("This membership has already ended."))
    return locked


def membership_change_role(*, membership: Membership, role: str, organisation: str = "", by: Any) -> Membership:
    errors: dict[str, list[str]] = {}
    role, organisation = role_clean(role=role, organisation=organisation, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_current_membership(membership)
        before = snapshot(locked, ["role", "organisation"])
        locked.role, locked.organisation = role, organisation
        locked.save(update_fields=["role", "organisation", "updated_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            ward=locked.group.ward,
            summary=str(locked),
            changes=model_changes(locked, before, ["role", "organisation"]),
        )
    return locked


def membership_end(*, membership: Membership, by: Any, status: str = Membership.Status.LEFT) -> Membership:
    """End a membership but keep it as history: removing a member is never a hard delete."""
    with transaction.atomic():
        locked = _locked_current_membership(membership)
        locked.status, locked.left_at = status, timezone.now()
        locked.save(update_fields=["status", "left_at", "updated_at"])
        coverage_refresh([locked.group_id])
        audit_record(
            actor=by,
            action=AuditEvent.Action.REJECT if status == Membership.Status.REJECTED else "delete",
            obj=locked,
            ward=locked.group.ward,
            summary=str(locked),
        )
    return locked


def membership_move(*, membership: Membership, to_group: ResidentialGroup, by: Any, address: str = "") -> Membership:
    """Move a member from one group to another: the old membership ends, a new one starts with the same role."""
    if to_group.ward_id != membership.group.ward_id:
        raise ValidationError({"group": [_("The group belongs to another ward.")]})
    if to_group.pk == membership.group_id:
        raise ValidationError({"group": [_("The member is already in this group.")]})
    with transaction.atomic():
        locked = _locked_current_membership(membership)
        if Membership.objects.filter(
            member=locked.member, group=to_group, status__in=Membership.CURRENT_STATUSES
        ).exists():
            raise ValidationError(
                {
                    "group": [
                        _("%(name)s is already in %(group)s.")
                        % {"name": locked.member.full_name, "group": to_group.name}
                    ]
                }
            )
        locked.status, locked.left_at = Membership.Status.LEFT, timezone.now()
        locked.save(update_fields=["status", "left_at", "updated_at"])
        moved = Membership.objects.create(
            member=locked.member,
            group=to_group,
            role=locked.role,
            organisation=locked.organisation,
            status=Membership.Status.ACTIVE,
            source=Membership.Source.STAFF,
            joined_at=timezone.now(),
            added_by=by if getattr(by, "is_authenticated", False) else None,
        )
        member = locked.member
        old_household = member.household
        if address:
            member.household = household_for_address(group=to_group, address=address)
        elif old_household is not None and old_household.group_id == locked.group_id:
            # The household belongs to the old group; without a new address we do not guess one.
            member.household = None
        member.save(update_fields=["household", "updated_at"])
        coverage_refresh([locked.group_id, to_group.pk, old_household.group_id if old_household else 0])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=moved,
            ward=to_group.ward,
            summary=f"{member.full_name}: {locked.group.name} → {to_group.name}",
            changes={"group": [locked.group.name, to_group.name]},
        )
    return moved


def membership_request(
    *,
    member: Member,
    group: ResidentialGroup,
    by: Any,
    role: str = Membership.Role.RESIDENT,
    organisation: str = "",
    source: str = Membership.Source.STAFF,
) -> Membership:
    """Ask to add a resident who is already known to the ward (in another group) to `group`. The request waits
    for the resident's own confirmation (a link on their channel), or for a ward admin or a leader of the
    resident's current group to decide; the asking leader cannot approve it and does not see who it is."""
    errors: dict[str, list[str]] = {}
    role, organisation = _membership_clean(
        member=member, group=group, role=role, organisation=organisation, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        current = Membership.objects.filter(member=member, group=group, status__in=Membership.CURRENT_STATUSES).first()
        if current is not None and current.status == Membership.Status.PENDING:
            return current  # asked already
        if current is not None:
            raise ValidationError(
                {"phone": [_("This phone number is already a member of %(group)s.") % {"group": group.name}]}
            )
        membership = Membership.objects.create(
            member=member,
            group=group,
            role=role,
            organisation=organisation,
            status=Membership.Status.PENDING,
            source=source,
            confirmation_required=True,
            added_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=membership,
            ward=group.ward,
            summary=f"request to add to {group.name}",
        )
        membership_confirmation_send(membership)
    return membership


def membership_confirm(*, membership: Membership, accept: bool, ip: str | None = None) -> Membership:
    """The resident answers from the link sent to their own phone, Zalo or email. Yes to a staff request makes
    them a member at once; yes to an invite-link request lets the group's leader approve it; no ends it."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("group__ward").get(pk=membership.pk)
        if locked.status != Membership.Status.PENDING or locked.confirmed_at is not None:
            raise ValidationError(_("This request has already been answered."))
        now = timezone.now()
        if accept:
            locked.confirmed_at = now
            if locked.is_staff_request:
                locked.status, locked.joined_at = Membership.Status.ACTIVE, now
        else:
            locked.status, locked.left_at = Membership.Status.REJECTED, now
        locked.save()
        coverage_refresh([locked.group_id])
        audit_record(
            actor=None,
            action=AuditEvent.Action.APPROVE if accept else "reject",
            obj=locked,
            ward=locked.group.ward,
            summary=f"{'confirmed' if accept else 'declined'} by the resident from their own channel",
            ip=ip,
        )
    return locked

"""Writes to the organisation. Each service validates, owns its transaction, and leaves an audit event.

Services raise django.core.exceptions.ValidationError keyed by field name; forms show it beside the field and
the API returns it as JSON with the same keys.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import ContactChannel, Household, Member, Membership, ResidentialGroup, Ward
from groups.selectors import can_see_member
from portal.audit import audit_record, model_changes, snapshot
from portal.phones import normalize_phone, phone_search_keys
from portal.text import fold, normalize_spaces

CURRENT_STATUSES = [Membership.Status.INVITED, Membership.Status.PENDING, Membership.Status.ACTIVE]
MEMBER_FIELDS = [
    "full_name",
    "phone",
    "email",
    "zalo_user_id",
    "household_id",
    "consent_sms",
    "consent_zalo",
    "consent_email",
    "preferred_channel",
]


@dataclass
class MemberData:
    """What a person may say about a member, before validation."""

    full_name: str
    phone: str
    email: str = ""
    address: str = ""
    zalo_user_id: str = ""
    consent_sms: bool = False
    consent_zalo: bool = False
    consent_email: bool = False
    preferred_channel: str = ""


def _member_search_text(full_name: str, phone: str) -> str:
    return f"{fold(full_name)} {phone_search_keys(phone)}"[:400]


def member_data_clean(*, data: MemberData, errors: dict[str, list[str]]) -> MemberData:
    """Normalise a member's data, collecting every problem into `errors` (field -> messages)."""
    full_name = normalize_spaces(data.full_name)
    if not full_name:
        errors.setdefault("full_name", []).append(_("Please enter the full name."))
    elif len(full_name) > 200:
        errors.setdefault("full_name", []).append(_("The full name is too long (200 characters at most)."))
    phone = ""
    try:
        phone = normalize_phone(data.phone)
    except ValidationError as error:
        errors.setdefault("phone", []).extend(error.messages)
    email = (data.email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("“%(email)s” is not a valid email address.") % {"email": email})
    address = normalize_spaces(data.address)
    if len(address) > 300:
        errors.setdefault("address", []).append(_("The address is too long (300 characters at most)."))
    preferred = data.preferred_channel or ""
    consents = {
        ContactChannel.SMS: data.consent_sms,
        ContactChannel.ZALO: data.consent_zalo,
        ContactChannel.EMAIL: data.consent_email,
    }
    if preferred and preferred not in consents:
        errors.setdefault("preferred_channel", []).append(_("Unknown channel."))
    elif preferred and not consents[preferred]:
        errors.setdefault("preferred_channel", []).append(_("The preferred channel must be one the member agreed to."))
    if data.consent_email and not email:
        errors.setdefault("email", []).append(_("An email address is needed to send email."))
    return MemberData(
        full_name=full_name,
        phone=phone,
        email=email,
        address=address,
        zalo_user_id=(data.zalo_user_id or "").strip(),
        consent_sms=bool(data.consent_sms),
        consent_zalo=bool(data.consent_zalo),
        consent_email=bool(data.consent_email),
        preferred_channel=preferred,
    )


def role_clean(*, role: str, organisation: str, errors: dict[str, list[str]]) -> tuple[str, str]:
    if role not in Membership.Role.values:
        errors.setdefault("role", []).append(_("Unknown role."))
    organisation = normalize_spaces(organisation)
    if role == Membership.Role.BRANCH_HEAD and not organisation:
        errors.setdefault("organisation", []).append(
            _("Please enter the organisation the branch head leads (e.g. women's union).")
        )
    return role, organisation if role == Membership.Role.BRANCH_HEAD else ""


def _phone_taken_message(existing: Member) -> str:
    return _("This phone number already belongs to %(name)s in this ward.") % {"name": existing.full_name}


def household_for_address(*, group: ResidentialGroup, address: str) -> Household | None:
    """The household of `group` at `address`, created on first mention; None for no address."""
    address = normalize_spaces(address)
    if not address:
        return None
    household, _created = Household.objects.get_or_create(
        group=group, address_folded=fold(address), defaults={"address": address}
    )
    return household


def group_save(
    *,
    ward: Ward,
    by: Any,
    name: str,
    kind: str,
    households_total: int,
    facebook_group_url: str = "",
    group: ResidentialGroup | None = None,
) -> ResidentialGroup:
    name = normalize_spaces(name)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Please enter the group's name.")]
    if kind not in ResidentialGroup.Kind.values:
        errors["kind"] = [_("Unknown kind of group.")]
    if households_total is None or households_total < 0:
        errors["households_total"] = [_("The number of households must be zero or more.")]
    duplicate = ResidentialGroup.objects.filter(ward=ward, name_folded=fold(name))
    if group is not None:
        duplicate = duplicate.exclude(pk=group.pk)
    if name and duplicate.exists():
        errors["name"] = [_("The ward already has a group called “%(name)s”.") % {"name": name}]
    if errors:
        raise ValidationError(errors)
    fields = ["name", "kind", "households_total", "facebook_group_url"]
    with transaction.atomic():
        creating = group is None
        if creating:
            group = ResidentialGroup(ward=ward)
            before: dict[str, Any] = {}
        else:
            group = ResidentialGroup.objects.select_for_update().get(pk=group.pk)
            before = snapshot(group, fields)
        group.name, group.name_folded, group.kind = name, fold(name), kind
        group.households_total, group.facebook_group_url = households_total, facebook_group_url
        group.save()
        audit_record(
            actor=by,
            action="create" if creating else "update",
            obj=group,
            ward=ward,
            summary=group.name,
            changes=model_changes(group, before, fields),
        )
    return group


def member_create(
    *,
    group: ResidentialGroup,
    data: MemberData,
    by: Any,
    role: str = Membership.Role.RESIDENT,
    organisation: str = "",
    source: str = Membership.Source.STAFF,
    ip: str | None = None,
) -> Membership:
    """Add a new person to the ward and to `group`, with their household. A phone the ward already has is
    refused, naming its owner, when `by` may see that person; otherwise it becomes a request about them
    (membership_request), pending, which this returns."""
    errors: dict[str, list[str]] = {}
    data = member_data_clean(data=data, errors=errors)
    role, organisation = role_clean(role=role, organisation=organisation, errors=errors)
    existing = None
    if data.phone and "phone" not in errors:
        existing = Member.objects.filter(ward_id=group.ward_id, phone=data.phone).first()
        if existing is not None and can_see_member(user=by, member=existing):
            errors["phone"] = [_phone_taken_message(existing)]
    if errors:
        raise ValidationError(errors)
    if existing is not None:
        # Someone of another group: ask them (or their group) instead of taking them, and say nothing of who
        # they are.
        return membership_request(
            member=existing, group=group, by=by, role=role, organisation=organisation, source=source
        )
    try:
        with transaction.atomic():
            member = Member.objects.create(
                ward_id=group.ward_id,
                full_name=data.full_name,
                phone=data.phone,
                email=data.email,
                zalo_user_id=data.zalo_user_id,
                household=household_for_address(group=group, address=data.address),
                consent_sms=data.consent_sms,
                consent_zalo=data.consent_zalo,
                consent_email=data.consent_email,
                preferred_channel=data.preferred_channel,
                search_text=_member_search_text(data.full_name, data.phone),
            )
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
            audit_record(
                actor=by,
                action="create",
                obj=member,
                ward=group.ward,
                summary=f"{member.full_name} → {group.name}",
                ip=ip,
            )
    except IntegrityError:
        # Two people added the same phone at the same moment; the unique constraint decided.
        existing = Member.objects.filter(ward_id=group.ward_id, phone=data.phone).first()
        shown = existing is not None and can_see_member(user=by, member=existing)
        raise ValidationError(
            {"phone": [_phone_taken_message(existing) if shown else _("This phone number is already in use.")]}
        ) from None
    return membership


def member_update(
    *,
    member: Member,
    data: MemberData,
    by: Any,
    expected_updated_at: datetime | None = None,
    ip: str | None = None,
) -> Member:
    """Change a member's details. `expected_updated_at` refuses a form opened before someone else's change."""
    errors: dict[str, list[str]] = {}
    data = member_data_clean(data=data, errors=errors)
    if data.phone and "phone" not in errors:
        existing = Member.objects.filter(ward_id=member.ward_id, phone=data.phone).exclude(pk=member.pk).first()
        if existing is not None:
            errors["phone"] = [
                _phone_taken_message(existing)
                if can_see_member(user=by, member=existing)
                else _("This phone number already belongs to another resident of the ward.")
            ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if expected_updated_at is not None and locked.updated_at != expected_updated_at:
            raise ValidationError(
                _("Someone else changed this member after you opened the form. Reload the page to see their change.")
            )
        before = snapshot(locked, MEMBER_FIELDS)
        group = locked.household.group if locked.household else _current_group_of(locked)
        if data.address and group is not None:
            locked.household = household_for_address(group=group, address=data.address)
        elif not data.address:
            locked.household = None
        for field in ("full_name", "phone", "email", "zalo_user_id", "preferred_channel"):
            setattr(locked, field, getattr(data, field))
        locked.consent_sms, locked.consent_zalo, locked.consent_email = (
            data.consent_sms,
            data.consent_zalo,
            data.consent_email,
        )
        locked.search_text = _member_search_text(locked.full_name, locked.phone)
        locked.save()
        audit_record(
            actor=by,
            action="update",
            obj=locked,
            ward=locked.ward,
            summary=locked.full_name,
            changes=model_changes(locked, before, MEMBER_FIELDS),
            ip=ip,
        )
    return locked


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
    if Membership.objects.filter(member=member, group=group, status__in=CURRENT_STATUSES).exists():
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
            audit_record(actor=by, action="create", obj=membership, ward=group.ward, summary=str(membership))
    except IntegrityError:
        raise ValidationError(
            {"group": [_("%(name)s is already in %(group)s.") % {"name": member.full_name, "group": group.name}]}
        ) from None
    return membership


def _locked_current_membership(membership: Membership) -> Membership:
    locked = Membership.objects.select_for_update().select_related("group__ward", "member").get(pk=membership.pk)
    if locked.status not in CURRENT_STATUSES:
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
            action="update",
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
        audit_record(
            actor=by,
            action="reject" if status == Membership.Status.REJECTED else "delete",
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
        if Membership.objects.filter(member=locked.member, group=to_group, status__in=CURRENT_STATUSES).exists():
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
        audit_record(
            actor=by,
            action="update",
            obj=moved,
            ward=to_group.ward,
            summary=f"{member.full_name}: {locked.group.name} → {to_group.name}",
            changes={"group": [locked.group.name, to_group.name]},
        )
    return moved


# --- requests about residents the ward already knows ----------------------------------------------------------


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
        current = Membership.objects.filter(member=member, group=group, status__in=CURRENT_STATUSES).first()
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
            actor=by, action="create", obj=membership, ward=group.ward, summary=f"request to add to {group.name}"
        )
        _confirmation_on_commit(membership)
    return membership


def _confirmation_on_commit(membership: Membership) -> None:
    from groups.tasks import membership_confirmation_send

    membership_id = membership.pk
    transaction.on_commit(lambda: membership_confirmation_send.delay(membership_id))


CONFIRM_SALT = "groups.membership-confirm"
CONFIRM_MAX_AGE = 14 * 24 * 3600


def membership_confirm_token(membership: Membership) -> str:
    return signing.dumps(membership.pk, salt=CONFIRM_SALT, compress=True)


def membership_from_confirm_token(token: str) -> Membership | None:
    """The membership a confirmation link names, while the link is fresh (two weeks), else None."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int):
        return None
    return Membership.objects.select_related("member", "group__ward").filter(pk=pk).first()


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
        audit_record(
            actor=None,
            action="approve" if accept else "reject",
            obj=locked,
            ward=locked.group.ward,
            summary=f"{'confirmed' if accept else 'declined'} by the resident from their own channel",
            ip=ip,
        )
    return locked


# --- self-service join ----------------------------------------------------------------------------------------


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
        if member is not None:
            current = Membership.objects.filter(member=member, group=group, status__in=CURRENT_STATUSES).first()
            if current is not None and current.status == Membership.Status.ACTIVE:
                raise ValidationError(
                    {"phone": [_("This phone number is already a member of %(group)s.") % {"group": group.name}]}
                )
            if current is not None:
                return JoinResult(membership=current, already_requested=True)
            # The ward knows this number: whoever typed it may not be its owner. The owner confirms from a
            # link sent to their own channel before the leader may approve; nothing typed here changes them.
            membership = Membership.objects.create(
                member=member,
                group=group,
                role=Membership.Role.RESIDENT,
                status=Membership.Status.PENDING,
                source=Membership.Source.SELF_JOIN,
                requested_address=data.address,
                confirmation_required=True,
            )
            audit_record(
                actor=None,
                action="create",
                obj=membership,
                ward=group.ward,
                summary=f"join request {group.name}",
                ip=ip,
            )
            _confirmation_on_commit(membership)
            return JoinResult(membership=membership)
        else:
            member = Member.objects.create(
                ward_id=group.ward_id,
                full_name=data.full_name,
                phone=data.phone,
                email=data.email,
                consent_sms=data.consent_sms,
                consent_zalo=data.consent_zalo,
                consent_email=data.consent_email,
                preferred_channel=data.preferred_channel,
                search_text=_member_search_text(data.full_name, data.phone),
            )
        membership = Membership.objects.create(
            member=member,
            group=group,
            role=Membership.Role.RESIDENT,
            status=Membership.Status.PENDING,
            source=Membership.Source.SELF_JOIN,
            requested_address=data.address,
        )
        audit_record(
            actor=None, action="create", obj=membership, ward=group.ward, summary=f"join request {group.name}", ip=ip
        )
    return JoinResult(membership=membership)


def join_request_decide(*, membership: Membership, approve: bool, by: Any) -> Membership:
    """Approve or reject a pending membership (see groups.selectors.can_decide_request for who may)."""
    from groups.selectors import can_decide_request

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
        audit_record(
            actor=by,
            action="approve" if approve else "reject",
            obj=locked,
            ward=locked.group.ward,
            summary=str(locked),
        )
    return locked


# --- staff accounts -------------------------------------------------------------------------------------------


def staff_invite(*, ward: Ward, email: str, full_name: str, role: str, groups: list[ResidentialGroup], by: Any) -> Any:
    """Create a staff account with no password and email its owner a link to choose one (through Celery)."""
    from django.contrib.auth import get_user_model

    from groups.models import StaffProfile
    from groups.tasks import send_staff_invitation

    user_model = get_user_model()
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("“%(email)s” is not a valid email address.") % {"email": email}]
    if role not in StaffProfile.Role.values:
        errors["role"] = [_("Unknown role.")]
    if role == StaffProfile.Role.GROUP_LEADER and not groups:
        errors["groups"] = [_("Choose the groups this leader runs.")]
    if any(g.ward_id != ward.pk for g in groups):
        errors["groups"] = [_("The group belongs to another ward.")]
    if email and user_model.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this email already exists.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        first, _space, last = normalize_spaces(full_name).rpartition(" ")
        user = user_model(username=email[:150], email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
        profile = StaffProfile.objects.create(user=user, ward=ward, role=role)
        if role == StaffProfile.Role.GROUP_LEADER:
            profile.groups.set(groups)
        audit_record(actor=by, action="create", obj=profile, ward=ward, summary=f"{email} ({role})")
        transaction.on_commit(lambda: send_staff_invitation.delay(user.pk))
    return user

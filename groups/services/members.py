"""Writes to the organisation's people and groups: groups, members and what they agreed to, households. Each
service validates, owns its transaction, and leaves an audit event.

Services raise django.core.exceptions.ValidationError keyed by field name; forms show it beside the field and
the API returns it as JSON with the same keys."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import ContactChannel, Member, Membership, ResidentialGroup, Ward
from groups.selectors import can_see_member, member_get_for_user
from groups.services.base import household_for_address, role_clean
from groups.services.memberships import _current_group_of, membership_request
from groups.services.rollups import coverage_refresh
from portal.common.audit import audit_record, model_changes, snapshot
from portal.common.phones import normalize_phone, phone_search_keys
from portal.common.text import fold, normalize_spaces
from portal.models import AuditEvent

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


def member_new(*, group: ResidentialGroup, data: MemberData, household: Any = None) -> Member:
    """The Member row for a person first known through `group`, from data already cleaned."""
    return Member.objects.create(
        ward_id=group.ward_id,
        full_name=data.full_name,
        phone=data.phone,
        email=data.email,
        zalo_user_id=data.zalo_user_id,
        household=household,
        consent_sms=data.consent_sms,
        consent_zalo=data.consent_zalo,
        consent_email=data.consent_email,
        preferred_channel=data.preferred_channel,
        search_text=_member_search_text(data.full_name, data.phone),
    )


def members_new_bulk(*, ward: Ward, people: list[tuple[MemberData, Any]]) -> list[Member]:
    """The Member rows of many people first known through a list, from data already cleaned, each with its
    household (or None), in one insert; the caller holds the transaction."""
    return Member.objects.bulk_create(
        [
            Member(
                ward=ward,
                full_name=data.full_name,
                phone=data.phone,
                email=data.email,
                household=household,
                search_text=_member_search_text(data.full_name, data.phone),
            )
            for data, household in people
        ]
    )


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


def _phone_taken_message(existing: Member) -> str:
    return _("This phone number already belongs to %(name)s in this ward.") % {"name": existing.full_name}


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
            action=AuditEvent.Action.CREATE if creating else "update",
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
            member = member_new(
                group=group, data=data, household=household_for_address(group=group, address=data.address)
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
            coverage_refresh([group.pk])
            audit_record(
                actor=by,
                action=AuditEvent.Action.CREATE,
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
        old_household = locked.household
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
        if old_household != locked.household:
            coverage_refresh(
                [household.group_id for household in (old_household, locked.household) if household is not None]
            )
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            ward=locked.ward,
            summary=locked.full_name,
            changes=model_changes(locked, before, MEMBER_FIELDS),
            ip=ip,
        )
    return locked


def member_open(*, user: Any, pk: int, ip: str | None) -> Member:
    """A resident's record as this person may see it, and a line in the audit trail that they looked: the page
    and the API show the phone number."""
    member = member_get_for_user(user=user, pk=pk)
    audit_record(actor=user, action=AuditEvent.Action.VIEW, obj=member, ward=member.ward, ip=ip)
    return member


def members_listed(*, user: Any, ward: Ward, what: str, ip: str | None) -> None:
    """A line in the audit trail that this person read a list of residents (with their phone numbers)."""
    audit_record(actor=user, action=AuditEvent.Action.VIEW, object_type="groups.member", ward=ward, summary=what, ip=ip)

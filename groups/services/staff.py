"""Staff accounts of a ward: invitations."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from groups.models import ResidentialGroup, StaffProfile, Ward
from groups.services.messages import staff_invitation_send
from portal.common.audit import audit_record
from portal.common.text import normalize_spaces
from portal.models import AuditEvent


def staff_invite(*, ward: Ward, email: str, full_name: str, role: str, groups: list[ResidentialGroup], by: Any) -> Any:
    """Create a staff account with no password and mail its owner a link to choose one."""

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
        audit_record(actor=by, action=AuditEvent.Action.CREATE, obj=profile, ward=ward, summary=f"{email} ({role})")
        staff_invitation_send(user)
    return user

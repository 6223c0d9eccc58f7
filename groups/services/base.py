"""What the services of the organisation share: the check of a role, and the household an address names."""

from django.core import signing
from django.utils.translation import gettext as _

from groups.models import Household, Membership, ResidentialGroup
from portal.common.text import fold, normalize_spaces


def role_clean(*, role: str, organisation: str, errors: dict[str, list[str]]) -> tuple[str, str]:
    if role not in Membership.Role.values:
        errors.setdefault("role", []).append(_("Unknown role."))
    organisation = normalize_spaces(organisation)
    if role == Membership.Role.BRANCH_HEAD and not organisation:
        errors.setdefault("organisation", []).append(
            _("Please enter the organisation the branch head leads (e.g. women's union).")
        )
    return role, organisation if role == Membership.Role.BRANCH_HEAD else ""


def household_for_address(*, group: ResidentialGroup, address: str) -> Household | None:
    """The household of `group` at `address`, created on first mention; None for no address."""
    address = normalize_spaces(address)
    if not address:
        return None
    household, _created = Household.objects.get_or_create(
        group=group, address_folded=fold(address), defaults={"address": address}
    )
    return household


# The link that asks a phone's owner to confirm a membership: signed, and fresh for two weeks.
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

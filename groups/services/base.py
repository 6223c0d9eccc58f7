"""What the services of the organisation share: the check of a role, and the household an address names."""

from django.utils.translation import gettext as _

from groups.models import Household, Membership, ResidentialGroup
from portal.text import fold, normalize_spaces


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

"""Numbers and names as Vietnamese readers write them."""

from django import template

from portal.dashboard import channel_label

register = template.Library()


@register.filter
def vn_number(value: object) -> str:
    """1234567 → "1.234.567": the thousands separator Vietnamese uses, whatever the page's language."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


@register.filter
def channel_name(kind: str) -> str:
    return channel_label(kind)


@register.filter
def role_name(role: str) -> str:
    """A membership role's code ("group_head") as the words a reader knows ("Tổ trưởng")."""
    from groups.models import Membership

    return str(dict(Membership.Role.choices).get(role, role))

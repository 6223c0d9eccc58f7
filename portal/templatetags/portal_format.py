"""Numbers and names as Vietnamese readers write them."""

from django import template
from django.utils.html import format_html_join

from channels.kinds import channel_label
from groups.models import Membership
from portal.common import numbers
from portal.common.phones import national_format

register = template.Library()


# The separators Vietnamese uses, whatever the page's language.
register.filter("vn_number", numbers.vn_number)
register.filter("vn_percent", numbers.vn_percent)
register.filter("vn_money", numbers.vn_money)


@register.filter
def channel_name(kind: str) -> str:
    return channel_label(kind)


@register.filter
def role_name(role: str) -> str:
    """A membership role's code ("group_head") as the words a reader knows ("Tổ trưởng")."""

    return str(dict(Membership.Role.choices).get(role, role))


@register.filter
def phone(e164: str) -> str:
    """+84912345678 → "0912 345 678": a number as people in Vietnam write and read it."""
    return national_format(e164)


@register.filter
def code_groups(code: str) -> str:
    """A tracking code shown large, each group kept whole on its line ("PA-26-" never split as "PA-26-6 / 8NJ2"):
    the line may break only between groups."""

    parts = str(code or "").split("-")
    pieces = [(part + ("-" if index < len(parts) - 1 else ""),) for index, part in enumerate(parts)]
    return format_html_join("", '<span class="code-group">{}</span>', pieces)

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

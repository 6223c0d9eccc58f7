"""The ward's running campaigns on its public page (announcements' template), without announcements importing
campaigns: the page asks for them by this tag."""

from typing import Any

from django import template

from campaigns.selectors import campaigns_running_public

register = template.Library()


@register.inclusion_tag("campaigns/_running_public.html")
def running_campaigns(ward: Any) -> dict[str, Any]:
    return {"ward": ward, "running": campaigns_running_public(ward_id=ward.pk)}

"""A resident's personal QR code for a meeting, shown on the page their invitation opens."""

import segno
from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from campaigns.services.meetings import qr_token
from portal.common.web import public_url

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_qr(context: template.Context, announcement: object, member: object) -> SafeString:
    """The SVG of the code that the leader scans at the door (empty when the announcement has no meeting or the
    reader is not a known member). It holds the check-in address, so any camera app can read it too."""
    meeting = getattr(announcement, "meeting", None)
    if meeting is None or member is None:
        return mark_safe("")
    path = reverse("campaigns:meeting_checkin", kwargs={"token": qr_token(meeting, member)})
    svg = segno.make(public_url(context["request"], path), error="m").svg_inline(scale=6, border=2)
    return mark_safe(svg)  # segno's own SVG of our own address

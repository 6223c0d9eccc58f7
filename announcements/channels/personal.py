"""One message to one person outside a fan-out (a report's code, a request to confirm a group), on the first of
their channels that is configured: Zalo where they wrote from Zalo, else SMS to their phone, else email."""

from dataclasses import dataclass

from announcements.channels.base import Batch, Message, Result, missing_settings
from announcements.channels.email import EmailSender
from announcements.channels.sms import SmsSender
from announcements.channels.zalo import ZaloPersonalSender


@dataclass(frozen=True)
class Sent:
    channel: str  # "Zalo", "SMS" or "email", as staff read it on a timeline
    result: Result


def send_to_person(
    *, zalo_user_id: str = "", phone: str = "", email: str = "", title: str, text: str, link: str, request_id: str
) -> Sent | None:
    """Send on the person's first usable channel; None when they have none the portal can use."""
    if zalo_user_id and not missing_settings("zalo_oa"):
        # Asked on Zalo, answered on Zalo: within 48 h of their message a consultation reply is free.
        sender, address, channel = ZaloPersonalSender(), zalo_user_id, "Zalo"
    elif phone and not missing_settings("sms"):
        sender, address, channel = SmsSender(), phone, "SMS"
    elif email:
        sender, address, channel = EmailSender(), email, "email"
    else:
        return None
    message = Message(0, address, title, text, link=link, request_id=request_id)
    return Sent(channel, sender.send(Batch(request_id, [message]))[0])

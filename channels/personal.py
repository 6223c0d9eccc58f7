"""One message to one person outside a fan-out (a report's code, a request to confirm a group), on the first of
their channels that is configured: Zalo where they wrote from Zalo, else SMS to their phone, else email."""

from dataclasses import dataclass

from django.conf import settings

from channels.base import Batch, Message, Result, missing_settings
from channels.email import EmailSender
from channels.sms import SmsSender
from channels.zalo import ZaloPersonalSender


@dataclass(frozen=True)
class Sent:
    channel: str  # "Zalo", "SMS" or "email", as staff read it on a timeline
    result: Result


# Mail backends that print or drop messages instead of sending them: nobody would receive a code through them.
NOT_SENDING = {"django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend"}


def personal_channel(*, zalo_user_id: str = "", phone: str = "", email: str = "") -> str | None:
    """The channel a message to this person would go on now: "Zalo", "SMS", "email", or None."""
    if zalo_user_id and not missing_settings("zalo_oa"):
        return "Zalo"
    if phone and not missing_settings("sms"):
        return "SMS"
    if email and settings.EMAIL_BACKEND not in NOT_SENDING:
        return "email"
    return None


def send_to_person(
    *, zalo_user_id: str = "", phone: str = "", email: str = "", title: str, text: str, link: str, request_id: str
) -> Sent | None:
    """Send on the person's first usable channel; None when they have none the portal can use. Asked on Zalo,
    answered on Zalo: within 48 h of their message a consultation reply is free."""
    channel = personal_channel(zalo_user_id=zalo_user_id, phone=phone, email=email)
    if channel is None:
        return None
    sender, address = {
        "Zalo": (ZaloPersonalSender(), zalo_user_id),
        "SMS": (SmsSender(), phone),
        "email": (EmailSender(), email),
    }[channel]
    message = Message(0, address, title, text, link=link, request_id=request_id)
    return Sent(channel, sender.send(Batch(request_id, [message]))[0])

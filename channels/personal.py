"""Which channel a message to one person outside a fan-out (a report's code, a request to confirm a group) goes on:
the first of theirs that is configured, Zalo where they wrote from Zalo, else SMS to their phone, else email."""

from django.conf import settings

from channels.base import missing_settings

# Mail backends that print or drop messages instead of sending them: nobody would receive a code through them.
NOT_SENDING = {"django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend"}


def personal_channel(*, zalo_user_id: str = "", phone: str = "", email: str = "") -> str | None:
    """The channel kind a message to this person would go on now ("zalo_oa", "sms", "email"), or None."""
    if zalo_user_id and not missing_settings("zalo_oa"):
        return "zalo_oa"
    if phone and not missing_settings("sms"):
        return "sms"
    if email and settings.EMAIL_BACKEND not in NOT_SENDING:
        return "email"
    return None


# How a resident names each channel ("we sent you the code by SMS").
LABELS = {"zalo_oa": "Zalo", "sms": "SMS", "email": "email"}

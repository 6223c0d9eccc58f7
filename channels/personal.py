"""Messages to one person outside a fan-out (a report's code, a request to confirm a group, a mail to staff): which
channel one goes on (the first of theirs that is configured, in channels.routing's order: Zalo where they wrote
from Zalo, else SMS to their phone, else email), and the outbox they are queued in and read back from.

The outbox is the announcements app's delivery machinery (retries, quiet hours, delivery reports), installed here
when that app is ready: groups and feedback, which sit below announcements, send and list personal messages
through these few functions without importing it."""

from typing import Any, Protocol

from django.conf import settings

from channels.base import missing_settings
from channels.kinds import ChannelKind
from channels.routing import personal_route

# Mail backends that print or drop messages instead of sending them: nobody would receive a code through them.
NOT_SENDING = {"django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend"}


def _sends_now(kind: str) -> bool:
    if kind == ChannelKind.EMAIL:
        return settings.EMAIL_BACKEND not in NOT_SENDING
    return not missing_settings(kind)


def personal_channel(*, zalo_user_id: str = "", phone: str = "", email: str = "") -> str | None:
    """The channel kind a message to this person would go on now ("zalo_oa", "sms", "email"), or None."""
    found = personal_route({"zalo_user_id": zalo_user_id, "phone": phone, "email": email}, _sends_now)
    return found[0] if found else None


# How a resident names each channel ("we sent you the code by SMS").
LABELS = {ChannelKind.ZALO_OA: "Zalo", ChannelKind.SMS: "SMS", ChannelKind.EMAIL: "email"}


class Outbox(Protocol):
    def queue(self, **message: Any) -> Any:
        """Queue one message on one channel (kind, address, topic, what, title, text, and html, link, urgent,
        ward_id if any); made in the caller's transaction."""

    def about(self, topics: list[str]) -> Any:
        """The messages filed under these topics, with their deliveries, oldest first."""


_installed: list[Outbox] = []


def outbox_install(outbox: Outbox) -> None:
    _installed[:] = [outbox]


def _outbox() -> Outbox:
    if not _installed:
        raise RuntimeError("No outbox for personal messages: the announcements app installs it when it is ready.")
    return _installed[0]


def personal_queue(**message: Any) -> Any:
    """Queue one message on the channel and address given (`kind`, `address`)."""
    return _outbox().queue(**message)


def personal_to_person(*, zalo_user_id: str = "", phone: str = "", email: str = "", **message: Any) -> Any:
    """Queue a message on the person's first usable channel; None when they have none the portal can use."""
    found = personal_route({"zalo_user_id": zalo_user_id, "phone": phone, "email": email}, _sends_now)
    if found is None:
        return None
    return personal_queue(kind=found[0], address=found[1], **message)


def personal_sent_about(topics: list[str]) -> Any:
    """The personal messages filed under these topics, with their deliveries, oldest first."""
    return _outbox().about(topics)

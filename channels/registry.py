"""The adapters by kind: which Sender sends a kind of message, and what every provider's failure reasons mean.
Apart from base.py, which the adapters import, so that neither imports the other."""

from typing import Any

from channels import email, facebook, sms, web, zalo
from channels.base import NOT_CONFIGURED, Sender
from channels.kinds import ChannelKind

SENDERS: dict[str, type] = {
    ChannelKind.SMS: sms.SmsSender,
    ChannelKind.EMAIL: email.EmailSender,
    ChannelKind.ZALO_OA: zalo.ZaloPersonalSender,
    ChannelKind.ZALO_GROUP: zalo.ZaloGroupSender,
    ChannelKind.FACEBOOK_PAGE: facebook.FacebookPageSender,
    ChannelKind.WEB_FEED: web.WebFeedSender,
}


def failure_causes() -> list[tuple[str, Any, Any]]:
    return [NOT_CONFIGURED, *sms.FAILURE_CAUSES, *zalo.FAILURE_CAUSES, *facebook.FAILURE_CAUSES, *email.FAILURE_CAUSES]


def sender_for(kind: str) -> Sender:
    return SENDERS[kind]()


def repeat_safe(kind: str) -> bool:
    """Whether the channel's provider deduplicates request ids, so that asking again can never send twice."""
    sender = SENDERS.get(kind)
    return bool(getattr(sender, "repeat_safe", False)) if sender else False

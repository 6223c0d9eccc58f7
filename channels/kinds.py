"""The channels' vocabulary: the kinds of channel a message travels on, the channels a person may agree to be
reached on, and how people call each. One place for these words: models, forms, pages and the adapters use them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    """How a message travels. One vocabulary for the whole portal: an announcement goes on channels (these
    kinds); each delivery has one kind; an outlet (a group's or the ward's own place for posts) is of one kind;
    and a person's contact channels (ContactChannel) are the ones they agreed to be reached on."""

    ZALO_OA = "zalo_oa", _("Zalo Official Account")
    ZALO_GROUP = "zalo_group", _("Zalo group")
    FACEBOOK_PAGE = "facebook_page", _("Facebook Page")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    WEB_FEED = "web_feed", _("Web feed")


# The kinds that post to a place many read (a group's Zalo group, the ward's Page, the portal's own feed), one
# delivery for many people; the others reach one person each (channels.routing).
OUTLET_KINDS = [ChannelKind.ZALO_GROUP, ChannelKind.FACEBOOK_PAGE, ChannelKind.WEB_FEED]


class ContactChannel(models.TextChoices):
    """A channel a person agreed to be reached on (their preferred one is stored as this)."""

    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")
    EMAIL = "email", _("Email")


def channel_label(kind: str) -> str:
    """A channel as people call it: the same (translated) name the compose form and every page use."""
    return str(dict(ChannelKind.choices).get(kind, kind))

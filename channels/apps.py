from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    """The channel adapters, used by announcements and reports alike, and the providers' rotating tokens
    (channels.models.ProviderToken)."""

    name = "channels"
    label = "channels"

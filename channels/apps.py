from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    """The channel adapters, used by announcements and reports alike. No models of its own yet: the provider
    tokens are kept by announcements (ProviderToken)."""

    name = "channels"
    label = "channels"

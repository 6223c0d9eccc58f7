"""What the channel adapters keep of their own: the providers' rotating credentials."""

from django.db import models


class ProviderToken(models.Model):
    """A rotating provider credential (Zalo's refresh token is single-use), seeded from settings.

    Never shown in the admin, the API or logs. Its table keeps the name it had when announcements held it.
    """

    provider = models.CharField(max_length=40, unique=True)
    access_token = models.TextField()
    refresh_token = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "announcements_providertoken"

    def __str__(self) -> str:
        return self.provider  # never the token itself

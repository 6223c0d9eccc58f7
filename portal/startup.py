"""Checks a serving process (the web server, a Celery worker) makes before it takes its first request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """With DEBUG off, refuse to start on the fallback key: it is in the public source, and it signs sessions,
    the reporter links and the announcement keys."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the portal does not start without its own secret "
            "key: set DJANGO_SECRET_KEY to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )

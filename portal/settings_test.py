"""The test suite's settings: production's, speaking plain HTTP and hashing passwords quickly."""

from portal.settings import *  # noqa: F403

# The test client and the live server for the browser tests speak HTTP on 127.0.0.1.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Hundreds of logins per run; the production hasher is deliberately slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Not the fallback: the suite starts real workers, which refuse the fallback key with DEBUG off.
SECRET_KEY = "test-only-secret-key-for-the-suite-0123456789-abcdefghijklmnopqrstuvwxyz"

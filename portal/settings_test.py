"""The test suite's settings: production's, speaking plain HTTP and hashing passwords quickly."""

import os
import re

# Under pytest-xdist (`make test-fast`) each worker process gets its own Redis database and files folder, so one
# worker's cache flush or upload never meets another's; the test database is already one per worker. Set in the
# environment before the settings read it, so a Celery worker a test starts inherits the same.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
# Once per worker: a process the test starts inherits the changed environment and must not shift it again.
if (
    _worker.startswith("gw")
    and _worker[2:].isdigit()
    and int(_worker[2:]) > 0
    and not os.environ.get("PORTAL_TEST_WORKER")
):
    os.environ["PORTAL_TEST_WORKER"] = _worker
    _offset = int(_worker[2:])
    for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
        _url = os.environ.get(_name, "")
        _found = re.fullmatch(r"(redis://[^/]+/)(\d+)", _url)
        if _found:
            os.environ[_name] = f"{_found[1]}{(int(_found[2]) - _offset) % 16}"
    if os.environ.get("PORTAL_VAR_DIR"):
        os.environ["PORTAL_VAR_DIR"] = os.path.join(os.environ["PORTAL_VAR_DIR"], _worker)

from portal.settings import *  # noqa: E402, F403

# The test client and the live server for the browser tests speak HTTP on 127.0.0.1.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Hundreds of logins per run; the production hasher is deliberately slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Not the fallback: the suite starts real workers, which refuse the fallback key with DEBUG off.
SECRET_KEY = "test-only-secret-key-for-the-suite-0123456789-abcdefghijklmnopqrstuvwxyz"

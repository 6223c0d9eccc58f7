"""A report's tracking code: how it is made, and how one typed or read back by a resident is understood. Plain
text, below the services, so the status page's lookup and the services both use it without importing each other."""

import re
import secrets
from datetime import datetime

from django.utils import timezone

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: a code is read aloud over the phone


_TYPED_CODE = re.compile(r"([A-Z]{2})([0-9]{2})([0-9A-Z]{5})")


def tracking_code_clean(text: str) -> str:
    """A tracking code as a resident types or reads it back: "pa 26 68nj2", "PA2668NJ2" and "PA-26-68NJ2" are
    one code. Case, spaces, dashes and dots do not count; anything else is returned upper-cased, to match
    nothing."""
    squeezed = re.sub(r"[\s\-–—_.·/]", "", (text or "").upper())[:32]
    found = _TYPED_CODE.fullmatch(squeezed)
    return "-".join(found.groups()) if found else squeezed


def new_tracking_code(now: datetime | None = None) -> str:
    year = timezone.localtime(now or timezone.now()).strftime("%y")
    return f"PA-{year}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(5))

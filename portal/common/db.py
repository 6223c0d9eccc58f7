"""Database helpers every app shares."""

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate


def vietnamese(field: str) -> Collate | F:
    """Order names as Vietnamese readers expect (portal migration 0003's ICU collation), with numbers by value;
    SQLite has no ICU, so there the plain order stands."""
    if connection.vendor == "postgresql":
        return Collate(F(field), "vi_natural")
    return F(field)

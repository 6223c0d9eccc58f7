"""Reads that may go to a read replica, when a province outgrows one database (DATABASE_REPLICA_URL set): the
province's page, its API and its report, which read roll-ups a few seconds stale without harm. Everything else,
and every write, stays on the primary: an officer must see what they just did.

A view or a job marks its reads with `replica_reads()`; the router sends a read inside it to the "replica"
database when there is one, and to the primary otherwise (or inside a transaction, which must read what it
wrote)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _reading.get() or REPLICA not in settings.DATABASES:
            return None
        if connections["default"].in_atomic_block:
            return None  # a transaction reads its own writes
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary's schema by replication, never by migrate

"""The delivery table, partitioned by month on PostgreSQL (declarative range partitioning on `month`).

Why: a province's alert is five million rows, and dozens a year make a table no index fits in memory and no
retention period can trim without a delete of millions of rows. A month's rows are one table of their own, so
the current month's indexes stay small and a month past the retention period goes in one DROP
(announcements.services.retention).

Layout: `announcements_delivery` is the partitioned parent; `announcements_delivery_YYYY_MM` holds one month's
rows and `announcements_delivery_default` whatever month has no partition yet (a safety net: an insert never
fails for want of one). The parent's primary key is (id, month) and its unique keys carry the month, as a
partitioned table's must. Partitions are made a few months ahead by the beat (tasks.deliveries_keep) and at
dispatch when missing; a partition made for a month the default already holds rows of takes them over.

SQLite (the embedded `make run`) has no partitioning: the table stays one, and retention deletes a month's rows.
Migration 0014 calls partition_table and, backwards, unpartition_table: they must keep working for it.
"""

from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

TABLE = "announcements_delivery"
DEFAULT = f"{TABLE}_default"
# A delivery is written once more after its insert (its result): room left in every page keeps that write a HOT
# update, which touches no index. Set on every partition (a partitioned parent has no storage of its own).
FILLFACTOR = 60
# The names are the schema's (Django's constraint names, so that later migrations find them).
PRIMARY = f"{TABLE}_pkey"
PERSON_KEY = "one_message_per_person"
OUTLET_KEY = "one_post_per_outlet"
# Partitions are made this many months ahead of the current one, so that no month's rows start in the default.
MONTHS_AHEAD = 2


def month_start(moment: datetime | None = None) -> date:
    """The first day of the month (local time) a moment falls in: a delivery's partition key."""
    return timezone.localdate(moment).replace(day=1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def partitioned() -> bool:
    """Whether the delivery table is partitioned here (PostgreSQL, after migration 0014)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partition_months() -> list[date]:
    """The months that have a partition of their own, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(%s) AND c.relname <> %s
            """,
            [TABLE, DEFAULT],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        year, month = name.removeprefix(f"{TABLE}_").split("_")
        months.append(date(int(year), int(month), 1))
    return sorted(months)


def partition_make(month: date) -> bool:
    """Make the month's partition if it has none (True when it was made). Concurrent callers wait for each other
    on an advisory lock; rows of that month already in the default partition move into it, in the same
    transaction. Made apart and then attached, which locks the parent only against other DDL, not against the
    fan-out writing to it."""
    name = partition_name(month)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TABLE])
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
            f"WITH (fillfactor = {FILLFACTOR})"
        )
        bounds = [month, next_month(month)]
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DEFAULT])
        if cursor.fetchone()[0]:
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT} WHERE month >= %s AND month < %s RETURNING *) "
                f"INSERT INTO {name} SELECT * FROM moved",
                bounds,
            )
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", bounds)
    return True


# Months whose partition this process has seen: a dispatch asks the catalog only for a month it has not.
_seen: set[date] = set()


def partition_missing(month: date) -> bool:
    """Whether the month lacks its partition, for a dispatch about to write its rows (the beat makes them ahead;
    this covers a beat that did not run). Asked on the caller's connection and taking no lock; False on an
    unpartitioned table."""
    if month in _seen or not partitioned():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NULL", [partition_name(month)])
        missing = cursor.fetchone()[0]
    if not missing:
        _seen.add(month)
    return missing


def partition_drop(cursor: Any, month: date) -> None:
    """Detach the month's partition and drop it, inside the caller's transaction (which also summarised it)."""
    name = partition_name(month)
    cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
    cursor.execute(f"DROP TABLE {name}")


def _keys(cursor: Any, table: str, *, primary: list[str]) -> None:
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {PRIMARY} PRIMARY KEY ({', '.join(primary)})")
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {PERSON_KEY} UNIQUE (announcement_id, member_id, month)")
    cursor.execute(
        f"CREATE UNIQUE INDEX {OUTLET_KEY} ON {table} (announcement_id, outlet_id, month) WHERE outlet_id IS NOT NULL"
    )


def _free_names(cursor: Any, table: str) -> None:
    """Drop a table's keys, whose names the new table takes (index names are the schema's, not the table's)."""
    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {PRIMARY}")
    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {PERSON_KEY}")
    cursor.execute(f"DROP INDEX IF EXISTS {OUTLET_KEY}")


def _sequence_follow(cursor: Any, old_sequence: str) -> str:
    """The new table's id sequence goes on from where the old one was, under the old one's name."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {old_sequence}")
    last, called = cursor.fetchone()
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}")
    top = cursor.fetchone()[0]
    if called or top:
        cursor.execute("SELECT setval(%s, %s)", [sequence, max(last, top)])
    return sequence


def _rebuild(cursor: Any, *, partitioned_by_month: bool, ahead: int) -> None:
    """Move the delivery table's rows into a new table of the other kind under the same name, in the caller's
    transaction: the old one renamed aside, the new one made and filled, its keys built after the load (faster
    than keeping them up row by row), the old one dropped."""
    aside = f"{TABLE}_old"
    cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    old_sequence = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {aside}")
    _free_names(cursor, aside)
    like = f"LIKE {aside} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY"
    if partitioned_by_month:
        cursor.execute(f"CREATE TABLE {TABLE} ({like}) PARTITION BY RANGE (month)")
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT WITH (fillfactor = {FILLFACTOR})")
        cursor.execute(f"SELECT DISTINCT month FROM {aside}")
        months = {row[0] for row in cursor.fetchall()}
        this = month_start()
        months |= {add_months(this, n) for n in range(ahead + 1)}
        for month in sorted(months):
            cursor.execute(
                f"CREATE TABLE {partition_name(month)} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s) "
                f"WITH (fillfactor = {FILLFACTOR})",
                [month, next_month(month)],
            )
    else:
        cursor.execute(f"CREATE TABLE {TABLE} ({like}) WITH (fillfactor = {FILLFACTOR})")
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {aside}")
    new_sequence = _sequence_follow(cursor, old_sequence)
    cursor.execute(f"DROP TABLE {aside}")
    if new_sequence != old_sequence:
        cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {old_sequence.split('.')[-1]}")
    _keys(cursor, TABLE, primary=["id", "month"] if partitioned_by_month else ["id"])
    cursor.execute(f"ANALYZE {TABLE}")


def partition_table(cursor: Any, *, ahead: int = MONTHS_AHEAD) -> None:
    """Make the (plain) delivery table partitioned by month: one partition for every month its rows have, this
    month's and `ahead` more, and the default. In one transaction (of its own, or the caller's)."""
    with transaction.atomic(using=cursor.db.alias):
        _rebuild(cursor, partitioned_by_month=True, ahead=ahead)


def unpartition_table(cursor: Any) -> None:
    """Make the partitioned delivery table one plain table again, rows and keys kept, in one transaction."""
    with transaction.atomic(using=cursor.db.alias):
        _rebuild(cursor, partitioned_by_month=False, ahead=0)

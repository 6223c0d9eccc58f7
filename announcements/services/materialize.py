"""Step 1 of the fan-out (see announcements.services.fanout for the whole protocol): the delivery rows and
their batches, made in a few INSERT … SELECT statements.

A large audience is made in parts, by as many database connections at once (one per core is what helps): the
people are shared out by ranges of member id, and every part numbers its own batches (number × parts + part), so the
parts never need each other. Its batches are made with their people, not yet their rows: a worker makes a batch's
rows when it claims it (claims.make_rows), so dispatching a million takes seconds and the inserts run beside the
sending. The part of the dispatching task's own connection commits with
`materialized_at`; the others commit just before it, each with its batches. Nothing is sent before
`materialized_at` is set, so what a failed dispatch left is discarded and made again by the next one.
"""

import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from announcements.audience import audience_sql, target_group_sql
from announcements.models import Announcement, Delivery, DeliveryBatch
from announcements.partitions import month_start, partition_make, partition_missing
from announcements.services.base import ALL_KINDS, OUTLET_KINDS
from channels.registry import sender_for
from channels.routing import address_sql
from groups.models import Member

DELIVERY_COLUMNS = """(announcement_id, kind, member_id, outlet_id, batch, address, status, retries, not_before,
    provider_message_id, request_id, reason, sent_at, delivered_at, updated_at, month)"""
BATCH_COLUMNS = (
    "(announcement_id, kind, number, attempts, lease_until, not_before, plan, done, first_id, last_id, month)"
)
BATCH_COLUMNS_WITH_MEMBERS = BATCH_COLUMNS[:-1] + ", members, members_count)"


def quiet_sms_not_before(now: datetime) -> datetime | None:
    start_text, end_text = settings.QUIET_HOURS_SMS.split("-")
    start = time.fromisoformat(start_text.strip())
    end = time.fromisoformat(end_text.strip())
    local = timezone.localtime(now)
    current = local.time()
    quiet = (start <= current or current < end) if start > end else (start <= current < end)
    if not quiet:
        return None
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning


def _batch_sizes() -> tuple[str, list[Any]]:
    """A CASE giving each channel's batch size, for numbering rows into batches inside the INSERT."""
    sizes = [(kind, sender_for(kind).batch_size) for kind in ALL_KINDS]
    return "CASE kind " + " ".join("WHEN %s THEN %s" for _kind in sizes) + " ELSE 1 END", [
        value for pair in sizes for value in pair
    ]


def materialize_parts(households: int) -> int:
    """How many connections make an audience of this many declared households (one on SQLite)."""
    if connection.vendor != "postgresql" or households < settings.DELIVERY_MATERIALIZE_SPLIT_HOUSEHOLDS:
        return 1
    return max(1, settings.DELIVERY_MATERIALIZE_PARTS)


def deliveries_materialize(
    *, announcement: Announcement, now: datetime | None = None, parts: int = 1, lazy: bool = False
) -> int:
    """One delivery per targeted person (audience_sql) and one per group outlet, each numbered into its batch,
    and one DeliveryBatch per batch with the range of ids its rows lie in. Returns how many rows were made.

    Called once per announcement, under its lock (announcement_dispatch): a repeat finds `materialized_at` set.
    `lazy`: batches made with their people (as a large audience's are) whatever the audience's size.
    The unique indexes stay as the last guard, but without ON CONFLICT, whose check of every row costs a third
    of the insert. Parts other than this connection's run in threads (each with a connection of its own).
    """
    now = now or timezone.now()
    month = month_start(now)
    if partition_missing(month):
        # Made in a transaction of its own: its lock is not held until the dispatch commits.
        _on_own_connection(lambda: partition_make(month))
    if parts > 1:
        # Rows a dispatch left when it failed after a helper's part committed: nothing of them went out (send
        # chains start only once `materialized_at` is set), so they are made again. Deleted on a connection of
        # its own, committed before the parts insert the same people again.
        _on_own_connection(lambda: _discard(announcement.pk))
    bounds = [None, *_split_points(announcement.ward_id, parts), None]
    made = [0] * parts
    helpers = [
        _Helper(lambda part=part: _make_part(announcement, now, part, parts, bounds[part], bounds[part + 1], lazy))
        for part in range(1, parts)
    ]
    try:
        made[0] = _make_part(announcement, now, 0, parts, bounds[0], bounds[1], lazy)
    finally:
        for helper in helpers:
            helper.join()
    for part, helper in enumerate(helpers, start=1):
        made[part] = helper.result()
    return sum(made)


def _split_points(ward_id: int, parts: int) -> list[int]:
    """Member ids that cut the ward's members into `parts` ranges of about equal width. Ranges, not id modulo
    parts: each part then inserts into its own stretch of the (announcement, member) index instead of all of
    them into the same last page, and the planner estimates a range well. The first and the last part are
    open-ended, so every member is in exactly one part, whatever the bounds."""
    bounds = Member.objects.filter(ward_id=ward_id).aggregate(low=Min("id"), high=Max("id"))
    if parts < 2 or bounds["low"] is None:
        return [0] * max(0, parts - 1)
    width = (bounds["high"] - bounds["low"] + 1) / parts
    return [bounds["low"] + round(width * k) for k in range(1, parts)]


class _Helper(threading.Thread):
    """A function run in a transaction of its own, on a connection of its own (Django's are per thread)."""

    def __init__(self, function: Any) -> None:
        super().__init__(daemon=True)
        self.function = function
        self.value: Any = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Its commit need not wait for the disk: the dispatch's own commit comes later in the same
                    # log, so once that one is durable this one is too, and if the server stops before, the
                    # dispatch is made again from the start.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit = off")
                self.value = self.function()
        except BaseException as error:  # handed to the dispatching thread, which fails the whole dispatch
            self.error = error
        finally:
            connection.close()

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


def _on_own_connection(function: Any) -> Any:
    helper = _Helper(function)
    helper.join()
    return helper.result()


def _discard(announcement_id: int) -> None:
    Delivery.objects.filter(announcement_id=announcement_id).delete()
    DeliveryBatch.objects.filter(announcement_id=announcement_id).delete()


@dataclass
class _Part:
    """The SQL of one part of a fan-out: the people whose member id is in [id_from, id_to) and, in part 0, the
    outlets. Each statement comes with its parameters, in the order its placeholders take them."""

    announcement: Announcement
    now: datetime
    part: int
    parts: int
    id_from: int | None
    id_to: int | None

    def __post_init__(self) -> None:
        # Every row and batch of the announcement carries the month it is dispatched in: its partition.
        self.month = month_start(self.now)
        urgent = self.announcement.urgency == Announcement.Urgency.URGENT
        self.sms_not_before = None if urgent else quiet_sms_not_before(self.now)
        self.sizes_sql, self.sizes_params = _batch_sizes()
        self.people, self.people_params = audience_sql(self.announcement, id_from=self.id_from, id_to=self.id_to)

    @property
    def not_before_params(self) -> list[Any]:
        return [self.sms_not_before] if self.sms_not_before else []

    def not_before_sql(self, kind_column: str) -> str:
        # A bare NULL, not a CASE of NULLs, which PostgreSQL would type as text.
        return f"CASE WHEN {kind_column} = 'sms' THEN %s ELSE NULL END" if self.sms_not_before else "NULL"

    def people_select(self) -> tuple[str, list[Any]]:
        """One row a person: rows of one channel are numbered in member order and cut into batches of the
        channel's size; the batch numbers of the parts interleave."""
        sql = f"""
            SELECT %s, c.kind, c.member_id, NULL,
                CASE WHEN c.kind = '' THEN NULL ELSE ((c.n - 1) / c.size) * %s + %s END,
                {address_sql("c.kind", "c")},
                CASE WHEN c.kind = '' THEN 'skipped' ELSE 'queued' END, 0, {self.not_before_sql("c.kind")},
                '', '', CASE WHEN c.kind = '' THEN 'no_consent' ELSE '' END, NULL, NULL, %s, %s
            FROM (
                SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.kind ORDER BY p.member_id) AS n, {self.sizes_sql} AS size
                FROM ({self.people}) p
            ) c
            ORDER BY c.kind, c.member_id
        """
        a = self.announcement
        return sql, [
            a.pk,
            self.parts,
            self.part,
            *self.not_before_params,
            self.now,
            self.month,
            *self.sizes_params,
            *self.people_params,
        ]

    def outlets_select(self) -> tuple[str, list[Any]] | None:
        """One row an outlet of the targeted groups (or of the whole ward), made with part 0 only."""
        a = self.announcement
        kinds = [k for k in OUTLET_KINDS if k in a.channels]
        if not kinds or self.part != 0:
            return None
        groups_sql, groups_params = target_group_sql(a)
        sql = f"""
            SELECT %s, c.kind, NULL, c.id, (c.n - 1) / c.size * %s, c.external_id, 'queued', 0, NULL, '', '', '',
                   NULL, NULL, %s, %s
            FROM (
                SELECT ch.id, ch.kind, ch.external_id,
                       ROW_NUMBER() OVER (PARTITION BY ch.kind ORDER BY ch.id) AS n, {self.sizes_sql} AS size
                FROM groups_outlet ch
                WHERE ch.ward_id = %s AND ch.is_active AND ch.mode = 'per_group'
                  AND ch.kind IN ({", ".join(["%s"] * len(kinds))})
                  AND (ch.group_id IS NULL OR ch.group_id IN ({groups_sql}))
            ) c
            ORDER BY c.kind, c.n
        """
        return sql, [a.pk, self.parts, self.now, self.month, *self.sizes_params, a.ward_id, *kinds, *groups_params]

    def batches_select(self, rows: str) -> tuple[str, list[Any]]:
        """The batches of the rows in `rows` (a table expression), with the quiet hours their SMS wait for."""
        sql = f"""
            SELECT %s, kind, batch, 0, NULL, {self.not_before_sql("kind")}, NULL, %s, MIN(id), MAX(id), %s
            FROM {rows} WHERE batch IS NOT NULL GROUP BY kind, batch
        """
        return sql, [self.announcement.pk, *self.not_before_params, False, self.month]

    def snapshot(self) -> tuple[str, list[Any]]:
        """A large audience: its batches are made with their people, and their rows later, by the worker that
        claims each (claims.make_rows), so the million-row insert runs in the send chains beside the sending.
        Only the people reached on no channel get their (skipped) row now. Each channel's people are gathered
        into one sorted array and cut into batches by slices of it (one sort, no numbering of every row)."""
        a = self.announcement
        sql = f"""
            WITH c AS MATERIALIZED (SELECT p.member_id, p.kind FROM ({self.people}) p),
            skipped AS (
                INSERT INTO {Delivery._meta.db_table} {DELIVERY_COLUMNS}
                SELECT %s, '', c.member_id, NULL, NULL, '', 'skipped', 0, NULL, '', '', 'no_consent', NULL, NULL, %s,
                       %s
                FROM c WHERE c.kind = '' ORDER BY c.member_id
                RETURNING 1
            ),
            channel AS (
                SELECT kind, array_agg(member_id ORDER BY member_id) AS ids, {self.sizes_sql} AS size
                FROM c WHERE kind <> '' GROUP BY kind
            ),
            batches AS (
                INSERT INTO {DeliveryBatch._meta.db_table} {BATCH_COLUMNS_WITH_MEMBERS}
                SELECT %s, k.kind, g.local * %s + %s, 0, NULL, {self.not_before_sql("k.kind")}, NULL, false, NULL,
                       NULL, %s, to_jsonb(k.ids[g.local * k.size + 1 : (g.local + 1) * k.size]),
                       cardinality(k.ids[g.local * k.size + 1 : (g.local + 1) * k.size])
                FROM channel k CROSS JOIN LATERAL generate_series(0, (cardinality(k.ids) - 1) / k.size) AS g(local)
                RETURNING members_count
            )
            SELECT (SELECT COUNT(*) FROM skipped) + (SELECT COALESCE(SUM(members_count), 0) FROM batches)
        """
        params = [*self.people_params, a.pk, self.now, self.month, *self.sizes_params, a.pk, self.parts, self.part]
        return sql, [*params, *self.not_before_params, self.month]


def _make_part(
    announcement: Announcement,
    now: datetime,
    part: int,
    parts: int,
    id_from: int | None,
    id_to: int | None,
    lazy: bool = False,
) -> int:
    """The rows of the people whose member id is in [id_from, id_to) (and, in part 0, the outlets'), and their
    batches, in this connection's transaction."""
    sql = _Part(announcement, now, part, parts, id_from, id_to)
    outlets = sql.outlets_select()
    large = (parts > 1 or lazy) and connection.vendor == "postgresql"
    # A large audience's people are in its snapshot; the outlets' rows, if any, are made now as for any audience.
    selects = [s for s in ([] if large else [sql.people_select()]) + [outlets] if s is not None]
    table = Delivery._meta.db_table
    made = 0
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for select, params in selects:
                cursor.execute(f"INSERT INTO {table} {DELIVERY_COLUMNS} {select}", params)
                made += max(cursor.rowcount, 0)
            batches, batches_params = sql.batches_select(f"(SELECT * FROM {table} WHERE announcement_id = %s)")
            cursor.execute(
                f"INSERT INTO {DeliveryBatch._meta.db_table} {BATCH_COLUMNS} {batches}",
                [*batches_params, announcement.pk],
            )
            return made
        # For this transaction only: the numbering sorts in memory instead of on disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        if large:
            cursor.execute(*sql.snapshot())
            made += cursor.fetchone()[0]
        batches, batches_params = sql.batches_select("made")
        for select, params in selects:
            # The batches from the rows the insert returns, not from a second read of the table.
            cursor.execute(
                f"""
                WITH made AS (INSERT INTO {table} {DELIVERY_COLUMNS} {select} RETURNING id, kind, batch),
                batches AS (INSERT INTO {DeliveryBatch._meta.db_table} {BATCH_COLUMNS} {batches})
                SELECT COUNT(*) FROM made
                """,
                [*params, *batches_params],
            )
            made += cursor.fetchone()[0]
    return made

"""Claiming a batch of deliveries and recording what the provider answered, as compare-and-set writes on
the claim (see announcements.services.fanout for the protocol)."""

import random
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from announcements.channels import Result, ResultKind
from announcements.channels.base import Batch
from announcements.models import Delivery
from announcements.services.base import ALL_KINDS
from portal.text import mask_contacts


def _free_batches(rows: Any, now: datetime) -> Any:
    """Claimed rows no worker holds now: the lease of a dead worker ran out, or a retry's back-off is over."""
    return rows.filter(status=Delivery.Status.SENDING).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True, not_before__lte=now)
    )


def _due_kinds(announcement_id: int, now: datetime) -> dict[str, int]:
    """Per channel, how many deliveries could be claimed now (queued and due, or a batch free to take over)."""
    due: dict[str, int] = {}
    for kind in ALL_KINDS:
        rows = Delivery.objects.filter(announcement_id=announcement_id, kind=kind)
        queued = rows.filter(status=Delivery.Status.QUEUED).filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        count = queued.count()
        if count or _free_batches(rows, now).exists():
            due[kind] = max(count, 1)
    return due


@dataclass(frozen=True)
class Claimed:
    """What sending needs of a claimed delivery: a tuple, not a model instance (5,000 of those cost ~0.2 s)."""

    id: int
    member_id: int | None
    kind: str
    address: str
    attempts: int
    request_id: str
    retries: int

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class Claim:
    """A batch in one worker's hands: its key, and the attempt that fences its writes. Every row of a batch has
    the same attempt count; a worker that took the batch over raised it, so the late results of the worker it
    took over from match no row."""

    batch_key: str
    attempt: int
    deliveries: list[Claimed]

    def rows(self) -> Any:
        return Delivery.objects.filter(batch_key=self.batch_key, attempts=self.attempt, status=Delivery.Status.SENDING)


def _claimed(rows: Any) -> list[Claimed]:
    fields = ("id", "member_id", "kind", "address", "attempts", "request_id", "retries")
    return [Claimed(*row) for row in rows.order_by("id").values_list(*fields)]


def _claim(announcement_id: int, kind: str, size: int) -> Claim | None:
    """Take a batch: first one no worker holds (a dead worker's, or one whose retry came due), whole, with its
    key and request ids; otherwise the next queued rows, skipping rows others hold."""
    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    rows = Delivery.objects.filter(announcement_id=announcement_id, kind=kind)
    with transaction.atomic():
        free = _free_batches(rows, now).select_for_update(skip_locked=True).order_by("id")
        key = free.values_list("batch_key", flat=True).first()
        if key:
            # The whole batch in one statement; of two workers that found it, the second waits for the first's
            # commit, finds the lease taken and updates nothing.
            taken = _free_batches(rows.filter(batch_key=key), now).update(
                lease_until=lease_until, not_before=None, attempts=F("attempts") + 1
            )
            if taken:
                claimed = _claimed(rows.filter(batch_key=key, status=Delivery.Status.SENDING))
                return Claim(key, claimed[0].attempts, claimed)
        queued = (
            rows.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.QUEUED)
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        )
        picked = list(queued.order_by("id").values_list("id", "request_id")[:size])
        if not picked:
            return None
        ids = [pk for pk, _request in picked]
        # Rows that share a request id from an earlier try (a bulk request whose answer never came, then "retry
        # failed") go together, so the repeat carries every number the first request did.
        shared = {request for _pk, request in picked if request}
        if shared:
            ids += list(queued.filter(request_id__in=shared).exclude(id__in=ids).values_list("id", flat=True))
        key = uuid.uuid4().hex
        Delivery.objects.filter(id__in=ids, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SENDING, batch_key=key, lease_until=lease_until, not_before=None, attempts=1
        )
    return Claim(key, 1, _claimed(Delivery.objects.filter(batch_key=key, status=Delivery.Status.SENDING)))


def _plan_request_ids(sender: Any, claim: Claim, batch: Batch) -> Batch:
    """Fix the request ids of rows that have none yet, and store them before anything is sent: a worker that
    dies mid-request leaves them behind for the one that takes the batch over."""
    plan = getattr(sender, "request_ids", None)
    if plan is None:
        return batch
    planned = {pk: request for pk, request in plan(batch).items() if request}
    if not planned:
        return batch
    _store_request_ids(claim, planned)
    messages = [replace(m, request_id=m.request_id or planned.get(m.delivery_id, "")) for m in batch.messages]
    return replace(batch, messages=messages)


def _store_request_ids(claim: Claim, planned: dict[int, str]) -> None:
    """One statement per thousand rows, whatever the plan: a batch of personal links plans a different id for
    every row, and one UPDATE each would be thousands of statements per batch. Fenced by the claim like any write
    of a worker; SQLite (the embedded default) takes the same SQL."""
    table = Delivery._meta.db_table
    pairs = list(planned.items())
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(pairs), 1000):
            chunk = pairs[start : start + 1000]
            cursor.execute(
                f"""
                WITH planned (id, request_id) AS (VALUES {", ".join(["(%s, %s)"] * len(chunk))})
                UPDATE {table} SET request_id = planned.request_id
                FROM planned
                WHERE {table}.id = planned.id AND {table}.request_id = '' AND {table}.batch_key = %s
                  AND {table}.attempts = %s AND {table}.status = %s
                """,
                [*(value for pair in chunk for value in pair), claim.batch_key, claim.attempt, Delivery.Status.SENDING],
            )


def _backoff(retries: int) -> timedelta:
    base = settings.DELIVERY_RETRY_BASE_SECONDS * (2 ** max(0, retries - 1))
    return timedelta(seconds=min(base, 3600) * random.uniform(0.5, 1.5))


def _retries_after(delivery: Claimed, result: Result) -> int:
    """Unanswered tries of the row's request, counting this one; a try that reached a new, smaller request (a
    refused bulk narrowed down) is the first of that request."""
    moved_on = bool(result.request_id) and result.request_id != delivery.request_id
    return 1 if moved_on else delivery.retries + 1


def _apply(claim: Claim, results: list[Result], *, announcement_id: int, kind: str) -> None:
    """Write every result into its delivery row, grouping identical updates into one statement. Each write is a
    compare-and-set on the claim (batch key, attempt, still sending): a worker that lost the batch writes nothing.
    """
    now = timezone.now()
    by_id = {d.pk: d for d in claim.deliveries}
    unanswered = {ResultKind.RETRY, ResultKind.AUTH}
    retries = {
        r.delivery_id: _retries_after(by_id[r.delivery_id], r)
        for r in results
        if r.kind in unanswered and r.delivery_id in by_id
    }
    # One back-off for the whole batch: what is still to retry is retried together, by one worker, at one time.
    retry_at = now + _backoff(min(retries.values(), default=1))
    updates: dict[tuple, tuple[dict[str, Any], list[int]]] = {}
    pause_until: datetime | None = None
    for result in results:
        delivery = by_id.get(result.delivery_id)
        if delivery is None:
            continue
        # Provider text may quote the address it refused; staff outside a tip unit read these reasons.
        reason = mask_contacts(result.reason)[:300]
        request = {"request_id": result.request_id[:64]} if result.request_id else {}
        if result.kind == ResultKind.ACCEPTED:
            values: dict[str, Any] = {
                "status": Delivery.Status.SENT,
                "sent_at": now,
                "provider_message_id": result.provider_message_id[:128],
                "reason": reason,
                "lease_until": None,
            } | request
        elif result.kind == ResultKind.DELIVERED:
            values = {
                "status": Delivery.Status.DELIVERED,
                "sent_at": now,
                "delivered_at": now,
                "lease_until": None,
                "provider_message_id": result.provider_message_id[:128],
            } | request
        elif result.kind == ResultKind.PERMANENT or (
            result.kind in unanswered and retries[result.delivery_id] >= settings.DELIVERY_MAX_ATTEMPTS
        ):
            # The request id stays: after an answer that never came, "retry failed" repeats it, and the provider
            # says "already sent" if it did get through.
            values = {"status": Delivery.Status.FAILED, "reason": reason, "lease_until": None} | request
        elif result.kind in unanswered:
            # Still claimed, with the same batch key and request ids; free to take over once the back-off is over.
            values = {
                "reason": reason,
                "lease_until": None,
                "not_before": retry_at,
                "retries": retries[result.delivery_id],
            } | request
        else:  # DEFERRED or QUOTA: surely not sent, so it may go later in any batch, under a new request id
            not_before = (
                datetime.fromtimestamp(result.not_before, tz=timezone.get_current_timezone())
                if result.not_before
                else now + timedelta(hours=1)
            )
            if result.kind == ResultKind.QUOTA:
                pause_until = not_before
            values = {
                "status": Delivery.Status.QUEUED,
                "batch_key": "",
                "lease_until": None,
                "not_before": not_before,
                "reason": reason,
                "request_id": "",
                "attempts": 0,
                "retries": 0,
            }
        key = tuple(sorted((k, str(v)) for k, v in values.items()))
        updates.setdefault(key, (values, []))[1].append(result.delivery_id)
    with transaction.atomic():
        if len(updates) == 1 and len(next(iter(updates.values()))[1]) == len(claim.deliveries):
            # The usual case, a whole batch with one outcome: found by its key (a small partial index) rather
            # than by a list of thousands of ids.
            values, _ids = next(iter(updates.values()))
            claim.rows().update(**values)
            updates = {}
        for values, ids in updates.values():
            claim.rows().filter(id__in=ids).update(**values)
        if pause_until is not None:
            # Out of quota: the whole channel waits, rather than every batch hitting the same wall.
            Delivery.objects.filter(announcement_id=announcement_id, kind=kind, status=Delivery.Status.QUEUED).filter(
                Q(not_before__isnull=True) | Q(not_before__lt=pause_until)
            ).update(not_before=pause_until)

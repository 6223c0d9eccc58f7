"""Claiming a batch of deliveries and recording what the provider answered, as writes fenced by the claim
(see announcements.services.fanout for the protocol)."""

import dataclasses
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from announcements.models import Delivery, DeliveryBatch, batch_deliveries
from announcements.services.materialize import DELIVERY_COLUMNS
from channels import Result, ResultKind, ids
from channels.registry import repeat_safe
from channels.routing import address_sql
from portal.common.text import mask_contacts


def free_batches(announcement_id: int | None, now: datetime) -> Any:
    """Batches with work left that no worker holds now and that are due: never claimed, a dead worker's whose
    lease ran out, or one whose back-off is over."""
    return DeliveryBatch.objects.filter(announcement_id=announcement_id, done=False).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def due_kinds(announcement_id: int | None, now: datetime) -> dict[str, int]:
    """Per channel, how many batches could be claimed now."""
    rows = free_batches(announcement_id, now).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Claimed:
    """What sending needs of a claimed delivery: a tuple, not a model instance (5,000 of those cost ~0.2 s)."""

    id: int
    member_id: int | None
    kind: str
    address: str
    request_id: str
    retries: int

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class Claim:
    """A batch in one worker's hands: which one, and the attempt that fences its writes. A worker that took the
    batch over raised the attempt, so the late results of the worker it took over from match nothing."""

    batch_id: int
    announcement_id: int | None  # None: a personal message's batch
    kind: str
    number: int
    first_id: int | None
    last_id: int | None
    attempt: int
    plan: dict[str, list[int]] | None
    deliveries: list[Claimed]
    month: date | None = None  # the batch's, whose partition holds its rows

    @property
    def key(self) -> str:
        return ids.batch_key(self.announcement_id, self.kind, self.number, self.attempt)

    def rows(self) -> Any:
        """The batch's open deliveries (write to them only inside `fenced`)."""
        found = batch_deliveries(self.announcement_id, self.kind, self.number, self.first_id, self.last_id, self.month)
        return found.filter(status=Delivery.Status.QUEUED)

    def fenced(self) -> bool:
        """Inside a transaction: lock the batch if it is still this claim's. A worker taking it over waits for
        this transaction, then finds the lease gone or the batch done."""
        return DeliveryBatch.objects.select_for_update().filter(pk=self.batch_id, attempts=self.attempt).exists()


def _claimed(claim_rows: Any) -> list[Claimed]:
    fields = ("id", "member_id", "kind", "address", "request_id", "retries")
    return [Claimed(*row) for row in claim_rows.order_by("id").values_list(*fields)]


def claim_batch(announcement_id: int | None, kind: str) -> Claim | None:
    """Take the first free batch of a channel, whole: a new one, a dead worker's, or one whose retry came due.
    A batch of a large audience still carrying its people gets its delivery rows now (make_rows)."""
    now = timezone.now()
    with transaction.atomic():
        batch = (
            free_batches(announcement_id, now)
            .filter(kind=kind)
            .select_for_update(skip_locked=True)
            .defer("members")
            .order_by("number")
            .first()
        )
        if batch is None:
            return None
        lease_until = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
        DeliveryBatch.objects.filter(pk=batch.pk).update(
            lease_until=lease_until, not_before=None, attempts=F("attempts") + 1
        )
    first_id, last_id = batch.first_id, batch.last_id
    if batch.members_count:
        made = make_rows(batch.pk, batch.attempts + 1, now)
        if made is None:  # taken over meanwhile: the next worker makes them
            return _empty_claim(batch, announcement_id, kind)
        first_id, last_id = made
    claim = Claim(
        batch.pk,
        announcement_id,
        kind,
        batch.number,
        first_id,
        last_id,
        batch.attempts + 1,
        batch.plan,
        [],
        batch.month,
    )
    deliveries = _claimed(claim.rows())
    if not deliveries:
        # Settled meanwhile (cancelled, or delivery reports for every row): nothing left to send.
        with transaction.atomic():
            if claim.fenced():
                DeliveryBatch.objects.filter(pk=claim.batch_id).update(done=True, lease_until=None)
    return dataclasses.replace(claim, deliveries=deliveries)


def _empty_claim(batch: DeliveryBatch, announcement_id: int | None, kind: str) -> Claim:
    return Claim(
        batch.pk, announcement_id, kind, batch.number, None, None, batch.attempts + 1, batch.plan, [], batch.month
    )


def make_rows(batch_id: int, attempt: int, now: datetime) -> tuple[int | None, int | None] | None:
    """The delivery rows of a batch made with its people (a large audience's, see materialize), in one statement
    fenced by the claim: only the worker holding the batch at this attempt makes them, once, and the batch then
    carries their range of ids instead of its people. None when the claim was lost meanwhile."""
    table, batches = Delivery._meta.db_table, DeliveryBatch._meta.db_table
    with transaction.atomic():
        mine = DeliveryBatch.objects.select_for_update().filter(pk=batch_id, attempts=attempt, members_count__gt=0)
        if not mine.exists():
            return None
        with connection.cursor() as cursor:
            # A person deleted since the dispatch is left out; everyone else gets the channel fixed then, at the
            # address they have now.
            cursor.execute(
                f"""
                WITH made AS (
                    INSERT INTO {table} {DELIVERY_COLUMNS}
                    SELECT b.announcement_id, b.kind, m.id, NULL, b.number, {address_sql("b.kind", "m")}, 'queued', 0,
                           NULL, '', '', '', NULL, NULL, %s, b.month
                    FROM {batches} b
                    CROSS JOIN LATERAL jsonb_array_elements_text(b.members) AS e(member_id)
                    JOIN groups_member m ON m.id = e.member_id::bigint
                    WHERE b.id = %s
                    ORDER BY m.id
                    RETURNING id
                )
                UPDATE {batches} SET first_id = (SELECT MIN(id) FROM made), last_id = (SELECT MAX(id) FROM made),
                    members = NULL, members_count = 0
                WHERE id = %s
                RETURNING first_id, last_id
                """,
                [now, batch_id, batch_id],
            )
            first_id, last_id = cursor.fetchone()
    return first_id, last_id


def plan_request_ids(sender: Any, claim: Claim, messages: list[Any]) -> dict[int, str]:
    """The request id of every message of the claim. A row that went out before keeps its own; the others follow
    the batch's plan, which is made once, before the first request, and stored: a worker that dies mid-request
    leaves it behind for the one that takes the batch over, and which request a message belongs to never
    depends on how many of its batch are still open at a retry."""
    chosen = {d.id: d.request_id for d in claim.deliveries if d.request_id}
    plan = claim.plan
    if plan is None and hasattr(sender, "request_ids"):
        fresh = [m for m in messages if m.delivery_id not in chosen]
        plan = {}
        for delivery_id, request in sender.request_ids(claim.key, fresh).items():
            plan.setdefault(request, []).append(delivery_id)
        with transaction.atomic():
            if claim.fenced():
                DeliveryBatch.objects.filter(pk=claim.batch_id, plan__isnull=True).update(plan=plan)
        stored = DeliveryBatch.objects.values_list("plan", flat=True).get(pk=claim.batch_id)
        plan = stored if stored is not None else plan
    for request, members in (plan or {}).items():
        for delivery_id in members:
            chosen.setdefault(delivery_id, request)
    return chosen


def _backoff(retries: int) -> timedelta:
    base = settings.DELIVERY_RETRY_BASE_SECONDS * (2 ** max(0, retries - 1))
    return timedelta(seconds=min(base, settings.DELIVERY_RETRY_MAX_SECONDS) * random.uniform(0.5, 1.5))


def _retries_after(delivery: Claimed, result: Result) -> int:
    """Unanswered tries of the row's request, counting this one; a try that reached a new, smaller request (a
    refused bulk narrowed down) is the first of that request."""
    moved_on = bool(result.request_id) and bool(delivery.request_id) and result.request_id != delivery.request_id
    return 1 if moved_on else delivery.retries + 1


def _values(result: Result, now: datetime, retries: int | None, retry_at: datetime) -> dict[str, Any]:
    """What one result writes into its row."""
    reason = mask_contacts(result.reason)[:300]  # provider text may quote the address it refused
    request = {"request_id": result.request_id[:64]} if result.request_id else {}
    if result.kind == ResultKind.ACCEPTED:
        return {
            "status": Delivery.Status.SENT,
            "sent_at": now,
            "provider_message_id": result.provider_message_id[:128],
            "reason": reason,
        } | request
    if result.kind == ResultKind.DELIVERED:
        return {
            "status": Delivery.Status.DELIVERED,
            "sent_at": now,
            "delivered_at": now,
            "provider_message_id": result.provider_message_id[:128],
        } | request
    if result.kind == ResultKind.PERMANENT:
        return {"status": Delivery.Status.FAILED, "reason": reason} | request
    if retries is not None and retries >= settings.DELIVERY_MAX_ATTEMPTS:
        # Every try went unanswered: the provider may well have sent it (an answer after the timeout, a 500 after
        # the work). Not failed, not reached: unknown, until a delivery report says, or the same request id asked
        # again is answered "already sent". The request id stays for that.
        return {"status": Delivery.Status.UNKNOWN, "reason": reason} | request
    if retries is not None:  # no answer: retried with the whole batch, under the same request id
        return {"reason": reason, "not_before": retry_at, "retries": retries} | request
    # DEFERRED, QUOTA or AUTH: surely not sent, so it goes later under a new request id. Credentials refused
    # even after a refresh wait for someone to fix them: the channel pauses instead of spending its tries.
    pause = settings.DELIVERY_AUTH_PAUSE_SECONDS if result.kind == ResultKind.AUTH else 3600
    not_before = (
        datetime.fromtimestamp(result.not_before, tz=timezone.get_current_timezone())
        if result.not_before
        else now + timedelta(seconds=pause)
    )
    return {"not_before": not_before, "reason": reason, "request_id": "", "retries": 0}


def record_results(claim: Claim, results: list[Result]) -> bool:
    """Write every result into its delivery row, grouping identical writes into one statement, and settle the
    batch: done, waiting for its back-off or for the morning, or (rows without a result) left to be taken over
    when its lease runs out. Fenced by the claim: a worker that lost the batch writes nothing (returns False)."""
    now = timezone.now()
    by_id = {d.pk: d for d in claim.deliveries}
    unanswered = {ResultKind.RETRY}
    retries = {
        r.delivery_id: _retries_after(by_id[r.delivery_id], r)
        for r in results
        if r.kind in unanswered and r.delivery_id in by_id
    }
    # One back-off for the whole batch: what is still to retry is retried together, by one worker, at one time.
    retry_at = now + _backoff(min(retries.values(), default=1))
    updates: dict[tuple, tuple[dict[str, Any], list[int]]] = {}
    still_open: list[datetime] = []
    answered = 0
    pause_until: datetime | None = None
    for result in results:
        if result.delivery_id not in by_id:
            continue
        answered += 1
        values = _values(result, now, retries.get(result.delivery_id), retry_at)
        if "status" not in values:
            still_open.append(values["not_before"])
            if result.kind in {ResultKind.QUOTA, ResultKind.AUTH}:
                pause_until = values["not_before"]
        key = tuple(values.items())
        updates.setdefault(key, (values, []))[1].append(result.delivery_id)
    replanned = any(r.kind in {ResultKind.DEFERRED, ResultKind.QUOTA, ResultKind.AUTH} for r in results)
    with transaction.atomic():
        if not claim.fenced():
            return False
        if len(updates) == 1 and answered == len(claim.deliveries):
            # The usual case, a whole batch with one outcome: one statement by the batch's range, no list of ids.
            values, _ids = next(iter(updates.values()))
            claim.rows().update(**values)
        else:
            for values, delivery_ids in updates.values():
                claim.rows().filter(id__in=delivery_ids).update(**values)
        batch: dict[str, Any] = {"lease_until": None}
        if answered < len(claim.deliveries):
            batch = {}  # rows without a result: the lease runs out and the batch is taken over
        elif still_open:
            batch["not_before"] = min(still_open)
        else:
            batch["done"] = True
        if replanned:
            batch["plan"] = None  # the rows sent back to the queue get new request ids
        DeliveryBatch.objects.filter(pk=claim.batch_id).update(**batch)
        # The cheap test first: this runs for every batch of a fan-out, and unknown outcomes are rare.
        if any(values.get("status") == Delivery.Status.UNKNOWN for values, _ids in updates.values()) and repeat_safe(
            claim.kind
        ):
            # Ask again later, a few times: the provider answers a repeated request id "already sent" or sends it
            # now, never twice (see deliveries_settle).
            DeliveryBatch.objects.filter(pk=claim.batch_id, asks__lt=settings.DELIVERY_SETTLE_ROUNDS).update(
                settle_at=now + timedelta(seconds=settings.DELIVERY_SETTLE_AFTER_SECONDS)
            )
        if pause_until is not None:
            # Out of quota or credentials refused: the whole channel waits, rather than every batch hitting the
            # same wall.
            DeliveryBatch.objects.filter(announcement_id=claim.announcement_id, kind=claim.kind, done=False).filter(
                Q(not_before__isnull=True) | Q(not_before__lt=pause_until)
            ).update(not_before=pause_until)
    return True


def assign_batches(announcement_id: int, kind: str, rows: list[tuple[int, str]], size: int) -> None:
    """Put queued deliveries (id, request id) of one channel into new batches of up to `size`, keeping rows that
    share a request id together (they go out as one request again), and make the batches."""
    groups: dict[str, list[int]] = {}
    for delivery_id, request in rows:
        groups.setdefault(request or f"-{delivery_id}", []).append(delivery_id)
    last = DeliveryBatch.objects.filter(announcement_id=announcement_id, kind=kind).order_by("-number").first()
    number = (last.number + 1) if last else 0
    month = Delivery.objects.filter(announcement_id=announcement_id).values_list("month", flat=True).first()
    numbered: list[tuple[int, int]] = []
    filled = 0
    for members in groups.values():
        if filled and filled + len(members) > size:
            number, filled = number + 1, 0
        numbered += [(delivery_id, number) for delivery_id in members]
        filled += len(members)
    if not numbered:
        return
    ranges: dict[int, tuple[int, int]] = {}
    for delivery_id, n in numbered:
        low, high = ranges.get(n, (delivery_id, delivery_id))
        ranges[n] = (min(low, delivery_id), max(high, delivery_id))
    DeliveryBatch.objects.bulk_create(
        DeliveryBatch(announcement_id=announcement_id, kind=kind, number=n, first_id=low, last_id=high, month=month)
        for n, (low, high) in ranges.items()
    )
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(numbered), 1000):
            chunk = numbered[start : start + 1000]
            cursor.execute(
                f"""
                WITH numbered (id, batch) AS (VALUES {", ".join(["(%s, %s)"] * len(chunk))})
                UPDATE {table} SET batch = numbered.batch FROM numbered WHERE {table}.id = numbered.id
                    AND {table}.month = %s
                """,
                [*(value for pair in chunk for value in pair), month],
            )

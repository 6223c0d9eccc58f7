"""The fan-out: one announcement to every chosen person and group outlet, on every chosen channel, exactly once.

The protocol, step by step:

1. Materialise. `announcement_dispatch` locks the announcement and inserts one delivery row per targeted person
   (the channel they get it on, chosen by consent and preference) and one per group outlet, each already in its
   batch (a number per announcement and channel, up to the channel's batch size), in two INSERT … SELECT
   statements, in batch order, then one DeliveryBatch row per batch with the range of ids its rows lie in.
   `materialized_at`, set in the same transaction, makes a repeat a no-op; the unique index (announcement,
   member) is the last guard against a second row for anyone. A large audience is made in parts by several
   connections at once (announcements.services.materialize), and as batches that carry their people (member
   ids, each with the channel fixed now) instead of rows: the worker that first claims such a batch makes its
   rows (claims.make_rows), fenced by its claim, so the million-row insert runs beside the sending. Nothing is
   sent before every part is in.
2. Claim. A send chain (one Celery task after another, per channel) takes the first free batch
   (`claims.claim_batch`): never claimed, its lease run out (a dead worker's), or its back-off over. Taking it
   sets a lease and raises its attempt count, in one statement on the batch row, whoever held it before; a
   batch still carrying its people gets its rows in the same claim, once.
3. Plan request ids. Before the batch's first request, the adapter plans its request ids (`request_ids`: a bulk
   id per group of identical texts, built from the batch and attempt; a message left out goes alone under its
   delivery's id) and the plan is stored on the batch. A row that went out keeps the id it went under (written
   with its result) through every retry and through "retry failed"; a row sent back to the queue unsent
   (out of quota, deferred) gets a new one, as the plan is dropped and made again at a later attempt.
4. Send. The adapter makes the requests and turns every answer into a result kind; a repeat of a request the
   provider already accepted is answered "already sent", so a second request is never a second message. A long
   batch renews its lease as it goes (`keep`), and stops at once when it finds the batch taken over.
5. Record. `claims.record_results` locks the batch row if it still carries the attempt this worker claimed,
   and only then writes each result into its row (one statement per distinct outcome; a whole batch with one
   outcome in one statement by batch number): a worker that lost its batch writes nothing. Sent, delivered and
   failed rows are final; a batch with rows left to retry waits for one back-off (`not_before`) and is retried
   whole, by one worker, until the last attempt fails them; deferred and out-of-quota rows wait for their time.
6. Take over. A chain whose batch waits for a retry due soon waits for it; otherwise the beat's sweeper
   (`deliveries_sweep`) starts chains for work no live chain does: a heartbeat per announcement and channel,
   set only when a chain takes a batch and lasting DELIVERY_HEARTBEAT_SECONDS, tells it which chains are alive,
   so a dead worker's batch is taken over within its lease and one sweep.

Personal messages (announcements.services.personal: a report's code, a request to confirm a group, a mail to
staff) take the same road from step 2: each is a batch of one delivery with no announcement, made in the
transaction of the change it tells about, and the chains and the sweeper of `announcement_id` None send it.

The invariants that make it exactly once: a row belongs to one batch, fixed before anything is sent (or, for
"retry failed", to one new batch, with the rows it went out with); a batch is held by at most one worker (the
lease, checked in the same statement that takes it); every write of a worker is fenced by its claim (the batch
row locked at the attempt it claimed); and every request a row ever goes out in carries the same request id,
which the provider deduplicates.

Written for speed at a million rows: the claim, the lease, the back-off and the plan are one row per batch, so
a delivery row is written twice in its life (made, then its result), and that second write changes no indexed
column, so PostgreSQL can update it in place (HOT) without touching an index. The delivery table has two
indexes (the primary key and one row per person); a batch's rows are read through a range of the primary key,
and the foreign keys are not checked by triggers (one deferred trigger event per row and key at COMMIT).
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from announcements import rendering, tasks
from announcements.models import Announcement, AnnouncementFile, Delivery, DeliveryBatch
from announcements.services.base import _locked, action_check, action_role_check
from announcements.services.claims import (
    Claim,
    Claimed,
    assign_batches,
    claim_batch,
    due_kinds,
    plan_request_ids,
    record_results,
)
from announcements.services.materialize import deliveries_materialize, materialize_parts
from announcements.services.personal import personal_messages
from announcements.services.reach import province_notice_finish, reach_keep
from announcements.services.resend import deliveries_settle
from announcements.services.workflow import _start_sending
from channels import Message, Result, ResultKind
from channels.base import Batch, ClaimLost, missing_settings
from channels.kinds import ChannelKind
from channels.registry import repeat_safe, sender_for
from groups.models import ResidentialGroup
from portal.common.audit import audit_record
from portal.models import AuditEvent

logger = logging.getLogger(__name__)


def announcement_dispatch(*, announcement_id: int) -> int:
    """Materialise the deliveries of an announcement that is sending, then start the send chains."""
    with transaction.atomic():
        # FOR NO KEY UPDATE: it keeps other dispatches, edits and cancels out as FOR UPDATE would.
        announcement = Announcement.objects.select_for_update(no_key=True).filter(pk=announcement_id).first()
        if announcement is None or announcement.status != Announcement.Status.SENDING:
            return 0
        created = 0
        if announcement.materialized_at is None:
            groups = (
                ResidentialGroup.objects.filter(ward_id=announcement.ward_id, is_active=True)
                if announcement.whole_ward
                else announcement.groups.all()
            )
            announcement.audience_households = sum(g.households_total for g in groups)
            parts = materialize_parts(announcement.audience_households)
            # A province's part has its batches made with their people and its rows made by the workers that
            # claim them, whatever its size: an alert to every ward is handed over in seconds, not ward by ward.
            lazy = announcement.province_announcement_id is not None
            created = deliveries_materialize(announcement=announcement, parts=parts, lazy=lazy)
            announcement.materialized_at = timezone.now()
            announcement.save(update_fields=["materialized_at", "audience_households", "updated_at"])
        transaction.on_commit(lambda: _start_chains(announcement_id))
    return created


def _start_chains(announcement_id: int) -> None:
    for kind, batches in due_kinds(announcement_id, timezone.now()).items():
        for _i in range(max(1, min(settings.DELIVERY_PARALLEL_CHAINS, batches))):
            tasks.chain_send(announcement_id, kind)
    _finish_if_done(announcement_id)


def _chain_heartbeat_key(announcement_id: int | None, kind: str) -> str:
    return f"announcements:chain:{'personal' if announcement_id is None else announcement_id}:{kind}"


def _read(stored: AnnouncementFile) -> tuple[str, bytes]:
    with stored.file.open("rb") as handle:
        return stored.file.name.rsplit("/", 1)[-1], handle.read()


def _messages(announcement: Announcement, deliveries: list[Claimed]) -> list[Message]:
    images = list(announcement.files.filter(kind=AnnouncementFile.Kind.IMAGE))
    # Only a Zalo group's post carries the pictures themselves; read them only for its batches.
    pictures = tuple(_read(f) for f in images) if any(d.kind == ChannelKind.ZALO_GROUP for d in deliveries) else ()
    image_urls = tuple(settings.PUBLIC_BASE_URL + f.url for f in images)
    shared_link = rendering.public_url(announcement)
    personal_link = rendering.needs_reader_link(announcement)
    html_cache: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    messages = []
    for delivery in deliveries:
        link = rendering.reader_url(delivery.pk) if personal_link and delivery.member_id else shared_link
        render = rendering.sms_text if delivery.kind == "sms" else rendering.chat_text
        key = (delivery.kind, link)
        if key not in texts:
            texts[key] = render(announcement, link=link)
        html = ""
        if delivery.kind == "email":
            html = html_cache.get(link) or html_cache.setdefault(link, rendering.email_html(announcement, link=link))
        messages.append(
            Message(
                delivery_id=delivery.pk,
                address=delivery.address,
                title=announcement.title,
                text=texts[key],
                html=html,
                link=link,
                images=pictures,
                image_urls=image_urls,
            )
        )
    return messages


def deliveries_send_batch(*, announcement_id: int | None, kind: str) -> int:
    """Claim one batch of one channel, send it through the channel's adapter, record the results.
    `announcement_id` None: the batches of personal messages (announcements.services.personal).
    Returns how many deliveries were in the batch (0: nothing left to claim now)."""
    sender = sender_for(kind)
    claim = claim_batch(announcement_id, kind)
    while claim is not None and not claim.deliveries:
        claim = claim_batch(announcement_id, kind)  # a batch settled meanwhile: the next one
    if claim is None:
        # No heartbeat for a chain that found nothing: the sweeper must not wait for it to take over what a dead
        # worker left.
        _finish_if_done(announcement_id)
        return 0
    cache.set(_chain_heartbeat_key(announcement_id, kind), 1, timeout=settings.DELIVERY_HEARTBEAT_SECONDS)
    announcement = None if announcement_id is None else Announcement.objects.get(pk=announcement_id)
    if announcement is not None and announcement.status == Announcement.Status.CANCELLED:
        with transaction.atomic():
            if claim.fenced():
                claim.rows().update(status=Delivery.Status.SKIPPED, reason="cancelled")
                DeliveryBatch.objects.filter(pk=claim.batch_id).update(done=True, lease_until=None)
        return len(claim.deliveries)
    missing = missing_settings(kind)
    if missing:
        reason = f"channel not configured: {', '.join(missing)}"
        record_results(claim, [Result(d.pk, ResultKind.PERMANENT, reason=reason) for d in claim.deliveries])
        _finish_if_done(announcement_id)
        return len(claim.deliveries)
    if announcement is None:
        messages = personal_messages(claim.deliveries)
        if len(messages) < len(claim.deliveries):  # its text was deleted: a batch of one, nothing to send
            record_results(claim, [Result(d.pk, ResultKind.PERMANENT, reason="removed") for d in claim.deliveries])
            return len(claim.deliveries)
    else:
        messages = _messages(announcement, claim.deliveries)
    planned = plan_request_ids(sender, claim, messages)
    for message in messages:
        message.request_id = planned.get(message.delivery_id, "")
    batch = Batch(
        request_id=claim.key,
        messages=messages,
        urgent=announcement is not None and announcement.urgency == Announcement.Urgency.URGENT,
        keep=_lease_keeper(claim),
    )
    try:
        results = sender.send(batch)
    except ClaimLost:
        # Another worker took the batch over (this one was too slow for its lease): what this one sent was
        # under the same request ids, and its results are the other worker's to write.
        logger.warning("channel %s: batch %s was taken over while sending", kind, claim.key)
        return len(claim.deliveries)
    except Exception:  # an adapter bug must not lose the batch: it stays claimed and is retried after the lease
        logger.exception("channel %s failed on batch %s", kind, claim.key)
        raise
    record_results(claim, results)
    _finish_if_done(announcement_id)
    return len(claim.deliveries)


def _lease_keeper(claim: Claim) -> Any:
    """A batch's `keep`: renews the lease once a third of it has passed, and says whether the batch is still this
    worker's (the renewal is fenced by the claim like every other write)."""
    lease = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    renewed = timezone.now()

    def keep() -> bool:
        nonlocal renewed
        now = timezone.now()
        if now - renewed < lease / 3:
            return True
        renewed = now
        mine = DeliveryBatch.objects.filter(pk=claim.batch_id, attempts=claim.attempt, done=False)
        return mine.update(lease_until=now + lease) > 0

    return keep


def deliveries_chain_step(*, announcement_id: int | None, kind: str) -> float | None:
    """One step of a send chain: send a batch. Returns when to take the next step, in seconds: 0 after a batch;
    the wait until the earliest retry of this channel comes due, when that is soon (the chain stays alive for it,
    instead of leaving the retry to the next sweep); None when there is nothing left for the chain to do."""
    if deliveries_send_batch(announcement_id=announcement_id, kind=kind):
        return 0.0
    now = timezone.now()
    due = (
        DeliveryBatch.objects.filter(announcement_id=announcement_id, kind=kind, done=False, lease_until__isnull=True)
        .aggregate(due=Min("not_before"))
        .get("due")
    )
    if due is None:
        return None
    wait = max((due - now).total_seconds(), 0.0)
    if wait > settings.DELIVERY_HEARTBEAT_SECONDS:
        return None  # a long back-off: the sweeper starts a chain when it is over
    cache.set(_chain_heartbeat_key(announcement_id, kind), 1, timeout=int(wait + settings.DELIVERY_HEARTBEAT_SECONDS))
    return wait


def _finish_if_done(announcement_id: int | None) -> None:
    if announcement_id is None:
        return  # personal messages: no announcement to mark sent
    if not DeliveryBatch.objects.filter(announcement_id=announcement_id, done=False).exists():
        with transaction.atomic():
            if Announcement.objects.filter(
                pk=announcement_id, status=Announcement.Status.SENDING, materialized_at__isnull=False
            ).update(status=Announcement.Status.SENT, sent_at=timezone.now()):
                reach_keep(announcement_id)
                province_notice_finish(announcement_id)


def deliveries_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The one beat job: start due schedules, re-dispatch lost dispatches, and restart send chains for work
    no live worker is doing (retries that came due, the morning after quiet hours, batches of a dead worker)."""
    now = now or timezone.now()
    started = 0
    settled = deliveries_settle(now=now)
    for announcement in Announcement.objects.filter(status=Announcement.Status.SCHEDULED, scheduled_at__lte=now):
        with transaction.atomic():
            locked = _locked(announcement)
            if locked.status == Announcement.Status.SCHEDULED:
                _start_sending(locked, by=None)
                started += 1
    redispatched = chains = 0
    for announcement in Announcement.objects.filter(status=Announcement.Status.SENDING):
        if announcement.materialized_at is None:
            # The dispatch message was lost (broker restarted); dispatching twice is safe, it locks the row.
            lost_after = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
            if announcement.send_started_at and announcement.send_started_at < now - lost_after:
                tasks.dispatch(announcement.pk)
                redispatched += 1
            continue
        due = due_kinds(announcement.pk, now)
        for kind, batches in due.items():
            if cache.get(_chain_heartbeat_key(announcement.pk, kind)):
                continue  # a chain is working on it
            for _i in range(min(settings.DELIVERY_PARALLEL_CHAINS, batches)):
                tasks.chain_send(announcement.pk, kind)
                chains += 1
        if not due:
            _finish_if_done(announcement.pk)
    for kind in due_kinds(None, now):  # personal messages: one chain per channel is plenty
        if not cache.get(_chain_heartbeat_key(None, kind)):
            tasks.chain_send(None, kind)
            chains += 1
    return {"started": started, "redispatched": redispatched, "chains": chains, "asked_again": settled}


def deliveries_retry_failed(*, announcement: Announcement, by: Any) -> int:
    action_role_check("retry", by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        action_check("retry", by, announcement)
        # What failed, and what has an unknown outcome on a channel where asking again cannot send twice.
        repeatable = [kind for kind in announcement.channels if repeat_safe(kind)]
        failed = Delivery.objects.filter(announcement=announcement).filter(
            Q(status=Delivery.Status.FAILED) | Q(status=Delivery.Status.UNKNOWN, kind__in=repeatable)
        )
        rows: dict[str, list[tuple[int, str]]] = {}
        for delivery_id, kind, request in failed.order_by("id").values_list("id", "kind", "request_id"):
            rows.setdefault(kind, []).append((delivery_id, request))
        # Each row keeps its request id: one that failed after an answer that never came may have been sent, and
        # the provider answers its repeat "already sent" instead of sending it twice. Rows that went out in one
        # request go in one new batch, so the repeat carries every number the first request did.
        count = failed.update(status=Delivery.Status.QUEUED, retries=0, not_before=None)
        for kind, kind_rows in rows.items():
            assign_batches(announcement.pk, kind, kind_rows, sender_for(kind).batch_size)
        if count:
            announcement.status = Announcement.Status.SENDING
            announcement.save(update_fields=["status", "updated_at"])
            announcement_id = announcement.pk
            transaction.on_commit(lambda: _start_chains(announcement_id))
        audit_record(
            actor=by, action=AuditEvent.Action.RETRY, obj=announcement, ward=announcement.ward, summary=str(count)
        )
    return count

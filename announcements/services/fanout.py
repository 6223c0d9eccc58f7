"""The fan-out: one announcement to every chosen person and group outlet, on every chosen channel, exactly once.

The protocol, step by step:

1. Materialise. `announcement_dispatch` locks the announcement and inserts one delivery row per targeted person
   (the channel they get it on, chosen by consent and preference) and one per group outlet, in two
   INSERT … SELECT statements. Unique indexes (announcement, member) and (announcement, outlet) with
   ON CONFLICT DO NOTHING make a repeat a no-op; `materialized_at` says it is done.
2. Claim. A send chain (one Celery task after another, per channel) takes a batch (`claims._claim`): first a
   batch no worker holds (its lease ran out, or its retry came due), whole; otherwise up to a batch size of
   queued, due rows (SKIP LOCKED), which get a new batch key, a lease and attempt 1. A takeover raises the
   attempt of every row of the batch, so all rows of a batch always share one attempt count.
3. Plan request ids. Before the first request, rows without a provider request id get one from the adapter
   (`request_ids`: a bulk id per group of identical texts, or the delivery's own id) and it is stored. A row
   keeps it through every retry and through "retry failed"; it is cleared only when the provider surely did
   not send (a refused bulk, whose rows go on one by one under their own ids; out of quota; deferred).
4. Send. The adapter makes the requests and turns every answer into a result kind; a repeat of a request the
   provider already accepted is answered "already sent", so a second request is never a second message.
5. Record. `claims._apply` writes each result as a compare-and-set on the claim (batch key, attempt, status
   sending): a worker that lost its batch writes nothing. Sent and delivered rows are final; a refusal fails
   the row; retryable answers keep the batch claimed with one back-off for all its rows (`not_before`, the
   lease cleared), until the last attempt fails them; deferred and out-of-quota rows go back to the queue.
6. Take over. A chain whose batch waits for a retry due soon waits for it; otherwise the beat's sweeper
   (`deliveries_sweep`) starts chains for work no live chain does: a heartbeat per announcement and channel,
   set only when a chain takes a batch and lasting at most the lease, tells it which chains are alive, so a
   dead worker's batch is taken over within its lease and one sweep.

The invariants that make it exactly once: a row belongs to at most one batch at a time; a batch is held by at
most one worker (the lease, checked in the same statement that takes it); every write of a worker is fenced by
its claim; and every request a row ever goes out in carries the same request id, which the provider
deduplicates.
"""

import logging
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements import rendering
from announcements.channels import Message, Result, ResultKind, sender_for
from announcements.channels.base import Batch, ClaimLost, missing_settings
from announcements.models import Announcement, AnnouncementFile, Delivery
from announcements.selectors import audience_sql, target_group_sql
from announcements.services.base import OUTLET_KINDS, AnnouncementError, _locked, _require_admin
from announcements.services.claims import Claim, Claimed, _apply, _claim, _due_kinds, _plan_request_ids
from announcements.services.workflow import _start_sending
from groups.models import ResidentialGroup
from portal.audit import audit_record

logger = logging.getLogger(__name__)


def _quiet_sms_not_before(now: datetime) -> datetime | None:
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


def deliveries_materialize(*, announcement: Announcement, now: datetime | None = None) -> int:
    """One delivery per targeted person (audience_sql) and one per group outlet, in two INSERT … SELECT
    statements.

    ON CONFLICT DO NOTHING against the partial unique indexes makes a repeat (a re-delivered task) a no-op.
    """
    now = now or timezone.now()
    chosen = set(announcement.channels)
    people, people_params = audience_sql(announcement)
    groups_sql, groups_params = target_group_sql(announcement)
    urgent = announcement.urgency == Announcement.Urgency.URGENT
    sms_not_before = None if urgent else _quiet_sms_not_before(now)
    # A bare NULL, not a CASE of NULLs, which PostgreSQL would type as text.
    not_before_sql = "CASE WHEN c.kind = 'sms' THEN %s ELSE NULL END" if sms_not_before else "NULL"
    not_before_params = [sms_not_before] if sms_not_before else []
    people_sql = f"""
        INSERT INTO announcements_delivery
            (announcement_id, kind, member_id, outlet_id, address, status, attempts, retries, not_before, lease_until,
             batch_key, provider_message_id, request_id, reason, sent_at, delivered_at, updated_at)
        SELECT %s, c.kind, c.member_id, NULL,
            CASE c.kind WHEN 'sms' THEN c.phone WHEN 'email' THEN c.email
                WHEN 'zalo_oa' THEN CASE WHEN c.zalo_user_id <> '' THEN c.zalo_user_id ELSE c.phone END
                ELSE '' END,
            CASE WHEN c.kind = '' THEN 'skipped' ELSE 'queued' END, 0, 0,
            {not_before_sql}, NULL,
            '', '', '', CASE WHEN c.kind = '' THEN 'no_consent' ELSE '' END, NULL, NULL, %s
        FROM ({people}
        ) c
        WHERE 1 = 1  -- SQLite needs a WHERE before ON CONFLICT in an INSERT ... SELECT
        ON CONFLICT DO NOTHING
    """
    outlet_kinds = [k for k in OUTLET_KINDS if k in chosen]
    with connection.cursor() as cursor:
        cursor.execute(people_sql, [announcement.pk, *not_before_params, now, *people_params])
        created = max(cursor.rowcount, 0)
        if outlet_kinds:
            cursor.execute(
                f"""
                INSERT INTO announcements_delivery
                    (announcement_id, kind, member_id, outlet_id, address, status, attempts, retries, not_before,
                     lease_until, batch_key, provider_message_id, request_id, reason, sent_at, delivered_at,
                     updated_at)
                SELECT %s, ch.kind, NULL, ch.id, ch.external_id, 'queued', 0, 0, NULL, NULL, '', '', '', '', NULL, NULL,
                       %s
                FROM groups_channel ch
                WHERE ch.ward_id = %s AND ch.is_active AND ch.delivery = 'per_group'
                  AND ch.kind IN ({", ".join(["%s"] * len(outlet_kinds))})
                  AND (ch.group_id IS NULL OR ch.group_id IN ({groups_sql}))
                ON CONFLICT DO NOTHING
                """,
                [announcement.pk, now, announcement.ward_id, *outlet_kinds, *groups_params],
            )
            created += max(cursor.rowcount, 0)
    return created


def announcement_dispatch(*, announcement_id: int) -> int:
    """Materialise the deliveries of an announcement that is sending, then start the send chains."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None or announcement.status != Announcement.Status.SENDING:
            return 0
        created = 0
        if announcement.materialized_at is None:
            created = deliveries_materialize(announcement=announcement)
            groups = (
                ResidentialGroup.objects.filter(ward_id=announcement.ward_id, is_active=True)
                if announcement.whole_ward
                else announcement.groups.all()
            )
            announcement.audience_households = sum(g.households_total for g in groups)
            announcement.materialized_at = timezone.now()
            announcement.save(update_fields=["materialized_at", "audience_households", "updated_at"])
        transaction.on_commit(lambda: _start_chains(announcement_id))
    return created


def _start_chains(announcement_id: int) -> None:
    from announcements.tasks import deliveries_send

    for kind, count in _due_kinds(announcement_id, timezone.now()).items():
        batches = -(-count // sender_for(kind).batch_size)
        for _i in range(max(1, min(settings.DELIVERY_PARALLEL_CHAINS, batches))):
            deliveries_send.delay(announcement_id, kind)
    _finish_if_done(announcement_id)


def _chain_heartbeat_key(announcement_id: int, kind: str) -> str:
    return f"announcements:chain:{announcement_id}:{kind}"


def _messages(announcement: Announcement, deliveries: list[Claimed]) -> list[Message]:
    images = list(announcement.files.filter(kind=AnnouncementFile.Kind.IMAGE))
    image_paths = tuple(f.file.path for f in images)
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
                image_paths=image_paths,
                image_urls=image_urls,
                request_id=delivery.request_id,
            )
        )
    return messages


def deliveries_send_batch(*, announcement_id: int, kind: str) -> int:
    """Claim one batch of one channel, send it through the channel's adapter, record the results.
    Returns how many deliveries were in the batch (0: nothing left to claim now)."""
    sender = sender_for(kind)
    claim = _claim(announcement_id, kind, sender.batch_size)
    if claim is None:
        # No heartbeat for a chain that found nothing: the sweeper must not wait for it to take over what a dead
        # worker left.
        _finish_if_done(announcement_id)
        return 0
    cache.set(_chain_heartbeat_key(announcement_id, kind), 1, timeout=settings.DELIVERY_HEARTBEAT_SECONDS)
    announcement = Announcement.objects.get(pk=announcement_id)
    if announcement.status == Announcement.Status.CANCELLED:
        claim.rows().update(status=Delivery.Status.SKIPPED, reason="cancelled", lease_until=None)
        return len(claim.deliveries)
    missing = missing_settings(kind)
    if missing:
        reason = f"channel not configured: {', '.join(missing)}"
        results = [Result(d.pk, ResultKind.PERMANENT, reason=reason) for d in claim.deliveries]
        _apply(claim, results, announcement_id=announcement_id, kind=kind)
        _finish_if_done(announcement_id)
        return len(claim.deliveries)
    batch = Batch(
        request_id=claim.batch_key,
        messages=_messages(announcement, claim.deliveries),
        urgent=announcement.urgency == Announcement.Urgency.URGENT,
    )
    batch = replace(_plan_request_ids(sender, claim, batch), keep=_lease_keeper(claim))
    try:
        results = sender.send(batch)
    except ClaimLost:
        # Another worker took the batch over (this one was too slow for its lease): what this one sent was
        # under the same request ids, and its results are the other worker's to write.
        logger.warning("channel %s: batch %s was taken over while sending", kind, claim.batch_key)
        return len(claim.deliveries)
    except Exception:  # an adapter bug must not lose the batch: it stays claimed and is retried after the lease
        logger.exception("channel %s failed on batch %s", kind, claim.batch_key)
        raise
    _apply(claim, results, announcement_id=announcement_id, kind=kind)
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
        return claim.rows().update(lease_until=now + lease) > 0

    return keep


def deliveries_chain_step(*, announcement_id: int, kind: str) -> float | None:
    """One step of a send chain: send a batch. Returns when to take the next step, in seconds: 0 after a batch;
    the wait until the earliest retry of this channel comes due, when that is soon (the chain stays alive for it,
    instead of leaving the retry to the next sweep); None when there is nothing left for the chain to do."""
    if deliveries_send_batch(announcement_id=announcement_id, kind=kind):
        return 0.0
    now = timezone.now()
    due = (
        Delivery.objects.filter(
            announcement_id=announcement_id, kind=kind, status=Delivery.Status.SENDING, lease_until__isnull=True
        )
        .order_by("not_before")
        .values_list("not_before", flat=True)
        .first()
    )
    if due is None:
        return None
    wait = max((due - now).total_seconds(), 0.0)
    if wait > settings.DELIVERY_HEARTBEAT_SECONDS:
        return None  # a long back-off: the sweeper starts a chain when it is over
    cache.set(_chain_heartbeat_key(announcement_id, kind), 1, timeout=int(wait + settings.DELIVERY_HEARTBEAT_SECONDS))
    return wait


def _finish_if_done(announcement_id: int) -> None:
    open_rows = Delivery.objects.filter(
        announcement_id=announcement_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    )
    if not open_rows.exists():
        Announcement.objects.filter(
            pk=announcement_id, status=Announcement.Status.SENDING, materialized_at__isnull=False
        ).update(status=Announcement.Status.SENT, sent_at=timezone.now())


def deliveries_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The one beat job: start due schedules, re-dispatch lost dispatches, and restart send chains for work
    no live worker is doing (retries that came due, the morning after quiet hours, batches of a dead worker)."""
    from announcements.tasks import announcement_dispatch, deliveries_send

    now = now or timezone.now()
    started = 0
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
                announcement_dispatch.delay(announcement.pk)
                redispatched += 1
            continue
        due = _due_kinds(announcement.pk, now)
        for kind in due:
            if cache.get(_chain_heartbeat_key(announcement.pk, kind)):
                continue  # a chain is working on it
            for _i in range(settings.DELIVERY_PARALLEL_CHAINS):
                deliveries_send.delay(announcement.pk, kind)
                chains += 1
        if not due:
            _finish_if_done(announcement.pk)
    return {"started": started, "redispatched": redispatched, "chains": chains}


def deliveries_retry_failed(*, announcement: Announcement, by: Any) -> int:
    _require_admin(by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status not in {Announcement.Status.SENDING, Announcement.Status.SENT}:
            raise AnnouncementError(_("Only the failures of an announcement that went out can be retried."))
        # Each row keeps its request id: one that failed after an answer that never came may have been sent, and
        # the provider answers its repeat "already sent" instead of sending it twice.
        count = Delivery.objects.filter(announcement=announcement, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED, attempts=0, retries=0, batch_key="", not_before=None, lease_until=None
        )
        if count:
            announcement.status = Announcement.Status.SENDING
            announcement.save(update_fields=["status", "updated_at"])
            announcement_id = announcement.pk
            transaction.on_commit(lambda: _start_chains(announcement_id))
        audit_record(actor=by, action="retry", obj=announcement, ward=announcement.ward, summary=str(count))
    return count

"""Sending again, always under the request id a delivery first went under: the provider answers a repeat "already
sent" rather than sending it twice (on the channels whose provider deduplicates request ids).

- A delivery whose every try went unanswered is "outcome unknown". On such a channel its batch is asked about
  again (`deliveries_settle`, from the sweeper) a few times, DELIVERY_SETTLE_AFTER_SECONDS apart: the repeat is
  answered "already sent" (it was) or sent now (it was not). A delivery report settles it too, whenever it comes.
- Staff send again the personal messages that failed or whose outcome is unknown: from a report's page, or all
  of the ward's at once from the messages page (`personal_messages_resend`).
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from announcements.models import Announcement, Delivery, DeliveryBatch
from announcements.services.personal import personal_chain_start
from groups.selectors import staff_profile_of
from portal.common.audit import audit_record
from portal.models import AuditEvent

RESENDABLE = [Delivery.Status.FAILED, Delivery.Status.UNKNOWN]


def deliveries_settle(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-open the batches whose unknown rows are due to be asked about again; the send chains then repeat
    their requests under the same ids. Returns how many rows go again."""
    now = now or timezone.now()
    again = 0
    for batch_id in DeliveryBatch.objects.filter(settle_at__lte=now).values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            batch = DeliveryBatch.objects.select_for_update(skip_locked=True).filter(pk=batch_id).first()
            if batch is None or batch.settle_at is None or batch.settle_at > now:
                continue
            if batch.lease_until is not None and batch.lease_until > now:
                continue  # a worker holds it (its other rows still retrying): asked at a later sweep
            rows = batch.deliveries().filter(status=Delivery.Status.UNKNOWN)
            count = rows.update(status=Delivery.Status.QUEUED, retries=0, not_before=None)
            DeliveryBatch.objects.filter(pk=batch.pk).update(
                settle_at=None,
                asks=F("asks") + 1,
                done=batch.done and not count,
                not_before=None,
            )
            if count and batch.announcement_id is not None:
                Announcement.objects.filter(pk=batch.announcement_id, status=Announcement.Status.SENT).update(
                    status=Announcement.Status.SENDING
                )
            again += count
    return again


def resendable_personal(*, ward_id: int) -> QuerySet[Delivery]:
    """The ward's personal messages that failed or whose outcome is unknown."""
    return Delivery.objects.filter(announcement__isnull=True, status__in=RESENDABLE, personal__ward_id=ward_id)


def personal_messages_resend(*, deliveries: QuerySet[Delivery] | list[Delivery], by: Any, ip: str | None = None) -> int:
    """Send again the personal messages among `deliveries` that failed or whose outcome is unknown, each under
    its own request id, of the ward of `by` only. Returns how many go again."""
    profile = staff_profile_of(by)
    if profile is None:
        raise PermissionDenied
    ids = deliveries.values("pk") if isinstance(deliveries, QuerySet) else [delivery.pk for delivery in deliveries]
    with transaction.atomic():
        rows = resendable_personal(ward_id=profile.ward_id).filter(pk__in=ids).select_for_update()
        found = list(rows.values_list("pk", "kind"))
        if not found:
            return 0
        Delivery.objects.filter(pk__in=[pk for pk, _kind in found]).update(
            status=Delivery.Status.QUEUED, retries=0, not_before=None
        )
        for kind in {kind for _pk, kind in found}:
            numbers = [pk for pk, row_kind in found if row_kind == kind]
            # A personal message's batch is numbered by its delivery: open it again as it was.
            DeliveryBatch.objects.filter(announcement__isnull=True, kind=kind, number__in=numbers).update(
                done=False, lease_until=None, not_before=None, settle_at=None
            )
            transaction.on_commit(lambda kind=kind: personal_chain_start(kind))
        audit_record(
            actor=by,
            action=AuditEvent.Action.RETRY,
            object_type="announcements.personalmessage",
            ward=profile.ward,
            summary=f"{len(found)} personal messages sent again",
            ip=ip,
        )
    return len(found)

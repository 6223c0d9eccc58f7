"""What comes back: providers' delivery reports, and residents' confirmations, RSVPs and poll answers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import Delivery, DeliveryBatch, Response
from channels import ids
from portal.common.text import mask_contacts


def delivery_report(
    *,
    kind: str,
    delivered: bool,
    provider_message_id: str = "",
    delivery_id: int | None = None,
    address: str = "",
    reason: str = "",
    request_id: str = "",
) -> int:
    """A provider says a message arrived (or was refused): move the delivery from sent to delivered or failed.
    Reports may repeat and arrive out of order; a delivered row stays delivered. A row whose answer never came
    (still queued) is found by its request id too: the report settles what the retry would otherwise have to
    ask. The request id names the delivery, or the batch whose rows are then told apart by address; only a
    report with neither is looked up by the provider's message id (a scan: providers that report by message id
    alone also echo our id)."""
    # A row whose outcome is unknown (every try unanswered) is settled by the report either way; one that failed
    # is corrected by a report that it did arrive.
    open_rows = [Delivery.Status.SENT, Delivery.Status.QUEUED, Delivery.Status.UNKNOWN] + (
        [Delivery.Status.FAILED] if delivered else []
    )
    rows = Delivery.objects.filter(kind=kind, status__in=open_rows)
    named = ids.parse(request_id)
    if delivery_id is None:
        delivery_id = named.delivery_id
    if delivery_id is not None:
        rows = rows.filter(pk=delivery_id)
    elif named.batch is not None and address:
        if named.kind != kind:
            return 0  # a report on one channel's hook naming another channel's batch
        batch = DeliveryBatch.objects.filter(
            announcement_id=named.announcement_id, kind=kind, number=named.batch
        ).first()
        if batch is None:
            return 0
        rows = (
            batch.deliveries()
            .filter(status__in=open_rows, address=address)
            .filter(Q(request_id=request_id) | Q(request_id=""))
        )
    elif provider_message_id:
        rows = rows.filter(provider_message_id=provider_message_id)
        if address:
            rows = rows.filter(address=address)
    else:
        return 0
    now = timezone.now()
    if delivered:
        return rows.update(status=Delivery.Status.DELIVERED, delivered_at=now)
    return rows.update(status=Delivery.Status.FAILED, reason=mask_contacts(reason)[:300] or "refused by the provider")


def response_record(*, delivery: Delivery, kind: str, value: str = "") -> Response:
    """A reader confirms, answers the invitation or the poll. Answering again changes the answer."""
    announcement = delivery.announcement
    if delivery.member_id is None:
        raise PermissionDenied
    if kind == Response.Kind.RSVP and value not in Response.Rsvp.values:
        raise ValidationError({"value": [_("Please choose one of the answers.")]})
    if kind == Response.Kind.POLL and value not in announcement.poll_options:
        raise ValidationError({"value": [_("Please choose one of the answers.")]})
    if kind == Response.Kind.CONFIRM:
        value = "yes"
    with transaction.atomic():
        response, _created = Response.objects.update_or_create(
            announcement=announcement, member_id=delivery.member_id, kind=kind, defaults={"value": value}
        )
        # Opening the signed link proves the message arrived, whatever the provider reported.
        Delivery.objects.filter(pk=delivery.pk, status__in=[Delivery.Status.SENT, Delivery.Status.QUEUED]).update(
            status=Delivery.Status.DELIVERED, delivered_at=timezone.now()
        )
    return response


def delivery_opened(*, delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENT).update(
        status=Delivery.Status.DELIVERED, delivered_at=timezone.now()
    )

"""Personal messages: one message to one person outside any announcement (a report's tracking code and status
changes, a request to confirm joining a group, a mail to staff), sent through the fan-out's own machinery.

Each is a delivery with no announcement, alone in a batch numbered by its id, so the send chains claim, retry,
hold back for quiet hours and settle it from delivery reports exactly as they do an announcement's (see
announcements.services.fanout). It goes under its delivery's own request id (`d<id>`): two quick status messages
to one reporter are two requests the gateway tells apart. It is made in the caller's transaction: a change and
the message about it commit together, and if the worker never hears of it the sweeper finds the batch.
"""

from django.db import transaction
from django.utils import timezone

from announcements import tasks
from announcements.models import Delivery, DeliveryBatch, PersonalMessage
from announcements.services.materialize import quiet_sms_not_before
from channels import Message


def personal_message_queue(
    *,
    kind: str,
    address: str,
    topic: str,
    what: str,
    title: str,
    text: str,
    html: str = "",
    link: str = "",
    urgent: bool = False,
    ward_id: int | None = None,
) -> PersonalMessage:
    """Queue one message on one channel. `urgent` skips the SMS quiet hours: for an answer to what the person
    has just done themselves (the code of the report they sent), not for news they did not ask for."""
    now = timezone.now()
    not_before = None if urgent or kind != "sms" else quiet_sms_not_before(now)
    with transaction.atomic():
        delivery = Delivery.objects.create(kind=kind, address=address, not_before=not_before)
        Delivery.objects.filter(pk=delivery.pk).update(batch=delivery.pk)
        DeliveryBatch.objects.create(
            kind=kind,
            number=delivery.pk,
            first_id=delivery.pk,
            last_id=delivery.pk,
            not_before=not_before,
            month=delivery.month,
        )
        message = PersonalMessage.objects.create(
            delivery=delivery,
            ward_id=ward_id,
            topic=topic,
            what=what[:120],
            title=title[:200],
            text=text,
            html=html,
            link=link,
        )
        if not_before is None:
            transaction.on_commit(lambda: personal_chain_start(kind))
    return message


def personal_chain_start(kind: str) -> None:
    tasks.chain_send(None, kind)


def personal_messages(deliveries: list) -> list[Message]:
    """What the adapter sends for claimed personal deliveries."""
    found = PersonalMessage.objects.filter(delivery_id__in=[d.pk for d in deliveries])
    by_delivery = {p.delivery_id: p for p in found}
    return [
        Message(
            delivery_id=d.pk,
            address=d.address,
            title=by_delivery[d.pk].title,
            text=by_delivery[d.pk].text,
            html=by_delivery[d.pk].html,
            link=by_delivery[d.pk].link,
        )
        for d in deliveries
        if d.pk in by_delivery
    ]

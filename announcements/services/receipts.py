"""What comes back: providers' delivery reports, and residents' confirmations, RSVPs and poll answers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import Delivery, Response
from portal.text import mask_contacts


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
    (still sending, no provider id yet) is found by its request id: the report settles what the retry would
    otherwise have to ask."""
    rows = Delivery.objects.filter(kind=kind, status__in=[Delivery.Status.SENT, Delivery.Status.SENDING])
    if delivery_id is not None:
        rows = rows.filter(pk=delivery_id)
    elif provider_message_id or request_id:
        found = Q(provider_message_id=provider_message_id) if provider_message_id else Q()
        if request_id:
            found = found | Q(request_id=request_id) if provider_message_id else Q(request_id=request_id)
        rows = rows.filter(found)
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
        Delivery.objects.filter(pk=delivery.pk, status__in=[Delivery.Status.SENT, Delivery.Status.SENDING]).update(
            status=Delivery.Status.DELIVERED, delivered_at=timezone.now()
        )
    return response


def delivery_opened(*, delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENT).update(
        status=Delivery.Status.DELIVERED, delivered_at=timezone.now()
    )

"""The portal's Celery app plus the naive task the fan-out benchmark compares against.

Only bench/fanout.py starts a worker on this module; production never imports it.
"""

from django.utils import timezone

from portal.celery import app


@app.task(name="bench.naive_send_one")
def naive_send_one(announcement_id: int, member_id: int) -> None:
    """The naive way: one task per recipient, one row written and one message sent per task."""
    from announcements.models import Announcement, Delivery
    from announcements.rendering import public_url, sms_text
    from channels.base import Batch, Message
    from channels.sms import SmsSender
    from groups.models import Member

    announcement = Announcement.objects.get(pk=announcement_id)
    member = Member.objects.get(pk=member_id)
    delivery, _ = Delivery.objects.get_or_create(
        announcement=announcement, member=member, defaults={"kind": "sms", "address": member.phone}
    )
    text = sms_text(announcement, link=public_url(announcement))
    message = Message(delivery.pk, member.phone, announcement.title, text)
    result = SmsSender().send(Batch(f"naive-{delivery.pk}", [message]))[0]
    delivery.status = "sent" if result.kind == "accepted" else "failed"
    delivery.provider_message_id = result.provider_message_id
    delivery.sent_at = timezone.now()
    delivery.save()

from datetime import timedelta

from django.utils import timezone

from announcements import services
from announcements.services import ALL_KINDS, AnnouncementData


def announcement_data(**overrides) -> AnnouncementData:
    values = {
        "title": "Thông báo thu gom rác",
        "body": "Từ thứ Hai, xe rác đến lúc **6 giờ sáng**. Bà con để rác trước cửa.",
        "category": "other",
        "channels": ["sms"],
    }
    values.update(overrides)
    return AnnouncementData(**values)


def _approved(*, author, approver, **overrides):
    announcement = services.announcement_save(user=author, data=announcement_data(**overrides))
    announcement = services.announcement_submit(announcement=announcement, by=author)
    if announcement.status == "pending":
        announcement = services.announcement_approve(announcement=announcement, by=approver)
    return announcement


def sent_out(*, author, approver, **overrides):
    """Written by `author`, approved by `approver` with no time set: so it is sending (the worker's part is
    `drain`, or the test's own)."""
    return _approved(author=author, approver=approver, **overrides)


def scheduled(*, author, approver, **overrides):
    """Written by `author`, approved by `approver` to go out in two hours: nothing has been sent yet."""
    overrides.setdefault("scheduled_at", timezone.now() + timedelta(hours=2))
    return _approved(author=author, approver=approver, **overrides)


def drain(announcement) -> None:
    """What the worker does, in this process: materialise, then send batches until none can be claimed now."""
    services.announcement_dispatch(announcement_id=announcement.pk)
    for kind in ALL_KINDS:
        while services.deliveries_send_batch(announcement_id=announcement.pk, kind=kind):
            pass
    announcement.refresh_from_db()


def back_off_over() -> None:
    """Time passes: every batch waiting for a retry, the morning or a quota is due now (as the sweeper finds it)."""
    from announcements.models import DeliveryBatch

    DeliveryBatch.objects.filter(done=False).update(not_before=timezone.now())


def lease_runs_out() -> None:
    """Time passes: the lease of every batch a worker holds runs out (the worker died)."""
    from announcements.models import DeliveryBatch

    DeliveryBatch.objects.filter(done=False).update(lease_until=timezone.now() - timedelta(seconds=1))

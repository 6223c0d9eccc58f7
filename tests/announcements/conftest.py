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


def approved(*, author, approver, **overrides):
    """An announcement written by `author` and approved by `approver`, ready to send."""
    announcement = services.announcement_save(user=author, data=announcement_data(**overrides))
    announcement = services.announcement_submit(announcement=announcement, by=author)
    if announcement.status == "pending":
        announcement = services.announcement_approve(announcement=announcement, by=approver)
    return announcement


def drain(announcement) -> None:
    """What the worker does, in this process: materialise, then send batches until none can be claimed now."""
    services.announcement_dispatch(announcement_id=announcement.pk)
    for kind in ALL_KINDS:
        while services.deliveries_send_batch(announcement_id=announcement.pk, kind=kind):
            pass
    announcement.refresh_from_db()

import pytest

from announcements import services
from announcements.services import ALL_KINDS, AnnouncementData
from tests.fakes.sms_gateway import FakeSmsGateway


@pytest.fixture
def sms_gateway(settings):
    """The fake eSMS gateway on 127.0.0.1, with the portal's SMS settings pointing at it."""
    with FakeSmsGateway() as gateway:
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_API_KEY = gateway.api_key
        settings.SMS_SECRET_KEY = gateway.secret_key
        settings.SMS_BRANDNAME = gateway.brandname
        settings.SMS_CALLBACK_SECRET = "callback-secret"
        settings.SMS_BULK_MIN = 3
        settings.QUIET_HOURS_SMS = "00:00-00:00"
        yield gateway


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

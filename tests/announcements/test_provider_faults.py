"""Exactly once when the SMS gateway misbehaves: real Celery workers (and beat) against a gateway that answers
HTTP 500, takes requests but answers after the client's timeout, and refuses numbers inside bulk requests, on 20
seeded fault schedules. Every number gets the message once or fails with the gateway's reason, never twice, and
"retry failed" never doubles one."""

import os
import random

import pytest

from announcements import services
from announcements.models import Delivery
from tests.announcements.conftest import sent_out
from tests.announcements.test_worker_crash import (
    ROWS_MADE,
    Worker,
    _open_deliveries,
    _purge,
    _residents,
    _wait_until,
    _worker_env,
)
from tests.fakes.sms_gateway import FakeSmsGateway, Faults

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 60
SCHEDULES = 20


@pytest.mark.parametrize(("rows_made", "schedules"), [("at dispatch", SCHEDULES), ("when claimed", 10)])
def test_every_number_once_or_refused_under_twenty_fault_schedules(
    alice, bob, group_a1, tmp_path, rows_made, schedules
):
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    _purge(broker)
    phones = sorted(_residents(group_a1, RECIPIENTS))
    with FakeSmsGateway() as gateway:
        env = (
            _worker_env(gateway, broker)
            | {
                "SMS_BULK_MIN": "5",  # bulk requests of up to 20 numbers, so refusals land inside them
                "SMS_BULK_MAX": "20",
                "PORTAL_PROVIDER_HTTP_TIMEOUT": "0.3",
                "PORTAL_DELIVERY_RETRY_BASE_SECONDS": "0.2",
                "PORTAL_DELIVERY_MAX_ATTEMPTS": "4",  # some rows run out of tries after answers that never came
                "PORTAL_DELIVERY_HEARTBEAT_SECONDS": "1",
                "PORTAL_SWEEP_SECONDS": "0.5",
            }
            | ROWS_MADE[rows_made]
        )
        worker = Worker(env, tmp_path / "worker.log", beat=True)
        refusals = 0
        try:
            for seed in range(schedules):
                refused = set(random.Random(seed).sample(phones, 2))
                gateway.received.clear()
                gateway.faults = Faults(seed, errors=0.10, late=0.15, late_seconds=0.5, refused=refused)
                announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
                _wait_until(lambda pk=announcement.pk: _settled(pk), 120, f"schedule {seed} to settle")
                refusals += _judge(announcement.pk, gateway, refused, seed)

                # "Retry failed": what surely failed goes again, what may have gone is answered "already sent".
                services.deliveries_retry_failed(announcement=announcement, by=alice)
                _wait_until(lambda pk=announcement.pk: _settled(pk), 120, f"the retry of schedule {seed} to settle")
                _judge(announcement.pk, gateway, refused, seed)
        finally:
            worker.stop()
    assert refusals >= schedules, "the refused numbers were never refused: the schedules tested too little"


def _settled(announcement_id: int) -> bool:
    return Delivery.objects.filter(announcement_id=announcement_id).exists() and not _open_deliveries(announcement_id)


def _judge(announcement_id: int, gateway: FakeSmsGateway, refused: set[str], seed: int) -> int:
    """Asserts the outcome of one schedule; returns how many numbers the gateway refused by name ("99")."""
    twice = {phone: n for phone, n in gateway.received.items() if n > 1}
    assert not twice, f"schedule {seed}: sent twice to {twice}"
    for delivery in Delivery.objects.filter(announcement_id=announcement_id):
        phone = "0" + delivery.address[3:]
        if phone in refused:
            # Refused with "99", or out of tries before the gateway got to say so (its last answer stays).
            assert delivery.status == "failed" and delivery.reason, (seed, phone, delivery.status)
            assert gateway.received[phone] == 0
        elif delivery.status in {"sent", "delivered"}:
            assert gateway.received[phone] == 1, (seed, phone, "marked sent, never received")
        else:  # out of tries: failed with the gateway's last answer, and received at most once (checked above)
            assert delivery.status == "failed" and delivery.reason, (seed, phone, delivery.status)
    return Delivery.objects.filter(announcement_id=announcement_id, status="failed", reason__startswith="99").count()

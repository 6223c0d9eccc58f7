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
    _worker_env,
)
from tests.fakes.sms_gateway import FakeSmsGateway, Faults
from tests.waiting import wait_until

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
                wait_until(lambda pk=announcement.pk: _settled(pk), timeout=120, what=f"schedule {seed} to settle")
                refusals += _judge(announcement.pk, gateway, refused, seed)

                # "Retry failed": what surely failed goes again, what may have gone is answered "already sent".
                services.deliveries_retry_failed(announcement=announcement, by=alice)
                wait_until(
                    lambda pk=announcement.pk: _settled(pk), timeout=120, what=f"the retry of schedule {seed} to settle"
                )
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
            assert delivery.status in {"failed", "unknown"} and delivery.reason, (seed, phone, delivery.status)
            assert gateway.received[phone] == 0
        elif delivery.status in {"sent", "delivered"}:
            assert gateway.received[phone] == 1, (seed, phone, "marked sent, never received")
        elif delivery.status == "unknown":  # out of tries, no answer: it may have arrived (at most once, above)
            assert delivery.reason and gateway.received[phone] <= 1, (seed, phone, delivery.status)
        else:
            assert delivery.status == "queued" and delivery.reason, (seed, phone, delivery.status)
    return Delivery.objects.filter(announcement_id=announcement_id, status="failed", reason__startswith="99").count()


def test_when_every_try_goes_unanswered_but_the_gateway_delivered_the_portal_counts_what_the_gateway_did(
    alice, bob, group_a1, tmp_path, settings
):
    """The schedule found by an outside fault run: every answer lost (taken, answered after the timeout), the
    gateway delivering all the same. Nothing may be counted failed that was delivered: the rows stay "outcome
    unknown" while nobody knows, are asked about again under the same request ids once the gateway answers, and
    the portal's counts end equal to the gateway's, announcements and a report's personal SMS alike."""
    from announcements.selectors import delivery_stats
    from feedback import services as report_services
    from feedback.selectors import messages_sent

    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    _purge(broker)
    phones = _residents(group_a1, RECIPIENTS)
    with FakeSmsGateway() as gateway:
        env = _worker_env(gateway, broker) | {
            "SMS_BULK_MIN": "5",
            "SMS_BULK_MAX": "20",
            "PORTAL_PROVIDER_HTTP_TIMEOUT": "0.3",
            "PORTAL_DELIVERY_RETRY_BASE_SECONDS": "0.2",
            "PORTAL_DELIVERY_MAX_ATTEMPTS": "3",
            "PORTAL_DELIVERY_HEARTBEAT_SECONDS": "1",
            "PORTAL_SWEEP_SECONDS": "0.5",
            "PORTAL_DELIVERY_SETTLE_AFTER_SECONDS": "8",
        }
        # This process queues the report's SMS: it must know the gateway is set up, as the worker does.
        settings.SMS_GATEWAY_URL, settings.SMS_API_KEY = gateway.url, gateway.api_key
        settings.SMS_SECRET_KEY, settings.SMS_BRANDNAME = gateway.secret_key, gateway.brandname
        worker = Worker(env, tmp_path / "worker.log", beat=True)
        try:
            gateway.faults = Faults(0, errors=0.0, late=1.0, late_seconds=0.5, refused=set())
            announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
            report, _created = report_services.report_submit(
                ward=group_a1.ward,
                data=report_services.ReportData(
                    category="environment",
                    description="Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
                    name="Nguyễn Thị Lan",
                    phone="0912 345 678",
                ),
            )
            everything = Delivery.objects.filter(announcement_id=announcement.pk) | Delivery.objects.filter(
                personal__topic=f"report:{report.pk}"
            )
            wait_until(
                lambda: everything.count() == RECIPIENTS + 1 and not everything.exclude(status="unknown").exists(),
                timeout=60,
                what="every try to go unanswered",
            )
            stats = delivery_stats(announcement)
            assert (stats.by_status["unknown"], stats.by_status["failed"], stats.by_status["out"]) == (RECIPIENTS, 0, 0)
            assert gateway.messages_total == RECIPIENTS + 1  # all delivered, none known to the portal yet

            gateway.faults = None  # the gateway answers again: asked under the same ids, it says "already sent"
            wait_until(
                lambda: not everything.exclude(status="sent").exists(),
                timeout=120,
                what="the unknown rows to be settled",
            )
        finally:
            worker.stop()
    assert all(n == 1 for n in gateway.received.values()) and set(gateway.received) >= phones
    stats = delivery_stats(announcement)
    assert stats.by_status["out"] == sum(gateway.received[p] for p in phones) == RECIPIENTS
    assert (stats.by_status["failed"], stats.by_status["unknown"]) == (0, 0)
    assert [m.delivery.status for m in messages_sent(report=report)] == ["sent"]
    assert gateway.received["0912345678"] == 1

"""Exactly once, nothing lost: real Celery workers in their own processes, killed or cut off mid-fan-out."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from announcements.models import Announcement, Delivery
from announcements.tasks import announcement_dispatch
from groups.models import Member, Membership
from portal.celery import app
from tests.announcements.conftest import sent_out
from tests.fakes.sms_gateway import FakeSmsGateway
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 3000

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _residents(group, count: int) -> set[str]:
    """`count` members of `group` who agreed to SMS; returns their numbers as the gateway will see them."""
    members = Member.objects.bulk_create(
        Member(
            ward=group.ward,
            full_name=f"Cư dân {i}",
            phone=f"+8497{i:07d}",
            consent_sms=True,
            preferred_channel="sms",
            search_text=f"cu dan {i}",
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(Membership(member=m, group=group, status="active") for m in members)
    return {"0" + m.phone[3:] for m in members}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """`celery worker` as a separate process group, as production runs it. `supervised` restarts it when it exits
    by itself, as the compose file's `restart: unless-stopped` does: a broker that vanishes can make the worker
    give up ("Unrecoverable error" in kombu's reconnection), and production counts on the restart."""

    def __init__(self, env: dict[str, str], log: Path, *, beat: bool = False, supervised: bool = False) -> None:
        self.args = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-c", "2", "--loglevel=INFO"]
        if beat:
            self.args += ["-B", "--schedule", str(log.with_suffix(".schedule"))]
        self.env = env
        self.log = log.open("w")
        self.restarts = 0
        self._stopping = threading.Event()
        self.process = self._start()
        if supervised:
            threading.Thread(target=self._supervise, daemon=True).start()

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _supervise(self) -> None:
        while not self._stopping.wait(0.5):
            if self.process.poll() is not None and not self._stopping.is_set():
                self.restarts += 1
                self.log.write(f"--- supervisor: the worker exited ({self.process.returncode}); starting it again\n")
                self.log.flush()
                self.process = self._start()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self._stopping.set()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def _worker_env(gateway: FakeSmsGateway, broker_url: str) -> dict[str, str]:
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings_test",
        DATABASE_URL=f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        CELERY_BROKER_URL=broker_url,
        REDIS_URL=broker_url,
        SMS_GATEWAY_URL=gateway.url,
        SMS_API_KEY=gateway.api_key,
        SMS_SECRET_KEY=gateway.secret_key,
        SMS_BRANDNAME=gateway.brandname,
        SMS_BULK_MIN="1000000",  # one request per message: many requests, so the kill lands mid-way
        SMS_BULK_MAX="100",
        SMS_REQUESTS_PER_SECOND="0",
        PORTAL_QUIET_HOURS_SMS="00:00-00:00",
        PORTAL_DELIVERY_LEASE_SECONDS="3",
        PORTAL_SWEEP_SECONDS="1",
    )
    return env


def _open_deliveries(announcement_id: int) -> int:
    """Rows still to send, and the people of batches whose rows are not made yet (a large audience's)."""
    from django.db.models import Sum

    from announcements.models import DeliveryBatch

    unmade = DeliveryBatch.objects.filter(announcement_id=announcement_id).aggregate(n=Sum("members_count"))["n"]
    return Delivery.objects.filter(announcement_id=announcement_id, status__in=["queued", "sending"]).count() + (
        unmade or 0
    )


# How the worker makes the rows: at dispatch (an audience below the split), or each batch's when a worker claims
# it (a large audience, here every audience).
ROWS_MADE = {"at dispatch": {}, "when claimed": {"PORTAL_DELIVERY_MATERIALIZE_SPLIT_HOUSEHOLDS": "0"}}


def _purge(broker_url: str) -> None:
    import redis

    redis.Redis.from_url(broker_url).flushdb()


@pytest.mark.parametrize("rows_made", ROWS_MADE)
def test_a_worker_killed_mid_fan_out_leaves_no_one_without_and_no_one_twice(alice, bob, group_a1, tmp_path, rows_made):
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    _purge(broker)
    expected = _residents(group_a1, RECIPIENTS)
    with FakeSmsGateway(delay=0.002) as gateway:
        env = _worker_env(gateway, broker) | ROWS_MADE[rows_made]
        first = Worker(env, tmp_path / "first.log")
        second = None
        try:
            announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
            wait_until(lambda: gateway.messages_total >= RECIPIENTS // 4, timeout=120, what="the fan-out to start")
            first.kill()
            at_kill = gateway.messages_total
            assert at_kill < RECIPIENTS, "the worker finished before it could be killed"
            second = Worker(env, tmp_path / "second.log", beat=True)
            # Finished: nothing left to send, and the announcement marked sent (a step after its last results).
            wait_until(
                lambda: (
                    _open_deliveries(announcement.pk) == 0
                    and Announcement.objects.get(pk=announcement.pk).status == Announcement.Status.SENT
                ),
                timeout=240,
                what="the new worker to finish",
            )
        finally:
            first.stop()
            if second:
                second.stop()

    assert set(gateway.received) == expected
    assert max(gateway.received.values()) == 1
    assert Delivery.objects.filter(announcement=announcement, status="sent").count() == RECIPIENTS
    assert Announcement.objects.get(pk=announcement.pk).status == Announcement.Status.SENT


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_restarting_redis_mid_fan_out_loses_no_one(alice, bob, group_a1, tmp_path):
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"

    def start_redis() -> subprocess.Popen:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, timeout=20, what="redis to start")
        return process

    _purge(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"))
    redis_server = start_redis()
    expected = _residents(group_a1, RECIPIENTS)
    with FakeSmsGateway(delay=0.002) as gateway:
        worker = Worker(_worker_env(gateway, broker), tmp_path / "worker.log", beat=True, supervised=True)
        try:
            announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
            # This process's Celery app publishes to the suite's broker; hand the dispatch to this test's Redis.
            with app.connection_for_write(broker) as broker_connection:
                announcement_dispatch.apply_async((announcement.pk,), connection=broker_connection)
            wait_until(lambda: gateway.messages_total >= RECIPIENTS // 4, timeout=120, what="the fan-out to start")
            redis_server.kill()  # every queued task message and every heartbeat is gone
            redis_server.wait()
            time.sleep(1)  # not a wait for anything: the broker stays down a moment, as when a server restarts
            redis_server = start_redis()
            wait_until(lambda: _open_deliveries(announcement.pk) == 0, timeout=240, what="the fan-out to finish")
        finally:
            worker.stop()
            redis_server.kill()
            redis_server.wait()

    assert set(gateway.received) == expected
    assert max(gateway.received.values()) == 1
    assert Delivery.objects.filter(announcement=announcement, sent_at__lte=timezone.now()).count() == RECIPIENTS

"""Fan-out benchmark: one announcement to N residents by SMS, through real Celery workers and the fake gateway.

    python bench/fanout.py --recipients 1000000
    python bench/fanout.py --recipients 100000 --faults [--seed N]

Builds N members across 2,000 groups in a PostgreSQL database of its own (bench_fanout, dropped and created
again), starts 2 Celery worker processes, sends one announcement that asks for nothing (so every SMS has the same
text and goes in bulk requests of up to 5,000 numbers) and waits until every delivery has a final status. Then it
does the same work the naive way (one Celery task per recipient, .delay() in a loop) on a sample, in the same run.
The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GROUPS = 2000
# The ward of the hand-off figure: one ward's whole population, sent to while nothing else runs.
HANDOFF = 30_000
HANDOFF_GROUPS = 60


def log(message: str) -> None:
    print(f"[fanout] {message}", file=sys.stderr, flush=True)


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def build_residents(recipients: int, *, groups: int = GROUPS, code: str = "99999", prefix: str = "+849") -> int:
    """N members with SMS consent (phones `prefix` + 8 digits), spread over the groups of a new ward, in three
    INSERT … SELECT statements."""
    from django.db import connection

    from groups.models import Province, Ward

    ward = Ward.objects.create(
        name=f"Phường Benchmark {code}",
        code=code,
        province=Province.objects.get_or_create(code="01", defaults={"name": "Hà Nội"})[0],
        households_total=recipients,
        requires_second_approver=False,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO groups_residentialgroup (ward_id, kind, name, name_folded, households_total, facebook_group_url,
                                                 invite_token, is_active, created_at)
            SELECT %s, 'to_dan_pho', 'Tổ dân phố ' || g, 'to dan pho ' || g, %s, '', md5(random()::text || g), true,
                   now()
            FROM generate_series(1, %s) AS g
            """,
            [ward.pk, max(1, recipients // groups), groups],
        )
        cursor.execute(
            """
            INSERT INTO groups_member (ward_id, full_name, phone, email, zalo_user_id, household_id, consent_sms,
                                       consent_zalo, consent_email, preferred_channel, search_text, created_at,
                                       updated_at)
            SELECT %s, 'Cư dân ' || i, %s || lpad(i::text, 8, '0'), '', '', NULL, true, false, false, 'sms',
                   'cu dan ' || i, now(), now()
            FROM generate_series(1, %s) AS i
            """,
            [ward.pk, prefix, recipients],
        )
        cursor.execute(
            """
            INSERT INTO groups_membership (member_id, group_id, role, organisation, status, source, requested_address,
                                           joined_at, left_at, added_by_id, created_at, updated_at,
                                           confirmation_required, confirmed_at)
            SELECT m.id, g.id, 'resident', '', 'active', 'import', '', now(), NULL, NULL, now(), now(), false, NULL
            FROM groups_member m
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM groups_residentialgroup WHERE ward_id = %s) g
              ON g.n = m.id %% %s
            WHERE m.ward_id = %s
            """,
            [ward.pk, groups, ward.pk],
        )
        # As a ward's tables are when it sends: long since written, read, and vacuumed. Without it, the first
        # statement to read the new rows (the send's) pays for setting their hint bits.
        cursor.execute("VACUUM ANALYZE")
    return ward.pk


def start_workers(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "bench.fanout_app",
        "worker",
        "-c",
        "2",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "-B",  # and beat, as production runs it: its sweeper starts the retries no chain waits for
        f"--schedule={log_path.with_suffix('.schedule')}",
    ]
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    from portal.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1.0):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"the workers did not start; see {log_path}")
    return process


def wait_final(announcement_id: int, expected: int, timeout: float) -> None:
    """Until every delivery of the announcement has a final status. For the fan-out: until it is made and its
    last batch is done, asked of the announcement and the small batch table, so that the watching does not slow
    down what it watches; for the naive sends, which make no batches: until the rows are all there and none is
    queued."""
    from announcements.models import Announcement, Delivery, DeliveryBatch

    deadline = time.monotonic() + timeout
    rows = Delivery.objects.filter(announcement_id=announcement_id)
    naive = Announcement.objects.filter(pk=announcement_id, status="sent", materialized_at__isnull=True).exists()
    while True:
        if naive:
            finished = rows.count() >= expected and not rows.filter(status="queued").exists()
        else:
            made = Announcement.objects.filter(pk=announcement_id, materialized_at__isnull=False).exists()
            batches = DeliveryBatch.objects.filter(announcement_id=announcement_id)
            finished = made and not batches.filter(done=False).exists() and rows.count() >= expected
        if finished:
            return
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the deliveries")
        time.sleep(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=20_000)
    parser.add_argument("--database", default="bench_fanout")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument(
        "--faults",
        action="store_true",
        help="the gateway misbehaves: 10%% HTTP 500, 10%% answers after the client's timeout, 0.05%% of numbers "
        "refused (with the bulk request they come in)",
    )
    parser.add_argument("--seed", type=int, default=None, help="the fault schedule (default: a new one, printed)")
    args = parser.parse_args()
    # Stopped from outside (a timeout, Ctrl-C), it still stops its workers: a stale worker of an earlier run would
    # take the next run's tasks against a gateway that is gone.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from tests.fakes.sms_gateway import FakeSmsGateway, Faults

    gateway = FakeSmsGateway().__enter__()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    refused: set[str] = set()
    if args.faults:
        import random

        numbers = [f"09{i:08d}" for i in range(1, args.recipients + 1)]  # as build_residents numbers them
        refused = set(random.Random(seed).sample(numbers, max(1, args.recipients // 2000)))
        gateway.faults = Faults(seed, errors=0.10, late=0.10, late_seconds=1.5, refused=refused)
        log(f"faults: seed {seed}, {len(refused)} numbers refused")
        os.environ.update(
            PORTAL_PROVIDER_HTTP_TIMEOUT="1",
            PORTAL_DELIVERY_RETRY_BASE_SECONDS="1",
            PORTAL_DELIVERY_RETRY_MAX_SECONDS="8",
            PORTAL_DELIVERY_LEASE_SECONDS="30",
            PORTAL_DELIVERY_HEARTBEAT_SECONDS="10",
            PORTAL_SWEEP_SECONDS="2",
        )
    database_url = args.admin_url.rsplit("/", 1)[0] + "/" + args.database
    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789",
        DATABASE_URL=database_url,
        REDIS_URL=args.redis,
        CELERY_BROKER_URL=args.redis,
        PORTAL_VAR_DIR=str(var_dir),
        SMS_GATEWAY_URL=gateway.url,
        SMS_API_KEY=gateway.api_key,
        SMS_SECRET_KEY=gateway.secret_key,
        SMS_BRANDNAME=gateway.brandname,
        SMS_REQUESTS_PER_SECOND="0",  # the provider's own limit is not what this measures
        PORTAL_QUIET_HOURS_SMS="00:00-00:00",
        PORTAL_PUBLIC_BASE_URL="https://ketnoi.example.vn",
    )
    recreate_database(args.admin_url, args.database)

    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from announcements import services
    from announcements.models import Announcement, Delivery
    from bench.fanout_app import naive_send_one
    from groups.models import Member, StaffProfile

    redis.Redis.from_url(args.redis).flushdb()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    ward_id = build_residents(args.recipients)
    handoff_ward_id = build_residents(HANDOFF, groups=HANDOFF_GROUPS, code="99998", prefix="+843")
    log(f"built {args.recipients} + {HANDOFF} residents in {time.monotonic() - started:.1f}s")
    with connection.cursor() as cursor:
        # The building's write-ahead log flushed now, not by a checkpoint in the middle of the send.
        cursor.execute("CHECKPOINT")

    admin = get_user_model().objects.create_user(username="bench@example.vn", email="bench@example.vn")
    StaffProfile.objects.create(user=admin, ward_id=ward_id, role=StaffProfile.Role.WARD_ADMIN)
    handoff_admin = get_user_model().objects.create_user(username="ward@example.vn", email="ward@example.vn")
    StaffProfile.objects.create(user=handoff_admin, ward_id=handoff_ward_id, role=StaffProfile.Role.WARD_ADMIN)
    workers = start_workers(dict(os.environ), var_dir / "workers.log")
    try:
        data = services.AnnouncementData(
            title="Thong bao lich thu gom rac",
            body="Tu thu Hai, xe rac den luc 6 gio sang.",
            whole_ward=True,
            channels=["sms"],
        )
        draft = services.announcement_save(user=admin, data=data)
        log("sending")
        t0 = time.monotonic()
        # The ward needs no second signature: the admin's own notice is approved, and so sent, at once.
        announcement = services.announcement_submit(announcement=draft, by=admin)
        wait_final(announcement.pk, args.recipients, timeout=3600)
        end_to_end = time.monotonic() - t0
        announcement.refresh_from_db()
        materialize = (announcement.materialized_at - announcement.send_started_at).total_seconds()
        members = Member.objects.filter(ward_id=ward_id)
        expected = {"0" + phone[3:] for phone in members.values_list("phone", flat=True)}
        received = gateway.received
        duplicates = sum(count - 1 for count in received.values() if count > 1)
        lost = len(expected - set(received) - refused)  # neither delivered nor refused by the gateway
        failed = Delivery.objects.filter(announcement=announcement, status="failed").count()
        requests = gateway.requests
        log(f"fan-out: {end_to_end:.1f}s, {requests} gateway requests, {failed} failed")

        # One ward's notice while nothing else runs (and the gateway behaves): from "send" until the gateway
        # holds every one of its 30,000 messages.
        gateway.faults = None
        gateway.received_clear()
        handoff_draft = services.announcement_save(user=handoff_admin, data=data)
        t2 = time.monotonic()
        handoff = services.announcement_submit(announcement=handoff_draft, by=handoff_admin)
        deadline = t2 + 600
        while len(gateway.received) < HANDOFF and time.monotonic() < deadline:
            time.sleep(0.002)
        handoff_s = time.monotonic() - t2
        wait_final(handoff.pk, HANDOFF, timeout=600)
        handoff_expected = {
            "0" + p[3:] for p in Member.objects.filter(ward_id=handoff_ward_id).values_list("phone", flat=True)
        }
        handoff_lost = len(handoff_expected - set(gateway.received))
        handoff_duplicates = sum(count - 1 for count in gateway.received.values() if count > 1)
        log(f"ward hand-off: {handoff_s:.2f}s, {handoff_lost} lost, {handoff_duplicates} duplicates")

        # The naive way, on a sample, in the same run and against the same gateway (without faults: the naive
        # way has no retries to compare).
        members = Member.objects.filter(ward_id=ward_id)
        sample = list(members.order_by("id").values_list("id", flat=True)[: args.naive_sample])
        # Only a vehicle for the naive sends: saved and marked sent directly, so the fan-out never touches it.
        naive = services.announcement_save(user=admin, data=data)
        Announcement.objects.filter(pk=naive.pk).update(status="sent")
        gateway.received_clear()
        t1 = time.monotonic()
        for member_id in sample:
            naive_send_one.delay(naive.pk, member_id)
        wait_final(naive.pk, len(sample), timeout=3600)
        naive_s = time.monotonic() - t1
        naive_duplicates = sum(count - 1 for count in gateway.received.values() if count > 1)
    finally:
        os.killpg(workers.pid, 15)
        workers.wait(timeout=60)
        gateway.__exit__(None, None, None)

    deliveries_per_s = args.recipients / end_to_end
    naive_per_s = len(sample) / naive_s
    print(
        json.dumps(
            {
                "recipients": args.recipients,
                "groups": GROUPS,
                "workers": 2,
                "materialize_s": round(materialize, 2),
                "end_to_end_s": round(end_to_end, 2),
                "deliveries_per_s": round(deliveries_per_s, 1),
                "gateway_requests": requests,
                "failed": failed,
                "refused": len(refused),
                "faults_seed": seed if args.faults else None,
                "duplicates": duplicates,
                "lost": lost,
                "ward_handoff_s": round(handoff_s, 2),
                "ward_handoff_recipients": HANDOFF,
                "ward_handoff_lost": handoff_lost,
                "ward_handoff_duplicates": handoff_duplicates,
                "naive_sample": len(sample),
                "naive_s": round(naive_s, 2),
                "naive_deliveries_per_s": round(naive_per_s, 1),
                "naive_duplicates": naive_duplicates,
                "speedup": round(deliveries_per_s / naive_per_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()

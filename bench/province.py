"""Province benchmark: a city's 126 wards on one server, its page, a typhoon warning to five million, a ward's own
notice in the middle of it, and the province's six-monthly report.

    python bench/province.py                       # 126 wards × 17,500 households (5 million members), 1 million reports
    python bench/province.py --wards 4 --households 300 --reports 2000 --handoff 500   # a quick look

Builds, in a PostgreSQL database of its own (bench_province, made afresh): a province of W wards, each with 30
residential groups and H households of two or three members (every one with a phone and SMS consent; about 60 %
on Zalo and 10 % with an email, as wards' lists are), a year of residents' reports (most closed, some open and a
few overdue), a year of deliveries (`--history` a month for the twelve months before this one, each month's ward
notices to a share of each ward's people, in the delivery table's partitions), and the roll-ups counted from them
(figures_rebuild). Then:

- province_page_p95_ms: /province/ (every ward's figures) through the real view, `--page-repeat` times;
- the alert: the province admin sends an urgent SMS warning to every ward; 2 Celery worker processes (the
  default here: one per core) send it to the fake eSMS gateway on 127.0.0.1. alert_dispatch_s runs from "send"
  until every ward's part is made into batches handed to the workers; alert_deliveries_per_s is the recipients
  over the time until the last delivery is final; duplicates and lost are read at the gateway;
- ward_handoff_during_alert_s: once a quarter of the alert is out, another ward's own notice to its `--handoff`
  residents is sent; the time until the gateway holds every one of its messages;
- province_report_s: the province's report of the last 180 days as a PDF (build and render, as the worker does);
- the alert again, the same way, once the delivery table is made one plain table holding the same year
  (announcements.partitions.unpartition_table, the first alert's rows removed first):
  alert_deliveries_per_s_unpartitioned, and partitioned_slower_pct, how much slower the partitioned table sent
  it (negative: faster).

The last line printed is one JSON object with the figures and their targets.
"""

import argparse
import json
import os
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import bench_environment, measure, p95  # noqa: E402 - after the path is set
from bench.fanout import start_workers  # noqa: E402

GROUPS = 30
TARGETS = {
    "province_page_p95_ms": "< 100",
    "alert_dispatch_s": "<= 10",
    "alert_deliveries_per_s": ">= 30000",
    "ward_handoff_during_alert_s": "<= 2",
    "province_report_s": "<= 60",
    "duplicates": "= 0",
    "lost": "= 0",
    "partitioned_slower_pct": "<= 10",
}


def log(message: str) -> None:
    print(f"[province] {message}", file=sys.stderr, flush=True)


def build_province(cursor, *, wards: int, households: int, handoff: int) -> tuple[int, list[int], int]:
    """The province, its wards, groups, households, members (phones +849…, the hand-off ward's +843…) and their
    memberships, in a few INSERT … SELECT statements."""
    cursor.execute("INSERT INTO groups_province (name, code) VALUES ('Hà Nội', '01') RETURNING id")
    province = cursor.fetchone()[0]
    cursor.execute(
        """
        INSERT INTO groups_ward (name, code, province_id, households_total, requires_second_approver)
        SELECT 'Phường ' || w, (20000 + w)::text, %s, %s, false FROM generate_series(1, %s) AS w
        """,
        [province, households, wards],
    )
    cursor.execute(
        "INSERT INTO groups_ward (name, code, province_id, households_total, requires_second_approver) "
        "VALUES ('Phường Riêng', '29999', %s, %s, false) RETURNING id",
        [province, handoff],
    )
    own = cursor.fetchone()[0]
    cursor.execute("SELECT id FROM groups_ward WHERE id <> %s ORDER BY id", [own])
    ward_ids = [row[0] for row in cursor.fetchall()]
    for ward_id, size in [(w, households) for w in ward_ids] + [(own, handoff)]:
        cursor.execute(
            """
            INSERT INTO groups_residentialgroup (ward_id, kind, name, name_folded, households_total, covered,
                                                 facebook_group_url, invite_token, is_active, created_at)
            SELECT %s, 'to_dan_pho', 'Tổ dân phố ' || g, 'to dan pho ' || g, %s, 0, '', md5(random()::text || g),
                   true, now()
            FROM generate_series(1, %s) AS g
            """,
            [ward_id, max(1, size // GROUPS), GROUPS],
        )
    log("wards and groups built")
    cursor.execute(
        """
        INSERT INTO groups_household (group_id, address, address_folded, created_at)
        SELECT g.id, 'Số ' || n, 'so ' || n, now()
        FROM groups_residentialgroup g
        JOIN groups_ward w ON w.id = g.ward_id
        CROSS JOIN LATERAL generate_series(1, g.households_total) AS n
        WHERE w.id <> %s
        """,
        [own],
    )
    log("households built")
    # Two or three people a household (2.27 on average, as a Hà Nội household): phones from the household's id.
    cursor.execute(
        """
        INSERT INTO groups_member (ward_id, full_name, phone, email, zalo_user_id, household_id, consent_sms,
                                   consent_zalo, consent_email, preferred_channel, search_text, created_at, updated_at)
        SELECT g.ward_id, 'Cư dân ' || h.id || '-' || k, '+849' || lpad((h.id * 3 + k)::text, 8, '0'),
               CASE WHEN (h.id + k) %% 10 = 0 THEN 'cd' || h.id || k || '@example.vn' ELSE '' END,
               CASE WHEN (h.id + k) %% 10 < 6 THEN 'z' || h.id || k ELSE '' END,
               h.id, true, (h.id + k) %% 10 < 6, (h.id + k) %% 10 = 0,
               CASE WHEN (h.id + k) %% 10 < 6 THEN 'zalo' ELSE 'sms' END, 'cu dan ' || h.id, now(), now()
        FROM groups_household h
        JOIN groups_residentialgroup g ON g.id = h.group_id
        CROSS JOIN LATERAL generate_series(0, CASE WHEN h.id %% 100 < 27 THEN 2 ELSE 1 END) AS k
        """,
        [],
    )
    cursor.execute(
        """
        INSERT INTO groups_member (ward_id, full_name, phone, email, zalo_user_id, household_id, consent_sms,
                                   consent_zalo, consent_email, preferred_channel, search_text, created_at, updated_at)
        SELECT %s, 'Cư dân riêng ' || i, '+843' || lpad(i::text, 8, '0'), '', '', NULL, true, false, false, 'sms',
               'cu dan rieng ' || i, now(), now()
        FROM generate_series(1, %s) AS i
        """,
        [own, handoff],
    )
    log("members built")
    cursor.execute(
        """
        INSERT INTO groups_membership (member_id, group_id, role, organisation, status, source, requested_address,
                                       joined_at, left_at, added_by_id, created_at, updated_at,
                                       confirmation_required, confirmed_at)
        SELECT m.id, h.group_id, 'resident', '', 'active', 'import', '', now() - interval '200 days', NULL, NULL,
               now() - interval '200 days', now(), false, NULL
        FROM groups_member m JOIN groups_household h ON h.id = m.household_id
        """
    )
    cursor.execute(
        """
        INSERT INTO groups_membership (member_id, group_id, role, organisation, status, source, requested_address,
                                       joined_at, left_at, added_by_id, created_at, updated_at,
                                       confirmation_required, confirmed_at)
        SELECT m.id, (SELECT min(id) FROM groups_residentialgroup WHERE ward_id = %s), 'resident', '', 'active',
               'import', '', now(), NULL, NULL, now(), now(), false, NULL
        FROM groups_member m WHERE m.ward_id = %s
        """,
        [own, own],
    )
    log("memberships built")
    return province, ward_ids, own


def build_reports(cursor, *, ward_ids: list[int], reports: int) -> None:
    """A year of reports, spread over the wards and the days: nine in ten closed (most in time), the rest open, a
    few of those past their deadline."""
    cursor.execute(
        """
        INSERT INTO feedback_report (ward_id, tracking_code, category, description, search_text, address,
                                     reporter_name, reporter_phone, reporter_email, reporter_zalo_id, is_anonymous,
                                     is_confidential, is_public, source, external_ref, status, status_reason,
                                     priority, resolution, rating_comment, created_at, updated_at, resolve_due_at,
                                     accepted_at, first_response_at, resolved_at, closed_at)
        SELECT w.ids[1 + i %% array_length(w.ids, 1)], 'PA-B' || i, 'environment', 'Phản ánh ' || i, 'phan anh', '',
               '', '', '', '', true, false, true, 'web', '',
               CASE WHEN i %% 10 = 0 THEN 'in_progress' ELSE 'closed' END, '', 'normal', '', '',
               now() - (i %% 365) * interval '1 day', now(),
               now() - (i %% 365) * interval '1 day' + interval '10 days',
               now() - (i %% 365) * interval '1 day' + interval '1 hour',
               now() - (i %% 365) * interval '1 day' + interval '1 day',
               CASE WHEN i %% 10 = 0 THEN NULL ELSE now() - (i %% 365) * interval '1 day' + (i %% 13) * interval '1 day' END,
               CASE WHEN i %% 10 = 0 THEN NULL ELSE now() - (i %% 365) * interval '1 day' + interval '14 days' END
        FROM generate_series(1, %s) AS i, (SELECT array_agg(id ORDER BY id) AS ids FROM groups_ward WHERE id = ANY(%s)) w
        """,
        [reports, ward_ids],
    )


def build_history(cursor, *, ward_ids: list[int], per_month: int, author_id: int) -> int:
    """A year of ward notices before this month: each month, one per ward to a share of its people (every k-th
    member id), sent and delivered, with their batches' month. Each month gets its partition first, as the
    nightly task would have made it. Returns how many deliveries."""
    from announcements.partitions import add_months, month_start, partition_make
    from groups.models import Member

    members = Member.objects.filter(ward_id__in=ward_ids).count()
    step = max(1, round(members / per_month)) if per_month else 0
    made = 0
    for back in range(1, 13 if step else 1):
        month = add_months(month_start(), -back)
        partition_make(month)
        cursor.execute(
            """
            INSERT INTO announcements_announcement (ward_id, title, body, body_html, category, urgency, whole_ward,
                roles, channels, on_web_feed, sms_unaccented, action, meeting_place, poll_question, poll_options,
                status, created_by_id, send_started_at, materialized_at, sent_at, audience_households,
                rejection_note, created_at, updated_at)
            SELECT w, 'Thong bao thang ' || %s, 'Noi dung', '', 'other', 'routine', true, '[]', '["sms"]', false, true,
                   'none', '', '', '[]', 'sent', %s, %s, %s, %s, 0, '', %s, %s
            FROM unnest(%s::bigint[]) AS w
            RETURNING id
            """,
            [back, author_id, *([month + timedelta(days=14)] * 5), ward_ids],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            INSERT INTO announcements_delivery (announcement_id, kind, member_id, outlet_id, batch, address, status,
                retries, not_before, provider_message_id, request_id, reason, sent_at, delivered_at, updated_at, month)
            SELECT a.id, 'sms', m.id, NULL, 0, m.phone, 'delivered', 0, NULL, 'p' || m.id, '', '', a.sent_at,
                   a.sent_at, a.sent_at, %s
            FROM announcements_announcement a JOIN groups_member m ON m.ward_id = a.ward_id AND m.id %% %s = %s
            WHERE a.id = ANY(%s)
            """,
            [month, step, back % step, ids],
        )
        made += cursor.rowcount
        log(f"history: {month:%Y-%m}, {cursor.rowcount} deliveries")
    return made


def naive_figures(province_id: int) -> int:
    """The page's figures the naive way, for the ratio: counted from the big tables on each view (households
    covered from the memberships, this month's reports from the reports), as a page without roll-ups would."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from feedback.models import Report
    from groups.models import Membership

    month = timezone.localdate().replace(day=1)
    covered = (
        Membership.objects.filter(
            group__ward__province_id=province_id, status="active", member__household__isnull=False
        )
        .values("group__ward_id")
        .annotate(n=Count("member__household", distinct=True))
    )
    reports = (
        Report.objects.filter(ward__province_id=province_id, created_at__date__gte=month)
        .values("ward_id")
        .annotate(n=Count("id"), answered=Count("id", filter=Q(first_response_at__isnull=False)))
    )
    return len(list(covered)) + len(list(reports))


def wait_parts(notice_id: int, timeout: float) -> float:
    """Until every ward's part of the alert is made into batches (materialized); the moment it was."""
    from announcements.models import Announcement

    deadline = time.monotonic() + timeout
    parts = Announcement.objects.filter(province_announcement_id=notice_id)
    while parts.filter(materialized_at__isnull=True).exists():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the alert's dispatch")
        time.sleep(0.05)
    return time.monotonic()


def send_alert(*, admin, ward_ids: list[int], gateway, recipients: int, handoff=None) -> dict:
    """The province's urgent SMS to every ward, sent by 2 worker processes to the fake gateway: its dispatch,
    its end-to-end rate, and what the gateway got. With `handoff` (the ward's admin, its ward id and size), that
    ward's own notice is sent once a quarter of the alert is out, and timed until all of it is at the gateway."""
    from announcements import services

    gateway.received_clear()
    workers = start_workers(dict(os.environ), ROOT / "var" / "bench" / "province-workers.log")
    figures: dict = {}
    try:
        notice = services.province_announcement_save(
            user=admin,
            data=services.ProvinceNoticeData(
                title="Canh bao bao so 9",
                body="Bao so 9 do bo dem nay. Ba con chang chong nha cua, khong ra bien.",
                category="disaster",
                urgency="urgent",
                channels=["sms"],
                ward_ids=ward_ids,
            ),
        )
        log("alert: sending")
        t0 = time.monotonic()
        services.province_announcement_send(notice=notice, by=admin)
        figures["dispatch_s"] = wait_parts(notice.pk, timeout=600) - t0
        log(f"alert: every ward's batches made and handed over in {figures['dispatch_s']:.1f}s")
        if handoff is not None:
            ward_admin, own, size = handoff
            while gateway.taken < recipients // 4:
                time.sleep(0.01)
            own_draft = services.announcement_save(
                user=ward_admin,
                data=services.AnnouncementData(
                    title="Lich thu gom rac",
                    body="Tu thu Hai, xe rac den luc 6 gio sang.",
                    whole_ward=True,
                    channels=["sms"],
                ),
            )
            t2 = time.monotonic()
            services.announcement_submit(announcement=own_draft, by=ward_admin)
            while gateway.by_prefix["03"] < size:  # the ward's own residents: +843… dialled 03…
                time.sleep(0.002)
            figures["handoff_s"] = time.monotonic() - t2
            log(f"ward hand-off during the alert: {figures['handoff_s']:.2f}s")
        wait_done(notice.pk, timeout=3600)
        figures["alert_s"] = time.monotonic() - t0
    finally:
        os.killpg(workers.pid, 15)
        workers.wait(timeout=60)
    figures["notice"] = notice
    figures["received"] = dict(gateway.received)
    return figures


def wait_done(notice_id: int, timeout: float) -> None:
    from announcements.models import DeliveryBatch

    deadline = time.monotonic() + timeout
    batches = DeliveryBatch.objects.filter(announcement__province_announcement_id=notice_id)
    while batches.filter(done=False).exists() or not batches.exists():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the alert's deliveries")
        time.sleep(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wards", type=int, default=126)
    parser.add_argument("--households", type=int, default=17_500, help="per ward")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--handoff", type=int, default=30_000, help="residents of the ward sending its own notice")
    parser.add_argument("--history", type=int, default=1_000_000, help="deliveries a month, for the past year")
    parser.add_argument("--page-repeat", type=int, default=200)
    parser.add_argument("--database", default="bench_province")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from tests.fakes.sms_gateway import FakeSmsGateway

    gateway = FakeSmsGateway().__enter__()
    bench_environment(
        admin_url=args.admin_url,
        database=args.database,
        redis=args.redis,
        SMS_GATEWAY_URL=gateway.url,
        SMS_API_KEY=gateway.api_key,
        SMS_SECRET_KEY=gateway.secret_key,
        SMS_BRANDNAME=gateway.brandname,
        SMS_REQUESTS_PER_SECOND="0",  # the provider's own limit is not what this measures
        PORTAL_QUIET_HOURS_SMS="00:00-00:00",
        PORTAL_PUBLIC_BASE_URL="https://ketnoi.example.vn",
    )
    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from announcements.models import Announcement, Delivery, DeliveryBatch
    from announcements.partitions import month_start, partition_name, unpartition_table
    from groups.models import Member, Province, ProvinceStaff, StaffProfile, Ward
    from portal.province import report as province_report
    from portal.province.rebuild import figures_rebuild
    from portal.ward_report.render import ReportUnavailable, pdf_of

    redis.Redis.from_url(args.redis).flushdb()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    with connection.cursor() as cursor:
        province_id, ward_ids, own = build_province(
            cursor, wards=args.wards, households=args.households, handoff=args.handoff
        )
        build_reports(cursor, ward_ids=ward_ids, reports=args.reports)
        cursor.execute("VACUUM ANALYZE")
    log(f"built in {time.monotonic() - started:.0f}s")
    t = time.monotonic()
    for first in range(0, len(ward_ids), 20):
        figures_rebuild(ward_ids=ward_ids[first : first + 20])
    rebuild_s = time.monotonic() - t
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    recipients = Member.objects.filter(ward_id__in=ward_ids).count()
    log(f"{recipients} members in {len(ward_ids)} wards; roll-ups counted in {rebuild_s:.0f}s")

    province = Province.objects.get(pk=province_id)
    admin = get_user_model().objects.create_user(username="tinh@example.vn", email="tinh@example.vn")
    ProvinceStaff.objects.create(user=admin, province=province, role=ProvinceStaff.Role.ADMIN)
    ward_admin = get_user_model().objects.create_user(username="phuong@example.vn", email="phuong@example.vn")
    StaffProfile.objects.create(user=ward_admin, ward_id=own, role=StaffProfile.Role.WARD_ADMIN)
    t = time.monotonic()
    with connection.cursor() as cursor:
        history = build_history(cursor, ward_ids=ward_ids, per_month=args.history, author_id=ward_admin.pk)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    log(f"a year of deliveries: {history} in {time.monotonic() - t:.0f}s")

    client = Client()
    client.force_login(admin)
    page_p95, page = measure(client, "/province/", args.page_repeat)
    assert page.content.decode().count("data-ward=") == len(ward_ids) + 1, "every ward on the page"
    naive = []
    for _ in range(max(3, args.page_repeat // 20)):
        t = time.perf_counter()
        naive_figures(province_id)
        naive.append(time.perf_counter() - t)
    naive_p95 = p95(naive)
    log(f"province page p95 {page_p95} ms; the naive count of the same figures p95 {naive_p95} ms")

    t = time.monotonic()
    made = province_report.printed(
        province_report.build(
            province=province, start=timezone.localdate() - timedelta(days=180), end=timezone.localdate()
        )
    )
    try:
        pdf_of(made)
    except ReportUnavailable:
        log("no PDF on this machine: the report's time is its data and tables only")
    report_s = time.monotonic() - t
    log(f"province report {report_s:.1f}s")

    first = send_alert(
        admin=admin, ward_ids=ward_ids, gateway=gateway, recipients=recipients, handoff=(ward_admin, own, args.handoff)
    )
    notice, dispatch_s, alert_s, handoff_s = first["notice"], first["dispatch_s"], first["alert_s"], first["handoff_s"]
    expected = {"0" + p[3:] for p in Member.objects.filter(ward_id__in=ward_ids).values_list("phone", flat=True)}
    received = {phone: n for phone, n in first["received"].items() if phone.startswith("09")}
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lost = len(expected - set(received))
    own_received = {phone: n for phone, n in first["received"].items() if phone.startswith("03")}
    own_expected = {"0" + p[3:] for p in Member.objects.filter(ward_id=own).values_list("phone", flat=True)}
    handoff_lost = len(own_expected - set(own_received))
    handoff_duplicates = sum(n - 1 for n in own_received.values() if n > 1)
    failed = Delivery.objects.filter(announcement__province_announcement=notice, status="failed").count()
    parts = Announcement.objects.filter(province_announcement=notice).count()

    # The same alert on one plain table holding the same year: this month's rows (the first alert's and the
    # hand-off's) removed first, so that both sends start from the year of history alone.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {partition_name(month_start())}")
        DeliveryBatch.objects.filter(month=month_start()).delete()
        log("made one plain table of the deliveries")
        unpartition_table(cursor)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    # The same work as the first: the ward's own notice sent in the middle of it too.
    plain = send_alert(
        admin=admin, ward_ids=ward_ids, gateway=gateway, recipients=recipients, handoff=(ward_admin, own, args.handoff)
    )
    plain_received = {phone: n for phone, n in plain["received"].items() if phone.startswith("09")}
    duplicates += sum(n - 1 for n in plain_received.values() if n > 1)
    lost += len(expected - set(plain_received))
    gateway.__exit__(None, None, None)
    rate, plain_rate = recipients / alert_s, recipients / plain["alert_s"]
    log(f"alert: {rate:.0f}/s partitioned, {plain_rate:.0f}/s on one plain table")

    print(
        json.dumps(
            {
                "wards": len(ward_ids),
                "households": Ward.objects.filter(pk__in=ward_ids).count() * args.households,
                "members": recipients,
                "reports": args.reports,
                "workers": 2,
                "roll_ups_rebuild_s": round(rebuild_s, 1),
                "province_page_p95_ms": page_p95,
                "naive_figures_p95_ms": naive_p95,
                "page_vs_naive": round(naive_p95 / page_p95, 1) if page_p95 else None,
                "alert_recipients": recipients,
                "alert_parts": parts,
                "alert_dispatch_s": round(dispatch_s, 2),
                "alert_end_to_end_s": round(alert_s, 2),
                "alert_deliveries_per_s": round(rate, 1),
                "history_deliveries": history,
                "alert_dispatch_s_unpartitioned": round(plain["dispatch_s"], 2),
                "alert_deliveries_per_s_unpartitioned": round(plain_rate, 1),
                "partitioned_slower_pct": round(100 * (plain_rate / rate - 1), 1),
                "ward_handoff_during_alert_s_unpartitioned": round(plain["handoff_s"], 2),
                "failed": failed,
                "duplicates": duplicates,
                "lost": lost,
                "ward_handoff_during_alert_s": round(handoff_s, 2),
                "ward_handoff_recipients": args.handoff,
                "ward_handoff_lost": handoff_lost,
                "ward_handoff_duplicates": handoff_duplicates,
                "province_report_s": round(report_s, 2),
                "targets": TARGETS,
            }
        )
    )


if __name__ == "__main__":
    main()

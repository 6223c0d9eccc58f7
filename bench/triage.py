"""Triage benchmark: the staff queue at N reports, and the public form's submissions per second.

    python bench/triage.py --rows 1000000

Fills N reports across 2,000 groups in a PostgreSQL database of its own (bench_triage, dropped and created
again), then measures through the real view (Django's test client, the real URL, view and template): the queue's
first page, the deep page (the page that starts halfway through the matching reports, reached by its cursor), a
filtered page (category + status + overdue) and a search without diacritics; and the same deep page served the
naive way, by an OFFSET-paginated list (Django's Paginator) of the same rows, in the same run. Then it starts
gunicorn with 2 workers and posts the public form (no photo) from several threads: anonymous reports
(`submit_per_s`), then reports that leave a phone number, which also queue the Celery task that texts the code
back (`submit_with_phone_per_s`). The last line printed is one JSON object with the figures.
"""

import argparse
import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import bench_environment, gunicorn, measure, p95  # noqa: E402 - after the path is set

GROUPS = 2000
WARM_UP_SECONDS = 3.0
PHRASES = [
    ("Rác thải để ở đầu hẻm nhiều ngày chưa thu gom", "environment"),
    ("Vỉa hè bị quán ăn lấn chiếm, người đi bộ phải xuống lòng đường", "urban_order"),
    ("Đèn đường hỏng cả tuần, buổi tối rất tối", "utilities"),
    ("Nhóm thanh niên tụ tập gây ồn ào lúc nửa đêm", "security"),
    ("Ổ gà lớn giữa đường, xe máy dễ ngã", "traffic"),
    ("Hỏi thủ tục đăng ký tạm trú cho người thuê nhà", "procedure"),
]


def log(message: str) -> None:
    print(f"[triage] {message}", file=sys.stderr, flush=True)


def fill(rows: int) -> tuple[int, object]:
    from django.db import connection

    from groups.models import Province, Ward
    from portal.common.text import fold

    ward = Ward.objects.create(
        name="Phường Benchmark",
        code="99998",
        province=Province.objects.get_or_create(code="01", defaults={"name": "Hà Nội"})[0],
        households_total=rows,
    )
    phrases = [p for p, _c in PHRASES]
    folded = [fold(p) for p in phrases]
    categories = [c for _p, c in PHRASES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO groups_residentialgroup (ward_id, kind, name, name_folded, households_total,
                                                 facebook_group_url, invite_token, is_active, created_at)
            SELECT %s, 'to_dan_pho', 'Tổ dân phố ' || g, 'to dan pho ' || g, 100, '', md5(random()::text || g),
                   true, now()
            FROM generate_series(1, %s) AS g
            """,
            [ward.pk, GROUPS],
        )
        cursor.execute(
            """
            WITH g AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM groups_residentialgroup
                       WHERE ward_id = %(ward)s)
            INSERT INTO feedback_report (
                ward_id, group_id, tracking_code, category, description, search_text, address, latitude, longitude,
                reporter_name, reporter_phone, reporter_email, reporter_zalo_id, is_anonymous, is_confidential, is_public, source,
                external_ref, submission_key, status, status_reason, priority, unit_id, assignee_id,
                duplicate_of_id, resolution, accept_due_at, resolve_due_at, accepted_at, first_response_at,
                resolved_at, closed_at, escalated_at, rating, rating_comment, recorded_by_id, created_at,
                updated_at)
            SELECT %(ward)s, g.id, 'B' || i, (%(categories)s::text[])[1 + i %% 6],
                   (%(phrases)s::text[])[1 + i %% 6] || ' (số ' || i || ')',
                   (%(folded)s::text[])[1 + i %% 6] || ' (so ' || i || ')',
                   '', NULL, NULL, 'Cư dân ' || i, '', '', '', false, false, true, 'web', '', NULL,
                   (ARRAY['new','triaged','assigned','in_progress','resolved','closed','rejected'])[1 + (i / 7) %% 7],
                   '', 'normal', NULL, NULL, NULL, '',
                   t.created + interval '8 hours', t.created + interval '5 days', NULL, NULL, NULL, NULL, NULL,
                   NULL, '', NULL, t.created, t.created
            FROM generate_series(1, %(rows)s) AS i
            JOIN g ON g.n = i %% %(groups)s
            CROSS JOIN LATERAL (SELECT now() - interval '400 days' + (i::float / %(rows)s) * interval '400 days'
                                AS created) AS t
            """,
            {
                "ward": ward.pk,
                "rows": rows,
                "groups": GROUPS,
                "phrases": phrases,
                "folded": folded,
                "categories": categories,
            },
        )
        # Settle the table before measuring: without this, autovacuum's first pass over a million fresh rows runs
        # during the measurements, and index-only scans have no visibility map yet.
        cursor.execute("VACUUM ANALYZE feedback_report")
    return ward.pk, ward


def offset_view_timer(user, params: dict, page_number: int, repeat: int) -> float:
    """The naive way: the same rows and template, paginated by Django's Paginator (COUNT, then OFFSET)."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from feedback import selectors
    from feedback.selectors import QueueFilters, QueuePage

    factory = RequestFactory()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        request = factory.get("/reports/", {**params, "page": page_number})
        request.user = user
        rows = selectors.reports_for_user(user=user).select_related("group", "unit").order_by("-id")
        page = Paginator(rows, 50).get_page(page_number)
        render_to_string(
            "feedback/queue.html",
            {
                "page": QueuePage(rows=list(page), next_cursor=""),
                "filters": QueueFilters(),
                "query": "",
                "statuses": [],
                "categories": [],
                "priorities": [],
                "sources": [],
                "units": [],
                "groups": [],
            },
            request=request,
        )
        timings.append(time.perf_counter() - started)
    return p95(timings)


def submissions_per_second(
    env: dict, ward_code: str, seconds: float, threads: int, gunicorn_threads: int
) -> tuple[float, float, int]:
    """Reports a second, anonymous ones then ones that leave a phone number; and how many were answered."""
    path = f"/p/{ward_code}/report/"
    with gunicorn(env, workers=2, threads=gunicorn_threads) as port:
        base = f"http://127.0.0.1:{port}"

        def rate(with_phone: bool) -> tuple[float, int]:
            counts = [0] * threads
            # Steady state is what is measured: each worker's first requests import and build what Django builds
            # lazily, so the clients post for a warm-up period whose answers are not counted.
            warm_until = time.monotonic() + WARM_UP_SECONDS
            stop = warm_until + seconds

            def resident(index: int) -> None:
                # A resident who leaves a phone number also costs the Celery message that texts the code back.
                contact = {"name": "Lan", "phone": f"090{index:07d}"} if with_phone else {"anonymous": "on"}
                # The standard library's client, not httpx: the load generator shares the two cores with the
                # server, and the less it spends per request the more of them the server gets.
                page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                page.request("GET", path)
                answer = page.getresponse()
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.read().decode()).group(1)
                cookie = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie")).group(1)
                page.close()
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={cookie}",
                    "Referer": base + path,
                }
                n = 0
                while time.monotonic() < stop:
                    n += 1
                    body = urllib.parse.urlencode(
                        {
                            "csrfmiddlewaretoken": token,
                            "category": "environment",
                            "description": f"Rác thải ở hẻm {index}-{n} chưa được thu gom",
                            "form_token": f"bench-{with_phone}-{index}-{n}",
                            **contact,
                        }
                    )
                    # gunicorn's sync workers close each connection after one answer, as a browser would see.
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    connection.request("POST", path, body=body, headers=headers)
                    status = connection.getresponse().status
                    connection.close()
                    if status == 302 and time.monotonic() > warm_until:
                        counts[index] += 1

            workers = [threading.Thread(target=resident, args=(i,)) for i in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            return sum(counts) / (time.monotonic() - warm_until), sum(counts)

        anonymous, anonymous_answered = rate(with_phone=False)
        with_phone, phone_answered = rate(with_phone=True)
        return anonymous, with_phone, anonymous_answered + phone_answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--submit-seconds", type=float, default=15.0)
    parser.add_argument("--submit-threads", type=int, default=8)
    # Sync workers (gunicorn's default): on two cores, threads in a worker only add GIL contention.
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--database", default="bench_triage")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"))
    args = parser.parse_args()

    bench_environment(
        admin_url=args.admin_url,
        database=args.database,
        redis=args.redis,
        PORTAL_REPORT_RATE_LIMIT_PER_HOUR="100000000",
        # An SMS channel set up (nothing consumes the queue here), so that filing a report with a phone also
        # queues the message with its code, as it does in a ward.
        SMS_GATEWAY_URL="http://127.0.0.1:9/",
        SMS_API_KEY="bench",
        SMS_SECRET_KEY="bench",
        SMS_BRANDNAME="BENCH",
    )

    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from feedback.selectors import _encode
    from groups.models import StaffProfile

    redis.Redis.from_url(args.redis).flushdb()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    ward_id, ward = fill(args.rows)
    log(f"filled {args.rows} reports in {time.monotonic() - started:.1f}s")
    admin = get_user_model().objects.create_user(username="bench@example.vn", email="bench@example.vn")
    StaffProfile.objects.create(user=admin, ward_id=ward_id, role=StaffProfile.Role.WARD_ADMIN)
    client = Client()
    client.force_login(admin)

    everything = {"status": "all"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM feedback_report WHERE ward_id = %s ORDER BY id DESC OFFSET %s LIMIT 1",
            [ward_id, args.rows // 2],
        )
        halfway = cursor.fetchone()[0]
    deep_cursor = _encode(halfway + 1)  # the page that starts with the row halfway through

    queue_p95, first = measure(client, "/reports/", args.repeat, everything)
    deep_p95, deep = measure(client, "/reports/", args.repeat, {**everything, "after": deep_cursor})
    filtered_p95, filtered = measure(
        client, "/reports/", args.repeat, {"status": "open", "category": "environment", "overdue": "1"}
    )
    search_p95, found = measure(client, "/reports/", args.repeat, {"status": "all", "q": "rac thai"})
    from feedback.models import Report

    def codes(response) -> list[str]:
        return re.findall(r'data-report="([^"]+)"', response.content.decode())

    assert codes(first) and codes(filtered) and codes(found), "a measured page came back empty"
    deep_codes = codes(deep)
    assert len(deep_codes) == 50 and deep_codes[0] == Report.objects.get(pk=halfway).tracking_code
    offset_p95 = offset_view_timer(admin, everything, (args.rows // 2) // 50 + 1, max(5, args.repeat // 4))
    log(
        f"queue {queue_p95} ms, deep {deep_p95} ms, filtered {filtered_p95} ms, search {search_p95} ms, "
        f"offset deep {offset_p95} ms"
    )

    submit, submit_with_phone, answered = submissions_per_second(
        dict(os.environ), ward.code, args.submit_seconds, args.submit_threads, args.gunicorn_threads
    )
    # Every answer counted was a report really filed (the warm-up's are there too, hence at least).
    filed = Report.objects.filter(ward_id=ward_id, description__startswith="Rác thải ở hẻm").count()
    assert filed >= answered, (filed, answered)
    from announcements.models import PersonalMessage

    texts = PersonalMessage.objects.filter(topic__startswith="report:").count()
    log(f"{filed} reports filed, {texts} messages with their code queued")
    redis.Redis.from_url(args.redis).flushdb()  # the notification tasks nobody consumes here
    print(
        json.dumps(
            {
                "rows": args.rows,
                "groups": GROUPS,
                "queue_p95_ms": queue_p95,
                "deep_page_p95_ms": deep_p95,
                "filtered_p95_ms": filtered_p95,
                "search_p95_ms": search_p95,
                "offset_deep_page_p95_ms": offset_p95,
                "deep_vs_offset": round(offset_p95 / deep_p95, 1) if deep_p95 else None,
                "submit_per_s": round(submit, 1),
                "submit_with_phone_per_s": round(submit_with_phone, 1),
                "gunicorn_workers": 2,
                "gunicorn_threads": args.gunicorn_threads,
                "submit_threads": args.submit_threads,
            }
        )
    )


if __name__ == "__main__":
    main()
